"""The hall's clock: wall time for the schedule, monotonic time for shows, and waiting.

Injected everywhere in :mod:`exhibit.hall`, so a test can run eight hours of shows in
seconds with :class:`SimulatedClock` and the same code runs the real hall on
:class:`SystemClock`.
"""

from __future__ import annotations

import threading
import time
from datetime import datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def monotonic(self) -> float: ...

    def now(self) -> datetime: ...

    def wait(self, seconds: float, wake: threading.Event | None = None) -> bool:
        """Sleep up to ``seconds``; True when woken early by ``wake`` (a remote command)."""
        ...


class SystemClock:
    def monotonic(self) -> float:
        return time.monotonic()

    def now(self) -> datetime:
        return datetime.now()

    def wait(self, seconds: float, wake: threading.Event | None = None) -> bool:
        if seconds <= 0:
            return bool(wake is not None and wake.is_set())
        if wake is None:
            time.sleep(seconds)
            return False
        return wake.wait(seconds)


class SimulatedClock:
    """Time that passes only when waited for: accelerated, deterministic runs."""

    def __init__(self, start: datetime) -> None:
        self.start = start
        self._t = 0.0

    def monotonic(self) -> float:
        return self._t

    def now(self) -> datetime:
        return self.start + timedelta(seconds=self._t)

    def wait(self, seconds: float, wake: threading.Event | None = None) -> bool:
        if wake is not None and wake.is_set():
            return True
        self._t += max(0.0, seconds)
        return False

    def advance(self, seconds: float) -> None:
        self._t += max(0.0, seconds)
