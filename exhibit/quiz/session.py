"""One visitor's round of questions: presenting, answering, scoring, recording.

The session is the engine both the kiosk and the in-scene panel drive. It knows nothing
about screens or time sources: callers say how long an answer took, and the session
keeps wall-clock timestamps (UTC) only for the record.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol

from exhibit.quiz.attempt import AnswerRecord, AttemptRecord
from exhibit.quiz.draw import DrawRequest, History, draw, shuffled_order
from exhibit.quiz.phrases import phrase
from exhibit.quiz.scoring import Scoring, credit
from exhibit.spec.common import Text
from exhibit.spec.errors import ExhibitError
from exhibit.spec.quiz import LETTERS, Bank, Question

TRUE_FALSE_LETTERS = ("T", "F")
DEFAULT_SCORING = Scoring()
NO_HISTORY = History()


def utc_now() -> datetime:
    return datetime.now(UTC)


def correct_indices(question: Question) -> tuple[int, ...]:
    """Original indices of the correct options (true/false: 0 is true, 1 is false).

    Accepts every answer form the bank format allows, including ``answer: AC`` for a
    multiple-answer question.
    """
    answer = question.answer
    if isinstance(answer, bool):
        return (0,) if answer else (1,)
    letters = (
        answer
        if isinstance(answer, list)
        else list(answer)
        if question.type == "multiple"
        else [answer]
    )
    return tuple(sorted(LETTERS.index(a) for a in letters if isinstance(a, str) and a in LETTERS))


@dataclass(frozen=True)
class Presented:
    """A question as one visitor sees it: options in a shuffled order."""

    position: int
    question: Question
    order: tuple[int, ...]  # shown position -> original option index
    time_limit: float | None  # seconds; None: untimed

    @property
    def kind(self) -> str:
        return self.question.type

    @property
    def multiple(self) -> bool:
        return self.question.type == "multiple"

    def stem(self, lang: str) -> str:
        return self.question.stem.get(lang) or ""

    def options(self, lang: str) -> list[str]:
        """Option texts in the order shown."""
        if self.kind == "truefalse":
            return [phrase("true", lang), phrase("false", lang)]
        texts = self.question.options or []
        return [texts[i].get(lang) or "" for i in self.order]

    def letters(self) -> tuple[str, ...]:
        """The labels shown next to the options: A, B, ... (T and F for true/false)."""
        return TRUE_FALSE_LETTERS if self.kind == "truefalse" else tuple(LETTERS[: len(self.order)])

    def correct_shown(self) -> tuple[int, ...]:
        """Shown positions of the correct options."""
        right = set(correct_indices(self.question))
        return tuple(k for k, i in enumerate(self.order) if i in right)

    def original_letters(self, shown: Iterable[int]) -> str:
        """Shown positions as the bank's own letters (``"AC"``; ``"T"``/``"F"``)."""
        originals = sorted(self.order[k] for k in shown)
        if self.kind == "truefalse":
            return "".join(TRUE_FALSE_LETTERS[i] for i in originals)
        return "".join(LETTERS[i] for i in originals)

    def shown_order_letters(self) -> str:
        if self.kind == "truefalse":
            return "TF"
        return "".join(LETTERS[i] for i in self.order)


@dataclass(frozen=True)
class Feedback:
    """What a visitor is told after answering (or running out of time)."""

    presented: Presented
    chosen: tuple[int, ...]  # shown positions
    correct: bool
    credit: float
    points: int
    max_points: int
    timed_out: bool
    elapsed: float | None

    @property
    def explanation(self) -> Text | None:
        return self.presented.question.explanation

    @property
    def correct_shown(self) -> tuple[int, ...]:
        return self.presented.correct_shown()

    def answer_letters(self) -> str:
        letters = self.presented.letters()
        return "".join(letters[k] for k in self.correct_shown)


class AttemptSink(Protocol):
    """Where finished sessions go (the quiz store, or a fake in tests)."""

    def record(self, attempt: AttemptRecord) -> int: ...


