"""Line breaking and fitting for panels and kiosks: Chinese by its rules, Latin by words."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from exhibit.render.typeset import break_lines, fit_lines
from exhibit.timeline.captions import CLOSING, OPENING


def advance(token: str) -> float:
    """Full-width CJK characters 1 unit, everything else half."""
    return sum(1.0 if ord(c) >= 0x2E80 else 0.5 for c in token)


EXPLANATION = "解析：遵义会议（1935年）、中共青岛市委重新建立（1937年）和会宁会师（1936年）都在1930年代。"


def test_a_line_never_starts_with_closing_or_ends_with_opening_punctuation():
    for width in range(6, 30):
        lines = break_lines(EXPLANATION, width, advance)
        assert "".join(lines) == EXPLANATION
        assert all(line and line[0] not in CLOSING for line in lines), (width, lines)
        assert all(line[-1] not in OPENING for line in lines), (width, lines)


def test_numbers_and_latin_words_stay_whole():
    lines = break_lines("会议于1935年1月在遵义召开，Zunyi Conference。", 9, advance)
    assert any("1935年" in line or line.startswith("1935") for line in lines)
    assert not any(line.endswith(("19", "193")) for line in lines)
    english = break_lines("The Zunyi Conference (January 1935) met in Guizhou", 12, advance)
    assert english == ["The Zunyi Conference", "(January 1935) met in", "Guizhou"]


def test_a_word_wider_than_the_line_is_cut_and_explicit_breaks_are_kept():
    assert break_lines("Supercalifragilistic ok", 4, advance) == ["Supercal", "ifragili", "stic ok"]
    assert break_lines("回答错误\n正确答案：CDE", 20, advance) == ["回答错误", "正确答案：CDE"]


def test_text_too_tall_for_its_box_is_set_smaller_down_to_a_floor():
    roomy = fit_lines(EXPLANATION, 40.0, 10.0, 1.0, advance, 1.2)
    assert roomy.scale == 1.0 and len(roomy.lines) == 2
    tight = fit_lines(EXPLANATION, 20.0, 3.0, 1.0, advance, 1.2)
    assert tight.scale < 1.0
    assert ((len(tight.lines) - 1) * 1.2 + 1.0) * tight.scale <= 3.0
    assert max(advance(line) for line in tight.lines) * tight.scale <= 20.0 + 1.0 * tight.scale
    floor = fit_lines(EXPLANATION * 5, 20.0, 1.0, 1.0, advance, 1.2, smallest=0.6)
    assert floor.scale == 0.6  # never smaller than the floor, even when it still overflows


pieces = st.lists(
    st.sampled_from(["浮山后", "支部", "，", "。", "（", "）", "1926年", " ", "the", "Branch", "“", "”", "、"]),
    max_size=40,
)


@settings(max_examples=300, deadline=None)
@given(pieces, st.integers(min_value=3, max_value=25))
def test_any_text_breaks_by_the_rules(parts: list[str], width: int):
    text = "".join(parts)
    lines = break_lines(text, width, advance)
    assert "".join(text.split()) == "".join("".join(lines).split())  # nothing lost or added
    for line in lines:
        if not line:
            continue
        assert line[0] not in CLOSING or line == lines[0]
        assert line == line.strip()
        # too wide only by closing punctuation kept at its end, or a single word cut to fit
        core = line.rstrip(CLOSING + " ")
        assert advance(core) <= width or " " not in core and len(core) <= 2 * width


KOREAN = "쭌이 회의는 “사실상 당 중앙과 홍군에서 마오쩌둥의 지도적 지위를 확립”했습니다. 『전국 진군 명령』을 내렸다."


def test_korean_breaks_only_between_words_keeping_quotes_and_particles_on_their_word():
    words = KOREAN.split(" ")
    for width in range(8, 40):  # the widest word, "확립”했습니다.", is 7.5
        lines = break_lines(KOREAN, width, advance)
        # "확립”했습니다." and "명령』을" are single words: the particle never starts a line
        assert " ".join(lines) == KOREAN, (width, lines)
        for line in lines:
            assert all(w in words for w in line.split(" ")), (width, line)
            assert line[0] not in CLOSING and line[-1] not in OPENING, (width, line)


korean_words = st.lists(
    st.tuples(
        st.sampled_from(["", "“", "『", "("]),
        st.sampled_from(["쭌이", "회의는", "마오쩌둥의", "확립", "1935년", "대장정"]),
        st.sampled_from(["", "”", "』", ")", ".", ",", "”했다.", "』을", "을"]),
    ).map("".join),
    min_size=1,
    max_size=20,
)


@settings(max_examples=300, deadline=None)
@given(korean_words, st.integers(min_value=3, max_value=25))
def test_any_korean_text_breaks_at_spaces_only(words: list[str], width: int):
    text = " ".join(words)
    lines = break_lines(text, width, advance)
    wide = [w for w in words if advance(w) > width]
    for line in lines:
        parts = line.split(" ")
        for i, part in enumerate(parts):
            # whole words, but for the pieces of a word wider than the line, at either end of a line
            cut = i in (0, len(parts) - 1) and any(part in w for w in wide)
            assert part in words or cut, (text, width, lines)
