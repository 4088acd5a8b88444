"""``exhibit check``: validate scenes, question banks and hall.yaml, reporting every problem."""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path
from typing import Any

from exhibit.spec.common import ID_PATTERN
from exhibit.spec.errors import Diagnostic, Location, Severity, sort_diagnostics
from exhibit.spec.hall import Hall, exposure_problem
from exhibit.spec.project import YAML_SUFFIXES, Project, check_hall
from exhibit.spec.quiz import Bank, check_bank
from exhibit.spec.scene import Scene
from exhibit.spec.source import Document, PathKey
from exhibit.spec.validate import Salvaged, salvage
from exhibit.timeline.timing import LineTiming


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "check",
        help="validate scenes, question banks and hall.yaml",
        description="Validate content files (default: scenes/, quiz/ and hall.yaml). "
        "Exit 1 on any error; --strict makes warnings fail too. Notes never fail.",
    )
    p.add_argument("paths", nargs="*", help="files or folders to check")
    p.add_argument("--strict", action="store_true", help="fail on warnings as well as errors")
    p.add_argument("-q", "--quiet", action="store_true", help="do not print notes")
    p.set_defaults(run=run)


def _kind_of(path: Path, project: Project) -> str:
    if path.name in ("hall.yaml", "hall.yml"):
        return "hall"
    parts = path.resolve().parts
    if "quiz" in parts[len(project.root.parts) :]:
        return "bank"
    if "scenes" in parts[len(project.root.parts) :]:
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
        if not path.exists() and not path.is_absolute() and (project.root / path).exists():
            path = project.root / path  # `exhibit --root HALL check scenes/x.yaml` from elsewhere
        if path.is_dir():
            for p in sorted(path.rglob("*")):
                if p.suffix in YAML_SUFFIXES and p.is_file():
                    targets.append((_kind_of(p, project), p))
        else:
            targets.append((_kind_of(path, project), path))
    return targets


def check_paths(project: Project, paths: list[str]) -> tuple[list[Diagnostic], dict[str, int]]:
    """Every diagnostic for the given content, and how many files of each kind were read."""
    diagnostics: list[Diagnostic] = []
    counts = {"scene": 0, "bank": 0, "hall": 0}
    hall = _hall_for_scenes(project)
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
            diagnostics.extend(_check_hall(project, path))
        elif kind == "bank":
            diagnostics.extend(_check_bank(project, path))
        else:
            diagnostics.extend(_check_scene(project, path, hall, banks))
    return diagnostics, counts


def _hall_for_scenes(project: Project) -> Hall | None:
    """The hall whose effect names scenes may use; what is usable of it when it has errors."""
    if not project.hall_path.exists():
        return None
    loaded = project.load_hall()
    if loaded.model is not None:
        return loaded.model
    rescued = salvage(loaded.doc, Hall)
    return rescued.model if rescued is not None else None


def _check_hall(project: Project, path: Path) -> list[Diagnostic]:
    loaded = project.load_hall(path)
    found = list(loaded.diagnostics)
    for what in ("osc", "http"):  # what 'exhibit hall' would refuse to start with
        endpoint = getattr(loaded.model.remote, what) if loaded.model is not None else None
        problem = exposure_problem(endpoint, what) if endpoint is not None else None
        if problem is not None:
            found.append(Diagnostic(Severity.ERROR, problem, loaded.doc.locate(("remote", what, "bind"))))
    if loaded.model is None:
        rescued = salvage(loaded.doc, Hall)
        if rescued is not None:
            found += _new(_beside(check_hall(rescued.model, rescued.doc, project), loaded.doc, rescued), found)
    return found


def _check_bank(project: Project, path: Path) -> list[Diagnostic]:
    loaded = project.load_bank(path)
    found = list(loaded.diagnostics)
    conflict = project.bank_conflict(path) if path.parent.resolve() == project.quiz_dir.resolve() else None
    if conflict is not None:
        name, other = conflict
        where = loaded.doc.locate(("bank",)) if loaded.doc.value_at(("bank",)) else Location(loaded.doc.path, 1, 1)
        message = f"{other} defines the bank '{name}' too; one of the two would be hidden: rename or remove one"
        found.append(Diagnostic(Severity.ERROR, message, where))
    if loaded.model is None:
        rescued = salvage(loaded.doc, Bank)
        if rescued is not None:
            found += _new(_beside(check_bank(rescued.model, rescued.doc), loaded.doc, rescued), found)
    return found


