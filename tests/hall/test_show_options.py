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


def test_a_schedule_entry_for_a_group_sets_its_language_description_and_accessible_quiz(tmp_path: Path) -> None:
    hall = copy.deepcopy(HALL)
    hall["languages"] = ["zh", "en"]
    hall["schedule"][0].update({"lang": "en", "audio_description": True, "accessible_quiz": True})
    rig = build(tmp_path, hall)
    playback = rig.control.playback
    assert isinstance(playback, TimelinePlayback)
    rig.advance_to(datetime(2025, 7, 4, 9, 0))
    show = rig.control.show
    assert show is not None and (show.lang, show.audio_description, show.accessible_quiz) == ("en", True, True)
    assert (playback.audio_description, playback.accessible_quiz) == (True, True)
    started = rig.journal("show_start")[-1]
    assert (started["lang"], started["audio_description"], started["accessible_quiz"]) == ("en", True, True)
    assert rig.control.go("beta", "test")  # the operator's GO: the hall's own options
    assert (playback.audio_description, playback.accessible_quiz) == (False, False)
    assert rig.control.go("beta", "test", accessible_quiz=True)
    assert playback.accessible_quiz is True and rig.control.status()["accessible_quiz"] is True
