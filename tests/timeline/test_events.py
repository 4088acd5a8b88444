"""Edges: one-shot events fire once per pass, never for what a seek skipped."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from exhibit.timeline.compile import compile
from exhibit.timeline.frame import Event
from tests.timeline.scenes import recorded, scene

TIMINGS = {"intro": recorded(5.0, marks={"boat": 2.0}), "second": recorded(3.0)}
TL = compile(scene(), "zh", TIMINGS)
ALL = TL.events(-1.0, TL.duration)


def test_events_lie_in_the_half_open_window() -> None:
    kinds = [e.kind for e in ALL]
    assert kinds.count("line") == 2 and "sound" in kinds and "effect" in kinds and "quiz" in kinds
    sound = next(e for e in ALL if e.kind == "sound")
    assert TL.events(sound.t - 0.1, sound.t) == [e for e in ALL if e.t == sound.t]
    assert sound not in TL.events(sound.t, sound.t + 1)


def test_quiz_event_comes_after_the_second_line() -> None:
    quiz = next(e for e in ALL if e.kind == "quiz")
    assert quiz.t == TL.lines[1].end + 1


class Player:
    """A minimal player: advances by frames, pauses, seeks; collects fired events."""

    def __init__(self) -> None:
        self.t = 0.0
        self.prev = -1.0  # so that events at exactly 0 fire on the first frame
        self.fired: list[tuple[int, Event]] = []  # (pass number, event)
        self.passes = 0

    def advance(self, dt: float) -> None:
        self.t = min(TL.duration, self.t + dt)
        for e in TL.events(self.prev, self.t):
            self.fired.append((self.passes, e))
        self.prev = self.t

    def seek(self, t: float) -> None:
        if t < self.t:
            self.passes += 1
        self.t = t
        self.prev = t  # a seek fires nothing it skipped


ops = st.lists(
    st.one_of(
        st.tuples(st.just("play"), st.floats(min_value=0.0, max_value=3.0, allow_nan=False)),
        st.tuples(st.just("pause"), st.just(0.0)),
        st.tuples(st.just("seek"), st.floats(min_value=0.0, max_value=TL.duration, allow_nan=False)),
    ),
    max_size=40,
)


@settings(max_examples=200, deadline=None)
@given(ops)
def test_each_edge_fires_at_most_once_per_pass_and_only_when_played_through(
    operations: list[tuple[str, float]],
) -> None:
    p = Player()
    played: list[tuple[int, float, float]] = []
    for op, value in operations:
        if op == "play":
            start = p.prev
            steps = int(value / (1 / 30)) + 1
            for _ in range(steps):
                p.advance(1 / 30)
            played.append((p.passes, start, p.t))
        elif op == "seek":
            p.seek(value)
    seen = [(pass_no, e) for pass_no, e in p.fired]
    assert len(seen) == len(set(seen)), "an event fired twice in one pass"
    for pass_no, e in p.fired:
        assert any(pn == pass_no and a < e.t <= b for pn, a, b in played), "fired without being played through"


def test_backward_seek_replays_edges() -> None:
    p = Player()
    for _ in range(int(TL.duration * 30) + 2):
        p.advance(1 / 30)
    first = [e for _, e in p.fired]
    p.seek(0.0)
    p.prev = -1.0
    for _ in range(int(TL.duration * 30) + 2):
        p.advance(1 / 30)
    second = [e for n, e in p.fired if n == 1]
    assert first == second == ALL


def test_seeking_past_an_edge_does_not_fire_it() -> None:
    p = Player()
    sound = next(e for e in ALL if e.kind == "sound")
    p.seek(sound.t + 0.5)
    p.advance(1.0)
    assert sound not in [e for _, e in p.fired]
