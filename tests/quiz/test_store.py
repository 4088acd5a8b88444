"""The quiz store against SQLite and a real PostgreSQL server."""

import sqlite3
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from exhibit.quiz.attempt import AnswerRecord, AttemptRecord
from exhibit.quiz.store import QuizStore, StoreError, period_start, resolve_url

SHANGHAI = timezone(timedelta(hours=8))
T0 = datetime(2026, 7, 1, 2, 0, tzinfo=UTC)  # Wednesday 10:00 in Qingdao


def attempt(
    score_each: list[int],
    *,
    at: datetime = T0,
    kiosk: str = "k1",
    nickname: str | None = None,
    completed: bool = True,
    questions: tuple[str, ...] | None = None,
    bank: str = "demo",
) -> AttemptRecord:
    ids = questions or tuple(f"q{i}" for i in range(len(score_each)))
    answers = tuple(
        AnswerRecord(
            position=i,
            question_id=ids[i],
            shown_order="BCA",
            chosen="A" if p else "B",
            correct=p == 100,
            credit=p / 100,
            points=p,
            max_points=100,
            elapsed=3.5,
            timed_out=False,
            shown_at=at - timedelta(seconds=10 * (len(score_each) - i)),
            answered_at=at - timedelta(seconds=10 * (len(score_each) - i) - 3),
        )
        for i, p in enumerate(score_each)
    )
    return AttemptRecord(
        bank=bank,
        kiosk=kiosk,
        lang="zh",
        started_at=at - timedelta(minutes=2),
        finished_at=at,
        completed=completed,
        questions=ids,
        answers=answers,
        nickname=nickname,
    )


def test_attempts_and_answers_are_stored_with_timestamps(store_url: str) -> None:
    with QuizStore(store_url) as store:
        a = attempt([100, 0, 50], nickname="Red Star")
        attempt_id = store.record(a)
        row = store.attempt(attempt_id)
        assert row is not None
        assert (
            row["bank"],
            row["kiosk"],
            row["nickname"],
            row["score"],
            row["max_score"],
            row["correct"],
            row["asked"],
            row["completed"],
        ) == ("demo", "k1", "Red Star", 150, 300, 1, 3, True)
        assert row["finished_at"] == T0.replace(tzinfo=None)  # naive UTC
        assert row["questions"] == "q0,q1,q2"
        answers = store.answers_of(attempt_id)
        assert [
            (r["question_id"], r["chosen"], r["shown_order"], r["points"], r["credit"])
            for r in answers
        ] == [("q0", "A", "BCA", 100, 1.0), ("q1", "B", "BCA", 0, 0.0), ("q2", "A", "BCA", 50, 0.5)]
        assert answers[0]["shown_at"] == (T0 - timedelta(seconds=30)).replace(tzinfo=None)
        assert answers[0]["answered_at"] == (T0 - timedelta(seconds=27)).replace(tzinfo=None)
        assert store.counts() == (1, 3)


def test_nicknames_are_cleaned_and_limited(store_url: str) -> None:
    with QuizStore(store_url) as store:
        attempt_id = store.record(attempt([100]))
        assert (
            store.set_nickname(attempt_id, "\u202e红色\x00 星星 " + "火" * 40)
            == "红色 星星 火火火火火火"
        )
        assert store.attempt(attempt_id)["nickname"] == "红色 星星 火火火火火火"  # type: ignore[index]


def test_daily_and_weekly_leaderboards(store_url: str) -> None:
    with QuizStore(store_url) as store:
        monday = T0 - timedelta(days=2)  # Monday 10:00 local
        last_sunday = T0 - timedelta(days=3)
        yesterday_late = datetime(2026, 6, 30, 15, 30, tzinfo=UTC)  # Tuesday 23:30 local
        today_early = datetime(2026, 6, 30, 16, 30, tzinfo=UTC)  # Wednesday 00:30 local
        ids = {
            "today_a": store.record(attempt([100, 100], nickname="A")),
            "today_b": store.record(attempt([100, 50], at=today_early, nickname="B")),
            "tie_later": store.record(attempt([100, 50], at=T0, nickname="C")),
            "no_name": store.record(attempt([100, 100, 100])),
            "walked_away": store.record(attempt([100, 100, 100], nickname="D", completed=False)),
            "tuesday": store.record(attempt([100, 100, 100], at=yesterday_late, nickname="E")),
            "monday": store.record(attempt([50], at=monday, nickname="F")),
            "last_week": store.record(attempt([100, 100, 100, 100], at=last_sunday, nickname="G")),
        }
        day = store.leaderboard("day", now=T0, tz=SHANGHAI)
        assert [(r.rank, r.nickname, r.score) for r in day] == [
            (1, "A", 200),
            (2, "B", 150),
            (2, "C", 150),
        ]
        week = store.leaderboard("week", now=T0, tz=SHANGHAI)
        assert [(r.rank, r.nickname) for r in week] == [
            (1, "E"),
            (2, "A"),
            (3, "B"),
            (3, "C"),
            (5, "F"),
        ]
        top2 = store.leaderboard("week", now=T0, tz=SHANGHAI, limit=2, include=ids["monday"])
        assert [(r.rank, r.nickname) for r in top2] == [
            (1, "E"),
            (2, "A"),
            (5, "F"),
        ]  # your own row is always there
        assert store.leaderboard("day", now=T0, tz=SHANGHAI, bank="other") == []


