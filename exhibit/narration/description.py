"""Audio description: a second voice that says what is seen, for blind and low-vision visitors.

A scene's ``description:`` lines are written like narration lines (an id, ``at:`` or
``gap:``, text per language, ``{mark:...}`` bookmarks) and may refer to the narration's
lines and marks (``at: boat.end + 0.5``, ``at: boat@oars``). Each gets a voice like a
narration line (a recording in ``audio/voice/<lang>/<scene>/<id>.*``, else the
placeholder voice). The described mix, ``build/<scene>/mix.<lang>.ad.wav``, is the main
mix with the description spoken over it, the main mix ducked by :data:`DUCK_DB` while a
description speaks (ramped over :data:`RAMP_S` either side, no clicks).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

import numpy as np

from exhibit.narration.clip import MIX_RATE, Clip
from exhibit.narration.loudness import LIMIT_DBTP, TARGET_LUFS, limit, normalize
from exhibit.narration.mix import CHANNELS, _place
from exhibit.spec.errors import ContentError, Diagnostic, Severity
from exhibit.spec.scene import Scene
from exhibit.spec.source import Document
from exhibit.timeline.compile import compile as compile_timeline
from exhibit.timeline.model import TimedLine
from exhibit.timeline.timing import LineTiming

DUCK_DB = -12.0  # the main mix under a description (BBC and Ofcom practice: 10 to 15 dB)
RAMP_S = 0.3  # the duck fades in before the description's audio starts and out after it ends


def description_scene(scene: Scene) -> Scene:
    """The description lines as the narration of a scene of their own (for their voices)."""
    return scene.model_copy(update={"narration": list(scene.description), "description": []})


def _combined_doc(doc: Document | None, narration_lines: int) -> Document | None:
    """``doc`` with each description line's spans also under the narration line it becomes."""
    if doc is None:
        return None
    spans = dict(doc.spans)
    for path, span in doc.spans.items():
        if path[:1] == ("description",) and len(path) > 1 and isinstance(path[1], int):
            spans[("narration", narration_lines + path[1], *path[2:])] = span
    return dataclasses.replace(doc, spans=spans, diagnostics=[])


def description_lines(
    scene: Scene, lang: str, timings: Mapping[str, LineTiming], doc: Document | None = None
) -> tuple[TimedLine, ...]:
    """When each description line is spoken, resolved together with the narration (whose
    times stay as they are: descriptions come after every narration line in the order)."""
    if not scene.description:
        return ()
    names = {line.id for line in scene.narration}
    clashes = [
        Diagnostic(
            Severity.ERROR,
            f"description line '{line.id}' has the id of a narration line; give it an id of its own",
            doc.locate(("description", i, "id")) if doc is not None else None,
        )
        for i, line in enumerate(scene.description)
        if line.id in names
    ]
    if clashes:
        raise ContentError(clashes)
    combined = scene.model_copy(update={"narration": [*scene.narration, *scene.description], "description": []})
    timeline = compile_timeline(combined, lang, timings, _combined_doc(doc, len(scene.narration)))
    return timeline.lines[len(scene.narration) :]


def duck_gain(lines: tuple[TimedLine, ...], frames: int, rate: int = MIX_RATE) -> np.ndarray:
    """Linear gain of the main mix at each frame: 1, and DUCK_DB while a description speaks."""
    t = np.arange(frames, dtype=np.float64) / rate
    depth = np.zeros(frames, dtype=np.float64)  # 0: full level, 1: fully ducked
    for line in lines:
        a, b = line.audio_start, line.audio_end
        up = np.clip((t - (a - RAMP_S)) / RAMP_S, 0.0, 1.0)
        down = np.clip(((b + RAMP_S) - t) / RAMP_S, 0.0, 1.0)
        depth = np.maximum(depth, np.minimum(up, down))
    return np.asarray(np.power(10.0, DUCK_DB * depth / 20.0), dtype=np.float32)


def described_mix(main: Clip, lines: tuple[TimedLine, ...], voices: Mapping[str, Clip]) -> Clip:
    """The main mix ducked under the description voices; the voices at the programme loudness."""
    speech = np.zeros((main.frames, CHANNELS), dtype=np.float32)
    for line in lines:
        voice = voices.get(line.id)
        if voice is not None:
            _place(speech, voice, line.audio_start)
    spoken = normalize(Clip(speech, MIX_RATE), TARGET_LUFS, tolerance=0.2, ceiling_db=LIMIT_DBTP).clip
    ducked = main.with_channels(CHANNELS).samples * duck_gain(lines, main.frames, main.rate)[:, None]
    return limit(Clip(ducked + spoken.samples, MIX_RATE), LIMIT_DBTP)
