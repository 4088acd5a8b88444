"""The show clock against a simulated audio device: steps, jitter, a stall, seeks."""

from __future__ import annotations

import random

import pytest

from exhibit.timeline.clock import JUMP_THRESHOLD, MAX_SLEW, ShowClock

FRAME = 1 / 60
BUFFER = 0.020  # the device reports its position once per 20 ms buffer


class SimulatedDevice:
    """Audio position as a device reports it: per-buffer steps, +-5 ms jitter, an optional stall.

    During a stall the device keeps playing (the true position moves on) but its
    reported position freezes; afterwards reports are true again.
    """

    def __init__(self, seed: int, stall_at: float | None = None, stall_for: float = 0.3) -> None:
        self.rng = random.Random(seed)
        self.wall = 0.0
        self.stall_at = stall_at
        self.stall_for = stall_for
        self._reported = 0.0
        self._next_update = 0.0

    def true_position(self) -> float:
        return self.wall

    def stalled(self) -> bool:
        return self.stall_at is not None and self.stall_at <= self.wall < self.stall_at + self.stall_for

    def position(self) -> float:
        if self.wall >= self._next_update and not self.stalled():
            buffered = self.wall - (self.wall % BUFFER)
            self._reported = max(0.0, buffered + self.rng.uniform(-0.005, 0.005))
            self._next_update = buffered + BUFFER
        return self._reported


def run(device: SimulatedDevice, clock: ShowClock, seconds: float) -> list[tuple[float, float]]:
    errors = []
    steps = int(seconds / FRAME)
    for i in range(steps):
        device.wall = i * FRAME
        t = clock.now(device.wall)
        errors.append((device.wall, t - device.true_position()))
    return errors


def test_follows_a_jittery_stepped_source_within_20ms_for_ten_minutes_with_a_stall() -> None:
    stall_at = 300.0
    device = SimulatedDevice(seed=7, stall_at=stall_at, stall_for=0.3)
    clock = ShowClock(device.position)
    errors = run(device, clock, 600.0)
    after_lock = [(w, e) for w, e in errors if w > 1.0]
    outside_recovery = [(w, e) for w, e in after_lock if not (stall_at <= w <= stall_at + 0.3 + 1.0)]
    worst = max(abs(e) for _, e in outside_recovery)
    assert worst <= 0.020, f"clock strayed {worst * 1000:.1f} ms from the voice"
    # EBU R37: never more than 40 ms early or 60 ms late, not even while recovering.
    assert all(-0.060 <= e <= 0.040 for _, e in after_lock)
    # Recovery from the stall is over within 1 s of its end.
    recovered = [e for w, e in after_lock if stall_at + 0.3 + 1.0 <= w <= stall_at + 5]
    assert max(abs(e) for e in recovered) <= 0.020


def test_a_device_that_really_stops_for_300ms_is_caught_up_by_a_jump_within_a_second() -> None:
    # Here the audio itself stops for 300 ms (an underrun): afterwards the voice is 300 ms behind the wall.
    class Underrun(SimulatedDevice):
        def true_position(self) -> float:
            if self.wall < 100.0:
                return self.wall
            return max(100.0, self.wall - 0.3)

        def position(self) -> float:
            truth = self.true_position()
            if self.wall >= self._next_update:
                self._reported = truth - (truth % BUFFER) + self.rng.uniform(-0.005, 0.005)
                self._next_update = self.wall + BUFFER
            return self._reported

    device = Underrun(seed=3)
    clock = ShowClock(device.position)
    errors = run(device, clock, 110.0)
    late = [abs(e) for w, e in errors if 101.3 <= w <= 110.0]
    assert max(late) <= 0.020
    assert clock.jumps >= 1


def test_rate_never_changes_by_more_than_five_percent() -> None:
    device = SimulatedDevice(seed=1)
    clock = ShowClock(device.position, start=0.0)
    rates = []
    for i in range(3000):
        device.wall = i * FRAME
        rates.append(clock.read(device.wall).rate)
    assert max(abs(r - 1.0) for r in rates) <= MAX_SLEW + 1e-12


def test_small_offset_is_slewed_not_jumped() -> None:
    offset = 0.1  # the master is 100 ms ahead: below the jump threshold
    clock = ShowClock(lambda: wall[0] + offset)
    wall = [0.0]
    readings = []
    for i in range(600):
        wall[0] = i * FRAME
        readings.append(clock.read(wall[0]))
    assert not any(r.jumped for r in readings[1:])
    ts = [r.t for r in readings]
    steps = [b - a for a, b in zip(ts, ts[1:], strict=False)]
    assert max(steps) <= FRAME * (1 + MAX_SLEW) + 1e-9  # no visible jump forward
    assert abs(ts[-1] - (wall[0] + offset)) < 0.01


def test_large_offset_jumps() -> None:
    wall = [0.0]
    master = [0.0]
    clock = ShowClock(lambda: master[0])
    clock.now(0.0)
    wall[0], master[0] = 0.1, 5.0  # someone seeked the audio
    reading = clock.read(wall[0])
    assert reading.jumped and reading.t == pytest.approx(5.0)
    assert 5.0 - 0.1 > JUMP_THRESHOLD


def test_pause_holds_time_and_resume_continues() -> None:
    clock = ShowClock()
    assert clock.now(10.0) == 0.0
    assert clock.now(12.0) == pytest.approx(2.0)
    clock.pause(12.0)
    assert clock.now(20.0) == pytest.approx(2.0)
    clock.resume(20.0)
    assert clock.now(21.5) == pytest.approx(3.5)


def test_seek_moves_time() -> None:
    clock = ShowClock()
    clock.now(0.0)
    clock.seek(42.0, wall=1.0)
    assert clock.now(2.0) == pytest.approx(43.0)
