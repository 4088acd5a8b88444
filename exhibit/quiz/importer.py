"""``exhibit quiz import``: foreign question files to a bank YAML that ``exhibit check`` accepts.

The format is chosen by the file's extension (``.gift``, ``.aiken``, ``.csv``, ``.xlsx``;
a ``.txt`` is looked at: ``ANSWER:`` lines mean Aiken, ``{...}`` means GIFT). Each
question read is checked against the bank rules on its own, so one bad item is reported
with its line (or row and column) and every other one is still imported.

Imported text goes in as one string for every language (the bank then accepts it for
both zh and en); translating it is a later, human step.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from exhibit.quiz.aiken import parse_aiken
from exhibit.quiz.draft import Draft, Problem
from exhibit.quiz.gift import parse_gift
from exhibit.quiz.sheet import decode, parse_csv, parse_xlsx
from exhibit.spec.common import ID_PATTERN
from exhibit.spec.errors import Diagnostic, ExhibitError, Location, Severity
from exhibit.spec.quiz import Bank, Question, check_bank
from exhibit.spec.source import Document

FORMATS = ("gift", "aiken", "csv", "xlsx")
_KEY_ORDER = (
    "id",
    "type",
    "category",
    "difficulty",
    "tags",
    "stem",
    "options",
    "answer",
    "explanation",
    "source",
    "status",
    "time_limit",
)


@dataclass(frozen=True)
class ImportResult:
    questions: tuple[dict[str, Any], ...]  # ready to write, keys in bank order
    diagnostics: tuple[Diagnostic, ...]  # one per item that was not imported
    format: str

    @property
    def skipped(self) -> int:
        return sum(d.is_error for d in self.diagnostics)


def detect_format(path: Path, data: bytes) -> str:
    suffix = path.suffix.lower().lstrip(".")
    if suffix in ("gift", "aiken", "csv", "xlsx"):
        return suffix
    if suffix in ("xls", "xlsm"):
        raise ExhibitError(
            f"{path}: save the workbook as .xlsx (Excel 2007 or later) or as CSV UTF-8"
        )
    if suffix in ("txt", "text", ""):
        text = decode(data)
        if re.search(r"^\s*(?:ANSWER|答案)\s*[:：]", text, re.M | re.I):
            return "aiken"
        if "{" in text and "}" in text:
            return "gift"
        raise ExhibitError(
            f"{path}: cannot tell whether this is GIFT or Aiken "
            "(no {...} answers, no ANSWER: lines)"
        )
    raise ExhibitError(
        f"{path}: unknown question file type '.{suffix}'; import .gift, .txt (GIFT or Aiken), "
        ".csv or .xlsx"
    )


def import_file(
    path: Path, fmt: str | None = None, *, shown_as: str | None = None, status: str = "ready"
) -> ImportResult:
    """Read a question file; ``shown_as`` is the path printed in messages."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ExhibitError(f"cannot read {path}: {exc.strerror}") from None
    fmt = fmt or detect_format(path, data)
    if fmt == "gift":
        drafts, problems = parse_gift(decode(data))
    elif fmt == "aiken":
        drafts, problems = parse_aiken(decode(data))
    elif fmt == "csv":
        drafts, problems = parse_csv(data)
    elif fmt == "xlsx":
        drafts, problems = parse_xlsx(path)
    else:
        raise ExhibitError(f"unknown format '{fmt}'; use one of: {', '.join(FORMATS)}")
    return finish(drafts, problems, shown_as or str(path), fmt, status)


