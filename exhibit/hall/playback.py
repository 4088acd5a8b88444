"""What plays a scene for the hall: headless against the hall's clock, or the Panda3D player.

Show control only needs load / play / seek / stop and "where are we": the
:class:`Playback` protocol. :class:`TimelinePlayback` runs a compiled timeline against the
hall's injectable clock (no rendering: the soak test, a hall whose pictures come from
elsewhere, a laptop rehearsal of effects). :class:`PlayerPlayback` drives
``exhibit.render.player.Player``, imported only when the hall runs with a display, so
show control never pulls in Panda3D by itself.
"""

from __future__ import annotations

import math
from typing import Any, Literal, Protocol

from exhibit.hall.catalogue import Catalogue
from exhibit.hall.clock import Clock
from exhibit.spec.errors import ExhibitError
from exhibit.spec.hall import CaptionSettings, Hall
from exhibit.spec.project import Project
from exhibit.timeline.clock import ShowClock
from exhibit.timeline.frame import Event, FrameState
from exhibit.timeline.model import Timeline

Status = Literal["idle", "playing", "paused", "ended"]
SEEK_EPSILON = 1e-6  # events exactly at the time played from still fire


class Playback(Protocol):
    @property
    def timeline(self) -> Timeline | None: ...

    @property
    def t(self) -> float: ...

    @property
    def status(self) -> Status: ...

    def load(self, scene: str, lang: str | None) -> Timeline: ...

    def play(self, from_t: float = 0.0) -> None: ...

    def seek(self, t: float) -> None: ...

    def stop(self) -> None: ...

    def set_muted(self, muted: bool) -> None:
        """Silence the sound (the attract loop); pictures and timing go on."""
        ...

    def step(self) -> tuple[float, list[Event], FrameState | None]:
        """Advance to now; the show time, the one-shot events since the last step, and the
        FrameState when one was computed (headless playback computes none unless asked)."""
        ...

    def close(self) -> None: ...

    def take_warnings(self) -> list[str]:
        """Side problems since the last call (the quiz database is out, ...): the show goes
        on, and the hall writes them to its journal."""
        ...

    @property
    def quiz_waiting(self) -> int:
        """Finished quiz rounds that wait for the database."""
        ...


class TimelinePlayback:
    """A compiled timeline against the hall's clock: no window, no audio."""

    def __init__(self, catalogue: Catalogue, clock: Clock, frames: bool = False) -> None:
        self.catalogue = catalogue
        self.clock = clock
        self.frames = frames  # compute the full FrameState every step (for listeners that draw)
        self._timeline: Timeline | None = None
        self._show_clock = ShowClock(None)
        self._t = 0.0
        self._status: Status = "idle"
        self._events_from = -math.inf

    @property
    def timeline(self) -> Timeline | None:
        return self._timeline

    @property
    def t(self) -> float:
        return self._t

    @property
    def status(self) -> Status:
        return self._status

    def load(self, scene: str, lang: str | None) -> Timeline:
        timeline = self.catalogue.compile(scene, lang)
        self._timeline = timeline
        self._t = 0.0
        self._status = "idle"
        self._events_from = -math.inf
        return timeline

    def _clamp(self, t: float) -> float:
        assert self._timeline is not None
        return max(0.0, min(float(t), self._timeline.duration))

    def play(self, from_t: float = 0.0) -> None:
        if self._timeline is None:
            raise ExhibitError("no scene is loaded")
        self._t = self._clamp(from_t)
        self._show_clock = ShowClock(None, start=self._t)
        self._show_clock.seek(self._t, self.clock.monotonic())
        self._events_from = self._t - SEEK_EPSILON
        self._status = "playing"

    def seek(self, t: float) -> None:
        """Jump: continuous state follows from the new time; the one-shot events skipped do not fire."""
        if self._timeline is None:
            return
        self._t = self._clamp(t)
        self._show_clock.seek(self._t, self.clock.monotonic())
        self._events_from = self._t - SEEK_EPSILON
        if self._status == "ended":
            self._status = "playing"

    def stop(self) -> None:
        self._timeline = None
        self._status = "idle"
        self._t = 0.0

    def set_muted(self, muted: bool) -> None:
        """Nothing to silence: headless playback makes no sound."""

    def step(self) -> tuple[float, list[Event], FrameState | None]:
        timeline = self._timeline
        if timeline is None:
            return 0.0, [], None
        events: list[Event] = []
        if self._status == "playing":
            self._t = self._clamp(self._show_clock.now(self.clock.monotonic()))
            if self._t > self._events_from:
                events = timeline.events(self._events_from, self._t)
                self._events_from = self._t
            if self._t >= timeline.duration:
                self._status = "ended"
        return self._t, events, timeline.state(self._t) if self.frames else None

    def close(self) -> None:
        self.stop()

    def take_warnings(self) -> list[str]:
        return []  # no quiz is asked without a player

    @property
    def quiz_waiting(self) -> int:
        return 0


class PlayerPlayback:
    """The Panda3D player (``exhibit.render.player.Player``) as the hall's playback."""

    def __init__(self, project: Project, hall: Hall, display: str | None = None,
                 size: tuple[int, int] | None = None, audio: bool = True, player: Any = None) -> None:
        if player is None:
            try:
                from exhibit.render.player import Player
            except ImportError as exc:
                raise ExhibitError(f"the renderer is not available ({exc}); run the hall with --headless") from None
            player = Player(project, hall, display=display, size=size, audio=audio)
        self.player = player
        self._events: list[Event] = []
        self._remove = player.add_listener(self._collect)

    def _collect(self, frame: FrameState, events: list[Event]) -> None:
        self._events.extend(events)

    @property
    def timeline(self) -> Timeline | None:
        return self.player.timeline if self.player.show is not None else None

    @property
    def t(self) -> float:
        return float(self.player.t)

    @property
    def status(self) -> Status:
        status: Status = self.player.status
        return status

    def load(self, scene: str, lang: str | None) -> Timeline:
        self.player.load(scene, lang)
        timeline: Timeline = self.player.timeline
        return timeline

    def play(self, from_t: float = 0.0) -> None:
        self.player.play(from_t)

    def seek(self, t: float) -> None:
        self.player.seek(t)

    def stop(self) -> None:
        self.player.stop()

    def set_muted(self, muted: bool) -> None:
        self.player.set_muted(muted)

    def set_caption_style(self, style: CaptionSettings | None) -> None:
        """The caption size, box and position (and sound captions) of the next show; None: the hall's."""
        self.player.set_caption_style(style)

    def set_audio_description(self, on: bool) -> None:
        """Play the next show loaded with the audio description (its own mix) or without."""
        self.player.audio_description = on

    def step(self) -> tuple[float, list[Event], FrameState | None]:
        self._events = []
        frame: FrameState = self.player.step()
        events, self._events = self._events, []
        return float(self.player.t), events, frame

    def close(self) -> None:
        self._remove()
        self.player.close()

    def take_warnings(self) -> list[str]:
        taken: list[str] = self.player.take_warnings()
        return taken

    @property
    def quiz_waiting(self) -> int:
        return int(self.player.quiz_waiting)
