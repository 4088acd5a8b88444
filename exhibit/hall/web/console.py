"""What the operator console shows: the hall's status and the show's next chapter, and around it the day's schedule, the
effect channels, the nodes that report to the hall, the last journal lines and the quiz today.

Built at most every :data:`REFRESH_S` seconds whoever asks (the console's live stream asks
every few tenths of a second per tablet), from snapshots other threads keep.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from exhibit.hall.control import HallControl

REFRESH_S = 0.1
JOURNAL_LINES = 12
#: The next chapter's first words on the console.
CHAPTER_CHARS = 40
#: Journal events that are noise on the console (a crowd of phones, the status polls).
QUIET_EVENTS = frozenset({"quiz_refused"})
#: Seconds without a heartbeat after which a node is late, and then lost.
LATE_S, LOST_S = 1.0, 5.0


def node_state(silent_s: float) -> str:
    return "alive" if silent_s < LATE_S else "late" if silent_s < LOST_S else "lost"


class Console:
    def __init__(self, control: HallControl, quiz_today: Callable[[], dict[str, Any]],
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.control = control
        self.quiz_today = quiz_today
        self.clock = clock
        self._lock = threading.Lock()
        self._cached: dict[str, Any] | None = None
        self._at = float("-inf")

    def snapshot(self) -> dict[str, Any]:
        with self._lock:
            if self._cached is None or self.clock() - self._at >= REFRESH_S:
                self._cached = self._build()
                self._at = self.clock()
            return self._cached

    def _build(self) -> dict[str, Any]:
        control = self.control
        status = control.status()
        return {
            "status": status,
            "scenes": control.catalogue.names(),
            "languages": list(control.hall.languages),
            "schedule": self._schedule(status),
            "next_chapter": self._next_chapter(status),
            "channels": self._channels(status.get("effects") or {}, bool(status.get("panic"))),
            "inputs": list(control.hall.inputs),
            "nodes": self._nodes(status.get("effects") or {}),
            "journal": self._journal(),
            "quiz": self.quiz_today(),
        }

    def _next_chapter(self, status: dict[str, Any]) -> dict[str, Any] | None:
        """The next narration line of the playing show (its chapters, as the preflight's stills
        take them): its id, when it starts, how long until then and its first words."""
        show, t = self.control.show, status.get("show_time")
        timeline = show.timeline if show is not None and show.kind == "show" else None
        if timeline is None or t is None:
            return None
        upcoming = next((line for line in timeline.lines if line.start > t), None)
        if upcoming is None:
            return None
        text = upcoming.text if len(upcoming.text) <= CHAPTER_CHARS else upcoming.text[:CHAPTER_CHARS - 1] + "…"
        return {"id": upcoming.id, "at": round(upcoming.start, 1), "in_s": round(upcoming.start - t, 1), "text": text}

    def _schedule(self, status: dict[str, Any]) -> list[dict[str, Any]]:
        now = self.control.clock.now()
        return [{"at": slot.at.strftime("%H:%M"), "scene": slot.scene, "past": slot.at < now}
                for slot in self.control.schedule.slots_on(now.date())]

    def _channels(self, effects: dict[str, Any], panicked: bool) -> list[dict[str, Any]]:
        """Each channel's level and what holds it; a PANIC holds them all from the moment the hall
        sent it (the effects host's own status may be a query behind)."""
        levels = effects.get("levels") or {}
        held = effects.get("held") or {}
        disabled = set(effects.get("disabled") or [])
        return [{"name": name, "kind": channel.kind, "level": levels.get(name, 0.0),
                 "held": "PANIC" if panicked or effects.get("panic") else held.get(name),
                 "disabled": name in disabled}
                for name, channel in self.control.hall.effects.items()]

    def _nodes(self, effects: dict[str, Any]) -> list[dict[str, Any]]:
        nodes = [{"name": f"effects host ← {name}", "kind": "heartbeat", "silent_s": silent,
                  "state": node_state(silent), "offset_ms": None}
                 for name, silent in sorted((effects.get("sources") or {}).items())]
        if not effects.get("reachable", True):
            nodes.append({"name": "effects host", "kind": "effects", "silent_s": None, "state": "lost",
                          "offset_ms": None})
        sync = self.control.sync
        followers = getattr(sync, "followers", None) or []
        now = getattr(sync, "clock", time.monotonic)()
        for follower in followers:
            silent = round(now - follower.last_seen, 3)
            nodes.append({"name": follower.name, "kind": "follower", "silent_s": silent,
                          "state": node_state(silent), "offset_ms": follower.offset_ms,
                          "error_ms": follower.error_ms})
        return nodes

    def _journal(self) -> list[dict[str, Any]]:
        recent = [r for r in list(self.control.journal.recent) if r.get("event") not in QUIET_EVENTS]
        return recent[-JOURNAL_LINES:]
