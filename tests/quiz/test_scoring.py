import pytest

from exhibit.quiz.scoring import FULL_POINTS_WITHIN_S, Scoring, credit


def test_single_answer_is_all_or_nothing() -> None:
    assert credit([1], [1], multiple=False) == 1.0
    assert credit([0], [1], multiple=False) == 0.0


@pytest.mark.parametrize(
    ("chosen", "share"),
    [
        ({0, 2}, 1.0),
        ({0}, 0.5),
        ({0, 1}, 0.0),
        ({0, 1, 2}, 0.5),
        ({1, 3}, 0.0),
        ({0, 1, 2, 3}, 0.0),
    ],
)
def test_multiple_answer_partial_credit(chosen: set[int], share: float) -> None:
    # Right answers are A and C (0 and 2): each right pick earns half, each wrong pick costs half.
    assert credit(chosen, {0, 2}, multiple=True) == share


def test_fixed_scoring_ignores_time() -> None:
    rule = Scoring("fixed", 100)
    assert rule.points_for(1.0, 19.0, 20.0) == 100
    assert rule.points_for(0.5, 19.0, 20.0) == 50
    assert rule.points_for(0.0, 1.0, 20.0) == 0


@pytest.mark.parametrize(
    ("elapsed", "points"),
    [
        (0.0, 1000),
        (FULL_POINTS_WITHIN_S - 0.01, 1000),  # a reflex tap: full points
        (0.5, 988),  # 1000 x (1 - 0.025/2) = 987.5 -> 988 (half rounds up)
        (5.0, 875),  # 1000 x (1 - 0.25/2)
        (10.0, 750),
        (20.0, 500),  # the slowest right answer still earns half
        (25.0, 500),  # clamped at the limit
    ],
)
def test_timed_scoring(elapsed: float, points: int) -> None:
    assert Scoring("timed", 1000).points_for(1.0, elapsed, 20.0) == points


def test_timed_scoring_rounds_like_people_do() -> None:
    # P = 100, T = 20, t = 5: 100 x 0.875 = 87.5 -> 88 (Python's round() would give 88 here but 62 for 62.5)
    assert Scoring("timed", 100).points_for(1.0, 5.0, 20.0) == 88
    # P = 100, T = 8, t = 6: 100 x (1 - 0.375) = 62.5 -> 63
    assert Scoring("timed", 100).points_for(1.0, 6.0, 8.0) == 63


def test_timed_scoring_with_partial_credit_and_untimed_questions() -> None:
    rule = Scoring("timed", 100)
    assert rule.points_for(0.5, 10.0, 20.0) == 38  # 100 x 0.5 x 0.75 = 37.5 -> 38
    assert rule.points_for(1.0, 10.0, None) == 100  # no limit: nothing to be fast against
