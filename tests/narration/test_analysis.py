"""A voice file's speech span and bookmark times."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from exhibit.narration.analysis import line_timing, read_sidecar, sidecar_path, speech_span
from exhibit.narration.clip import Clip
from exhibit.spec.errors import ExhibitError
from tests.narration.conftest import RATE, silence, syllables, tone


def test_speech_span_leaves_out_leading_and_trailing_silence() -> None:
    clip = Clip.of(np.concatenate([silence(0.42), syllables(1.3), silence(0.61)]), RATE)
    start, end = speech_span(clip)
    assert start == pytest.approx(0.42, abs=0.011)
    assert end == pytest.approx(1.72, abs=0.011)


def test_room_tone_and_a_click_do_not_count_as_speech() -> None:
    rng = np.random.default_rng(1)
    hiss = rng.normal(0, 10 ** (-65 / 20), round(2.5 * RATE))  # a quiet booth, -65 dBFS
    voice = np.concatenate([silence(0.8), syllables(1.0), silence(0.7)])
    click = np.zeros_like(voice)
    click[round(0.2 * RATE) : round(0.2 * RATE) + 48] = 0.5  # 1 ms click before the voice
    start, end = speech_span(Clip.of(hiss + voice + click, RATE))
    assert start == pytest.approx(0.8, abs=0.011)
    assert end == pytest.approx(1.8, abs=0.011)


def test_silence_has_no_span() -> None:
    assert speech_span(Clip.silence(1.0)) == (0.0, 0.0)


def test_marks_fall_at_their_share_of_the_spoken_text() -> None:
    # Four words, the mark before the third: half-way through the speech span.
    timing = line_timing(3.0, (0.5, 2.5), "one two {mark:m}three four", "en", "recording")
    assert timing.marks["m"] == pytest.approx(1.5)
    assert (timing.speech_start, timing.speech_end, timing.duration) == (0.5, 2.5, 3.0)


def test_chinese_marks_weigh_years_as_they_are_read() -> None:
    # 1921年 is read 一九二一年: five syllables, then the mark, then five more characters.
    timing = line_timing(2.0, (0.0, 2.0), "1921年{mark:m}代表们到了", "zh", "recording")
    assert timing.marks["m"] == pytest.approx(1.0)


def test_sidecar_marks_override_the_estimate(tmp_path: Path) -> None:
    audio = tmp_path / "intro.wav"
    side = sidecar_path(audio)
    assert side.name == "intro.marks.json"
    side.write_text(json.dumps({"m": 2.25}), encoding="utf-8")
    timing = line_timing(
        3.0,
        (0.5, 2.5),
        "one two {mark:m}three four {mark:n}five",
        "en",
        "recording",
        read_sidecar(side),
    )
    assert timing.marks["m"] == 2.25
    assert timing.marks["n"] == pytest.approx(0.5 + 2.0 * 4 / 5)  # not in the file: from its share


def test_sidecar_also_accepts_a_marks_object(tmp_path: Path) -> None:
    side = tmp_path / "a.marks.json"
    side.write_text('{"marks": {"boat": 1.5}}', encoding="utf-8")
    assert read_sidecar(side) == {"boat": 1.5}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"boat": 1.5,}', r"a\.marks\.json:1:14: not valid JSON"),
        ("[1, 2]", "must hold a JSON object"),
        ('{"boat": -1}', "mark 'boat' must be a number of seconds"),
        ('{"boat": "3s"}', "mark 'boat' must be a number of seconds"),
    ],
)
def test_broken_sidecars_are_reported_with_the_file(
    tmp_path: Path, content: str, message: str
) -> None:
    side = tmp_path / "a.marks.json"
    side.write_text(content, encoding="utf-8")
    with pytest.raises(ExhibitError, match=message):
        read_sidecar(side)


def test_sidecar_marks_must_exist_in_the_text_and_the_audio() -> None:
    with pytest.raises(
        ExhibitError, match=r"mark 'bot' is not in the line's text \(its marks: boat\)"
    ):
        line_timing(3.0, (0.5, 2.5), "a {mark:boat}b", "en", "recording", {"bot": 1.0})
    with pytest.raises(
        ExhibitError, match=r"mark 'boat' at 3\.500 s is after the end of the audio"
    ):
        line_timing(3.0, (0.5, 2.5), "a {mark:boat}b", "en", "recording", {"boat": 3.5})


def test_a_pure_tone_file_is_all_speech() -> None:
    start, end = speech_span(Clip.of(tone(440, 1.0), RATE))
    assert start == 0.0 and end == pytest.approx(1.0, abs=0.011)
