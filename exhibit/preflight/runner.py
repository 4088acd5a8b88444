"""Running the preflight checks for some scenes, or the whole hall, into one report."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from exhibit.effects.link import DEFAULT_PORT
from exhibit.preflight import duty, flashes, site
from exhibit.preflight.captions import caption_findings
from exhibit.preflight.charts import loudness_png
from exhibit.preflight.frames import budget_findings, render_scene
from exhibit.preflight.glyphs import coverage_findings
from exhibit.preflight.loudness import EBU_R128, Standard, loudness_findings
from exhibit.preflight.report import Finding, Report, Status
from exhibit.spec.hall import Hall
from exhibit.spec.project import Project
from exhibit.timeline.model import Timeline

Say = Callable[[str], None]


@dataclass(frozen=True)
class Options:
    render: bool = True  # render frames: flashes measured on pictures, stills, frame cost
    fps: float = 15.0  # frames a second sampled for flashes (above twice the 3 Hz limit, with room)
    size: tuple[int, int] = (320, 180)
    standard: Standard = EBU_R128
    headset: str = "standalone"
    hall_checks: bool = True
    effects_port: int = DEFAULT_PORT
    chart: Callable[[Timeline], bytes] | None = None  # the timeline chart, drawn by the caller


def _comfort(timeline: Timeline, doc: object, hall: Hall) -> list[Finding]:
    from exhibit.timeline.comfort import comfort_warnings

    subject = f"{timeline.scene.scene_id} ({timeline.lang})"
    status = Status.WARN if hall.display.mode == "xr" else Status.NOTE
    found = [
        Finding("comfort", subject, status, d.message, d.location)
        for d in comfort_warnings(timeline, doc)  # type: ignore[arg-type]
    ]
    return found or [Finding("comfort", subject, Status.PASS, "camera moves within the VR comfort limits")]


def check_scene(project: Project, hall: Hall, name: str, options: Options, report: Report, say: Say) -> None:
    from exhibit.narration.show import prepare_show

    curves = {}
    scene = project.load_scene(project.scene_path(name)).model
    langs = list(scene.languages) if scene is not None else [None]
    for k, lang in enumerate(langs):
        say(f"{name} ({lang}): narration, captions, loudness, effects ...")
        show = prepare_show(project, name, lang, hall)
        timeline, doc = show.timeline, show.doc
        report.add(caption_findings(timeline, doc))
        report.add(flashes.cue_findings(timeline, doc))
        report.add(duty.duty_findings(timeline, hall, doc))
        report.add(_comfort(timeline, doc, hall))
        subject = f"{name} ({show.lang})"
        if show.mix is not None:
            found, measured = loudness_findings(subject, show.mix, options.standard)
            report.add(found)
            if measured is not None:
                curves[show.lang] = measured.curve
        if options.chart is not None:
            report.picture(name, f"timeline ({show.lang})", options.chart(timeline))
        if options.render and k == 0:
            say(f"{name}: rendering {timeline.duration:.0f} s at {options.fps:g} fps for flashes and stills ...")
            rendered = render_scene(project, hall, show, fps=options.fps, size=options.size)
            report.add(rendered.findings)
            report.add(budget_findings(rendered.subject, rendered.costs, hall, options.headset))
            for title, png in rendered.stills:
                report.picture(name, title, png)
    if curves:
        report.picture(name, "loudness", loudness_png(curves, options.standard, f"{name}: loudness of the mix"))


def _glyphs(project: Project, hall: Hall, scenes: list[str]) -> list[Finding]:
    """Each language's caption font against every string shown in the hall's and the scenes' languages."""
    from exhibit.render.fonts import font_choice

    langs = list(hall.languages)
    paths = [project.scene_path(name) for name in scenes]
    for path in paths:
        loaded = project.load_scene(path)
        if loaded.model is not None:
            langs += [lang for lang in loaded.model.languages if lang not in langs]
    by_font: dict[tuple[Path, int], list[str]] = {}  # each language is drawn in its own font
    for lang in langs:
        by_font.setdefault(font_choice(lang=lang), []).append(lang)
    found: list[Finding] = []
    for (font, face), group in by_font.items():
        found += coverage_findings(project, group, font, face, paths + project.bank_paths())
    return found


def check_hall(project: Project, hall: Hall, options: Options) -> list[Finding]:
    found = site.schedule_findings(project, hall)
    found += site.effects_host_findings(hall, options.effects_port)
    found += site.database_findings(project, hall)
    found += site.disk_findings(project)
    found += duty.output_findings(hall)
    return found


def preflight(project: Project, hall: Hall, scenes: list[str], options: Options, say: Say) -> Report:
    report = Report(f"exhibit preflight: {hall.hall}")
    if options.hall_checks:
        say("the hall: schedule, effects host, database, disk ...")
        report.add(check_hall(project, hall, options))
    for name in scenes:
        check_scene(project, hall, name, options, report, say)
    report.add(_glyphs(project, hall, scenes))
    report.measured.append(("scenes", ", ".join(scenes) or "none"))
    report.measured.append(("loudness standard", f"{options.standard.name}"))
    if options.render:
        report.measured.append(("flash sampling", f"{options.fps:g} fps at {options.size[0]}x{options.size[1]}"))
    return report
