"""The attract loop plays silently; real shows are heard."""

from __future__ import annotations

from exhibit.hall.show import Show
from exhibit.timeline.frame import Event, FrameState


class RecordingPlayback:
    """A playback that records what show control asks of it."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, object]] = []
        self.timeline = None
        self.t = 0.0
        self.status = "idle"

    def load(self, scene: str, lang: str | None) -> object:
        self.calls.append(("load", scene))
        return object()

    def set_muted(self, muted: bool) -> None:
        self.calls.append(("muted", muted))

    def play(self, from_t: float = 0.0) -> None:
        self.calls.append(("play", from_t))

    def set_audio_description(self, on: bool) -> None: ...

    def set_caption_style(self, style: object) -> None: ...

    def set_accessible_quiz(self, on: bool) -> None: ...

    def seek(self, t: float) -> None: ...

    def stop(self) -> None: ...

    def step(self) -> tuple[float, list[Event], FrameState | None]:
        return 0.0, [], None

    def close(self) -> None: ...


def test_attract_is_muted_and_a_show_after_it_is_not() -> None:
    playback = RecordingPlayback()
    Show(playback, "nanhu_red_boat", "zh", "attract").load()  # type: ignore[arg-type]
    Show(playback, "long_march", "zh", "show").load()  # type: ignore[arg-type]
    assert playback.calls == [("load", "nanhu_red_boat"), ("muted", True), ("load", "long_march"), ("muted", False)]
