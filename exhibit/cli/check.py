"""``exhibit check``: validate scenes, question banks and hall.yaml, reporting every problem."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from exhibit.spec.errors import Diagnostic, Location, Severity, sort_diagnostics
from exhibit.spec.project import YAML_SUFFIXES, Project


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("check", help="validate scenes, question banks and hall.yaml",
                       description="Validate content files (default: scenes/, quiz/ and hall.yaml). "
                                   "Exit 1 on any error; --strict makes warnings fail too. Notes never fail.")
    p.add_argument("paths", nargs="*", help="files or folders to check")
    p.add_argument("--strict", action="store_true", help="fail on warnings as well as errors")
    p.add_argument("-q", "--quiet", action="store_true", help="do not print notes")
    p.set_defaults(run=run)


def _kind_of(path: Path, project: Project) -> str:
    if path.name in ("hall.yaml", "hall.yml"):
        return "hall"
    parts = path.resolve().parts
    if "quiz" in parts[len(project.root.parts):]:
        return "bank"
    if "scenes" in parts[len(project.root.parts):]:
        return "scene"
    try:
        head = path.read_text(encoding="utf-8-sig", errors="replace")[:4000]
    except OSError:
        return "scene"
    if "\nquestions:" in f"\n{head}":
        return "bank"
    if "\ndisplay:" in f"\n{head}" or "\noutputs:" in f"\n{head}":
        return "hall"
    return "scene"


def collect(project: Project, paths: list[str]) -> list[tuple[str, Path]]:
    targets: list[tuple[str, Path]] = []
    if not paths:
        targets += [("scene", p) for p in project.scene_paths()]
        targets += [("bank", p) for p in project.bank_paths()]
        if project.hall_path.exists():
            targets.append(("hall", project.hall_path))
        return targets
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for p in sorted(path.rglob("*")):
                if p.suffix in YAML_SUFFIXES and p.is_file():
                    targets.append((_kind_of(p, project), p))
        else:
            targets.append((_kind_of(path, project), path))
    return targets


def check_paths(project: Project, paths: list[str]) -> tuple[list[Diagnostic], dict[str, int]]:
    """Every diagnostic for the given content, and how many files of each kind were read."""
    from exhibit.spec.checks import SceneContext, check_scene
    from exhibit.timeline.compile import compile_scene

    diagnostics: list[Diagnostic] = []
    counts = {"scene": 0, "bank": 0, "hall": 0}
    hall_loaded = project.load_hall()
    hall = hall_loaded.model if project.hall_path.exists() else None
    banks = project.bank_names()
    targets = collect(project, paths)
    if not targets:
        where = ", ".join(paths) if paths else str(project.root)
        diagnostics.append(Diagnostic(Severity.ERROR, f"no scenes, banks or hall.yaml found in {where}", None))
    for kind, path in targets:
        counts[kind] += 1
        if not path.exists():
            diagnostics.append(Diagnostic(Severity.ERROR, "no such file", Location(project.display(path))))
            continue
        if kind == "hall":
            diagnostics.extend(project.load_hall(path).diagnostics)
        elif kind == "bank":
            diagnostics.extend(project.load_bank(path).diagnostics)
        else:
            loaded = project.load_scene(path)
            diagnostics.extend(loaded.diagnostics)
            if loaded.model is None:
                continue
            ctx = SceneContext(loaded.model, loaded.doc, project, hall, banks)
            found = check_scene(ctx)
            diagnostics.extend(found)
            if any(d.is_error for d in found):
                continue
            for lang in loaded.model.languages:
                timings = _timings(project, loaded.model, lang)
                _, diags = compile_scene(loaded.model, lang, timings, loaded.doc)
                diagnostics.extend(d for d in diags if d not in diagnostics)
                diagnostics.extend(_reading_speed(loaded.model, lang, timings, loaded.doc))
    return diagnostics, counts


def _timings(project: Project, scene: object, lang: str) -> dict[str, object]:
    """Measured timings where audio already exists (recordings, built voices); else estimates."""
    try:
        from exhibit.narration import timings_for  # type: ignore[attr-defined]
    except ImportError:
        return {}
    return dict(timings_for(project, scene, lang))


def _reading_speed(scene: object, lang: str, timings: dict[str, object], doc: object) -> list[Diagnostic]:
    try:
        from exhibit.narration import reading_speed_warnings  # type: ignore[attr-defined]
    except ImportError:
        return []
    return list(reading_speed_warnings(scene, lang, timings, doc))


def run(args: argparse.Namespace) -> int:
    project = Project.at(args.root)
    started = time.perf_counter()
    diagnostics, counts = check_paths(project, list(args.paths))
    shown = [d for d in diagnostics if not (args.quiet and d.severity is Severity.NOTE)]
    for d in sort_diagnostics(shown):
        print(d)
    errors = sum(d.severity is Severity.ERROR for d in diagnostics)
    warnings = sum(d.severity is Severity.WARNING for d in diagnostics)
    notes = sum(d.severity is Severity.NOTE for d in diagnostics)
    what = ", ".join(f"{n} {k}{'s' if n != 1 else ''}" for k, n in counts.items() if n)
    elapsed = time.perf_counter() - started
    print(f"checked {what or 'nothing'}: {errors} error(s), {warnings} warning(s), {notes} note(s) "
          f"in {elapsed:.2f} s", file=sys.stderr)
    if errors or (args.strict and warnings):
        return 1
    return 0
