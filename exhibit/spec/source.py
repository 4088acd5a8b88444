"""A YAML loader that remembers where every key and value came from.

PyYAML builds plain Python values and forgets positions. Here the document is
composed into nodes first, then built by hand so that every value gets a
``Span`` keyed by its *path* (``("objects", "boat", "pos", 0)``). Validation
errors from the models carry the same kind of path, which maps them back to a
line and column. Lines and columns are converted to 1-based once, here.

Deliberate differences from ``yaml.safe_load``:
- duplicate keys are reported (PyYAML silently keeps the last one);
- ``1:30`` stays a string (YAML 1.1 would read it as the base-60 number 90),
  so clock times are parsed by the time-expression grammar, with its messages;
- non-string keys are turned into strings and reported where that matters.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from exhibit.spec.errors import Diagnostic, Location, Severity

PathKey = tuple[str | int, ...]


@dataclass(frozen=True)
class Span:
    """Where a value (and, inside a mapping, its key) starts in the file."""

    value: Location
    key: Location | None = None
    end: Location | None = None


class _Loader(yaml.SafeLoader):
    """SafeLoader without YAML 1.1's base-60 numbers and timestamps."""


# Dropped, then ints and floats re-added below without their base-60 forms; timestamps
# stay text (a quiz source like "2011-07-22" is a citation, not a date object).
_DROPPED = {"int", "float", "timestamp"}


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag.rsplit(":", 1)[-1] not in _DROPPED]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
# Re-add plain ints and floats without the sexagesimal alternatives.
_INT = re.compile(
    r"""^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+)$""",
    re.X,
)
_FLOAT = re.compile(
    r"""^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+]?[0-9]+)?|[-+]?[0-9][0-9_]*[eE][-+]?[0-9]+
    |[-+]?\.[0-9_]+(?:[eE][-+]?[0-9]+)?
    |[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$""",
    re.X,
)
_Loader.add_implicit_resolver("tag:yaml.org,2002:int", _INT, list("-+0123456789"))
_Loader.add_implicit_resolver("tag:yaml.org,2002:float", _FLOAT, list("-+0123456789."))


@dataclass
class Document:
    """A loaded YAML file: its plain data plus the span of every value."""

    path: str
    data: Any
    spans: dict[PathKey, Span] = field(default_factory=dict)
    diagnostics: list[Diagnostic] = field(default_factory=list)

    def span(self, path: PathKey) -> Span:
        """The span of the deepest existing value along ``path``."""
        for cut in range(len(path), -1, -1):
            found = self.spans.get(tuple(path[:cut]))
            if found is not None:
                return found
        return Span(Location(self.path, 1, 1))

    def locate(self, path: PathKey, *, key: bool = False) -> Location:
        """Location of the value at ``path`` (or of its key, when ``key`` is set)."""
        span = self.span(path)
        if key and span.key is not None:
            return span.key
        return span.value

    def resolve_path(self, loc: tuple[Any, ...]) -> PathKey:
        """Map a validator's error path onto the data.

        Validators add steps that are not in the data (the tag of a tagged
        union, a function name); those are skipped. Returns the longest prefix
        of real steps.
        """
        here: Any = self.data
        real: list[str | int] = []
        for step in loc:
            if isinstance(here, dict) and step in here:
                real.append(step)
                here = here[step]
            elif isinstance(here, list) and isinstance(step, int) and 0 <= step < len(here):
                real.append(step)
                here = here[step]
            elif isinstance(here, dict) and isinstance(step, str) and step not in here:
                # Could be a missing key or a union tag: keep looking for the next real step.
                continue
        return tuple(real)


def _mark(path: str, mark: yaml.Mark | None) -> Location:
    if mark is None:
        return Location(path, 1, 1)
    return Location(path, mark.line + 1, mark.column + 1)


