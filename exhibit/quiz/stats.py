"""Item analysis of a question bank, computed the way Moodle's quiz statistics do.

Per question (over every completed attempt that showed it; marks are the credit 0..1):
- facility: the mean mark;
- SD: the sample standard deviation of the mark;
- discrimination index: 100 x the correlation between the question's mark and the rest
  of the attempt (its total minus this question), i.e. cov / sqrt(var_item x var_rest);
- discriminative efficiency: 100 x that covariance over the largest covariance the two
  sets of marks could have (both sorted), so a very easy or hard question is not
  blamed for the ceiling its facility puts on the index.

Per bank, as Moodle computes the test statistics: positions in the attempt are the
items (each kiosk session draws its own questions, like Moodle's random slots), over the
attempts with the usual number of questions:
- CIC (Cronbach's alpha) = 100 x p/(p-1) x (1 - sum of item variances / variance of totals),
- error ratio = 100 x sqrt(1 - CIC/100),
- standard error = error ratio x SD of totals / 100 (in questions).
Moodle reports CIC only with more than two attempts, and so does this module.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

#: A question most visitors get right tells little; Moodle's guide calls over 90% "very easy".
TOO_EASY_ABOVE = 0.90
#: Below 20% right is "difficult" in Moodle's guide; with four options, near random guessing.
TOO_HARD_BELOW = 0.20


@dataclass(frozen=True)
class Responses:
    """One row per answer of a completed attempt, as parallel arrays."""

    attempt: np.ndarray  # attempt id
    position: np.ndarray  # 0-based place in the attempt
    question: np.ndarray  # index into names
    mark: np.ndarray  # credit 0..1
    names: tuple[str, ...]  # question ids

    @classmethod
    def empty(cls) -> Responses:
        none = np.zeros(0, dtype=np.int64)
        return cls(none, none, none, np.zeros(0), ())

    @classmethod
    def from_rows(cls, rows: Sequence[tuple[int, int, str, float]]) -> Responses:
        """From (attempt, position, question id, mark) rows."""
        if not rows:
            return cls.empty()
        a, p, q, m = zip(*rows, strict=True)
        names, codes = np.unique(np.array(q, dtype=str), return_inverse=True)
        return cls(
            np.asarray(a, np.int64),
            np.asarray(p, np.int64),
            codes.astype(np.int64),
            np.asarray(m, np.float64),
            tuple(str(n) for n in names),
        )

    def __len__(self) -> int:
        return int(self.mark.size)


@dataclass(frozen=True)
class QuestionStats:
    question_id: str
    attempts: int
    facility: float  # 0..1
    sd: float | None  # 0..1
    discrimination: float | None  # percent, -100..100
    efficiency: float | None  # percent
    flags: tuple[str, ...]


@dataclass(frozen=True)
class BankStats:
    attempts: int  # completed attempts analysed
    items: int  # questions per attempt used for the test statistics
    mean: float | None  # mean total (questions right, with partial credit)
    sd: float | None
    cic: float | None  # percent
    error_ratio: float | None  # percent
    standard_error: float | None  # in questions
    questions: tuple[QuestionStats, ...]


def flags_for(facility: float, discrimination: float | None) -> tuple[str, ...]:
    out = []
    if facility > TOO_EASY_ABOVE:
        out.append("too easy")
    if facility < TOO_HARD_BELOW:
        out.append("too hard")
    if discrimination is not None and discrimination < 0:
        out.append("negative discrimination")
    return tuple(out)


def analyse(responses: Responses) -> BankStats:
    """Question and bank statistics from the answers of completed attempts."""
    if len(responses) == 0:
        return BankStats(0, 0, None, None, None, None, None, ())
    attempt_keys, attempt_idx = np.unique(responses.attempt, return_inverse=True)
    totals = np.bincount(attempt_idx, weights=responses.mark, minlength=attempt_keys.size)
    return BankStats(
        *_test_statistics(responses, attempt_idx, attempt_keys.size, totals),
        questions=_question_statistics(responses, attempt_idx, totals),
    )


def _question_statistics(
    r: Responses, attempt_idx: np.ndarray, totals: np.ndarray
) -> tuple[QuestionStats, ...]:
    q = r.question
    k = len(r.names)
    x = r.mark
    y = totals[attempt_idx] - x  # rest of the attempt
    n = np.bincount(q, minlength=k).astype(np.float64)
    mean_x = np.bincount(q, weights=x, minlength=k) / np.maximum(n, 1)
    mean_y = np.bincount(q, weights=y, minlength=k) / np.maximum(n, 1)
    dx = x - mean_x[q]
    dy = y - mean_y[q]
    denom = np.maximum(n - 1, 1)
    var_x = np.bincount(q, weights=dx * dx, minlength=k) / denom
    var_y = np.bincount(q, weights=dy * dy, minlength=k) / denom
    cov = np.bincount(q, weights=dx * dy, minlength=k) / denom
    # Largest possible covariance: pair the sorted item marks with the sorted rest marks.
    by_x = np.lexsort((x, q))
    by_y = np.lexsort((y, q))
    cov_max = np.bincount(q[by_x], weights=dx[by_x] * dy[by_y], minlength=k) / denom
    out = []
    for i in sorted(range(k), key=lambda i: r.names[i]):
        name = r.names[i]
        if n[i] == 0:
            continue
        enough = n[i] > 1
        sd = math.sqrt(var_x[i]) if enough else None
        product = var_x[i] * var_y[i]
        di = 100.0 * cov[i] / math.sqrt(product) if enough and product > 1e-12 else None
        de = 100.0 * cov[i] / cov_max[i] if enough and abs(cov_max[i]) > 1e-12 else None
        facility = float(mean_x[i])
        out.append(
            QuestionStats(
                name, int(n[i]), facility, sd, _clean(di), _clean(de), flags_for(facility, di)
            )
        )
    return tuple(out)


def _test_statistics(
    r: Responses, attempt_idx: np.ndarray, n_attempts: int, totals: np.ndarray
) -> tuple[int, int, float | None, float | None, float | None, float | None, float | None]:
    per_attempt = np.bincount(attempt_idx, minlength=n_attempts)
    p = int(np.bincount(per_attempt).argmax())  # the usual number of questions
    keep = per_attempt == p
    s = int(keep.sum())
    mean = float(totals[keep].mean()) if s else None
    sd = float(totals[keep].std(ddof=1)) if s > 1 else None
    cic = er = se = None
    if s > 2 and p > 1:
        rows = keep[attempt_idx]
        matrix = np.zeros((n_attempts, p))
        matrix[attempt_idx[rows], r.position[rows] % p] = r.mark[rows]
        matrix = matrix[keep]
        item_var = matrix.var(axis=0, ddof=1).sum()
        total_var = matrix.sum(axis=1).var(ddof=1)
        if total_var > 1e-12:
            cic = 100.0 * p / (p - 1) * (1.0 - item_var / total_var)
            er = 100.0 * math.sqrt(max(0.0, 1.0 - cic / 100.0))
            se = er * (sd or 0.0) / 100.0
    return s, p, mean, sd, cic, er, se


def _clean(value: float | None) -> float | None:
    return None if value is None or not math.isfinite(value) else float(value)


def _pct(value: float | None, scale: float = 1.0) -> str:
    return "" if value is None else f"{value * scale:.1f}"


COLUMNS = (
    "question",
    "attempts",
    "facility %",
    "SD %",
    "discrimination %",
    "efficiency %",
    "flags",
    "stem",
)


def table_rows(stats: BankStats, stems: Mapping[str, str] | None = None) -> list[list[str]]:
    stems = stems or {}
    return [
        [
            q.question_id,
            str(q.attempts),
            _pct(q.facility, 100),
            _pct(q.sd, 100),
            _pct(q.discrimination),
            _pct(q.efficiency),
            "; ".join(q.flags),
            stems.get(q.question_id, ""),
        ]
        for q in stats.questions
    ]


def summary_lines(bank: str, stats: BankStats) -> list[str]:
    def num(v: float | None, unit: str = "") -> str:
        return "n/a" if v is None else f"{v:.2f}{unit}"

    return [
        f"bank {bank}: {stats.attempts} completed attempts of {stats.items} questions",
        f"mean score {num(stats.mean)} questions, SD {num(stats.sd)}",
        f"CIC (Cronbach's alpha) {num(stats.cic, '%')}, error ratio {num(stats.error_ratio, '%')}, "
        f"standard error {num(stats.standard_error)} questions",
    ]


def to_csv(bank: str, stats: BankStats, stems: Mapping[str, str] | None = None) -> bytes:
    """The report as CSV in UTF-8 with a byte-order mark, which Excel needs for Chinese."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    writer.writerows([[spreadsheet_safe(cell) for cell in row] for row in table_rows(stats, stems)])
    writer.writerow([])
    for line in summary_lines(bank, stats):
        writer.writerow([spreadsheet_safe(line)])
    return "\ufeff".encode() + buffer.getvalue().encode("utf-8")


#: First characters that make a spreadsheet cell a formula (OWASP "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[-+]?\d+(?:\.\d+)?%?")


def spreadsheet_safe(cell: str) -> str:
    """A text cell Excel shows as text: a leading ' when it would start a formula (OWASP).

    A question written ``=HYPERLINK(...)`` must not become a live formula on the desk
    that opens the report; plain numbers (``-0.12``) stay numbers.
    """
    if cell.startswith(FORMULA_STARTS) and not _NUMBER.fullmatch(cell):
        return "'" + cell
    return cell
