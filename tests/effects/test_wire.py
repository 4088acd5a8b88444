"""On the wire: what a real OLA daemon receives over Art-Net and sACN from the effects host process."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from exhibit.effects.bus import EffectsBus
from exhibit.effects.link import UdpLink
from exhibit.timeline.model import Timeline
from tests.effects.olad import ARTNET_UNIVERSE, SACN_UNIVERSE, Olad, Sampler, free_port, wait_until
from tests.effects.processes import EXHIBIT, effects_host, exhibit, host_key, write_project
from tests.effects.scenes import effect, hall, timeline

TOLERANCE = 0.050  # seconds: a cue on the wire within 50 ms of its time

HALL: dict[str, Any] = {
    "effects": {
        "wind": {"output": "dmx", "universe": ARTNET_UNIVERSE, "channel": 1, "latency": 0.15},
        "strobe": {"output": "dmx", "universe": ARTNET_UNIVERSE, "channel": 2, "max_rate": 10},
        "mist": {"output": "dmx", "universe": ARTNET_UNIVERSE, "channel": 3, "max_on": 0.5, "min_off": 5},
        "snow": {"output": "sacn", "universe": SACN_UNIVERSE, "channel": 4},
        "beacon": {"output": "dmx", "universe": ARTNET_UNIVERSE, "channel": 5, "kind": "strobe_rate",
                   "flashes_at_full": 25},
    },
    "outputs": {"dmx": {"kind": "artnet", "host": "127.0.0.1"}, "sacn": {"kind": "sacn", "host": "127.0.0.1"}},
}
Project = tuple[Path, Path]  # content root, hall.yaml
Host = tuple[int, subprocess.Popen[bytes]]  # control port, the effects host process

SCENE = {"id": "gale", "languages": ["zh"], "duration": 60,
         "cues": [effect(1.0, "wind", level=0.8, duration=58.0), effect(1.0, "snow", level=0.5, duration=58.0)]}


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Project:
    root = tmp_path_factory.mktemp("wire")
    hall_path = write_project(root, {**HALL, "remote": {"osc": {"port": free_port()}, "http": {"port": free_port()}}},
                              {"gale": SCENE})
    return root, hall_path


@pytest.fixture(scope="module")
def host(project: Project, olad: Olad) -> Iterator[Host]:
    root, hall_path = project
    port = free_port()
    with effects_host(root, hall_path, port) as process:
        yield port, process


def play(bus: EffectsBus, tl: Timeline, until: float, frame: float = 0.01) -> float:
    """Run the timeline against the wall clock from now; the monotonic time of show time 0."""
    t0 = time.monotonic()
    while (t := time.monotonic() - t0) < until:
        bus.update(tl, t)
        time.sleep(frame)
    bus.release()
    return t0


def test_a_cue_is_on_the_wire_at_its_time_less_the_device_latency(olad: Olad, host: Host) -> None:
    port, _ = host
    tl = timeline([effect(1.0, "wind", level=0.8, duration=1.0), effect(1.5, "snow", level=0.5, duration=1.0)],
                  duration=3.0)
    bus = EffectsBus(hall(**HALL), UdpLink(port, source="test-player"))
    with Sampler(olad, ARTNET_UNIVERSE) as artnet, Sampler(olad, SACN_UNIVERSE) as sacn:
        t0 = play(bus, tl, 2.8)
        time.sleep(0.1)
    on = artnet.first(1, lambda v: v > 0, after=t0)
    off = artnet.first(1, lambda v: v == 0, after=on or t0)
    assert on is not None and off is not None
    assert abs((on - t0) - 0.85) <= TOLERANCE, f"wind came on at {on - t0:.3f} s, due at 0.850 s (1.0 - 0.15 latency)"
    assert abs((off - t0) - 1.85) <= TOLERANCE, f"wind went off at {off - t0:.3f} s, due at 1.850 s"
    assert {v for t, v in artnet.series(1) if on + 0.02 < t < off - 0.02} == {204}  # 0.8 of 255
    snow_on = sacn.first(4, lambda v: v > 0, after=t0)
    assert snow_on is not None and abs((snow_on - t0) - 1.5) <= TOLERANCE, "snow over sACN, due at 1.5 s"
    assert {v for t, v in sacn.series(4) if snow_on + 0.02 < t < t0 + 2.45} == {128}


def test_the_strobe_never_flashes_more_than_three_times_a_second_on_the_wire(olad: Olad, host: Host) -> None:
    port, _ = host
    # The scene asks for ten 40 ms flashes a second for three seconds (the hall even allows 10/s).
    tl = timeline([effect(0.5 + k / 10, "strobe", level=1.0, duration=0.04) for k in range(30)], duration=4.0)
    bus = EffectsBus(hall(**HALL), UdpLink(port, source="test-strobe"))
    with Sampler(olad, ARTNET_UNIVERSE) as wire:
        t0 = play(bus, tl, 3.8, frame=0.005)
    series = [(t, v) for t, v in wire.series(2) if t >= t0]
    rises = [t for (_, a), (t, b) in zip(series, series[1:], strict=False) if a == 0 and b > 0]
    assert len(rises) >= 7, f"only {len(rises)} flashes seen: the test would not notice too many"
    for start in rises:
        in_window = [r for r in rises if start <= r < start + 1.0]
        shown = [round(r - t0, 3) for r in in_window]
        assert len(in_window) <= 3, f"{len(in_window)} flashes within one second: {shown}"


def test_panic_gives_zeros_at_once(olad: Olad, project: Project, host: Host) -> None:
    port, _ = host
    tl = timeline([effect(0.0, "wind", 1.0, 30.0), effect(0.0, "snow", 1.0, 30.0)], duration=30.0)
    link = UdpLink(port, source="test-panic", key=host_key(project[0], port))
    bus = EffectsBus(hall(**HALL), link)
    bus.update(tl, 1.0)
    assert wait_until(lambda: olad.dmx(ARTNET_UNIVERSE)[:1] == [255] and olad.dmx(SACN_UNIVERSE)[3:4] == [255])
    sent = time.monotonic()
    link.panic()
    zero = wait_until(lambda: olad.dmx(ARTNET_UNIVERSE)[0] == 0 and olad.dmx(SACN_UNIVERSE)[3] == 0)
    assert zero is not None and zero - sent < 0.1
    bus.update(tl, 1.5)  # the scene still asks: PANIC holds
    time.sleep(0.2)
    assert olad.dmx(ARTNET_UNIVERSE)[0] == 0
    link.clear()
    bus.release()
    link.close()


def test_exhibit_effects_set_and_panic_on_the_wire(olad: Olad, project: Project, host: Host) -> None:
    root, hall_path = project
    port, _ = host
    cmd = [*EXHIBIT, "--root", str(root), "effects", "set", "wind", "0.5", "--for", "1.0", "--port", str(port)]
    started = time.monotonic()
    process = subprocess.Popen(cmd, stderr=subprocess.PIPE, text=True)
    assert wait_until(lambda: olad.dmx(ARTNET_UNIVERSE)[0] == 128, timeout=5)
    process.wait(10)
    assert process.returncode == 0
    err = process.stderr.read() if process.stderr else ""
    assert "wind: 0.50 (DMX 128) on artnet 127.0.0.1 universe 1 channel 1" in err
    assert olad.dmx(ARTNET_UNIVERSE)[0] == 0  # released at the end of --for
    assert time.monotonic() - started >= 1.0
    # mist: max_on 0.5 s in the hall file beats the 1 s asked for
    with Sampler(olad, ARTNET_UNIVERSE) as wire:
        done = exhibit(root, "effects", "set", "mist", "1", "--for", "1", "--port", str(port))
    assert done.returncode == 0
    on = wire.first(3, lambda v: v == 255)
    off = wire.first(3, lambda v: v == 0, after=on or 0)
    assert on is not None and off is not None and 0.4 < off - on < 0.65
    # PANIC from the command line while a player drives the wind
    link = UdpLink(port, source="test-cli-panic")
    link.send({"wind": 1.0}, {})
    assert wait_until(lambda: olad.dmx(ARTNET_UNIVERSE)[0] == 255)
    panic = exhibit(root, "effects", "panic", "--port", str(port))
    assert panic.returncode == 0 and "PANIC" in panic.stderr
    link.send({"wind": 1.0}, {})
    time.sleep(0.1)
    assert olad.dmx(ARTNET_UNIVERSE)[0] == 0
    assert exhibit(root, "effects", "reset", "--port", str(port)).returncode == 0
    link.send({"wind": 1.0}, {})
    assert wait_until(lambda: olad.dmx(ARTNET_UNIVERSE)[0] == 255)
    # An operator disables the wind: off on the wire though the player still asks
    disabled = exhibit(root, "effects", "disable", "wind", "--port", str(port))
    assert disabled.returncode == 0 and "wind: disabled" in disabled.stderr
    link.send({"wind": 1.0}, {})
    assert wait_until(lambda: olad.dmx(ARTNET_UNIVERSE)[0] == 0)
    assert exhibit(root, "effects", "enable", "wind", "--port", str(port)).returncode == 0
    link.send({"wind": 1.0}, {})
    assert wait_until(lambda: olad.dmx(ARTNET_UNIVERSE)[0] == 255)
    link.release()
    link.close()


def test_releasing_a_panic_or_an_effect_needs_the_hosts_key(olad: Olad, project: Project, host: Host) -> None:
    root, _ = project
    port, _ = host
    key_file = root / "var" / "run" / f"effects-{port}.key"
    assert key_file.stat().st_mode & 0o777 == 0o600
    rogue = UdpLink(port, source="rogue")  # any local process, without the key
    rogue.send({"wind": 1.0}, {})
    assert wait_until(lambda: olad.dmx(ARTNET_UNIVERSE)[:1] == [255])
    assert exhibit(root, "effects", "panic", "--port", str(port)).returncode == 0
    rogue.clear()
    rogue.send({"wind": 1.0}, {})
    time.sleep(0.3)
    assert olad.dmx(ARTNET_UNIVERSE)[0] == 0, "a clear without the key released the PANIC"
    status = rogue.query(0.5) or {}
    assert status.get("panic") is True and status.get("refused", 0) >= 1
    key = key_file.read_text()
    key_file.write_text("0" * 32 + "\n")  # an operator with the wrong key
    refused = exhibit(root, "effects", "reset", "--port", str(port))
    assert refused.returncode == 1
    assert refused.stderr.startswith("exhibit: error: the effects host refused the reset (PANIC is still latched): "
                                     "it needs the key it was started with")
    key_file.write_text(key)
    assert exhibit(root, "effects", "reset", "--port", str(port)).returncode == 0
    rogue.send({"wind": 1.0}, {})
    assert wait_until(lambda: olad.dmx(ARTNET_UNIVERSE)[:1] == [255])
    assert exhibit(root, "effects", "disable", "wind", "--port", str(port)).returncode == 0
    rogue.enable("wind")
    rogue.set_input("doors_open", True)
    rogue.send({"wind": 1.0}, {})
    time.sleep(0.3)
    assert olad.dmx(ARTNET_UNIVERSE)[0] == 0 and "wind" in (rogue.query(0.5) or {}).get("disabled", [])
    assert exhibit(root, "effects", "enable", "wind", "--port", str(port)).returncode == 0
    rogue.release()
    rogue.close()


def test_kill_9_of_the_player_gives_zeros_within_a_second(olad: Olad, project: Project, host: Host) -> None:
    root, hall_path = project
    port, _ = host
    player = subprocess.Popen([*EXHIBIT, "--root", str(root), "hall", "--headless", "--no-sync", "--no-schedule",
                               "--go", "gale", "--effects", "process", "--effects-port", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        assert wait_until(lambda: olad.dmx(ARTNET_UNIVERSE)[:1] == [204] and olad.dmx(SACN_UNIVERSE)[3:4] == [128],
                          timeout=15), "the hall's show never reached the wire"
        killed = time.monotonic()
        os.kill(player.pid, signal.SIGKILL)
        zero = wait_until(lambda: olad.dmx(ARTNET_UNIVERSE)[0] == 0 and olad.dmx(SACN_UNIVERSE)[3] == 0, timeout=3)
        assert zero is not None, "the effects stayed on after the player died"
        assert zero - killed < 1.0, f"zeros on the wire {zero - killed:.3f} s after kill -9"
    finally:
        if player.poll() is None:
            player.kill()
        player.wait(5)
        if player.stderr is not None:
            player.stderr.close()