class _Builder:
    def __init__(self, path: str, loader: _Loader) -> None:
        self.path = path
        self.loader = loader
        self.spans: dict[PathKey, Span] = {}
        self.diagnostics: list[Diagnostic] = []
        self._active: set[int] = set()

    def build(self, node: yaml.Node, where: PathKey, key_loc: Location | None) -> Any:
        self.spans[where] = Span(
            _mark(self.path, node.start_mark), key_loc, _mark(self.path, node.end_mark)
        )
        if isinstance(node, yaml.ScalarNode):
            return self.loader.construct_object(node, deep=True)
        if id(node) in self._active:
            self.diagnostics.append(
                Diagnostic(Severity.ERROR, "an alias refers to itself", _mark(self.path, node.start_mark))
            )
            return None
        self._active.add(id(node))
        try:
            if isinstance(node, yaml.SequenceNode):
                return [self.build(item, (*where, i), None) for i, item in enumerate(node.value)]
            if isinstance(node, yaml.MappingNode):
                return self._mapping(node, where)
        finally:
            self._active.discard(id(node))
        return None  # pragma: no cover - PyYAML has only three node kinds

    def _mapping(self, node: yaml.MappingNode, where: PathKey) -> dict[str, Any]:
        self.loader.flatten_mapping(node)  # YAML merge keys (<<: *base)
        out: dict[str, Any] = {}
        first_seen: dict[str, Location] = {}
        for key_node, value_node in node.value:
            key_loc = _mark(self.path, key_node.start_mark)
            if not isinstance(key_node, yaml.ScalarNode):
                self.diagnostics.append(
                    Diagnostic(Severity.ERROR, "a key must be a plain name, not a list or a map", key_loc)
                )
                continue
            raw = self.loader.construct_object(key_node, deep=True)
            key = "null" if raw is None else str(raw).lower() if isinstance(raw, bool) else str(raw)
            if key in first_seen:
                first = first_seen[key]
                self.diagnostics.append(
                    Diagnostic(
                        Severity.ERROR,
                        f"duplicate key '{key}' (first given at line {first.line}); remove one of them",
                        key_loc,
                    )
                )
                continue
            first_seen[key] = key_loc
            out[key] = self.build(value_node, (*where, key), key_loc)
        return out


def load_text(text: str, path: str = "<string>") -> Document:
    """Parse YAML text into a :class:`Document`; syntax errors become diagnostics."""
    loader = _Loader(text)
    try:
        try:
            node = loader.get_single_node()
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            problem = exc.problem or "invalid YAML"
            context = f" {exc.context}" if exc.context and exc.problem else ""
            message = f"YAML syntax error: {problem}{context}"
            if "\t" in text and "tab" in problem.lower() or "found character '\\t'" in problem:
                message += "; indent with spaces, not tabs"
            return Document(path, None, {}, [Diagnostic(Severity.ERROR, message, _mark(path, mark))])
        except yaml.YAMLError as exc:
            return Document(path, None, {}, [Diagnostic(Severity.ERROR, f"YAML error: {exc}", Location(path, 1, 1))])
        if node is None:
            return Document(path, None, {(): Span(Location(path, 1, 1))}, [])
        builder = _Builder(path, loader)
        try:
            data = builder.build(node, (), None)
        except yaml.constructor.ConstructorError as exc:
            return Document(
                path,
                None,
                {},
                [Diagnostic(Severity.ERROR, f"YAML error: {exc.problem}", _mark(path, exc.problem_mark))],
            )
        return Document(path, data, builder.spans, builder.diagnostics)
    finally:
        loader.dispose()


def load_file(path: str | Path, display: str | None = None) -> Document:
    """Read and parse a YAML file. Unreadable files become a located error, not an exception."""
    shown = display or str(path)
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        reason = exc.strerror or str(exc)
        return Document(shown, None, {}, [Diagnostic(Severity.ERROR, f"cannot read file: {reason}", Location(shown))])
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        return Document(
            shown,
            None,
            {},
            [
                Diagnostic(
                    Severity.ERROR,
                    "file is not UTF-8 text; save it as UTF-8 (GBK/GB18030 files must be converted)",
                    Location(shown, line, col),
                )
            ],
        )
    return load_text(text, shown)


def walk(data: Any, where: PathKey = ()) -> Iterator[tuple[PathKey, Any]]:
    """Every (path, value) pair in plain YAML data, depth first."""
    yield where, data
    if isinstance(data, dict):
        for k, v in data.items():
            yield from walk(v, (*where, k))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            yield from walk(v, (*where, i))
