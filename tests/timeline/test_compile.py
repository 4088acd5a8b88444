"""Resolving times per language: anchors, marks, defaults, duration, cycles, ranges."""

from __future__ import annotations

import pytest

from exhibit.spec.errors import ContentError
from exhibit.timeline.compile import AUTO_TAIL, FIRST_LINE_AT, compile, compile_scene
from tests.timeline.scenes import recorded, scene


def test_first_line_starts_at_one_second_and_the_next_after_the_default_gap() -> None:
    tl = compile(scene(), "zh", {"intro": recorded(5.0), "second": recorded(3.0)})
    intro, second = tl.lines
    assert intro.start == pytest.approx(FIRST_LINE_AT)
    assert intro.end == pytest.approx(FIRST_LINE_AT + 4.5)  # speech span of a 5 s file: 0.2 .. 4.7
    assert second.start == pytest.approx(intro.end + 0.6)
    assert intro.audio_start == pytest.approx(intro.start - 0.2)


def test_marks_come_from_the_timing_and_cues_follow_them() -> None:
    tl = compile(scene(), "zh", {"intro": recorded(5.0, marks={"boat": 2.2}), "second": recorded(3.0)})
    boat_mark = tl.lines[0].marks["boat"]
    assert boat_mark == pytest.approx(tl.lines[0].audio_start + 2.2)
    drift = tl.cues[0]
    assert drift.start == pytest.approx(boat_mark)
    assert drift.end == pytest.approx(boat_mark + 4)


def test_times_resolve_per_language() -> None:
    timings = {
        "zh": {"intro": recorded(6.0, marks={"boat": 3.0}), "second": recorded(2.0)},
        "en": {"intro": recorded(4.0, marks={"boat": 1.0}), "second": recorded(2.5)},
    }
    zh = compile(scene(), "zh", timings["zh"])
    en = compile(scene(), "en", timings["en"])
    assert zh.cues[0].start != pytest.approx(en.cues[0].start)
    for tl, t in ((zh, timings["zh"]), (en, timings["en"])):
        assert tl.cues[0].start == pytest.approx(tl.lines[0].audio_start + t["intro"].marks["boat"])
        assert tl.cues[1].start == pytest.approx(tl.lines[1].start)


def test_re_recorded_longer_narration_keeps_anchored_cues_on_their_words() -> None:
    short = {"intro": recorded(4.0, marks={"boat": 2.0}), "second": recorded(2.0)}
    longer = {"intro": recorded(7.5, marks={"boat": 4.1}), "second": recorded(2.0)}
    a = compile(scene(), "zh", short)
    b = compile(scene(), "zh", longer)
    for tl, timing in ((a, short), (b, longer)):
        word_time = tl.lines[0].audio_start + timing["intro"].marks["boat"]
        assert tl.cues[0].start == pytest.approx(word_time)  # the boat moves on the word "boat"
        assert tl.cues[1].start == pytest.approx(tl.lines[1].start)  # the slogan on the second line
        assert tl.state(word_time - 0.01).objects["boat"].pos == (0.0, 0.0, 0.0)
        assert tl.state(word_time + 4.0).objects["boat"].pos == pytest.approx((10.0, 0.0, 0.0))
    assert b.cues[0].start - a.cues[0].start == pytest.approx(2.1)
    assert b.duration > a.duration


def test_auto_duration_is_last_end_plus_three_seconds() -> None:
    tl = compile(scene(), "zh", {"intro": recorded(5.0), "second": recorded(3.0)})
    last = max([ln.end for ln in tl.lines] + [c.end for c in tl.cues])
    assert tl.duration == pytest.approx(last + AUTO_TAIL)


def test_times_anchored_to_scene_end_are_placed_from_it() -> None:
    s = scene(cues=[{"at": "scene.end - 2", "do": "fade", "to": "black", "duration": 2}])
    tl = compile(s, "zh", {"intro": recorded(5.0), "second": recorded(3.0)})
    assert tl.cues[0].start == pytest.approx(tl.duration - 2)
    assert tl.duration == pytest.approx(tl.lines[1].end + AUTO_TAIL)


def test_explicit_duration_and_clock_times() -> None:
    s = scene(duration="2:00", cues=[{"at": "1:30.5", "do": "fade", "to": "black"}])
    tl = compile(s, "en")
    assert tl.duration == 120.0
    assert tl.cues[0].start == 90.5


def test_cycle_is_reported_naming_every_member() -> None:
    s = scene(
        narration=[
            {"id": "a", "at": "b.end", "text": "一"},
            {"id": "b", "at": "c.start", "text": "二"},
            {"id": "c", "at": "a.end + 1", "text": "三"},
        ],
        cues=[],
        camera={"keys": [{"at": 0, "pos": [0, 0, 0]}]},
    )
    timeline, diags = compile_scene(s, "zh")
    assert timeline is None
    messages = [d.message for d in diags if "cycle" in d.message]
    assert len(messages) == 1
    for name in ("a.", "b.", "c."):
        assert name in messages[0]
    with pytest.raises(ContentError):
        compile(s, "zh")


def test_a_cue_referring_to_itself_through_another_cue_is_a_cycle() -> None:
    s = scene(
        cues=[
            {"id": "x", "at": "y.end", "do": "fade", "to": "black"},
            {"id": "y", "at": "x.start", "do": "fade", "to": "clear"},
        ]
    )
    _, diags = compile_scene(s, "zh")
    assert any("reference cycle: x.start -> y.start -> x.start" in d.message for d in diags)


def test_time_before_zero_and_after_end_are_errors() -> None:
    s = scene(
        duration=20,
        cues=[{"at": "intro.start - 5", "do": "fade", "to": "black"}, {"at": 25, "do": "fade", "to": "clear"}],
    )
    _, diags = compile_scene(s, "en", {"intro": recorded(3.0), "second": recorded(3.0)})
    texts = [d.message for d in diags]
    assert any("before the scene starts" in t for t in texts)
    assert any("after the scene ends at 20.00 s" in t for t in texts)


def test_overlapping_lines_name_both() -> None:
    s = scene(
        narration=[
            {"id": "one", "text": "第一句话很长很长很长。"},
            {"id": "two", "at": "one.start + 1", "text": "第二句。"},
        ],
        cues=[],
        camera={"keys": [{"at": 0, "pos": [0, 0, 0]}]},
    )
    _, diags = compile_scene(s, "zh", {"one": recorded(5.0)})
    overlap = [d.message for d in diags if "overlap" in d.message]
    assert overlap and "'one'" in overlap[0] and "'two'" in overlap[0]


def test_camera_keys_out_of_order_are_an_error() -> None:
    s = scene(camera={"keys": [{"at": 10, "pos": [0, 0, 0]}, {"at": 5, "pos": [1, 0, 0]}]})
    _, diags = compile_scene(s, "zh")
    assert any("camera key 2 at 5.00 s comes before key 1 at 10.00 s" in d.message for d in diags)


def test_lines_without_measured_timing_use_the_reading_speed_estimate() -> None:
    tl = compile(scene(), "en")
    words = len("In July 1921 the delegates boarded a boat.".split())
    assert tl.lines[0].source == "estimate"
    assert 0.8 * words / 2.6 < tl.lines[0].end - tl.lines[0].start < 1.5 * words / 2.6 + 1