class QuizSession:
    """A round of questions for one visitor. Not thread-safe; one view drives it."""

    def __init__(
        self,
        bank: str,
        questions: Sequence[Presented],
        *,
        scoring: Scoring = DEFAULT_SCORING,
        kiosk: str = "kiosk",
        lang: str = "zh",
        sink: AttemptSink | None = None,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        if not questions:
            raise ExhibitError(f"a quiz session needs at least one question (bank '{bank}')")
        self.bank = bank
        self.questions = tuple(questions)
        self.scoring = scoring
        self.kiosk = kiosk
        self.lang = lang
        self.sink = sink
        self.clock = clock
        self.accessible = False  # the accessible mode (no time limit): stored as such
        self.started_at = clock()
        self.index = 0
        self.feedback: list[Feedback] = []
        self._answers: list[AnswerRecord] = []
        self._shown_at: datetime | None = None
        self.attempt_id: int | None = None
        self.recorded = False

    # -- progress -------------------------------------------------------------------------
    @property
    def current(self) -> Presented | None:
        return self.questions[self.index] if self.index < len(self.questions) else None

    @property
    def answered(self) -> bool:
        """Whether the current question has been answered (feedback is showing)."""
        return len(self.feedback) > self.index

    @property
    def finished(self) -> bool:
        return self.index >= len(self.questions)

    @property
    def last(self) -> bool:
        return self.index == len(self.questions) - 1

    def show(self) -> Presented:
        """Mark the current question as on screen now (its timer starts for the record)."""
        current = self._require_open()
        self._shown_at = self.clock()
        return current

    def answer(self, shown: Iterable[int], elapsed: float | None) -> Feedback:
        """Answer the current question with the chosen shown positions."""
        current = self._require_open()
        picked = tuple(sorted(set(shown)))
        n = len(current.order)
        if not picked or any(not 0 <= k < n for k in picked):
            raise ExhibitError(f"choose among options 1..{n}, got {[k + 1 for k in picked]}")
        if not current.multiple and len(picked) != 1:
            raise ExhibitError("this question takes exactly one answer")
        if current.time_limit is not None and elapsed is not None and elapsed > current.time_limit:
            return self.time_out()
        share = credit(
            [current.order[k] for k in picked], correct_indices(current.question), current.multiple
        )
        points = self.scoring.points_for(share, elapsed, current.time_limit)
        return self._settle(current, picked, share, points, False, elapsed)

    def time_out(self) -> Feedback:
        """The current question's time ran out with no answer."""
        current = self._require_open()
        return self._settle(current, (), 0.0, 0, True, current.time_limit)

    def advance(self) -> Presented | None:
        """Go on to the next question after the feedback; None at the end."""
        if not self.answered:
            raise ExhibitError("answer the current question before going on")
        self.index += 1
        self._shown_at = None
        return self.current

    # -- results --------------------------------------------------------------------------
    @property
    def score(self) -> int:
        return sum(f.points for f in self.feedback)

    @property
    def max_score(self) -> int:
        return self.scoring.points * len(self.questions)

    @property
    def correct_count(self) -> int:
        return sum(f.correct for f in self.feedback)

    def record(self) -> AttemptRecord:
        return AttemptRecord(
            bank=self.bank,
            kiosk=self.kiosk,
            lang=self.lang,
            started_at=self.started_at,
            finished_at=self.clock(),
            completed=len(self._answers) == len(self.questions),
            questions=tuple(p.question.id for p in self.questions),
            answers=tuple(self._answers),
            accessible=self.accessible,
        )

    def finish(self) -> int | None:
        """Store the session once (finished or abandoned); the attempt's id, if stored."""
        if self.recorded:
            return self.attempt_id
        self.recorded = True
        if self.sink is not None:
            self.attempt_id = self.sink.record(self.record())
        return self.attempt_id

    # -- internals ------------------------------------------------------------------------
    def _require_open(self) -> Presented:
        current = self.current
        if current is None:
            raise ExhibitError("the quiz is over")
        if self.answered:
            raise ExhibitError("this question has already been answered")
        if self.recorded:
            raise ExhibitError("this quiz session has ended")
        return current

    def _settle(
        self,
        current: Presented,
        picked: tuple[int, ...],
        share: float,
        points: int,
        timed_out: bool,
        elapsed: float | None,
    ) -> Feedback:
        feedback = Feedback(
            current, picked, share >= 1.0, share, points, self.scoring.points, timed_out, elapsed
        )
        self.feedback.append(feedback)
        now = self.clock()
        self._answers.append(
            AnswerRecord(
                position=current.position,
                question_id=current.question.id,
                shown_order=current.shown_order_letters(),
                chosen=current.original_letters(picked),
                correct=feedback.correct,
                credit=share,
                points=points,
                max_points=self.scoring.points,
                elapsed=elapsed,
                timed_out=timed_out,
                shown_at=self._shown_at or now,
                answered_at=now,
            )
        )
        return feedback


def start_session(
    bank: Bank,
    request: DrawRequest,
    *,
    history: History = NO_HISTORY,
    rng: random.Random | None = None,
    scoring: Scoring = DEFAULT_SCORING,
    time_limit: float | None = None,
    kiosk: str = "kiosk",
    lang: str = "zh",
    sink: AttemptSink | None = None,
    clock: Callable[[], datetime] = utc_now,
) -> QuizSession:
    """Draw questions and shuffle their options into a new session.

    ``time_limit`` is the quiz's default; a question's own ``time_limit`` wins. With no
    default the questions are untimed unless they set their own.
    """
    rng = rng or random.Random()
    questions = draw(bank, request, history, rng)
    presented = [
        Presented(
            i, q, shuffled_order(q, rng), q.time_limit if q.time_limit is not None else time_limit
        )
        for i, q in enumerate(questions)
    ]
    return QuizSession(
        bank.bank or "bank",
        presented,
        scoring=scoring,
        kiosk=kiosk,
        lang=lang,
        sink=sink,
        clock=clock,
    )