# Top-level parts whose loss would make the other checks of a file report false errors.
_NEEDED = {("objects",), ("narration",), ("cues",), ("languages",)}


def _check_scene(project: Project, path: Path, hall: Hall | None, banks: dict[str, Path]) -> list[Diagnostic]:
    from exhibit.spec.checks import SceneContext, check_scene
    from exhibit.timeline.compile import compile_scene

    loaded = project.load_scene(path)
    found = list(loaded.diagnostics)
    if loaded.model is not None:
        ctx = SceneContext(loaded.model, loaded.doc, project, hall, banks)
        found += check_scene(ctx)
        # Timeline checks (cycles, times outside the scene, overlaps, camera order) run even
        # when names are wrong: an unknown name only leaves its own time unresolved. Not with
        # two lines (or cues) of one id, though: which one 'intro.end' means is then unknown.
        if _ids_unique(loaded.model):
            headset = hall is not None and hall.display.mode == "xr"
            found += _new(_timeline_checks(project, loaded.model, loaded.doc, compile_scene, headset), found)
            found += _budget(loaded.model, loaded.doc, compile_scene, headset)
        return found
    # The file has errors: check what is left of it, so that one run shows every problem.
    rescued = salvage(loaded.doc, Scene)
    if rescued is None or _NEEDED & set(rescued.removed):
        return found
    scene = rescued.model
    if scene.id is None and re.match(ID_PATTERN, path.stem):
        scene = scene.model_copy(update={"id": path.stem})
    broken = _names_removed(loaded.doc, rescued.removed)
    ctx = SceneContext(scene, rescued.doc, project, hall, banks, broken)
    found += _new(_beside(check_scene(ctx), loaded.doc, rescued), found)
    return found


def _beside(found: list[Diagnostic], doc: Document, rescued: Salvaged[Any]) -> list[Diagnostic]:
    """Findings about what is left, less those about an item that lost a value to salvage.

    An item whose broken value was set aside now has the default in its place, and a
    check of the item as a whole (at its key or its start) would complain about that
    default rather than about what the person wrote.
    """
    wholes: set[Location] = set()
    for where in rescued.removed:
        for cut in range(2, len(where)):
            span = doc.spans.get(where[:cut])
            if span is not None:
                wholes.add(span.value)
                if span.key is not None:
                    wholes.add(span.key)
    return [d for d in found if d.location not in wholes]


def _ids_unique(scene: Scene) -> bool:
    ids = [line.id for line in scene.narration] + [c.id for c in scene.cues if c.id]
    return len(ids) == len(set(ids))


def _names_removed(doc: Document, removed: tuple[PathKey, ...]) -> frozenset[str]:
    names: set[str] = set()
    for where in removed:
        if len(where) != 2:
            continue
        if where[0] == "objects":
            names.add(str(where[1]))
        elif where[0] in ("narration", "cues"):
            item = doc.value_at(where)
            if isinstance(item, dict) and isinstance(item.get("id"), str):
                names.add(item["id"])
    return frozenset(names)


def _timeline_checks(
    project: Project, scene: Scene, doc: Document, compile_scene: Any, headset: bool = False
) -> list[Diagnostic]:
    """The timeline's findings for every language, said once when they hold in all of them.

    In a headset hall, camera moves are also checked for comfort (roll, turn rate,
    acceleration), in the worst language.
    """
    per_lang: dict[str, list[Diagnostic]] = {}
    timelines = []
    for lang in scene.languages:
        timings = _timings(project, scene, lang)
        timeline, diags = compile_scene(scene, lang, timings, doc)
        per_lang[lang] = list(diags) + _reading_speed(scene, lang, timings, doc)
        if timeline is not None:
            timelines.append(timeline)
    comfort: list[Diagnostic] = []
    if headset and timelines:
        from exhibit.timeline.comfort import comfort_warnings_all

        comfort = comfort_warnings_all(timelines, doc)
    if len(per_lang) < 2:
        return [d for diags in per_lang.values() for d in diags] + comfort

    def untagged(d: Diagnostic, lang: str) -> tuple[Location | None, Severity, str]:
        return (d.location, d.severity, d.message.replace(f" in {lang}", "", 1))

    everywhere = set.intersection(*({untagged(d, lang) for d in diags} for lang, diags in per_lang.items()))
    out: list[Diagnostic] = []
    said: set[tuple[Location | None, Severity, str]] = set()
    for lang, diags in per_lang.items():
        for d in diags:
            key = untagged(d, lang)
            if key in everywhere:
                if key not in said:
                    said.add(key)
                    out.append(Diagnostic(d.severity, key[2], d.location))
            elif d not in out:
                out.append(d)
    return out + comfort


