"""Edits to the text of a YAML file that touch only the characters they change.

Loading a file and dumping it again, even with a round-trip library, re-spaces
aligned values (``wind:   {...}``) and re-indents lists. Instead the node tree that
ruamel.yaml composes gives each value's exact start and end in the text, and an
edit replaces that span, or inserts one key after the last one of a map, in the
map's own style (a new line at the keys' indentation in a block map, ``, ko: ...``
before the closing brace of a flow map). Everything else (comments, order, quoting,
blank lines) stays byte for byte. New values are written by ruamel.yaml's emitter,
which quotes them when YAML needs it (and when YAML 1.1, which the engine reads,
would take them for something else than text).
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterable
from dataclasses import dataclass

import yaml as yaml11
from ruamel.yaml import YAML
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode

from exhibit.spec.errors import ExhibitError


@dataclass(frozen=True)
class Edit:
    """Replace ``text[start:end]`` with ``new``."""

    start: int
    end: int
    new: str


def render_scalar(value: str) -> str:
    """``value`` as a YAML scalar that reads back as the same string in block and flow context."""
    yaml = YAML(typ="rt")
    yaml.width = 1 << 20  # never fold a long line
    yaml.default_flow_style = True
    out = io.StringIO()
    yaml.dump([value], out)
    dumped = out.getvalue().strip()
    if not (dumped.startswith("[") and dumped.endswith("]")):  # pragma: no cover - the emitter's contract
        raise ExhibitError(f"cannot write {value!r} as YAML")
    rendered = dumped[1:-1]
    # The engine reads YAML 1.1 (PyYAML), where a bare yes, no, on or off is true/false.
    if not _reads_back(rendered, value):
        rendered = json.dumps(value, ensure_ascii=False)  # a JSON string is a double-quoted YAML scalar
    return rendered


def _reads_back(rendered: str, value: str) -> bool:
    """Whether the engine's YAML reader takes ``rendered`` for ``value`` in block and flow maps."""
    try:
        block: object = yaml11.safe_load(f"k: {rendered}\n")
        flow: object = yaml11.safe_load(f"{{a: b, k: {rendered}}}")
    except yaml11.YAMLError:
        return False
    return block == {"k": value} and flow == {"a": "b", "k": value}


def _ends_a_flow_entry(written: str) -> bool:
    """Whether ``written``, the last value of a flow map, reads the same with an entry after it."""
    try:
        alone: object = yaml11.safe_load(f"{{k: {written}}}")
        followed: object = yaml11.safe_load(f"{{k: {written}, z: z}}")
    except yaml11.YAMLError:
        return False
    return isinstance(alone, dict) and followed == {**alone, "z": "z"}


def _replace(text: str, node: Node, new: str) -> Edit:
    start, end = node.start_mark.index, node.end_mark.index
    if text[start:end].endswith("\n"):  # a block scalar ends after its last line break
        new += "\n"
    return Edit(start, end, new)


def _insert_key(text: str, node: MappingNode, lang: str, value: str) -> Edit:
    last = node.value[-1][1]
    entry = f"{lang}: {render_scalar(value)}"
    if node.flow_style:
        start, at = last.start_mark.index, last.end_mark.index
        if isinstance(last, ScalarNode) and not _ends_a_flow_entry(text[start:at]):
            # a plain value that read well before "}" but not before "," ("room?, ko")
            return Edit(start, at, f"{json.dumps(last.value, ensure_ascii=False)}, {entry}")
        return Edit(at, at, f", {entry}")
    indent = " " * node.value[0][0].start_mark.column
    eol = "\r\n" if "\r\n" in text else "\n"  # the file's own line ends
    at = last.end_mark.index
    if at > 0 and text[at - 1] == "\n":
        return Edit(at, at, f"{indent}{entry}{eol}")
    newline = text.find("\n", at)
    if newline < 0:
        return Edit(len(text), len(text), f"{eol}{indent}{entry}{eol}")
    return Edit(newline + 1, newline + 1, f"{indent}{entry}{eol}")


def set_text(text: str, node: Node, lang: str, value: str, languages: Iterable[str]) -> Edit | None:
    """The edit that makes the localized text at ``node`` say ``value`` in ``lang``.

    A text written once for every language becomes a map that keeps it for each of
    ``languages`` and adds ``lang``. None when it already says so.
    """
    if isinstance(node, MappingNode):
        for key, old in node.value:
            if isinstance(key, ScalarNode) and key.value == lang:
                if isinstance(old, ScalarNode) and old.value == value:
                    return None
                return _replace(text, old, render_scalar(value))
        return _insert_key(text, node, lang, value)
    if isinstance(node, ScalarNode):
        if node.value == value:
            return None
        same = render_scalar(str(node.value))
        parts = [f"{code}: {same}" for code in languages if code != lang]
        parts.append(f"{lang}: {render_scalar(value)}")
        return _replace(text, node, "{" + ", ".join(parts) + "}")
    raise ExhibitError("a localized text must be a string or a map of languages")


def apply(text: str, edits: Iterable[Edit]) -> str:
    """``text`` with every edit made; edits may not overlap."""
    out = text
    last_start = len(text) + 1
    for edit in sorted(edits, key=lambda e: (e.start, e.end), reverse=True):
        if edit.end > last_start:
            raise ExhibitError("two translations edit the same text")  # pragma: no cover - ids are unique
        out = out[: edit.start] + edit.new + out[edit.end :]
        last_start = edit.start
    return out
