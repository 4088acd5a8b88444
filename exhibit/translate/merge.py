"""Import: a file of translations written back into the scenes and question banks.

Each row is matched to its string by id. A row is applied only when it is safe:

- *orphan*: the id is no longer in the content (a line was removed or renamed);
- *stale*: the source text changed since the file was exported, so the translation
  may say something else; it is not written until someone reviews it;
- a narration translation must keep the line's ``{mark:...}`` bookmarks;
- a row with no translation leaves the string as it is (a *gap*).

Every edited file is validated before it is written, and written whole or not at all
(a temporary file renamed over it). Files with nothing to change are not touched.
"""

from __future__ import annotations

import os
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from exhibit.spec.checks import marks_in
from exhibit.spec.errors import Diagnostic, Severity
from exhibit.spec.project import Project
from exhibit.spec.quiz import Bank
from exhibit.spec.scene import Scene
from exhibit.spec.source import load_text
from exhibit.spec.validate import validate_document
from exhibit.translate.catalog import Catalog, Entry, catalog, compose, node_at
from exhibit.translate.rows import Row, Sheet
from exhibit.translate.yamlpatch import Edit, apply, set_text


@dataclass
class MergeReport:
    """What an import did and found."""

    lang: str
    written: dict[str, int] = field(default_factory=dict)  # file -> strings changed
    diagnostics: list[Diagnostic] = field(default_factory=list)
    counts: Counter[str] = field(default_factory=Counter)  # applied, unchanged, stale, orphan, gap, refused
    gaps: int = 0  # strings still without a translation after the import

    @property
    def failed(self) -> bool:
        return any(d.is_error for d in self.diagnostics)


def _same(a: str, b: str) -> bool:
    return a.replace("\r\n", "\n").strip() == b.replace("\r\n", "\n").strip()


def _judge(row: Row, entry: Entry | None, lang: str, report: MergeReport) -> bool:
    """Whether ``row`` may be written; says why not."""
    say = report.diagnostics.append
    if entry is None:
        report.counts["orphan"] += 1
        say(Diagnostic(Severity.WARNING, f"orphan: '{row.id}' is no longer in the content; not imported", row.where))
        return False
    if row.target is None:
        report.counts["gap"] += 1
        return False
    if not _same(row.source, entry.source):
        report.counts["stale"] += 1
        say(
            Diagnostic(
                Severity.WARNING,
                f"stale: the source of '{row.id}' changed since the export ({entry.location}); "
                f"not imported: translate the new source",
                row.where,
            )
        )
        return False
    if Counter(marks_in(row.target)) != Counter(marks_in(entry.source)):
        report.counts["refused"] += 1
        wanted = " ".join(f"{{mark:{m}}}" for m in marks_in(entry.source)) or "no marks"
        say(
            Diagnostic(
                Severity.ERROR,
                f"the '{lang}' text of '{row.id}' must keep the bookmarks of the source ({wanted}); not imported",
                row.where,
            )
        )
        return False
    return True


def _edits(cat: Catalog, sheet: Sheet, report: MergeReport) -> dict[Path, list[Edit]]:
    entries = cat.by_id()
    roots = {path: compose(text) for path, text in cat.texts.items()}
    edits: dict[Path, list[Edit]] = {}
    seen: set[str] = set()
    for row in sheet.rows:
        if row.id in seen:
            report.counts["refused"] += 1
            report.diagnostics.append(
                Diagnostic(Severity.ERROR, f"'{row.id}' appears twice; only its first row is imported", row.where)
            )
            continue
        seen.add(row.id)
        entry = entries.get(row.id)
        if not _judge(row, entry, cat.lang, report) or entry is None or row.target is None:
            continue
        node = node_at(roots[entry.file], entry.path)
        edit = set_text(cat.texts[entry.file], node, cat.lang, row.target, entry.languages) if node else None
        if edit is None or (entry.universal and _same(row.target, entry.source)):
            report.counts["unchanged"] += 1
            continue
        report.counts["applied"] += 1
        edits.setdefault(entry.file, []).append(edit)
    return edits


def _write(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(text.encode("utf-8"))
        os.chmod(tmp, path.stat().st_mode & 0o777)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _valid(display: str, text: str, kind: type[Scene] | type[Bank]) -> list[Diagnostic]:
    loaded = validate_document(load_text(text, display), kind, "scene" if kind is Scene else "question bank")
    return [d for d in loaded.diagnostics if d.is_error]


def merge(project: Project, sheet: Sheet, *, dry_run: bool = False) -> MergeReport:
    """Write the translations of ``sheet`` into the content; report what was and was not done."""
    cat = catalog(project, sheet.lang, sheet.source_lang)
    report = MergeReport(sheet.lang)
    report.diagnostics += cat.skipped
    banks = {p.resolve() for p in project.bank_paths()}
    for path, edits in _edits(cat, sheet, report).items():
        new = apply(cat.texts[path], edits)
        display = project.display(path)
        problems = _valid(display, new, Bank if path.resolve() in banks else Scene)
        if problems:
            report.counts["refused"] += len(edits)
            report.diagnostics += problems
            continue
        if not dry_run:
            _write(path, new)
        report.written[display] = len(edits)
    after = catalog(project, sheet.lang, sheet.source_lang) if report.written and not dry_run else cat
    report.gaps = len(after.missing())
    report.diagnostics += after.gaps(Severity.NOTE)
    return report
