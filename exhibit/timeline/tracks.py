"""Building blocks for evaluating state at any t without history.

A :class:`Track` is a value over time made of segments, each easing from the
value the track had when the segment began to a target. The "from" values are
fixed when the track is built, so evaluation is a binary search plus one
interpolation: no state carried from frame to frame.

An :class:`IntervalIndex` answers "which intervals contain t" in time that
follows the number of active intervals, not the total number.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from exhibit.timeline.easing import ease

Value = tuple[float, ...]
T = TypeVar("T")


def lerp(a: Value, b: Value, u: float) -> Value:
    return tuple(x + (y - x) * u for x, y in zip(a, b, strict=True))


def lerp_angles(a: Value, b: Value, u: float) -> Value:
    """Interpolate angles in degrees the short way round."""
    out = []
    for x, y in zip(a, b, strict=True):
        d = (y - x + 180.0) % 360.0 - 180.0
        out.append(x + d * u)
    return tuple(out)


@dataclass(frozen=True)
class Segment:
    t0: float
    t1: float
    v0: Value
    v1: Value
    easing: str = "linear"


class Track:
    """A piecewise value: ``initial`` until the first segment, then segment by segment."""

    __slots__ = ("initial", "segments", "starts", "_mix")

    def __init__(self, initial: Value, mix: Callable[[Value, Value, float], Value] = lerp) -> None:
        self.initial = initial
        self.segments: list[Segment] = []
        self.starts: list[float] = []
        self._mix = mix

    def add(self, t0: float, t1: float, target: Value, easing: str = "linear", start: Value | None = None) -> None:
        """Append a change; segments must be added in order of ``t0``.

        The change starts from the track's value at ``t0`` (an earlier change still
        running is cut short there) unless ``start`` is given.
        """
        if self.starts and t0 < self.starts[-1]:
            raise ValueError("segments must be added in time order")
        v0 = self.value(t0) if start is None else start
        t1 = max(t0, t1)
        if self.segments and self.segments[-1].t1 > t0:
            last = self.segments[-1]
            self.segments[-1] = Segment(last.t0, t0, last.v0, self.value(t0), last.easing) if t0 > last.t0 else last
            if t0 == last.t0:
                self.segments.pop()
                self.starts.pop()
        self.segments.append(Segment(t0, t1, v0, target, easing))
        self.starts.append(t0)

    def value(self, t: float) -> Value:
        i = bisect.bisect_right(self.starts, t) - 1
        if i < 0:
            return self.initial
        seg = self.segments[i]
        if t >= seg.t1:
            return seg.v1
        u = (t - seg.t0) / (seg.t1 - seg.t0)
        return self._mix(seg.v0, seg.v1, ease(seg.easing, u))


class IntervalIndex(Generic[T]):
    """Stabbing queries over [start, end) intervals.

    Intervals are sorted by start; ``reach[i]`` is the latest end among the first
    i+1 intervals. Scanning back from the last interval that starts at or before
    t can stop as soon as ``reach`` says nothing earlier is still open.
    """

    def __init__(self, items: Sequence[tuple[float, float, T]]) -> None:
        ordered = sorted(items, key=lambda it: (it[0], it[1]))
        self.starts = [s for s, _, _ in ordered]
        self.ends = [e for _, e, _ in ordered]
        self.items = [x for _, _, x in ordered]
        self.reach: list[float] = []
        best = -math.inf
        for e in self.ends:
            best = max(best, e)
            self.reach.append(best)

    def __len__(self) -> int:
        return len(self.items)

    def at(self, t: float) -> list[T]:
        """Items whose interval contains t, in start order."""
        i = bisect.bisect_right(self.starts, t) - 1
        found: list[T] = []
        while i >= 0 and self.reach[i] > t:
            if self.ends[i] > t:
                found.append(self.items[i])
            i -= 1
        found.reverse()
        return found
