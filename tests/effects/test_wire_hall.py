"""On the wire, with a hall running a show: its effects host killed, PANIC while it is gone, the hall stopped.

The hall's own effects host is the only Art-Net sender in this module (OLA takes the latest
frame of any sender, so another host's zeros would hide what this one sends).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from exhibit.effects.journal import read_journal
from exhibit.effects.link import UdpLink
from tests.effects.olad import ARTNET_UNIVERSE, Olad, free_port, wait_until
from tests.effects.processes import EXHIBIT, write_project
from tests.effects.test_wire import HALL, SCENE

Show = tuple[subprocess.Popen[str], Path, int, int]  # the hall process, its content root, HTTP and effects ports


def _host_pids(root: Path) -> list[int]:
    return [r["pid"] for r in read_journal(root / "var" / "log" / "effects.jsonl") if r["event"] == "host_started"]


def _wind(olad: Olad) -> int | None:
    slots = olad.dmx(ARTNET_UNIVERSE)
    return slots[0] if slots else None


def _post(port: int, path: str) -> tuple[int, dict]:  # type: ignore[type-arg]
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=b"{}", method="POST")
    with urllib.request.urlopen(request, timeout=5) as response:
        return response.status, json.loads(response.read())


@pytest.fixture()
def show(tmp_path: Path, olad: Olad) -> Iterator[Show]:
    http_port, effects_port = free_port(), free_port()
    write_project(tmp_path, {**HALL, "remote": {"http": {"port": http_port}}}, {"gale": SCENE})
    hall = subprocess.Popen([*EXHIBIT, "--root", str(tmp_path), "hall", "--headless", "--no-sync", "--no-schedule",
                             "--go", "gale", "--effects-port", str(effects_port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        assert wait_until(lambda: _wind(olad) == 204, timeout=20), "the hall's show never reached the wire"
        yield hall, tmp_path, http_port, effects_port
    finally:
        if hall.poll() is None:
            hall.send_signal(signal.SIGTERM)
            hall.wait(15)
        if hall.stderr is not None:
            hall.stderr.close()


def test_a_killed_effects_host_is_covered_at_once_and_restarted(olad: Olad, show: Show) -> None:
    hall, root, http_port, effects_port = show
    first = _host_pids(root)[-1]
    killed = time.monotonic()
    os.kill(first, signal.SIGKILL)
    zero = wait_until(lambda: _wind(olad) == 0, timeout=3)
    assert zero is not None and zero - killed < 1.0, "the last level stayed on the wire after kill -9 of the host"
    # a new host, and the show (still running) back on the wire through it
    assert wait_until(lambda: len(_host_pids(root)) == 2 and _wind(olad) == 204, timeout=20)
    assert UdpLink(effects_port).query(0.5) is not None

    def events() -> list[str]:
        return [r["event"] for r in read_journal(root / "var" / "log" / "hall.jsonl")]

    assert wait_until(lambda: "effects_host_back" in events(), timeout=3)
    assert events().index("effects_host_lost") < events().index("effects_host_restart") < events().index(
        "effects_host_back")
    assert wait_until(lambda: _wind(olad) == 204, timeout=1)
    # SIGTERM of the hall: its host goes safe and exits
    hall.send_signal(signal.SIGTERM)
    assert hall.wait(15) == 0
    assert _wind(olad) == 0
    assert UdpLink(effects_port).query(0.5) is None


def test_panic_while_the_host_is_gone_is_carried_out_by_the_hall_and_stays(olad: Olad, show: Show) -> None:
    hall, root, http_port, effects_port = show
    os.kill(_host_pids(root)[-1], signal.SIGKILL)
    code, reply = _post(http_port, "/panic")
    assert (code, reply["ok"]) == (202, True)
    assert reply["effects"] in ("the effects host does not answer: the hall sent safe values to every output itself "
                                "and starts a new host", "the effects host holds every effect at its safe value")
    assert wait_until(lambda: _wind(olad) == 0, timeout=1)
    assert wait_until(lambda: len(_host_pids(root)) == 2, timeout=20), "no new host"
    status = UdpLink(effects_port)
    assert wait_until(lambda: (status.query(0.3) or {}).get("panic") is True, timeout=5), "the new host holds PANIC"
    time.sleep(1.0)
    assert _wind(olad) == 0
    # a process without the hall's key cannot release it
    rogue = UdpLink(effects_port, source="rogue")
    rogue._send({"op": "clear"})
    rogue.send({"wind": 1.0}, {})
    time.sleep(0.3)
    assert _wind(olad) == 0 and (status.query(0.3) or {}).get("panic") is True
    rogue.close()
    status.close()
