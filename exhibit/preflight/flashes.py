"""Flashing: at most three flashes in any one second (WCAG 2.x, success criterion 2.3.1).

Measured on rendered frames, as visitors see them, not only on the cues. A
*general flash* is a pair of opposing changes in relative luminance of at least
10 % of the maximum, where the darker state is below 0.80. The frame is judged
as a whole and in a 3 x 3 grid of blocks: on a projection wall seen from the
seats, one ninth of the picture covers far more than the 10-degree visual field
WCAG's area threshold speaks of, so a flashing block counts as a flashing screen.

The cues are checked too: strobe and lightning cues that start more than three
times in a second.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from exhibit.preflight.report import Finding, Status
from exhibit.spec.scene import EffectCue
from exhibit.spec.source import Document
from exhibit.timeline.model import Timeline

FLASH_DELTA = 0.10  # WCAG: a change of at least 10 % of the maximum relative luminance
DARK_BELOW = 0.80  # WCAG: ... where the darker image is below 0.80
MAX_FLASHES_PER_SECOND = 3  # WCAG 2.3.1 Three Flashes or Below Threshold
GRID = 3
FLASHING_EFFECTS = ("strobe", "lightning")


def relative_luminance(rgb: np.ndarray) -> np.ndarray:
    """Per-pixel relative luminance (sRGB, WCAG's formula) of an 8-bit RGB image."""
    c = rgb[..., :3].astype(np.float32) / 255.0
    linear = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    return linear @ np.array([0.2126, 0.7152, 0.0722], dtype=np.float32)


def regions(rgb: np.ndarray) -> np.ndarray:
    """Mean luminance of the whole frame and of each block of a 3 x 3 grid (10 values)."""
    lum = relative_luminance(rgb)
    h, w = lum.shape
    blocks = [lum.mean()]
    for i in range(GRID):
        for j in range(GRID):
            block = lum[i * h // GRID : (i + 1) * h // GRID, j * w // GRID : (j + 1) * w // GRID]
            blocks.append(block.mean() if block.size else 0.0)
    return np.array(blocks, dtype=np.float32)


def transitions(times: Sequence[float], values: Sequence[float]) -> list[float]:
    """Times of opposing luminance changes of at least 10 %, the darker state below 0.80."""
    if not values:
        return []
    found: list[float] = []
    peak = trough = float(values[0])
    state = ""
    for t, raw in zip(times, values, strict=True):
        v = float(raw)
        if state != "up":
            trough = min(trough, v)
            if v - trough >= FLASH_DELTA and trough < DARK_BELOW:
                found.append(t)
                state, peak = "up", v
                continue
        if state != "down":
            peak = max(peak, v)
            if peak - v >= FLASH_DELTA and v < DARK_BELOW:
                found.append(t)
                state, trough = "down", v
    return found


def worst_second(changes: Sequence[float]) -> tuple[int, float]:
    """The most flashes (pairs of opposing changes) in any one second, and when it starts."""
    best, when = 0, 0.0
    j = 0
    for i, t in enumerate(changes):
        while changes[j] < t - 1.0 + 1e-9:
            j += 1
        count = (i - j + 1) // 2
        if count > best:
            best, when = count, changes[j]
    return best, when


@dataclass
class FlashMeter:
    """Luminance of each sampled frame, judged when the scene is done."""

    subject: str
    times: list[float]
    series: list[np.ndarray]

    @classmethod
    def start(cls, subject: str) -> FlashMeter:
        return cls(subject, [], [])

    def add(self, t: float, rgb: np.ndarray) -> None:
        self.times.append(t)
        self.series.append(regions(rgb))

    def findings(self, fps: float) -> list[Finding]:
        if not self.series:
            return []
        table = np.stack(self.series)
        worst, when, where = 0, 0.0, "the whole picture"
        for k in range(table.shape[1]):
            count, at = worst_second(transitions(self.times, list(table[:, k])))
            if count > worst:
                worst, when = count, at
                where = "the whole picture" if k == 0 else f"block {k} of the 3x3 grid"
        if worst > MAX_FLASHES_PER_SECOND:
            return [
                Finding(
                    "flashing",
                    self.subject,
                    Status.FAIL,
                    f"{worst} flashes in the second from {when:.2f} s in {where} (at most "
                    f"{MAX_FLASHES_PER_SECOND} a second, WCAG 2.3.1), measured on frames rendered at {fps:g} fps",
                )
            ]
        return [
            Finding(
                "flashing",
                self.subject,
                Status.PASS,
                f"at most {worst} flash(es) in any second over {len(self.times)} frames at {fps:g} fps",
            )
        ]


def cue_findings(timeline: Timeline, doc: Document | None) -> list[Finding]:
    """Strobe and lightning cues that start more than three times in a second."""
    starts = sorted(
        (tc.start, tc.index)
        for tc in timeline.cues
        if isinstance(tc.cue, EffectCue) and tc.cue.effect in FLASHING_EFFECTS
    )
    subject = f"{timeline.scene.scene_id} ({timeline.lang})"
    j = 0
    for i, (t, index) in enumerate(starts):
        while starts[j][0] < t - 1.0 + 1e-9:
            j += 1
        if i - j + 1 > MAX_FLASHES_PER_SECOND:
            return [
                Finding(
                    "flashing",
                    subject,
                    Status.FAIL,
                    f"{i - j + 1} strobe/lightning cues start within one second (from {starts[j][0]:.2f} s); "
                    f"at most {MAX_FLASHES_PER_SECOND} (WCAG 2.3.1)",
                    doc.locate(("cues", index)) if doc is not None else None,
                )
            ]
    return []
