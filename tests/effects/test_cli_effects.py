"""``exhibit effects`` errors and the simulator, as a commissioning engineer sees them."""

from __future__ import annotations

from pathlib import Path

import pytest

from exhibit.cli.main import main
from exhibit.effects.journal import read_journal
from tests.effects.olad import free_port, wait_until
from tests.effects.processes import exhibit, write_project

HALL = {"effects": {"wind": {}, "mist": {"max_on": 8}}}


def test_set_on_the_simulator(tmp_path: Path) -> None:
    write_project(tmp_path, HALL, {})
    done = exhibit(tmp_path, "effects", "set", "wind", "0.5", "--for", "0.3", "--port", str(free_port(2)))
    assert done.returncode == 0, done.stderr
    assert "wind: 0.50 (DMX 128) on the simulator (no hardware), through the effects host on 127.0.0.1:" in done.stderr
    assert "(started for this command: it turns the effect off if this command stops)" in done.stderr
    assert "wind: back to safe" in done.stderr

    def sim() -> list[tuple[str, float]]:
        return [(r["effect"], r["level"]) for r in read_journal(tmp_path / "var" / "log" / "effects.jsonl")
                if r["event"] == "sim_effect"]

    assert wait_until(lambda: sim() == [("wind", 0.5), ("wind", 0.0)], timeout=3), sim()


def test_errors_are_one_clear_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_project(tmp_path, HALL, {})
    cases = {
        ("set", "wnd", "1"):
            "exhibit: error: no effect 'wnd' in the hall file (did you mean 'wind'?); effects: mist, wind",
        ("set", "wind", "2"): "exhibit: error: level 2 is outside 0..1",
        ("set", "wind", "lots"): "exhibit: error: level 'lots' is not a number; give 0..1 (0.5 is half)",
        ("set", "wind", "1", "--for", "0"): "exhibit: error: --for needs a number of seconds above 0",
        ("status", "--port", str(free_port(2))): "exhibit: error: no effects host answers on 127.0.0.1:",
        ("serve", "--log-keep", "0"): "exhibit: error: --log-keep 0 must be at least 1 (old journal files kept)\n",
        ("serve", "--log-max-mb", "-1"): "exhibit: error: --log-max-mb -1 must be 0 (no size limit) or more\n",
        ("serve", "--log-max-mb", "nan"): "exhibit: error: --log-max-mb nan must be 0 (no size limit) or more\n",
    }
    for args, message in cases.items():
        code = main(["--root", str(tmp_path), "effects", *args])
        err = capsys.readouterr().err
        assert code == 1 and err.startswith(message), (args, err)
    assert not (tmp_path / "var").exists(), "refused before any journal was opened"


def test_panic_without_a_host_sends_safe_values_itself(tmp_path: Path) -> None:
    write_project(tmp_path, HALL, {})
    done = exhibit(tmp_path, "effects", "panic", "--port", str(free_port(2)))
    assert done.returncode == 0
    assert "PANIC: safe values sent to every output (2 effects); no effects host was running" in done.stderr
    events = [r["event"] for r in read_journal(tmp_path / "var" / "log" / "effects.jsonl")]
    assert events[0] == "panic" and events[-1] == "host_stopped"
