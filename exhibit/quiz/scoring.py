"""Points for an answer: credit for what was chosen, then fixed or time-based points.

Timed scoring follows the rule used by classroom quiz games: an answer given at time
``t`` of a limit ``T`` earns ``P x (1 - (t/T)/2)`` points, so the slowest correct answer
still earns half; answers within half a second earn everything (a reflex tap is not
penalised for the screen's own latency). Several correct options earn partial credit.
"""

from __future__ import annotations

import math
from collections.abc import Collection
from dataclasses import dataclass
from typing import Literal

#: Answers faster than this earn full points in timed scoring (seconds).
FULL_POINTS_WITHIN_S = 0.5
#: Points for a fully correct answer unless a quiz says otherwise.
DEFAULT_POINTS = 100

ScoringMode = Literal["fixed", "timed"]


def credit(chosen: Collection[int], correct: Collection[int], multiple: bool) -> float:
    """The share of a question earned, 0..1.

    Single and true/false questions are right or wrong. A multiple-answer question
    earns ``(right picks - wrong picks) / number of correct options``, never below 0:
    with A and C correct, {A} earns 0.5, {A, B} earns 0, {A, B, C} earns 0.5.
    """
    picked, right = set(chosen), set(correct)
    if not right:
        return 0.0
    if not multiple:
        return 1.0 if picked == right else 0.0
    hits = len(picked & right)
    misses = len(picked - right)
    return max(0.0, (hits - misses) / len(right))


def round_half_up(value: float) -> int:
    """Round .5 up, as people do (Python's round() sends 62.5 to 62)."""
    return math.floor(value + 0.5)


@dataclass(frozen=True)
class Scoring:
    """How a quiz turns credit into points."""

    mode: ScoringMode = "fixed"
    points: int = DEFAULT_POINTS

    def points_for(self, share: float, elapsed: float | None, limit: float | None) -> int:
        """Points for an answer earning ``share`` after ``elapsed`` seconds of ``limit``."""
        if share <= 0.0:
            return 0
        full = self.points * share
        if (
            self.mode == "fixed"
            or limit is None
            or elapsed is None
            or elapsed < FULL_POINTS_WITHIN_S
        ):
            return round_half_up(full)
        t = min(max(elapsed, 0.0), limit)
        return round_half_up(full * (1.0 - (t / limit) / 2.0))
