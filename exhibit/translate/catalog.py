"""The catalog: every visitor-facing string of the content, under a stable id.

Ids name what a string belongs to, never its position in a list, so that a
translation still finds its string after lines, cues or questions are added or
moved: ``scene:nanhu_red_boat/narration/intro/text``,
``scene:nanhu_red_boat/cues/title@0/subtitle`` (a cue without an id goes by what it
does and when), ``bank:party_history/questions/nanhu_boat/options/B``.

The strings are read from the YAML node tree (ruamel.yaml keeps each value's exact
place in the file), so :mod:`exhibit.translate.yamlpatch` can later edit the very
characters a string came from.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from enum import StrEnum
from pathlib import Path

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from exhibit.spec.errors import Diagnostic, Location, Severity
from exhibit.spec.project import Project

Step = str | int
NodePath = tuple[Step, ...]

#: the cue kinds whose text visitors read, and their text fields
_CUE_TEXTS = {"caption": ("text",), "title": ("text", "subtitle"), "choice": ("prompt",)}
_LETTERS = "ABCDEFGH"


class State(StrEnum):
    """Where a string stands in the target language."""

    TRANSLATED = "translated"
    MISSING = "missing"
    #: one text for every language (a name, a number): translating it is optional
    UNIVERSAL = "universal"


@dataclass(frozen=True)
class Entry:
    """One localized string: where it sits, its source text and its translation."""

    id: str
    file: Path
    display: str  # the file as messages name it
    path: NodePath  # steps from the document root to the text's node
    line: int  # 1-based line of the text in the file
    column: int
    source: str
    target: str | None
    universal: bool
    note: str  # what the string is, for the translator
    languages: tuple[str, ...]  # the file's languages
    values: tuple[tuple[str, str], ...] = ()  # every language's text as written

    @property
    def state(self) -> State:
        if self.universal:
            return State.UNIVERSAL
        return State.TRANSLATED if self.target is not None else State.MISSING

    @property
    def location(self) -> Location:
        return Location(self.display, self.line, self.column)


@dataclass
class Catalog:
    """The strings of a set of content files in one target language."""

    lang: str
    source_lang: str
    entries: list[Entry] = field(default_factory=list)
    texts: dict[Path, str] = field(default_factory=dict)  # each file's text as read
    skipped: list[Diagnostic] = field(default_factory=list)  # files that could not be read

    def by_id(self) -> dict[str, Entry]:
        return {e.id: e for e in self.entries}

    def missing(self) -> list[Entry]:
        return [e for e in self.entries if e.state is State.MISSING]

    def languages(self) -> list[str]:
        """Every language some string is written in, in the order first met."""
        found: dict[str, None] = {}
        for e in self.entries:
            found.update(dict.fromkeys(e.languages))
            found.update(dict.fromkeys(lang for lang, _ in e.values if lang != "*"))
        return list(found)

    def retarget(self, lang: str) -> Catalog:
        """The same strings, with their translations into ``lang``."""
        entries = [e if e.universal else replace(e, target=dict(e.values).get(lang)) for e in self.entries]
        return Catalog(lang, self.source_lang, entries, self.texts, self.skipped)

    def gaps(self, severity: Severity) -> list[Diagnostic]:
        """One line per file that has strings without a translation, at the first of them."""
        per_file: dict[str, list[Entry]] = {}
        for e in self.missing():
            per_file.setdefault(e.display, []).append(e)
        return [
            Diagnostic(
                severity,
                f"{len(found)} string(s) have no '{self.lang}' translation, the first here "
                f"({found[0].id}); 'exhibit translate export --lang {self.lang}' lists them",
                found[0].location,
            )
            for found in per_file.values()
        ]


def compose(text: str) -> Node | None:
    """The node tree of a YAML text, each node with its start and end in the text."""
    return YAML(typ="rt").compose(text)  # type: ignore[no-any-return]


def child(node: Node | None, step: Step) -> Node | None:
    if isinstance(node, MappingNode) and isinstance(step, str):
        for key, value in node.value:
            if isinstance(key, ScalarNode) and key.value == step:
                return value  # type: ignore[no-any-return]
        return None
    if isinstance(node, SequenceNode) and isinstance(step, int):
        return node.value[step] if 0 <= step < len(node.value) else None
    return None


def node_at(root: Node | None, path: NodePath) -> Node | None:
    node = root
    for step in path:
        node = child(node, step)
    return node


def scalar(node: Node | None, step: str) -> str | None:
    found = child(node, step)
    return found.value if isinstance(found, ScalarNode) else None


def _items(node: Node | None) -> Iterator[tuple[int, Node]]:
    if isinstance(node, SequenceNode):
        yield from enumerate(node.value)


def _scene_texts(root: Node) -> Iterator[tuple[str, NodePath, str]]:
    yield "title", ("title",), "scene title"
    objects = child(root, "objects")
    if isinstance(objects, MappingNode):
        for key, value in objects.value:
            if scalar(value, "kind") == "text":
                yield f"objects/{key.value}/text", ("objects", key.value, "text"), "text in the world"
            if child(value, "plaque") is not None:
                plaque: NodePath = ("objects", key.value, "plaque", "text")
                yield f"objects/{key.value}/plaque/text", plaque, "plaque under a picture"
            for part in ("title", "text") if child(value, "info") is not None else ():
                yield (
                    f"objects/{key.value}/info/{part}",
                    ("objects", key.value, "info", part),
                    f"info card {part} of a hotspot",
                )
    for i, line in _items(child(root, "narration")):
        line_id = scalar(line, "id") or f"line{i + 1}"
        yield f"narration/{line_id}/text", ("narration", i, "text"), "narration line (keep every {mark:...})"
    for i, line in _items(child(root, "description")):
        line_id = scalar(line, "id") or f"line{i + 1}"
        yield f"description/{line_id}/text", ("description", i, "text"), "audio description line"
    seen: dict[str, int] = {}
    for i, cue in _items(child(root, "cues")):
        do = scalar(cue, "do") or ""
        fields = _CUE_TEXTS.get(do, ()) + (("label",) if child(cue, "label") is not None else ())
        if not fields:
            continue
        name = scalar(cue, "id") or f"{do}@{''.join((scalar(cue, 'at') or '0').split())}"
        seen[name] = seen.get(name, 0) + 1
        if seen[name] > 1:
            name = f"{name}#{seen[name]}"  # two cues of one kind at one time: by order
        for text_field in fields:
            yield f"cues/{name}/{text_field}", ("cues", i, text_field), f"{do} cue {text_field}"
        for k, _option in _items(child(cue, "options")) if do == "choice" else ():
            yield f"cues/{name}/options/{k + 1}", ("cues", i, "options", k, "label"), f"choice option {k + 1}"
    for part in ("music", "sounds"):
        for i, item in _items(child(root, part)):
            if child(item, "label") is not None:
                where = "".join((scalar(item, "at") or "0").split())
                yield f"{part}/{i + 1}@{where}/label", (part, i, "label"), f"sound caption of {part} entry {i + 1}"


def _bank_texts(root: Node) -> Iterator[tuple[str, NodePath, str]]:
    yield "title", ("title",), "bank title"
    for i, question in _items(child(root, "questions")):
        qid = scalar(question, "id") or f"q{i + 1}"
        yield f"questions/{qid}/stem", ("questions", i, "stem"), "question"
        for j, _option in _items(child(question, "options")):
            letter = _LETTERS[j] if j < len(_LETTERS) else str(j + 1)
            yield f"questions/{qid}/options/{letter}", ("questions", i, "options", j), f"answer option {letter}"
        yield f"questions/{qid}/explanation", ("questions", i, "explanation"), "explanation after answering"


def _entry(
    ident: str, path: NodePath, note: str, node: Node, where: tuple[Path, str], langs: tuple[str, ...], cat: Catalog
) -> Entry | None:
    file, display = where
    line, column = node.start_mark.line + 1, node.start_mark.column + 1
    if isinstance(node, ScalarNode):
        text = str(node.value)
        return Entry(ident, file, display, path, line, column, text, text, True, note, langs, (("*", text),))
    if not isinstance(node, MappingNode):
        return None
    values = {str(k.value): str(v.value) for k, v in node.value if isinstance(v, ScalarNode)}
    if not values:
        return None
    source = values.get(cat.source_lang, next(iter(values.values())))
    written = tuple(values.items())
    return Entry(ident, file, display, path, line, column, source, values.get(cat.lang), False, note, langs, written)


def _add_file(cat: Catalog, project: Project, path: Path, kind: str) -> None:
    display = project.display(path)
    loaded = project.load_scene(path) if kind == "scene" else project.load_bank(path)
    if loaded.model is None or any(d.is_error for d in loaded.diagnostics):
        cat.skipped.append(
            Diagnostic(
                Severity.WARNING,
                "left out of the translation: the file has errors; run 'exhibit check' and fix them first",
                Location(display),
            )
        )
        return
    text = path.read_bytes().decode("utf-8")  # as it is: line endings too, since edits splice into it
    try:
        root = compose(text)
    except YAMLError as exc:  # the project's loader took it, ruamel did not: say so, go on
        cat.skipped.append(Diagnostic(Severity.WARNING, f"left out of the translation: {exc}", Location(display)))
        return
    if root is None:
        return
    cat.texts[path] = text
    model = loaded.model
    if kind == "scene":
        prefix, walk = f"scene:{model.scene_id}", _scene_texts  # type: ignore[union-attr]
    else:
        prefix, walk = f"bank:{model.bank}", _bank_texts  # type: ignore[union-attr]
    langs = tuple(model.languages)
    for ident, node_path, note in walk(root):
        node = node_at(root, node_path)
        if node is not None:
            entry = _entry(f"{prefix}/{ident}", node_path, note, node, (path, display), langs, cat)
            if entry is not None:
                cat.entries.append(entry)


def catalog(project: Project, lang: str, source_lang: str, paths: list[Path] | None = None) -> Catalog:
    """Every localized string of the given files (default: all scenes and banks)."""
    cat = Catalog(lang, source_lang)
    banks = {p.resolve() for p in project.bank_paths()}
    if paths is None:
        paths = project.scene_paths() + project.bank_paths()
    for path in paths:
        kind = "bank" if path.resolve() in banks or "\nquestions:" in _head(path) else "scene"
        _add_file(cat, project, path, kind)
    return cat


def _head(path: Path) -> str:
    try:
        return "\n" + path.read_text(encoding="utf-8", errors="replace")[:4000]
    except OSError:
        return ""
