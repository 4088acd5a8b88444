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

from exhibit.hall.playback import Playback
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

    def load(self) -> Timeline:
        """Compile (and, with a renderer, build) the scene; done ahead of the start time where possible."""
        self.playback.set_audio_description(self.audio_description)
        self.playback.set_caption_style(self.captions)
        self.timeline = self.playback.load(self.scene, self.lang)
        self.playback.set_muted(self.kind == "attract")  # the attract loop plays silently
        return self.timeline

    def start(self, now: datetime, mono: float, from_t: float = 0.0) -> None:
        if self.timeline is None:
            self.load()
        self.playback.play(from_t)
        self.started = now
        self.started_mono = mono

    def step(self) -> ShowFrame | None:
        timeline = self.playback.timeline
        if timeline is None:
            return None
        t, events, state = self.playback.step()
        frame = ShowFrame(timeline, t, events, state)
        self.frames += 1
        for listener in self.listeners:
            listener(frame)
        return frame

    def seek(self, t: float) -> None:
        self.playback.seek(t)

    @property
    def t(self) -> float:
        return self.playback.t

    @property
    def ended(self) -> bool:
        return self.playback.status == "ended"

    def stop(self) -> None:
        self.playback.stop()
        self.timeline = None
        self.listeners.clear()
