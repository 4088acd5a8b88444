"""Motion seats: the washout filter on camera paths with known accelerations."""

from __future__ import annotations

import math

import pytest

from exhibit.effects.motion import TILT_RATE_LIMIT, G, PoseFn, SeatMotion, SeatPose, soft_limit
from exhibit.spec.hall import SeatLimits
from exhibit.timeline.frame import Vec3


def tilt(a: float) -> float:
    """The seat angle that makes gravity feel like a sustained acceleration ``a``."""
    return math.degrees(math.asin(a / G))


def straight(accel: tuple[float, float, float], heading: float = 0.0, until: float = math.inf,
             v0: tuple[float, float, float] = (0.0, 0.0, 0.0)) -> PoseFn:
    """Constant acceleration from t = 0 up to ``until``, then constant velocity; camera heading fixed."""
    def pose(t: float) -> tuple[Vec3, Vec3]:
        ta = min(max(t, 0.0), until)
        rest = max(0.0, t - until)
        x, y, z = (v * t + 0.5 * a * ta * ta + a * ta * rest for v, a in zip(v0, accel, strict=True))
        pos = (x, y, z)
        return pos, (heading, 0.0, 0.0)
    return pose


def samples(motion: SeatMotion, until: float, step: float = 0.01) -> list[tuple[float, SeatPose]]:
    return [(k * step, motion.at(k * step)) for k in range(int(until / step) + 1)]


def test_constant_velocity_is_not_felt() -> None:
    motion = SeatMotion(straight((0, 0, 0), v0=(3.0, 20.0, 1.5)))
    for _, p in samples(motion, 8):
        assert abs(p.pitch) < 1e-6 and abs(p.roll) < 1e-6 and abs(p.heave) < 1e-6


def test_sustained_forward_acceleration_tilts_the_seat_back_by_asin_a_over_g() -> None:
    a = 1.0
    motion = SeatMotion(straight((0, a, 0)))
    track = samples(motion, 8)
    final = track[-1][1]
    assert final.pitch == pytest.approx(tilt(a), abs=0.02)  # 5.85 degrees
    assert abs(final.roll) < 1e-9 and abs(final.heave) < 1e-9
    # The tilt never turns faster than the rotation threshold.
    rates = [(b.pitch - a_.pitch) / 0.01 for (_, a_), (_, b) in zip(track, track[1:], strict=False)]
    assert max(rates) <= TILT_RATE_LIMIT + 1e-6
    assert 2.0 < track[100][1].pitch <= TILT_RATE_LIMIT * 1.0  # still ramping at 1 s, well short of 5.85


def test_braking_tilts_forward() -> None:
    motion = SeatMotion(straight((0, -1.0, 0), v0=(0, 30, 0)))
    assert motion.at(8).pitch == pytest.approx(-tilt(1.0), abs=0.02)


def test_heading_turns_world_acceleration_into_the_seat_frame() -> None:
    # Heading 90 degrees looks along -x: accelerating along -x is forward (pitch), along +y is to the right.
    forward = SeatMotion(straight((-1.2, 0, 0), heading=90.0))
    p = forward.at(8)
    assert p.pitch == pytest.approx(tilt(1.2), abs=0.02) and abs(p.roll) < 1e-6
    rightward = SeatMotion(straight((0, 1.2, 0), heading=90.0))
    p = rightward.at(8)
    assert p.roll == pytest.approx(-tilt(1.2), abs=0.02) and abs(p.pitch) < 1e-6  # pressed left: left side down


def test_a_steady_left_turn_rolls_right_side_down_by_the_centripetal_acceleration() -> None:
    radius, omega = 40.0, 0.15  # v = 6 m/s, v^2/r = 0.9 m/s^2 towards the centre (to the left)

    def circle(t: float) -> tuple[Vec3, Vec3]:
        a = omega * t
        return (radius * math.cos(a), radius * math.sin(a), 0.0), (math.degrees(a), 0.0, 0.0)

    p = SeatMotion(circle).at(12)
    assert p.roll == pytest.approx(tilt(radius * omega * omega), abs=0.03)
    assert abs(p.pitch) < 0.01


def test_a_climb_is_felt_as_heave_at_its_onset_and_washes_out() -> None:
    limits = SeatLimits(heave=0.05)
    motion = SeatMotion(straight((0, 0, 1.0), until=3.0), limits)
    track = samples(motion, 14)
    heave = {round(t, 2): p.heave for t, p in track}
    assert max(heave.values()) > 0.02  # rises with the climb
    assert heave[0.5] > 0
    assert all(abs(h) <= limits.heave for h in heave.values())
    assert abs(heave[14.0]) < 0.001  # back to neutral though the camera keeps climbing
    assert min(h for t, h in heave.items() if t > 3) < -0.01  # and dips when the climb stops accelerating


def test_violent_motion_stays_within_the_seats_limits() -> None:
    limits = SeatLimits(pitch=4.0, roll=3.0, heave=0.02)

    def shake(t: float) -> tuple[Vec3, Vec3]:
        pos = (8 * math.sin(7 * t), 8 * math.sin(5 * t), 6 * math.sin(9 * t))
        return pos, (40 * math.sin(3 * t), 30 * math.sin(2 * t), 20 * math.sin(4 * t))

    for _, p in samples(SeatMotion(shake, limits), 10, 0.02):
        assert abs(p.pitch) <= 4.0 and abs(p.roll) <= 3.0 and abs(p.heave) <= 0.02


def test_camera_pitch_gives_an_onset_cue_that_fades() -> None:
    def look_up(t: float) -> tuple[Vec3, Vec3]:
        return (0.0, 0.0, 0.0), (0.0, min(max(t - 1.0, 0.0) * 20.0, 20.0), 0.0)  # 20 degrees over 1 s

    motion = SeatMotion(look_up)
    assert motion.at(2.0).pitch > 3.0
    assert abs(motion.at(12.0).pitch) < 0.01


def test_seeking_gives_the_pose_that_playing_through_gives() -> None:
    path = straight((0.4, 1.2, 0.6), until=4.0)
    played = SeatMotion(path)
    for _, _ in samples(played, 9.0, 0.02):
        pass
    jumped = SeatMotion(path)
    jumped.at(1.0)
    a, b = played.at(9.0), jumped.at(9.0)
    assert a.pitch == pytest.approx(b.pitch, abs=0.05)
    assert a.roll == pytest.approx(b.roll, abs=0.05)
    assert a.heave == pytest.approx(b.heave, abs=0.001)
    back = played.at(2.0)  # backwards as well
    assert back.pitch == pytest.approx(SeatMotion(path).at(2.0).pitch, abs=1e-9)


def test_soft_limit_is_linear_then_approaches_the_limit() -> None:
    assert soft_limit(3.0, 10.0) == 3.0
    assert soft_limit(-6.9, 10.0) == -6.9
    assert 9.0 < soft_limit(50.0, 10.0) < 10.0
    assert soft_limit(-1e9, 10.0) >= -10.0
