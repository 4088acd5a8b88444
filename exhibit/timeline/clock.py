"""The show clock: show time that follows a master position (the audio device).

The voice is the master: when a mix is playing, its play position says where
the show is. Audio positions arrive in steps (one per device buffer) and with
jitter, and a device can stall. The clock therefore runs on the wall clock and
steers towards the master:

- small errors are removed by slewing the rate, at most ``MAX_SLEW`` (5 %), so
  motion never visibly speeds up or stutters;
- an error beyond ``JUMP_THRESHOLD`` (200 ms) is a seek or a glitch: jump;
- a master that stops advancing while the clock runs (a stall) is ignored
  until it moves again, so the picture keeps going; when it resumes, the
  clock either slews back or jumps as above.

Pure arithmetic on the times it is given: no threads, no sleeping, easy to
test with simulated sources.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

MAX_SLEW = 0.05  # fraction of nominal rate
JUMP_THRESHOLD = 0.200  # seconds
CORRECTION_TIME = 0.5  # seconds over which an error is removed (before the slew limit)
ERROR_SMOOTHING = 0.15  # weight of a new error sample in the running estimate
STALL_AFTER = 0.080  # seconds without master movement while running = stall


@dataclass
class ClockReading:
    t: float
    rate: float
    locked: bool  # following a live master (not free-running, not stalled)
    jumped: bool


class ShowClock:
    """Show time from wall time, steered by an optional master position source.

    ``source`` returns the master's show time (e.g. the mix's play position) or
    None when there is no master (the clock then runs freely on wall time).
    """

    def __init__(self, source: Callable[[], float | None] | None = None, start: float = 0.0) -> None:
        self.source = source
        self._t0 = start
        self._w0: float | None = None
        self._rate = 1.0
        self._error = 0.0
        self._paused = False
        self._last_master: float | None = None
        self._last_master_change: float | None = None
        self.jumps = 0

    # -- control ---------------------------------------------------------------------------------

    def seek(self, t: float, wall: float | None = None) -> None:
        self._t0 = t
        self._w0 = wall
        self._rate = 1.0
        self._error = 0.0
        self._last_master = None
        self._last_master_change = None

    def pause(self, wall: float) -> None:
        if not self._paused:
            self._t0 = self._estimate(wall)
            self._w0 = wall
            self._paused = True

    def resume(self, wall: float) -> None:
        if self._paused:
            self._w0 = wall
            self._paused = False
            self._last_master = None
            self._last_master_change = None

    @property
    def paused(self) -> bool:
        return self._paused

    @property
    def rate(self) -> float:
        return self._rate

    # -- reading ---------------------------------------------------------------------------------

    def _estimate(self, wall: float) -> float:
        if self._w0 is None or self._paused:
            return self._t0
        return self._t0 + (wall - self._w0) * self._rate

    def now(self, wall: float) -> float:
        return self.read(wall).t

    def read(self, wall: float) -> ClockReading:
        """Show time at ``wall`` (seconds on any monotonic clock), steering towards the master."""
        if self._w0 is None:
            self._w0 = wall
        if self._paused:
            return ClockReading(self._t0, 0.0, False, False)
        estimate = self._estimate(wall)
        # Re-base so that later rate changes apply from now on (the curve stays continuous).
        self._t0, self._w0 = estimate, wall
        master = self.source() if self.source is not None else None
        if master is None:
            self._rate = 1.0
            return ClockReading(estimate, 1.0, False, False)
        if self._last_master is None or master != self._last_master:
            self._last_master = master
            self._last_master_change = wall
        elif self._last_master_change is not None and wall - self._last_master_change > STALL_AFTER:
            # The master is not moving but time is: a stall. Keep going at the nominal rate.
            self._rate = 1.0
            return ClockReading(estimate, 1.0, False, False)
        error = master - estimate
        if abs(error) > JUMP_THRESHOLD:
            self._t0 = master
            self._rate = 1.0
            self._error = 0.0
            self.jumps += 1
            return ClockReading(master, 1.0, True, True)
        self._error += (error - self._error) * ERROR_SMOOTHING
        slew = max(-MAX_SLEW, min(MAX_SLEW, self._error / CORRECTION_TIME))
        self._rate = 1.0 + slew
        return ClockReading(estimate, self._rate, True, False)


def clock_text(t: float) -> str:
    """Show time as a person reads it: ``1:02.5``."""
    tenths = round(max(0.0, t) * 10)
    return f"{tenths // 600}:{tenths % 600 / 10:04.1f}"
