"""Time expressions: what the scene format's grammar means, and nothing but located errors.

Valid expressions are generated from the grammar and must parse to the value they
denote, and print back to text that parses to the same expression. Any other text
must raise :class:`TimeSyntaxError` (never another exception), with a column that
lies inside the text.
"""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from exhibit.spec.timeexpr import (
    MarkRef,
    Ref,
    SceneRef,
    Seconds,
    TimeExpr,
    TimeSyntaxError,
    parse_time,
)

NAMES = st.from_regex(r"[a-z][a-z0-9_]{0,11}", fullmatch=True).filter(lambda n: n != "scene")


@st.composite
def expressions(draw: st.DrawFn) -> tuple[str, object, float]:
    """(text, the term it denotes, the constant offset)."""
    kind = draw(st.sampled_from(["seconds", "clock", "scene", "ref", "mark"]))
    term: object
    if kind == "seconds":
        whole = draw(st.integers(min_value=0, max_value=14_399))  # a scene lasts at most 4 h
        frac = draw(st.sampled_from(["", ".5", ".25", ".125", ".0"]))
        unit = draw(st.sampled_from(["", "s"]))
        text = f"{whole}{frac}{unit}"
        term = Seconds(float(f"{whole}{frac}"))
    elif kind == "clock":
        hours = draw(st.one_of(st.none(), st.integers(min_value=0, max_value=3)))  # scenes last at most 4 h
        minutes = draw(st.integers(min_value=0, max_value=59))
        seconds = draw(st.integers(min_value=0, max_value=59))
        frac = draw(st.sampled_from(["", ".5", ".25"]))
        text = (
            f"{hours}:{minutes:02d}" if hours is not None else f"{minutes}"
        ) + f":{seconds:02d}{frac}"
        term = Seconds(
            (hours or 0) * 3600 + minutes * 60 + seconds + float(f"0{frac}" if frac else 0)
        )
    elif kind == "scene":
        edge = draw(st.sampled_from(["start", "end"]))
        text, term = f"scene.{edge}", SceneRef(edge)  # type: ignore[arg-type]
    elif kind == "ref":
        name, edge = draw(NAMES), draw(st.sampled_from(["start", "end"]))
        text, term = f"{name}.{edge}", Ref(name, edge)  # type: ignore[arg-type]
    else:
        line, mark = draw(NAMES), draw(NAMES)
        text, term = f"{line}@{mark}", MarkRef(line, mark)
    offset = 0.0
    if draw(st.booleans()):
        sign = draw(st.sampled_from(["+", "-"]))
        amount = draw(st.sampled_from(["1", "0.5", "2.25", "10", "3s", "0.125s"]))
        space = draw(st.sampled_from(["", " ", "  "]))
        text = f"{text}{space}{sign}{space}{amount}"
        offset = float(amount.rstrip("s")) * (1 if sign == "+" else -1)
    pad = draw(st.sampled_from(["", " "]))
    return f"{pad}{text}{pad}", term, offset


@settings(max_examples=200, deadline=None)
@given(case=expressions())
def test_valid_expressions_mean_what_they_say_and_print_back(
    case: tuple[str, object, float],
) -> None:
    text, term, offset = case
    parsed = parse_time(text)
    assert parsed.term == term
    assert math.isclose(parsed.offset, offset)
    again = parse_time(str(parsed))
    assert (again.term, again.offset) == (parsed.term, parsed.offset)


@settings(max_examples=200, deadline=None)
@given(
    text=st.one_of(
        st.text(max_size=30),
        st.text(alphabet="0123456789.:+-@ sminted_abcxyzSE\t", max_size=20),
    )
)
def test_any_text_parses_or_raises_a_time_syntax_error(text: str) -> None:
    try:
        parsed = parse_time(text)
    except TimeSyntaxError as exc:
        assert str(exc)
        assert 0 <= exc.column <= len(text)
        return
    assert isinstance(parsed, TimeExpr)


@settings(max_examples=100, deadline=None)
@given(
    value=st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.floats(),
        st.lists(st.integers(), max_size=3),
        st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
    )
)
def test_values_of_any_type_parse_or_raise_a_time_syntax_error(value: object) -> None:
    try:
        parsed = parse_time(value)
    except TimeSyntaxError as exc:
        assert str(exc)
        return
    assert isinstance(value, (int, float)) and not isinstance(value, bool)
    assert math.isfinite(float(value))
    assert parsed.term == Seconds(float(value))


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("12", 12.0),
        ("12.5", 12.5),
        ("12.5s", 12.5),
        ("1:02.5", 62.5),
        ("1:00:00", 3600.0),
        ("0:59", 59.0),
        ("1:30 + 2", 92.0),
        ("10 - 2.5s", 7.5),
    ],
)
def test_constant_times(text: str, seconds: float) -> None:
    parsed = parse_time(text)
    assert parsed.is_constant
    assert isinstance(parsed.term, Seconds)
    assert math.isclose(parsed.term.value + parsed.offset, seconds)


def test_references_keep_their_names() -> None:
    assert parse_time("intro.end + 1").term == Ref("intro", "end")
    assert parse_time("intro.end + 1").offset == 1.0
    assert parse_time("drift.start").term == Ref("drift", "start")
    assert parse_time("intro@boat - 2s").term == MarkRef("intro", "boat")
    assert parse_time("intro@boat - 2s").offset == -2.0
    assert parse_time("scene.end - 4").term == SceneRef("end")
    assert parse_time("intro@boat").references() == ("intro",)


@pytest.mark.parametrize(
    ("text", "column", "words"),
    [
        ("5x", 0, "don't know what '5x' means: times are in seconds; write '5' or '5s'"),
        ("2 minutes", 2, "write '120'"),
        ("intro.ned", 6, "after 'intro.' write 'start' or 'end' (did you mean 'end'?)"),
        (
            "intro",
            0,
            "'intro' alone is not a time; write 'intro.start', 'intro.end' or 'intro@MARK'",
        ),
        ("intro.end + 2 3", 14, "unexpected '3' at the end of time 'intro.end + 2 3'"),
        ("intro.end +", 10, "'+' needs a number of seconds after it, like 'intro.end + 1.5'"),
        ("1:75", 0, "'1:75' is not a clock time: minutes and seconds go up to 59"),
        ("intro@", 6, "after '@' write the name of a bookmark"),
        ("scene@boat", 0, "'scene' has no bookmarks"),
        ("Intro.end", 0, "'Intro' is not a valid name"),
        ("", 0, "a time cannot be empty"),
        ("#12", 0, "'#12' is not a time"),
        ("9" * 400, 0, "is too large to be a time"),
        ("intro.end + " + "9" * 400, 0, "is too large to be a time"),
    ],
)
def test_malformed_times_say_what_is_wrong_and_where(text: str, column: int, words: str) -> None:
    with pytest.raises(TimeSyntaxError) as caught:
        parse_time(text)
    assert words in str(caught.value)
    assert caught.value.column == column


@pytest.mark.parametrize(
    ("value", "words"),
    [
        (True, "got true"),
        (None, "got nothing"),
        ([1], "got a list"),
        ({"at": 1}, "got a map"),
        (float("inf"), "a time must be a finite number of seconds"),
    ],
)
def test_values_that_are_not_times(value: object, words: str) -> None:
    with pytest.raises(TimeSyntaxError, match=words):
        parse_time(value)
