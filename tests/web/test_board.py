"""The big screen's data: the hardest questions are those of the last week's answers."""

from __future__ import annotations

from datetime import timedelta
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