def test_each_kiosks_rounds_today_and_its_last(store_url: str) -> None:
    yesterday_late = datetime(2026, 6, 30, 15, 30, tzinfo=UTC)  # Tuesday 23:30 local
    with QuizStore(store_url) as store:
        store.record(attempt([100], kiosk="k2", at=T0 - timedelta(minutes=40)))
        store.record(attempt([100], kiosk="k1", at=T0 - timedelta(minutes=30)))
        store.record(attempt([0], kiosk="k1", at=T0 - timedelta(minutes=5), completed=False))  # walked away
        store.record(attempt([100], kiosk="phone", at=T0 - timedelta(minutes=1)))
        store.record(attempt([100], kiosk="k3", at=yesterday_late))  # silent today: not listed
        today = store.kiosks_today(now=T0, tz=SHANGHAI)
    assert [(k.kiosk, k.rounds, k.last) for k in today] == [
        ("k1", 2, T0 - timedelta(minutes=5)),
        ("k2", 1, T0 - timedelta(minutes=40)),
        ("phone", 1, T0 - timedelta(minutes=1)),
    ]


def test_period_starts_in_local_time() -> None:
    assert period_start("day", T0, SHANGHAI) == datetime(2026, 6, 30, 16, 0, tzinfo=UTC)
    assert period_start("week", T0, SHANGHAI) == datetime(
        2026, 6, 28, 16, 0, tzinfo=UTC
    )  # Monday 00:00 local


def test_history_for_fair_draws(store_url: str) -> None:
    with QuizStore(store_url) as store:
        store.record(attempt([100, 0], questions=("a", "b"), kiosk="k1"))
        store.record(attempt([100, 0], questions=("c", "d"), kiosk="k1"))
        store.record(attempt([100], questions=("e",), kiosk="k2"))
        store.record(
            attempt([], questions=("f", "g"), kiosk="k1", completed=False)
        )  # walked away at once
        history = store.history("demo", "k1", sessions=2)
        assert history.recent == {"c", "d", "f", "g"}
        assert history.shown == {"a": 1, "b": 1, "c": 1, "d": 1, "e": 1}
        assert store.history("demo", "k1", sessions=0).recent == frozenset()


def test_responses_for_statistics_come_from_completed_attempts_only(store_url: str) -> None:
    with QuizStore(store_url) as store:
        store.record(attempt([100, 50], questions=("x", "y")))
        store.record(attempt([100, 0], questions=("x", "y"), completed=False))
        store.record(attempt([100], questions=("x",), bank="other"))
        r = store.responses("demo")
        assert len(r) == 2
        assert sorted(zip([r.names[i] for i in r.question], r.mark.tolist(), strict=True)) == [
            ("x", 1.0),
            ("y", 0.5),
        ]


def test_sqlite_runs_in_wal_with_full_sync(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'var' / 'quiz.sqlite3'}"
    with QuizStore(url) as store:
        store.record(attempt([100]))
        with store.engine.connect() as conn:
            raw = conn.connection.dbapi_connection
            assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
            assert raw.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
            assert raw.execute("PRAGMA busy_timeout").fetchone()[0] >= 5000
    # An ordinary SQLite client sees the data.
    with sqlite3.connect(tmp_path / "var" / "quiz.sqlite3") as conn:
        assert conn.execute("SELECT count(*) FROM quiz_answer").fetchone()[0] == 1


def test_default_url_is_var_quiz_sqlite_under_the_content_root(tmp_path: Path) -> None:
    assert resolve_url(None, tmp_path) == f"sqlite:///{tmp_path}/var/quiz.sqlite3"
    assert resolve_url("postgresql://u@h/db", tmp_path) == "postgresql+psycopg://u@h/db"
    assert resolve_url("sqlite:////abs/q.db", tmp_path) == "sqlite:////abs/q.db"


def test_unreachable_database_is_one_clear_error() -> None:
    with pytest.raises(
        StoreError,
        match=r"cannot open the quiz database postgresql\+psycopg://u:\*\*\*@127.0.0.1:9/db",
    ):
        QuizStore("postgresql+psycopg://u:secret@127.0.0.1:9/db")
