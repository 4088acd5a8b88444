"""Soak: a whole day of scheduled shows on an accelerated clock, headless.

Eight simulated hours (09:00-11:30 and 13:30-17:00, a show every 20 minutes, the attract
loop in between) through the hall's own run loop, with effects on the simulator through
the safety layer and motion seats following the camera. Every show must start on time,
memory must not grow after warm-up, and no show may leave its scene behind.
"""

from __future__ import annotations

import gc
import os
import sys
import time
import weakref
from datetime import datetime
from pathlib import Path
from typing import Any

from exhibit.hall.catalogue import Catalogue, Warn
from exhibit.timeline.model import Timeline
from tests.effects.scenes import effect
from tests.hall.rig import build

WARM_UP_SHOWS = 3
GROWTH_LIMIT = 0.05


def rss_bytes() -> int:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def show_scene(name: str, duration: float) -> dict[str, Any]:
    keys = [{"at": 0, "pos": [0, -80, 6], "look_at": [0, 0, 20]},
            {"at": duration * 0.4, "pos": [30, 0, 40], "look_at": [0, 60, 60], "ease": "in_out_cubic"},
            {"at": duration * 0.8, "pos": [-20, 80, 25], "hpr": [180, -10, 0]}]
    cues = [effect(5.0, "wind", 0.6, 40.0, fade=3.0), effect(20.0, "mist", 1.0, 30.0, fade=1.0),
            effect(30.0, "seat", 0.7, duration * 0.6, fade=2.0, follow="camera")]
    cues += [effect(70.0 + k * 0.15, "strobe", 1.0, 0.05) for k in range(40)]  # 6.7 flashes/s asked
    return {"id": name, "languages": ["zh", "en"], "duration": duration, "camera": {"keys": keys}, "cues": cues}


HALL = {
    "hall": "soak_hall",
    "effects": {"wind": {"latency": 0.2}, "mist": {"max_on": 8, "min_off": 20, "latency": 0.5},
                "strobe": {"max_rate": 3}, "seat": {"limits": {"pitch": 8, "roll": 8, "heave": 0.04}}},
    "schedule": [{"from": "09:00", "to": "11:30", "every": 20, "playlist": ["north", "south", "east"]},
                 {"from": "13:30", "to": "17:00", "every": 20, "playlist": ["north", "south", "east"]}],
    "attract": "lobby",
}
SCENES = {"north": show_scene("north", 150.0), "south": show_scene("south", 120.0), "east": show_scene("east", 180.0),
          "lobby": {"id": "lobby", "languages": ["zh"], "duration": 40.0, "cues": [effect(2.0, "wind", 1.0, 30.0)]}}


class TrackingCatalogue(Catalogue):
    """Remembers every timeline it compiles (weakly), to find any a finished show keeps alive."""

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.compiled: list[weakref.ref[Timeline]] = []

    def compile(self, name: str, lang: str | None = None, warn: Warn | None = None) -> Timeline:
        timeline = super().compile(name, lang, warn)
        self.compiled.append(weakref.ref(timeline))
        return timeline


def test_a_day_of_scheduled_shows(tmp_path: Path) -> None:
    rig = build(tmp_path, hall=HALL, scenes=SCENES, start=datetime(2025, 7, 4, 8, 55), frame=0.05, idle_tick=1.0)
    control = rig.control
    tracking = TrackingCatalogue(control.catalogue.project, control.hall)
    control.catalogue = tracking
    control.playback.catalogue = tracking  # type: ignore[attr-defined]

    samples: list[tuple[int, int]] = []  # (rss, allocated blocks) after each show
    write = control.journal.write

    def sampling_write(event: str, **fields: Any) -> dict[str, Any]:
        record = write(event, **fields)
        if event == "show_end":
            gc.collect()
            samples.append((rss_bytes(), sys.getallocatedblocks()))
        return record

    control.journal.write = sampling_write  # type: ignore[method-assign]
    started = time.monotonic()
    control.run(until=datetime(2025, 7, 4, 17, 5))
    wall = time.monotonic() - started

    starts = rig.journal("show_start")
    expected = [s.at.isoformat() for s in control.schedule.slots_on(datetime(2025, 7, 4).date())]
    assert len(expected) == 19
    assert [s["scheduled"] for s in starts] == expected, "every scheduled show, in order"
    assert [s["scene"] for s in starts[:4]] == ["north", "south", "east", "north"]
    late = [s["late_s"] for s in starts]
    assert max(abs(x) for x in late) <= 0.001, f"shows started late: {late}"
    assert rig.journal("show_missed") == []
    assert [e["reason"] for e in rig.journal("show_end")].count("ended") == 19
    assert rig.journal("attract"), "the attract loop ran between shows"

    # The safety layer worked all day: the strobe asked 6.7 flashes/s, the mist 30 s at a time.
    assert rig.host.interventions >= 19 * 2
    assert all(level == 0.0 for level in rig.sim.levels.values()), "everything safe at the end of the day"

    # Memory: after warm-up, no growth beyond 5 %.
    base_rss, base_blocks = samples[WARM_UP_SHOWS - 1]
    peak_rss = max(r for r, _ in samples[WARM_UP_SHOWS:])
    peak_blocks = max(b for _, b in samples[WARM_UP_SHOWS:])
    assert peak_rss <= base_rss * (1 + GROWTH_LIMIT), f"RSS grew from {base_rss} to {peak_rss}"
    assert peak_blocks <= base_blocks * (1 + GROWTH_LIMIT), f"blocks grew from {base_blocks} to {peak_blocks}"

    # No show left its scene behind.
    gc.collect()
    alive = [ref() for ref in tracking.compiled if ref() is not None]
    assert alive == [], f"{len(alive)} of {len(tracking.compiled)} timelines still alive after the day"
    print(f"\nsoak: {len(starts)} shows, {len(tracking.compiled)} compiles, {wall:.1f} s wall, "
          f"rss {base_rss / 1e6:.1f} -> {peak_rss / 1e6:.1f} MB, blocks {base_blocks} -> {peak_blocks}")
