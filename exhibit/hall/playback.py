"""What plays a scene for the hall: headless against the hall's clock, or the Panda3D player.

Show control only needs load / play / seek / stop and "where are we": the
:class:`Playback` protocol. :class:`TimelinePlayback` runs a compiled timeline against the
hall's injectable clock (no rendering: the soak test, a hall whose pictures come from
elsewhere, a laptop rehearsal of effects). :class:`PlayerPlayback` drives a player (the
Panda3D ``exhibit.render.player.Player``) that the command line makes and hands in, so show
control never imports the renderer.

Both play a scene the hall asks for in a language the scene lacks in the scene's first
language, with a located warning for the journal: the show goes on.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from exhibit.hall.catalogue import Catalogue
from exhibit.hall.clock import Clock
from exhibit.spec.errors import Diagnostic
from exhibit.spec.hall import CaptionSettings
from exhibit.timeline.frame import Event, FrameState
from exhibit.timeline.model import Timeline
from exhibit.timeline.transport import Status, Transport


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

    def pick(self, option: int) -> float:
        """Answer the choice offered now with ``option`` (from 1); the time gone on from."""
        ...

    def stop(self) -> None: ...

    def set_muted(self, muted: bool) -> None:
        """Silence the sound (the attract loop); pictures and timing go on."""
        ...

    def set_audio_description(self, on: bool) -> None:
        """The next show loaded plays with the audio description (its own mix) or without."""
        ...

    def set_caption_style(self, style: CaptionSettings | None) -> None:
        """The caption size, box and position (and sound captions) of the next show; None: the hall's."""
        ...

    def set_accessible_quiz(self, on: bool) -> None:
        """The next show's quiz in the accessible mode (larger type, no time limit) or not."""
        ...

    def take_leaving(self) -> str | None:
        """The scene a choice has left the show for (its option's ``scene``), once; the show
        has ended, and the hall starts that scene."""
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

    def take_visits(self) -> list[dict[str, Any]]:
        """What visitors selected and chose in the windows since the last call, for the journal."""
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
        self.transport = Transport(clock.monotonic)
        self._warnings: list[str] = []
        self.audio_description = False  # what the next show is loaded with, as a player would
        self.accessible_quiz = False
        self.caption_style: CaptionSettings | None = None

    @property
    def timeline(self) -> Timeline | None:
        return self.transport.timeline

    @property
    def t(self) -> float:
        return self.transport.t

    @property
    def status(self) -> Status:
        return self.transport.status

    def load(self, scene: str, lang: str | None) -> Timeline:
        timeline = self.catalogue.compile(scene, lang, warn=self._warn)
        self.transport.load(timeline)
        return timeline

    def _warn(self, warning: Diagnostic) -> None:
        self._warnings.append(str(warning))

    def play(self, from_t: float = 0.0) -> None:
        self.transport.play(from_t)

    def seek(self, t: float) -> None:
        """Jump: continuous state follows from the new time; the one-shot events skipped do not fire."""
        if self.transport.timeline is None:
            return
        ended = self.transport.status == "ended"
        self.transport.seek(t, inclusive=True)
        if ended:
            self.transport.status = "playing"

    def pick(self, option: int) -> float:
        return self.transport.pick(option)

    def stop(self) -> None:
        self.transport.unload()

    def set_muted(self, muted: bool) -> None:
        """Nothing to silence: headless playback makes no sound."""

    def set_audio_description(self, on: bool) -> None:
        """Kept for the next show: the timing is the same with or without the described mix."""
        self.audio_description = on

    def set_caption_style(self, style: CaptionSettings | None) -> None:
        """Kept for the next show: headless playback draws no captions, the hall's listeners
        (a board, a second screen) read the style from here."""
        self.caption_style = style

    def set_accessible_quiz(self, on: bool) -> None:
        """Kept for the next show: headless playback asks no questions itself."""
        self.accessible_quiz = on

    def take_leaving(self) -> str | None:
        return self.transport.take_leaving()

    def step(self) -> tuple[float, list[Event], FrameState | None]:
        timeline = self.transport.timeline
        if timeline is None:
            return 0.0, [], None
        t, events = self.transport.advance()
        return t, events, timeline.state(t) if self.frames else None

    def close(self) -> None:
        self.stop()

    def take_warnings(self) -> list[str]:
        """A scene played in another language than asked (no quiz is asked without a player)."""
        taken, self._warnings = self._warnings, []
        return taken

    def take_visits(self) -> list[dict[str, Any]]:
        """None: without a window nobody selects anything (the remote's picks are journalled by the hall)."""
        return []

    @property
    def quiz_waiting(self) -> int:
        return 0


class HallPlayer(Protocol):
    """What the hall asks of a player (``exhibit.render.player.Player`` is one)."""

    audio_description: bool
    accessible_quiz: bool
    follows_choices: bool

    @property
    def show(self) -> object | None: ...

    @property
    def timeline(self) -> Timeline: ...

    @property
    def t(self) -> float: ...

    @property
    def status(self) -> Status: ...

    @property
    def quiz_waiting(self) -> int: ...

    def load(self, scene: str, lang: str | None = None, *, lenient_language: bool = False) -> Any: ...

    def play(self, from_t: float | None = None) -> None: ...

    def seek(self, t: float, inclusive: bool = False) -> None: ...

    def pick(self, option: int) -> float: ...

    def stop(self) -> None: ...

    def set_muted(self, muted: bool) -> None: ...

    def set_caption_style(self, style: CaptionSettings | None) -> None: ...

    def add_listener(self, listener: Callable[[FrameState, list[Event]], None]) -> Callable[[], None]: ...

    def step(self, t: float | None = None) -> FrameState: ...

    def take_warnings(self) -> list[str]: ...

    def take_visits(self) -> list[dict[str, Any]]: ...

    def take_leaving(self) -> str | None: ...

    def enable_hotspots(self) -> Any: ...

    def close(self) -> None: ...


class PlayerPlayback:
    """A player as the hall's playback; ``open_player`` makes it (the command line's choice
    of display, size and renderer), so the hall itself never imports one."""

    def __init__(self, open_player: Callable[[], HallPlayer]) -> None:
        player = open_player()
        self.player = player
        player.enable_hotspots()  # visitors in front of the hall's windows may open info cards
        player.follows_choices = False  # the hall starts the scene a choice leaves for, as a show
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
        return self.player.status

    def load(self, scene: str, lang: str | None) -> Timeline:
        self.player.load(scene, lang, lenient_language=True)
        return self.player.timeline

    def play(self, from_t: float = 0.0) -> None:
        self.player.play(from_t)

    def seek(self, t: float) -> None:
        self.player.seek(t)

    def pick(self, option: int) -> float:
        return self.player.pick(option)

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

    def set_accessible_quiz(self, on: bool) -> None:
        """Ask the next show's quiz in the accessible mode or not."""
        self.player.accessible_quiz = on

    def take_leaving(self) -> str | None:
        return self.player.take_leaving()

    def step(self) -> tuple[float, list[Event], FrameState | None]:
        self._events = []
        frame = self.player.step()
        events, self._events = self._events, []
        return float(self.player.t), events, frame

    def close(self) -> None:
        self._remove()
        self.player.close()

    def take_warnings(self) -> list[str]:
        return self.player.take_warnings()

    def take_visits(self) -> list[dict[str, Any]]:
        return self.player.take_visits()

    @property
    def quiz_waiting(self) -> int:
        return int(self.player.quiz_waiting)
