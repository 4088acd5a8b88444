"""Where a film is at a given show time: the position is a function of ``t`` alone.

A ``video`` object's picture and sound both come from here, so a still, an exported
frame, a seek, a hot reload and live play agree, and a film cannot drift from the
narration: there is no film clock, only show time.
"""

from __future__ import annotations

import math

from exhibit.spec.scene import Video
from exhibit.spec.timeexpr import MarkRef, Ref, SceneRef, Seconds, TimeExpr
from exhibit.timeline.model import Timeline

#: How far a film's own sound is pulled down under the narration (dB at full depth of the
#: ducking envelope), the default of a music bed.
FILM_DUCK_DB = -10.0


def film_position(video: Video, start: float, length: float, t: float) -> float:
    """Seconds into the film file at show time ``t`` (film ``length`` seconds long).

    Before ``start``: the frame at ``from``. Without ``loop``, after the end: its end.
    """
    offset = min(video.from_, length)
    elapsed = t - start
    if elapsed <= 0:
        return offset
    if video.loop and length - offset > 0:
        return offset + math.fmod(elapsed, length - offset)
    return min(offset + elapsed, length)


def frame_index(position: float, fps: float, frames: int) -> int:
    """The film frame shown at ``position`` seconds: the last one that has begun."""
    return max(0, min(frames - 1, math.floor(position * fps + 1e-6)))


def resolve(timeline: Timeline, expr: TimeExpr) -> float:
    """A time expression in show seconds, read off a compiled timeline (names it lacks: 0)."""
    term = expr.term
    base = 0.0
    if isinstance(term, Seconds):
        base = term.value
    elif isinstance(term, SceneRef):
        base = 0.0 if term.edge == "start" else timeline.duration
    elif isinstance(term, Ref):
        line = next((ln for ln in timeline.lines if ln.id == term.name), None)
        cue = next((c for c in timeline.cues if c.cue.id == term.name), None)
        if line is not None:
            base = line.start if term.edge == "start" else line.end
        elif cue is not None:
            base = cue.start if term.edge == "start" else cue.end
    elif isinstance(term, MarkRef):
        line = next((ln for ln in timeline.lines if ln.id == term.line), None)
        if line is not None:
            base = line.marks.get(term.mark, line.start)
    return base + expr.offset


def film_start(timeline: Timeline, name: str) -> float:
    """When the film of ``video`` object ``name`` starts, in show seconds."""
    video = timeline.scene.objects[name]
    assert isinstance(video, Video)
    return resolve(timeline, video.start)


def films(timeline: Timeline) -> list[tuple[str, Video, float]]:
    """Every ``video`` object of the scene with the show time its film starts."""
    return [
        (name, obj, resolve(timeline, obj.start))
        for name, obj in timeline.scene.objects.items()
        if isinstance(obj, Video)
    ]
