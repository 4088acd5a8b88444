"""Rounds waiting for the database outlive the process that took them.

A kiosk closed for the night, a show that ends or a process killed with ``kill -9``
while the database is out must not lose the rounds it holds: they are on disk, in a
folder other than the database's full disk, and the next spool for that database
writes them.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

from exhibit.quiz.spill import SUFFIX, SpillFile
from exhibit.quiz.spool import AttemptSpool
from exhibit.quiz.store import QuizStore
from tests.quiz.test_store_outage import attempt, fill

KILLED_WRITER = textwrap.dedent(
    """
    import os, signal, sys
    from pathlib import Path
    from exhibit.quiz.spill import SpillFile
    from exhibit.quiz.spool import AttemptSpool
    from exhibit.quiz.store import QuizStore
    from tests.quiz.test_store_outage import attempt

    url, folders = sys.argv[1], [Path(p) for p in sys.argv[2:]]
    spool = AttemptSpool(lambda: QuizStore(url), spill=SpillFile(folders))
    for n in range(1, 6):
        spool.record(attempt(n))
    spool.set_nickname(-5, "Xiao Hong")
    print(spool.waiting, spool.spill_path, flush=True)
    os.kill(os.getpid(), signal.SIGKILL)
    """
)


def test_rounds_of_a_killed_process_on_a_full_disk_are_stored_by_the_next_one(
    small_disk: Path, tmp_path: Path
) -> None:
    url = f"sqlite:///{small_disk / 'quiz.sqlite3'}"
    with QuizStore(url) as store:
        store.record(attempt(0))
    filler = fill(small_disk)
    folders = [small_disk / "spool", tmp_path / "elsewhere"]  # the full disk first
    done = subprocess.run(
        [sys.executable, "-c", KILLED_WRITER, url, *map(str, folders)],
        capture_output=True, text=True, timeout=60, cwd=Path(__file__).parents[2],
    )
    assert done.returncode == -signal.SIGKILL, done.stderr
    waiting, path = done.stdout.split()
    assert waiting == "5" and Path(path).parent == folders[1]  # the file went where it could

    filler.unlink()
    spool = AttemptSpool(lambda: QuizStore(url), spill=SpillFile(folders))
    assert spool.waiting == 5
    spool.flush()
    assert spool.waiting == 0 and spool.problem is None
    spool.close()
    with QuizStore(url) as store:
        assert store.counts()[0] == 6
        rows = [store.attempt(i) for i in range(1, 7)]
    assert [r["kiosk"] for r in rows] == [f"kiosk{n}" for n in range(6)]  # type: ignore[index]
    assert rows[5]["nickname"] == "Xiao Hong"  # type: ignore[index]
    assert not list(folders[1].glob(f"*{SUFFIX}"))  # nothing left behind


def test_a_living_process_keeps_its_rounds_and_a_torn_line_loses_only_itself(tmp_path: Path) -> None:
    (tmp_path / "db").write_text("")  # a file where the database's folder should be
    url = f"sqlite:///{tmp_path / 'db' / 'q.sqlite3'}"
    folder = tmp_path / "spool"
    first = AttemptSpool(lambda: QuizStore(url), spill=SpillFile([folder]))
    for n in range(3):
        first.record(attempt(n))
    assert first.waiting == 3 and first.on_disk

    second = AttemptSpool(lambda: QuizStore(url), spill=SpillFile([folder]))
    assert second.waiting == 0  # the first still lives: its rounds are its own

    path = first.spill_path
    assert path is not None
    first.close()  # a process ending with rounds waiting: they stay on disk
    with path.open("a", encoding="utf-8") as fh:
        fh.write('{"id": -9, "attempt": {"bank": "de')  # a crash in the middle of a line
    third = AttemptSpool(lambda: QuizStore(url), spill=SpillFile([folder]))
    assert third.waiting == 3
    lines = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()[:3]]
    assert [line["attempt"]["kiosk"] for line in lines] == ["kiosk0", "kiosk1", "kiosk2"]

    (tmp_path / "db").unlink()
    third.flush()
    assert third.waiting == 0 and not path.exists()
    with QuizStore(url) as store:
        assert store.counts()[0] == 3


def test_no_folder_to_write_keeps_the_rounds_in_memory_and_says_so(tmp_path: Path) -> None:
    blocked = tmp_path / "file-not-folder"
    blocked.write_text("")
    warnings: list[str] = []
    spool = AttemptSpool(
        lambda: QuizStore(f"sqlite:///{blocked / 'q.sqlite3'}"),
        warn=warnings.append,
        spill=SpillFile([blocked / "spool"]),
    )
    spool.record(attempt(1))
    assert spool.waiting == 1 and not spool.on_disk
    assert warnings[0].startswith("quiz answers wait in memory until the database can be written")
