"""Japanese captions (text with kana): at most 13 characters a line, the rule the caption
layout and preflight's line check share."""

from __future__ import annotations

from exhibit.timeline.captions import JA_LINE_CHARS, line_limit, split_caption_text

JA = (
    "一九二一年七月、中国共産党の第一回全国代表大会が上海で開かれました。"
    "最終日、会議は嘉興の南湖に浮かぶ遊覧船の上に移されました。"
)


def test_japanese_lines_keep_13_characters_and_lose_none() -> None:
    lines = [line for piece in split_caption_text(JA) for line in piece.text.split("\n")]
    assert line_limit(JA) == JA_LINE_CHARS
    assert all(0 < len(line) <= JA_LINE_CHARS for line in lines), lines
    assert "".join(lines).replace("。", "").replace("、", "") == JA.replace("。", "").replace("、", "")


def test_chinese_and_korean_keep_their_own_limits() -> None:
    assert line_limit("中国共产党第一次全国代表大会") == 16
    assert line_limit("중국공산당 제1차 전국대표대회") == 16
    assert line_limit("The First National Congress") == 42
