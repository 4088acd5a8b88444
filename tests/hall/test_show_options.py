"""Options per show: a schedule entry's captions reach the shows it starts."""

from __future__ import annotations

import copy
from datetime import datetime
from pathlib import Path

from exhibit.hall.playback import TimelinePlayback
from exhibit.spec.hall import CaptionSettings
from tests.hall.rig import HALL, build


def test_a_schedule_entrys_captions_go_with_its_shows(tmp_path: Path) -> None:
    hall = copy.deepcopy(HALL)
    hall["schedule"][0]["captions"] = {"size": "XL", "box": "solid", "sounds": True}
    rig = build(tmp_path, hall)
    rig.advance_to(datetime(2025, 7, 4, 8, 59, 30))
    assert rig.control.state == "preshow" and rig.control.pending is not None
    large = CaptionSettings(size="XL", box="solid", sounds=True)
    assert rig.control.pending.captions == large
    rig.advance_to(datetime(2025, 7, 4, 9, 0))
    assert rig.control.show is not None and rig.control.show.captions == large


def test_the_playback_loads_each_show_with_its_captions_and_audio_description(tmp_path: Path) -> None:
    hall = copy.deepcopy(HALL)
    hall["schedule"][0]["captions"] = {"size": "XL", "box": "solid", "sounds": True}
    rig = build(tmp_path, hall)
    playback = rig.control.playback
    assert isinstance(playback, TimelinePlayback)
    rig.advance_to(datetime(2025, 7, 4, 9, 0))
    assert playback.caption_style == CaptionSettings(size="XL", box="solid", sounds=True)
    assert playback.audio_description is False
    assert rig.control.go("beta", "test", audio_description=True)
    assert playback.caption_style is None and playback.audio_description is True  # the hall's captions
    assert rig.control.go("alpha", "test")
    assert playback.audio_description is False
