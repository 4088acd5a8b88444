"""Chinese shows as Chinese: the CJK font draws real glyphs, not the missing-glyph box."""

from __future__ import annotations

import numpy as np
import pytest

from tests.render.conftest_world import WorldView

pytest.importorskip("panda3d")

from panda3d.core import TextNode  # noqa: E402

from exhibit.render.fonts import cjk_font, font_choice, font_path  # noqa: E402

MISSING = "\U000f0000"  # a private-use plane code point no font here draws


@pytest.fixture(scope="module")
def view() -> WorldView:
    v = WorldView((160, 160))
    yield v
    v.close()


def glyph_image(view: WorldView, text: str) -> np.ndarray:
    node = TextNode("probe")
    node.setFont(cjk_font())
    node.setAlign(TextNode.ACenter)
    node.setTextColor(1, 1, 1, 1)
    node.setText(text)
    card = view.root.attachNewNode(node)
    card.setPos(0, 10, -0.35)
    view.place((0.0, 0.0, 0.0), (0.0, 0.0, 0.0), 10.0)
    try:
        return view.frame()
    finally:
        card.removeNode()


def ink(image: np.ndarray) -> np.ndarray:
    return image.max(axis=2) > 128


def test_the_font_is_a_real_cjk_font_file() -> None:
    path = font_path()
    assert path.is_file()
    assert path.suffix.lower() in (".otf", ".ttf", ".ttc")
    assert cjk_font() is cjk_font(), "loaded once and shared"
    assert cjk_font().isValid()
    assert font_choice()[0] == path


def test_chinese_glyphs_differ_from_the_missing_glyph_box(view: WorldView) -> None:
    zhong = ink(glyph_image(view, "中"))
    guo = ink(glyph_image(view, "国"))
    box = ink(glyph_image(view, MISSING))
    assert zhong.mean() > 0.01 and guo.mean() > 0.01, "both characters leave ink"
    assert (zhong != box).mean() > 0.01, "中 must not be drawn as the missing-glyph box"
    assert (guo != box).mean() > 0.01
    assert (zhong != guo).mean() > 0.01, "different characters, different shapes"


def test_latin_digits_and_words_have_glyphs_too(view: WorldView) -> None:
    """Captions mix Chinese with years and English: 1921 must not be boxes either."""
    digits = ink(glyph_image(view, "1921"))
    box = ink(glyph_image(view, MISSING * 4))
    assert digits.mean() > 0.005
    assert (digits != box).mean() > 0.01
