"""Korean as Korean: Hangul is drawn in a font that has it (captions, kiosk), never as boxes.

Noto Sans SC, the CJK font, has no Hangul: each syllable would be the missing-glyph box.
The Korean font (Debian's fonts-nanum, or the Korean face of fonts-noto-cjk) is chosen
for Korean text.
"""

from __future__ import annotations

import random
import textwrap
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from tests.render.conftest import frame_at, project_with
from tests.render.conftest_world import WorldView

pytest.importorskip("panda3d")

from panda3d.core import TextNode  # noqa: E402

from exhibit.render.fonts import cjk_font, font_choice, font_for_text  # noqa: E402

MISSING = "\U000f0000"  # a private-use plane code point no font here draws
KOREAN_SCENE = """
    title: {zh: 测试, ko: 시험}
    languages: [zh, ko]
    environment:
      sky: {zenith: "#dfe6ee", horizon: "#f4f4f0"}
    objects:
      boat: {kind: red_boat, pos: [0, 30, 0], hpr: [90, 0, 0], length: 16}
    camera:
      keys:
        - {at: 0, pos: [0, 0, 3], look_at: [0, 30, 1]}
    narration:
      - id: intro
        at: 1
        text: {zh: 南湖的游船静静地停在湖面上。, ko: 남호의 배가 호수 위에 조용히 떠 있습니다.}
"""


@pytest.fixture(scope="module")
def view() -> Any:
    v = WorldView((160, 160))
    yield v
    v.close()


def ink(view: WorldView, text: str, font: Any) -> np.ndarray:
    node = TextNode("probe")
    node.setFont(font)
    node.setAlign(TextNode.ACenter)
    node.setTextColor(1, 1, 1, 1)
    node.setText(text)
    card = view.root.attachNewNode(node)
    card.setPos(0, 10, -0.35)
    view.place((0.0, 0.0, 0.0), (0.0, 0.0, 0.0), 10.0)
    try:
        return np.asarray(view.frame().max(axis=2) > 128)
    finally:
        card.removeNode()


def test_korean_text_gets_a_font_with_hangul() -> None:
    from exhibit.preflight.glyphs import font_characters

    path, face = font_choice(lang="ko")
    have = font_characters(path, face)
    assert all(ord(ch) in have for ch in "한국어 안녕하세요 당사 지식 퀴즈"), path
    assert font_for_text("한국어") is cjk_font(lang="ko")
    assert font_for_text("中文 and English") is cjk_font(), "other text keeps the CJK font"


def test_hangul_is_drawn_as_glyphs_not_boxes(view: WorldView) -> None:
    box = ink(view, MISSING, font_for_text("한"))
    han = ink(view, "한", font_for_text("한"))
    guk = ink(view, "국", font_for_text("국"))
    assert han.mean() > 0.01 and guk.mean() > 0.01, "both syllables leave ink"
    assert (han != box).mean() > 0.01, "한 must not be drawn as the missing-glyph box"
    assert (han != guk).mean() > 0.01, "different syllables, different shapes"
    from exhibit.preflight.glyphs import font_characters

    if ord("한") not in font_characters(*font_choice()):  # the Chinese font alone: both are the same box
        assert (ink(view, "한", cjk_font()) != ink(view, "국", cjk_font())).mean() < 0.001


def test_a_korean_caption_is_split_by_korean_rules_and_drawn_in_hangul(make_player: Any, tmp_path: Path) -> None:
    player = make_player(project_with(tmp_path, KOREAN_SCENE), audio=False, size=(640, 360))
    player.load("still_life", "ko")
    caption = player.timeline.captions[0]
    image = frame_at(player, (caption.start + caption.end) / 2)
    shown = player.overlay.shown()["captions"]["bottom"]
    assert "남호의" in shown
    assert all(len(line) <= 16 for line in shown.splitlines()), shown  # Korean lines: at most 16 characters
    assert player.overlay.slots["bottom"].text.getFont().getName() == cjk_font(lang="ko").getName()
    left, right, top, bottom = player.overlay.caption_box("bottom")
    h, w, _ = image.shape
    box = image[int(top * h) + 2 : int(bottom * h) - 2, int(left * w) + 2 : int(right * w) - 2]
    letters = box.min(axis=2) > 200  # white strokes on the dark box
    assert 0.03 < letters.mean() < 0.6


def _korean_kiosk(app: Any, tmp_path: Path, font: Any = None) -> Any:
    from exhibit.quiz.banks import load_bank
    from exhibit.quiz.kiosk import Kiosk, KioskSettings
    from exhibit.render.kiosk import KioskView
    from exhibit.spec.project import Project
    from tests.quiz.banks import BANK_YAML, write_project

    bank_yaml = BANK_YAML.replace("title: {zh: 测试题库, en: Test bank}", "title: {zh: 测试题库, ko: 시험 문제}")
    root = write_project(tmp_path / "content", textwrap.dedent(bank_yaml))
    bank = load_bank(Project.at(root), "demo")
    kiosk = Kiosk(bank, KioskSettings(languages=("ko", "zh")), None, rng=random.Random(4), now=0.0)
    return KioskView(app, kiosk, size=(960, 540), clock=lambda: 0.0, capture=True, font=font)


def test_the_kiosk_speaks_korean_in_hangul(app: Any, tmp_path: Path) -> None:
    view = _korean_kiosk(app, tmp_path)
    boxes = _korean_kiosk(app, tmp_path / "b", font=cjk_font())  # the Chinese font forced: boxes
    try:
        assert view.texts()[:2] == ["시험 문제", "아래 버튼을 눌러 퀴즈를 시작하세요"]
        assert [b.label for b in view.buttons()][:2] == ["시작", "开始答题"]
        images = []
        for v in (view, boxes):
            v.render()
            v.render()
            images.append(np.asarray(v.pixels(), dtype=np.int32)[40:200])  # the title and the invitation
        drawn = (images[0] != images[1]).any(axis=2).mean()
        assert drawn > 0.01, "the Korean font draws other shapes than the boxes of the Chinese one"
    finally:
        view.destroy()
        boxes.destroy()
