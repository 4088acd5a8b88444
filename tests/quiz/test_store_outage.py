"""The quiz goes on when its database cannot be written, and nothing answered is lost.

A read-only folder is a real read-only tmpfs mount, a full disk a real 16 MB tmpfs
(both need root and ``mount``; as another user the folder is made unwritable instead).
"""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from exhibit.quiz.attempt import AnswerRecord, AttemptRecord
from exhibit.quiz.spool import AttemptSpool
from exhibit.quiz.store import QuizStore, StoreError, resolve_url
from exhibit.spec.quiz import Bank


def attempt(n: int) -> AttemptRecord:
    now = datetime.now(UTC)
    answers = tuple(
        AnswerRecord(i, qid, "ABC", "A", True, 1.0, 100, 100, 2.0, False, now, now)
        for i, qid in enumerate(("boat", "founding_year"))
    )
    return AttemptRecord("demo", f"kiosk{n}", "zh", now, now, True, ("boat", "founding_year"), answers)


def fill(disk: Path) -> Path:
    filler = disk / "filler"
    with filler.open("wb") as fh:  # fill the disk to the last block
        try:
            while True:
                fh.write(b"\0" * 65536)
                fh.flush()
        except OSError:
            pass
    return filler


def test_an_unwritable_database_folder_is_a_store_error_that_says_what_to_do(readonly: Path) -> None:
    url = f"sqlite:///{readonly / 'var' / 'quiz.sqlite3'}"
    with pytest.raises(StoreError) as info:
        QuizStore(url)
    message = str(info.value)
    assert message.startswith(f"cannot open the quiz database {url}: {readonly / 'var'}: ")
    assert message.endswith(
        f"make {readonly / 'var'} writable for this user, or set quiz.db in hall.yaml (or --db) "
        "to a database that is"
    )


def test_quiz_stats_on_an_unwritable_folder_is_one_clear_error(project_root: Path, readonly: Path) -> None:
    url = f"sqlite:///{readonly / 'quiz.sqlite3'}"
    done = subprocess.run(
        [sys.executable, "-m", "exhibit", "quiz", "stats", "--db", url],
        cwd=project_root,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1
    assert done.stderr.startswith(f"exhibit: error: cannot open the quiz database {url}: unable to open")
    assert "internal error" not in done.stderr and "Traceback" not in done.stderr


def test_attempts_wait_while_the_disk_is_full_and_are_all_written_when_it_is_not(small_disk: Path) -> None:
    url = resolve_url(f"sqlite:///{small_disk / 'quiz.sqlite3'}", small_disk)
    warnings: list[str] = []
    spool = AttemptSpool(lambda: QuizStore(url), warn=warnings.append)
    assert spool.record(attempt(0)) > 0
    filler = fill(small_disk)
    for n in range(1, 41):
        spool.record(attempt(n))
    assert spool.waiting > 0
    assert len(warnings) == 1 and warnings[0].startswith("quiz answers wait in memory until the database")
    filler.unlink()
    spool.flush()
    assert spool.waiting == 0, spool.problem
    assert warnings[-1] == "the quiz database is writable again; every waiting attempt is stored"
    spool.close()
    with QuizStore(url) as store:
        assert store.counts() == (41, 82)
        kiosks = sorted(store.attempt(i)["kiosk"] for i in range(1, 42))  # type: ignore[index]
    assert kiosks == sorted(f"kiosk{n}" for n in range(41))


def test_the_spool_keeps_the_newest_attempts_within_its_bound(readonly: Path) -> None:
    spool = AttemptSpool(lambda: QuizStore(f"sqlite:///{readonly / 'q.sqlite3'}"), limit=3)
    for n in range(5):
        assert spool.record(attempt(n)) == -(n + 1)  # a provisional id while it waits
    assert (spool.waiting, spool.dropped) == (3, 2)


def test_quiz_play_text_records_the_attempt_unless_told_not_to(project_root: Path, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'q.sqlite3'}"
    args = [sys.executable, "-m", "exhibit", "quiz", "play", "--text", "--count", "2", "--seed", "3", "--db", url]
    for extra in ([], ["--no-record"]):
        done = subprocess.run(
            args + extra, cwd=project_root, input="A\nA\n", capture_output=True, text=True, timeout=60
        )
        assert done.returncode == 0, done.stderr
    with QuizStore(url) as store:
        assert store.counts()[0] == 1
        row = store.attempt(1)
    assert row is not None and row["kiosk"] == "terminal" and row["completed"] is True and row["asked"] == 2


@pytest.mark.logs_warnings  # the kiosk says its history and board are unavailable
def test_a_kiosk_round_on_a_full_disk_keeps_its_nickname_and_is_stored_later(
    bank: Bank, small_disk: Path, caplog: pytest.LogCaptureFixture
) -> None:
    from exhibit.quiz.kiosk import Phase
    from tests.quiz.test_kiosk import answer_right, make

    url = f"sqlite:///{small_disk / 'quiz.sqlite3'}"
    warnings: list[str] = []
    spool = AttemptSpool(lambda: QuizStore(url), warn=warnings.append)
    spool.flush()
    QuizStore(url).close()  # the database exists; then the disk fills up
    filler = fill(small_disk)
    kiosk = make(bank, spool)  # type: ignore[arg-type]
    kiosk.press("start:en", 1.0)
    t = 1.0
    for _ in range(3):
        t += 2.0
        answer_right(kiosk, t)
        kiosk.press("next", t + 1)
    assert kiosk.screen().phase == Phase.RESULT  # the visitor sees the score all the same
    for ch in "RED7":
        kiosk.press(f"key:{ch}", t)
    kiosk.press("save", t)
    assert kiosk.saved_nickname == "RED7" and spool.waiting == 1
    assert len(warnings) == 1
    logged = [r.getMessage() for r in caplog.records]
    assert not any("not stored" in m or "not saved" in m for m in logged)
    filler.unlink()
    spool.close()
    with QuizStore(url) as store:
        row = store.attempt(1)
    assert row is not None and row["nickname"] == "RED7" and row["completed"] and row["asked"] == 3
