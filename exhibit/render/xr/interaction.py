"""Select in a headset: a controller's trigger, or looking at something for 1.5 s.

Everything a visitor can do in a headset is one generic *select* action, so the
in-scene quiz (and anything else that takes a click) works with or without
controllers: a trigger press selects what the head points at; without
controllers, gazing at the same target for :data:`DWELL_SECONDS` does.

Pure logic on rays and times (no Panda3D, no OpenXR): the headset display feeds
it the head ray every frame and acts on the :class:`Select` it returns.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass

from exhibit.timeline.frame import Vec3

DWELL_SECONDS = 1.5  # gaze this long at one target to select it
GRACE_SECONDS = 0.2  # a glance away (head tremor at a button's edge) this short does not reset


@dataclass(frozen=True)
class Ray:
    origin: Vec3
    direction: Vec3  # need not be unit length


@dataclass(frozen=True)
class Hit:
    target: Hashable  # what was hit: a panel's button, an object id
    distance: float  # along the ray, in units of the ray's direction length
    point: Vec3
    uv: tuple[float, float] | None = None  # where on a panel, 0..1 from its lower left corner


HitTest = Callable[[Ray], Hit | None]


def _dot(a: Vec3, b: Vec3) -> float:
    return a[0] * b[0] + a[1] * b[1] + a[2] * b[2]


def _cross(a: Vec3, b: Vec3) -> Vec3:
    return (a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0])


def _along(ray: Ray, s: float) -> Vec3:
    o, d = ray.origin, ray.direction
    return (o[0] + d[0] * s, o[1] + d[1] * s, o[2] + d[2] * s)


@dataclass(frozen=True)
class Rectangle:
    """A flat rectangle (a quiz panel, a button): lower-left corner and its two edges."""

    target: Hashable
    corner: Vec3
    width_edge: Vec3  # from the lower-left to the lower-right corner
    height_edge: Vec3  # from the lower-left to the upper-left corner

    def hit(self, ray: Ray) -> Hit | None:
        """Where ``ray`` meets the rectangle (from either side), or None."""
        normal = _cross(self.width_edge, self.height_edge)
        denom = _dot(normal, ray.direction)
        if abs(denom) < 1e-12:
            return None  # the ray runs along the plane
        rel = tuple(c - o for c, o in zip(self.corner, ray.origin, strict=True))
        s = _dot(normal, rel) / denom  # type: ignore[arg-type]
        if s < 0:
            return None  # behind the viewer
        point = _along(ray, s)
        local = tuple(p - c for p, c in zip(point, self.corner, strict=True))
        u = _dot(local, self.width_edge) / _dot(self.width_edge, self.width_edge)  # type: ignore[arg-type]
        v = _dot(local, self.height_edge) / _dot(self.height_edge, self.height_edge)  # type: ignore[arg-type]
        if not (0.0 <= u <= 1.0 and 0.0 <= v <= 1.0):
            return None
        return Hit(self.target, s, point, (u, v))


@dataclass(frozen=True)
class Sphere:
    """A round target (an object in the scene), by centre and radius."""

    target: Hashable
    center: Vec3
    radius: float

    def hit(self, ray: Ray) -> Hit | None:
        d = ray.direction
        oc = tuple(o - c for o, c in zip(ray.origin, self.center, strict=True))
        a = _dot(d, d)
        b = 2 * _dot(oc, d)  # type: ignore[arg-type]
        c = _dot(oc, oc) - self.radius * self.radius  # type: ignore[arg-type]
        disc = b * b - 4 * a * c
        if disc < 0 or a == 0:
            return None
        root = math.sqrt(disc)
        for s in ((-b - root) / (2 * a), (-b + root) / (2 * a)):
            if s >= 0:
                return Hit(self.target, s, _along(ray, s))
        return None


def nearest_hit(ray: Ray, tests: Iterable[HitTest]) -> Hit | None:
    """The closest thing the ray hits (the one in front hides the ones behind)."""
    hits = [h for h in (test(ray) for test in tests) if h is not None]
    return min(hits, key=lambda h: h.distance) if hits else None


@dataclass(frozen=True)
class Gaze:
    """The dwell tracker's answer for one frame."""

    target: Hashable | None  # what the visitor is looking at (after the grace period)
    progress: float  # 0..1 towards a select; draw it as a filling ring at the gaze point
    selected: bool  # this frame completes a dwell: select ``target`` now


