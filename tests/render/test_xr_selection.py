"""Hotspots and choices in a headset: looking at one for 1.5 s or pressing the trigger selects it.

The headset is XrDisplays with a stand-in runtime (no OpenXR needed); the test turns the
visitor's head itself, as the runtime's pose would, and reads what the operator's mirror shows,
what the player recorded for the journal, and where the show went.
"""

from __future__ import annotations

import time
from typing import Any

import pytest

from exhibit.render.xr.interaction import DWELL_SECONDS
from tests.render.conftest import project_with
from tests.render.test_hotspots import HOTSPOT, card_share
from tests.render.test_xr_display import RecordingSession

pytestmark = pytest.mark.needs_display

CHOOSY = HOTSPOT + """
    cues:
      - at: 2
        do: choice
        id: pick
        timeout: 12
        default: 2
        options: [{label: Stay, goto: 17}, {label: More, goto: 15}]
"""


class StillRuntime(RecordingSession):
    """A runtime that leaves the head where the test turns it (no pose of its own)."""

    def begin_frame(self) -> None:
        self.calls.append(("begin",))
        return None


def in_headset(app: Any, make_player: Any, tmp_path: Any, scene: str = CHOOSY) -> tuple[Any, StillRuntime]:
    from exhibit.render.xr.display import XrDisplays

    player = make_player(project_with(tmp_path, scene, "choosy"), audio=False, narrate=False)
    runtime = StillRuntime()
    player.swap_displays(lambda: XrDisplays(app, player.rig, size=(320, 352), session=lambda: runtime))
    assert player.headset
    player.load("choosy", "en")
    player.enable_hotspots()
    return player, runtime


def look_at(player: Any, point: Any) -> None:
    player.rig.head.lookAt(player.rig.world_root, point)


def boat_centre(player: Any) -> Any:
    low, high = player.world.nodes["boat"].getTightBounds(player.rig.world_root)
    return (low + high) / 2


def steps_until(player: Any, done: Any, seconds: float) -> float:
    """Frames until ``done()`` (or ``seconds`` of real time); the real time it took."""
    start = time.monotonic()
    while not done() and time.monotonic() - start < seconds:
        player.step()
    return time.monotonic() - start


def test_looking_at_the_boat_opens_its_card_in_the_hall_and_the_trigger_closes_it(
    app: Any, make_player: Any, tmp_path: Any
) -> None:
    player, runtime = in_headset(app, make_player, tmp_path, HOTSPOT)  # no choice in the way
    host = player.hotspots
    player.play(1.0)
    player.step()
    look_at(player, boat_centre(player))
    capture = player.displays.capture()
    player.step()
    assert card_share(capture.pixels("RGB")) < 0.01  # the mirror shows the scene, no card
    assert host.hovered == "boat"  # the gold dot marks what the visitor looks at
    took = steps_until(player, lambda: host.card is not None, DWELL_SECONDS + 2)
    assert host.card is not None and host.card.texts[:1] == ["The Red Boat"]
    assert took >= DWELL_SECONDS - 0.25  # a glance does not open it: the dwell does
    [visit] = player.take_visits()
    assert (visit["event"], visit["object"], visit["origin"], visit["display"]) == ("hotspot", "boat", "gaze", "xr")
    assert player.status == "paused"  # the boat's card pauses the show
    # The card hangs in the hall where the visitor looked: turning the head leaves it there.
    where = host.card.root.getPos(player.rig.world_root)
    player.rig.head.setH(player.rig.head.getH() + 30)
    player.step()
    assert (host.card.root.getPos(player.rig.world_root) - where).length() < 1e-4
    look_at(player, boat_centre(player))
    player.step()
    assert card_share(capture.pixels("RGB")) > 0.2  # the mirror (the left eye) shows the card
    # Reading the card (looking at it) does not close it ...
    steps_until(player, lambda: host.card is None, DWELL_SECONDS + 0.5)
    assert host.card is not None and player.take_visits() == []
    # ... the trigger does, and the show goes on.
    runtime.trigger = True
    player.step()
    assert host.card is None and player.status == "playing"
    runtime.trigger = False
    player.step()
    # The trigger on the boat opens its card at once.
    runtime.trigger = True
    player.step()
    assert host.card is not None
    [visit] = player.take_visits()
    assert (visit["object"], visit["origin"], visit["display"]) == ("boat", "trigger", "xr")


def test_looking_at_an_option_takes_it_and_the_show_goes_on_from_its_goto(
    app: Any, make_player: Any, tmp_path: Any
) -> None:
    from panda3d.core import Point3

    player, runtime = in_headset(app, make_player, tmp_path)
    player.play(2.2)
    player.step()
    panel = player.choices.panel
    assert panel is not None
    assert panel.root.getParent().getParent() == player.rig.origin  # fixed in the hall, not on the head
    left, right, bottom, top = panel.rows[1]
    more = player.rig.world_root.getRelativePoint(panel.root, Point3((left + right) / 2, 0, (bottom + top) / 2))
    look_at(player, more)
    took = steps_until(player, lambda: player.t > 10, DWELL_SECONDS + 2)
    assert player.t == pytest.approx(15, abs=0.5)  # option 2, "More": on from 15 s
    assert took >= DWELL_SECONDS - 0.25
    [visit] = player.take_visits()
    assert (visit["event"], visit["choice"], visit["option"], visit["origin"], visit["display"]) == (
        "choice",
        "pick",
        2,
        "gaze",
        "xr",
    )
    player.step()
    assert player.choices.panel is None  # the next frame, past the offer, takes the panel down


def test_the_trigger_takes_the_option_looked_at_and_a_quiz_gives_the_select_back(
    app: Any, make_player: Any, tmp_path: Any
) -> None:
    from panda3d.core import Point3

    from exhibit.render.xr.quiz import stop_pointing

    player, runtime = in_headset(app, make_player, tmp_path)
    player.play(2.2)
    player.step()
    panel = player.choices.panel
    displays = player.displays
    # A quiz held the select for a while (its panel's buttons), then gave it back.
    displays.set_targets(lambda: [], lambda select: None)
    stop_pointing(displays)
    left, right, bottom, top = panel.rows[0]
    stay = player.rig.world_root.getRelativePoint(panel.root, Point3((left + right) / 2, 0, (bottom + top) / 2))
    look_at(player, stay)
    player.step()
    runtime.trigger = True
    player.step()
    [visit] = player.take_visits()
    assert (visit["option"], visit["origin"], visit["display"]) == (1, "trigger", "xr")
    assert player.t == pytest.approx(17, abs=0.3)  # option 1, "Stay": on from 17 s
