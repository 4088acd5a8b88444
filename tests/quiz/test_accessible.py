"""The accessible quiz: no time limit, stored with a flag, ranked apart from the timed quiz."""

from __future__ import annotations

import dataclasses
import random
import sqlite3
from pathlib import Path

from exhibit.quiz.kiosk import Kiosk, KioskSettings, Phase
from exhibit.quiz.store import QuizStore
from exhibit.spec.quiz import Bank
from tests.quiz.test_kiosk import answer_right
from tests.quiz.test_store import SHANGHAI, T0, attempt


def test_accessible_attempts_are_ranked_apart_from_the_timed_ones(store_url: str) -> None:
    with QuizStore(store_url) as store:
        timed = store.record(attempt([100, 50], nickname="FAST"))
        untimed = store.record(dataclasses.replace(attempt([100, 100], nickname="CALM"), accessible=True))
        assert store.attempt(untimed)["accessible"] is True and store.attempt(timed)["accessible"] is False
        board = store.leaderboard("day", now=T0, tz=SHANGHAI)
        assert [(r.rank, r.nickname, r.score) for r in board] == [(1, "FAST", 150)]
        apart = store.leaderboard("day", now=T0, tz=SHANGHAI, accessible=True)
        assert [(r.rank, r.nickname, r.score) for r in apart] == [(1, "CALM", 200)]


def test_a_database_from_before_the_accessible_mode_gets_the_flag_and_keeps_its_rows(tmp_path: Path) -> None:
    path = tmp_path / "quiz.sqlite3"
    with QuizStore(f"sqlite:///{path}") as store:
        kept = store.record(attempt([100], nickname="OLD"))
    with sqlite3.connect(path) as conn:  # as the table was made before
        conn.execute("ALTER TABLE quiz_attempt DROP COLUMN accessible")
    with sqlite3.connect(path) as conn:
        assert "accessible" not in [row[1] for row in conn.execute("PRAGMA table_info(quiz_attempt)")]
    with QuizStore(f"sqlite:///{path}") as store:
        assert [r.attempt_id for r in store.leaderboard("day", now=T0, tz=SHANGHAI)] == [kept]
        store.record(dataclasses.replace(attempt([100], nickname="NEW"), accessible=True))
        assert [r.nickname for r in store.leaderboard("day", now=T0, tz=SHANGHAI, accessible=True)] == ["NEW"]


def test_the_accessible_mode_has_no_time_limit_and_is_stored_as_such(bank: Bank, tmp_path: Path) -> None:
    with QuizStore(f"sqlite:///{tmp_path / 'quiz.sqlite3'}") as store:
        kiosk = Kiosk(bank, KioskSettings(count=3, time_limit=20.0, idle_after=600.0), store,
                      rng=random.Random(2), now=0.0)
        assert [b.id for b in kiosk.screen().buttons] == ["start:zh", "start:en", "access"]
        assert kiosk.press("access", 1.0)
        screen = kiosk.screen()
        assert screen.accessible and screen.button("access").label.startswith("无障碍答题已开启")
        kiosk.press("start:zh", 2.0)
        assert kiosk.screen().accessible and not kiosk.screen().timed
        assert kiosk.timer(2.0) is None
        kiosk.tick(300.0)  # five minutes to think
        assert kiosk.phase == Phase.QUESTION, "no time runs out"
        t = 300.0
        for _ in range(3):
            answer_right(kiosk, t)
            t += 5.0
            kiosk.press("next", t) or kiosk.press("see_result", t)
        assert kiosk.phase == Phase.RESULT
        assert kiosk.attempt_id is not None and store.attempt(kiosk.attempt_id)["accessible"] is True
        assert store.attempt(kiosk.attempt_id)["score"] == 300, "fixed points: no speed bonus to miss"
        for ch in "CALM":
            kiosk.press(f"key:{ch}", t)
        kiosk.press("save", t)
        assert kiosk.phase == Phase.BOARD
        assert kiosk.screen().boards[0].title == "今日排行（无障碍）"
        assert any("CALM" in row for row in kiosk.screen().boards[0].rows)
        kiosk.reset(t + 1)
        assert not kiosk.accessible and not kiosk.screen().accessible, "the next visitor starts timed"
