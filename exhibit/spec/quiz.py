"""The question-bank model (``quiz/*.yaml``) and its content checks."""

from __future__ import annotations

import string
from typing import Annotated, Literal

from pydantic import Field, field_validator

from exhibit.spec.common import DEFAULT_LANGUAGES, Id, Lang, Model, Positive, Text
from exhibit.spec.errors import Diagnostic, Severity
from exhibit.spec.source import Document

LETTERS = string.ascii_uppercase[:8]  # A..H: at most 8 options
QuestionType = Literal["single", "multiple", "truefalse"]
Status = Literal["draft", "ready", "retired"]


class Question(Model):
    id: Id
    type: QuestionType = "single"
    category: str | None = None
    difficulty: Annotated[int, Field(ge=1, le=5)] = 2
    tags: list[str] = []
    #: the fact the question asks about: questions with the same fact are never drawn
    #: into one session (they would answer each other)
    fact: Id | None = None
    stem: Text
    options: list[Text] | None = None
    answer: str | list[str] | bool
    explanation: Text | None = None
    source: str | None = None
    status: Status = "ready"
    time_limit: Positive | None = None

    @field_validator("tags", mode="before")
    @classmethod
    def _tags_as_text(cls, value: object) -> object:
        # `tags: [1921]` is a year, not a number: keep it as the text the author wrote.
        if isinstance(value, list):
            return [str(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else v for v in value]
        return value

    @field_validator("answer", mode="before")
    @classmethod
    def _answer(cls, value: object) -> object:
        if isinstance(value, str):
            return value.strip().upper() if len(value.strip()) == 1 else value.strip()
        if isinstance(value, list):
            return [v.strip().upper() if isinstance(v, str) else v for v in value]
        return value

    def correct_letters(self) -> tuple[str, ...]:
        """The correct options as letters; for true/false, ``("T",)`` or ``("F",)``."""
        if isinstance(self.answer, bool):
            return ("T",) if self.answer else ("F",)
        if isinstance(self.answer, list):
            return tuple(sorted(self.answer))
        if self.type == "multiple" and len(self.answer) > 1 and self.answer.isalpha():
            return tuple(sorted(self.answer.upper()))  # `answer: AC`, as the checks accept
        return (self.answer,)

    def correct_indices(self) -> tuple[int, ...]:
        if isinstance(self.answer, bool):
            return (0,) if self.answer else (1,)
        return tuple(LETTERS.index(a) for a in self.correct_letters() if a in LETTERS)


class Bank(Model):
    bank: Id | None = None
    title: Text | None = None
    languages: Annotated[list[Lang], Field(min_length=1)] = list(DEFAULT_LANGUAGES)
    questions: list[Question] = []

    def ready(self) -> list[Question]:
        return [q for q in self.questions if q.status == "ready"]

    def question(self, qid: str) -> Question | None:
        return next((q for q in self.questions if q.id == qid), None)


def check_bank(bank: Bank, doc: Document) -> list[Diagnostic]:
    """Content rules that need the whole question (and the whole bank)."""
    out: list[Diagnostic] = []

    def err(where: tuple[str | int, ...], message: str, severity: Severity = Severity.ERROR, key: bool = False) -> None:
        out.append(Diagnostic(severity, message, doc.locate(("questions", *where), key=key)))

    seen: dict[str, int] = {}
    for i, q in enumerate(bank.questions):
        if q.id in seen:
            first = doc.locate(("questions", seen[q.id], "id"))
            err((i, "id"), f"duplicate question id '{q.id}' (first used at line {first.line})")
        else:
            seen[q.id] = i
        n = len(q.options or [])
        if q.type == "truefalse":
            if q.options:
                err((i, "options"), "a truefalse question has no options; remove 'options'", key=True)
            if not isinstance(q.answer, bool):
                err((i, "answer"), f"a truefalse answer is true or false, got '{q.answer}'")
        else:
            if n < 2:
                err(
                    (i, "options") if q.options is not None else (i,),
                    f"a {q.type}-choice question needs 2 to 8 options, got {n}",
                )
            elif n > 8:
                err((i, "options"), f"at most 8 options (A..H), got {n}")
            if n < 2 and not isinstance(q.answer, bool):
                pass  # the options are wrong already; the letters cannot be judged
            elif isinstance(q.answer, bool):
                err((i, "answer"), f"a {q.type}-choice answer is a letter like A, not {str(q.answer).lower()}")
            elif q.type == "single" and isinstance(q.answer, list):
                err((i, "answer"), "a single-choice question has one answer letter; use type: multiple for several")
            else:
                letters = q.answer if isinstance(q.answer, list) else [q.answer]
                if q.type == "multiple" and isinstance(q.answer, str) and len(q.answer) > 1 and q.answer.isalpha():
                    letters = list(q.answer.upper())
                for letter in letters:
                    if not (isinstance(letter, str) and len(letter) == 1 and letter in LETTERS[: max(n, 0)]):
                        valid = f"A..{LETTERS[n - 1]}" if 0 < n <= 8 else "A.."
                        err((i, "answer"), f"answer '{letter}' is not one of the options ({valid})")
                if q.type == "multiple" and len(set(letters)) < 2:
                    err((i, "answer"), "a multiple-choice question needs at least 2 correct options, like [A, C]")
                if len(set(letters)) != len(letters):
                    err((i, "answer"), "the same answer letter is given twice")
            first_with: dict[tuple[str, str], int] = {}
            for j, opt in enumerate(q.options or []):
                for lang in opt.languages or ("*",):
                    text = (opt.get(lang) or "").strip()
                    if (lang, text) in first_with:
                        said = f" ('{text}')" if lang == "*" else f" (same {lang} text '{text}')"
                        err(
                            (i, "options", j),
                            f"option {LETTERS[j]} repeats option {LETTERS[first_with[lang, text]]}{said}",
                        )
                        break
                    first_with[lang, text] = j
        for lang in bank.languages:
            if not q.stem.has(lang):
                err((i, "stem"), f"the stem has no '{lang}' text")
            for j, opt in enumerate(q.options or []):
                if not opt.has(lang):
                    err((i, "options", j), f"option {LETTERS[j]} has no '{lang}' text")
            if q.explanation is not None and not q.explanation.has(lang):
                err((i, "explanation"), f"the explanation has no '{lang}' text", Severity.WARNING)
        if not q.source or not q.source.strip():
            err((i, "id"), f"question '{q.id}' has no 'source'; say where the fact comes from", Severity.WARNING)
        if q.explanation is None:
            err((i, "id"), f"question '{q.id}' has no 'explanation' to show after answering", Severity.WARNING)
    from exhibit.spec.overlap import check_overlap  # overlap reads this module's models

    return out + check_overlap(bank, doc)
