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
from exhibit.timeline.jumps import lands_past
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
        self.jumped = False  # the last advance jumped: a mix that steers the clock must follow
        self.held: Event | None = None  # a jump held back by a quiz at its time (see advance)
        self.passed: list[Event] = []  # jumps at the time jumped to that are not taken (see _go_on)
        #: the scene a choice left this one for (its option's ``scene``): this show ends, and
        #: whoever plays it starts that scene; cleared by :meth:`take_leaving`
        self.leaving: str | None = None

    # -- the timeline --------------------------------------------------------------------------

    def load(self, timeline: Timeline, source: Callable[[], float | None] | None = None,
             at: float | None = None) -> None:
        """Take ``timeline``, its clock following ``source`` (the mix's play position).

        Without ``at``: idle at the start, every event still to come. With ``at`` (a reload,
        another language): at that moment, in the same status, the events before it read.
        """
        self.timeline = timeline
        self.leaving = None
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
        self.passed = []
        self.held = None
        self.events_from = t - SEEK_EPSILON if inclusive else t
        self.clock.seek(t, self.wall())
        if self.status == "ended" and t < self.loaded().duration:
            self.status = "paused"

    def pick(self, option: int) -> float:
        """Answer the choice open now with ``option`` (counted from 1): go on from its ``goto``."""
        timeline = self.loaded()
        timed = timeline.choice_at(self.t)
        if timed is None:
            raise ExhibitError(f"no choice is open at {self.t:.2f} s")
        count = len(timed.cue.options)  # type: ignore[union-attr]
        if not 1 <= option <= count:
            raise ExhibitError(f"option {option} does not exist; this choice has options 1 to {count}")
        self._go_on(timeline.targets[timed.index][option - 1])
        self.leaving = timeline.leaves_for(timed.index, option)
        return self.t

    def take_leaving(self) -> str | None:
        """The scene a choice has left this show for, once (None when none has)."""
        leaving, self.leaving = self.leaving, None
        return leaving

    def _jumps(self, event: Event) -> bool:
        """Whether ``event`` moves the show: a jump to its own time is no jump at all."""
        return event.kind == "jump" and abs(self.loaded().jump_target(event) - event.t) > SEEK_EPSILON

    def _go_on(self, to: float) -> None:
        """Go on from ``to``, the events there read next, but not the choices' defaults there
        (see :func:`~exhibit.timeline.jumps.lands_past`)."""
        timeline = self.loaded()
        self.seek(to, inclusive=True)
        there = timeline.events(self.events_from, self.t)
        self.passed = [e for e in there if e.kind == "jump" and lands_past(timeline.scene.cues, e.index)]

    def stop(self) -> None:
        """Stand still where the show is, idle."""
        self.clock.pause(self.wall())
        self.status = "idle"

    def advance(self, t: float | None = None, interrupt: Interrupt | None = None) -> tuple[float, list[Event]]:
        """Move on and read the events passed: to ``t`` (a frame at exactly that time: stills,
        video export), or while playing to the show clock's time; else stay.

        ``interrupt`` may stop the move at an event (a quiz): the events after it stay unread.
        While playing, a jump (a ``do: jump`` cue, an unanswered choice) is a seek to its target:
        the events it skips stay unread, those at the target are read next; frames at a given
        ``t`` never jump. Returns the time reached and the events, each read once.
        """
        timeline = self.loaded()
        if self.held is not None and self.status == "playing" and t is None:
            held, self.held = self.held, None  # the quiz at its time was answered: jump now
            self._go_on(timeline.jump_target(held))
            self.leaving = timeline.leaves_for(held.index)
            self.jumped = True
            if self.t >= timeline.duration:
                self.status = "ended"
            return self.t, [held]
        if t is not None:
            target = self.clamp(t)
        elif self.status == "playing":
            target = self.clamp(self.clock.now(self.wall()))
        else:
            target = self.t
        events: list[Event] = []
        jump: Event | None = None
        if target > self.events_from and (self.status == "playing" or t is not None):
            events = timeline.events(self.events_from, target)
            if self.passed:
                events = [e for e in events if e not in self.passed]
                self.passed = [e for e in self.passed if e.t > target]
            jump = next((e for e in events if self._jumps(e)), None) if t is None else None
            if jump is not None:  # what lies after a jump is skipped, not read
                target, events = jump.t, [e for e in events if e <= jump]
            stop = interrupt(events) if interrupt is not None and events else None
            if stop is not None:  # a jump at the very time of the quiz is taken when the show goes on
                self.held = jump if jump is not None and jump.t <= stop else None
                target, jump = stop, None
                events = [e for e in events if e.t <= stop and e is not self.held]
            self.events_from = target
        self.t = target
        self.jumped = jump is not None
        if jump is not None:
            self._go_on(timeline.jump_target(jump))
            self.leaving = timeline.leaves_for(jump.index)
            target = self.t
        if self.status == "playing" and target >= timeline.duration:
            self.status = "ended"
        return target, events
