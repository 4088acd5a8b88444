"""The kiosk's screens and flow, driven by touches and a clock given by the test."""

import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NoReturn

import pytest

from exhibit.quiz.kiosk import CONTINUE_MIN_S, Kiosk, KioskSettings, Phase, Screen
from exhibit.quiz.store import QuizStore
from exhibit.spec.errors import ExhibitError
from exhibit.spec.quiz import Bank


@pytest.fixture
def store(tmp_path: Path) -> Iterator[QuizStore]:
    with QuizStore(f"sqlite:///{tmp_path / 'quiz.sqlite3'}") as s:
        yield s


def make(bank: Bank, store: QuizStore | None, **settings: Any) -> Kiosk:
    values = {"count": 3, "time_limit": 20.0, "idle_after": 60.0, **settings}
    return Kiosk(bank, KioskSettings(**values), store, rng=random.Random(2), now=0.0)


def right_buttons(screen: Screen, kiosk: Kiosk) -> list[str]:
    assert kiosk.round is not None and kiosk.round.session.current is not None
    return [f"opt:{k}" for k in kiosk.round.session.current.correct_shown()]


def answer_right(kiosk: Kiosk, now: float) -> None:
    ids = right_buttons(kiosk.screen(), kiosk)
    for b in ids:
        kiosk.press(b, now)
    if len(ids) > 1:
        kiosk.press("submit", now)


def test_attract_screen_invites_in_both_languages(bank: Bank) -> None:
    kiosk = make(bank, None)
    screen = kiosk.screen()
    assert screen.phase == Phase.ATTRACT
    assert screen.title == "测试题库"
    assert "轻触下方按钮，开始答题" in screen.texts()
    assert [(b.id, b.label) for b in screen.buttons] == [
        ("start:zh", "开始答题"),
        ("start:en", "Start"),
        ("access", "无障碍答题：不限时、大字、朗读题目"),
    ]


def test_a_full_round_in_english_ends_on_the_board_with_my_nickname(
    bank: Bank, store: QuizStore
) -> None:
    kiosk = make(bank, store)
    kiosk.press("start:en", 1.0)
    screen = kiosk.screen()
    assert screen.phase == Phase.QUESTION and screen.lang == "en"
    assert screen.heading.startswith("Question 1 of 3")
    assert screen.timed
    t = 1.0
    for n in range(3):
        t += 2.0
        answer_right(kiosk, t)
        fb = kiosk.screen()
        assert fb.phase == Phase.FEEDBACK
        assert fb.lines[0].startswith("Correct! +")
        assert any(line.startswith("Why: ") for line in fb.lines)  # the explanation
        assert {b.state for b in fb.buttons if b.role == "option"} <= {"correct", "normal"}
        next_label = fb.button("next").label
        assert next_label == ("See my score" if n == 2 else "Next")
        kiosk.press("next", t + 5)
        t += 5
    result = kiosk.screen()
    assert result.phase == Phase.RESULT
    assert result.title == "Your score"
    assert result.lines[0].startswith("3 of 3 right, ")
    assert result.button("save").state == "disabled"  # nothing typed yet
    for ch in "REDX":
        kiosk.press(f"key:{ch}", t)
    kiosk.press("back", t)
    kiosk.press("key:7", t)
    assert kiosk.screen().entry == "RED7"
    kiosk.press("save", t)
    board = kiosk.screen()
    assert board.phase == Phase.BOARD
    today, week = board.boards
    assert today.title == "Today" and week.title == "This week"
    assert today.highlight == 0 and today.rows[0].startswith("1. RED7  ")
    # Stored: one completed attempt with the nickname and three answers.
    row = store.attempt(kiosk.attempt_id)  # type: ignore[arg-type]
    assert (
        row is not None and row["nickname"] == "RED7" and row["completed"] and row["lang"] == "en"
    )
    assert len(store.answers_of(kiosk.attempt_id)) == 3  # type: ignore[arg-type]


def test_chinese_round_with_wrong_answers_shows_the_right_one(bank: Bank, store: QuizStore) -> None:
    kiosk = make(bank, store, count=1, tags=("long_march",), category="长征")
    kiosk.press("start:zh", 0.0)
    current = kiosk.round.session.current  # type: ignore[union-attr]
    wrong = next(k for k in range(len(current.order)) if k not in current.correct_shown())  # type: ignore[union-attr]
    kiosk.press(f"opt:{wrong}", 3.0)
    screen = kiosk.screen()
    assert screen.lines[0] == "回答错误"
    assert screen.lines[1].startswith("正确答案：")
    assert screen.lines[2].startswith("解析：")
    assert screen.button(f"opt:{wrong}").state == "wrong"
    assert [b.state for b in screen.buttons if b.role == "option"].count("missed") == 1
    assert screen.button("next").label == "查看成绩"


