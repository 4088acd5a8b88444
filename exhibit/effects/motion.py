"""Motion seats: pitch, roll and heave from the camera's path, by a classical washout filter.

A seat travels a few degrees and centimetres; a camera flies kilometres. The classical
washout (Conrad & Schmidt 1970; Reid & Nahon 1985) gives the *onset* of each acceleration
and then brings the seat back to neutral too slowly to be noticed:

- heave: vertical acceleration through a third-order high-pass, integrated twice, so the
  seat rises at the start of a climb and sinks back to neutral even while the climb goes on;
- tilt coordination: forward and sideways acceleration that lasts is felt by tilting the
  seat so that gravity presses the visitor back (or sideways): ``asin(a / g)`` through a
  low-pass, at most :data:`TILT_RATE_LIMIT` so the tilt itself is not felt as a rotation;
- rotation: the camera's own pitch and roll through a high-pass, as an onset cue.

The camera's pitch and roll say where the visitor looks, not a vehicle's attitude, so
translation is taken in the camera's heading-only frame.

Seat convention: pitch > 0 is nose up (back down), roll > 0 is right side down, heave > 0
is up; degrees and metres, always within the seat's limits from ``hall.yaml``.

The filter is causal, but a show can seek: :class:`SeatMotion` steps on a fixed grid and,
after a jump, re-runs the last :data:`WARMUP` seconds, so ``at(t)`` gives the same pose
whether the show played up to ``t`` or jumped there.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar

from exhibit.spec.hall import SeatLimits
from exhibit.timeline.frame import Vec3

PoseFn = Callable[[float], tuple[Vec3, Vec3]]  # show time -> camera (pos, hpr), as CameraPath.pose

G = 9.81  # m/s^2
RATE = 100.0  # filter steps per second of show time
DT = 1.0 / RATE
WARMUP = 6.0  # seconds re-run after a seek: six of the slowest time constant (1/HEAVE_BREAK)
MAX_AHEAD = 1.0  # a jump forward longer than this is a seek, not a late frame

# Translational (heave) channel: s^2/(s^2 + 2*zeta*w*s + w^2) * s/(s + w_b) on acceleration.
HEAVE_GAIN = 0.5  # fraction of the camera's vertical acceleration given to the seat
HEAVE_OMEGA = 2.5  # rad/s
HEAVE_ZETA = 1.0
HEAVE_BREAK = 1.0  # rad/s: the third order that brings the seat back to neutral
# Tilt coordination: a critically damped second-order low-pass on sustained acceleration.
TILT_OMEGA = 2.0  # rad/s
TILT_ZETA = 1.0
#: Tilt no faster than this, below the vestibular threshold for rotation (about 3 deg/s;
#: Groen & Bles 2004, and the usual figure in flight-simulator washout tuning).
TILT_RATE_LIMIT = 3.0  # degrees per second
# Rotational channel: the camera's pitch and roll, high-passed.
ROT_GAIN = 0.5
ROT_BREAK = 1.0  # rad/s
KNEE = 0.7  # below this fraction of a limit motion is linear; above it, compressed into the rest


@dataclass(frozen=True)
class SeatPose:
    pitch: float = 0.0  # degrees, nose up > 0
    roll: float = 0.0  # degrees, right side down > 0
    heave: float = 0.0  # metres, up > 0

    NEUTRAL: ClassVar[SeatPose]

    def scaled(self, k: float) -> SeatPose:
        return SeatPose(self.pitch * k, self.roll * k, self.heave * k)

    def clamped(self, limits: SeatLimits) -> SeatPose:
        def clip(x: float, lim: float) -> float:
            return max(-lim, min(lim, x)) if math.isfinite(x) else 0.0

        return SeatPose(clip(self.pitch, limits.pitch), clip(self.roll, limits.roll), clip(self.heave, limits.heave))

    def as_tuple(self) -> tuple[float, float, float]:
        return (self.pitch, self.roll, self.heave)


SeatPose.NEUTRAL = SeatPose()


def soft_limit(x: float, limit: float, knee: float = KNEE) -> float:
    """``x`` unchanged up to ``knee * limit``; beyond, compressed smoothly towards ``limit`` (never past it)."""
    k = knee * limit
    a = abs(x)
    if a <= k:
        return x
    return math.copysign(k + (limit - k) * math.tanh((a - k) / (limit - k)), x)


def _wrap(angle: float) -> float:
    return (angle + 180.0) % 360.0 - 180.0


class SeatMotion:
    """The washout filter on one camera path, evaluated at show times (seek-safe)."""

    def __init__(self, pose: PoseFn, limits: SeatLimits | None = None) -> None:
        self.pose = pose
        self.limits = limits or SeatLimits()
        self._k: int | None = None  # grid step the state belongs to
        w, z, b = HEAVE_OMEGA, HEAVE_ZETA, HEAVE_BREAK
        # Denominator (s^2 + 2 z w s + w^2)(s + b) = s^3 + a2 s^2 + a1 s + a0.
        self._a2 = 2 * z * w + b
        self._a1 = w * w + 2 * z * w * b
        self._a0 = w * w * b

    # -- sampling the path ---------------------------------------------------------------------

    def _sample(self, k: int) -> tuple[Vec3, Vec3]:
        return self.pose(k * DT)

    def _inputs(self, k: int) -> tuple[float, float, float, float, float]:
        """Forward, right and up acceleration (heading frame) at step k, and the camera's pitch and roll."""
        p1 = self._next_pos
        p0, hpr = self._cur_pos, self._cur_hpr
        pm = self._prev_pos
        ax, ay, az = ((p1[i] - 2 * p0[i] + pm[i]) / (DT * DT) for i in range(3))
        h = math.radians(hpr[0])
        fwd = (-math.sin(h), math.cos(h))
        right = (math.cos(h), math.sin(h))
        return (ax * fwd[0] + ay * fwd[1], ax * right[0] + ay * right[1], az, hpr[1], hpr[2])

    def _load(self, k: int) -> None:
        self._prev_pos = self._sample(k - 1)[0]
        self._cur_pos, self._cur_hpr = self._sample(k)
        self._next_pos = self._sample(k + 1)[0]

    def _shift(self, k: int) -> None:
        """Move the three-sample window from step k-1 to step k."""
        self._prev_pos = self._cur_pos
        self._cur_pos, self._cur_hpr = self._next_pos, self._sample(k)[1]
        self._next_pos = self._sample(k + 1)[0]

    # -- the filter ----------------------------------------------------------------------------

    def _restart(self, k: int) -> None:
        """Start at rest at step k: every filter settled on the inputs found there."""
        self._load(k)
        surge, sway, up, pitch, roll = self._inputs(k)
        self._heave = [HEAVE_GAIN * up / self._a0, 0.0, 0.0]
        self._surge = [surge, 0.0]
        self._sway = [sway, 0.0]
        self._tilt_pitch = math.degrees(math.asin(max(-1.0, min(1.0, surge / G))))
        self._tilt_roll = -math.degrees(math.asin(max(-1.0, min(1.0, sway / G))))
        self._rot = [pitch, roll]  # low-passed camera angles; the high-pass is angle minus these
        self._angles = (pitch, roll)
        self._k = k

    def _step(self, k: int) -> None:
        self._shift(k)
        surge, sway, up, pitch, roll = self._inputs(k)
        # Heave: controllable canonical form of s / D(s) on the scaled acceleration.
        z = self._heave
        z[2] += DT * (HEAVE_GAIN * up - self._a0 * z[0] - self._a1 * z[1] - self._a2 * z[2])
        z[1] += DT * z[2]
        z[0] += DT * z[1]
        # Tilt coordination: low-pass the horizontal acceleration, then tilt at a limited rate.
        for state, u in ((self._surge, surge), (self._sway, sway)):
            state[1] += DT * (TILT_OMEGA * TILT_OMEGA * (u - state[0]) - 2 * TILT_ZETA * TILT_OMEGA * state[1])
            state[0] += DT * state[1]
        step = TILT_RATE_LIMIT * DT
        target_pitch = math.degrees(math.asin(max(-1.0, min(1.0, self._surge[0] / G))))
        target_roll = -math.degrees(math.asin(max(-1.0, min(1.0, self._sway[0] / G))))
        self._tilt_pitch += max(-step, min(step, target_pitch - self._tilt_pitch))
        self._tilt_roll += max(-step, min(step, target_roll - self._tilt_roll))
        # Rotation: first-order low-pass of the camera's angles; the cue is the difference.
        for i, angle in enumerate((pitch, roll)):
            self._rot[i] += DT * ROT_BREAK * _wrap(angle - self._rot[i])
        self._angles = (pitch, roll)
        self._k = k

    def _output(self) -> SeatPose:
        rot_pitch = ROT_GAIN * _wrap(self._angles[0] - self._rot[0])
        rot_roll = ROT_GAIN * _wrap(self._angles[1] - self._rot[1])
        lim = self.limits
        return SeatPose(
            soft_limit(self._tilt_pitch + rot_pitch, lim.pitch),
            soft_limit(self._tilt_roll + rot_roll, lim.roll),
            soft_limit(self._heave[1], lim.heave),
        )

    def at(self, t: float) -> SeatPose:
        """The seat's pose at show time ``t`` (full scale; the bus scales it by the cue's level)."""
        k = math.floor(t * RATE + 1e-9)
        if self._k is None or k < self._k or k - self._k > MAX_AHEAD * RATE:
            self._restart(k - int(WARMUP * RATE))
        assert self._k is not None
        while self._k < k:
            self._step(self._k + 1)
        return self._output()
