"""Turning model validation errors into located, human diagnostics.

Pydantic reports an error path like ``("objects", "boat", "red_boat", "poss")``;
the model's types tell which steps are in the file, and the document maps them
back to a line and column. The message is rewritten for the person editing
YAML, naming the key, with a suggestion where one is obvious.

:func:`salvage` sets the broken parts of a file aside, so that the checks of
the rest (names, files, languages) still run in the same ``exhibit check``.
"""

from __future__ import annotations

import re
import types
import typing
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import partial
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ValidationError

from exhibit.spec.common import LANG_PATTERN, Text, describe
from exhibit.spec.errors import Diagnostic, Location, Severity, did_you_mean
from exhibit.spec.source import Document, PathKey
from exhibit.spec.timeexpr import TimeSyntaxError

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


#: a value as messages quote it: numbers and booleans spelled out
_describe = partial(describe, literal=True)


def _subject(path: PathKey) -> str:
    """What a message is about, in the words of the file: ``'opacity'``, ``item 2 of 'size'``."""
    names = [step for step in path if isinstance(step, str)]
    if not names:
        return "this value"
    if path and isinstance(path[-1], int):
        return f"item {path[-1] + 1} of '{names[-1]}'"
    return f"'{names[-1]}'"


def _plural(n: Any, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


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


def _tagged_member(tp: Any, step: str | int) -> Any | None:
    """The member a tag selects, where ``tp`` is a tagged union and ``step`` one of its tags."""
    if not isinstance(step, str) or typing.get_origin(tp) is not typing.Annotated:
        return None
    field_infos = [m for m in getattr(tp, "__metadata__", ()) if getattr(m, "discriminator", None)]
    if not field_infos:
        return None
    name = field_infos[0].discriminator
    for member in _union_members(tp):
        if isinstance(member, type) and issubclass(member, BaseModel):
            f = member.model_fields.get(name)
            if f is not None and step in typing.get_args(f.annotation):
                return member
    return None


def data_path(doc: Document, root: type[BaseModel], loc: tuple[Any, ...]) -> tuple[PathKey, Any]:
    """The path in the file of a validator's error location, and the type expected there.

    The validator's location has steps that are not in the data: the tag of a
    tagged union (``("cues", 2, "effect", "level")``, where ``effect`` is the
    cue's ``do``) and the names of a union's alternatives. Following the model's
    types tells a tag from a key of the same name (an effect cue has both).
    """
    here: Any = doc.data
    tp: Any = root
    real: list[str | int] = []
    for step in loc:
        member = _tagged_member(tp, step) if tp is not None else None
        if member is not None:
            tp = member
            continue
        if isinstance(here, dict) and step in here:
            real.append(step)
            here = here[step]
        elif isinstance(here, list) and isinstance(step, int) and 0 <= step < len(here):
            real.append(step)
            here = here[step]
        else:
            here = None  # a missing key, or an alternative's name: nothing further is in the data
        tp = _step(tp, step) if tp is not None else None
    return tuple(real), tp


def _fields_at(root: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    """The keys allowed at a validator location (every alternative's, for a union)."""
    return _fields_of(_type_at(root, loc))


def _owner(doc: Document, path: PathKey) -> str:
    """`` for text object 'slogan'``: which item a missing key belongs to, in the file's words."""
    item = doc.value_at(path)
    if not isinstance(item, dict):
        return ""
    if len(path) == 2 and path[0] == "objects" and isinstance(item.get("kind"), str):
        return f" for {item['kind']} object '{path[1]}'"
    if isinstance(item.get("do"), str):
        return f" for this {item['do']} cue"
    if path[:1] == ("narration",) and isinstance(item.get("id"), str):
        return f" for line '{item['id']}'"
    if len(path) == 3 and path[:2] == ("camera", "keys") and isinstance(path[2], int):
        return f" for camera key {path[2] + 1}"
    return ""


def _empty_owner(doc: Document, root: type[BaseModel], loc: tuple[Any, ...], where: PathKey, key: str) -> str | None:
    """The empty key of this map that ``key`` would fit under: ``text:`` left empty above ``zh:``."""
    siblings = doc.value_at(where)
    if not isinstance(siblings, dict):
        return None
    for name, value in siblings.items():
        if value is not None or name == key:
            continue
        tp = _type_at(root, (*loc, name))
        if tp is Text and re.fullmatch(LANG_PATTERN, key):
            return str(name)
        if key in _fields_of(tp):
            return str(name)
    return None


def _type_at(root: type[BaseModel], loc: tuple[Any, ...]) -> Any:
    """The type a validator location expects, or None when it cannot be followed."""
    tp: Any = root
    for step in loc:
        member = _tagged_member(tp, step)
        tp = member if member is not None else _step(tp, step)
        if tp is None:
            return None
    return _strip_annotated(tp)


def _fields_of(tp: Any) -> list[str]:
    names: list[str] = []
    for member in _union_members(tp) if tp is not None else []:
        if isinstance(member, type) and issubclass(member, BaseModel):
            names.extend(n for n in member.model_fields if n not in names)
    return names


@dataclass(frozen=True)
class _Error:
    """One pydantic error dict, with what its message is made of."""

    doc: Document
    root: type[BaseModel]
    err: Any
    loc: tuple[Any, ...]  # the validator's location below the document root
    path: PathKey  # the same, as keys in the file
    ctx: dict[str, Any]
    value: Any

    @property
    def kind(self) -> str:
        return str(self.err.get("type", ""))

    @property
    def model_loc(self) -> tuple[Any, ...]:
        """The location below the model the error came from (without the base)."""
        return tuple(self.err["loc"])

    @property
    def subject(self) -> str:
        return _subject(self.path)

    def said(self, fallback: str) -> str:
        return str(self.err.get("msg", fallback))


#: A message and where it points (None: at the value).
_Said = tuple[str, Location | None]


def _unknown_key(e: _Error) -> _Said:
    key = str(e.loc[-1])
    allowed = _fields_at(e.root, e.model_loc[:-1])
    message = f"unknown key '{key}'{did_you_mean(key, allowed)}"
    above = _empty_owner(e.doc, e.root, e.model_loc[:-1], e.path[:-1], key)
    if above:
        message += f"; if it belongs to '{above}' (empty above it), indent it under '{above}'"
    elif allowed and not did_you_mean(key, allowed):
        message += f"; allowed here: {', '.join(allowed)}"
    return message, e.doc.locate(e.path, key=True)


def _missing_key(e: _Error) -> _Said:
    message = f"missing required key '{e.loc[-1]}'{_owner(e.doc, e.path)}"
    return message, e.doc.locate(e.path, key=True) if e.path else None


def _union_tag(e: _Error) -> _Said:
    disc = str(e.ctx.get("discriminator", "'kind'")).strip("'")
    expected = [t.strip().strip("'") for t in str(e.ctx.get("expected_tags", "")).split(",") if t.strip()]
    if not expected:
        expected = _tags_for(e.root, e.model_loc, disc)
    if e.kind == "union_tag_not_found":
        return f"missing '{disc}': say which one this is ({', '.join(expected)})", e.doc.locate(e.path, key=True)
    tag = str(e.ctx.get("tag", e.value))
    noun = {"kind": "object kind", "do": "cue action"}.get(disc, disc)
    message = f"unknown {noun} '{tag}'{did_you_mean(tag, expected)}; expected one of: {', '.join(expected)}"
    return message, e.doc.locate((*e.path, disc)) if (*e.path, disc) in e.doc.spans else None


def _not_an_option(e: _Error) -> _Said:
    expected_text = str(e.ctx.get("expected", ""))
    options = [o.strip().strip("'") for o in expected_text.replace(" or ", ", ").split(",") if o.strip()]
    message = (
        f"{_describe(e.value)} is not a valid value for {e.subject}{did_you_mean(str(e.value), options)}; "
        f"expected one of: {', '.join(options)}"
    )
    return message, None


_MAPS = ("dict_type", "model_type", "model_attributes_type")


def _wrong_type(e: _Error) -> _Said:
    kind, value = e.kind, e.value
    message = f"{e.subject} must be {_TYPE_NAMES[kind]}, got {_describe(value)}"
    if kind in _MAPS and value is None:
        message = f"{e.subject} is empty; write its keys below it, indented, or remove it"
    elif kind in ("list_type", "tuple_type") and value is None:
        message = f"{e.subject} is empty; write its items below it ('- ...'), or remove it"
    elif kind in _MAPS and e.path and e.path[-1] in _fields_at(e.root, e.model_loc):
        # `boat:` then `kind: red_boat` at the same indentation: a key of the item above.
        message += f"; if '{e.path[-1]}' belongs to the item above it, indent it further"
    elif kind in ("float_parsing", "int_parsing") and isinstance(value, str):
        seconds = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*(?:s|sec|secs|second|seconds)\s*", value)
        if seconds:
            message += f"; durations are plain numbers of seconds: write {seconds.group(1)}"
    return message, None


_BOUND_WORDS = {
    "greater_than": "greater than",
    "greater_than_equal": "at least",
    "less_than": "less than",
    "less_than_equal": "at most",
}


def _out_of_range(e: _Error) -> _Said:
    bound = e.ctx.get("gt", e.ctx.get("ge", e.ctx.get("lt", e.ctx.get("le"))))
    if not isinstance(bound, (int, float)):
        return e.said("value out of range"), None
    return f"{e.subject} must be {_BOUND_WORDS[e.kind]} {bound:g}, got {_describe(e.value)}", None


def _too_short(e: _Error) -> _Said:
    needed = _plural(e.ctx.get("min_length"), "item")
    return f"{e.subject} needs at least {needed}, got {e.ctx.get('actual_length', 0)}", None


def _too_long(e: _Error) -> _Said:
    allowed = _plural(e.ctx.get("max_length"), "item")
    return f"{e.subject} takes at most {allowed}, got {e.ctx.get('actual_length')}", None


def _bad_form(e: _Error) -> _Said:
    pattern, value = str(e.ctx.get("pattern", "")), e.value
    if pattern.startswith("^[a-z][a-z0-9_]*"):
        message = (
            f"{_describe(value)} is not a valid name: use lower-case letters, digits and _, starting with a letter"
        )
        fixed = re.sub(r"[^a-z0-9_]+", "_", str(value).strip().lower()).strip("_")
        if str(value).isascii() and re.fullmatch(r"[a-z][a-z0-9_]*", fixed):
            message += f" (like '{fixed}')"
        return message, None
    if "A-Za-z0-9" in pattern:
        return f"{_describe(value)} is not a language code; use codes like zh or en", None
    return f"{_describe(value)} does not have the expected form", None


def _validator_said(e: _Error) -> _Said:
    cause = e.ctx.get("error")
    column = getattr(cause, "column", None)
    message = e.said("").removeprefix("Value error, ")
    if isinstance(cause, TimeSyntaxError) and isinstance(column, int):
        return message, e.doc.locate_in(e.path, column)
    return message, None


def _not_finite(e: _Error) -> _Said:
    return f"{e.subject} must be a finite number, got {_describe(e.value)}", None


def _not_a_vector(e: _Error) -> _Said:
    text = e.said("invalid value")
    return (f"{e.subject} must be {text.removeprefix('expected ')}" if text.startswith("expected ") else text), None


def _bad_time(e: _Error) -> _Said:
    column = e.ctx.get("column")
    return e.said("invalid time"), e.doc.locate_in(e.path, int(column)) if isinstance(column, int) else None


#: What each kind of pydantic error says; any other kind says pydantic's own message.
_MESSAGES: dict[str, Callable[[_Error], _Said]] = {
    "extra_forbidden": _unknown_key,
    "missing": _missing_key,
    "union_tag_invalid": _union_tag,
    "union_tag_not_found": _union_tag,
    "literal_error": _not_an_option,
    **dict.fromkeys(_TYPE_NAMES, _wrong_type),
    **dict.fromkeys(_BOUND_WORDS, _out_of_range),
    "too_short": _too_short,
    "too_long": _too_long,
    "string_pattern_mismatch": _bad_form,
    "value_error": _validator_said,
    "finite_number": _not_finite,
    "vector": _not_a_vector,
    "scale": _not_a_vector,
    "time_expr": _bad_time,
}


def error_to_diagnostic(doc: Document, root: type[BaseModel], err: Any, base: PathKey = ()) -> Diagnostic:
    """One pydantic error dict as a located diagnostic."""
    loc = tuple(base) + tuple(err.get("loc", ()))
    path, _ = data_path(doc, root, loc)
    error = _Error(doc, root, err, loc, path, err.get("ctx") or {}, err.get("input"))
    kind = error.kind
    handler = _MESSAGES.get(kind)
    message, location = handler(error) if handler is not None else (error.said("invalid value"), None)
    if location is None:
        location = doc.locate(path)
    # A problem with one language of a localized text points at that language.
    if kind.startswith("text_") and "lang" in error.ctx and (*path, str(error.ctx["lang"])) in doc.spans:
        location = doc.locate((*path, str(error.ctx["lang"])), key=kind != "text_value")
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


# Complaints that only say "this is not the kind of value I take". Where a value could be
# one of several kinds (``look_at: boat`` or ``look_at: [x, y, z]``), each alternative
# complains; the one that fits what was written says the most.
_TEXT_COMPLAINTS = {
    "vector",
    "list_type",
    "tuple_type",
    "float_type",
    "int_type",
    "bool_type",
    "dict_type",
    "model_type",
    "model_attributes_type",
    "float_parsing",
    "int_parsing",
    "bool_parsing",
    "scale",
}
_LIST_COMPLAINTS = {
    "string_type",
    "string_pattern_mismatch",
    "literal_error",
    "float_type",
    "int_type",
    "bool_type",
    "dict_type",
    "model_type",
    "model_attributes_type",
    "time_expr",
    "color",
}


def _alternatives(doc: Document, root: type[BaseModel], errors: list[Any]) -> list[Any]:
    """Keep one error per value that failed every alternative of a union."""
    groups: dict[PathKey, list[int]] = {}
    for i, err in enumerate(errors):
        loc = tuple(err.get("loc", ()))
        path, _ = data_path(doc, root, loc)
        if err.get("type") in ("missing", "extra_forbidden") or len(loc) <= len(path):
            continue
        if not _is_alternative(root, loc):
            continue
        groups.setdefault(path, []).append(i)
    drop: set[int] = set()
    for path, members in groups.items():
        if len(members) < 2:
            continue
        value = doc.value_at(path)
        unfit = _TEXT_COMPLAINTS if isinstance(value, str) else _LIST_COMPLAINTS if isinstance(value, list) else set()
        fitting = [i for i in members if errors[i].get("type") not in unfit]
        keep = fitting[0] if fitting else members[0]
        drop.update(i for i in members if i != keep)
    return [err for i, err in enumerate(errors) if i not in drop]


def _is_alternative(root: type[BaseModel], loc: tuple[Any, ...]) -> bool:
    """Whether the last step of ``loc`` names one alternative of a plain union."""
    tp: Any = root
    for step in loc[:-1]:
        member = _tagged_member(tp, step)
        tp = member if member is not None else _step(tp, step)
        if tp is None:
            return False
    return len(_union_members(tp)) > 1 and _tagged_member(tp, loc[-1]) is None


def _misspelt_required(doc: Document, root: type[BaseModel], errors: list[Any]) -> list[Any]:
    """Drop "missing 'target'" where the same map has an unknown key 'taget': one typo, one message."""
    unknown: dict[PathKey, list[str]] = {}
    for err in errors:
        if err.get("type") == "extra_forbidden":
            path, _ = data_path(doc, root, tuple(err["loc"]))
            unknown.setdefault(path[:-1], []).append(str(path[-1]) if path else "")
    out = []
    for err in errors:
        if err.get("type") == "missing" and err.get("loc"):
            path, _ = data_path(doc, root, tuple(err["loc"]))
            key = str(err["loc"][-1])
            if any(did_you_mean(extra, [key]) for extra in unknown.get(path, [])):
                continue
        out.append(err)
    return out


def validate_document(doc: Document, model: type[M], what: str) -> Loaded[M]:
    """Validate a loaded document against a model, collecting every error.

    The model is None whenever there is any error, including the loader's own
    (a duplicate key), but the data is still validated so that one run of
    ``exhibit check`` shows every problem of the file.
    """
    diagnostics = list(doc.diagnostics)
    if doc.data is None:
        if not diagnostics:
            diagnostics.append(
                Diagnostic(
                    Severity.ERROR, f"the file is empty; a {what} needs at least a few keys", Location(doc.path, 1, 1)
                )
            )
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
        for err in _misspelt_required(doc, model, _alternatives(doc, model, list(exc.errors()))):
            d = error_to_diagnostic(doc, model, err)
            marker = (d.location, d.message)
            if marker not in seen:
                seen.add(marker)
                diagnostics.append(d)
        return Loaded(doc, None, diagnostics)
    if any(d.is_error for d in diagnostics):
        return Loaded(doc, None, diagnostics)
    return Loaded(doc, result, diagnostics)


@dataclass
class Salvaged(Generic[M]):
    """What is left of a file with errors once the broken parts are set aside.

    ``doc`` holds the remaining data with every span kept at its place in the
    file, so checks of the rest (names, files, languages) still point at the
    right line. ``removed`` lists the paths (in the original file) set aside.
    """

    model: M
    doc: Document
    removed: tuple[PathKey, ...]


def salvage(doc: Document, model: type[M], rounds: int = 12) -> Salvaged[M] | None:
    """Validate what remains after removing each value that fails, or None.

    A broken value is removed (its default then applies); where the value was
    required, the next round removes the item that holds it (the object, the
    cue, the line). This lets ``exhibit check`` report the cross-checks of a
    file (unknown names, missing files) in the same run as its type errors.
    """
    if not isinstance(doc.data, dict):
        return None
    removed: set[PathKey] = set()
    for _ in range(rounds):
        data, moved = _without(doc.data, removed)
        spans = {moved[old]: span for old, span in doc.spans.items() if old in moved}
        back = {new: old for old, new in moved.items()}
        rest = Document(doc.path, data, spans, [], doc.text)
        try:
            result = model.model_validate(data)
        except ValidationError as exc:
            more = set()
            for err in exc.errors():
                path, _ = data_path(rest, model, tuple(err.get("loc", ())))
                old = back.get(path)
                if not path or old is None:
                    return None  # the top level itself is wrong: nothing to salvage
                more.add(old)
            if more <= removed:
                return None
            removed |= more
            continue
        return Salvaged(result, rest, tuple(sorted(removed, key=lambda p: tuple(str(s) for s in p))))
    return None


def _without(data: Any, removed: set[PathKey]) -> tuple[Any, dict[PathKey, PathKey]]:
    """``data`` without the values at ``removed``; maps each kept old path to its new path."""
    moved: dict[PathKey, PathKey] = {}

    def keep(value: Any, old: PathKey, new: PathKey) -> Any:
        moved[old] = new
        if isinstance(value, dict):
            return {k: keep(v, (*old, k), (*new, k)) for k, v in value.items() if (*old, k) not in removed}
        if isinstance(value, list):
            out: list[Any] = []
            for i, item in enumerate(value):
                if (*old, i) not in removed:
                    out.append(keep(item, (*old, i), (*new, len(out))))
            return out
        return value

    return keep(data, (), ()), moved


def diagnostics_of(items: Iterable[Loaded[Any]]) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    for item in items:
        out.extend(item.diagnostics)
    return out
