"""Finished attempts that wait for the database: a full or read-only disk loses none of them.

A kiosk, a scene's quiz or a terminal quiz hands each finished round to
:class:`AttemptSpool` instead of the store itself. When the store cannot take it (it
cannot be opened, the disk is full, the folder is read-only) the attempt waits, in
order, in a bounded queue in memory and (given a :class:`~exhibit.quiz.spill.SpillFile`)
on disk, where the next process for the same database finds it; every later round, and
:meth:`AttemptSpool.flush`, tries the store again and writes what waits, oldest first. The person running the hall
sees one warning per outage (not one per visitor) and how many attempts wait.
"""

from __future__ import annotations

import dataclasses
from collections import deque
from collections.abc import Callable
from pathlib import Path
from typing import Unpack

from exhibit.quiz.attempt import AttemptRecord
from exhibit.quiz.draw import History
from exhibit.quiz.nickname import clean_nickname
from exhibit.quiz.spill import SpillFile
from exhibit.quiz.store import BoardQuery, BoardRow, Period, QuizStore, StoreError

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
        spill: SpillFile | None = None,
    ) -> None:
        self._open = open_store
        self._store: QuizStore | None = None
        self._warn = warn
        # (provisional id, attempt): a waiting attempt has a negative id until it is written,
        # so a kiosk can still put the visitor's nickname on it.
        self._waiting: deque[tuple[int, AttemptRecord]] = deque()
        self._written: dict[int, int] = {}  # provisional id -> the id the store gave it
        self._next = 0
        self._limit = limit
        self.dropped = 0  # attempts lost because the queue was full (the oldest go first)
        self.problem: str | None = None  # the store's last error while attempts wait
        # Each waiting round is also written to disk, so that it outlives this process;
        # rounds an earlier process left there wait here first.
        self._spill = spill
        self._spilled: set[int] = set()  # provisional ids of the rounds written to the spill file
        if spill is not None:
            for attempt in spill.adopt():
                self._next -= 1
                self._waiting.append((self._next, attempt))
                self._spilled.add(self._next)

    @property
    def on_disk(self) -> bool:
        """Whether every waiting round is also on disk (it outlives this process)."""
        return all(provisional in self._spilled for provisional, _ in self._waiting)

    def _spill_waiting(self) -> None:
        if self._spill is None:
            return
        for provisional, attempt in self._waiting:
            if provisional not in self._spilled and self._spill.add(provisional, attempt):
                self._spilled.add(provisional)

    @property
    def spill_path(self) -> Path | None:
        """The file that holds the waiting rounds, if any does."""
        return self._spill.path if self._spill is not None else None

    @property
    def waiting(self) -> int:
        """Finished attempts not written yet."""
        return len(self._waiting)

    def record(self, attempt: AttemptRecord) -> int:
        """Store ``attempt`` (after any that wait); its id, or a negative one while it waits.

        The kiosk, the terminal quiz and a scene's quiz all go through here; the
        history and the boards are read from the store directly (a StoreError while it
        is out, which each of them already shows as "unavailable").
        """
        self._next -= 1
        provisional = self._next
        self._waiting.append((provisional, attempt))
        while len(self._waiting) > self._limit:
            self._waiting.popleft()
            self.dropped += 1
        self.flush()
        return self._written.pop(provisional, provisional)

    def flush(self) -> int:
        """Write what waits, oldest first, until the store fails; the last id written, or 0."""
        last = 0
        while self._waiting:
            provisional, attempt = self._waiting[0]
            try:
                last = self._open_store().record(attempt)
            except StoreError as exc:
                self._spill_waiting()
                self._fail(str(exc))
                return 0
            self._waiting.popleft()
            self._written[provisional] = last
            if self._spill is not None and provisional in self._spilled:
                self._spilled.discard(provisional)
                self._spill.done(provisional)
        if self._spill is not None:
            self._spill.empty()
        if self.problem is not None and self._warn is not None:
            self._warn("the quiz database is writable again; every waiting attempt is stored")
        self.problem = None
        return last

    def set_nickname(self, attempt_id: int, nickname: str | None) -> str | None:
        """Put a nickname on an attempt, written or still waiting."""
        attempt_id = self._written.get(attempt_id, attempt_id)
        if attempt_id >= 0:
            return self._open_store().set_nickname(attempt_id, nickname)
        for i, (provisional, attempt) in enumerate(self._waiting):
            if provisional == attempt_id:
                clean = clean_nickname(nickname)
                updated = dataclasses.replace(attempt, nickname=clean)
                self._waiting[i] = (provisional, updated)
                if self._spill is not None and provisional in self._spilled:
                    self._spill.add(provisional, updated)  # the later line of an id wins
                return clean
        return None

    def history(self, bank: str, kiosk: str, sessions: int) -> History:
        return self._open_store().history(bank, kiosk, sessions)

    def leaderboard(self, period: Period, **query: Unpack[BoardQuery]) -> list[BoardRow]:
        """The store's :meth:`~exhibit.quiz.store.QuizStore.leaderboard`, with the same options."""
        return self._open_store().leaderboard(period, **query)

    def _open_store(self) -> QuizStore:
        if self._store is None:
            self._store = self._open()
        return self._store

    def _fail(self, problem: str) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None
        first = self.problem is None
        self.problem = problem
        if first and self._warn is not None:
            path = self.spill_path if self.on_disk else None
            where = f" and in {path}" if path is not None else ""
            self._warn(f"quiz answers wait in memory{where} until the database can be written: {problem}")

    def close(self) -> None:
        """Try once more to write what waits, then close the store."""
        self.flush()
        if self._store is not None:
            self._store.close()
            self._store = None
        if self._spill is not None:
            self._spill.close()  # what still waits stays on disk for the next spool
