"""The bundled question bank in Korean: every ko string has its glyphs in the kiosk's Korean
font, the kiosk's ko question screen draws Hangul (not the boxes of the Chinese font), and
every question, option and explanation is broken between words at the kiosk's widths.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from exhibit.preflight.glyphs import coverage_findings
from exhibit.preflight.report import Status
from exhibit.spec.project import Project
from exhibit.spec.quiz import Bank

pytest.importorskip("panda3d")

from exhibit.render.fonts import cjk_font, font_choice  # noqa: E402
from exhibit.render.typeset import fit  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
BANK = REPO / "quiz" / "party_history.yaml"
HANGUL = re.compile(r"[\uac00-\ud7a3]")
SIZE = (960, 540)


@pytest.fixture(scope="module")
def bank() -> Bank:
    loaded = Project.at(REPO).load_bank(BANK)
    assert loaded.model is not None
    return loaded.model


def korean_strings(bank: Bank) -> Iterator[tuple[str, str, str]]:
    """(question id, what, ko text) for every visitor-facing string of the bank."""
    assert bank.title is not None
    yield "", "title", bank.title.get("ko", fallback=False) or ""
    for q in bank.questions:
        yield q.id, "stem", q.stem.get("ko", fallback=False) or ""
        for i, option in enumerate(q.options or []):
            yield q.id, f"option {'ABCDEFGH'[i]}", option.get("ko", fallback=False) or ""
        if q.explanation is not None:
            yield q.id, "explanation", q.explanation.get("ko", fallback=False) or ""


def test_every_question_is_in_korean(bank: Bank) -> None:
    assert "ko" in bank.languages
    strings = list(korean_strings(bank))
    assert len(strings) == 782  # the title and 781 strings of 154 questions
    assert [(qid, what) for qid, what, text in strings if not HANGUL.search(text)] == []


def test_the_kiosk_korean_font_has_every_character_of_the_bank() -> None:
    path, face = font_choice(lang="ko")
    found = coverage_findings(Project.at(REPO), ["ko"], path, face, [BANK])
    assert [(f.status, f.message) for f in found] == [(Status.PASS, f"the font {path.name} has every character in ko")]
    # the Chinese font, which has no Hangul, would draw the same strings as boxes
    chinese, chinese_face = font_choice()
    boxes = coverage_findings(Project.at(REPO), ["ko"], chinese, chinese_face, [BANK])
    assert [f.status for f in boxes] == [Status.FAIL]
    assert boxes[0].message.startswith("782 string(s) use characters the font")


def lines_of_whole_words(text: str, lines: tuple[str, ...]) -> bool:
    words = text.split()
    return all(part in words for line in lines for part in line.split(" "))


def test_each_korean_string_is_broken_between_words_at_the_kiosk_widths(bank: Bank) -> None:
    font = cjk_font(lang="ko")
    ratio = SIZE[0] / SIZE[1]
    margin = 0.12
    # (width, height, scale) of the question line, an answer button and the explanation
    boxes = {
        "stem": (2 * ratio - 2 * margin - 0.5, float("inf"), 0.078),
        "option": (2 * ratio - 2 * margin - 0.08, 0.13, 0.062),
        "explanation": (2 * ratio - 2 * margin - 0.9, float("inf"), 0.055),
    }
    broken = 0
    for qid, what, text in korean_strings(bank):
        kind = what.split(" ")[0]
        if kind not in boxes:
            continue
        width, height, scale = boxes[kind]
        fitted = fit(font, text, width, height, scale)
        assert lines_of_whole_words(text, fitted.lines), (qid, what, fitted.lines)
        assert " ".join(fitted.lines) == text, (qid, what, fitted.lines)
        broken += len(fitted.lines) > 1
    assert broken >= 20  # the long ones do take several lines


@pytest.fixture
def korean_kiosk(app: Any, bank: Bank) -> Iterator[Any]:
    """``korean_kiosk(font)``: the bundled bank's kiosk started in Korean, on its first question."""
    from exhibit.quiz.kiosk import Kiosk, KioskSettings
    from exhibit.render.kiosk import KioskView

    made: list[Any] = []

    def make(font: Any = None) -> Any:
        kiosk = Kiosk(bank, KioskSettings(languages=("ko", "zh")), None, rng=random.Random(7), now=0.0)
        view = KioskView(app, kiosk, size=SIZE, clock=lambda: 0.0, capture=True, font=font)
        made.append(view)
        assert view.click_button("start:ko")
        view.sync()
        return view

    yield make
    for view in made:
        view.destroy()


def test_the_kiosk_question_screen_shows_the_bundled_question_in_hangul(korean_kiosk: Any) -> None:
    view = korean_kiosk()
    boxes = korean_kiosk(cjk_font())  # the Chinese font forced: every syllable the same box
    current = view.kiosk.round.session.current
    assert current is not None
    question = current.question
    stem = question.stem.get("ko", fallback=False)
    assert stem and HANGUL.search(stem)
    assert stem in view.texts()
    options = {o.get("ko", fallback=False) for o in question.options or []}
    labels = {b.label.split(". ", 1)[1] for b in view.buttons() if b.role == "option"}  # "A. 1921년"
    assert labels == options or question.type == "truefalse"
    images = []
    for v in (view, boxes):
        v.render()
        v.render()
        image = np.asarray(v.pixels(), dtype=np.int32)
        images.append(image[int(0.15 * SIZE[1]) : int(0.30 * SIZE[1])])  # the question line
    ink = images[0].min(axis=2) > 200  # white strokes on the red page
    assert 0.01 < ink.mean() < 0.5, "the question leaves ink"
    assert (images[0] != images[1]).any(axis=2).mean() > 0.01, "Hangul, not the Chinese font's boxes"
