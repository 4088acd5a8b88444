"""Captions, titles and fades as a visitor sees them: readable anywhere, Chinese as Chinese."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from exhibit.timeline.frame import CaptionState, TitleState
from tests.render.conftest import STILL_LIFE, frame_at, luminance, project_with

pytestmark = pytest.mark.needs_display


def caption_area(player, position: str = "bottom") -> tuple[slice, slice]:
    """Rows and columns of the caption box in the primary output's pixels."""
    left, right, top, bottom = player.overlay.caption_box(position)
    w, h = player.displays.primary.getXSize(), player.displays.primary.getYSize()
    rows = slice(int(np.ceil(top * h)), int(bottom * h))
    cols = slice(int(np.ceil(left * w)), int(right * w))
    return rows, cols


def caption_rows(player, position: str = "bottom") -> slice:
    return caption_area(player, position)[0]


def test_a_caption_shows_at_the_bottom_while_its_line_is_spoken(make_player, tmp_path):
    player = make_player(project_with(tmp_path), audio=False)
    player.load("still_life", "zh")
    caption = player.timeline.captions[0]
    before = frame_at(player, caption.start - 0.3)
    during = frame_at(player, (caption.start + caption.end) / 2)
    assert player.overlay.shown()["captions"] == {"bottom": caption.text}
    rows = caption_rows(player)
    assert rows.start > 180 * 0.6  # in the lower part of the picture
    changed = np.abs(during.astype(int) - before.astype(int)).max(axis=2) > 40
    assert changed[rows].mean() > 0.15  # the caption box and its letters
    assert changed[: 180 // 2].mean() < 0.01  # nothing else moved: the scene is still


def relative_luminance(rgb: np.ndarray) -> np.ndarray:
    """WCAG 2 relative luminance of sRGB pixels (0..255)."""
    c = rgb.astype(np.float64) / 255
    linear = np.where(c <= 0.03928, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    return linear @ np.array([0.2126, 0.7152, 0.0722])


WCAG_AA = 4.5  # minimum contrast ratio for normal text, WCAG 2.x success criterion 1.4.3


@pytest.mark.parametrize("sky", ["#ffffff", "#000000", "#c8102e"])
def test_captions_are_readable_on_white_black_and_red(make_player, tmp_path, sky):
    scene = STILL_LIFE.replace('zenith: "#dfe6ee", horizon: "#f4f4f0"', f'zenith: "{sky}", horizon: "{sky}"')
    player = make_player(project_with(tmp_path, scene), audio=False, size=(640, 360))
    player.load("still_life", "zh")
    caption = player.timeline.captions[0]
    image = frame_at(player, (caption.start + caption.end) / 2)
    rows, cols = caption_area(player)
    assert cols.stop - cols.start > 100  # a whole caption line of Chinese at 640 px
    lum = relative_luminance(image[rows, cols]).ravel()
    letters = np.sort(lum)[-max(10, lum.size // 50) :].mean()  # the brightest 2 %: letter strokes
    box = np.median(lum)
    assert (letters + 0.05) / (box + 0.05) >= WCAG_AA


def test_a_caption_cue_at_the_top_and_a_title_card(make_player, tmp_path):
    scene = STILL_LIFE.replace(
        "    cues:\n",
        """    cues:
      - at: 0.5
        do: title
        text: {zh: 南湖红船, en: The Red Boat}
        subtitle: {zh: 1921年, en: "1921"}
        duration: 3
      - {at: 0.5, do: caption, text: {zh: 浙江嘉兴, en: Jiaxing}, position: top, duration: 3}
""",
    )
    player = make_player(project_with(tmp_path, scene), audio=False)
    player.load("still_life", "zh")
    plain = frame_at(player, 0.2)
    shown = frame_at(player, 2.0)
    state = player.overlay.shown()
    assert state["captions"]["top"] == "浙江嘉兴"
    assert state["title"] == ("南湖红船", "1921年")
    rows = caption_rows(player, "top")
    assert rows.stop < 180 * 0.3
    diff = np.abs(shown.astype(int) - plain.astype(int)).max(axis=2) > 40
    assert diff[rows].mean() > 0.05
    assert diff[60:120, 100:220].mean() > 0.05  # the title, near the middle


def test_fade_to_black_darkens_the_whole_view(make_player, tmp_path):
    player = make_player(project_with(tmp_path), audio=False)
    player.load("still_life", "zh")
    end = player.timeline.duration
    clear = frame_at(player, end - 2.5)
    black = frame_at(player, end)
    assert luminance(clear).mean() > 100
    assert luminance(black).max() < 8
    half = frame_at(player, end - 1.0)
    assert 0.2 * luminance(clear).mean() < luminance(half).mean() < 0.8 * luminance(clear).mean()


def render_caption(player, text: str) -> np.ndarray:
    """The picture with one bottom caption of ``text``, on the still scene at t = 0.2."""
    capture = player.displays.capture()
    player.step(0.2)
    frame = player.frame
    fake = dataclasses.replace(frame, captions=(CaptionState(text, "bottom", 0.0, 1.0),), title=None)
    player.overlay.apply(fake)
    player.app.render_frame()
    return capture.pixels().copy()


def test_chinese_captions_show_real_glyphs_not_missing_glyph_boxes(make_player, tmp_path):
    player = make_player(project_with(tmp_path), audio=False)
    player.load("still_life", "zh")
    a = render_caption(player, "南湖红船")
    b = render_caption(player, "一大会址")
    missing = render_caption(player, "\U000f0001\U000f0002\U000f0003\U000f0004")  # private use: no font has them
    rows = caption_rows(player)
    assert np.abs(a[rows].astype(int) - b[rows].astype(int)).max(axis=2).mean() > 3, (
        "different Chinese words look the same: the font has no Chinese glyphs"
    )
    assert np.abs(a[rows].astype(int) - missing[rows].astype(int)).max(axis=2).mean() > 3


def test_a_title_fades_with_its_opacity(make_player, tmp_path):
    player = make_player(project_with(tmp_path), audio=False)
    player.load("still_life", "zh")
    capture = player.displays.capture()
    player.step(0.2)
    base = dataclasses.replace(player.frame, captions=())

    def with_title(opacity: float) -> np.ndarray:
        player.overlay.apply(dataclasses.replace(base, title=TitleState("南湖红船", None, opacity, 0, 1)))
        player.app.render_frame()
        return capture.pixels().astype(int)

    none, half, full = with_title(0.0), with_title(0.5), with_title(1.0)
    d_half = np.abs(half - none).sum()
    d_full = np.abs(full - none).sum()
    assert d_full > 0 and 0.3 * d_full < d_half < 0.75 * d_full