class DwellTracker:
    """Looking at one target for ``dwell`` seconds selects it, once.

    After a select the same target must be looked away from and back at to
    select it again (a visitor who keeps looking at an answer does not answer it
    twice). Glances away shorter than ``grace`` are ignored. Times are seconds on
    any clock that only goes forward; a step back (a new session) starts over.
    """

    def __init__(self, dwell: float = DWELL_SECONDS, grace: float = GRACE_SECONDS) -> None:
        self.dwell = dwell
        self.grace = grace
        self.reset()

    def reset(self) -> None:
        self._current: Hashable | None = None
        self._since = 0.0
        self._fired = False
        self._away: Hashable | None = None
        self._away_since: float | None = None
        self._last: float | None = None

    def update(self, t: float, target: Hashable | None) -> Gaze:
        if self._last is not None and t < self._last:
            self.reset()
        self._last = t
        if target == self._current:
            self._away_since = None
        else:
            if self._away_since is None or target != self._away:
                self._away, self._away_since = target, t
            if t - self._away_since >= self.grace or self._current is None:
                self._current, self._since, self._fired = target, self._away_since, False
                self._away_since = None
        if self._current is None:
            return Gaze(None, 0.0, False)
        progress = 1.0 if self._fired else min(1.0, (t - self._since) / self.dwell)
        looking = self._away_since is None
        if looking and not self._fired and progress >= 1.0:
            self._fired = True
            return Gaze(self._current, 1.0, True)
        return Gaze(self._current, progress, False)

    def mark_selected(self, t: float, target: Hashable) -> None:
        """Another means (a trigger) selected ``target``: no dwell select until looked away."""
        self._current, self._since, self._fired = target, t, True
        self._away_since = None
        self._last = t


class TriggerEdge:
    """A button that selects once per press: true on the frame it goes down."""

    def __init__(self) -> None:
        self._down = False

    def update(self, pressed: bool) -> bool:
        fired = pressed and not self._down
        self._down = pressed
        return fired


@dataclass(frozen=True)
class Select:
    """One select: what was selected, by which means, and where (for a panel's ``click``)."""

    target: Hashable
    by: str  # "trigger" or "gaze"
    hit: Hit


class Pointer:
    """Head ray + trigger + dwell -> selects, each frame.

    ``tests`` are the current targets' hit tests (they change when a quiz panel
    opens or closes). A trigger press selects what the ray hits at once; gaze
    selects after the dwell. Returns the select of this frame (or None) and the
    gaze state for drawing the progress ring.
    """

    def __init__(self, dwell: float = DWELL_SECONDS, grace: float = GRACE_SECONDS) -> None:
        self.dwell = DwellTracker(dwell, grace)
        self.trigger = TriggerEdge()
        self.last_hit: Hit | None = None

    def update(
        self, t: float, ray: Ray, tests: Iterable[HitTest], trigger: bool = False
    ) -> tuple[Select | None, Gaze]:
        hit = nearest_hit(ray, tests)
        self.last_hit = hit
        gaze = self.dwell.update(t, hit.target if hit is not None else None)
        pressed = self.trigger.update(trigger)
        if hit is None:
            return None, gaze
        if pressed:
            self.dwell.mark_selected(t, hit.target)  # no gaze select of it right after
            return Select(hit.target, "trigger", hit), Gaze(hit.target, 1.0, True)
        if gaze.selected and gaze.target == hit.target:
            return Select(hit.target, "gaze", hit), gaze
        return None, gaze
