"""A follower's show time, from the master's states and ping/pong samples: pure arithmetic.

How the offset is measured and the show time steered is told in :mod:`exhibit.sync`.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from typing import Literal

from exhibit.sync.wire import PongMessage, StateMessage
from exhibit.timeline.clock import JUMP_THRESHOLD, MAX_SLEW

FILTER_SAMPLES = 8  # offset samples kept; the one with the least delay wins
MIN_SAMPLES = 3  # offset samples before a follower calls itself locked
LOST_AFTER = 1.0  # seconds without a state before a follower holds
CORRECTION_TIME = 0.5  # seconds over which an error is slewed away (before the 5 % limit)
LOCK_TOLERANCE = 0.004  # seconds; a quarter frame at 60 Hz

Mode = Literal["waiting", "following", "holding"]


@dataclass(frozen=True)
class OffsetSample:
    offset: float  # master clock minus follower clock, seconds
    delay: float  # round trip minus the master's own processing, seconds
    at: float  # follower time when measured


class OffsetFilter:
    """NTP's clock filter, reduced: trust the recent sample with the least delay."""

    def __init__(self, size: int = FILTER_SAMPLES) -> None:
        self._samples: deque[OffsetSample] = deque(maxlen=size)

    def add(self, t0: float, t1: float, t2: float, t3: float) -> OffsetSample | None:
        delay = (t3 - t0) - (t2 - t1)
        if delay < 0 or t3 < t0:
            return None  # a clock stepped between send and receive: no information
        sample = OffsetSample(((t1 - t0) + (t2 - t3)) / 2.0, delay, t3)
        self._samples.append(sample)
        return sample

    def reset(self) -> None:
        self._samples.clear()

    @property
    def count(self) -> int:
        return len(self._samples)

    @property
    def best(self) -> OffsetSample | None:
        return min(self._samples, key=lambda s: s.delay) if self._samples else None


@dataclass(frozen=True)
class FollowReading:
    """What a follower shows at one moment."""

    t: float  # show time to draw
    rate: float  # the follower's current rate (0 when paused)
    mode: Mode
    scene: str | None  # None until the master has been heard
    lang: str | None
    status: str | None
    locked: bool  # following, measured, and within LOCK_TOLERANCE of the master
    jumped: bool  # this reading jumped (a seek, a new scene, a late join): do not tween
    error: float  # master's show time minus ours at this reading (0 when holding or waiting)
    offset: float | None  # master clock minus ours, as estimated
    delay: float | None  # round-trip delay of the sample trusted


class FollowerClock:
    """A follower's show time from the master's states and ping/pong samples.

    Pure arithmetic on the times it is given (the follower's own monotonic clock
    as ``wall``), so the steering can be tested without a network.
    """

    def __init__(self) -> None:
        self.filter = OffsetFilter()
        self._state: StateMessage | None = None
        self._heard: float | None = None  # our wall when the last state arrived
        self._bootstrap: float | None = None  # offset from a state's arrival, before any pong
        self._measured_epoch: int | None = None  # the master the offset samples came from
        self._t = 0.0
        self._w: float | None = None
        self._rate = 0.0
        self._show: tuple[str, str] | None = None
        self.jumps = 0
        self.recoveries = 0
        self._holding = False

    # -- input ---------------------------------------------------------------------------------

    def on_state(self, state: StateMessage, wall: float) -> None:
        previous = self._state
        if previous is not None and state.epoch == previous.epoch and state.seq <= previous.seq:
            return  # reordered or duplicated datagram
        if state.epoch != self._measured_epoch:
            self.filter.reset()  # samples from a master that has since restarted
            self._measured_epoch = state.epoch
        self._state = state
        self._heard = wall
        if self.filter.count == 0:
            self._bootstrap = state.wall - wall

    def on_pong(self, pong: PongMessage, t3: float) -> None:
        if self._measured_epoch is None:
            self._measured_epoch = pong.epoch  # pongs usually arrive before the first state
        if pong.epoch != self._measured_epoch:
            if not self.lost(t3):
                return  # an answer from another master than the one we follow
            # The master we followed is gone and a restarted one answers: measure it.
            self.filter.reset()
            self._measured_epoch = pong.epoch
        self.filter.add(pong.t0, pong.t1, pong.t2, t3)

    # -- reading -------------------------------------------------------------------------------

    @property
    def offset(self) -> float | None:
        best = self.filter.best
        return best.offset if best is not None else self._bootstrap

    def master_time(self, wall: float) -> float | None:
        """The master's show time at our ``wall``, as best we know it."""
        state, offset = self._state, self.offset
        if state is None or offset is None:
            return None
        return state.t + (wall + offset - state.wall) * state.rate

    def lost(self, wall: float) -> bool:
        return self._heard is None or wall - self._heard > LOST_AFTER

    def read(self, wall: float) -> FollowReading:
        state = self._state
        best = self.filter.best
        delay = best.delay if best is not None else None
        if state is None:
            return FollowReading(0.0, 0.0, "waiting", None, None, None, False, False, 0.0, None, None)
        if self._w is None:
            self._w = wall
        estimate = self._t + (wall - self._w) * self._rate
        if self.lost(wall):
            # Hold: keep going at the master's last rate, without steering.
            self._holding = True
            self._t, self._w, self._rate = estimate, wall, state.rate
            return FollowReading(
                estimate,
                self._rate,
                "holding",
                state.scene,
                state.lang,
                state.status,
                False,
                False,
                0.0,
                self.offset,
                delay,
            )
        if self._holding:
            self._holding = False
            self.recoveries += 1
        target = self.master_time(wall)
        assert target is not None  # a state is known and an offset came with it
        show = (state.scene, state.lang)
        error = target - estimate
        jumped = show != self._show or abs(error) > JUMP_THRESHOLD or state.rate == 0.0
        if jumped:
            # A new show, a seek, a late join; or paused, where a still picture must match exactly.
            if abs(error) > 1e-9 or show != self._show:
                self.jumps += 1
            else:
                jumped = False
            self._t, self._rate = target, state.rate
            self._show = show
            error = 0.0
        else:
            slew = max(-MAX_SLEW, min(MAX_SLEW, error / CORRECTION_TIME))
            self._t, self._rate = estimate, state.rate * (1.0 + slew)
        self._w = wall
        locked = self.filter.count >= MIN_SAMPLES and abs(target - self._t) < LOCK_TOLERANCE
        return FollowReading(
            self._t,
            self._rate,
            "following",
            state.scene,
            state.lang,
            state.status,
            locked,
            jumped,
            target - estimate if not jumped else 0.0,
            self.offset,
            delay,
        )
