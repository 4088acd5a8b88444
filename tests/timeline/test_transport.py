"""The transport: status, show time and the events read, on a wall clock the test moves."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from exhibit.spec.errors import ExhibitError
from exhibit.timeline.compile import compile
from exhibit.timeline.transport import Transport
from tests.timeline.scenes import recorded, scene

TL = compile(scene(), "zh", {"intro": recorded(5.0, marks={"boat": 2.0}), "second": recorded(3.0)})
ALL = TL.events(-1.0, TL.duration)


class Wall:
    """A wall clock that moves only when told."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def transport() -> tuple[Transport, Wall]:
    wall = Wall()
    moving = Transport(wall)
    moving.load(TL)
    return moving, wall


def test_nothing_moves_before_a_scene_is_loaded() -> None:
    with pytest.raises(ExhibitError, match="no scene is loaded"):
        Transport(Wall()).play()


def test_playing_to_the_end_reads_every_event_once_and_ends() -> None:
    moving, wall = transport()
    assert moving.status == "idle" and moving.t == 0.0
    moving.play(0.0)
    read = []
    while moving.status == "playing":
        wall.now += 0.25
        read += moving.advance()[1]
    assert read == ALL and moving.status == "ended" and moving.t == TL.duration


def test_a_seek_skips_the_events_between_and_inclusive_reads_the_one_at_the_time() -> None:
    sound = next(e for e in ALL if e.kind == "sound")
    moving, wall = transport()
    moving.play(0.0)
    moving.seek(sound.t)
    wall.now += 0.1
    assert sound not in moving.advance()[1]
    moving.seek(sound.t, inclusive=True)
    wall.now += 0.1
    t, events = moving.advance()
    assert sound in events and t == pytest.approx(sound.t + 0.1)
    assert all(e.t > sound.t - 1e-6 for e in events)


def test_a_pause_holds_the_time_and_resuming_reads_nothing_twice() -> None:
    moving, wall = transport()
    moving.play(0.0)
    wall.now += 3.0
    first = moving.advance()[1]
    assert moving.pause() and moving.status == "paused" and moving.t == pytest.approx(3.0)
    wall.now += 10.0
    assert moving.advance() == (pytest.approx(3.0), [])
    assert not moving.pause()
    moving.play()
    wall.now += TL.duration
    rest = moving.advance()[1]
    assert first + rest == ALL and not set(first) & set(rest)


def test_an_interrupt_stops_at_its_event_and_leaves_the_later_ones_unread() -> None:
    quiz = next(e for e in ALL if e.kind == "quiz")
    moving, wall = transport()
    moving.play(0.0)
    wall.now += TL.duration

    def at_the_quiz(events: list[object]) -> float | None:
        moving.pause()
        moving.hold(quiz.t)
        return quiz.t

    t, events = moving.advance(interrupt=at_the_quiz)
    assert t == quiz.t and moving.status == "paused" and events == [e for e in ALL if e.t <= quiz.t]
    moving.play()
    wall.now += TL.duration
    assert moving.advance()[1] == [e for e in ALL if e.t > quiz.t]


def test_a_frame_at_a_given_time_reads_its_events_even_when_not_playing() -> None:
    moving, _wall = transport()
    t, events = moving.advance(TL.duration / 2)
    assert t == TL.duration / 2 and events == [e for e in ALL if e.t <= t]
    assert moving.status == "idle"


def test_a_reload_goes_on_at_its_moment_with_the_earlier_events_read() -> None:
    moving, wall = transport()
    moving.play(0.0)
    wall.now += 4.0
    moving.advance()
    moving.load(TL, at=moving.t)
    assert moving.status == "playing" and moving.t == pytest.approx(4.0)
    moving.play()
    wall.now += TL.duration
    assert moving.advance()[1] == [e for e in ALL if e.t > 4.0]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["step", "pause", "play"]), st.floats(0.0, 4.0)), max_size=40))
def test_however_it_is_paused_and_resumed_each_event_is_read_at_most_once_in_order(
    moves: list[tuple[str, float]],
) -> None:
    moving, wall = transport()
    moving.play(0.0)
    read = []
    for move, seconds in moves:
        wall.now += seconds
        if move == "pause":
            moving.pause()
        elif move == "play":
            moving.play()
        read += moving.advance()[1]
    moving.play()
    wall.now += TL.duration + 1
    read += moving.advance()[1]
    assert read == ALL