def test_multiple_answers_toggle_then_submit(bank: Bank) -> None:
    kiosk = make(bank, None, count=1, category="建党", mix={3: 1})
    kiosk.press("start:en", 0.0)
    screen = kiosk.screen()
    assert screen.heading.endswith("Choose all that apply")
    assert screen.button("submit").state == "disabled"
    assert not kiosk.press("submit", 1.0)  # nothing chosen: nothing happens
    right = right_buttons(screen, kiosk)
    kiosk.press(right[0], 1.0)
    kiosk.press(right[1], 1.2)
    kiosk.press(right[1], 1.4)  # un-choose
    assert [b.id for b in kiosk.screen().buttons if b.state == "selected"] == [right[0]]
    kiosk.press("submit", 2.0)
    screen = kiosk.screen()
    assert screen.lines[0].startswith("Partly right +")


def test_question_times_out(bank: Bank) -> None:
    kiosk = make(bank, None, count=2, time_limit=10.0)
    kiosk.press("start:zh", 0.0)
    kiosk.tick(5.0)
    assert kiosk.timer(5.0) == (5.0, 10.0)
    kiosk.tick(10.0)
    screen = kiosk.screen()
    assert screen.phase == Phase.FEEDBACK and screen.lines[0] == "时间到"
    assert kiosk.timer(10.0) is None


def test_language_toggle_mid_question(bank: Bank) -> None:
    kiosk = make(bank, None)
    kiosk.press("start:zh", 0.0)
    zh = kiosk.screen()
    kiosk.press("lang", 1.0)
    en = kiosk.screen()
    assert zh.title != en.title and en.lang == "en"
    assert zh.button("lang").label == "English" and en.button("lang").label == "中文"
    assert en.phase == Phase.QUESTION  # still the same question


def test_idle_warning_then_reset_stores_the_round_as_not_completed(
    bank: Bank, store: QuizStore
) -> None:
    kiosk = make(bank, store, time_limit=None, idle_after=30.0)
    kiosk.press("start:zh", 0.0)
    kiosk.tick(29.0)
    assert not kiosk.screen().warning
    kiosk.tick(30.0)
    assert kiosk.screen().warning
    assert kiosk.warning_left(30.0) == CONTINUE_MIN_S
    kiosk.tick(30.0 + CONTINUE_MIN_S - 0.1)
    assert kiosk.screen().phase == Phase.QUESTION  # still time to continue
    kiosk.tick(30.0 + CONTINUE_MIN_S)
    assert kiosk.screen().phase == Phase.ATTRACT
    (n_attempts, n_answers) = store.counts()
    assert (n_attempts, n_answers) == (1, 0)
    history = store.history("demo", "kiosk", 1)
    assert len(history.recent) == 3  # the walked-away round still counts for fair draws


def test_a_touch_during_the_warning_continues_and_does_nothing_else(bank: Bank) -> None:
    kiosk = make(bank, None, time_limit=None, idle_after=30.0)
    kiosk.press("start:zh", 0.0)
    kiosk.tick(31.0)
    assert kiosk.screen().warning
    kiosk.press("opt:0", 35.0)  # dismisses the warning only
    screen = kiosk.screen()
    assert not screen.warning and screen.phase == Phase.QUESTION
    kiosk.tick(35.0 + 29.0)
    assert not kiosk.screen().warning


def test_continue_time_is_at_least_twenty_seconds() -> None:
    with pytest.raises(ExhibitError, match="at least 20 s to continue"):
        KioskSettings(continue_for=10.0)


def test_attract_loop_pages_through_board_and_facts(bank: Bank, store: QuizStore) -> None:
    kiosk = make(bank, store, attract_page_s=8.0)
    # Someone played before, with a nickname.
    kiosk.press("start:zh", 0.0)
    t = 0.0
    while kiosk.phase != Phase.RESULT:
        t += 1
        if kiosk.phase == Phase.QUESTION:
            answer_right(kiosk, t)
        else:
            kiosk.press("next", t)
    for ch in "AB":
        kiosk.press(f"key:{ch}", t)
    kiosk.press("save", t)
    kiosk.press("home", t)
    assert kiosk.screen().phase == Phase.ATTRACT
    pages = []
    for step in range(4):
        kiosk.tick(t + step * 8.0 + 0.5)
        pages.append(kiosk.screen())
    assert [p.page for p in pages] == [0, 1, 2, 0]
    assert pages[1].boards[0].rows[0].startswith("1. AB  ")
    assert pages[2].title == "你知道吗？" and pages[2].lines
    assert all(p.button("start:zh") for p in pages)  # the way in is always there


