"""The big screen's data: today's ranking, attempts, the week's hardest questions, the scenes played,
the options visitors chose and the info cards they opened.

Only nicknames, scores and counts leave the hall's database: nothing about a visitor.
Read from the quiz database at most every :data:`REFRESH_S` seconds, whoever asks.
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from exhibit.effects.journal import Journal, journal_files
from exhibit.hall.visits import Visits
from exhibit.quiz.stats import analyse
from exhibit.quiz.store import QuizStore
from exhibit.spec.errors import ExhibitError
from exhibit.spec.quiz import Bank

REFRESH_S = 2.0
BOARD_ROWS = 10
HARDEST = 5
#: Answers a question needs before it can be called hard.
HARDEST_MIN_ANSWERS = 5
#: The hardest questions are those of the last week's answers.
HARDEST_DAYS = 7


def _utc_now() -> datetime:
    return datetime.now(UTC)


class Board:
    def __init__(self, open_store: Callable[[], QuizStore], bank: Callable[[], Bank], journal: Journal,
                 clock: Callable[[], float] = time.monotonic, now: Callable[[], datetime] = _utc_now) -> None:
        self._open_store = open_store
        self._bank = bank
        self._store: QuizStore | None = None
        self.journal = journal
        self.clock = clock
        self.now = now
        self._lock = threading.Lock()
        self._cached: dict[str, Any] | None = None
        self._at = float("-inf")
        self._tally = _Tally(journal)

    def close(self) -> None:
        with self._lock:
            if self._store is not None:
                self._store.close()
                self._store = None

    def data(self, lang: str) -> dict[str, Any]:
        with self._lock:
            if self._cached is None or self.clock() - self._at >= REFRESH_S:
                self._cached = self._read()
                self._at = self.clock()
            data = self._cached
        hardest = [{**{k: v for k, v in h.items() if k != "stem"}, "stem": h["stem"].get(lang) or ""}
                   for h in data["hardest"]]
        return {**data, "hardest": hardest}

    def _read(self) -> dict[str, Any]:
        out: dict[str, Any] = {"ranking": [], "attempts_today": 0, "mean_today": None, "hardest": [],
                               "kiosks": [], **self.today(), "error": None}
        try:
            if self._store is None:
                self._store = self._open_store()
            store = self._store
            rows = store.leaderboard("day", limit=BOARD_ROWS)
            out["ranking"] = [{"rank": r.rank, "nickname": r.nickname, "score": r.score, "max_score": r.max_score,
                               "correct": r.correct, "asked": r.asked} for r in rows]
            out["attempts_today"], out["mean_today"] = store.day_summary()
            out["kiosks"] = [{"kiosk": k.kiosk, "rounds": k.rounds, "last": k.last.isoformat(timespec="seconds")}
                             for k in store.kiosks_today(self.now())]
            out["hardest"] = self._hardest(store)
        except ExhibitError as exc:
            out["error"] = str(exc).splitlines()[0]
        return out

    def _hardest(self, store: QuizStore) -> list[dict[str, Any]]:
        try:
            bank = self._bank()
        except ExhibitError:
            return []
        stats = analyse(store.responses(bank.bank or "bank", since=self.now() - timedelta(days=HARDEST_DAYS)))
        by_id = {q.id: q for q in bank.questions}
        ranked = sorted((q for q in stats.questions if q.attempts >= HARDEST_MIN_ANSWERS and q.question_id in by_id),
                        key=lambda q: q.facility)[:HARDEST]
        return [{"id": q.question_id, "facility": round(q.facility, 3), "answers": q.attempts,
                 "stem": by_id[q.question_id].stem} for q in ranked]

    def today(self) -> dict[str, list[dict[str, Any]]]:
        """The scenes played today, the options visitors chose and the info cards they opened,
        from one read of the hall's journal."""
        played, visits = self._tally.read()
        return {
            "scenes": [{"scene": scene, "shows": n} for scene, n in played.most_common() if scene],
            "choices": visits.rows(),
            "hotspots": visits.hotspot_rows(),
        }


class _Tally:
    """Today's show starts and visits in the hall's journal, read on from where the last read
    stopped (files are known by inode, so a rotation that renames the current one loses nothing);
    a journal kept in memory only is counted from its recent records."""

    def __init__(self, journal: Journal) -> None:
        self.journal = journal
        self.day = ""
        self.offsets: dict[int, int] = {}
        self.shows: Counter[str] = Counter()
        self.visits = Visits()

    def read(self) -> tuple[Counter[str], Visits]:
        today = self.journal.now().date().isoformat()
        if today != self.day or self.journal.path is None:
            self.day, self.offsets, self.shows, self.visits = today, {}, Counter(), Visits()
        records = list(self.journal.recent) if self.journal.path is None else self._new_records()
        for record in records:
            if not str(record.get("ts", "")).startswith(today):
                continue
            if record.get("event") == "show_start" and record.get("scene"):
                self.shows[str(record["scene"])] += 1
            self.visits.add(record)
        return self.shows, self.visits

    def _new_records(self) -> list[dict[str, Any]]:
        assert self.journal.path is not None
        records: list[dict[str, Any]] = []
        for file in journal_files(self.journal.path):
            try:
                with file.open("rb") as f:
                    inode = os.fstat(f.fileno()).st_ino
                    f.seek(self.offsets.get(inode, 0))
                    chunk = f.read()
            except OSError:
                continue  # rotated away between the listing and the read: counted under its new name
            whole = chunk[: chunk.rfind(b"\n") + 1]  # a line still being written waits for the next read
            self.offsets[inode] = self.offsets.get(inode, 0) + len(whole)
            for line in whole.decode("utf-8", errors="replace").splitlines():
                try:
                    record = json.loads(line)
                except json.JSONDecodeError:
                    continue
                if isinstance(record, dict):
                    records.append(record)
        return records
