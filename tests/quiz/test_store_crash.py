"""A writer killed with SIGKILL in the middle of a burst loses nothing it reported as stored."""

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from exhibit.quiz.store import QuizStore

WRITER = textwrap.dedent("""\
    import sys
    from datetime import UTC, datetime
    from exhibit.quiz.attempt import AnswerRecord, AttemptRecord
    from exhibit.quiz.store import QuizStore

    store = QuizStore(sys.argv[1])
    print("ready", flush=True)
    n = 0
    while True:
        now = datetime.now(UTC)
        answers = tuple(AnswerRecord(i, f"q{i}", "ABCD", "A", True, 1.0, 100, 100, 1.0, False, now, now)
                        for i in range(5))
        attempt_id = store.record(AttemptRecord("demo", "crash", "zh", now, now, True,
                                                tuple(f"q{i}" for i in range(5)), answers, f"n{n}"))
        print(attempt_id, flush=True)  # reported only after record() returned
        n += 1
""")


def kill_mid_burst(url: str, after: int = 40) -> list[int]:
    """Start a writer, SIGKILL it once ``after`` attempts are reported; every id it reported."""
    proc = subprocess.Popen(
        [sys.executable, "-c", WRITER, url],
        stdout=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "ready"
    reported: list[int] = []
    deadline = time.monotonic() + 30
    while len(reported) < after and time.monotonic() < deadline:
        reported.append(int(proc.stdout.readline()))
    os.kill(proc.pid, signal.SIGKILL)  # no chance to flush, commit or clean up
    rest = proc.stdout.read()  # lines already written before the kill
    proc.wait()
    reported += [int(x) for x in rest.split()]
    assert proc.returncode == -signal.SIGKILL
    assert len(reported) >= after
    return reported


def check_all_there(url: str, reported: list[int]) -> None:
    with QuizStore(url) as store:
        for attempt_id in reported:
            row = store.attempt(attempt_id)
            assert row is not None, f"attempt {attempt_id} was reported stored but is missing"
            assert row["completed"] and row["score"] == 500
            assert len(store.answers_of(attempt_id)) == 5
        n_attempts, n_answers = store.counts()
        assert n_answers == 5 * n_attempts  # never half an attempt
        assert n_attempts in (
            len(reported),
            len(reported) + 1,
        )  # at most one committed but not yet reported


def test_sqlite_writer_killed_mid_burst(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'quiz.sqlite3'}"
    check_all_there(url, kill_mid_burst(url))


def test_postgresql_writer_killed_mid_burst(pg_url: str) -> None:
    check_all_there(pg_url, kill_mid_burst(pg_url))
