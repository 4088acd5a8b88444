"""Music envelopes: fades and ducking under the voice, by the numbers of the narration contract."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from exhibit.spec.scene import Music
from exhibit.timeline.music import (
    DuckEnvelope,
    _interp,
    fade_factor,
    fade_points,
    music_gain_db,
)


def test_the_dip_starts_150_ms_before_speech_and_takes_250_ms() -> None:
    duck = DuckEnvelope([(10.0, 14.0)])
    assert duck.depth(9.85) == 0.0
    assert duck.depth(9.85 + 0.125) == pytest.approx(0.5)
    assert duck.depth(10.1) == pytest.approx(1.0)
    assert duck.depth(12.0) == 1.0


def test_release_takes_700_ms_after_speech() -> None:
    duck = DuckEnvelope([(10.0, 14.0)])
    assert duck.depth(14.0) == 1.0
    assert duck.depth(14.35) == pytest.approx(0.5)
    assert duck.depth(14.7) == pytest.approx(0.0)
    assert duck.depth(20.0) == 0.0


def test_pauses_under_one_second_do_not_release() -> None:
    duck = DuckEnvelope([(10.0, 12.0), (12.9, 15.0)])
    assert duck.spans == [(10.0, 15.0)]
    assert min(duck.depth(12.0 + k * 0.05) for k in range(19)) == 1.0


def test_longer_pauses_release_and_dip_again() -> None:
    duck = DuckEnvelope([(10.0, 12.0), (13.2, 15.0)])
    assert duck.spans == [(10.0, 12.0), (13.2, 15.0)]
    assert duck.depth(12.8) == 0.0  # released by 12.7, the next dip starts at 13.05
    assert duck.depth(13.2) == pytest.approx(0.6)


def test_a_very_short_sound_dips_part_way_and_comes_back_smoothly() -> None:
    duck = DuckEnvelope([(10.0, 10.05)])  # shorter than the attack
    peak = duck.depth(10.05)
    assert peak == pytest.approx(0.8)
    assert duck.depth(10.06) < peak and duck.depth(10.05 + 0.7 * 0.8) == pytest.approx(0.0)


@given(st.lists(st.tuples(st.floats(0, 100), st.floats(0.05, 8)), max_size=8), st.floats(-5, 120))
def test_breakpoints_describe_the_same_envelope(spans: list[tuple[float, float]], t: float) -> None:
    duck = DuckEnvelope([(a, a + d) for a, d in spans])
    points = duck.points()
    assert [p[0] for p in points] == sorted(p[0] for p in points)
    assert _interp(points, [p[0] for p in points], t) == pytest.approx(duck.depth(t), abs=1e-9)
    assert 0.0 <= duck.depth(t) <= 1.0


FADES = st.one_of(st.just(0.0), st.floats(0.01, 10))  # seconds, as written in a scene


@given(st.floats(0, 50), st.floats(0.1, 60), FADES, FADES, st.floats(0, 1))
def test_fade_points_match_fade_factor(
    start: float, length: float, fade_in: float, fade_out: float, where: float
) -> None:
    end = start + length
    t = start + where * length * 0.999
    points = fade_points(start, end, fade_in, fade_out)
    assert _interp(points, [p[0] for p in points], t) == pytest.approx(
        fade_factor(start, end, fade_in, fade_out, t), abs=1e-6
    )


def test_gain_combines_level_fades_and_ducking() -> None:
    music = Music(file="a.wav", gain=-14, fade_in=4, fade_out=4, duck=-10)
    duck = DuckEnvelope([(10.0, 14.0)])
    assert music_gain_db(music, 0.0, 60.0, 2.0, duck) == pytest.approx(-14 + 20 * math.log10(0.5))
    assert music_gain_db(music, 0.0, 60.0, 12.0, duck) == pytest.approx(-24.0)
    assert music_gain_db(music, 0.0, 60.0, 30.0, duck) == pytest.approx(-14.0)
    assert music_gain_db(music, 0.0, 60.0, 60.0, duck) == -120.0
