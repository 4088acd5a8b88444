"""Every bundled scene in Korean: its captions are Hangul on screen, in a font that has it.

The scenes are rendered as they are bundled (``scenes/``, estimated timings) at the
middle of the first narration caption; the caption box must hold letters, and they must
be other shapes than the same caption drawn in the Chinese font, which has no Hangul and
draws every syllable as the same missing-glyph box.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pytest

from exhibit.spec.project import Project
from tests.render.conftest import REPO, frame_at

pytestmark = pytest.mark.needs_display

BUNDLED = Project.at(REPO).scene_names()
HANGUL = re.compile(r"[\uac00-\ud7a3]")
SIZE = (640, 360)


def _caption_box(player: Any, image: np.ndarray) -> np.ndarray:
    left, right, top, bottom = player.overlay.caption_box("bottom")
    h, w, _ = image.shape
    return image[int(top * h) + 2 : int(bottom * h) - 2, int(left * w) + 2 : int(right * w) - 2]


def _ink(box: np.ndarray, shape: tuple[int, int] = (32, 256)) -> np.ndarray:
    """The letters of a caption box (white strokes on the dark box), cut to their extent and
    scaled to ``shape``: two boxes drawn in different fonts compare shape for shape."""
    letters = box.min(axis=2) > 200
    rows, cols = np.nonzero(letters.any(axis=1))[0], np.nonzero(letters.any(axis=0))[0]
    cut = letters[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1]
    pick_r = np.arange(shape[0]) * cut.shape[0] // shape[0]
    pick_c = np.arange(shape[1]) * cut.shape[1] // shape[1]
    return np.asarray(cut[np.ix_(pick_r, pick_c)])


@pytest.mark.parametrize("name", BUNDLED)
def test_a_bundled_scene_in_korean_shows_hangul_captions(app: Any, name: str) -> None:
    from exhibit.render.fonts import cjk_font
    from exhibit.render.player import Player

    player = Player(REPO, display="offscreen", size=SIZE, audio=False, quiz=False, narrate=False,
                    progress=None, app=app)
    try:
        player.load(name, "ko")
        assert "ko" in player.timeline.scene.languages
        caption = next(c for c in player.timeline.captions if c.position == "bottom")
        image = frame_at(player, (caption.start + caption.end) / 2)
        shown = player.overlay.shown()["captions"]["bottom"]
        assert len(HANGUL.findall(shown)) >= 3, shown
        assert all(len(line) <= 16 for line in shown.splitlines()), shown  # Korean lines: 16 at most
        slot = player.overlay.slots["bottom"].text
        assert slot.getFont().getName() == cjk_font(lang="ko").getName()
        korean = _caption_box(player, image)
        letters = korean.min(axis=2) > 200  # white strokes on the dark box
        assert 0.02 < letters.mean() < 0.6, letters.mean()

        slot.setFont(cjk_font())  # the Chinese font: boxes for Hangul
        boxes = _caption_box(player, frame_at(player, (caption.start + caption.end) / 2))
        assert slot.getFont().getName() == cjk_font().getName()
        differs = (_ink(korean) != _ink(boxes)).mean()
        assert differs > 0.05, "Hangul is drawn as glyphs, not as the missing-glyph box"
    finally:
        player.close()
