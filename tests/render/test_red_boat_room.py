"""What a visitor sees of the red boat scene's new moments, rendered as bundled
(``scenes/nanhu_red_boat.yaml``, estimated timings, the slogan boards made by
``scripts/make-media``): the choice panel while it is offered, in the visitor's language
and a font that has it; the history room, a plastered room with a wooden floor whose
north wall holds both slogan boards, the view turning from the first to the second (and
nothing of the room seen from the lake); the boat's card and its cabin's."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest

from tests.render.conftest import REPO, frame_at

pytestmark = pytest.mark.needs_display

SIZE = (640, 360)
FIRST = (-303.0, -240.0, 2.4)  # the boards' centres in the scene, on the room's north wall
SECOND = (-297.0, -240.0, 2.4)
FLOOR = 0.4  # the room's floor
STERN = (0.0, -6.0, 0.7)  # the boat's hull aft of the cabin, in the boat's frame (the camera is astern)


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


def patch(player: Any, image: np.ndarray, point: tuple[float, float, float], across: int, up: int) -> np.ndarray:
    """The pixels round where ``point`` shows: ``across`` and ``up`` pixels either side."""
    out = on_screen(player, point)
    w, h = SIZE
    x, y = int((out[0] + 1) / 2 * (w - 1)), int((1 - out[1]) / 2 * (h - 1))
    return image[y - up : y + up, x - across : x + across].astype(int)


def board_patch(player: Any, image: np.ndarray, board: tuple[float, float, float]) -> np.ndarray:
    """The pixels around a board's centre (a 4 m board about 7.5 m from the camera)."""
    return patch(player, image, board, 120, 30)


def red_and_gold(patch: np.ndarray) -> tuple[float, float]:
    r, g, b = patch[..., 0], patch[..., 1], patch[..., 2]
    red = (r > 120) & (g < 80) & (b < 80)
    gold = (r > 180) & (g > 140) & (b < 150) & (r > b + 60)
    return float(red.mean()), float(gold.mean())


def test_the_history_room_shows_one_slogan_board_then_the_other(player: Any) -> None:
    tl = player.timeline
    before = frame_at(player, tl.at("room.start") - 0.5)  # the main story ended in black
    assert before.mean() < 8
    first = board_patch(player, frame_at(player, tl.at("room.start + 4")), FIRST)
    second = board_patch(player, frame_at(player, tl.at("room_out.start") - 1), SECOND)
    for found in (first, second):
        red, gold = red_and_gold(found)
        assert red > 0.4, f"only {red:.0%} of the board is red"
        assert 0.05 < gold < 0.5, f"{gold:.0%} gold: the slogan's strokes are not on the board"
    plaque = player.scene_root.find("**/board_people_plaque").node()
    text = plaque.getText()
    assert text == tl.scene.objects["board_people"].plaque.text.get(player.show.lang)
    assert all(plaque.hasCharacter(c) for c in text if not c.isspace()), text  # no boxes
    assert abs(on_screen(player, SECOND)[0]) < 0.2  # the view has turned to the second board
    ink_1 = (first[..., 1] > 140) & (first[..., 0] > 180)
    ink_2 = (second[..., 1] > 140) & (second[..., 0] > 180)
    assert (ink_1 != ink_2).mean() > 0.05  # another slogan on the second board


def test_the_boards_hang_in_a_room_with_plaster_walls_a_dado_and_a_wooden_floor(player: Any) -> None:
    tl = player.timeline
    image = frame_at(player, tl.at("room.start + 4"))
    wall = patch(player, image, (-304.0, -240.0, 3.4), 12, 6).reshape(-1, 3).mean(axis=0)  # above the first
    dado = patch(player, image, (-303.0, -240.0, FLOOR + 0.55), 30, 4).reshape(-1, 3).mean(axis=0)
    floor = patch(player, image, (-302.5, -241.0, FLOOR), 30, 4).reshape(-1, 3).mean(axis=0)
    assert wall.mean() > 100 and wall.max() - wall.min() < 60  # pale plaster, lamplit
    assert wall.mean() > dado.mean() + 40 and dado[0] > dado[2] + 10  # a darker wooden band below
    assert floor[0] > floor[1] > floor[2] and floor[0] > floor[2] + 25  # wooden boards
    sky = np.array([0x9A, 0xAB, 0xB8])  # the scene's zenith: closed overhead, no sky behind
    ceiling = patch(player, image, (-302.0, -240.5, FLOOR + 4.0), 30, 3).reshape(-1, 3).mean(axis=0)
    assert np.abs(ceiling - sky).max() > 30 and not (ceiling[2] > ceiling[0])


#: moments of the main story, on the lake
LAKE = ["intro.end", "to_jiaxing@boat", "founding@founding", "spirit.end", "mission@today + 3", "outro.end"]


def test_nothing_of_the_room_is_seen_from_the_lake(player: Any) -> None:
    """The room and its boards are shown only in the segment; even shown, they would lie
    out of the lake's views (behind the opening camera, far across the water)."""
    tl = player.timeline
    world = player.world
    room = ("history_room", "board_mission", "board_people")
    for expr in LAKE:
        t = tl.at(expr)
        plain = frame_at(player, t).astype(int)
        assert all(world.nodes[name].isStashed() for name in room)
        for name in room:
            world.nodes[name].unstash()
        capture = player.displays.capture()
        player.step(t)  # the same state: the world leaves the nodes as they are
        shown = capture.pixels("RGB").astype(int)
        for name in room:
            world.nodes[name].stash()
        assert np.abs(shown - plain).max() == 0, f"the room is seen from the lake at {expr}"


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
    stern = player.scene_root.getRelativePoint(player.world.nodes["boat"], STERN)
    x, y = on_screen(player, (stern[0], stern[1], stern[2]))
    assert host.object_at(x, y, player.rig.eyes["mono"]) == "boat"
    host.select("boat")
    try:
        card = host.card
        assert card is not None and card.font is cjk_font(lang=player.show.lang)
        info = tl.scene.objects["boat"].info
        assert info.title.get(player.show.lang) and info.text.get(player.show.lang)
    finally:
        host.close()


def test_a_click_on_the_cabin_opens_the_cabins_card_and_on_the_stern_the_boats(player: Any) -> None:
    from panda3d.core import Point2, Point3

    tl = player.timeline
    frame_at(player, tl.at("founding@founding"))
    host = player.enable_hotspots()
    camera = player.rig.eyes["mono"]
    boat = player.world.nodes["boat"]

    def at(point: tuple[float, float, float]) -> str | None:
        out = Point2()
        assert camera.node().getLens().project(camera.getRelativePoint(boat, Point3(*point)), out)
        return host.object_at(out[0], out[1], camera)

    assert at((0.0, 0.0, 2.0)) == "cabin"  # the cabin's lattice side
    assert at(STERN) == "boat"
    host.select("cabin")
    try:
        lang = player.show.lang
        assert host.card is not None and host.card.texts[0] == tl.scene.objects["cabin"].info.title.get(lang)
    finally:
        host.close()
