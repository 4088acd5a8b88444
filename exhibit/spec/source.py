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
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from exhibit.spec.errors import Diagnostic, Location, Severity
from exhibit.spec.limits import ALIAS_FACTOR, ALIAS_FLOOR, MAX_FILE_ENV, max_file_bytes, megabytes

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

_FastLoader: type[Any] | None = None
if getattr(yaml, "__with_libyaml__", False):

    class _CLoader(yaml.CSafeLoader):
        """The same rules, parsed by libyaml."""

    _CLoader.yaml_implicit_resolvers = _Loader.yaml_implicit_resolvers
    _FastLoader = _CLoader


@dataclass
class Document:
    """A loaded YAML file: its plain data plus the span of every value."""

    path: str
    data: Any
    spans: dict[PathKey, Span] = field(default_factory=dict)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    text: str = ""  # the source, to point inside a value (a bad mark, the wrong part of a time)

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

    def locate_in(self, path: PathKey, offset: int) -> Location:
        """Location of character ``offset`` of the text value at ``path``.

        Exact for a value written on one line, plain or quoted without
        escapes; otherwise the start of the value, which is never wrong, only
        less precise.
        """
        start = self.locate(path)
        span = self.spans.get(tuple(path))
        value = self.value_at(path)
        if span is None or not isinstance(value, str) or offset < 0 or not self.text:
            return start
        lines = self.text.splitlines()
        if not 0 < start.line <= len(lines):
            return start
        raw = lines[start.line - 1][start.column - 1 :]
        quote = raw[:1] if raw[:1] in ("'", '"') else ""
        if raw[len(quote) : len(quote) + len(value)] != value:
            return start
        return Location(start.path, start.line, start.column + len(quote) + offset)

    def value_at(self, path: PathKey) -> Any:
        """The plain value at ``path``, or None when there is none."""
        here: Any = self.data
        for step in path:
            if isinstance(here, dict) and step in here:
                here = here[step]
            elif isinstance(here, list) and isinstance(step, int) and 0 <= step < len(here):
                here = here[step]
            else:
                return None
        return here


def _mark(path: str, mark: yaml.Mark | None) -> Location:
    if mark is None:
        return Location(path, 1, 1)
    return Location(path, mark.line + 1, mark.column + 1)


class _AliasBomb(Exception):
    """Aliases would expand the document past its bound (a "billion laughs")."""

    def __init__(self, diagnostic: Diagnostic) -> None:
        self.diagnostic = diagnostic


def _sizes(root: yaml.Node) -> dict[int, int]:
    """Values under each node, aliases counted as often as they are used (by node id).

    Linear in the document's own nodes, however far aliases would expand it: every
    node's size is computed once, from its children's, in post-order.
    """
    sizes: dict[int, int] = {}
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        if id(node) in sizes:
            continue
        children: list[yaml.Node] = []
        if isinstance(node, yaml.SequenceNode):
            children = list(node.value)
        elif isinstance(node, yaml.MappingNode):
            children = [n for pair in node.value for n in pair]
        if done:
            sizes[id(node)] = 1 + sum(sizes.get(id(c), 0) for c in children)
            continue
        stack.append((node, True))
        stack.extend((c, False) for c in children if id(c) not in sizes)
    return sizes


class _Builder:
    def __init__(self, path: str, loader: _Loader, root: yaml.Node | None = None) -> None:
        self.path = path
        self.loader = loader
        self.spans: dict[PathKey, Span] = {}
        self.diagnostics: list[Diagnostic] = []
        self._active: set[int] = set()
        # Aliases reuse a node; building the data copies it each time. The copies are
        # bounded by a multiple of the document's own nodes, checked before each copy.
        self._sizes = _sizes(root) if root is not None else {}
        self._built: set[int] = set()
        self._copied = 0
        self._bound = max(ALIAS_FLOOR, ALIAS_FACTOR * len(self._sizes))

    def _count_alias(self, node: yaml.Node, used_in: Location) -> None:
        if id(node) not in self._built:
            self._built.add(id(node))
            return
        self._copied += self._sizes.get(id(node), 1)
        if self._copied > self._bound:
            anchor = node.start_mark
            message = (
                f"YAML aliases here expand the file to more than {self._bound:,} values "
                f"(an alias of the block at line {anchor.line + 1}); a content file may repeat anchored "
                f"blocks at most {ALIAS_FACTOR} times its own size: write the values out, or use fewer aliases"
            )
            raise _AliasBomb(Diagnostic(Severity.ERROR, message, used_in))

    def build(self, node: yaml.Node, where: PathKey, key_loc: Location | None, parent: Location | None = None) -> Any:
        self.spans[where] = Span(_mark(self.path, node.start_mark), key_loc, _mark(self.path, node.end_mark))
        if isinstance(node, yaml.ScalarNode):
            return self.loader.construct_object(node, deep=True)
        # An alias has no position of its own: it is reported at its key, or its list.
        self._count_alias(node, key_loc or parent or _mark(self.path, node.start_mark))
        if id(node) in self._active:
            self.diagnostics.append(
                Diagnostic(Severity.ERROR, "an alias refers to itself", _mark(self.path, node.start_mark))
            )
            return None
        self._active.add(id(node))
        try:
            if isinstance(node, yaml.SequenceNode):
                here = self.spans[where].value
                return [self.build(item, (*where, i), None, here) for i, item in enumerate(node.value)]
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


