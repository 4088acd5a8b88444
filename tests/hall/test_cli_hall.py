"""``exhibit hall`` as an operator starts it: headless, remote control, SIGTERM leaves effects safe."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
import urllib.request
from datetime import datetime
from pathlib import Path

from exhibit.effects.journal import read_journal
from tests.effects.olad import free_port
from tests.effects.processes import EXHIBIT, exhibit
from tests.hall.live import eventually
from tests.hall.rig import HALL, SCENES, write_hall_project


def test_the_hall_runs_a_show_and_stops_cleanly_on_sigterm(tmp_path: Path) -> None:
    http_port, osc_port = free_port(), free_port(2)
    write_hall_project(tmp_path, {**HALL, "schedule": [], "remote": {"osc": {"port": osc_port},
                                                                      "http": {"port": http_port}}}, SCENES)
    hall = subprocess.Popen([*EXHIBIT, "--root", str(tmp_path), "hall", "--headless", "--no-sync", "--go", "beta"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    log = tmp_path / "var" / "log"
    try:
        def status() -> dict | None:  # type: ignore[type-arg]
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{http_port}/status", timeout=1) as r:
                    return json.loads(r.read())  # type: ignore[no-any-return]
            except OSError:
                return None

        assert eventually(lambda: (status() or {}).get("state") == "show", timeout=15)
        assert eventually(lambda: any(r["event"] == "effect" and r["effect"] == "mist" and r["on"]
                                      for r in read_journal(log / "effects.jsonl")), timeout=10)
        hall.send_signal(signal.SIGTERM)
        out, err = hall.communicate(timeout=10)
    finally:
        if hall.poll() is None:
            hall.kill()
            hall.wait()
    assert hall.returncode == 0, err
    assert f"HTTP 127.0.0.1:{http_port}" in err and "effects in-process (simulated)" in err
    events = [r["event"] for r in read_journal(log / "hall.jsonl")]
    assert events[-3:] == ["signal", "show_end", "hall_stopped"]
    mist = [r for r in read_journal(log / "effects.jsonl") if r["event"] == "effect" and r["effect"] == "mist"]
    assert [m["on"] for m in mist] == [True, False]
    on, off = (datetime.fromisoformat(m["ts"]) for m in mist)
    assert (off - on).total_seconds() < 2.5  # off on the way out, before its cue (3 s) would end it


def test_unknown_scene_on_the_command_line(tmp_path: Path) -> None:
    write_hall_project(tmp_path, {**HALL, "schedule": []}, SCENES)
    done = exhibit(tmp_path, "hall", "--headless", "--no-sync", "--go", "alpah")
    assert done.returncode == 1
    assert done.stderr.strip() == "exhibit: error: unknown scene 'alpah' (did you mean 'alpha'?)"


def test_a_remote_bound_to_every_interface_without_a_token_is_refused(tmp_path: Path) -> None:
    write_hall_project(tmp_path, {**HALL, "schedule": [], "remote": {"http": {"bind": "0.0.0.0", "port": free_port()}}},
                       SCENES)
    started = time.monotonic()
    done = exhibit(tmp_path, "hall", "--headless", "--no-sync")
    assert done.returncode == 1 and time.monotonic() - started < 20
    assert "remote http is bound to 0.0.0.0, which other machines can reach; set a token in hall.yaml" in done.stderr
    assert os.path.exists(tmp_path / "var" / "log" / "hall.jsonl")


def test_effects_hardware_is_never_driven_from_inside_the_hall(tmp_path: Path) -> None:
    hardware = {**HALL, "schedule": [], "effects": {"wind": {"output": "dmx", "channel": 1}},
                "outputs": {"dmx": {"kind": "artnet", "host": "127.0.0.1"}}}
    write_hall_project(tmp_path, hardware, SCENES)
    done = exhibit(tmp_path, "hall", "--headless", "--no-sync", "--effects", "local")
    assert done.returncode == 1
    assert done.stderr.strip() == (
        "exhibit: error: --effects local drives only simulated outputs: effects hardware is driven by its own "
        "process, which turns it off if the hall dies; leave out --effects")
