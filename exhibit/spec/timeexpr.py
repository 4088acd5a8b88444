"""Time expressions: parsing only (resolution is the timeline's job).

Grammar (see docs/scene-format)::

    time    := term [ ("+" | "-") seconds ]
    term    := seconds | clock | ref
    seconds := number ["s"]
    clock   := [hh:]mm:ss[.fff]
    ref     := scene.start | scene.end | NAME.start | NAME.end | LINE@MARK

``NAME`` is a narration line or a cue with an id; which one is decided when
the scene is resolved, where both kinds of id are known.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import PydanticCustomError, core_schema

from exhibit.spec.errors import did_you_mean
from exhibit.spec.limits import MAX_SCENE_SECONDS

Edge = Literal["start", "end"]


@dataclass(frozen=True)
class Seconds:
    value: float


@dataclass(frozen=True)
class SceneRef:
    edge: Edge


@dataclass(frozen=True)
class Ref:
    """``NAME.start`` / ``NAME.end``: a narration line or a cue."""

    name: str
    edge: Edge


@dataclass(frozen=True)
class MarkRef:
    """``LINE@MARK``: a bookmark inside a narration line."""

    line: str
    mark: str


Term = Seconds | SceneRef | Ref | MarkRef


class TimeSyntaxError(ValueError):
    """A malformed time expression; ``column`` is the 0-based offset in the text."""

    def __init__(self, message: str, column: int = 0) -> None:
        super().__init__(message)
        self.column = column


@dataclass(frozen=True)
class TimeExpr:
    """A parsed time: a term plus a constant offset in seconds."""

    term: Term
    offset: float = 0.0
    text: str = ""

    @classmethod
    def parse(cls, value: Any) -> TimeExpr:
        return parse_time(value)

    @classmethod
    def at(cls, seconds: float) -> TimeExpr:
        return cls(Seconds(float(seconds)), 0.0, _fmt(seconds))

    @property
    def is_constant(self) -> bool:
        return isinstance(self.term, Seconds)

    def references(self) -> tuple[str, ...]:
        """Names this time depends on (lines or cues)."""
        if isinstance(self.term, Ref):
            return (self.term.name,)
        if isinstance(self.term, MarkRef):
            return (self.term.line,)
        return ()

    def __str__(self) -> str:
        return self.text or _fmt(self.term.value if isinstance(self.term, Seconds) else 0)

    # pydantic integration: accepts a number or a string, stores the parsed expression.
    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: GetCoreSchemaHandler) -> core_schema.CoreSchema:
        def validate(value: Any) -> TimeExpr:
            if isinstance(value, TimeExpr):
                return value
            try:
                return parse_time(value)
            except TimeSyntaxError as exc:
                # The column lets the checker point at the offending part of a long expression.
                raise PydanticCustomError("time_expr", str(exc), {"column": exc.column}) from None

        return core_schema.no_info_plain_validator_function(
            validate, serialization=core_schema.plain_serializer_function_ser_schema(str)
        )

    @classmethod
    def __get_pydantic_json_schema__(
        cls, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return {
            "anyOf": [
                {"type": "number", "minimum": 0},
                {"type": "string", "pattern": _SCHEMA_PATTERN},
            ],
            "description": "seconds, [hh:]mm:ss, scene.start|end, LINE.start|end, LINE@MARK, "
            "CUE.start|end, optionally followed by + or - seconds",
        }


_NAME = r"[a-z][a-z0-9_]*"
_NUMBER = r"\d+(?:\.\d*)?|\.\d+"
_CLOCK = r"(?:\d+:)?\d{1,2}:\d{1,2}(?:\.\d+)?"
# The parser also takes "ms" and "min" after a number, so the schema
# does too: an editor must not flag what `exhibit check` accepts.
_SCHEMA_PATTERN = (
    rf"^\s*(?:(?:{_NUMBER})(?:s|ms|min)?|{_CLOCK}|{_NAME}\.(?:start|end)|{_NAME}@{_NAME})"
    rf"\s*(?:[+-]\s*(?:{_NUMBER})(?:s|ms|min)?)?\s*$"
)
_TERM = re.compile(
    rf"""\s*(?:
        (?P<clock>{_CLOCK})
      | (?P<num>[-+]?(?:{_NUMBER}))(?P<unit>[a-zA-Z]+)?
      | (?P<name>[A-Za-z_][A-Za-z0-9_]*)(?:(?P<dot>\.)(?P<edge>[A-Za-z_]*)|(?P<at>@)(?P<mark>[A-Za-z0-9_]*))?
    )""",
    re.X,
)
_OFFSET = re.compile(rf"\s*(?P<sign>[+-])\s*(?P<num>{_NUMBER})?(?P<unit>[a-zA-Z]+)?\s*")
_UNITS = {"s": 1.0, "sec": 1.0, "ms": 0.001, "min": 60.0, "m": 60.0}


def _fmt(value: float) -> str:
    return f"{value:g}"


def _unit(unit: str | None, number: str, column: int) -> float:
    if not unit:
        return 1.0
    if unit == "s":
        return 1.0
    if unit in ("ms", "min"):
        return _UNITS[unit]
    raise TimeSyntaxError(
        f"don't know what '{number}{unit}' means: times are in seconds; write '{number}' or '{number}s'",
        column,
    )


def parse_time(value: Any) -> TimeExpr:
    """Parse a number or a time-expression string; raise :class:`TimeSyntaxError`."""
    if isinstance(value, bool) or value is None:
        got = "nothing" if value is None else str(value).lower()
        raise TimeSyntaxError(f"expected a time (seconds or an expression like 'intro.end + 1'), got {got}")
    if isinstance(value, (int, float)):
        if isinstance(value, float) and not math.isfinite(value):
            raise TimeSyntaxError(f"a time must be a finite number of seconds, got {value}")
        _within_scene(value, _fmt(value) if isinstance(value, float) else str(value)[:24])
        return TimeExpr(Seconds(float(value)), 0.0, _fmt(value))
    if not isinstance(value, str):
        raise TimeSyntaxError(
            "expected a time (seconds or an expression like 'intro.end + 1'), got a "
            + ("list" if isinstance(value, list) else "map" if isinstance(value, dict) else type(value).__name__)
        )
    text = value
    if not text.strip():
        raise TimeSyntaxError("a time cannot be empty; write seconds like '12.5' or a reference like 'intro.end'")
    m = _TERM.match(text)
    if not m or m.end() == m.start():
        raise TimeSyntaxError(
            f"'{text.strip()}' is not a time; write seconds ('12.5'), a clock ('1:02.5') "
            "or a reference ('intro.end', 'intro@boat', 'scene.end')"
        )
    term = _term(m)
    offset = _offset(text, m)
    if not math.isfinite(offset) or (isinstance(term, Seconds) and not math.isfinite(term.value)):
        raise TimeSyntaxError(f"'{text.strip()}' is too large to be a time", 0)
    _within_scene(offset, text.strip())
    if isinstance(term, Seconds):
        _within_scene(term.value, text.strip())
    return TimeExpr(term, offset, " ".join(text.split()))


def _term(m: re.Match[str]) -> Term:
    """The term a time starts with: a clock, a number of seconds or a reference."""
    if m.group("clock"):
        parts = m.group("clock").split(":")
        secs = float(parts[-1])
        mins = int(parts[-2])
        hours = int(parts[0]) if len(parts) == 3 else 0
        if secs >= 60 or (len(parts) == 3 and mins >= 60):
            raise TimeSyntaxError(
                f"'{m.group('clock')}' is not a clock time: minutes and seconds go up to 59", m.start("clock")
            )
        return Seconds(hours * 3600 + mins * 60 + secs)
    if m.group("num") is not None:
        number = m.group("num")
        return Seconds(float(number) * _unit(m.group("unit"), number, m.start("num")))
    return _reference(m)


def _reference(m: re.Match[str]) -> Term:
    """``intro.end``, ``scene.start`` or ``intro@boat``."""
    name = m.group("name")
    col = m.start("name")
    if m.group("dot"):
        edge = m.group("edge")
        if edge not in ("start", "end"):
            hint = did_you_mean(edge, ["start", "end"])
            raise TimeSyntaxError(f"'{name}.{edge}': after '{name}.' write 'start' or 'end'{hint}", m.start("edge"))
        if name != name.lower() or not re.fullmatch(_NAME, name):
            raise TimeSyntaxError(f"'{name}' is not a valid name: use lower-case letters, digits and _", col)
        return SceneRef(edge) if name == "scene" else Ref(name, edge)  # type: ignore[arg-type]
    if m.group("at"):
        mark = m.group("mark")
        if not mark or not re.fullmatch(_NAME, mark):
            raise TimeSyntaxError(
                f"'{name}@{mark}': after '@' write the name of a bookmark from the line's text", m.start("mark")
            )
        if name == "scene":
            raise TimeSyntaxError("'scene' has no bookmarks; use 'scene.start' or 'scene.end'", col)
        return MarkRef(name, mark)
    raise TimeSyntaxError(f"'{name}' alone is not a time; write '{name}.start', '{name}.end' or '{name}@MARK'", col)


def _offset(text: str, m: re.Match[str]) -> float:
    """The seconds added after the term (``+ 1.5``, ``- 2s``); 0 when there is nothing more."""
    rest = m.end()
    if rest >= len(text) or not text[rest:].strip():
        return 0.0
    bad_at = rest + (len(text[rest:]) - len(text[rest:].lstrip()))
    bad = text[rest:].strip()
    if m.group("num") is not None and not m.group("unit") and re.fullmatch(r"[A-Za-z]+", bad):
        # "2 minutes", "90 sec": a unit written apart from its number.
        number = m.group("num")
        hint = f"write '{number}' or '{number}s'"
        if bad.lower() in ("m", "min", "mins", "minute", "minutes"):
            hint = f"write '{_fmt(float(number) * 60)}', or a clock time like '1:30'"
        raise TimeSyntaxError(f"don't know what '{text.strip()}' means: times are in seconds; {hint}", bad_at)
    o = _OFFSET.match(text, rest)
    if o and o.group("num") is None and not text[o.end() :].strip():
        raise TimeSyntaxError(
            f"'{o.group('sign')}' needs a number of seconds after it, like "
            f"'{text[:rest].strip()} {o.group('sign')} 1.5'",
            bad_at,
        )
    if not o or o.group("num") is None:
        raise TimeSyntaxError(
            f"unexpected '{bad}' in time '{text.strip()}'; an offset looks like '+ 1.5' or '- 2s'", bad_at
        )
    number = o.group("num")
    offset = float(number) * _unit(o.group("unit"), number, o.start("num"))
    if o.end() < len(text):
        bad = text[o.end() :].strip()
        raise TimeSyntaxError(f"unexpected '{bad}' at the end of time '{text.strip()}'", o.end())
    return -offset if o.group("sign") == "-" else offset


def _within_scene(seconds: float, shown: str) -> None:
    """Refuse a number of seconds beyond the longest scene (a typo, or a hostile file)."""
    if abs(seconds) > MAX_SCENE_SECONDS:
        raise TimeSyntaxError(
            f"'{shown}' is more than a scene can last ({MAX_SCENE_SECONDS / 3600:g} hours, "
            f"{MAX_SCENE_SECONDS:g} s); times are seconds from the start of the scene",
            0,
        )