def _char_at(text: str, mark: yaml.Mark | None) -> str:
    """The character a parser's mark points at; empty at the end of the text."""
    if mark is None or not 0 <= mark.index < len(text):
        return ""
    return text[mark.index]


@dataclass(frozen=True)
class _Syntax:
    """A YAML parser's error, and the text at its place."""

    exc: yaml.MarkedYAMLError
    path: str
    text: str

    @property
    def problem(self) -> str:
        return self.exc.problem or ""

    @property
    def context(self) -> str:
        return self.exc.context or ""

    @property
    def where(self) -> yaml.Mark | None:
        return self.exc.problem_mark or self.exc.context_mark

    @property
    def opened(self) -> yaml.Mark | None:
        """Where the block, bracket or quote the parser was in began."""
        return self.exc.context_mark

    @property
    def opened_at(self) -> str:
        opened = self.opened
        return f"line {opened.line + 1} column {opened.column + 1}" if opened is not None else "above"

    @property
    def found(self) -> str:
        return _char_at(self.text, self.exc.problem_mark)

    @property
    def before(self) -> str:
        """The last character before the error's place that is not a space."""
        where = self.where
        return self.text[: where.index].rstrip(" ")[-1:] if where is not None else ""

    def ahead(self, count: int) -> str:
        where = self.where
        return self.text[where.index : where.index + count] if where is not None else ""

    def at(self) -> Location:
        return _mark(self.path, self.where)

    def at_opening(self) -> Location:
        return _mark(self.path, self.exc.context_mark or self.where)


#: A message and the place it points at.
_Explained = tuple[str, Location]

_QUOTE_ENDS_EARLY = (
    "unexpected text after a quoted value; a quote inside a quoted text ends it early: "
    "put the text in the other kind of quotes ('say \"hi\"')"
)


def _in_brackets(s: _Syntax) -> _Explained:
    bracket = "{...}" if "expected ',' or '}'" in s.problem else "[...]"
    comment = _comment_in_flow(s.text, s.opened, s.where)
    if comment is not None:
        return (
            f"an unquoted '#' starts a comment, which hides the rest of the {bracket}; "
            'put the value in quotes ("#c8102e")'
        ), Location(s.path, comment[0] + 1, comment[1] + 1)
    found, opened_at = s.found, s.opened_at
    if not found:
        return f"the {bracket} that starts at {opened_at} is never closed", s.at()
    if found in ("}", "]") and found != bracket[-1]:
        return f"the {bracket[0]} at {opened_at} is closed with '{found}'; close it with '{bracket[-1]}'", s.at()
    if s.before in ("'", '"') and found not in (",", "}", "]"):
        return _QUOTE_ENDS_EARLY, s.at()
    if s.ahead(6) == "{mark:":
        return (
            f"a {{mark:...}} inside the {bracket} that starts at {opened_at} must be in a quoted text: "
            'write "...{mark:NAME}..." in quotes, or put the text on its own line'
        ), s.at()
    return (
        f"inside the {bracket} that starts at {opened_at}, a text holding ',', ':', '{{', '}}', "
        "'[', ']' or '#' must be in quotes (or a closing bracket is missing)"
    ), s.at()


def _in_block(s: _Syntax) -> _Explained:
    where, opened = s.where, s.opened
    if s.found in ("}", "]"):
        return f"an extra '{s.found}' with nothing to close", s.at()
    if s.before in ("'", '"') and where is not None and opened is not None and where.line == opened.line:
        return _QUOTE_ENDS_EARLY, s.at()
    return (
        f"this line is indented differently from the lines of the same block (from {s.opened_at}); "
        "keys of one map, and the '-' items of one list, must start at the same column"
    ), s.at()


