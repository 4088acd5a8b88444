"""Options per show: a schedule entry's captions reach the shows it starts."""

from __future__ import annotations

import copy
from datetime import datetime
from pathlib import Path

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
