"""From a scene name to a playable show: the one road every caller takes.

``exhibit play``, ``still`` and ``render``, the player's language switch and hot reload,
``exhibit timeline``, the hall's catalogue and preflight all call :func:`prepare_show`: the
project finds the scene (with "did you mean"), the scene is loaded and checked, one rule
picks the language (:func:`exhibit.spec.checks.pick_language`), and the timeline is
compiled against the voices' timings, building the narration first when asked.

It lives with the narration because building the narration is part of it; everything
above (render, the hall, the CLI) may use it, nothing below needs it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from exhibit.narration.build import build, is_stale, timings_for
from exhibit.narration.fingerprint import file_digest
from exhibit.spec.checks import load_playable, pick_language
from exhibit.spec.errors import Diagnostic
from exhibit.spec.hall import Hall
from exhibit.spec.project import Project
from exhibit.spec.scene import Scene
from exhibit.spec.source import Document
from exhibit.timeline.compile import compile as compile_timeline
from exhibit.timeline.model import Timeline

#: How the lines are timed: ``build`` the narration (voices, mix) when missing or stale and
#: time the lines by it; take the ``measured`` timings of the audio that exists, building
#: nothing (``exhibit timeline``, the headless hall); or the reading-speed ``estimated``
#: timings, with no mix (a silent preview).
Narration = Literal["build", "measured", "estimated"]
Progress = Callable[[str], None]


@dataclass(frozen=True)
class Show:
    """A scene ready to play in one language: its timeline and the mix to play with it."""

    path: Path
    scene: Scene
    doc: Document
    lang: str
    timeline: Timeline
    mix: Path | None  # build/<scene>/mix.<lang>.wav, or None when no narration was built
    digest: str  # of the scene file's bytes: reload only when the content changed


def prepare_show(
    project: Project,
    scene: str | Path,
    lang: str | None = None,
    hall: Hall | None = None,
    *,
    narration: Narration = "build",
    progress: Progress | None = None,
    audio_description: bool = False,
    warn: Callable[[Diagnostic], None] | None = None,
) -> Show:
    """Find, load, check and compile ``scene`` (a name or a path) in ``lang``.

    With ``audio_description`` the show plays the described mix (``mix.<lang>.ad.wav``)
    when the scene has description lines. A language the scene does not have is an error;
    with ``warn`` (the hall) it is a located warning and the scene plays in its first
    language. Raises :class:`ContentError` with located diagnostics for broken content.
    """
    path = project.find_scene(scene)
    digest = file_digest(path)
    model, doc = load_playable(project, path, hall)
    language = pick_language(model, lang, doc, warn)
    if narration != "build":
        timings = timings_for(project, model, language) if narration == "measured" else {}
        return Show(path, model, doc, language, compile_timeline(model, language, timings, doc), None, digest)
    if progress is not None and is_stale(project, model, language):
        progress(f"building the narration of {model.scene_id} ({language}) ...")
    result = build(project, model, language, progress=_stage_progress(progress), doc=doc)
    if progress is not None:
        for warning in result.warnings:
            progress(f"warning: {warning}")
    mix = result.ad_mix_path if audio_description and result.ad_mix_path else Path(result.mix_path)
    return Show(path, model, doc, language, result.timeline, mix, digest)


def _stage_progress(progress: Progress | None) -> Callable[[str, int, int], None] | None:
    """The narration's ``progress(stage, done, total)`` as one line per finished stage."""
    if progress is None:
        return None

    def report(stage: str, done: int, total: int) -> None:
        if total and done >= total:
            progress(f"  {stage}: {done}/{total}")

    return report
