"""Hotspots in a window: the collision ray through the view's camera selects the object with
``info``, its card opens (and pauses the show when asked), a second select or the timeout
closes it, and the object under the pointer is drawn brighter."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from exhibit.render.quiz_panel import PANEL_COLOR
from tests.render.conftest import frame_at, project_with

pytestmark = pytest.mark.needs_display

HOTSPOT = """
    languages: [zh, en]
    duration: 20
    objects:
      boat:
        kind: red_boat
        pos: [0, 12, 0]
        info:
          title: {zh: 红船, en: The Red Boat}
          text: {zh: 一九二一年，代表们在这艘船上完成了大会。, en: In 1921 the delegates met on this boat.}
          pause: true
          timeout: 5
      house: {kind: house, pos: [9, 14, 0]}
    camera:
      keys:
        - {at: 0, pos: [0, -6, 2], look_at: boat}
"""


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def card_share(image: np.ndarray) -> float:
    h, w, _ = image.shape
    middle = image[h // 3 : 2 * h // 3, w // 3 : 2 * w // 3].reshape(-1, 3).astype(float)
    return float((np.abs(middle - np.array(PANEL_COLOR[:3]) * 255).max(axis=1) < 12).mean())


def screen_of(player: Any, name: str, camera: Any) -> tuple[float, float]:
    from panda3d.core import Point2, Point3

    node = player.world.nodes[name]
    low, high = node.getTightBounds(camera)
    out = Point2()
    assert camera.node().getLens().project(Point3((low + high) / 2), out)
    return out.x, out.y


def test_a_click_on_the_boat_opens_its_card_paused_and_a_second_select_closes_it(
    make_player: Any, tmp_path: Any
) -> None:
    player = make_player(project_with(tmp_path, HOTSPOT, "hotspot"), audio=False)
    player.load("hotspot", "en")
    host = player.enable_hotspots()
    clock = Clock()
    host.clock = clock
    camera = player.displays.views[0].camera
    before = frame_at(player, 1.0)
    assert host.object_at(*screen_of(player, "boat", camera), camera) == "boat"
    assert host.object_at(*screen_of(player, "house", camera), camera) is None  # no info: not selectable
    assert host.object_at(0.0, 0.95, camera) is None  # the sky
    player.play(1.0)
    host.select("boat")
    assert player.status == "paused"
    [visit] = player.take_visits()
    assert (visit["event"], visit["object"], visit["t"]) == ("hotspot", "boat", pytest.approx(1.0, abs=0.05))
    assert host.card is not None and host.card.texts[:1] == ["The Red Boat"]
    capture = player.displays.capture()
    player.step()
    assert card_share(capture.pixels("RGB")) > 0.2 and card_share(before) < 0.01
    host.click()  # a second select closes the card, and the show goes on
    assert host.card is None and player.status == "playing"
    host.select("boat")
    clock.now += 5.0
    host.tick()
    assert host.card is None and player.status == "playing"  # the timeout closed it


def test_the_hotspot_under_the_pointer_is_marked(make_player: Any, tmp_path: Any) -> None:
    from panda3d.core import Point2

    from exhibit.render.kiosk import GOLD

    player = make_player(project_with(tmp_path, HOTSPOT, "hotspot"), audio=False)
    player.load("hotspot", "en")
    host = player.enable_hotspots()
    camera = player.displays.views[0].camera
    plain = frame_at(player, 1.0)
    host.highlight("boat")
    marked = frame_at(player, 1.0)
    out = Point2()
    assert camera.node().getLens().project(camera.getRelativePoint(host.marker.getParent(), host.marker.getPos()), out)
    h, w, _ = marked.shape
    col, row = int((out.x + 1) / 2 * w), int((1 - out.y) / 2 * h)
    gold = np.array(GOLD[:3]) * 255
    assert np.abs(marked[row, col].astype(float) - gold).max() < 12
    assert np.abs(plain[row, col].astype(float) - gold).max() > 40
    host.highlight(None)
    assert np.abs(frame_at(player, 1.0).astype(float) - plain.astype(float)).mean() < 0.5
