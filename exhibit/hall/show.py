"""One run of one scene in the hall: a playback, and who hears about each frame.

The hall makes a :class:`Show` for every scheduled show, every GO and every pass of the
attract loop. Each ``step`` advances the playback and publishes a :class:`ShowFrame` (the
timeline, show time, one-shot events and, where the playback drew one, the FrameState)
to the show's listeners: the effects bus for real shows, nothing for the silent attract
loop. The renderer, when there is one, is the playback itself.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from exhibit.hall.description_output import DescriptionOutput
from exhibit.hall.playback import Playback
from exhibit.spec.errors import ExhibitError
from exhibit.spec.hall import CaptionSettings
from exhibit.timeline.frame import Event, FrameState
from exhibit.timeline.model import Timeline

Kind = Literal["show", "attract"]


@dataclass(frozen=True)
class ShowFrame:
    timeline: Timeline
    t: float
    events: list[Event]
    state: FrameState | None


Listener = Callable[[ShowFrame], None]


class Show:
    def __init__(self, playback: Playback, scene: str, lang: str | None, kind: Kind,
                 scheduled: datetime | None = None, listeners: list[Listener] | None = None) -> None:
        self.playback = playback
        self.scene = scene
        self.lang = lang
        self.kind = kind
        self.scheduled = scheduled
        self.listeners = list(listeners or [])
        self.timeline: Timeline | None = None
        self.started: datetime | None = None
        self.started_mono: float | None = None
        self.frames = 0
        self.audio_description = False  # the described mix (a playback that plays sound)
        self.captions: CaptionSettings | None = None  # this show's captions (None: the hall's)
        self.accessible_quiz = False  # its quiz with larger type and no time limit, ranked apart
        #: where the described mix goes when the hall routes it (hall.yaml audio.description)
        self.description_output: DescriptionOutput | None = None
        self.warnings: list[str] = []  # side problems for the hall's journal; the show goes on

    @property
    def _routed(self) -> DescriptionOutput | None:
        """The description output when this show plays its description there."""
        return self.description_output if self.audio_description else None

    def load(self) -> Timeline:
        """Compile (and, with a renderer, build) the scene; done ahead of the start time where possible."""
        # a routed description leaves the main mix as it is
        self.playback.set_audio_description(self.audio_description and self._routed is None)
        self.playback.set_caption_style(self.captions)
        self.playback.set_accessible_quiz(self.accessible_quiz)
        self.timeline = self.playback.load(self.scene, self.lang)
        self.playback.set_muted(self.kind == "attract")  # the attract loop plays silently
        if self._routed is not None:
            try:
                self._routed.load(self.scene, self.lang)
            except ExhibitError as exc:  # the show plays without the headphones
                self._lose_description_output(exc)
        return self.timeline

    def start(self, now: datetime, mono: float, from_t: float = 0.0) -> None:
        if self.timeline is None:
            self.load()
        self.playback.play(from_t)
        if self._routed is not None:
            self._routed.play(self.playback.t)
        self.started = now
        self.started_mono = mono

    def step(self) -> ShowFrame | None:
        timeline = self.playback.timeline
        if timeline is None:
            return None
        t, events, state = self.playback.step()
        if self._routed is not None:
            try:
                self._routed.follow(t, self.playback.status == "playing")
            except ExhibitError as exc:  # the headphones fall silent; the show goes on
                self._lose_description_output(exc)
        frame = ShowFrame(timeline, t, events, state)
        self.frames += 1
        for listener in self.listeners:
            listener(frame)
        return frame

    def _lose_description_output(self, exc: ExhibitError) -> None:
        self.warnings.append(f"{exc}; the show goes on without it")
        self.description_output = None

    def seek(self, t: float) -> None:
        self.playback.seek(t)
        if self._routed is not None and self.playback.status == "playing":
            self._routed.play(self.playback.t)

    def pick(self, option: int) -> None:
        """Answer the choice offered now (see :meth:`Transport.pick`); the routed description follows."""
        self.playback.pick(option)
        if self._routed is not None and self.playback.status == "playing":
            self._routed.play(self.playback.t)

    @property
    def t(self) -> float:
        return self.playback.t

    @property
    def ended(self) -> bool:
        return self.playback.status == "ended"

    def take_leaving(self) -> str | None:
        """The scene a choice left this show for, once (see :meth:`Playback.take_leaving`)."""
        return self.playback.take_leaving()

    def stop(self) -> None:
        if self._routed is not None:
            self._routed.unload()
        self.playback.stop()
        self.timeline = None
        self.listeners.clear()