def test_board_returns_to_attract_by_itself(bank: Bank) -> None:
    kiosk = make(bank, None, count=1, board_s=30.0)
    kiosk.press("start:zh", 0.0)
    answer_right(kiosk, 1.0)
    kiosk.press("next", 2.0)
    kiosk.press("skip", 3.0)
    assert kiosk.screen().phase == Phase.BOARD
    kiosk.tick(32.9)
    assert kiosk.screen().phase == Phase.BOARD
    kiosk.tick(33.0)
    assert kiosk.screen().phase == Phase.ATTRACT


def test_no_repeats_from_the_last_sessions_at_this_kiosk(store: QuizStore, tmp_path: Path) -> None:
    from exhibit.spec.quiz import Question

    bank = Bank(
        bank="big",
        questions=[
            Question(id=f"q{i}", stem=f"Q{i}", options=["a", "b"], answer="A") for i in range(12)
        ],
    )
    kiosk = Kiosk(bank, KioskSettings(count=3, recent_sessions=3), store, rng=random.Random(1))
    seen: list[set[str]] = []
    t = 0.0
    for _ in range(6):
        kiosk.press("start:en", t)
        ids = {p.question.id for p in kiosk.round.session.questions}  # type: ignore[union-attr]
        for earlier in seen[-3:]:
            assert not ids & earlier
        seen.append(ids)
        t += 100
        kiosk.reset(t)


@pytest.mark.logs_warnings
def test_board_is_unavailable_when_the_database_fails(
    bank: Bank, caplog: pytest.LogCaptureFixture
) -> None:
    class BrokenStore:
        def history(self, *a: object, **k: object) -> NoReturn:
            raise ExhibitError("database down")

        def record(self, attempt: object) -> NoReturn:
            raise ExhibitError("database down")

        def set_nickname(self, *a: object) -> NoReturn:
            raise ExhibitError("database down")

        def leaderboard(self, *a: object, **k: object) -> NoReturn:
            raise ExhibitError("database down")

    kiosk = make(bank, BrokenStore(), count=1)  # type: ignore[arg-type]
    kiosk.press("start:en", 0.0)  # a quiz without history still starts
    answer_right(kiosk, 1.0)
    kiosk.press("next", 2.0)
    assert kiosk.screen().phase == Phase.RESULT
    kiosk.press("key:A", 3.0)
    kiosk.press("save", 3.0)
    screen = kiosk.screen()
    assert screen.phase == Phase.BOARD
    assert "The board is not available right now" in screen.lines
    assert [r.getMessage() for r in caplog.records] == [
        "quiz history unavailable: database down",
        "quiz attempt not stored: database down",  # so there is no attempt to name
        "leaderboard unavailable: database down",  # today's best on the result screen
        "leaderboard unavailable: database down",
    ]


def test_idle_time_counts_from_the_last_touch_across_time_outs(
    bank: Bank, store: QuizStore
) -> None:
    kiosk = make(bank, store, time_limit=20.0, idle_after=60.0)
    kiosk.press("start:zh", 0.0)
    kiosk.tick(20.0)
    assert kiosk.screen().phase == Phase.FEEDBACK and not kiosk.screen().warning
    kiosk.tick(59.9)
    assert not kiosk.screen().warning
    kiosk.tick(60.0)
    assert kiosk.screen().warning and kiosk.warning_left(60.0) == CONTINUE_MIN_S
    kiosk.tick(80.0)
    assert kiosk.screen().phase == Phase.ATTRACT
    row = store.attempt(1)
    assert row is not None and not row["completed"] and row["asked"] == 1


def test_result_screen_shows_todays_best_above_the_nickname_entry(
    bank: Bank, store: QuizStore
) -> None:
    kiosk = make(bank, store, count=1)
    for name, t in (("AAA", 0.0), ("BBB", 100.0)):
        kiosk.press("start:zh", t)
        answer_right(kiosk, t + 1)
        kiosk.press("next", t + 2)
        if name == "AAA":
            for ch in name:
                kiosk.press(f"key:{ch}", t + 3)
            kiosk.press("save", t + 4)
            kiosk.press("home", t + 5)
    screen = kiosk.screen()
    assert screen.phase == Phase.RESULT
    (today,) = screen.boards
    assert today.title == "今日排行" and today.rows[0].startswith("1. AAA  ")
    assert screen.entry == ""