def _no_value(s: _Syntax) -> _Explained:
    where = s.where
    if not s.found.strip() and where is not None and not s.text[where.index :].strip():
        return "the file ends where a value should be; was it cut short?", s.at()
    return f"a value cannot start with '{s.found}'; put the text in quotes, or remove the '{s.found}'", s.at()


def _unknown_escape(s: _Syntax) -> _Explained:
    where, text = s.where, s.text
    i = where.index if where is not None else 0
    location = s.at()
    if text[i : i + 1] != "\\" and text[i - 1 : i] == "\\" and where is not None:
        i -= 1  # PyYAML points after the backslash, libyaml at it: point at it
        location = Location(s.path, where.line + 1, where.column)
    return (
        f"'{text[i : i + 2]}' is not an escape that \"double quotes\" know; use 'single quotes', "
        "or / instead of \\ in file paths"
    ), location


def _undefined_alias(s: _Syntax) -> _Explained:
    where = s.where
    name = re.match(r"\*([^\s,\[\]{}]*)", s.text[where.index :]) if where is not None else None
    word = name.group(1) if name else ""
    return (
        f"'*{word}' is read as a YAML alias (of an anchor '&{word}', and there is none); "
        f"put the text in quotes, or write it without the '*'"
    ), s.at()


def _duplicate_anchor(s: _Syntax) -> _Explained:
    where = s.where
    name = re.match(r"&([^\s,\[\]{}]*)", s.text[where.index :]) if where is not None else None
    return f"duplicate anchor '{name.group(1) if name else ''}' (first given at {s.opened_at})", s.at()


#: The common mistakes, in the order they are recognised: how to tell one, and how to explain it.
_MISTAKES: tuple[tuple[Callable[[_Syntax], bool], Callable[[_Syntax], _Explained]], ...] = (
    (
        lambda s: "cannot start any token" in s.problem and (s.found == "\t" or "'\\t'" in s.problem),
        lambda s: ("a tab character; YAML is indented with spaces, not tabs: replace the tab with spaces", s.at()),
    ),
    (
        lambda s: s.problem.startswith("mapping values are not allowed"),
        lambda s: (
            "unexpected ':' here; if the ': ' is part of a text, put the whole text in quotes "
            '("Note: ..."), otherwise check the indentation of this line',
            s.at(),
        ),
    ),
    (
        lambda s: s.problem == "could not find expected ':'",
        lambda s: (
            "this line has no ':'; write 'key: value', or put a text that goes on over several lines in quotes",
            s.at_opening(),
        ),
    ),
    (lambda s: "expected ',' or '}'" in s.problem or "expected ',' or ']'" in s.problem, _in_brackets),
    (
        lambda s: s.problem.startswith(
            ("expected <block end>", "did not find expected key", "did not find expected '-'")
        ),
        _in_block,
    ),
    (lambda s: "expected the node content" in s.problem or "expected node content" in s.problem, _no_value),
    (lambda s: s.problem.startswith("found unknown escape character"), _unknown_escape),
    (
        lambda s: "while scanning an alias" in s.context or "while scanning an anchor" in s.context,
        lambda s: (
            f"a value that starts with '{'*' if 'alias' in s.context else '&'}' must be in quotes",
            s.at_opening(),
        ),
    ),
    (
        lambda s: "cannot start any token" in s.problem,
        lambda s: (
            f"a value cannot start with '{s.found}'; put it in quotes" if s.found else "unexpected character",
            s.at(),
        ),
    ),
    (
        lambda s: s.problem == "found unexpected end of stream" and "quoted scalar" in s.context,
        lambda s: ("this quoted text is never closed; add the closing quote", s.at_opening()),
    ),
    (lambda s: s.problem.startswith("found undefined alias"), _undefined_alias),
    (
        lambda s: s.problem == "but found another document",
        lambda s: ("a second document ('---') starts here; a content file holds a single document", s.at()),
    ),
    (lambda s: s.problem == "second occurrence" and "duplicate anchor" in s.context, _duplicate_anchor),
)


def _yaml_problem(exc: yaml.MarkedYAMLError, path: str, text: str) -> Diagnostic:
    """A YAML syntax error in words for the person editing the file.

    The parsers' own texts ("expected <block end>, but found '<block mapping
    start>'", "did not find expected key") describe the parser, not the file;
    the common mistakes are recognised, by the error and by the text at its
    place, and explained, with the place the person needs to look at. Both
    libyaml's and PyYAML's wordings are understood.
    """
    syntax = _Syntax(exc, path, text)
    for recognised, explain in _MISTAKES:
        if recognised(syntax):
            message, location = explain(syntax)
            break
    else:
        message, location = f"{syntax.problem} {syntax.context}".strip() or "invalid YAML", syntax.at()
    return Diagnostic(Severity.ERROR, f"YAML syntax error: {message}", location)


