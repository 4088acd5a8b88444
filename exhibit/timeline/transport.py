"""The transport of a show: where it is, whether it moves, and the one-shot events read so far.

One copy for everything that plays a timeline: the Panda3D player
(``exhibit.render.player``) and the hall's headless playback
(``exhibit.hall.playback``). Show time comes from a :class:`ShowClock` (steered by the
mix's position when there is one); the transport adds the status and the edge rule of
the design: ``advance`` hands out the events whose start lies in (last read, now], so a
seek fires none of the events it skips and nothing fires twice.

``wall`` is any monotonic clock in seconds: ``time.perf_counter`` for the player, the
hall's injectable clock for the hall (so tests and the soak run on simulated time).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Literal

from exhibit.spec.errors import ExhibitError
from exhibit.timeline.clock import ShowClock
from exhibit.timeline.frame import Event
from exhibit.timeline.model import Timeline

Status = Literal["idle", "playing", "paused", "ended"]
#: An event whose start would stop the show there (a quiz pauses it): that time, or None.
Interrupt = Callable[[list[Event]], float | None]

SEEK_EPSILON = 1e-6  # events exactly at the time played from still fire


class Transport:
    """Status, show time and the events read, for one timeline at a time."""

    def __init__(self, wall: Callable[[], float]) -> None:
        self.wall = wall
        self.timeline: Timeline | None = None
        self.clock = ShowClock(None)
        self.status: Status = "idle"
        self.t = 0.0
        self.events_from = -math.inf  # events up to here were read

    # -- the timeline --------------------------------------------------------------------------

    def load(self, timeline: Timeline, source: Callable[[], float | None] | None = None,
             at: float | None = None) -> None:
        """Take ``timeline``, its clock following ``source`` (the mix's play position).

        Without ``at``: idle at the start, every event still to come. With ``at`` (a reload,
        another language): at that moment, in the same status, the events before it read.
        """
        self.timeline = timeline
        self.clock = ShowClock(source, start=0.0 if at is None else at)
        self.t = self.clamp(0.0 if at is None else at)
        if at is None:
            self.status = "idle"
            self.events_from = -math.inf
        else:
            self.events_from = self.t

    def unload(self) -> None:
        self.timeline = None
        self.status = "idle"
        self.t = 0.0

    def loaded(self) -> Timeline:
        if self.timeline is None:
            raise ExhibitError("no scene is loaded")
        return self.timeline

    def clamp(self, t: float) -> float:
        return max(0.0, min(float(t), self.loaded().duration))

    # -- moving --------------------------------------------------------------------------------

    def play(self, from_t: float | None = None) -> None:
        """Play from ``from_t``, where events starting exactly then fire too; without it, go on
        from where the show is (after a pause nothing fires twice)."""
        self.loaded()
        t = self.t if from_t is None else self.clamp(from_t)
        wall = self.wall()
        self.t = t
        self.events_from = t - SEEK_EPSILON if from_t is not None else min(self.events_from, t)
        self.clock.seek(t, wall)
        self.clock.resume(wall)
        self.status = "playing"

    def pause(self) -> bool:
        """Hold the show where the clock is; False when it was not playing."""
        if self.status != "playing":
            return False
        wall = self.wall()
        self.t = self.clamp(self.clock.now(wall))
        self.clock.pause(wall)
        self.clock.seek(self.t)
        self.status = "paused"
        return True

    def hold(self, t: float) -> None:
        """Stand still at ``t`` (the time of an event that paused the show)."""
        self.t = t
        self.clock.seek(t)

    def seek(self, t: float, inclusive: bool = False) -> None:
        """Jump to ``t``: the events between here and there are not read, continuous state follows.

        ``inclusive``: events that start exactly at ``t`` are read by the next :meth:`advance`.
        """
        t = self.clamp(t)
        self.t = t
        self.events_from = t - SEEK_EPSILON if inclusive else t
        self.clock.seek(t, self.wall())
        if self.status == "ended" and t < self.loaded().duration:
            self.status = "paused"

    def stop(self) -> None:
        """Stand still where the show is, idle."""
        self.clock.pause(self.wall())
        self.status = "idle"

    def advance(self, t: float | None = None, interrupt: Interrupt | None = None) -> tuple[float, list[Event]]:
        """Move on and read the events passed: to ``t`` (a frame at exactly that time: stills,
        video export), or while playing to the show clock's time; else stay.

        ``interrupt`` may stop the move at an event (a quiz): the events after it stay unread.
        Returns the time reached and the events, each read once.
        """
        timeline = self.loaded()
        if t is not None:
            target = self.clamp(t)
        elif self.status == "playing":
            target = self.clamp(self.clock.now(self.wall()))
        else:
            target = self.t
        events: list[Event] = []
        if target > self.events_from and (self.status == "playing" or t is not None):
            events = timeline.events(self.events_from, target)
            stop = interrupt(events) if interrupt is not None and events else None
            if stop is not None:
                target = stop
                events = [e for e in events if e.t <= stop]
            self.events_from = target
        self.t = target
        if self.status == "playing" and target >= timeline.duration:
            self.status = "ended"
        return target, events
