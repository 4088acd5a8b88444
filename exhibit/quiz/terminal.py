"""``exhibit quiz play --text``: a quiz in the terminal, for staff checking a bank.

Each question is printed with lettered options; the answer is one line on stdin: a
letter (``A``), letters (``AC``, ``A,C``) or ``T``/``F`` (对/错 too). Anything unreadable
is asked again, never a crash; the score comes at the end (also when stdin ends early).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TextIO

from exhibit.quiz.phrases import phrase
from exhibit.quiz.session import Feedback, Presented, QuizSession
from exhibit.quiz.spelling import parse_letters, parse_truth


def read_answer(presented: Presented, text: str) -> tuple[int, ...] | None:
    """Shown positions for a typed answer, or None when it cannot be read."""
    if presented.kind == "truefalse":
        truth = parse_truth(text)
        return None if truth is None else ((0,) if truth else (1,))
    letters = parse_letters(text, len(presented.order))
    if letters is None or (not presented.multiple and len(letters) != 1):
        return None
    return tuple(ord(ch) - ord("A") for ch in letters)


def show_question(presented: Presented, total: int, lang: str, out: TextIO) -> None:
    kind = phrase(f"kind_{presented.kind}", lang)
    out.write(f"\n[{presented.position + 1}/{total}] {kind}\n{presented.stem(lang)}\n")
    for letter, text in zip(presented.letters(), presented.options(lang), strict=True):
        out.write(f"  {letter}. {text}\n")


def show_feedback(feedback: Feedback, lang: str, out: TextIO) -> None:
    if feedback.correct:
        head = f"{phrase('correct', lang)} {phrase('points', lang, points=feedback.points)}"
    elif feedback.credit > 0:
        head = f"{phrase('partly', lang)} {phrase('points', lang, points=feedback.points)}"
    else:
        head = phrase("wrong", lang)
    out.write(f"{head}  {phrase('answer_is', lang, letters=feedback.answer_letters())}\n")
    if feedback.explanation is not None:
        out.write(phrase("explanation", lang, text=feedback.explanation.get(lang) or "") + "\n")


def play_text(session: QuizSession, lines: Iterator[str], out: TextIO, lang: str) -> int:
    """Run the session on text streams; returns the score."""
    total = len(session.questions)
    while (presented := session.current) is not None:
        show_question(presented, total, lang, out)
        session.show()
        chosen: tuple[int, ...] | None = None
        while chosen is None:
            out.write(f"{phrase(f'ask_{presented.kind}', lang)} > ")
            out.flush()
            line = next(lines, None)
            if line is None:  # stdin ended: stop here, with the score so far
                out.write("\n")
                _final(session, lang, out)
                return session.score
            chosen = read_answer(presented, line)
            if chosen is None:
                out.write(phrase("unreadable", lang, text=line.strip()) + "\n")
        show_feedback(session.answer(chosen, None), lang, out)
        session.advance()
    _final(session, lang, out)
    return session.score


def _final(session: QuizSession, lang: str, out: TextIO) -> None:
    session.finish()  # stored like a kiosk's round when the session has a sink
    out.write(
        "\n"
        + phrase(
            "final_score",
            lang,
            correct=session.correct_count,
            total=len(session.questions),
            score=session.score,
            max_score=session.max_score,
        )
        + "\n"
    )
    out.flush()
