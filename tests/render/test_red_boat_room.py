"""What a visitor sees of the red boat scene's new moments, rendered as bundled
(``scenes/nanhu_red_boat.yaml``, estimated timings, the slogan boards made by
``scripts/make-media``): the choice panel while it is offered, in the visitor's language
and a font that has it, and the history room's boards, one slogan after the other."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest

from tests.render.conftest import REPO, frame_at

pytestmark = pytest.mark.needs_display

SIZE = (640, 360)
BOARD = (-300.0, -240.0, 3.0)  # the boards' centre in the scene


@pytest.fixture(scope="module", params=["zh", "ko"])
def player(app: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    from exhibit.render.player import Player

    made = Player(REPO, display="offscreen", size=SIZE, audio=False, quiz=False, narrate=False, progress=None, app=app)
    made.load("nanhu_red_boat", request.param)
    yield made
    made.close()


def on_screen(player: Any, point: tuple[float, float, float]) -> tuple[float, float]:
    """Where a scene point shows in the mono view (-1..1 across and up); it must be in view."""
    from panda3d.core import Point2, Point3

    cam = player.rig.eyes["mono"]
    out = Point2()
    assert cam.node().getLens().project(cam.getRelativePoint(player.scene_root, Point3(*point)), out)
    return out[0], out[1]


def board_patch(player: Any, image: np.ndarray) -> np.ndarray:
    """The pixels around the boards' centre (a 4 m board 7.5 m from the camera)."""
    out = on_screen(player, BOARD)
    w, h = SIZE
    x, y = int((out[0] + 1) / 2 * (w - 1)), int((1 - out[1]) / 2 * (h - 1))
    return image[y - 30 : y + 30, x - 120 : x + 120].astype(int)


def red_and_gold(patch: np.ndarray) -> tuple[float, float]:
    r, g, b = patch[..., 0], patch[..., 1], patch[..., 2]
    red = (r > 120) & (g < 80) & (b < 80)
    gold = (r > 180) & (g > 140) & (b < 150) & (r > b + 60)
    return float(red.mean()), float(gold.mean())


def test_the_history_room_shows_one_slogan_board_then_the_other(player: Any) -> None:
    tl = player.timeline
    before = frame_at(player, tl.at("room.start") - 0.5)  # the main story ended in black
    assert before.mean() < 8
    first = board_patch(player, frame_at(player, tl.at("room.start + 4")))
    second = board_patch(player, frame_at(player, tl.at("room_out.start") - 1))
    for patch in (first, second):
        red, gold = red_and_gold(patch)
        assert red > 0.4, f"only {red:.0%} of the board is red"
        assert 0.05 < gold < 0.5, f"{gold:.0%} gold: the slogan's strokes are not on the board"
    plaque = player.scene_root.find("**/board_people_plaque").node()
    text = plaque.getText()
    assert text == tl.scene.objects["board_people"].plaque.text.get(player.show.lang)
    assert all(plaque.hasCharacter(c) for c in text if not c.isspace()), text  # no boxes
    ink_1 = (first[..., 1] > 140) & (first[..., 0] > 180)
    ink_2 = (second[..., 1] > 140) & (second[..., 0] > 180)
    assert (ink_1 != ink_2).mean() > 0.05  # another slogan on the second board


def test_the_choice_panel_is_up_while_offered_and_in_the_visitors_font(player: Any) -> None:
    from exhibit.render.fonts import cjk_font

    tl = player.timeline
    offered = frame_at(player, tl.at("more.start + 3")).astype(int)
    panel = player.choices.panel
    assert panel is not None
    lang = player.show.lang
    assert panel.font is cjk_font(lang=lang)  # Korean: its own font, Hangul and not boxes
    gone = frame_at(player, tl.at("more.end + 0.2")).astype(int)
    assert player.choices.panel is None
    h, w, _ = offered.shape
    middle = (slice(h // 3, 2 * h // 3), slice(w // 4, 3 * w // 4))
    assert panel_share(offered[middle]) > 0.1 and panel_share(gone[middle]) < 0.02


def panel_share(image: np.ndarray) -> float:
    """The share of ``image`` in the panel's dark red."""
    r, g = image[..., 0], image[..., 1]
    return float(((r > 50) & (r < 120) & (g < 30)).mean())


def test_a_click_on_the_boat_opens_its_card_in_the_visitors_language(player: Any) -> None:
    from exhibit.render.fonts import cjk_font

    tl = player.timeline
    t = tl.at("founding@founding")  # the camera close to the boat
    frame_at(player, t)
    host = player.enable_hotspots()
    boat = tl.state(t).objects["boat"].pos
    x, y = on_screen(player, (boat[0], boat[1], boat[2] + 1.5))  # the hull and cabin
    assert host.object_at(x, y, player.rig.eyes["mono"]) == "boat"
    host.select("boat")
    try:
        card = host.card
        assert card is not None and card.font is cjk_font(lang=player.show.lang)
        info = tl.scene.objects["boat"].info
        assert info.title.get(player.show.lang) and info.text.get(player.show.lang)
    finally:
        host.close()