def _budget(scene: Scene, doc: Document, compile_scene: Any, headset: bool) -> list[Diagnostic]:
    """The headset's frame budget at the scene's worst moment, estimated without drawing
    (a warning in a headset hall, a note elsewhere)."""
    from exhibit.render.budget import budget_warnings

    timeline, _ = compile_scene(scene, scene.languages[0], None, doc)
    return budget_warnings(scene, timeline, doc, headset) if timeline is not None else []


def _new(found: list[Diagnostic], already: list[Diagnostic]) -> list[Diagnostic]:
    seen = {(d.location, d.message) for d in already}
    out = []
    for d in found:
        if (d.location, d.message) not in seen:
            seen.add((d.location, d.message))
            out.append(d)
    return out


def _timings(project: Project, scene: Scene, lang: str) -> dict[str, LineTiming]:
    """Measured timings where audio already exists (recordings, built voices); else estimates."""
    if not _has_audio(project, scene, lang):
        return {}  # nothing to measure: the estimates need no audio code (numpy, decoders)
    from exhibit.narration import timings_for

    return dict(timings_for(project, scene, lang))


def _has_audio(project: Project, scene: Scene, lang: str) -> bool:
    """Whether any line of the scene may have measured audio: a recording, or built voices."""
    from exhibit.spec.checks import recording_for

    for line in scene.narration:
        if recording_for(project, scene.scene_id, line.id, lang, (line.audio or {}).get(lang)) is not None:
            return True
    built = project.build_dir / "voice" / lang
    return built.is_dir() and any(built.iterdir())


def _reading_speed(scene: Scene, lang: str, timings: dict[str, LineTiming], doc: Document) -> list[Diagnostic]:
    if not timings:
        return []  # only measured voices are judged
    from exhibit.narration import reading_speed_warnings

    return list(reading_speed_warnings(scene, lang, timings, doc))


def translation_gaps(project: Project, paths: list[str], strict: bool) -> list[Diagnostic]:
    """Strings without a translation, one line per file and language: notes, and under
    ``--strict`` errors for the languages the hall lists (other languages stay notes)."""
    from exhibit.translate import catalog

    hall = _hall_for_scenes(project)
    hall_langs = list(hall.languages) if hall is not None else []
    files = [p for kind, p in collect(project, paths) if kind != "hall" and p.is_file()]
    if not files:
        return []
    cat = catalog(project, hall_langs[0] if hall_langs else "zh", hall_langs[0] if hall_langs else "zh", files)
    found: list[Diagnostic] = []
    for lang in dict.fromkeys(hall_langs + cat.languages()):
        severity = Severity.ERROR if strict and lang in hall_langs else Severity.NOTE
        found += cat.retarget(lang).gaps(severity)
    return found


def run(args: argparse.Namespace) -> int:
    project = Project.at(args.root)
    started = time.perf_counter()
    diagnostics, counts = check_paths(project, list(args.paths))
    diagnostics += translation_gaps(project, list(args.paths), args.strict)
    shown = [d for d in diagnostics if not (args.quiet and d.severity is Severity.NOTE)]
    for d in sort_diagnostics(shown):
        print(d)
    errors = sum(d.severity is Severity.ERROR for d in diagnostics)
    warnings = sum(d.severity is Severity.WARNING for d in diagnostics)
    notes = sum(d.severity is Severity.NOTE for d in diagnostics)
    what = ", ".join(f"{n} {k}{'s' if n != 1 else ''}" for k, n in counts.items() if n)
    elapsed = time.perf_counter() - started
    print(
        f"checked {what or 'nothing'}: {errors} error(s), {warnings} warning(s), {notes} note(s) in {elapsed:.2f} s",
        file=sys.stderr,
    )
    if errors or (args.strict and warnings):
        return 1
    return 0
