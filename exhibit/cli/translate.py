"""``exhibit translate``: export the visitor-facing strings for translators, import their work."""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from exhibit.spec.common import LANG_PATTERN
from exhibit.spec.errors import ExhibitError, sort_diagnostics
from exhibit.spec.project import Project


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "translate",
        help="export strings to translate (xlsx, csv, XLIFF) and import the translations",
        description="Export every visitor-facing string of the scenes and question banks with a "
        "stable id, and write translations back into the YAML (comments and layout kept).",
    )
    actions = p.add_subparsers(dest="translate_action", metavar="ACTION")
    ex = actions.add_parser(
        "export",
        help="write the strings of one language to a .xlsx, .csv or .xlf file",
        description="Write every string with its id, the source text, the current translation and its "
        "state (translated, missing, universal) to FILE; the suffix picks the format.",
    )
    ex.add_argument("--lang", required=True, help="the language to translate into, e.g. ko")
    ex.add_argument("--source", default=None, help="the language to translate from (default: the hall's first)")
    ex.add_argument("-o", "--output", required=True, help="FILE.xlsx, FILE.csv or FILE.xlf (XLIFF 1.2)")
    ex.add_argument("paths", nargs="*", help="scene or bank files (default: all)")
    ex.set_defaults(run=run_export)
    im = actions.add_parser(
        "import",
        help="write the translations of a .xlsx, .csv or .xlf file back into the YAML",
        description="Write each translated row into its scene or bank, keeping comments, order and "
        "formatting; report stale rows (source changed), orphans (id gone) and gaps. Exit 1 when a "
        "row was refused.",
    )
    im.add_argument("file", help="the translation file")
    im.add_argument("--dry-run", action="store_true", help="report only; change no file")
    im.set_defaults(run=run_import)
    p.set_defaults(run=lambda args: (p.print_help(), 2)[1])


def _lang(value: str, what: str) -> str:
    if not re.match(LANG_PATTERN, value):
        raise ExhibitError(f"{what} '{value}' is not a language code; use codes like ko, ja or en")
    return value


def _source_lang(project: Project, given: str | None) -> str:
    if given:
        return _lang(given, "--source")
    hall = project.load_hall().model
    return hall.languages[0] if hall is not None and hall.languages else "zh"


def run_export(args: argparse.Namespace) -> int:
    from exhibit.translate import Row, Sheet, catalog, write_rows

    project = Project.at(args.root)
    lang = _lang(args.lang, "--lang")
    source = _source_lang(project, args.source)
    paths = [Path(p) if Path(p).exists() else project.root / p for p in args.paths] or None
    cat = catalog(project, lang, source, paths)
    for d in sort_diagnostics(cat.skipped):
        print(d, file=sys.stderr)
    rows = tuple(Row(e.id, e.source, e.target, e.state.value, e.display, e.note) for e in cat.entries)
    out = Path(args.output)
    write_rows(out, Sheet(source, lang, rows))
    states = {s: sum(r.state == s for r in rows) for s in ("translated", "missing", "universal")}
    print(
        f"wrote {out}: {len(rows)} strings from {len(cat.texts)} files in {source} -> {lang}: "
        + ", ".join(f"{n} {s}" for s, n in states.items()),
        file=sys.stderr,
    )
    return 1 if cat.skipped else 0


def run_import(args: argparse.Namespace) -> int:
    from exhibit.translate import merge, read_rows

    project = Project.at(args.root)
    sheet = read_rows(Path(args.file))
    report = merge(project, sheet, dry_run=args.dry_run)
    for d in sort_diagnostics(report.diagnostics):
        print(d, file=sys.stderr)
    verb = "would write" if args.dry_run else "wrote"
    for display, n in report.written.items():
        print(f"{verb} {n} {sheet.lang} string(s) into {display}", file=sys.stderr)
    c = report.counts
    print(
        f"imported {sheet.lang} from {args.file}: {c['applied']} written, {c['unchanged']} unchanged, "
        f"{c['stale']} stale, {c['orphan']} orphan(s), {c['refused']} refused, "
        f"{report.gaps} still untranslated",
        file=sys.stderr,
    )
    return 1 if report.failed else 0
