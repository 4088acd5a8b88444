"""Value types shared by scenes, question banks and the hall file.

Each type validates itself with a message written for the person editing the
YAML, and describes itself in JSON Schema for editors' autocompletion.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Annotated, Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field, GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import PydanticCustomError, core_schema

from exhibit.spec.limits import MAX_DISTANCE, SCALE_RANGE

ID_PATTERN = r"^[a-z][a-z0-9_]*$"
LANG_PATTERN = r"^[a-z]{2,3}(?:-[A-Za-z0-9]+)*$"
DEFAULT_LANGUAGES: tuple[str, ...] = ("zh", "en")
# Language codes a hall is likely to use; a key outside them in a text map is more
# likely a piece of text cut off by a comma than a language.
COMMON_LANGUAGES = frozenset(
    {"zh", "en", "ja", "ko", "fr", "de", "es", "ru", "pt", "it", "ar", "bo", "ug", "mn", "yue", "nan", "hak", "wuu"}
)

Id = Annotated[str, Field(pattern=ID_PATTERN)]
Lang = Annotated[str, Field(pattern=LANG_PATTERN)]


class Model(BaseModel):
    """Base of all content models: immutable, and unknown keys are errors (typos)."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True, allow_inf_nan=False)


def describe(value: Any, *, literal: bool = False) -> str:
    """A value as an error message names it: ``'red'``, ``a list``, ``a map``.

    ``literal`` spells numbers and booleans out (``3``, ``true``: "3 is not a valid
    value"); otherwise they are named by kind (``a number``: "expected a colour, got a
    number").
    """
    if isinstance(value, bool):
        return str(value).lower() if literal else "true/false"
    if isinstance(value, (int, float)):
        if not literal:
            return "a number"
        return f"{value:g}" if isinstance(value, float) else str(value)
    if isinstance(value, str):
        return f"'{value}'"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a map"
    if value is None:
        return "nothing (an empty value)" if literal else "nothing"
    return type(value).__name__


