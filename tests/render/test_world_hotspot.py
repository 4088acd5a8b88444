"""The ``hotspot`` kind: an invisible box that is part of an object (a boat's cabin).

Stills show nothing of it; a click through the cabin opens the cabin's card and a click on
the bow the boat's (the nearest, innermost hit wins), also after the boat has drifted,
because the box rides the boat; the gold hover dot stands over the box; in a headset,
looking at the cabin opens its card."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from exhibit.render.hotspots import MARK_ABOVE
from exhibit.render.xr.interaction import DWELL_SECONDS
from tests.render.conftest import frame_at, write_project

pytestmark = pytest.mark.needs_display

BOAT = """
    languages: [zh, en]
    duration: 20
    objects:
      lake: {kind: water, size: [200, 200]}
      boat:
        kind: red_boat
        pos: [0, 12, 0]
        info:
          title: {zh: 红船, en: The Red Boat}
          text: {zh: 一九二一年的游船。, en: A pleasure boat of 1921.}
      house: {kind: house, pos: [-14, 30, 0]}
CABIN
    cues:
      - {at: 0, do: move, target: boat, to: {pos: [4, 15, 0], hpr: [35, 0, 0]}, duration: 10, ease: linear}
    camera:
      keys:
        - {at: 0, pos: [17, 19, 4], look_at: [1, 14, 1.2]}
"""
CABIN = """
      cabin:
        kind: hotspot
        part_of: boat
        pos: [0, -0.4, 1.65]
        size: [3.5, 9, 2.3]
        info:
          title: {zh: 船舱, en: The cabin}
          text: {zh: 大会在船上宣告中国共产党成立。, en: On the boat the congress declared the Party founded.}
"""
CABIN_CENTRE = (0.0, -0.4, 1.65)  # in the boat's frame
BOW = (1.35, 6.0, 0.6)  # on the starboard side of the bow, in the boat's frame


def project(tmp_path: Any) -> Any:
    return write_project(
        tmp_path,
        {"with_cabin": BOAT.replace("CABIN\n", CABIN.lstrip("\n")), "without": BOAT.replace("CABIN\n", "")},
    )


def on_screen(player: Any, node: Any, point: tuple[float, float, float]) -> tuple[float, float]:
    """Where ``point`` (in ``node``'s frame) shows in the window's view (-1..1)."""
    from panda3d.core import Point2, Point3

    camera = player.displays.views[0].camera
    out = Point2()
    assert camera.node().getLens().project(camera.getRelativePoint(node, Point3(*point)), out)
    return out.x, out.y


@pytest.fixture
def player(make_player: Any, tmp_path: Any) -> Any:
    made = make_player(project(tmp_path), audio=False, narrate=False)
    made.load("with_cabin", "en")
    return made


def test_a_click_through_the_cabin_opens_its_card_and_a_click_on_the_bow_the_boats(player: Any) -> None:
    host = player.enable_hotspots()
    camera = player.displays.views[0].camera
    boat = player.world.nodes["boat"]
    seen = []
    for t in (1.0, 9.0):  # before and after the boat's drift and turn
        frame_at(player, t)
        assert host.object_at(*on_screen(player, boat, CABIN_CENTRE), camera) == "cabin"
        assert host.object_at(*on_screen(player, boat, BOW), camera) == "boat"
        seen.append(player.world.nodes["cabin"].getPos(player.world.root))
    state = player.timeline.state(9.0).objects["boat"]
    heading = np.radians(state.hpr[0])
    expected = (
        state.pos[0] - np.sin(heading) * CABIN_CENTRE[1],
        state.pos[1] + np.cos(heading) * CABIN_CENTRE[1],
        state.pos[2] + CABIN_CENTRE[2],
    )
    assert np.allclose(tuple(seen[1]), expected, atol=0.1)  # it rode the boat (and its sway: cm)
    assert (seen[1] - seen[0]).length() > 3.0
    host.select("cabin")
    try:
        assert host.card is not None and host.card.texts[:1] == ["The cabin"]
        [visit] = player.take_visits()
        assert (visit["event"], visit["object"]) == ("hotspot", "cabin")
    finally:
        host.close()


def test_stills_show_nothing_of_the_hotspot(make_player: Any, tmp_path: Any) -> None:
    made = make_player(project(tmp_path), audio=False, narrate=False)
    frames = []
    for name in ("with_cabin", "without"):
        made.load(name, "en")
        frames.append(frame_at(made, 4.0).astype(int))
    assert frames[0].std() > 10  # a boat on the lake is in view
    assert np.abs(frames[0] - frames[1]).max() == 0


def test_the_gold_dot_stands_over_the_cabin_while_it_is_pointed_at(player: Any) -> None:
    from exhibit.render.kiosk import GOLD

    host = player.enable_hotspots()
    plain = frame_at(player, 5.0)
    host.highlight("cabin")
    marked = frame_at(player, 5.0)
    root = player.world.root
    top = root.getRelativePoint(player.world.nodes["boat"], (0.0, -0.4, 1.65 + 2.3 / 2))
    mark = host.marker.getPos(root)
    centre = root.getRelativePoint(player.world.nodes["cabin"], (0, 0, 0))
    assert abs(mark.z - (top.z + MARK_ABOVE)) < 0.1
    assert abs(mark.x - centre.x) < 0.3 and abs(mark.y - centre.y) < 0.3
    x, y = on_screen(player, root, (mark.x, mark.y, mark.z))
    h, w, _ = marked.shape
    col, row = int((x + 1) / 2 * w), int((1 - y) / 2 * h)
    gold = np.array(GOLD[:3]) * 255
    assert np.abs(marked[row, col].astype(float) - gold).max() < 12
    assert np.abs(plain[row, col].astype(float) - gold).max() > 40


def test_looking_at_the_cabin_in_a_headset_opens_its_card(app: Any, make_player: Any, tmp_path: Any) -> None:
    from exhibit.render.xr.display import XrDisplays
    from tests.render.test_xr_selection import StillRuntime, look_at, steps_until

    player = make_player(project(tmp_path), audio=False, narrate=False)
    runtime = StillRuntime()
    player.swap_displays(lambda: XrDisplays(app, player.rig, size=(320, 352), session=lambda: runtime))
    player.load("with_cabin", "en")
    host = player.enable_hotspots()
    player.play(1.0)
    player.step()
    look_at(player, player.rig.world_root.getRelativePoint(player.world.nodes["cabin"], (0, 0, 0)))
    player.step()
    assert host.hovered == "cabin"
    steps_until(player, lambda: host.card is not None, DWELL_SECONDS + 2)
    assert host.card is not None and host.card.name == "cabin"
    [visit] = player.take_visits()
    assert (visit["object"], visit["origin"], visit["display"]) == ("cabin", "gaze", "xr")
