"""Korean captions: at most 16 characters a line, broken between words (at spaces)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from exhibit.preflight.captions import KO_MAX_CPS
from exhibit.timeline.captions import KO_LINE_CHARS, split_caption_text, spoken_weight, time_captions

KO = (
    "1921년 7월 23일, 중국공산당 제1차 전국대표대회가 상하이에서 열렸습니다. "
    "대회의 마지막 날, 회의는 저장성 자싱 남호의 유람선 위로 옮겨 계속되었습니다."
)


def _lines(text: str) -> list[str]:
    return [line for piece in split_caption_text(text) for line in piece.text.split("\n")]


def test_korean_lines_keep_16_characters_and_break_only_between_words() -> None:
    lines = _lines(KO)
    assert all(0 < len(line) <= KO_LINE_CHARS for line in lines), lines
    words = KO.split()
    assert " ".join(lines).split() == words  # every word kept whole, in order
    assert max(len(line) for line in lines) > 10  # the lines are filled, not one word each


SYLLABLES = "가나다라마바사아자차카타파하한국남호배대회"


@settings(max_examples=100, deadline=None)
@given(st.lists(st.text(alphabet=SYLLABLES, min_size=1, max_size=6), min_size=1, max_size=20))
def test_any_korean_text_keeps_its_words_within_the_line_limit(words: list[str]) -> None:
    text = " ".join(words) + "."
    lines = _lines(text)
    assert " ".join(lines).rstrip(".").split() == words
    assert all(len(line) <= KO_LINE_CHARS for line in lines)


def test_korean_captions_share_the_speech_by_syllables_not_by_digits() -> None:
    # Spoken at the placeholder's pace (about 4.7 characters a second), every caption of a
    # Korean line reads at about that pace too: a piece without digits is not squeezed into
    # a moment while the one with the date keeps the rest of the line's time.
    speech = len(KO) / 4.7
    timed = time_captions(split_caption_text(KO), 10.0, 10.0 + speech)
    assert len(timed) >= 3
    for start, end, text in timed:
        rate = len(text.replace("\n", " ")) / (end - start)
        assert rate < KO_MAX_CPS, (text, round(end - start, 2))
    assert spoken_weight("중국공산당") == 5
    assert spoken_weight("1921년") == 5
