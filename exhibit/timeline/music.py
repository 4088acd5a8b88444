"""Music envelopes as functions of show time: fades, and ducking under the voice.

Ducking (broadcast practice): the dip starts 150 ms before speech and takes
250 ms; the release takes 700 ms after speech; pauses shorter than 1 s do not
release at all, so the bed does not pump between sentences.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from exhibit.spec.scene import Music
from exhibit.timeline.tracks import IntervalIndex

DUCK_LEAD = 0.150
DUCK_ATTACK = 0.250
DUCK_RELEASE = 0.700
DUCK_HOLD_GAP = 1.0
SILENT_DB = -120.0


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
        self._index = IntervalIndex(
            [(a - DUCK_LEAD, b + DUCK_RELEASE, (a, b)) for a, b in self.spans]
        )

    def depth(self, t: float) -> float:
        best = 0.0
        for a, b in self._index.at(t):
            attack_start = a - DUCK_LEAD
            if t < attack_start + DUCK_ATTACK:
                d = (t - attack_start) / DUCK_ATTACK
            elif t <= b:
                d = 1.0
            else:
                d = 1.0 - (t - b) / DUCK_RELEASE
            best = max(best, min(1.0, max(0.0, d)))
        return best


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
