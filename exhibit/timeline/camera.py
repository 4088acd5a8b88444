"""The camera path: a Catmull-Rom curve through the key positions, timed per segment.

Orientation follows look-at points (an object's position at t, a fixed point,
or a point ahead of the camera for keys given as hpr), interpolated between
keys, so a camera that sweeps past a moving target keeps it framed.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from exhibit.timeline.easing import ease
from exhibit.timeline.frame import Vec3

LOOK_DISTANCE = 10.0  # metres ahead of the camera for keys that give hpr


def forward(h: float, p: float) -> Vec3:
    """Unit vector a camera with heading h and pitch p (degrees) looks along."""
    hr, pr = math.radians(h), math.radians(p)
    return (-math.sin(hr) * math.cos(pr), math.cos(hr) * math.cos(pr), math.sin(pr))


def look_hpr(eye: Vec3, target: Vec3, roll: float = 0.0) -> Vec3:
    dx, dy, dz = target[0] - eye[0], target[1] - eye[1], target[2] - eye[2]
    flat = math.hypot(dx, dy)
    if flat < 1e-9 and abs(dz) < 1e-9:
        return (0.0, 0.0, roll)
    return (math.degrees(math.atan2(-dx, dy)), math.degrees(math.atan2(dz, flat)), roll)


def catmull_rom(p0: Vec3, p1: Vec3, p2: Vec3, p3: Vec3, u: float) -> Vec3:
    """Centripetal-free (uniform) Catmull-Rom between p1 and p2."""
    u2, u3 = u * u, u * u * u
    return tuple(
        0.5 * ((2 * b) + (-a + c) * u + (2 * a - 5 * b + 4 * c - d) * u2 + (-a + 3 * b - 3 * c + d) * u3)
        for a, b, c, d in zip(p0, p1, p2, p3, strict=True)
    )  # type: ignore[return-value]


@dataclass(frozen=True)
class Key:
    t: float
    pos: Vec3
    look: Callable[[float], Vec3] | None  # the look-at point at time t, or None
    hpr: Vec3 | None
    easing: str


class CameraPath:
    def __init__(self, keys: Sequence[Key], fov: float) -> None:
        self.keys = list(keys)
        self.times = [k.t for k in self.keys]
        self.fov = fov

    def _point(self, i: int) -> Vec3:
        i = max(0, min(len(self.keys) - 1, i))
        return self.keys[i].pos

    def _look_point(self, i: int, t: float, eye: Vec3) -> tuple[Vec3, float]:
        """The point key i looks at (at time t), and its roll; keys without either inherit."""
        j = i
        while j >= 0:
            k = self.keys[j]
            if k.look is not None:
                return k.look(t), 0.0
            if k.hpr is not None:
                f = forward(k.hpr[0], k.hpr[1])
                return (
                    k.pos[0] + f[0] * LOOK_DISTANCE,
                    k.pos[1] + f[1] * LOOK_DISTANCE,
                    k.pos[2] + f[2] * LOOK_DISTANCE,
                ), k.hpr[2]
            j -= 1
        return (eye[0], eye[1] + LOOK_DISTANCE, eye[2]), 0.0

    def _direction(self, i: int) -> Vec3:
        """The hpr a key (or the nearest earlier key that says) looks along."""
        for j in range(i, -1, -1):
            if self.keys[j].hpr is not None:
                return self.keys[j].hpr  # type: ignore[return-value]
        return (0.0, 0.0, 0.0)

    def _hpr_only(self, i: int) -> bool:
        """Whether key i's direction is an hpr (its own or inherited), not a look-at point."""
        for j in range(i, -1, -1):
            k = self.keys[j]
            if k.look is not None:
                return False
            if k.hpr is not None:
                return True
        return False

    def pose(self, t: float) -> tuple[Vec3, Vec3]:
        """Camera position and hpr at t."""
        n = len(self.keys)
        i = bisect.bisect_right(self.times, t) - 1
        if i < 0:
            i, u = 0, 0.0
            pos = self.keys[0].pos
        elif i >= n - 1:
            i, u = n - 1, 0.0
            pos = self.keys[-1].pos
        else:
            k1, k2 = self.keys[i], self.keys[i + 1]
            span = k2.t - k1.t
            u = ease(k2.easing, (t - k1.t) / span) if span > 0 else 1.0
            pos = catmull_rom(self._point(i - 1), k1.pos, k2.pos, self._point(i + 2), u)
        if i < n - 1 and u > 0.0 and self._hpr_only(i) and self._hpr_only(i + 1):
            # Both keys give a direction: turn between them, whatever the path does.
            a_hpr = self._direction(i)
            b_hpr = self._direction(i + 1)
            return pos, tuple(x + ((y - x + 180.0) % 360.0 - 180.0) * u for x, y in zip(a_hpr, b_hpr, strict=True))  # type: ignore[return-value]
        a, roll_a = self._look_point(i, t, pos)
        if i < n - 1 and u > 0.0:
            b, roll_b = self._look_point(i + 1, t, pos)
            target = tuple(x + (y - x) * u for x, y in zip(a, b, strict=True))
            roll = roll_a + (roll_b - roll_a) * u
        else:
            target, roll = a, roll_a
        return pos, look_hpr(pos, target, roll)  # type: ignore[arg-type]
