"""A structured log: one JSON object per line, for operators' tools and for tests to read.

Each record has the wall time (``ts``, ISO 8601, from the injected clock where there is
one) and the event name, then the event's own fields. Every record goes to the file in
one ``write`` as it is made, so a crash loses nothing already logged.

A hall runs every day for years, so the file is rotated: when the local date of a record
differs from the date of the file's records, or the record would take the file past
``max_bytes``, the file is renamed to ``<stem>-YYYY-MM-DD<suffix>`` (the date of the
records in it; ``.1``, ``.2``, ... before the suffix for further files of the same day)
and a new one is started. Only the newest ``backups`` rotated files are kept.

Records are whole lines: never split across two files, and a write that fails half way
(a full disk) is cut back off the file. A crash between the rename and the new file
leaves the renamed file complete, and the next start simply begins a new one. When the
file cannot be written (a full disk, a folder that cannot be made), the journal says so
once on stderr, keeps up to :data:`PENDING_LIMIT` records in memory, tries again every
``retry`` seconds and never raises: losing log lines must not stop a show.
"""

from __future__ import annotations

import json
import logging
import os
import re
import sys
import threading
import time
from collections import deque
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

log = logging.getLogger("exhibit")

DEFAULT_MAX_BYTES = 10 * 1024 * 1024  # 10 MB: a busy day of shows is about 2 MB
DEFAULT_BACKUPS = 30  # rotated files kept: a month of days
RETRY_SECONDS = 30.0  # after a failed write, how long before the file is tried again
PENDING_LIMIT = 10_000  # records held in memory while the file cannot be written
_HEAD = 4096  # bytes read from an existing file to find the date of its first record
_TAIL = 1 << 20  # at most this far back from the end to cut off a torn last record


class Journal:
    """Appends JSON lines to ``path`` (created with its folder); ``None`` keeps records in memory only.

    ``max_bytes`` (None: no size limit) and ``backups`` (rotated files kept) set the
    rotation; ``now`` is the wall clock of the records' ``ts`` and of the rotation by date.
    """

    def __init__(self, path: Path | None, now: Callable[[], datetime] = datetime.now, keep: int = 200,
                 max_bytes: int | None = DEFAULT_MAX_BYTES, backups: int = DEFAULT_BACKUPS,
                 retry: float = RETRY_SECONDS, monotonic: Callable[[], float] = time.monotonic) -> None:
        self.path = path
        self.now = now
        self.keep = keep
        self.max_bytes = max_bytes
        self.backups = max(0, backups)
        self.retry = retry
        self.monotonic = monotonic
        self.recent: list[dict[str, Any]] = []  # the last ``keep`` records, for status pages and tests
        self.lost = 0  # records dropped because the file could not be written for too long
        self._lock = threading.Lock()
        self._fd: int | None = None
        self._size = 0  # bytes in the open file
        self._day = date.min  # the date of the open file's records
        self._pending: deque[tuple[date, bytes]] = deque()
        self._retry_at = float("-inf")  # monotonic time of the next try after a failure
        self._rotate_at = float("-inf")  # the same for a rename that failed
        self._failing: str | None = None  # what is wrong, while it is (reported once)
        self._rotate_failing = False
        if path is not None:
            try:
                self._open(self.now().date())
            except OSError as exc:
                self._failed("cannot open", exc)

    def write(self, event: str, **fields: Any) -> dict[str, Any]:
        moment = self.now()
        record = {"ts": moment.isoformat(timespec="milliseconds"), "event": event, **fields}
        line = json.dumps(record, ensure_ascii=False, default=str)
        with self._lock:
            self.recent.append(record)
            if len(self.recent) > self.keep:
                del self.recent[: len(self.recent) - self.keep]
            if self.path is not None:
                self._append(moment.date(), (line + "\n").encode("utf-8"))
        log.debug("%s", line)
        return record

    def close(self) -> None:
        with self._lock:
            if self.path is not None and self._pending:
                self._retry_at = float("-inf")
                self._drain()
            if self._fd is not None:
                fd, self._fd = self._fd, None
                try:
                    os.close(fd)
                except OSError as exc:  # a network disk can report a lost write only here
                    self._failed("cannot close", exc)

    def files(self) -> list[Path]:
        """The rotated files, oldest first, then the current one (where they exist)."""
        return journal_files(self.path) if self.path is not None else []

    # -- the file ------------------------------------------------------------------------------

    def _append(self, day: date, data: bytes) -> None:
        if len(self._pending) >= PENDING_LIMIT:
            self._pending.popleft()
            self.lost += 1
        self._pending.append((day, data))
        if self._fd is None and self.monotonic() < self._retry_at:
            return
        self._drain()

    def _drain(self) -> None:
        """Write the held records in order; on a failure keep the rest for the next try."""
        try:
            while self._pending:
                day, data = self._pending[0]
                if self._fd is None:
                    self._open(day)
                self._rotate_if_due(day, len(data))
                self._write_whole(data)
                self._pending.popleft()
        except OSError as exc:
            self._failed("cannot write", exc)
            return
        if self._failing is not None:
            self._recovered()

    def _open(self, day: date) -> None:
        assert self.path is not None
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            size = _cut_torn_tail(fd)
            # A file left from an earlier run keeps the date of its records (or of its last change).
            self._day = (_first_day(fd) or date.fromtimestamp(os.fstat(fd).st_mtime)) if size else day
        except OSError:
            os.close(fd)
            raise
        self._fd, self._size = fd, size

    def _write_whole(self, data: bytes) -> None:
        """One record, all of it or none of it: a partial write is cut back off the file."""
        assert self._fd is not None
        fd, before = self._fd, self._size
        view = memoryview(data)
        try:
            while view:
                view = view[os.write(fd, view):]
        except OSError:
            try:
                os.ftruncate(fd, before)
            except OSError:
                pass  # cut when the file is next opened (_cut_torn_tail)
            self._fd = None
            os.close(fd)
            raise
        self._size += len(data)

    def _rotate_if_due(self, day: date, incoming: int) -> None:
        if self._size == 0:
            self._day = day  # an empty file takes the date of its first record
            return
        too_big = self.max_bytes is not None and self._size + incoming > self.max_bytes
        if (day == self._day and not too_big) or self.monotonic() < self._rotate_at:
            return
        assert self.path is not None and self._fd is not None
        target = _free_name(self.path, self._day)
        try:
            os.rename(self.path, target)  # the open descriptor follows the file to its new name
        except OSError as exc:
            # Keep appending to the current file rather than lose anything; try again later.
            self._rotate_at = self.monotonic() + self.retry
            if not self._rotate_failing:
                self._rotate_failing = True
                self._report(f"exhibit: warning: cannot rotate the journal {self.path} to {target.name}: "
                             f"{_reason(exc)}; it keeps growing until it can")
            return
        self._rotate_failing = False
        fd, self._fd = self._fd, None
        os.close(fd)
        self._prune()
        self._open(day)

    def _prune(self) -> None:
        assert self.path is not None
        for old in _rotated(self.path)[: -self.backups or None]:
            try:
                old.unlink()
            except FileNotFoundError:
                pass
            except OSError as exc:
                self._report(f"exhibit: warning: cannot delete the old journal {old}: {_reason(exc)}")
                return

    # -- reporting -----------------------------------------------------------------------------

    def _failed(self, doing: str, exc: OSError) -> None:
        self._retry_at = self.monotonic() + self.retry
        if self._failing is None:
            self._failing = _reason(exc)
            self._report(f"exhibit: warning: {doing} the journal {self.path}: {self._failing}; "
                         f"holding up to {PENDING_LIMIT} records in memory and trying again "
                         f"every {self.retry:g} s")

    def _recovered(self) -> None:
        lost = f"; {self.lost} records were lost" if self.lost else ""
        self._report(f"exhibit: the journal {self.path} is written again{lost}")
        self._failing = None
        if self.lost:
            record = {"ts": self.now().isoformat(timespec="milliseconds"), "event": "journal_lost",
                      "count": self.lost}
            self.lost = 0
            self._pending.append((self.now().date(), (json.dumps(record) + "\n").encode("utf-8")))
            self._drain()

    @staticmethod
    def _report(message: str) -> None:
        try:
            print(message, file=sys.stderr, flush=True)
        except (OSError, ValueError):
            pass  # no stderr either: nothing more can be done


