"""Caption layout: one caption per sentence or clause, two lines at most, readable timing."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from exhibit.timeline.captions import (
    MAX_SECONDS,
    MIN_GAP,
    MIN_SECONDS,
    CaptionText,
    layout,
    settle,
    split_caption_text,
    time_captions,
)

ZH_PUNCT_DROPPED = "，、；：。"


def _lines(pieces: list[CaptionText]) -> list[list[str]]:
    return [p.text.split("\n") for p in pieces]


def _check_zh(pieces: list[CaptionText], particles: bool = True) -> None:
    for lines in _lines(pieces):
        assert 1 <= len(lines) <= 2, lines
        for line in lines:
            assert 0 < len(line) <= 16, line
            assert line[0] not in "，。、；：！？」』）》”", line  # never starts with closing punctuation
            if particles:
                assert line[0] not in "了着过的", line  # nor with a particle of the word before
            assert line[-1] not in ZH_PUNCT_DROPPED, line  # dropped at the end of a line


def test_each_chinese_sentence_is_its_own_caption() -> None:
    pieces = split_caption_text("夜色中，村庄很安静。小巷里只有一扇窗还亮着。")
    assert [p.text for p in pieces] == ["夜色中，村庄很安静", "小巷里只有一扇窗还亮着"]


def test_a_long_chinese_sentence_breaks_at_clauses_into_two_balanced_lines() -> None:
    pieces = split_caption_text("课桌与黑板之间，青岛党组织的工作继续进行。")
    assert [p.text for p in pieces] == ["课桌与黑板之间\n青岛党组织的工作继续进行"]


def test_chinese_lines_never_split_a_number_from_its_unit() -> None:
    text = "1921年7月23日，中国共产党第一次全国代表大会在上海开幕。"
    pieces = split_caption_text(text)
    _check_zh(pieces)
    joined = "".join("".join(lines) for lines in _lines(pieces))
    assert "1921年" in joined and "7月" in joined and "23日" in joined
    for lines in _lines(pieces):
        for line in lines:
            assert not re.search(r"\d$", line) or line.endswith("日")  # no line ends inside 1921|年


def test_a_chinese_line_breaks_before_a_phrase_rather_than_inside_a_word() -> None:
    lines = layout("中国共产党第一次全国代表大会在上海开幕")
    assert lines is not None and "".join(lines) == "中国共产党第一次全国代表大会在上海开幕"
    assert lines[1][0] in "第在"  # before a prefix or a preposition, not inside 共产党 or 代表大会


def test_english_captions_keep_42_characters_a_line_and_break_at_phrases() -> None:
    text = (
        "From the departure in October 1934 to the meeting of the three main forces "
        "in October 1936, the Long March crossed snow mountains and grasslands."
    )
    pieces = split_caption_text(text)
    for lines in _lines(pieces):
        assert len(lines) <= 2 and all(len(line) <= 42 for line in lines)
        assert lines[-1].split()[-1].lower() not in ("the", "of", "a")
    assert " ".join(" ".join(lines) for lines in _lines(pieces)) == text


CJK = "党的组织第一次在青岛乡村扎下了根中国共产党代表大会南湖游船红军长征雪山草地"


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.text(alphabet=CJK, min_size=1, max_size=30),
            st.sampled_from(["，", "。", "、", "！", "？", ""]),
        ),
        min_size=1,
        max_size=8,
    )
)
def test_any_chinese_text_fits_the_rules_and_loses_no_words(parts: list[tuple[str, str]]) -> None:
    text = "".join(a + b for a, b in parts)
    pieces = split_caption_text(text)
    _check_zh(pieces, particles=False)  # random text may put a particle right after a comma
    said = "".join(ch for ch in text if ch in CJK)
    shown = "".join(ch for p in pieces for ch in p.text if ch in CJK)
    assert shown == said


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.text(alphabet="abcdefghij", min_size=1, max_size=14), min_size=1, max_size=40),
    st.floats(0.5, 40),
)
def test_timed_english_captions_stay_between_083_and_7_seconds(words: list[str], seconds: float) -> None:
    text = " ".join(words) + "."
    scene_end = 1.0 + seconds + 3.0
    timed = settle(
        [(s, e, t) for s, e, t in time_captions(split_caption_text(text), 1.0, 1.0 + seconds)],
        scene_end,
    )
    for i, (start, end, caption) in enumerate(timed):
        assert all(len(line) <= 42 for line in caption.split("\n")) and caption.count("\n") <= 1
        # the scene's end cuts a caption pushed up against it (never past the scene), else
        # each stays at least the minimum
        shortest = 0.0 if abs(end - scene_end) < 1e-9 else MIN_SECONDS
        assert shortest - 1e-9 <= end - start <= MAX_SECONDS + 1e-9
        assert end > start
        if i:
            assert start - timed[i - 1][1] >= MIN_GAP - 1e-9


def test_a_caption_too_long_to_stay_up_is_cut_at_its_line_break() -> None:
    pieces = split_caption_text("这是我们再现的画面：灰蓝色的身影，红色的旗帜，在雪坡上缓缓移动。")
    spread = time_captions(pieces, 0.0, 12.0)  # spoken slowly: 12 s
    assert all(end - start <= MAX_SECONDS for start, end, _ in spread)
    assert len(spread) > len(pieces)


def test_a_caption_too_short_to_read_is_joined_to_its_neighbour() -> None:
    pieces = split_caption_text("好。我们出发吧。")
    assert len(pieces) == 2
    spread = time_captions(pieces, 0.0, 1.2)
    assert [t for _, _, t in spread] == ["好。我们出发吧"]


def test_settle_keeps_gaps_and_limits_on_whole_milliseconds() -> None:
    raw = [(1.0, 1.3, "a", "l1"), (1.31, 9.5, "b", "l1"), (9.52, 10.0, "c", "l2")]
    settled = settle(raw, 20.0)
    # a: stretched to 0.83 s; b: pushed two frames after a, cut at 7 s; c: stretched to 0.83 s
    assert settled == [(1.0, 1.83, "a", "l1"), (1.91, 8.91, "b", "l1"), (9.52, 10.35, "c", "l2")]
    for value in (x for cap in settled for x in cap[:2]):
        assert value == pytest.approx(round(value, 3), abs=1e-12)


def test_settle_never_runs_past_the_scene() -> None:
    assert settle([(9.6, 9.9, "end")], 10.0) == [(9.6, 10.0, "end")]


@pytest.mark.parametrize("words", [8_000, 16_000])
def test_splitting_a_very_long_line_takes_linear_time(words: int) -> None:
    """8,000 words in one line took 25 s and 16,000 more than a minute (quadratic)."""
    import time

    text = " ".join(["word"] * words) + "."
    started = time.perf_counter()
    pieces = split_caption_text(text)
    timed = time_captions(pieces, 0.0, words * 0.3)
    assert time.perf_counter() - started < 5.0
    assert " ".join(t.replace("\n", " ") for _, _, t in timed) == text.rstrip(".") + "."
    assert all(len(line) <= 42 for _, _, t in timed for line in t.split("\n"))
