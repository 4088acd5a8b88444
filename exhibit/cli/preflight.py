"""``exhibit preflight``: every check before the doors open, in one report (terminal + HTML)."""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path
from typing import Any

from exhibit.spec.errors import Diagnostic, ExhibitError, Severity
from exhibit.spec.project import Project


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "preflight",
        help="run every check before opening: captions, loudness, flashing, effects, content, the hall",
        description="Check scenes (default: all) and the hall: caption reading speed and layout, loudness of "
        "each mix, flashing measured on rendered frames (WCAG 2.3.1), VR comfort and frame cost, effect duty "
        "cycles, untranslated strings and missing recordings, and the hall's schedule, effects host, database "
        "and disk. Prints the findings, writes one HTML report; exit 0 only when nothing fails.",
    )
    p.add_argument("scenes", nargs="*", help="scenes to check (default: every scene, and the hall)")
    p.add_argument("--html", default=None, metavar="FILE", help="the report (default: build/preflight.html)")
    p.add_argument("--no-render", action="store_true", help="skip rendering (no flash measurement, no stills)")
    p.add_argument("--fps", type=float, default=15.0, help="frames a second sampled for flashes (default 15)")
    p.add_argument("--size", default="320x180", metavar="WxH", help="size of the rendered frames (default 320x180)")
    p.add_argument(
        "--loudness",
        choices=("ebu", "gyt282"),
        default="ebu",
        help="loudness standard: EBU R 128 (default) or China's GY/T 282",
    )
    p.add_argument(
        "--headset",
        choices=("standalone", "pc"),
        default="standalone",
        help="headset class for the frame budget (default standalone)",
    )
    p.add_argument(
        "--hall",
        dest="hall_checks",
        action="store_true",
        help="check the hall too when scenes are named (always done without scenes)",
    )
    p.add_argument("--effects-port", type=int, default=None, help="effects host control port (default 53120)")
    p.add_argument("-v", "--verbose", action="store_true", help="list what passed too")
    p.set_defaults(run=run)


def _content(project: Project, paths: list[str]) -> list[Any]:
    from exhibit.cli.check import check_paths, translation_gaps
    from exhibit.preflight.report import Finding, Status

    diagnostics, _ = check_paths(project, paths)
    diagnostics += translation_gaps(project, paths, strict=True)
    status = {Severity.ERROR: Status.FAIL, Severity.WARNING: Status.WARN, Severity.NOTE: Status.NOTE}
    found = [Finding("content", _subject(d), status[d.severity], d.message, d.location) for d in diagnostics]
    return found or [Finding("content", "content", Status.PASS, "exhibit check finds nothing")]


def _subject(d: Diagnostic) -> str:
    return Path(d.location.path).stem if d.location is not None else "content"


def _chart(timeline: Any) -> bytes:
    from exhibit.cli.timeline import draw_chart

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "chart.png"
        draw_chart(timeline.details(), path)
        return path.read_bytes()


def run(args: argparse.Namespace) -> int:
    from exhibit.cli.common import parse_size
    from exhibit.effects.link import DEFAULT_PORT
    from exhibit.preflight.loudness import STANDARDS
    from exhibit.preflight.runner import Options, preflight

    project = Project.at(args.root)
    if not (0 < args.fps <= 120):
        raise ExhibitError(f"--fps {args.fps:g} must be above 0 and at most 120")
    hall = project.load_hall().model
    if hall is None:
        raise ExhibitError("hall.yaml has errors; run 'exhibit check hall.yaml'")
    scenes = list(args.scenes) or project.scene_names()
    for name in scenes:
        if not project.scene_path(name).exists():
            raise ExhibitError(f"no scene '{name}'; scenes: {', '.join(project.scene_names())}")
    options = Options(
        render=not args.no_render,
        fps=args.fps,
        size=parse_size(args.size),
        standard=STANDARDS[args.loudness],
        headset=args.headset,
        hall_checks=args.hall_checks or not args.scenes,
        effects_port=args.effects_port or DEFAULT_PORT,
        chart=_chart,
    )

    def say(text: str) -> None:
        print(f"preflight: {text}", file=sys.stderr)

    report = preflight(project, hall, scenes, options, say)
    paths = [str(project.scene_path(n)) for n in args.scenes]
    report.add(_content(project, paths))
    out = Path(args.html) if args.html else project.build_dir / "preflight.html"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(report.html(), encoding="utf-8")
    print(report.terminal(passes=args.verbose))
    print(f"wrote {out}", file=sys.stderr)
    return 0 if report.status < report.status.FAIL else 1
