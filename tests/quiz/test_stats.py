"""Item statistics checked against values worked out by hand.

The data set: six completed attempts of four questions (one half mark on q2):

    attempt  q1  q2   q3  q4   total
    1        1   1    1   0    3
    2        1   1    0   0    2
    3        1   1    1   1    4
    4        1   1/2  0   0    3/2
    5        0   0    1   1    2
    6        0   0    0   1    1

Worked example, q1 (marks x, rest of the attempt y = total - x):
    x = 1 1 1 1 0 0, mean 2/3;  y = 2 1 3 1/2 2 1, mean 19/12
    var x = (4 x 1/9 + 2 x 4/9) / 5 = 4/15,  var y = sum((y - 19/12)^2) / 5 = 101/120
    cov = sum(dx dy) / 5 = 1/30
    discrimination = 100 x (1/30) / sqrt(4/15 x 101/120) = 7.036
    sorted x with sorted y (0 0 1 1 1 1 / 1/2 1 1 2 2 3): cov max = 1/3, efficiency = 100 x (1/30)/(1/3) = 10
Bank: totals 3 2 4 3/2 2 1, mean 9/4, var 47/40; item variances 4/15 + 29/120 + 3/10 + 3/10 = 133/120;
    CIC = 100 x 4/3 x (1 - (133/120)/(47/40)) = 3200/423 = 7.565 %
    error ratio = 100 x sqrt(1 - 0.07565) = 96.143 %, standard error = 0.96143 x sqrt(47/40) = 1.0422
"""

import csv
import io
import math

import pytest

from exhibit.quiz.stats import TOO_EASY_ABOVE, TOO_HARD_BELOW, Responses, analyse, flags_for, to_csv

MARKS = [
    [1, 1, 1, 0],
    [1, 1, 0, 0],
    [1, 1, 1, 1],
    [1, 0.5, 0, 0],
    [0, 0, 1, 1],
    [0, 0, 0, 1],
]


def responses() -> Responses:
    rows = [
        (100 + a, p, f"q{p + 1}", float(m))
        for a, marks in enumerate(MARKS)
        for p, m in enumerate(marks)
    ]
    return Responses.from_rows(rows)


def test_question_statistics_match_the_hand_computation() -> None:
    stats = analyse(responses())
    by_id = {q.question_id: q for q in stats.questions}
    expected = {
        # id: (facility, var x, var rest, cov, cov max)
        "q1": (2 / 3, 4 / 15, 101 / 120, 1 / 30, 1 / 3),
        "q2": (7 / 12, 29 / 120, 2 / 3, 2 / 15, 1 / 3),
        "q3": (1 / 2, 3 / 10, 23 / 40, 3 / 20, 7 / 20),
        "q4": (1 / 2, 3 / 10, 11 / 8, -1 / 4, 11 / 20),
    }
    for qid, (facility, var_x, var_y, cov, cov_max) in expected.items():
        q = by_id[qid]
        assert q.attempts == 6
        assert q.facility == pytest.approx(facility)
        assert q.sd == pytest.approx(math.sqrt(var_x))
        assert q.discrimination == pytest.approx(100 * cov / math.sqrt(var_x * var_y))
        assert q.efficiency == pytest.approx(100 * cov / cov_max)
    assert by_id["q1"].discrimination == pytest.approx(7.036, abs=1e-3)
    assert by_id["q1"].efficiency == pytest.approx(10.0)
    assert by_id["q2"].efficiency == pytest.approx(40.0)
    assert by_id["q4"].discrimination == pytest.approx(-38.925, abs=1e-3)


def test_bank_statistics_match_the_hand_computation() -> None:
    stats = analyse(responses())
    assert (stats.attempts, stats.items) == (6, 4)
    assert stats.mean == pytest.approx(9 / 4)
    assert stats.sd == pytest.approx(math.sqrt(47 / 40))
    assert stats.cic == pytest.approx(3200 / 423)
    assert stats.error_ratio == pytest.approx(100 * math.sqrt(1 - 32 / 423))
    assert stats.standard_error == pytest.approx(math.sqrt(1 - 32 / 423) * math.sqrt(47 / 40))
    assert stats.standard_error == pytest.approx(1.0422, abs=1e-4)


def test_flags() -> None:
    by_id = {q.question_id: q for q in analyse(responses()).questions}
    assert by_id["q4"].flags == ("negative discrimination",)
    assert by_id["q1"].flags == ()
    assert flags_for(TOO_EASY_ABOVE + 0.01, 30.0) == ("too easy",)
    assert flags_for(TOO_HARD_BELOW - 0.01, -5.0) == ("too hard", "negative discrimination")
    assert flags_for(0.5, None) == ()


def test_a_question_everyone_gets_right_has_no_discrimination() -> None:
    rows = [(a, 0, "easy", 1.0) for a in range(5)] + [
        (a, 1, "other", float(a % 2)) for a in range(5)
    ]
    easy = next(q for q in analyse(Responses.from_rows(rows)).questions if q.question_id == "easy")
    assert easy.facility == 1.0 and easy.sd == 0.0
    assert easy.discrimination is None and easy.efficiency is None
    assert easy.flags == ("too easy",)


def test_cic_needs_more_than_two_attempts() -> None:
    rows = [(a, p, f"q{p}", 1.0 if (a + p) % 2 else 0.0) for a in range(2) for p in range(3)]
    stats = analyse(Responses.from_rows(rows))
    assert stats.attempts == 2 and stats.cic is None and stats.standard_error is None


def test_no_attempts_yet() -> None:
    stats = analyse(Responses.empty())
    assert stats.attempts == 0 and stats.questions == () and stats.cic is None


def test_csv_is_utf8_with_bom_for_excel() -> None:
    data = to_csv("demo", analyse(responses()), {"q1": "中共一大在哪里召开？"})
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0][:6] == [
        "question",
        "attempts",
        "facility %",
        "SD %",
        "discrimination %",
        "efficiency %",
    ]
    q1 = next(r for r in rows if r and r[0] == "q1")
    assert q1[1:6] == ["6", "66.7", "51.6", "7.0", "10.0"]
    assert q1[7] == "中共一大在哪里召开？"
    assert any("CIC (Cronbach's alpha) 7.57%" in r[0] for r in rows if r)
