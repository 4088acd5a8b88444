"""Per-device request budgets (token buckets), so that one phone cannot crowd out the rest."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

#: Buckets kept before the idle ones are dropped (a busy day is a few thousand phones).
MAX_BUCKETS = 20_000


class RateLimit:
    """``rate`` requests a second per key, with bursts of up to ``burst``."""

    def __init__(self, rate: float, burst: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.rate = rate
        self.burst = burst
        self.clock = clock
        self._buckets: dict[str, tuple[float, float]] = {}  # key -> (tokens, when)
        self._lock = threading.Lock()

    def allow(self, key: str) -> bool:
        now = self.clock()
        with self._lock:
            tokens, when = self._buckets.get(key, (self.burst, now))
            tokens = min(self.burst, tokens + (now - when) * self.rate)
            if len(self._buckets) >= MAX_BUCKETS and key not in self._buckets:
                self._drop_full(now)
            if tokens < 1.0:
                self._buckets[key] = (tokens, now)
                return False
            self._buckets[key] = (tokens - 1.0, now)
            return True

    def _drop_full(self, now: float) -> None:
        """Forget the keys whose buckets have filled up again (they lose nothing)."""
        refill = self.burst / self.rate
        self._buckets = {k: v for k, v in self._buckets.items() if now - v[1] < refill}
