"""The effects host: safety, outputs and the heartbeat watch, in one place that owns the hardware.

Requests arrive from *sources* (the hall's show, ``exhibit effects set``), each a set of
levels and seat poses. A source that stops sending for :data:`HEARTBEAT_TIMEOUT` lapses,
so a player that crashes or is killed leaves every channel at its safe value on the next
refresh. Several sources combine by taking the highest level per effect. Each refresh runs
the combined request through the :class:`~exhibit.effects.safety.Safety` layer and hands
the result to the outputs.

The host is plain code driven by ``refresh(now)``; :mod:`exhibit.effects.link` runs it in
its own process with a UDP control socket, or in-process for simulation.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from exhibit.effects.journal import Journal
from exhibit.effects.motion import SeatPose
from exhibit.effects.outputs import OutputAdapter, SimOutput
from exhibit.effects.safety import ON_THRESHOLD, Decision, Safety
from exhibit.spec.hall import Channel, Hall

#: Seconds without a frame or heartbeat after which a source's requests lapse. With a 40 Hz
#: DMX refresh this puts zeros on the wire within about 0.55 s of the player going quiet,
#: inside the one second the design allows.
HEARTBEAT_TIMEOUT = 0.5
SHUTDOWN_REPEATS = 3  # safe frames sent on the way out, in case one packet is lost


def config_digest(hall: Hall) -> str:
    """A short digest of the hall configuration (the same file gives the same digest).

    Only what the file sets counts: a value left out can mean something other than its
    default written out (an sACN output without ``host`` multicasts).
    """
    return hashlib.sha256(hall.model_dump_json(exclude_unset=True).encode("utf-8")).hexdigest()[:16]


@dataclass
class Source:
    levels: dict[str, float]
    poses: dict[str, SeatPose]
    seen: float
    frames: int = 0
    first_seen: float = field(default=0.0)


class EffectsHost:
    def __init__(self, hall: Hall, outputs: Mapping[str, OutputAdapter], journal: Journal | None = None) -> None:
        self.hall = hall
        self.outputs: dict[str, OutputAdapter] = dict(outputs)
        self.outputs.setdefault("sim", SimOutput("sim", journal))
        self.journal = journal
        # Which hall file the host obeys, so a player can tell when it talks to a host started with another.
        self.config = config_digest(hall)
        self.safety = Safety(hall.effects)
        self.sources: dict[str, Source] = {}
        self.decisions: dict[str, Decision] = {}
        self.poses: dict[str, SeatPose] = {}
        self.interventions = 0
        self.last_error: str | None = None
        self.refreshes = 0
        self._reasons: dict[str, str | None] = {}
        self._on: dict[str, bool] = {}
        self._extra: dict[str, Channel] = {}
        for channel in hall.effects.values():
            self.output_for(channel).patch(channel)

    # -- configuration -------------------------------------------------------------------------

    def channel(self, name: str) -> Channel:
        found = self.hall.effects.get(name)
        if found is None:
            found = self._extra.get(name)
            if found is None:
                found = self._extra[name] = Channel()
                self._log("unmapped_effect", effect=name, note="not in hall.yaml; simulated")
        return found

    def output_for(self, channel: Channel) -> OutputAdapter:
        return self.outputs.get(channel.output) or self.outputs["sim"]

    def _log(self, event: str, **fields: Any) -> None:
        if self.journal is not None:
            self.journal.write(event, **fields)

    # -- requests ------------------------------------------------------------------------------

    def request(self, source: str, levels: Mapping[str, float], poses: Mapping[str, SeatPose], now: float) -> None:
        found = self.sources.get(source)
        if found is None:
            self._log("source_joined", source=source)
            found = self.sources[source] = Source({}, {}, now, first_seen=now)
        found.levels = dict(levels)
        found.poses = dict(poses)
        found.seen = now
        found.frames += 1

    def heartbeat(self, source: str, now: float) -> None:
        found = self.sources.get(source)
        if found is None:
            self.request(source, {}, {}, now)
        else:
            found.seen = now

    def release(self, source: str, now: float) -> None:
        """A source stops cleanly (a show ends or is stopped): its effects go safe at once."""
        if self.sources.pop(source, None) is not None:
            self._log("source_released", source=source)
        self.refresh(now, force=True)

    def panic(self, now: float, origin: str = "operator") -> None:
        self.safety.panic()
        self._log("panic", origin=origin)
        self.refresh(now, force=True)

    def clear(self, now: float) -> None:
        if self.safety.panicked:
            self._log("panic_cleared")
        self.safety.clear()
        self.refresh(now, force=True)

    def set_input(self, name: str, active: bool, now: float) -> None:
        if (name in self.safety.inputs) != active:
            self._log("input", input=name, active=active)
        self.safety.set_input(name, active)
        self.refresh(now, force=True)

    def disable(self, name: str, now: float) -> None:
        self.safety.disable(name)
        self._log("disabled", effect=name)
        self.refresh(now, force=True)

    def enable(self, name: str, now: float) -> None:
        self.safety.enable(name)
        self._log("enabled", effect=name)
        self.refresh(now, force=True)

    # -- refreshing ----------------------------------------------------------------------------

    def _lapse(self, now: float) -> None:
        for name, src in list(self.sources.items()):
            if now - src.seen > HEARTBEAT_TIMEOUT:
                del self.sources[name]
                self._log("heartbeat_lost", source=name, silent_s=round(now - src.seen, 3))

    def requested(self) -> tuple[dict[str, float], dict[str, SeatPose]]:
        levels: dict[str, float] = {}
        poses: dict[str, SeatPose] = {}
        for src in self.sources.values():
            for name, level in src.levels.items():
                if level > levels.get(name, -1.0):
                    levels[name] = level
                    if name in src.poses:
                        poses[name] = src.poses[name]
        return levels, poses

    def refresh(self, now: float, force: bool = False) -> dict[str, Decision]:
        """Decide every channel, stage it on its output and send what is due."""
        self._lapse(now)
        levels, poses = self.requested()
        for name in levels:
            self.channel(name)
        self.decisions = self.safety.decide(levels, now)
        for name, decision in self.decisions.items():
            channel = self.channel(name)
            pose = self.safety.pose(name, poses.get(name), decision)
            if pose is None and channel.limits is not None:
                pose = SeatPose.NEUTRAL
            if pose is not None:
                self.poses[name] = pose
            self.output_for(channel).stage(name, channel, decision.level, pose)
            self._note(name, decision)
        for out in self.outputs.values():
            out.flush(now, force)
        self.refreshes += 1
        return self.decisions

    def _note(self, name: str, decision: Decision) -> None:
        """Log edges, not frames: an effect going on or off, a limit starting or ending to hold."""
        on = decision.level >= ON_THRESHOLD
        if self._on.get(name, False) != on:
            self._on[name] = on
            self._log("effect", effect=name, level=round(decision.level, 3), on=on)
        reason = decision.reason
        if self._reasons.get(name) != reason:
            self._reasons[name] = reason
            if reason is not None and reason != "panic":
                self.interventions += 1
                self._log("held", effect=name, reason=reason, requested=round(decision.requested, 3))

    def all_safe(self, now: float) -> None:
        """Every channel to its safe value now, without latching (a clean stop)."""
        self.sources.clear()
        self.refresh(now, force=True)

    def shutdown(self, now: float) -> None:
        """Safe values out (more than once), then close the outputs: the last thing the host does."""
        self.sources.clear()
        self.safety.panic()
        for _ in range(SHUTDOWN_REPEATS):
            self.refresh(now, force=True)
        for out in self.outputs.values():
            out.close()
        self._log("host_stopped")

    # -- reporting -----------------------------------------------------------------------------

    def status(self, now: float) -> dict[str, Any]:
        outputs = {name: out.health() for name, out in self.outputs.items()}
        return {
            "ok": all(h["ok"] for h in outputs.values()) and not self.safety.panicked,
            "hall": self.hall.hall,
            "config": self.config,
            "panic": self.safety.panicked,
            "inputs": sorted(self.safety.inputs),
            "disabled": sorted(self.safety.disabled),
            "sources": {name: round(now - src.seen, 3) for name, src in self.sources.items()},
            "levels": {name: round(d.level, 3) for name, d in self.decisions.items()},
            "held": {name: d.reason for name, d in self.decisions.items() if d.reason},
            "interventions": self.interventions,
            "outputs": outputs,
            "last_error": self.last_error or next((h["last_error"] for h in outputs.values() if h["last_error"]), None),
        }
