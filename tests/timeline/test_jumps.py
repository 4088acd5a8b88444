"""Jumps and choices while a show plays: a jump is a seek of the show clock, so what plays
after it (caption, camera, effects, events) is exactly what the target time shows."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from exhibit.spec.errors import ExhibitError
from exhibit.spec.scene import Scene
from exhibit.timeline.compile import compile
from exhibit.timeline.frame import Event
from exhibit.timeline.jumps import Jump, endless_loop
from exhibit.timeline.transport import Transport
from tests.timeline.test_transport import Wall

# 0-30 s: the main story; at 20 s it ends (jump to scene.end); 22-28 s: an optional segment
# reached by the choice at 4 s, which returns to the choice's end.
CUES: list[dict[str, Any]] = [
    {"at": 1, "do": "effect", "id": "wind", "effect": "wind", "duration": 5, "fade": 0.5},
    {
        "at": 4,
        "do": "choice",
        "id": "pick",
        "timeout": 4,
        "default": 1,
        "options": [
            {"label": {"en": "Go on"}, "goto": "pick.end"},
            {"label": {"en": "More"}, "goto": "extra.start"},
        ],
    },
    {"at": 9, "do": "caption", "id": "main", "text": "the main story", "duration": 10},
    {"at": 12, "do": "effect", "id": "rain", "effect": "spray", "duration": 3, "fade": 0},
    {"at": 20, "do": "jump", "id": "main_end", "to": "scene.end"},
    {"at": 22, "do": "caption", "id": "extra", "text": "the boat in detail", "duration": 5},
    {"at": 22, "do": "sound", "file": "audio/sounds/oars.wav"},
    {"at": 28, "do": "jump", "id": "back", "to": "pick.end"},
]


def timeline(cues: list[dict[str, Any]] | None = None) -> Any:
    scene = Scene.model_validate(
        {
            "id": "jumps",
            "languages": ["en"],
            "duration": 30,
            "camera": {
                "keys": [
                    {"at": 0, "pos": [0, -40, 8], "look_at": [0, 0, 2]},
                    {"at": 30, "pos": [40, 0, 8], "look_at": [0, 0, 2]},
                ]
            },
            "cues": CUES if cues is None else cues,
        }
    )
    return compile(scene, "en")


def play(moving: Transport, wall: Wall, until: float, step: float = 0.25) -> list[tuple[float, list[Event]]]:
    """Frames of a playing show for ``until`` seconds of wall time: (time reached, events read)."""
    frames = []
    end = wall.now + until
    while wall.now < end and moving.status == "playing":
        wall.now += step
        frames.append(moving.advance())
    return frames


def started(tl: Any) -> tuple[Transport, Wall]:
    wall = Wall()
    moving = Transport(wall)
    moving.load(tl)
    moving.play(0.0)
    return moving, wall


def test_a_jump_goes_on_from_its_target_with_the_targets_caption_camera_and_effects() -> None:
    tl = timeline()
    moving, wall = started(tl)
    frames = play(moving, wall, 21.0)
    times = [t for t, _ in frames]
    read = [e for _, events in frames for e in events]
    # The unattended show passed the choice (default: go on), reached 20 s and jumped to the end.
    assert moving.status == "ended" and moving.t == tl.duration
    assert times[-2:] == [19.75, 30.0]  # the frame that reached 20 s went on from the end
    assert not any(e.t > 20.0 for e in read)  # the optional segment's sound never fired
    frame = tl.state(moving.t)
    assert frame.captions == () and frame.camera == tl.camera_state(30.0)


def test_a_picked_option_plays_the_segment_and_it_returns_after_the_choice() -> None:
    tl = timeline()
    moving, wall = started(tl)
    play(moving, wall, 5.0)  # 5 s: the choice is open
    assert tl.choice_at(moving.t) is not None
    assert moving.pick(2) == 22.0
    frame = tl.state(moving.t)
    assert [c.text for c in frame.captions] == ["the boat in detail"]
    assert frame.camera == tl.camera_state(22.0)
    assert "wind" not in frame.effects  # the wind of 1-6 s is released, its end was skipped
    wall.now += 0.25
    t, events = moving.advance()
    assert [e.kind for e in events] == ["sound"] and events[0].t == 22.0  # events at the target fire
    frames = play(moving, wall, 7.5)
    # At 28 s the segment jumps back to the choice's end (8 s): the choice's default there is
    # not taken (it was not offered), the main story goes on.
    assert [t for t, _ in frames][21:24] == [27.75, 8.0, 8.25] and 9.0 < moving.t < 10.0
    assert [c.text for c in tl.state(moving.t).captions] == ["the main story"]


def test_nothing_is_picked_without_an_open_choice() -> None:
    moving, wall = started(timeline())
    play(moving, wall, 10.0)
    with pytest.raises(ExhibitError, match=r"no choice is open at 10\.00 s"):
        moving.pick(1)
    moving.seek(5.0)
    with pytest.raises(ExhibitError, match="option 3 does not exist; this choice has options 1 to 2"):
        moving.pick(3)


def test_an_unanswered_choice_takes_its_default_at_its_end() -> None:
    cues = [dict(c) for c in CUES]
    cues[1] = {**cues[1], "default": 2}
    cues[7] = {**cues[7], "to": "main.start"}  # back to the main story, past the choice
    tl = timeline(cues)
    moving, wall = started(tl)
    frames = play(moving, wall, 8.5)
    assert [t for t, _ in frames][-4:] == [7.75, 22.0, 22.25, 22.5]


def test_stills_and_export_never_jump() -> None:
    tl = timeline()
    moving = Transport(Wall())
    moving.load(tl)
    t, _ = moving.advance(25.0)
    assert t == 25.0 and [c.text for c in tl.state(t).captions] == ["the boat in detail"]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 20), st.integers(0, 20)), max_size=6))
def test_the_loop_finder_agrees_with_running_the_jumps(pairs: list[tuple[int, int]]) -> None:
    """Jump cues only: the show ends iff following the jumps for longer than their count ends."""
    cues: list[dict[str, Any]] = [{"at": a, "do": "jump", "to": b} for a, b in pairs]
    scene = Scene.model_validate({"languages": ["en"], "duration": 21, "cues": cues})
    jumps = sorted(Jump(float(a), i, float(b)) for i, (a, b) in enumerate(pairs))
    moving = [j for j in jumps if j.to != j.t]  # a jump to its own time is none
    t, ends = 0.0, False
    for _ in range(len(moving) + 1):
        nxt = next((j for j in moving if j.t >= t), None)
        if nxt is None:
            ends = True
            break
        t = nxt.to
    assert (endless_loop(scene.cues, jumps) is None) == ends


def test_a_jump_at_the_time_of_a_quiz_is_taken_when_the_show_goes_on() -> None:
    cues = [dict(c) for c in CUES]
    cues.append({"at": 20, "do": "quiz", "bank": "party_history"})  # the main story's end asks first
    tl = timeline(cues)
    moving, wall = started(tl)
    moving.seek(19.5)

    def quiz_stops(events: list[Event]) -> float | None:
        return next((e.t for e in events if e.kind == "quiz"), None)

    wall.now += 1.0
    t, events = moving.advance(interrupt=quiz_stops)
    assert t == 20.0 and [e.kind for e in events] == ["quiz"]  # the quiz holds the show at 20 s
    moving.pause()
    moving.hold(20.0)
    moving.play()  # answered: the show goes on, and the jump of 20 s is taken at once
    wall.now += 0.1
    t, events = moving.advance(interrupt=quiz_stops)
    assert t == tl.duration and [e.kind for e in events] == ["jump"] and moving.status == "ended"


def test_an_option_may_go_to_a_time_counted_from_the_scenes_end() -> None:
    """Such a target is resolved after the scene's length: it once crashed the compiler."""
    cues = [dict(CUES[1], options=[CUES[1]["options"][0], {"label": {"en": "Skip"}, "goto": "scene.end - 2"}])]
    tl = timeline(cues)
    assert tl.targets[0] == (8.0, 28.0)


def test_an_option_that_leaves_for_another_scene_ends_this_one_and_names_it() -> None:
    leave = {"label": {"en": "The Long March"}, "scene": "long_march"}
    for default, pick in ((1, 2), (2, None)):
        tl = timeline([dict(CUES[1], default=default, options=[CUES[1]["options"][0], leave])])
        moving, wall = started(tl)
        play(moving, wall, 5.0)
        if pick is not None:
            moving.pick(pick)
        play(moving, wall, 10.0)
        assert moving.status == "ended" and moving.t == pytest.approx(30.0)  # nothing after the choice played
        assert moving.take_leaving() == "long_march" and moving.take_leaving() is None  # said once
    moving, wall = started(timeline([dict(CUES[1], options=[CUES[1]["options"][0], leave])]))
    play(moving, wall, 10.0)  # nobody picked: option 1 goes on in this scene
    assert moving.status == "playing" and moving.take_leaving() is None
