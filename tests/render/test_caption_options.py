"""Sound captions on screen (a hall option) and caption options per show."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from exhibit.hall.playback import PlayerPlayback
from exhibit.hall.show import Show
from exhibit.spec.hall import CaptionSettings, Hall
from tests.render.conftest import STILL_LIFE, frame_at, project_with

pytestmark = pytest.mark.needs_display

WINDY = STILL_LIFE.replace(
    "    cues:\n", "    cues:\n      - {at: 1.5, do: effect, effect: wind, duration: 3}\n"
)


def _hall(**captions: Any) -> Hall:
    return Hall.model_validate({"languages": ["en", "zh"], "captions": captions})


def test_sound_captions_show_at_the_top_when_the_hall_asks(make_player: Any, tmp_path: Path) -> None:
    project = project_with(tmp_path, WINDY)
    quiet = make_player(project, hall=_hall(), audio=False, size=(640, 360))
    quiet.load("still_life", "en")
    plain = frame_at(quiet, 2.5)
    assert "top" not in quiet.overlay.shown()["captions"], "off by default (they are in the caption files)"
    player = make_player(project, hall=_hall(sounds=True), audio=False, size=(640, 360))
    player.load("still_life", "en")
    image = frame_at(player, 2.5)
    assert player.overlay.shown()["captions"]["top"] == "[wind rises]"
    left, right, top, bottom = player.overlay.caption_box("top")
    assert bottom < 0.2, "at the top of the picture"
    rows = slice(int(top * 360) + 1, int(bottom * 360))
    changed = np.abs(image.astype(int) - plain.astype(int)).max(axis=2) > 40
    assert changed[rows].mean() > 0.05 and changed[:rows.start].mean() < 0.01
    frame_at(player, 6.0)
    assert "top" not in player.overlay.shown()["captions"], "gone when the wind is"
    player.load("still_life", "zh")
    frame_at(player, 2.5)
    assert player.overlay.shown()["captions"]["top"] == "[风声]"


def test_a_show_can_have_captions_of_its_own(make_player: Any, tmp_path: Path) -> None:
    project = project_with(tmp_path)
    player = make_player(project, hall=_hall(), audio=False, size=(640, 360))
    playback = PlayerPlayback(lambda: player)

    def caption_height(captions: CaptionSettings | None) -> float:
        show = Show(playback, "still_life", "zh", "show")
        show.captions = captions
        show.load()
        caption = player.timeline.captions[0]
        frame_at(player, (caption.start + caption.end) / 2)
        left, right, top, bottom = player.overlay.caption_box("bottom")
        return bottom - top

    usual = caption_height(None)
    large = caption_height(CaptionSettings(size="XL", box="solid"))
    assert player.caption_style.size == "XL"
    assert large == pytest.approx(usual * 1.5, rel=0.1), (usual, large)
    assert caption_height(None) == pytest.approx(usual), "the next show has the hall's again"


def test_a_schedule_entry_names_its_shows_captions() -> None:
    hall = Hall.model_validate(
        {"schedule": [{"from": "09:00", "to": "12:00", "playlist": ["a"], "captions": {"size": "XL", "sounds": True}}]}
    )
    assert hall.schedule[0].captions == CaptionSettings(size="XL", sounds=True)
