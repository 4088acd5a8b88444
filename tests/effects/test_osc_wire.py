"""OSC outputs on a real socket, received by liblo's ``oscdump``."""

from __future__ import annotations

import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from exhibit.effects.host import EffectsHost
from exhibit.effects.motion import SeatPose
from exhibit.effects.outputs import build_outputs
from tests.effects.olad import free_port
from tests.effects.scenes import hall


@pytest.fixture
def oscdump(tmp_path: Path) -> Iterator[tuple[int, Path]]:
    binary = shutil.which("oscdump")
    if binary is None:
        pytest.skip("oscdump is not installed (Debian package 'liblo-tools')")
    port = free_port(kind=2)  # SOCK_DGRAM
    out = tmp_path / "oscdump.txt"
    with out.open("w") as fh:
        process = subprocess.Popen([binary, "-L", str(port)], stdout=fh, stderr=subprocess.STDOUT)
        time.sleep(0.3)  # let it bind
        yield port, out
        process.terminate()
        process.wait(5)


def lines(path: Path) -> list[list[str]]:
    """oscdump lines without their timestamps: [address, types, args...]."""
    return [line.split()[1:] for line in path.read_text().splitlines() if line.strip()]


def test_seat_level_and_pose_reach_an_osc_device(oscdump: tuple[int, Path]) -> None:
    port, out = oscdump
    h = hall({"seat": {"output": "osc", "address": "/seat/level", "limits": {"pitch": 8, "roll": 8, "heave": 0.04}},
              "rumble": {"output": "osc", "address": "/seat/rumble", "max_on": 15}},
             {"osc": {"kind": "osc", "host": "127.0.0.1", "port": port}})
    host = EffectsHost(h, build_outputs(h))
    host.request("hall", {"seat": 0.5, "rumble": 0.25}, {"seat": SeatPose(20.0, -2.0, 0.01)}, 0.0)
    host.refresh(0.0)
    host.release("hall", 0.1)
    host.shutdown(0.2)
    deadline = time.monotonic() + 2
    while time.monotonic() < deadline and len(lines(out)) < 5:
        time.sleep(0.02)
    got = lines(out)
    assert ["/seat/level", "f", "0.500000"] in got
    assert ["/seat/rumble", "f", "0.250000"] in got
    assert ["/seat/pose", "fff", "8.000000", "-2.000000", "0.010000"] in got  # pitch clamped to the seat's 8 degrees
    assert got[-1][0] in ("/seat/level", "/seat/rumble", "/seat/pose")
    finals = {g[0]: g[2:] for g in got}
    assert finals["/seat/level"] == ["0.000000"] and finals["/seat/rumble"] == ["0.000000"]
    assert finals["/seat/pose"] == ["0.000000", "0.000000", "0.000000"]
