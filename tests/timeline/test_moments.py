"""Moments of a compiled timeline: a typed time (``--at intro.end + 2``), the same moment in
another language, the sound of an event, show time as a person reads it."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from exhibit.spec.errors import ExhibitError
from exhibit.timeline.clock import clock_text
from exhibit.timeline.compile import compile
from tests.timeline.scenes import recorded, scene

TIMINGS = {"intro": recorded(5.0, marks={"boat": 2.2}), "second": recorded(3.0)}
TIMELINE = compile(scene(), "zh", TIMINGS)


def test_a_typed_time_is_what_the_compiler_made_of_the_same_words() -> None:
    tl = TIMELINE
    for tc in tl.cues:  # "intro@boat", "second.start", "intro.start", "drift.end", "second.end + 1"
        assert tl.at(str(tc.cue.at)) == pytest.approx(tc.start)
    assert tl.at("drift.start") == pytest.approx(tl.cues[0].start)
    assert tl.at("scene.end") == tl.duration
    assert tl.at("scene.start") == 0.0
    assert tl.at("0:01.5") == 1.5
    assert tl.at(2) == 2.0


@given(st.sampled_from(["intro.start", "intro.end", "second.end", "intro@boat", "drift.end"]),
       st.integers(min_value=-900, max_value=900))
def test_an_offset_moves_a_reference_by_exactly_that_much(name: str, ms: int) -> None:
    text = f"{name} {'+' if ms >= 0 else '-'} {abs(ms)}ms"
    assert TIMELINE.at(text) == pytest.approx(TIMELINE.at(name) + ms / 1000, abs=1e-9)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("intro@bot", "--at 'intro@bot': line 'intro' has no mark 'bot' (did you mean 'boat'?)"),
        ("intr.end", "--at 'intr.end': no narration line or cue 'intr' (did you mean 'intro'?)"),
        ("drfit.start", "--at 'drfit.start': no narration line or cue 'drfit' (did you mean 'drift'?)"),
        ("secnd@boat", "--at 'secnd@boat': no narration line 'secnd' (did you mean 'second'?)"),
        ("intro.ned", "--at 'intro.ned': after 'intro.' write 'start' or 'end' (did you mean 'end'?)"),
    ],
)
def test_a_time_that_names_nothing_says_what_was_meant(text: str, message: str) -> None:
    with pytest.raises(ExhibitError) as err:
        TIMELINE.at(text, "--at")
    assert str(err.value) == message


def test_a_time_outside_the_scene_says_where_the_scene_ends() -> None:
    with pytest.raises(ExhibitError) as err:
        TIMELINE.at("scene.end + 5", "--from")
    assert str(err.value) == (
        f"--from 'scene.end + 5' is {TIMELINE.duration + 5:.2f} s, outside the scene "
        f"(0 to {TIMELINE.duration:.2f} s in zh)"
    )


def test_the_same_moment_in_another_language_is_the_same_share_of_the_same_line() -> None:
    en = compile(scene(), "en", {"intro": recorded(3.0), "second": recorded(6.0)})
    zh = TIMELINE
    line, other = zh.lines[1], en.lines[1]
    t = line.start + 0.25 * (line.end - line.start)
    assert en.same_moment(zh, t) == pytest.approx(other.start + 0.25 * (other.end - other.start))
    gap = (zh.lines[0].end + zh.lines[1].start) / 2  # half way between the lines
    assert en.same_moment(zh, gap) == pytest.approx((en.lines[0].end + en.lines[1].start) / 2)
    assert en.same_moment(zh, 0.0) == 0.0
    assert en.same_moment(zh, zh.duration) == pytest.approx(en.duration)


def test_a_sound_event_names_its_file_gain_and_object() -> None:
    tl = compile(scene(sounds=[{"at": "intro.end", "file": "audio/sounds/bell.wav", "gain": -6, "follow": "boat"}]),
                 "zh", TIMINGS)
    sounds = [e for e in tl.events(-1.0, tl.duration) if e.kind == "sound"]
    assert [tl.sound_of(e) for e in sounds] == [
        ("audio/sounds/bell.wav", -6.0, "boat"),
        ("audio/sounds/x.wav", 0.0, None),
    ]
    assert tl.sound_of(next(e for e in tl.events(-1.0, tl.duration) if e.kind == "effect")) is None


def test_show_time_reads_as_minutes_and_tenths() -> None:
    shown = [clock_text(t) for t in (0.0, 1.04, 62.5, 600.0, -3.0)]
    assert shown == ["0:00.0", "0:01.0", "1:02.5", "10:00.0", "0:00.0"]
