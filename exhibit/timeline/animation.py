"""A model's pose as a function of show time: which clip, and how far into it.

The latest ``animate`` cue of a model that has started by ``t`` is playing: its clip
at ``(t - start) * speed`` seconds, wrapping round with ``loop``, else held at its last
frame. Before the first cue the model stands in its rest pose. Nothing counts frames,
so a still at ``t``, an exported frame and play show the same pose.
"""

from __future__ import annotations

import bisect
import math
from dataclasses import dataclass

from exhibit.spec.scene import AnimateCue
from exhibit.timeline.model import Timeline


@dataclass(frozen=True)
class ClipTime:
    clip: str
    seconds: float  # into the clip, before wrapping or holding
    loop: bool


def animate_cues(timeline: Timeline, target: str) -> list[tuple[float, AnimateCue]]:
    """The model's animate cues by start time."""
    found = [(tc.start, tc.cue) for tc in timeline.cues if isinstance(tc.cue, AnimateCue) and tc.cue.target == target]
    return sorted(found, key=lambda item: item[0])


def clip_at(cues: list[tuple[float, AnimateCue]], t: float) -> ClipTime | None:
    """What plays at ``t`` of a model with these cues (None: its rest pose)."""
    i = bisect.bisect_right([start for start, _ in cues], t)
    if i == 0:
        return None
    start, cue = cues[i - 1]
    return ClipTime(cue.clip, (t - start) * cue.speed, cue.loop)


def clip_frame(at: ClipTime, frames: int, rate: float) -> float:
    """The clip's frame (fractional) for ``at``, of a clip of ``frames`` frames at ``rate``."""
    frame = at.seconds * rate
    if frames <= 1:
        return 0.0
    if at.loop:
        return math.fmod(frame, frames)
    return min(frame, frames - 1.0)