def _reason(exc: OSError) -> str:
    return exc.strerror or str(exc)


def _cut_torn_tail(fd: int) -> int:
    """Cut a last record that a crash left without its newline; returns the file's size."""
    size = os.fstat(fd).st_size
    if size == 0 or os.pread(fd, 1, size - 1) == b"\n":
        return size
    start = max(0, size - _TAIL)
    keep = os.pread(fd, size - start, start).rfind(b"\n") + 1
    cut = start + keep if keep else 0
    os.ftruncate(fd, cut)
    return cut


def _first_day(fd: int) -> date | None:
    """The date of a file's first record (``None`` when it has none readable)."""
    head = os.pread(fd, _HEAD, 0)
    match = re.match(rb'\{"ts": "(\d{4}-\d{2}-\d{2})T', head)
    if match is None:
        return None
    try:
        return date.fromisoformat(match[1].decode())
    except ValueError:
        return None


def _pattern(path: Path) -> re.Pattern[str]:
    return re.compile(rf"{re.escape(path.stem)}-(\d{{4}}-\d{{2}}-\d{{2}})(?:\.(\d+))?{re.escape(path.suffix)}")


def _rotated(path: Path) -> list[Path]:
    """The rotated files of the journal at ``path``, oldest first (by date, then counter)."""
    pattern = _pattern(path)
    found: list[tuple[str, int, Path]] = []
    try:
        entries = list(path.parent.iterdir())
    except OSError:
        return []
    for entry in entries:
        match = pattern.fullmatch(entry.name)
        if match is not None:
            found.append((match[1], int(match[2] or 0), entry))
    return [p for _day, _n, p in sorted(found)]


def _free_name(path: Path, day: date) -> Path:
    """``hall-2025-07-04.jsonl``, else the next counter after that day's newest (``hall-2025-07-04.3.jsonl``).

    Never a counter below one in use, even after older files of the day were deleted, so the
    names keep sorting in the order the files were written.
    """
    stamp = day.isoformat()
    pattern = _pattern(path)
    taken = [int(m[2] or 0) for p in _rotated(path) if (m := pattern.fullmatch(p.name)) and m[1] == stamp]
    n = max(taken) + 1 if taken else 0
    while True:
        target = path.with_name(f"{path.stem}-{stamp}{f'.{n}' if n else ''}{path.suffix}")
        if not target.exists():
            return target
        n += 1


def journal_files(path: Path) -> list[Path]:
    """The rotated files of the journal at ``path``, oldest first, then ``path`` itself if it exists."""
    return _rotated(path) + ([path] if path.exists() else [])


def read_journal(path: Path, rotated: bool = False) -> list[dict[str, Any]]:
    """Every record in a journal file (for tools and tests); with ``rotated``, the older files' first."""
    records: list[dict[str, Any]] = []
    for file in journal_files(path) if rotated else ([path] if path.exists() else []):
        text = file.read_text(encoding="utf-8")
        records += [json.loads(line) for line in text.splitlines() if line.strip()]
    return records