def finish(
    drafts: list[Draft], problems: list[Problem], where: str, fmt: str, status: str = "ready"
) -> ImportResult:
    """Give drafts ids, check each against the bank rules, collect what is wrong."""
    diagnostics = [
        Diagnostic(Severity.ERROR, p.message, Location(where, p.line, p.column)) for p in problems
    ]
    questions: list[dict[str, Any]] = []
    used: set[str] = set()
    for number, draft in enumerate(drafts, start=1):
        control = _control_character(draft.fields)
        if control is not None:
            name, char = control
            diagnostics.append(
                Diagnostic(
                    Severity.ERROR,
                    f"{name}: holds the control character U+{ord(char):04X}, which no question text may hold; "
                    "remove it from the file",
                    Location(where, draft.line, draft.columns.get(name, draft.column)),
                )
            )
            continue
        qid = _unique_id(draft.title, number, used)
        fields = {"id": qid, **draft.fields}
        fields.setdefault("status", status)
        formula = _formula_field(draft.fields)
        if formula is not None:
            fields["status"] = "draft"
            diagnostics.append(
                Diagnostic(
                    Severity.WARNING,
                    f"{formula}: starts with '{str(draft.fields[formula])[:1]}', which Excel runs as a formula "
                    "when the text is exported; imported as a draft: check the text, then set 'status: ready'",
                    Location(where, draft.line, draft.columns.get(formula, draft.column)),
                )
            )
        try:
            question = Question.model_validate(fields)
        except ValidationError as exc:
            err = exc.errors()[0]
            name = str(err["loc"][0]) if err.get("loc") else ""
            column = draft.columns.get(name, draft.column)
            message = str(err["msg"]).removeprefix("Value error, ")
            diagnostics.append(
                Diagnostic(
                    Severity.ERROR,
                    f"{name}: {message}" if name else message,
                    Location(where, draft.line, column),
                )
            )
            continue
        found = [
            d
            for d in check_bank(Bank(bank="imported", questions=[question]), Document(where, None))
            if d.is_error
        ]
        if found:
            diagnostics.append(
                Diagnostic(
                    Severity.ERROR, found[0].message, Location(where, draft.line, draft.column)
                )
            )
            continue
        used.add(qid)
        questions.append({k: fields[k] for k in _KEY_ORDER if k in fields})
    diagnostics.sort(key=lambda d: d.location.line if d.location else 0)
    return ImportResult(tuple(questions), tuple(diagnostics), fmt)


#: First characters that make a spreadsheet cell a formula (OWASP "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
#: Characters no question text holds: C0 controls but tab and line breaks, DEL, C1 controls.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def _texts(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, (list, tuple)):
        return [t for item in value for t in _texts(item)]
    return []


def _control_character(fields: dict[str, Any]) -> tuple[str, str] | None:
    """The first field holding a control character, and the character."""
    for name, value in fields.items():
        for text in _texts(value):
            found = _CONTROL.search(text)
            if found:
                return name, found.group(0)
    return None


def _formula_field(fields: dict[str, Any]) -> str | None:
    """The stem, an option or the explanation when it would start a spreadsheet formula."""
    for name in ("stem", "options", "explanation"):
        if any(text.startswith(FORMULA_STARTS) for text in _texts(fields.get(name))):
            return name
    return None


def _unique_id(title: str | None, number: int, used: set[str]) -> str:
    base = ""
    if title:
        base = re.sub(r"[^a-z0-9]+", "_", title.strip().lower()).strip("_")
        if base and not base[0].isalpha():
            base = f"q_{base}"
    if not base or not re.match(ID_PATTERN, base):
        base = f"q{number:03d}"
    qid, n = base, 2
    while qid in used:
        qid = f"{base}_{n}"
        n += 1
    return qid


def to_yaml(result: ImportResult, bank: str | None, source: str) -> str:
    """The bank file: a comment saying where it came from, then ``bank`` and ``questions``."""
    head = (
        f"# Imported from {source} ({result.format}) by 'exhibit quiz import'.\n"
        "# Check every question, add a source and translations, then run 'exhibit check'.\n"
    )
    data: dict[str, Any] = {}
    if bank and re.match(ID_PATTERN, bank):
        data["bank"] = bank
    data["questions"] = list(result.questions)
    body = yaml.safe_dump(
        data, allow_unicode=True, sort_keys=False, default_flow_style=False, width=1000
    )
    return head + body
