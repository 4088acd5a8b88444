"""Finished attempts that wait for the database: a full or read-only disk loses none of them.

A kiosk, a scene's quiz or a terminal quiz hands each finished round to
:class:`AttemptSpool` instead of the store itself. When the store cannot take it (it
cannot be opened, the disk is full, the folder is read-only) the attempt waits, in
order, in a bounded queue in memory; every later round, and :meth:`AttemptSpool.flush`,
tries the store again and writes what waits, oldest first. The person running the hall
sees one warning per outage (not one per visitor) and how many attempts wait.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable

from exhibit.quiz.attempt import AttemptRecord
from exhibit.quiz.store import QuizStore, StoreError

#: Attempts kept while the store is out: a busy day at four kiosks is about 2,000.
MAX_WAITING = 5_000


class AttemptSpool:
    """An attempt sink that queues what the store cannot take, and writes it later.

    ``open_store`` is called when a store is needed and none is open (again after a
    failure, so a database that comes back is used); ``warn`` hears one line per outage.
    """

    def __init__(
        self,
        open_store: Callable[[], QuizStore],
        *,
        warn: Callable[[str], None] | None = None,
        limit: int = MAX_WAITING,
    ) -> None:
        self._open = open_store
        self._store: QuizStore | None = None
        self._warn = warn
        self._waiting: deque[AttemptRecord] = deque()
        self._limit = limit
        self.dropped = 0  # attempts lost because the queue was full (the oldest go first)
        self.problem: str | None = None  # the store's last error while attempts wait

    @property
    def waiting(self) -> int:
        """Finished attempts not written yet."""
        return len(self._waiting)

    def record(self, attempt: AttemptRecord) -> int:
        """Store ``attempt`` (after any that wait); its id, or 0 while it waits."""
        self._waiting.append(attempt)
        while len(self._waiting) > self._limit:
            self._waiting.popleft()
            self.dropped += 1
        last = self.flush()
        return last if not self._waiting else 0

    def flush(self) -> int:
        """Write what waits, oldest first, until the store fails; the last id written, or 0."""
        last = 0
        while self._waiting:
            try:
                store = self._store or self._open()
                self._store = store
                last = store.record(self._waiting[0])
            except StoreError as exc:
                self._fail(str(exc))
                return 0
            self._waiting.popleft()
        if self.problem is not None and self._warn is not None:
            self._warn("the quiz database is writable again; every waiting attempt is stored")
        self.problem = None
        return last

    def _fail(self, problem: str) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None
        first = self.problem is None
        self.problem = problem
        if first and self._warn is not None:
            self._warn(f"quiz answers wait in memory until the database can be written: {problem}")

    def close(self) -> None:
        """Try once more to write what waits, then close the store."""
        self.flush()
        if self._store is not None:
            self._store.close()
            self._store = None
