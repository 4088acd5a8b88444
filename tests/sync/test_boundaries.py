"""The sync protocol stands apart from the renderer: the hall serves followers without Panda3D."""

from __future__ import annotations

import json
import subprocess
import sys

LOADED = """
import json, sys
import exhibit.hall.sync, exhibit.sync.clock, exhibit.sync.peer, exhibit.sync.wire
print(json.dumps(sorted(m for m in sys.modules
                        if m.split(".")[0] in ("panda3d", "direct") or m.startswith("exhibit.render"))))
"""


def test_the_hall_master_and_the_protocol_load_neither_panda3d_nor_the_renderer() -> None:
    done = subprocess.run([sys.executable, "-c", LOADED], capture_output=True, text=True, timeout=60, check=True)
    assert json.loads(done.stdout) == []


def test_a_follower_reading_is_the_same_from_the_protocol_package_and_the_player_driver() -> None:
    # exhibit play --follow drives a Player with the protocol's readings: one FollowReading type.
    from exhibit.render.follow import FollowPlayer
    from exhibit.sync.clock import FollowerClock, FollowReading
    from exhibit.sync.wire import StateMessage

    class Recorder:
        def __init__(self) -> None:
            self.show: str | None = None
            self.loaded: list[tuple[str, str | None]] = []

        def load(self, scene: str, lang: str | None = None) -> None:
            self.loaded.append((scene, lang))
            self.show = scene

        def seek(self, t: float, inclusive: bool = False) -> None: ...

        def step(self, t: float | None = None) -> None: ...

    clock = FollowerClock()
    clock.on_state(StateMessage(7, 1, "alpha", "zh", "playing", 100.0, 12.0, 1.0), 40.0)
    player = Recorder()
    reading = FollowPlayer(player, lambda: clock.read(40.0)).frame()
    assert isinstance(reading, FollowReading)
    assert (reading.mode, reading.scene, reading.t) == ("following", "alpha", 12.0)
    assert player.loaded == [("alpha", "zh")]
