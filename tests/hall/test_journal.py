"""The hall's journal over years of days: rotation by size and date, old files kept, never a lost line.

The clock is injected (a simulated day rolls over in microseconds); a full disk is the
real ``/dev/full`` behind a link in the log folder, and an unwritable folder is one whose
parent is a file, which stops even root.
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import tempfile
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from exhibit.cli.main import main
from exhibit.effects.journal import Journal, journal_files, read_journal
from exhibit.effects.link import UdpLink
from tests.effects.olad import free_port
from tests.effects.processes import EXHIBIT, host_key
from tests.hall.live import eventually
from tests.hall.rig import HALL, SCENES, write_hall_project

DAY = datetime(2025, 7, 4, 9, 0)
NAME = re.compile(r"hall-(\d{4}-\d{2}-\d{2})(?:\.(\d+))?\.jsonl")


class Wall:
    """A wall clock that moves only when told to."""

    def __init__(self, at: datetime = DAY) -> None:
        self.at = at

    def __call__(self) -> datetime:
        return self.at


def lines_of(folder: Path) -> dict[str, list[dict[str, object]]]:
    """Every journal file in ``folder`` by name, each line parsed on its own (a torn line fails here)."""
    return {p.name: [json.loads(line) for line in p.read_text(encoding="utf-8").split("\n")[:-1]]
            for p in sorted(folder.iterdir()) if p.name.startswith("hall")}


def test_a_file_past_the_size_is_renamed_with_a_counter_and_no_record_is_split(tmp_path: Path) -> None:
    path = tmp_path / "log" / "hall.jsonl"
    journal = Journal(path, now=Wall(), max_bytes=2_000, backups=100)
    for n in range(100):
        journal.write("tick", n=n, note="x" * (n % 37))
    journal.close()

    files = journal_files(path)
    assert [p.name for p in files[:3]] == ["hall-2025-07-04.jsonl", "hall-2025-07-04.1.jsonl",
                                           "hall-2025-07-04.2.jsonl"]
    assert files[-1] == path and len(files) >= 4
    parsed = lines_of(path.parent)
    sizes = [p.stat().st_size for p in files]
    assert all(0 < size <= 2_000 for size in sizes)
    for size, following in zip(sizes, files[1:], strict=False):
        first = following.read_bytes().split(b"\n")[0]
        assert size + len(first) + 1 > 2_000, "a file is rotated only when the next record would not fit"
    in_order = [r["n"] for p in files for r in parsed[p.name]]
    assert in_order == list(range(100)), "every record once, in order, across the files"
    assert [r["n"] for r in read_journal(path, rotated=True)] == list(range(100))


def test_a_new_local_date_starts_a_new_file_named_for_the_day_it_holds(tmp_path: Path) -> None:
    clock = Wall(datetime(2025, 7, 4, 23, 59, 58))
    path = tmp_path / "hall.jsonl"
    journal = Journal(path, now=clock)
    journal.write("show_end", scene="alpha")
    clock.at += timedelta(seconds=1.5)
    journal.write("attract", scene="idle")
    clock.at += timedelta(seconds=1)  # 00:00:00.5 on the 5th
    journal.write("state", state="standby")
    clock.at += timedelta(hours=9)
    journal.write("show_start", scene="beta")
    journal.close()

    parsed = lines_of(tmp_path)
    assert sorted(parsed) == ["hall-2025-07-04.jsonl", "hall.jsonl"]
    assert [r["event"] for r in parsed["hall-2025-07-04.jsonl"]] == ["show_end", "attract"]
    assert [r["event"] for r in parsed["hall.jsonl"]] == ["state", "show_start"]
    assert {str(r["ts"])[:10] for r in parsed["hall.jsonl"]} == {"2025-07-05"}


def test_only_the_newest_old_files_are_kept(tmp_path: Path) -> None:
    clock = Wall()
    path = tmp_path / "hall.jsonl"
    journal = Journal(path, now=clock, max_bytes=300, backups=4)
    for day in range(6):
        for n in range(4):  # about 125 bytes each: two files a day
            journal.write("tick", day=day, n=n, note="x" * 60)
        clock.at += timedelta(days=1)
    journal.write("tick", day=6, n=0)
    journal.close()

    rotated = [p.name for p in journal_files(path)[:-1]]
    assert rotated == ["hall-2025-07-08.jsonl", "hall-2025-07-08.1.jsonl",
                       "hall-2025-07-09.jsonl", "hall-2025-07-09.1.jsonl"]
    assert [(r["day"], r["n"]) for r in read_journal(path, rotated=True)] == (
        [(d, n) for d in (4, 5) for n in range(4)] + [(6, 0)])


def test_a_journal_left_from_yesterday_is_rotated_at_the_first_record_of_today(tmp_path: Path) -> None:
    path = tmp_path / "hall.jsonl"
    yesterday = Journal(path, now=Wall(datetime(2025, 7, 3, 16, 0)))
    yesterday.write("hall_stopped")
    yesterday.close()
    with path.open("a", encoding="utf-8") as fh:
        fh.write('{"ts": "2025-07-03T16:00:01.000", "ev')  # a crash in the middle of a record

    today = Journal(path, now=Wall())
    today.write("hall_started")
    today.close()
    parsed = lines_of(tmp_path)
    assert [r["event"] for r in parsed["hall-2025-07-03.jsonl"]] == ["hall_stopped"]
    assert [r["event"] for r in parsed["hall.jsonl"]] == ["hall_started"]


def test_a_crash_between_the_rename_and_the_new_file_leaves_every_record_readable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    clock = Wall()
    path = tmp_path / "hall.jsonl"
    journal = Journal(path, now=clock, retry=0)
    journal.write("show_end", scene="alpha")
    clock.at += timedelta(days=1)
    real_open = os.open

    def no_new_file(file: object, *args: object, **kwargs: object) -> int:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "open", no_new_file)
    journal.write("hall_started")  # renamed; the new file cannot be made
    assert not path.exists()
    assert [r["event"] for r in read_journal(path, rotated=True)] == ["show_end"]
    monkeypatch.setattr(os, "open", real_open)
    journal.write("show_start", scene="beta")
    journal.close()
    assert [r["event"] for r in read_journal(path)] == ["hall_started", "show_start"]
    assert capsys.readouterr().err.count("No space left on device") == 1


def test_a_full_disk_never_raises_is_reported_once_and_the_records_follow_when_there_is_room(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "hall.jsonl"
    path.symlink_to("/dev/full")  # every write: ENOSPC
    journal = Journal(path, now=Wall(), retry=0)
    for n in range(50):
        journal.write("tick", n=n)
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "cannot write the journal" in err and "No space left on device" in err
    assert [r["n"] for r in journal.recent[-3:]] == [47, 48, 49]

    path.unlink()  # room again
    journal.write("tick", n=50)
    journal.close()
    assert [r["n"] for r in read_journal(path)] == list(range(51))
    assert "written again" in capsys.readouterr().err


def test_while_the_disk_stays_full_the_oldest_held_records_give_way_and_the_loss_is_logged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("exhibit.effects.journal.PENDING_LIMIT", 10)
    path = tmp_path / "hall.jsonl"
    path.symlink_to("/dev/full")
    journal = Journal(path, now=Wall(), retry=0)
    for n in range(25):
        journal.write("tick", n=n)
    path.unlink()
    journal.close()
    records = read_journal(path)
    assert [r.get("n") for r in records[:-1]] == list(range(15, 25))
    assert records[-1]["event"] == "journal_lost" and records[-1]["count"] == 15


def test_an_unwritable_log_folder_does_not_stop_the_hall(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "var").write_text("not a folder")
    journal = Journal(tmp_path / "var" / "log" / "hall.jsonl", now=Wall())
    for n in range(5):
        assert journal.write("tick", n=n)["n"] == n
    journal.close()
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "cannot open the journal" in err
    assert len(journal.recent) == 5


def test_a_rename_that_fails_keeps_the_records_in_the_current_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def refuse(*_args: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(os, "rename", refuse)
    path = tmp_path / "hall.jsonl"
    journal = Journal(path, now=Wall(), max_bytes=200)
    for n in range(10):
        journal.write("tick", n=n)
    journal.close()
    assert [r["n"] for r in read_journal(path)] == list(range(10))
    assert journal_files(path) == [path]
    assert capsys.readouterr().err.count("cannot rotate") == 1


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 120), st.sampled_from([0, 0, 0, 600, 3 * 3600, 26 * 3600])),
                min_size=1, max_size=60),
       st.integers(150, 600), st.integers(1, 50))
def test_across_any_rotations_no_record_is_lost_split_or_filed_under_another_day(
    steps: list[tuple[int, int]], max_bytes: int, backups: int
) -> None:
    clock = Wall(datetime(2025, 12, 31, 20, 0))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "hall.jsonl"
        journal = Journal(path, now=clock, max_bytes=max_bytes, backups=backups)
        for n, (pad, later) in enumerate(steps):
            clock.at += timedelta(seconds=later)
            journal.write("tick", n=n, pad="字" * pad)
        journal.close()

        files = journal_files(path)
        assert len(files) <= backups + 1
        seen: list[int] = []
        for file in files:
            data = file.read_bytes()
            assert data.endswith(b"\n")
            records = [json.loads(line) for line in data.decode("utf-8").split("\n")[:-1]]
            assert len(data) <= max_bytes or len(records) == 1
            assert len({r["ts"][:10] for r in records}) == 1, "one day per file"
            match = NAME.fullmatch(file.name)
            if match:
                assert records[0]["ts"][:10] == match[1]
            seen += [r["n"] for r in records]
        # The newest records, all of them and in order (older files went with the retention).
        assert seen == list(range(len(steps) - len(seen), len(steps)))


def test_hall_refuses_to_keep_no_old_journals(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "scenes").mkdir()
    assert main(["--root", str(tmp_path), "hall", "--headless", "--log-keep", "0"]) == 1
    assert capsys.readouterr().err == (
        "exhibit: error: --log-keep 0 must be at least 1 (old journal files kept)\n")
    assert main(["--root", str(tmp_path), "hall", "--headless", "--log-max-mb", "-1"]) == 1
    assert "--log-max-mb -1 must be 0 (no size limit) or more" in capsys.readouterr().err
    assert not (tmp_path / "var").exists()


def test_exhibit_hall_rotates_its_journals_with_the_options_given(tmp_path: Path) -> None:
    http_port = free_port()
    write_hall_project(tmp_path, {**HALL, "schedule": [], "remote": {"http": {"port": http_port}}}, SCENES)
    hall = subprocess.Popen([*EXHIBIT, "--root", str(tmp_path), "hall", "--headless", "--no-sync", "--go", "beta",
                             "--log-max-mb", "0.0003", "--log-keep", "50"],  # 315 bytes: two records or so
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    log = tmp_path / "var" / "log"
    try:
        assert eventually(lambda: len(journal_files(log / "effects.jsonl")) >= 2, timeout=15)
        hall.send_signal(signal.SIGTERM)
        _out, err = hall.communicate(timeout=10)
    finally:
        if hall.poll() is None:
            hall.kill()
            hall.wait()
    assert hall.returncode == 0, err
    for name in ("hall.jsonl", "effects.jsonl"):
        for p in journal_files(log / name):
            lines = p.read_text(encoding="utf-8").splitlines()
            assert all(json.loads(line) for line in lines)
            assert p.stat().st_size <= 315 or len(lines) == 1
    events = [r["event"] for r in read_journal(log / "hall.jsonl", rotated=True)]
    assert len(journal_files(log / "hall.jsonl")) >= 3
    assert events[0] == "hall_started" and events[-1] == "hall_stopped" and "show_start" in events


def rotations(path: Path) -> int:
    """How many files of the day were rotated out of ``path``, by the newest counter in their names."""
    counters = [re.fullmatch(rf"{path.stem}-\d{{4}}-\d{{2}}-\d{{2}}(?:\.(\d+))?\.jsonl", p.name)
                for p in journal_files(path)[:-1]]
    return max((int(m[1] or 0) + 1 for m in counters if m), default=0)


def test_a_hall_hands_its_journal_rotation_to_the_effects_process_it_starts(tmp_path: Path) -> None:
    effects_port = free_port(socket.SOCK_DGRAM)
    write_hall_project(tmp_path, {**HALL, "schedule": [], "attract": None}, SCENES)
    hall = subprocess.Popen([*EXHIBIT, "--root", str(tmp_path), "hall", "--headless", "--no-sync", "--no-schedule",
                             "--effects", "process", "--effects-port", str(effects_port),
                             "--log-max-mb", "0.0003", "--log-keep", "3"],  # 315 bytes: about four records
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    log = tmp_path / "var" / "log"
    effects = log / "effects.jsonl"
    link = UdpLink(effects_port, source="test-operator")
    try:
        started = eventually(lambda: any(r["event"] == "hall_started"  # written once SIGTERM stops it cleanly
                                         for r in read_journal(log / "hall.jsonl", rotated=True)), timeout=15)
        assert started and link.query(0.5) is not None, "the hall or its effects host never started"
        link.key = host_key(tmp_path, effects_port)
        for _ in range(20):  # each is one record in the effects process's journal
            link.disable("mist")
            link.enable("mist")
        # a fourth file of the day (.3) or later: the effects journal rotated at least four times
        assert eventually(lambda: rotations(effects) >= 4, timeout=10), [p.name for p in journal_files(effects)]
        assert eventually(lambda: sum(r["event"] in ("disabled", "enabled") for r in read_journal(effects)) > 0)
        hall.send_signal(signal.SIGTERM)
        _out, err = hall.communicate(timeout=15)
    finally:
        link.close()
        if hall.poll() is None:
            hall.kill()
            hall.wait()
    assert hall.returncode == 0, err
    assert f"effects host on 127.0.0.1:{effects_port} (started)" in err, "its own process, not in the hall's"
    files = journal_files(effects)
    rotated = [p for p in files if p.name != effects.name]
    # --log-keep 3: three old files kept, the older ones deleted; the current file is there
    # unless the process stopped right after a rotation, before its next record
    assert len(rotated) == 3 and len(files) - len(rotated) <= 1, [p.name for p in files]
    for p in files:
        lines = p.read_text(encoding="utf-8").splitlines()
        assert all(json.loads(line) for line in lines)
        assert p.stat().st_size <= 315 or len(lines) == 1
    events = [r["event"] for r in read_journal(effects, rotated=True)]
    assert "host_started" not in events, "the oldest files went with the retention"
    assert events[-1] == "host_stopped"
    toggles = [e for e in events if e in ("disabled", "enabled")]
    assert toggles and toggles[-1] == "enabled" and all(a != b for a, b in zip(toggles, toggles[1:], strict=False))