def _comment_in_flow(text: str, opened: yaml.Mark | None, failed: yaml.Mark | None) -> tuple[int, int] | None:
    """The (line, column), 0-based, of a '#' comment between a bracket's start and an error."""
    if opened is None or failed is None:
        return None
    lines = text.splitlines()
    for number in range(opened.line, min(failed.line, len(lines) - 1) + 1):
        line = lines[number]
        start = opened.column if number == opened.line else 0
        for m in re.finditer(r"(?<=[\s,:\[{])#", line[start:]):
            before = line[: start + m.start()]
            if before.count('"') % 2 == 0 and before.count("'") % 2 == 0:
                return number, start + m.start()
    return None


def _offset_location(text: str, path: str, offset: int) -> Location:
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return Location(path, line, column)


def load_text(text: str, path: str = "<string>") -> Document:
    """Parse YAML text into a :class:`Document`; syntax errors become diagnostics.

    libyaml parses when it is there (five times faster, which keeps ``check``
    quick), the pure-Python parser otherwise. The same parser reads valid and
    broken files, so no file is accepted by one and rejected by the other (they
    differ, for instance, on a '?' in a text inside {...}).
    """
    try:
        loader = (_FastLoader or _Loader)(text)
    except yaml.reader.ReaderError:
        return Document(path, None, {}, [_unprintable(text, path)], text)
    try:
        try:
            node = loader.get_single_node()
        except yaml.reader.ReaderError:
            return Document(path, None, {}, [_unprintable(text, path)], text)
        except yaml.MarkedYAMLError as exc:
            return Document(path, None, {}, [_yaml_problem(exc, path, text)], text)
        except yaml.YAMLError as exc:
            problem = Diagnostic(Severity.ERROR, f"YAML error: {exc}", Location(path, 1, 1))
            return Document(path, None, {}, [problem], text)
        if node is None:
            return Document(path, None, {(): Span(Location(path, 1, 1))}, [], text)
        builder = _Builder(path, loader, node)
        try:
            data = builder.build(node, (), None)
        except _AliasBomb as bomb:
            return Document(path, None, {}, [bomb.diagnostic], text)
        except yaml.constructor.ConstructorError as exc:
            message = exc.problem or "invalid value"
            if "could not determine a constructor for the tag" in message:
                tag = message.split("'")[1] if message.count("'") >= 2 else "?"
                short = tag.replace("tag:yaml.org,2002:", "!!")
                message = f"unknown tag '{short}'; content files hold plain text, numbers, lists and maps"
            problem = Diagnostic(Severity.ERROR, f"YAML error: {message}", _mark(path, exc.problem_mark))
            return Document(path, None, {}, [problem], text)
        except (ValueError, TypeError, OverflowError) as exc:
            # A scalar the constructor cannot turn into a value (e.g. an out-of-range float literal).
            problem = Diagnostic(Severity.ERROR, f"YAML error: {exc}", Location(path, 1, 1))
            return Document(path, None, {}, [problem], text)
        return Document(path, data, builder.spans, builder.diagnostics, text)
    finally:
        loader.dispose()


def _unprintable(text: str, path: str) -> Diagnostic:
    """The first character YAML does not allow, found again in the text.

    (libyaml gives its position in bytes, PyYAML in characters: searching is
    simpler than converting.)
    """
    found = yaml.reader.Reader.NON_PRINTABLE.search(text)
    offset = found.start() if found else 0
    code = ord(found.group(0)[0]) if found else 0
    return Diagnostic(
        Severity.ERROR,
        f"the file holds a control character (U+{code:04X}) that YAML does not allow; delete it",
        _offset_location(text, path, offset),
    )


def load_file(path: str | Path, display: str | None = None) -> Document:
    """Read and parse a YAML file. Unreadable files become a located error, not an exception."""
    shown = display or str(path)
    limit = max_file_bytes()
    try:
        size = Path(path).stat().st_size
        if size > limit:
            message = (
                f"the file is {megabytes(size)}, more than the {megabytes(limit)} a content file may hold; "
                f"split it (or set {MAX_FILE_ENV} to a larger number of megabytes)"
            )
            return Document(shown, None, {}, [Diagnostic(Severity.ERROR, message, Location(shown, 1, 1))])
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
