"""Turning model validation errors into located, human diagnostics.

Pydantic reports an error path like ``("objects", "boat", "red_boat", "poss")``;
the document maps the real steps of that path back to the file. The message is
rewritten for the person editing YAML, with a suggestion where one is obvious.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ValidationError

from exhibit.spec.errors import Diagnostic, Location, Severity, did_you_mean
from exhibit.spec.source import Document, PathKey

M = TypeVar("M", bound=BaseModel)

_TYPE_NAMES = {
    "float_type": "a number",
    "float_parsing": "a number",
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "int_from_float": "a whole number",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
    "string_type": "text",
    "list_type": "a list",
    "tuple_type": "a list",
    "dict_type": "a map (key: value)",
    "model_type": "a map (key: value)",
    "model_attributes_type": "a map (key: value)",
}


def _describe(value: Any) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, (int, float)):
        return f"{value:g}" if isinstance(value, float) else str(value)
    if isinstance(value, str):
        return f"'{value}'"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a map"
    if value is None:
        return "nothing (an empty value)"
    return type(value).__name__


def _strip_annotated(tp: Any) -> Any:
    while typing.get_origin(tp) is typing.Annotated:
        tp = typing.get_args(tp)[0]
    return tp


def _union_members(tp: Any) -> list[Any]:
    tp = _strip_annotated(tp)
    origin = typing.get_origin(tp)
    if origin is typing.Union or origin is types.UnionType:
        out: list[Any] = []
        for arg in typing.get_args(tp):
            out.extend(_union_members(arg))
        return out
    return [tp]


def _step(tp: Any, step: str | int) -> Any | None:
    """The type one step further down a validation path, or None when lost."""
    for member in _union_members(tp):
        if isinstance(member, type) and issubclass(member, BaseModel):
            if isinstance(step, str) and step in member.model_fields:
                return member.model_fields[step].annotation
            continue
        origin = typing.get_origin(member)
        args = typing.get_args(member)
        if origin in (list, tuple) and isinstance(step, int) and args:
            return args[0]
        if origin is dict and args:
            return args[1]
    # A tagged union adds its tag as a step: pick the member whose tag it is.
    if isinstance(step, str):
        for member in _union_members(tp):
            if isinstance(member, type) and issubclass(member, BaseModel):
                for name in ("kind", "do"):
                    f = member.model_fields.get(name)
                    if f is not None and step in typing.get_args(f.annotation):
                        return member
    return None


def _fields_at(root: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    tp: Any = root
    for step in loc:
        tp = _step(tp, step)
        if tp is None:
            return []
    names: list[str] = []
    for member in _union_members(tp):
        if isinstance(member, type) and issubclass(member, BaseModel):
            names.extend(n for n in member.model_fields if n not in names)
    return names


def error_to_diagnostic(doc: Document, root: type[BaseModel], err: Any, base: PathKey = ()) -> Diagnostic:
    """One pydantic error dict as a located diagnostic."""
    loc = tuple(base) + tuple(err.get("loc", ()))
    kind = err.get("type", "")
    ctx = err.get("ctx") or {}
    value = err.get("input")
    path = doc.resolve_path(loc)
    location: Location = doc.locate(path)
    message: str

    if kind == "extra_forbidden":
        key = str(loc[-1])
        allowed = _fields_at(root, tuple(err["loc"])[:-1])
        message = f"unknown key '{key}'{did_you_mean(key, allowed)}"
        if allowed and not did_you_mean(key, allowed):
            message += f"; allowed here: {', '.join(allowed)}"
        location = doc.locate(path, key=True)
    elif kind == "missing":
        key = str(loc[-1])
        message = f"missing required key '{key}'"
        location = doc.locate(path, key=True) if path else doc.locate(path)
    elif kind in ("union_tag_invalid", "union_tag_not_found"):
        disc = str(ctx.get("discriminator", "'kind'")).strip("'")
        expected = [t.strip().strip("'") for t in str(ctx.get("expected_tags", "")).split(",") if t.strip()]
        if not expected:
            expected = _tags_for(root, tuple(err["loc"]), disc)
        if kind == "union_tag_not_found":
            message = f"missing '{disc}': say which one this is ({', '.join(expected)})"
            location = doc.locate(path, key=True)
        else:
            tag = str(ctx.get("tag", value))
            noun = {"kind": "object kind", "do": "cue action"}.get(disc, disc)
            message = f"unknown {noun} '{tag}'{did_you_mean(tag, expected)}; expected one of: {', '.join(expected)}"
            if (*path, disc) in doc.spans:
                location = doc.locate((*path, disc))
    elif kind == "literal_error":
        expected_text = str(ctx.get("expected", ""))
        options = [o.strip().strip("'") for o in expected_text.replace(" or ", ", ").split(",") if o.strip()]
        message = f"{_describe(value)} is not allowed here{did_you_mean(str(value), options)}; expected one of: {', '.join(options)}"
    elif kind in _TYPE_NAMES:
        message = f"expected {_TYPE_NAMES[kind]}, got {_describe(value)}"
        if kind in ("int_from_float",):
            message = f"expected a whole number, got {_describe(value)}"
    elif kind in ("greater_than", "greater_than_equal", "less_than", "less_than_equal"):
        bound = ctx.get("gt", ctx.get("ge", ctx.get("lt", ctx.get("le"))))
        words = {
            "greater_than": "greater than",
            "greater_than_equal": "at least",
            "less_than": "less than",
            "less_than_equal": "at most",
        }[kind]
        message = f"must be {words} {bound:g}, got {_describe(value)}" if isinstance(bound, (int, float)) else err["msg"]
    elif kind == "too_short":
        message = f"needs at least {ctx.get('min_length')} item(s), got {ctx.get('actual_length', 0)}"
    elif kind == "too_long":
        message = f"takes at most {ctx.get('max_length')} item(s), got {ctx.get('actual_length')}"
    elif kind == "string_pattern_mismatch":
        pattern = str(ctx.get("pattern", ""))
        if pattern.startswith("^[a-z][a-z0-9_]*"):
            message = f"{_describe(value)} is not a valid name: use lower-case letters, digits and _, starting with a letter"
        elif "A-Za-z0-9" in pattern:
            message = f"{_describe(value)} is not a language code; use codes like zh or en"
        else:
            message = f"{_describe(value)} does not have the expected form"
    elif kind == "value_error":
        message = str(err.get("msg", "")).removeprefix("Value error, ")
    else:
        message = str(err.get("msg", "invalid value"))
    # Keys of a map (object ids) are reported at the key itself.
    if loc and loc[-1] == "[key]":
        location = doc.locate(path, key=True)
    return Diagnostic(Severity.ERROR, message, location)


def _tags_for(root: type[BaseModel], loc: tuple[Any, ...], disc: str) -> list[str]:
    tp: Any = root
    for step in loc:
        tp = _step(tp, step)
        if tp is None:
            return []
    tags: list[str] = []
    for member in _union_members(tp):
        if isinstance(member, type) and issubclass(member, BaseModel) and disc in member.model_fields:
            tags.extend(str(a) for a in typing.get_args(member.model_fields[disc].annotation))
    return tags


@dataclass
class Loaded(Generic[M]):
    """The result of loading one content file: a model (or None) and what was found."""

    doc: Document
    model: M | None
    diagnostics: list[Diagnostic] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.model is not None and not any(d.is_error for d in self.diagnostics)


def validate_document(doc: Document, model: type[M], what: str) -> Loaded[M]:
    """Validate a loaded document against a model, collecting every error."""
    diagnostics = list(doc.diagnostics)
    if doc.data is None and not diagnostics:
        diagnostics.append(Diagnostic(Severity.ERROR, f"the file is empty; a {what} needs at least a few keys",
                                      Location(doc.path, 1, 1)))
    if any(d.is_error for d in diagnostics):
        return Loaded(doc, None, diagnostics)
    if not isinstance(doc.data, dict):
        diagnostics.append(
            Diagnostic(
                Severity.ERROR,
                f"a {what} must be a map of keys (like 'title: ...'), got {_describe(doc.data)}",
                doc.locate(()),
            )
        )
        return Loaded(doc, None, diagnostics)
    try:
        result = model.model_validate(doc.data)
    except ValidationError as exc:
        seen: set[tuple[Any, ...]] = set()
        for err in exc.errors():
            d = error_to_diagnostic(doc, model, err)
            marker = (d.location, d.message)
            if marker not in seen:
                seen.add(marker)
                diagnostics.append(d)
        return Loaded(doc, None, diagnostics)
    return Loaded(doc, result, diagnostics)


def diagnostics_of(items: Iterable[Loaded[Any]]) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    for item in items:
        out.extend(item.diagnostics)
    return out
