import random
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from exhibit.quiz.attempt import AttemptRecord
from exhibit.quiz.draw import DrawRequest
from exhibit.quiz.scoring import Scoring
from exhibit.quiz.session import QuizSession, correct_indices, start_session
from exhibit.spec.errors import ExhibitError
from exhibit.spec.quiz import Bank, Question


class RecordingSink:
    def __init__(self) -> None:
        self.records: list[AttemptRecord] = []

    def record(self, attempt: AttemptRecord) -> int:
        self.records.append(attempt)
        return len(self.records)


class StepClock:
    def __init__(self) -> None:
        self.now = datetime(2026, 7, 1, 2, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        self.now += timedelta(seconds=1)
        return self.now


def session_of(bank: Bank, ids: list[str], **kw: Any) -> QuizSession:
    sink = kw.pop("sink", None)
    s = start_session(
        Bank(bank="demo", questions=[bank.question(i) for i in ids]),  # type: ignore[misc]
        DrawRequest(count=len(ids)),
        rng=random.Random(kw.pop("seed", 1)),
        sink=sink,
        **kw,
    )
    return s


def test_correct_indices_for_every_answer_form() -> None:
    q = Question(id="m", type="multiple", stem="s", options=["a", "b", "c"], answer="AC")
    assert correct_indices(q) == (0, 2)
    assert correct_indices(q.model_copy(update={"answer": ["C", "A"]})) == (0, 2)
    assert correct_indices(Question(id="t", type="truefalse", stem="s", answer=False)) == (1,)


def test_shown_order_maps_back_to_the_bank(bank: Bank) -> None:
    s = session_of(bank, ["boat"], seed=3)
    p = s.current
    assert p is not None
    # Whatever the shuffle, the shown option with the right text is the right one.
    texts = p.options("zh")
    right = p.correct_shown()
    assert [texts[k] for k in right] == ["嘉兴南湖的一艘游船上"]
    fb = s.answer(right, 2.0)
    assert fb.correct and fb.points == 100
    assert fb.answer_letters() == "ABC"[right[0]]
    record = s.record()
    assert record.answers[0].chosen == "A"  # stored in the bank's letters, not the shown ones
    assert sorted(record.answers[0].shown_order) == ["A", "B", "C"]
    assert record.answers[0].shown_order[right[0]] == "A"


def test_a_full_round_is_recorded_once_with_every_answer(bank: Bank) -> None:
    sink = RecordingSink()
    clock = StepClock()
    s = session_of(
        bank,
        ["boat", "two_cities", "zunyi_year"],
        sink=sink,
        clock=clock,
        scoring=Scoring("timed", 100),
        time_limit=20.0,
    )
    results = []
    while (p := s.current) is not None:
        s.show()
        if p.kind == "multiple":
            right = p.correct_shown()
            results.append(s.answer(right[:1], 10.0))  # half of the right answers
        elif p.kind == "truefalse":
            results.append(s.time_out())
        else:
            results.append(s.answer(p.correct_shown(), 0.2))
        s.advance()
    assert s.finished
    # Easiest first: boat (1), zunyi_year (2), two_cities (3).
    # Full points; a time-out; half the right answers after half the time: 0.5 x 0.75 x 100 = 37.5 -> 38.
    assert [r.points for r in results] == [100, 0, 38]
    assert results[1].timed_out and results[1].chosen == ()
    assert s.finish() == 1 and s.finish() == 1  # stored once
    (record,) = sink.records
    assert record.completed and record.score == 138 and record.correct == 1
    assert record.questions == ("boat", "zunyi_year", "two_cities")
    assert [a.question_id for a in record.answers] == list(record.questions)
    assert all(a.shown_at < a.answered_at for a in record.answers)
    assert record.answers[2].credit == 0.5 and not record.answers[2].correct
    assert record.answers[1].timed_out and record.answers[1].chosen == ""


def test_answers_after_the_limit_count_as_timed_out(bank: Bank) -> None:
    s = session_of(bank, ["boat"], time_limit=10.0)
    p = s.current
    fb = s.answer(p.correct_shown(), 10.5)  # type: ignore[union-attr]
    assert fb.timed_out and fb.points == 0


def test_question_time_limit_beats_the_quiz_default(bank: Bank) -> None:
    q = bank.question("boat").model_copy(update={"time_limit": 7.0})  # type: ignore[union-attr]
    s = start_session(Bank(bank="x", questions=[q]), DrawRequest(count=1), time_limit=20.0)
    assert s.current.time_limit == 7.0  # type: ignore[union-attr]


def test_wrong_use_is_refused(bank: Bank) -> None:
    s = session_of(bank, ["boat", "two_cities"])
    with pytest.raises(ExhibitError, match="exactly one answer"):
        s.answer([0, 1], 1.0)
    with pytest.raises(ExhibitError, match="choose among options 1..3"):
        s.answer([5], 1.0)
    with pytest.raises(ExhibitError, match="answer the current question before going on"):
        s.advance()
    s.answer([0], 1.0)
    with pytest.raises(ExhibitError, match="already been answered"):
        s.answer([0], 1.0)


def test_abandoned_round_is_recorded_as_not_completed(bank: Bank) -> None:
    sink = RecordingSink()
    s = session_of(bank, ["boat", "founding_year"], sink=sink)
    s.answer([0], 1.0)
    s.advance()
    s.finish()
    (record,) = sink.records
    assert not record.completed and len(record.answers) == 1
    assert record.questions == ("boat", "founding_year")
    with pytest.raises(ExhibitError):
        s.answer([0], 1.0)
