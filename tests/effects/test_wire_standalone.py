"""On the wire: ``exhibit effects set`` with no effects host running starts one, in its own process.

No other host runs in this module: OLA takes the latest Art-Net frame of any sender, so a second
host's zeros would hide what this one sends. Every test uses one control port, so a host left
waiting by one test (it exits when idle) is the one the next test's command finds.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from exhibit.effects.link import UdpLink
from tests.effects.olad import ARTNET_UNIVERSE, SACN_UNIVERSE, Olad, Sampler, free_port, wait_until
from tests.effects.processes import EXHIBIT, exhibit, write_project
from tests.effects.test_wire import HALL, Project

PORT = free_port()


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Project:
    root = tmp_path_factory.mktemp("standalone")
    return root, write_project(root, HALL, {})


def _standalone_set(root: Path, effect: str, level: str, seconds: str, port: int) -> subprocess.Popen[str]:
    return subprocess.Popen([*EXHIBIT, "--root", str(root), "effects", "set", effect, level, "--for", seconds,
                             "--port", str(port)], stderr=subprocess.PIPE, text=True)


def test_without_a_host_set_starts_one_that_outlives_it(olad: Olad, project: Project) -> None:
    root, _ = project
    nobody = PORT
    process = _standalone_set(root, "snow", "0.25", "1", nobody)
    assert wait_until(lambda: olad.dmx(SACN_UNIVERSE)[3:4] == [64], timeout=10)
    process.wait(10)
    err = process.stderr.read() if process.stderr else ""
    assert f"through the effects host on 127.0.0.1:{nobody} (started for this command" in err, err
    assert wait_until(lambda: olad.dmx(SACN_UNIVERSE)[3:4] == [0], timeout=1)
    assert UdpLink(nobody).query(0.5) is not None, "the host it started is still there for the next command"


def test_panic_stops_a_standalone_set_and_holds(olad: Olad, project: Project) -> None:
    root, _ = project
    process = _standalone_set(root, "wind", "0.5", "6", PORT)
    try:
        assert wait_until(lambda: olad.dmx(ARTNET_UNIVERSE)[:1] == [128], timeout=10)
        with Sampler(olad, ARTNET_UNIVERSE) as wire:
            panic = exhibit(root, "effects", "panic", "--port", str(PORT))
            returned = time.monotonic()
            assert panic.returncode == 0 and "the effects host holds every effect at its safe value" in panic.stderr
            time.sleep(2.5)
        # The command returns once the host answers that it holds PANIC: 0 is on the wire by then.
        zero = wire.first(1, lambda v: v == 0)
        assert zero is not None and zero - returned < 1.0, "wind not at 0 within a second of the PANIC"
        assert {v for t, v in wire.series(1) if t > zero} == {0}, "the set command's refresh brought the wind back"
        assert process.poll() is None, "the set command is still asking for the wind all along"
    finally:
        process.kill()
        process.wait(10)
        if process.stderr is not None:
            process.stderr.close()
        reset = exhibit(root, "effects", "reset", "--port", str(PORT))
    assert reset.returncode == 0, reset.stderr


def test_kill_9_of_a_standalone_set_gives_zeros_within_a_second(olad: Olad, project: Project) -> None:
    root, _ = project
    process = _standalone_set(root, "wind", "0.8", "30", PORT)
    try:
        assert wait_until(lambda: olad.dmx(ARTNET_UNIVERSE)[:1] == [204], timeout=10)
        killed = time.monotonic()
        os.kill(process.pid, signal.SIGKILL)
        zero = wait_until(lambda: olad.dmx(ARTNET_UNIVERSE)[:1] == [0], timeout=3)
        assert zero is not None and zero - killed < 1.0, "the wind stayed on after kill -9 of the set command"
        time.sleep(1.0)
        assert olad.dmx(ARTNET_UNIVERSE)[:1] == [0]
    finally:
        process.wait(10)
        if process.stderr is not None:
            process.stderr.close()


def test_a_strobe_rate_channel_is_capped_at_three_flashes_a_second(olad: Olad, project: Project) -> None:
    root, _ = project
    with Sampler(olad, ARTNET_UNIVERSE) as wire:
        done = exhibit(root, "effects", "set", "beacon", "1", "--for", "1.5", "--port", str(PORT))
    assert done.returncode == 0, done.stderr
    assert "beacon: on the wire at 0.12, capped by the safety layer (max_rate)" in done.stderr, done.stderr
    values = {v for _, v in wire.series(5)}
    # 25 flashes a second at 255: 30 is 2.94 flashes a second, 31 would be 3.04
    assert max(values) == 30, sorted(values)
