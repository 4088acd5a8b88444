"""A structured log: one JSON object per line, for operators' tools and for tests to read.

Each record has the wall time (``ts``, ISO 8601, from the injected clock where there is
one) and the event name, then the event's own fields. Lines are flushed as written, so a
crash loses nothing already logged.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import IO, Any

log = logging.getLogger("exhibit")


class Journal:
    """Appends JSON lines to ``path`` (created with its folder); ``None`` keeps records in memory only."""

    def __init__(self, path: Path | None, now: Callable[[], datetime] = datetime.now, keep: int = 200) -> None:
        self.path = path
        self.now = now
        self._fh: IO[str] | None = None
        self._lock = threading.Lock()
        self.recent: list[dict[str, Any]] = []  # the last ``keep`` records, for status pages and tests
        self.keep = keep
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._fh = path.open("a", encoding="utf-8")

    def write(self, event: str, **fields: Any) -> dict[str, Any]:
        record = {"ts": self.now().isoformat(timespec="milliseconds"), "event": event, **fields}
        line = json.dumps(record, ensure_ascii=False, default=str)
        with self._lock:
            self.recent.append(record)
            if len(self.recent) > self.keep:
                del self.recent[: len(self.recent) - self.keep]
            if self._fh is not None:
                self._fh.write(line + "\n")
                self._fh.flush()
        log.debug("%s", line)
        return record

    def close(self) -> None:
        with self._lock:
            if self._fh is not None:
                self._fh.close()
                self._fh = None


def read_journal(path: Path) -> list[dict[str, Any]]:
    """Every record in a journal file (for tools and tests)."""
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
