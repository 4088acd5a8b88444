"""The big screen's data: the hardest questions are those of the last week's answers."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from exhibit.effects.journal import Journal
from exhibit.hall.web.board import Board
from exhibit.quiz.banks import load_bank
from exhibit.quiz.store import QuizStore
from exhibit.spec.project import Project
from tests.quiz.banks import write_project
from tests.quiz.test_store import T0, attempt


def test_the_hardest_questions_are_those_of_the_last_seven_days(tmp_path: Path) -> None:
    bank = load_bank(Project.at(write_project(tmp_path / "content")), "demo")
    url = f"sqlite:///{tmp_path / 'quiz.sqlite3'}"
    with QuizStore(url) as store:
        for _ in range(6):  # last month, everyone missed the boat question
            store.record(attempt([0], questions=("boat",), at=T0 - timedelta(days=8)))
        for _ in range(6):  # this week they know it, and miss the founding year
            store.record(attempt([100, 0], questions=("boat", "founding_year"), at=T0 - timedelta(days=6)))
        store.record(attempt([100], questions=("two_cities",), at=T0 - timedelta(days=1)))  # too few answers
    board = Board(lambda: QuizStore(url), lambda: bank, Journal(None), now=lambda: T0)
    try:
        hardest = board.data("en")["hardest"]
    finally:
        board.close()
    assert [(h["id"], h["facility"], h["answers"]) for h in hardest] == [("founding_year", 0.0, 6), ("boat", 1.0, 6)]
    assert hardest[0]["stem"] == bank.question("founding_year").stem.get("en")


def test_the_board_counts_todays_shows_choices_and_opened_cards_from_the_journal(tmp_path: Path) -> None:
    """Read on from where it stopped, across a rotation, and only today's records count."""
    day = [datetime(2026, 12, 6, 23, 59)]
    journal = Journal(tmp_path / "hall.jsonl", now=lambda: day[0], max_bytes=400, backups=20)
    bank = load_bank(Project.at(write_project(tmp_path / "content")), "demo")
    board = Board(lambda: QuizStore(f"sqlite:///{tmp_path / 'quiz.sqlite3'}"), lambda: bank, journal,
                  clock=lambda: clock[0])
    clock = [0.0]
    journal.write("show_start", scene="nanhu_red_boat")  # yesterday
    journal.write("choice", scene="nanhu_red_boat", choice="more", option=1, origin="window")
    day[0] = datetime(2026, 12, 7, 10, 0)
    try:
        journal.write("show_start", scene="nanhu_red_boat")
        for origin in ("window", "remote", "timeout"):
            journal.write("choice", scene="nanhu_red_boat", choice="more", option=0, origin=origin)
        journal.write("hotspot", scene="nanhu_red_boat", object="boat", display="window")
        first = board.data("en")
        assert first["scenes"] == [{"scene": "nanhu_red_boat", "shows": 1}]
        assert first["choices"] == [{"scene": "nanhu_red_boat", "choice": "more", "option": 0, "picked": 2,
                                     "by_default": 1}]
        assert first["hotspots"] == [{"scene": "nanhu_red_boat", "object": "boat", "opened": 1}]
        for _ in range(12):  # enough to rotate the file several times
            journal.write("hotspot", scene="nanhu_red_boat", object="boat", display="window")
        journal.write("show_start", scene="long_march")
        clock[0] += 10  # past the board's refresh
        later = board.data("en")
        assert later["hotspots"] == [{"scene": "nanhu_red_boat", "object": "boat", "opened": 13}]
        assert sorted(later["scenes"], key=lambda s: s["scene"]) == [{"scene": "long_march", "shows": 1},
                                                                     {"scene": "nanhu_red_boat", "shows": 1}]
        assert later["choices"][0]["picked"] == 2
    finally:
        board.close()
        journal.close()
