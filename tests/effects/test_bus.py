"""The effects bus: timeline levels at t + latency, seat poses from the camera, through a host."""

from __future__ import annotations

from typing import Any

import pytest

from exhibit.effects.bus import EffectsBus
from exhibit.effects.host import EffectsHost
from exhibit.effects.link import LocalLink
from exhibit.effects.outputs import SimOutput
from tests.effects.scenes import effect, hall, timeline


class Clock:
    def __init__(self) -> None:
        self.t = 0.0

    def __call__(self) -> float:
        return self.t


def rig(effects: dict[str, Any]) -> tuple[EffectsBus, SimOutput, Clock]:
    h = hall(effects)
    clock = Clock()
    host = EffectsHost(h, {})
    bus = EffectsBus(h, LocalLink(host, clock))
    sim = host.outputs["sim"]
    assert isinstance(sim, SimOutput)
    return bus, sim, clock


def test_levels_follow_the_timeline_with_fades() -> None:
    bus, sim, clock = rig({"wind": {}})
    tl = timeline([effect(2.0, "wind", level=0.8, duration=4.0, fade=1.0)])
    seen = {}
    for k in range(0, 80):
        t = k * 0.1
        clock.t = t
        bus.update(tl, t)
        seen[round(t, 1)] = sim.levels.get("wind", 0.0)
    assert seen[1.9] == 0.0
    assert seen[2.5] == pytest.approx(0.4)
    assert seen[4.0] == pytest.approx(0.8)
    assert seen[5.5] == pytest.approx(0.4)
    assert seen[6.1] == 0.0


def test_each_channel_fires_early_by_its_latency() -> None:
    bus, sim, clock = rig({"mist": {"latency": 0.4}, "wind": {}})
    tl = timeline([effect(3.0, "mist", 0.5, 2.0), effect(3.0, "wind", 0.5, 2.0)])
    clock.t = 2.65
    bus.update(tl, 2.65)
    assert sim.levels["mist"] == 0.5 and sim.levels["wind"] == 0.0  # mist is asked 0.4 s early
    bus.update(tl, 4.65)
    assert sim.levels["mist"] == 0.0 and sim.levels["wind"] == 0.5  # and ends 0.4 s early


def test_a_seat_that_follows_the_camera_gets_a_pose_scaled_by_its_level() -> None:
    bus, sim, clock = rig({"seat": {"limits": {"pitch": 10, "roll": 10, "heave": 0.05}}})
    # The camera accelerates forward along +y (keys on a parabola) from 0 to 8 s.
    keys = [{"at": t, "pos": [0, 0.5 * 1.0 * t * t, 2], "hpr": [0, 0, 0], "ease": "linear"} for t in range(0, 9)]
    tl = timeline([effect(1.0, "seat", level=0.5, duration=7.0, fade=0.5, follow="camera")],
                  camera={"keys": keys})
    bus.update(tl, 0.5)
    assert "seat" not in bus.last_poses
    for k in range(10, 60):
        clock.t = k * 0.1
        bus.update(tl, k * 0.1)
    pose = sim.poses["seat"]
    assert pose.pitch > 0.5  # pressed back: nose up
    full = bus.motion(tl, "seat").at(5.9)
    assert pose.pitch == pytest.approx(0.5 * full.pitch, rel=1e-6)
    assert abs(pose.roll) < 0.05


def test_idle_and_release_leave_everything_safe() -> None:
    bus, sim, clock = rig({"wind": {}})
    tl = timeline([effect(0.0, "wind", 1.0, 5.0)])
    bus.update(tl, 1.0)
    assert sim.levels["wind"] == 1.0
    bus.release()
    assert sim.levels["wind"] == 0.0
    bus.idle()
    assert sim.levels["wind"] == 0.0 and bus.last_levels == {}


def test_panic_from_the_bus_latches_in_the_host() -> None:
    bus, sim, clock = rig({"wind": {}})
    tl = timeline([effect(0.0, "wind", 1.0, 5.0)])
    bus.panic()
    bus.update(tl, 1.0)
    assert sim.levels["wind"] == 0.0
    assert bus.status()["panic"] is True  # type: ignore[index]
    bus.clear()
    bus.update(tl, 1.1)
    assert sim.levels["wind"] == 1.0
