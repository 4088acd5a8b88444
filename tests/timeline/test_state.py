"""state(t): what is on screen and in the effects at any moment, the same whatever came before."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from exhibit.timeline.compile import compile
from exhibit.timeline.model import Timeline
from tests.timeline.scenes import recorded, scene

TIMINGS = {"intro": recorded(5.0, marks={"boat": 2.0}), "second": recorded(3.0)}


@pytest.fixture(scope="module")
def timeline() -> Timeline:
    return compile(scene(), "zh", TIMINGS)


def test_hidden_object_fades_in_when_shown(timeline: Timeline) -> None:
    show = timeline.cues[1]
    assert timeline.state(show.start - 0.01).objects["slogan"].opacity == 0.0
    assert not timeline.state(show.start - 0.01).objects["slogan"].visible
    mid = timeline.state(show.start + 1.0).objects["slogan"].opacity
    assert 0.2 < mid < 0.8
    assert timeline.state(show.start + 2.0).objects["slogan"].opacity == pytest.approx(1.0)


def test_move_eases_from_where_the_object_was(timeline: Timeline) -> None:
    drift = timeline.cues[0]
    xs = [timeline.state(drift.start + k * 0.5).objects["boat"].pos[0] for k in range(9)]
    assert xs[0] == pytest.approx(0.0)
    assert xs[-1] == pytest.approx(10.0)
    assert all(b >= a for a, b in zip(xs, xs[1:], strict=False))
    assert xs[1] - xs[0] < xs[4] - xs[3]  # in_out_sine: slow start, faster middle


def test_effect_level_fades_in_holds_and_out(timeline: Timeline) -> None:
    wind = timeline.cues[2]
    level = lambda t: timeline.state(t).effects.get("wind").level if "wind" in timeline.state(t).effects else 0.0  # noqa: E731
    assert level(wind.start - 0.1) == 0.0
    assert level(wind.start + 0.5) == pytest.approx(0.4)
    assert level(wind.start + 3.0) == pytest.approx(0.8)
    assert level(wind.end - 0.25) == pytest.approx(0.2)
    assert level(wind.end + 0.1) == 0.0


def test_captions_follow_the_voice(timeline: Timeline) -> None:
    intro = timeline.lines[0]
    during = timeline.state(intro.start + 0.5).captions
    assert during and during[0].line_id == "intro"
    assert "{mark" not in during[0].text and "代表们" in "".join(c.text for c in timeline.captions)
    assert timeline.state(0.2).captions == ()
    assert timeline.state(intro.start + 0.5).speaking == "intro"


def test_camera_passes_through_its_keys_and_looks_at_the_target(timeline: Timeline) -> None:
    first = timeline.state(0.0).camera
    assert first.pos == pytest.approx((0.0, -60.0, 10.0))
    # Looking at the boat at the origin from (0, -60, 10): heading 0, pitched down.
    assert first.hpr[0] == pytest.approx(0.0, abs=1e-9)
    assert first.hpr[1] == pytest.approx(-math.degrees(math.atan2(10, 60)))
    end_key = timeline.camera_keys[1].t
    assert timeline.state(end_key).camera.pos == pytest.approx((20.0, -20.0, 4.0))


def test_fade_title_and_environment_cues() -> None:
    s = scene(
        cues=[
            {"at": 1, "do": "title", "text": {"zh": "南湖", "en": "South Lake"}, "subtitle": "1921", "duration": 4},
            {"at": 2, "do": "fade", "to": "black", "duration": 2},
            {"at": 2, "do": "environment", "sky": {"zenith": "#000000"}, "duration": 2},
        ]
    )
    tl = compile(s, "en", TIMINGS)
    title = tl.state(3.0).title
    assert title is not None and title.text == "South Lake" and title.subtitle == "1921" and title.opacity == 1.0
    assert tl.state(1.3).title.opacity == pytest.approx(0.5)
    assert tl.state(5.5).title is None
    assert tl.state(1.9).fade == 0.0 and tl.state(4.0).fade == 1.0
    assert tl.state(4.0).environment.sky_zenith[:3] == (0.0, 0.0, 0.0)
    assert tl.state(1.0).environment.sky_zenith != tl.state(4.0).environment.sky_zenith


def test_music_ducks_under_speech() -> None:
    s = scene(music=[{"file": "audio/music/bed.wav", "at": 0, "gain": -12, "duck": -10, "fade_in": 0}])
    tl = compile(s, "zh", TIMINGS)
    intro = tl.lines[0]
    before = tl.state(intro.start - 0.5).music[0].gain_db
    during = tl.state(intro.start + 1.0).music[0].gain_db
    assert before == pytest.approx(-12.0)
    assert during == pytest.approx(-22.0)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.floats(min_value=-5, max_value=40, allow_nan=False), min_size=1, max_size=12),
    st.floats(min_value=0, max_value=35, allow_nan=False),
)
def test_state_never_depends_on_history(history: list[float], t: float) -> None:
    fresh = compile(scene(), "zh", TIMINGS)
    used = compile(scene(), "zh", TIMINGS)
    for h in history:
        used.state(h)
    assert used.state(t) == fresh.state(t)
    assert used.state(t) == used.state(t)


def test_keys_given_as_hpr_turn_only_as_much_as_the_keys_say() -> None:
    s = scene(
        camera={
            "keys": [
                {"at": 0, "pos": [0, 0, 5], "hpr": [0, 0, 0]},
                {"at": 5, "pos": [30, 10, 5], "hpr": [0, 0, 0]},
                {"at": 10, "pos": [0, 40, 5], "hpr": [90, -10, 0]},
            ]
        }
    )
    tl = compile(s, "zh", TIMINGS)
    for k in range(50):
        assert tl.state(k * 0.1).camera.hpr == pytest.approx((0.0, 0.0, 0.0), abs=1e-9)
    assert tl.state(7.5).camera.hpr[0] == pytest.approx(45.0)
    assert tl.state(10.0).camera.hpr == pytest.approx((90.0, -10.0, 0.0))


@given(st.floats(min_value=-5.0, max_value=200.0, allow_nan=False))
@settings(max_examples=60, deadline=None)
def test_an_object_no_cue_touches_has_one_state_for_the_whole_show(t: float) -> None:
    """A still house is where the scene put it at any time (the same state object: a
    thousand of them cost a lookup each per frame); the boat a cue moves still moves."""
    objects = {
        "boat": {"kind": "red_boat", "pos": [0, 0, 0]},
        "house": {"kind": "house", "pos": [5, 6, 0.5], "hpr": [30, 0, 0], "opacity": 0.5},
        "slogan": {"kind": "text", "text": {"zh": "不忘初心", "en": "Stay true"}, "visible": False},
    }
    tl = compile(scene(objects=objects), "zh")
    house = tl.object_state("house", t)
    assert house is tl.object_state("house", 0.0)
    assert (house.pos, house.hpr, house.opacity, house.tint) == ((5.0, 6.0, 0.5), (30.0, 0.0, 0.0), 0.5, None)
    drift = tl.cues[0]
    assert tl.object_state("boat", drift.end + 1).pos == (10.0, 0.0, 0.0)
    assert tl.object_state("boat", drift.start - 0.01).pos == (0.0, 0.0, 0.0)
