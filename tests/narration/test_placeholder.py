"""The placeholder voice really speaks Mandarin and English, at a plausible pace."""

from __future__ import annotations

import re

import pytest

from exhibit.narration.analysis import speech_span
from exhibit.narration.placeholder import Espeak, Voice, find_espeak, voice_for
from exhibit.narration.spoken import spoken_text
from tests.narration.conftest import requires_espeak

pytestmark = requires_espeak

TEXT_ZH = "中国共产党第一次全国代表大会"  # 14 characters = 14 syllables
PINYIN = "zhong1 guo2 gong4 chan3 dang3 di4 yi1 ci4 quan2 guo2 dai4 biao3 da4 hui4"


@pytest.fixture(scope="module")
def espeak() -> Espeak:
    found = find_espeak()
    assert found is not None
    return found


def test_mandarin_voice_reads_characters_with_mandarin_rules(espeak: Espeak) -> None:
    trace = espeak.phonemes(TEXT_ZH, voice_for("zh"))
    assert voice_for("zh").name == "cmn-latn-pinyin"
    assert "(en)" not in trace  # no switch to English letter rules
    # One tone per character: Chao tone numbers (55, 35, 21(4), 51) mark each syllable.
    assert len(re.findall(r"\d{2,3}", trace)) == len(TEXT_ZH)


def test_plain_cmn_voice_would_spell_chinese_as_english(espeak: Espeak) -> None:
    # Why the Mandarin voice is cmn-latn-pinyin: Debian's cmn switches to English for Chinese text.
    assert "(en)" in espeak.phonemes(TEXT_ZH, Voice("cmn", 175))


def test_characters_sound_like_the_same_text_in_pinyin(espeak: Espeak) -> None:
    voice = voice_for("zh")
    from_characters = espeak.synthesize(TEXT_ZH, voice)
    from_pinyin = espeak.synthesize(PINYIN, voice)
    a, b = speech_span(from_characters), speech_span(from_pinyin)
    chars_seconds, pinyin_seconds = a[1] - a[0], b[1] - b[0]
    # 14 syllables at a narrator's 2.5 to 6 syllables per second ...
    assert 14 / 6 < chars_seconds < 14 / 2.5
    # ... and as long as the pinyin reading of the same syllables.
    assert abs(chars_seconds - pinyin_seconds) / pinyin_seconds < 0.2


def test_years_reach_the_voice_digit_by_digit(espeak: Espeak) -> None:
    voice = voice_for("zh")
    said = espeak.phonemes(spoken_text("1921年", "zh"), voice)
    assert said == espeak.phonemes("一九二一年", voice)
    assert said != espeak.phonemes("一千九百二十一年", voice)


def test_english_voice_speaks_at_a_plausible_pace(espeak: Espeak) -> None:
    text = "The delegates met on a boat on South Lake."  # 9 words, 11 syllables
    clip = espeak.synthesize(text, voice_for("en"))
    start, end = speech_span(clip)
    assert 9 / 4.5 < end - start < 9 / 1.5
    assert "(" not in espeak.phonemes(text, voice_for("en"))  # no language switch


def test_engine_version_is_part_of_the_voice_identity(espeak: Espeak) -> None:
    assert re.match(r"espeak-ng \d+\.\d+", espeak.engine)