class _Custom:
    """Mixin wiring a ``_validate`` classmethod and a JSON schema into pydantic."""

    _json_schema: ClassVar[dict[str, Any]] = {}

    @classmethod
    def _validate(cls, value: Any) -> Any:  # pragma: no cover - overridden
        raise NotImplementedError

    @classmethod
    def _serialize(cls, value: Any) -> Any:  # pragma: no cover - overridden
        return value

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: GetCoreSchemaHandler) -> core_schema.CoreSchema:
        return core_schema.no_info_plain_validator_function(
            cls._validate, serialization=core_schema.plain_serializer_function_ser_schema(cls._serialize)
        )

    @classmethod
    def __get_pydantic_json_schema__(
        cls, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return dict(cls._json_schema)


@dataclass(frozen=True)
class Text(_Custom):
    """Localized text: one string for all languages, or one per language code."""

    values: tuple[tuple[str, str], ...]
    universal: bool = False

    _json_schema: ClassVar[dict[str, Any]] = {
        "anyOf": [
            {"type": "string"},
            {
                "type": "object",
                "propertyNames": {"pattern": LANG_PATTERN},
                "additionalProperties": {"type": "string"},
                "minProperties": 1,
            },
        ],
        "description": "text for every language, or a map like {zh: ..., en: ...}",
    }

    @classmethod
    def of(cls, value: str | Mapping[str, str]) -> Text:
        if isinstance(value, str):
            return cls((("*", value),), True)
        return cls(tuple((str(k), str(v)) for k, v in value.items()))

    @classmethod
    def _validate(cls, value: Any) -> Text:
        if isinstance(value, Text):
            return value
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return cls.of(str(value))
        if isinstance(value, str):
            return cls.of(value)
        if isinstance(value, bool):
            raise PydanticCustomError(
                "text",
                "expected text, got {got}: YAML takes a bare yes, no, on, off, true or false for that; "
                "put the text in quotes",
                {"got": describe(value)},
            )
        if isinstance(value, dict) and value:
            for lang, text in value.items():
                if text is None and not re.match(LANG_PATTERN, str(lang)):
                    raise PydanticCustomError(
                        "text_split",
                        "'{lang}' was read as a separate key: a comma inside {braces} ends the text before it; "
                        "put the text in quotes",
                        {"lang": lang, "braces": "{...}"},
                    )
                if text is None and (str(lang) in COMMON_LANGUAGES or "-" in str(lang)):
                    raise PydanticCustomError(
                        "text_empty",
                        "the '{lang}' text is empty; write it after '{lang}:' or remove '{lang}'",
                        {"lang": lang},
                    )
                if text is None:
                    # `{zh: 一, en: one, two}`: 'two' looks like a language, but the comma ended the text.
                    raise PydanticCustomError(
                        "text_empty",
                        "the '{lang}' text is empty; if '{lang}' belongs to the text before it, put that text "
                        "in quotes (a comma inside {braces} ends a text)",
                        {"lang": lang, "braces": "{...}"},
                    )
                if not re.match(LANG_PATTERN, str(lang)):
                    raise PydanticCustomError(
                        "text_lang", "'{lang}' is not a language code; use codes like zh or en", {"lang": lang}
                    )
                if isinstance(text, bool):
                    # YAML 1.1 reads a bare Yes, No, On, Off, True or False as true/false.
                    raise PydanticCustomError(
                        "text_value",
                        "the {lang} text was read as true/false: YAML takes a bare yes, no, on, off, true or "
                        "false for that; put the text in quotes",
                        {"lang": lang},
                    )
                if not isinstance(text, (str, int, float)):
                    raise PydanticCustomError(
                        "text_value",
                        "the {lang} text must be a string, got {got}",
                        {"lang": lang, "got": describe(text)},
                    )
            return cls.of({k: str(v) for k, v in value.items()})
        raise PydanticCustomError(
            "text",
            "expected text, or a map of languages like {example}, got {got}",
            {"got": describe(value), "example": "{zh: ..., en: ...}"},
        )

    @classmethod
    def _serialize(cls, value: Text) -> Any:
        return value.values[0][1] if value.universal else dict(value.values)

    def get(self, lang: str, fallback: bool = True) -> str | None:
        """Text in ``lang``; with ``fallback``, any language's text when it is missing."""
        if self.universal:
            return self.values[0][1]
        for k, v in self.values:
            if k == lang:
                return v
        return self.values[0][1] if fallback and self.values else None

    def has(self, lang: str) -> bool:
        return self.universal or any(k == lang for k, _ in self.values)

    @property
    def languages(self) -> tuple[str, ...]:
        return () if self.universal else tuple(k for k, _ in self.values)

    def __str__(self) -> str:
        return self.values[0][1] if self.values else ""


@dataclass(frozen=True)
class Color(_Custom):
    """An RGBA colour with components in 0..1, written as ``#rrggbb`` or ``#rrggbbaa``."""

    r: float
    g: float
    b: float
    a: float = 1.0

    _json_schema: ClassVar[dict[str, Any]] = {
        "type": "string",
        "pattern": "^#(?:[0-9a-fA-F]{6}|[0-9a-fA-F]{8})$",
        "description": "colour as #rrggbb or #rrggbbaa",
    }

    @classmethod
    def hex(cls, text: str) -> Color:
        return cls._validate(text)

    @classmethod
    def _validate(cls, value: Any) -> Color:
        if isinstance(value, Color):
            return value
        if isinstance(value, str):
            m = re.fullmatch(r"#([0-9a-fA-F]{6})([0-9a-fA-F]{2})?", value.strip())
            if m:
                rgb = m.group(1)
                alpha = m.group(2) or "ff"
                r, g, b, a = (int(h, 16) / 255.0 for h in (rgb[0:2], rgb[2:4], rgb[4:6], alpha))
                return cls(r, g, b, a)
            hint = "write '#rrggbb' or '#rrggbbaa'"
            if re.fullmatch(r"[0-9a-fA-F]{6}(?:[0-9a-fA-F]{2})?", value.strip()):
                hint = f'did you mean "#{value.strip()}"? (with the # and in quotes)'
            elif re.fullmatch(r"#[0-9a-fA-F]{3}", value.strip()):
                short = value.strip()[1:]
                hint = f'write all six digits: "#{"".join(c * 2 for c in short)}"'
            raise PydanticCustomError("color", "'{value}' is not a colour; {hint}", {"value": value, "hint": hint})
        extra = ""
        if value is None:
            extra = ' (an unquoted # starts a comment in YAML: write "#rrggbb" in quotes)'
        elif isinstance(value, int) and not isinstance(value, bool) and len(str(value)) in (6, 8):
            extra = f'; did you mean "#{value}"? (with the # and in quotes)'
        raise PydanticCustomError(
            "color", 'expected a colour like "#c8102e", got {got}{extra}', {"got": describe(value), "extra": extra}
        )

    @classmethod
    def _serialize(cls, value: Color) -> str:
        return value.to_hex()

    def to_hex(self) -> str:
        parts = [round(max(0.0, min(1.0, c)) * 255) for c in (self.r, self.g, self.b)]
        text = "#" + "".join(f"{p:02x}" for p in parts)
        if self.a < 1.0:
            text += f"{round(max(0.0, min(1.0, self.a)) * 255):02x}"
        return text

    @property
    def rgba(self) -> tuple[float, float, float, float]:
        return (self.r, self.g, self.b, self.a)

    def lerp(self, other: Color, u: float) -> Color:
        return Color(*(a + (b - a) * u for a, b in zip(self.rgba, other.rgba, strict=True)))


def _numbers(value: Any, n: int, shape: str) -> tuple[float, ...]:
    if not isinstance(value, (list, tuple)):
        hint = ""
        if isinstance(value, str) and re.fullmatch(r"[\d\s.,+-]+", value) and "," in value:
            hint = f"; write it in brackets: [{value.strip()}]"
        raise PydanticCustomError(
            "vector", "expected {shape}, got {got}{hint}", {"shape": shape, "got": describe(value), "hint": hint}
        )
    if len(value) != n:
        raise PydanticCustomError(
            "vector", "expected {shape} ({n} numbers), got {count}", {"shape": shape, "n": n, "count": len(value)}
        )
    out: list[float] = []
    for item in value:
        if isinstance(item, bool) or not isinstance(item, (int, float)) or not _finite(item):
            raise PydanticCustomError(
                "vector", "expected {shape} with numbers only, got {got} in it", {"shape": shape, "got": describe(item)}
            )
        if abs(item) > MAX_DISTANCE:
            raise PydanticCustomError(
                "vector",
                "{got} is too large in {shape}: positions and sizes are metres, at most {most}",
                {"shape": shape, "got": describe(item, literal=True)[:24], "most": f"{MAX_DISTANCE:g}"},
            )
        out.append(float(item))
    return tuple(out)


def _finite(number: float) -> bool:
    """Not inf or nan (an integer always is finite, even one too large for a float)."""
    return isinstance(number, int) or math.isfinite(number)


def _vector(n: int, shape: str) -> Any:
    def validate(value: Any) -> tuple[float, ...]:
        return _numbers(value, n, shape)

    return Annotated[
        tuple[float, ...],
        _PlainWithSchema(
            validate,
            {"type": "array", "items": {"type": "number"}, "minItems": n, "maxItems": n, "description": shape},
        ),
    ]


@dataclass(frozen=True, eq=False)
class _PlainWithSchema:
    """Annotated marker: validate with a function, describe with a fixed JSON schema."""

    func: Callable[[Any], Any]
    schema: dict[str, Any]

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> core_schema.CoreSchema:
        return core_schema.no_info_plain_validator_function(self.func)

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return dict(self.schema)


Vec2 = _vector(2, "[x, y]")
Vec3 = _vector(3, "[x, y, z]")
Size2 = _vector(2, "[width, depth]")
Size3 = _vector(3, "[width, depth, height]")


def _scale(value: Any) -> tuple[float, float, float]:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if not _finite(value):
            raise PydanticCustomError("scale", "a scale must be a finite number, got {v}", {"v": value})
        if value <= 0:
            raise PydanticCustomError("scale", "a scale must be greater than 0, got {v}", {"v": value})
        return (_scale_factor(value),) * 3
    if isinstance(value, (list, tuple)):
        x, y, z = _numbers(value, 3, "[sx, sy, sz]")
        return (_scale_factor(x), _scale_factor(y), _scale_factor(z))
    raise PydanticCustomError(
        "scale", "expected a scale: a number or [sx, sy, sz], got {got}", {"got": describe(value)}
    )


def _scale_factor(value: float) -> float:
    """One factor of a scale, within :data:`SCALE_RANGE` (a negative one mirrors)."""
    low, high = SCALE_RANGE
    if value != 0 and not low <= abs(value) <= high:
        raise PydanticCustomError(
            "scale",
            "a scale of {v} is out of range; a scale is between {low} and {high}",
            {"v": describe(value, literal=True)[:24], "low": f"{low:g}", "high": f"{high:g}"},
        )
    return float(value)


Scale = Annotated[
    tuple[float, ...],
    _PlainWithSchema(
        _scale,
        {
            "anyOf": [
                {"type": "number", "exclusiveMinimum": 0},
                {"type": "array", "items": {"type": "number"}, "minItems": 3, "maxItems": 3},
            ],
            "description": "uniform scale, or [sx, sy, sz]",
        },
    ),
]

Unit = Annotated[float, Field(ge=0.0, le=1.0)]
# Bounded above too: no size, rate or duration in content needs more, and a render of
# 1e308 of anything fails deep inside Panda3D.
NonNegative = Annotated[float, Field(ge=0.0, le=MAX_DISTANCE)]
Positive = Annotated[float, Field(gt=0.0, le=MAX_DISTANCE)]
