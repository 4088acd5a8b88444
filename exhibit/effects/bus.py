"""The effects bus: a timeline's effect levels, every frame, to the effects host.

Levels (with their fades) come from the timeline, a pure function of show time, so a
seek or a dropped frame never leaves an effect stuck. Each channel is evaluated at
``t + latency``: a mist machine that takes 0.4 s to respond is asked 0.4 s early and the
visitor feels it on the cue. An effect cue with ``follow: camera`` also sends a seat pose
from the camera path (:mod:`exhibit.effects.motion`), scaled by the cue's level.

The bus never enforces limits; the host's safety layer does, whatever the bus asks.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from exhibit.effects.link import HostLink
from exhibit.effects.motion import SeatMotion, SeatPose
from exhibit.spec.hall import Hall
from exhibit.timeline.frame import EffectState
from exhibit.timeline.model import Timeline


class EffectsBus:
    def __init__(self, hall: Hall, link: HostLink) -> None:
        self.hall = hall
        self.link = link
        self._timeline: Timeline | None = None
        self._motion: dict[str, SeatMotion] = {}
        self.last_levels: dict[str, float] = {}
        self.last_poses: dict[str, SeatPose] = {}

    def latency(self, name: str) -> float:
        channel = self.hall.effects.get(name)
        return channel.latency if channel is not None else 0.0

    def motion(self, timeline: Timeline, name: str) -> SeatMotion:
        if timeline is not self._timeline:
            self._timeline = timeline
            self._motion = {}
        found = self._motion.get(name)
        if found is None:
            channel = self.hall.effects.get(name)
            found = self._motion[name] = SeatMotion(timeline.camera_path.pose, channel.limits if channel else None)
        return found

    def evaluate(self, timeline: Timeline, t: float) -> tuple[dict[str, float], dict[str, SeatPose]]:
        """Every effect the scene names, at ``t`` plus its channel's latency."""
        groups: dict[float, list[str]] = {}
        for name in timeline.effect_names:
            groups.setdefault(self.latency(name), []).append(name)
        levels: dict[str, float] = {}
        poses: dict[str, SeatPose] = {}
        for latency, names in groups.items():
            at = t + latency
            states: Mapping[str, EffectState] = timeline.effect_levels(at)
            for name in names:
                state = states.get(name)
                level = state.level if state is not None else 0.0
                levels[name] = level
                if state is not None and state.follow == "camera":
                    poses[name] = self.motion(timeline, name).at(at).scaled(level)
        return levels, poses

    def update(self, timeline: Timeline, t: float) -> None:
        """Send the levels for show time ``t`` (also the heartbeat that keeps them alive)."""
        self.last_levels, self.last_poses = self.evaluate(timeline, t)
        self.link.send(self.last_levels, self.last_poses)

    def idle(self) -> None:
        """Nothing requested, but the player is alive (standby, attract, preshow)."""
        self.last_levels, self.last_poses = {}, {}
        self.link.send({}, {})

    def release(self) -> None:
        """The show is over or stopped: every effect to its safe value at once."""
        self._timeline = None
        self._motion = {}
        self.last_levels, self.last_poses = {}, {}
        self.link.release()

    def panic(self) -> None:
        self.link.panic()  # first: the host latches every channel safe
        self.release()

    def clear(self) -> None:
        self.link.clear()

    def status(self) -> dict[str, Any] | None:
        return self.link.status()
