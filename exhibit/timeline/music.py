"""Music envelopes as functions of show time: fades, and ducking under the voice.

Ducking (broadcast practice): the dip starts 150 ms before speech and takes
250 ms; the release takes 700 ms after speech; pauses shorter than 1 s do not
release at all, so the bed does not pump between sentences.

Both envelopes are piecewise linear and are also given as breakpoints
(:meth:`DuckEnvelope.points`, :func:`fade_points`), so the narration mixer can
render them sample by sample and agree exactly with ``state(t)`` at runtime.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Sequence

from exhibit.spec.scene import Music

DUCK_LEAD = 0.150
DUCK_ATTACK = 0.250
DUCK_RELEASE = 0.700
DUCK_HOLD_GAP = 1.0
SILENT_DB = -120.0

Points = list[tuple[float, float]]


def _interp(points: Points, times: list[float], t: float) -> float:
    if not points or t <= times[0]:
        return points[0][1] if points else 0.0
    if t >= times[-1]:
        return points[-1][1]
    i = bisect.bisect_right(times, t)
    (t0, v0), (t1, v1) = points[i - 1], points[i]
    if t1 <= t0:
        return v1
    return v0 + (v1 - v0) * (t - t0) / (t1 - t0)


class DuckEnvelope:
    """How far down (0..1) the music is pulled at time t."""

    def __init__(self, speech: Sequence[tuple[float, float]]) -> None:
        merged: list[list[float]] = []
        for start, end in sorted(speech):
            if merged and start - merged[-1][1] < DUCK_HOLD_GAP:
                merged[-1][1] = max(merged[-1][1], end)
            else:
                merged.append([start, end])
        self.spans = [(a, b) for a, b in merged]
        points: Points = []
        for a, b in self.spans:
            down = a - DUCK_LEAD
            full = down + DUCK_ATTACK
            if b >= full:
                points += [(down, 0.0), (full, 1.0), (b, 1.0), (b + DUCK_RELEASE, 0.0)]
            else:  # speech shorter than the attack: release from where the dip got to
                reached = (b - down) / DUCK_ATTACK
                points += [(down, 0.0), (b, reached), (b + DUCK_RELEASE * reached, 0.0)]
        # Spans are at least DUCK_HOLD_GAP apart, more than DUCK_LEAD + DUCK_RELEASE, so
        # the envelopes of two spans never overlap and the points stay in time order.
        self._points = points
        self._times = [t for t, _ in points]

    def points(self) -> Points:
        """Breakpoints (t, depth) of the piecewise-linear envelope; 0 outside them."""
        return list(self._points)

    def depth(self, t: float) -> float:
        return _interp(self._points, self._times, t)


def fade_points(start: float, end: float, fade_in: float, fade_out: float) -> Points:
    """Breakpoints (t, factor) of :func:`fade_factor` between ``start`` and ``end``.

    The factor is the lowest of 1, the fade-in ramp and the fade-out ramp, so
    its corners are where a ramp reaches 1 and where the two ramps cross (a bed
    shorter than its fades never reaches full level).
    """

    def factor(t: float) -> float:
        f = 1.0
        if fade_in > 0:
            f = min(f, (t - start) / fade_in)
        if fade_out > 0:
            f = min(f, (end - t) / fade_out)
        return max(0.0, f)

    if end <= start:
        return [(start, 0.0), (end, 0.0)]
    times = {start, end}
    if fade_in > 0 and start + fade_in < end:
        times.add(start + fade_in)
    if fade_out > 0 and end - fade_out > start:
        times.add(end - fade_out)
    if fade_in > 0 and fade_out > 0:
        times.add(start + (end - start) * fade_in / (fade_in + fade_out))
    return [(t, factor(t)) for t in sorted(times)]


def fade_factor(start: float, end: float, fade_in: float, fade_out: float, t: float) -> float:
    """Linear amplitude factor 0..1 from fade-in and fade-out."""
    if t < start or t >= end:
        return 0.0
    f = 1.0
    if fade_in > 0:
        f = min(f, (t - start) / fade_in)
    if fade_out > 0:
        f = min(f, (end - t) / fade_out)
    return max(0.0, min(1.0, f))


def music_gain_db(music: Music, start: float, end: float, t: float, duck: DuckEnvelope) -> float:
    """Total gain of a music bed at t in dB: its gain, fades and ducking."""
    f = fade_factor(start, end, music.fade_in, music.fade_out, t)
    if f <= 0.0:
        return SILENT_DB
    return music.gain + 20.0 * math.log10(f) + music.duck * duck.depth(t)
