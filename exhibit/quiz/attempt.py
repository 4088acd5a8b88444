"""What is stored about one visitor's round: the attempt and each answer in it.

Only what the quiz needs is kept: which questions were shown, in which option order,
what was chosen, when, and the points; a nickname if the visitor gave one. Nothing that
identifies a person.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class AnswerRecord:
    """One shown question and the visitor's answer (``chosen`` empty when time ran out)."""

    position: int  # 0-based place in the session
    question_id: str
    shown_order: str  # original letters in the order shown, e.g. "CAB" (A was shown as C's text)
    chosen: str  # original letters chosen, e.g. "AC"; "T"/"F" for true/false
    correct: bool
    credit: float  # 0..1
    points: int
    max_points: int
    elapsed: float | None  # seconds from showing to answering
    timed_out: bool
    shown_at: datetime  # UTC
    answered_at: datetime  # UTC


@dataclass(frozen=True)
class AttemptRecord:
    """One session at a kiosk or in a scene, finished or walked away from."""

    bank: str
    kiosk: str
    lang: str
    started_at: datetime  # UTC
    finished_at: datetime  # UTC
    completed: bool
    questions: tuple[str, ...]  # every question drawn, in order
    answers: tuple[AnswerRecord, ...]
    nickname: str | None = None
    accessible: bool = False  # the accessible mode: untimed, ranked apart

    @property
    def score(self) -> int:
        return sum(a.points for a in self.answers)

    @property
    def max_score(self) -> int:
        return sum(a.max_points for a in self.answers)

    @property
    def correct(self) -> int:
        return sum(a.correct for a in self.answers)
