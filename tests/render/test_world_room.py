"""The ``room`` kind: an interior seen from inside, lit by its lamps and not by the sun.

A camera inside a room sees plaster walls over a darker dado band, a wooden floor and a
ceiling; a strong sun outside changes nothing inside (the room is closed); a lamp hung in
it pools warm light on the wall near it."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from tests.render.conftest import frame_at, write_project

pytestmark = pytest.mark.needs_display

ROOM = """
    languages: [zh, en]
    duration: 10
    environment:
      sun: {azimuth: 180, elevation: 30, intensity: SUN}
      ambient: {color: "#b2babd", intensity: 0.5}
      fog: {color: "#d5d8d0", density: 0.02}
    objects:
      ground: {kind: water, size: [100, 100]}
      room: {kind: room, pos: [0, 0, 0.3], size: [8, 6, 3.2]}
      lamp: {kind: light, pos: [1.5, 1.8, 2.6], range: 8, visible: LAMP}
    camera:
      fov: 70
      keys:
        - {at: 0, pos: [0, -2.6, 1.7], look_at: [0, 3, 1.5]}
"""
NORTH = 3.0  # the north wall's y (the room is 6 m deep round y = 0)


def scenes(sun: float, lamp: bool) -> str:
    return ROOM.replace("SUN", str(sun)).replace("LAMP", "true" if lamp else "false")


@pytest.fixture
def player(make_player: Any, tmp_path: Any) -> Any:
    texts = {
        "dim": scenes(1.0, False),
        "bright_sun": scenes(3.0, False),
        "lamp": scenes(1.0, True),
    }
    made = make_player(write_project(tmp_path, texts), audio=False, narrate=False, size=(480, 270))
    return made


def frame_of(player: Any, name: str) -> np.ndarray:
    player.load(name, "en")
    return frame_at(player, 2.0).astype(float)


def pixel(player: Any, image: np.ndarray, point: tuple[float, float, float], r: int = 4) -> np.ndarray:
    """The mean colour round where ``point`` (scene metres) shows."""
    from panda3d.core import Point2, Point3

    camera = player.displays.views[0].camera
    out = Point2()
    assert camera.node().getLens().project(camera.getRelativePoint(player.world.root, Point3(*point)), out)
    h, w, _ = image.shape
    col, row = int((out.x + 1) / 2 * (w - 1)), int((1 - out.y) / 2 * (h - 1))
    return image[row - r : row + r + 1, col - r : col + r + 1].reshape(-1, 3).mean(axis=0)


def test_inside_a_lit_room_the_walls_are_plaster_over_a_dado_and_the_floor_is_wood(player: Any) -> None:
    image = frame_of(player, "lamp")
    plaster = pixel(player, image, (-1.0, NORTH, 2.6))
    dado = pixel(player, image, (-1.0, NORTH, 0.8))
    floor = pixel(player, image, (-1.0, 1.0, 0.3))
    ceiling = pixel(player, image, (-1.0, 2.9, 3.45))
    assert plaster.mean() > dado.mean() + 30  # pale plaster over a darker band
    assert floor[0] > floor[1] > floor[2] and floor[0] > floor[2] + 20  # brown boards
    assert dado[0] > dado[2] + 10  # brown panelling
    assert ceiling.mean() > 40  # a ceiling, not the sky or black
    sky = np.array([0x3A, 0x6E, 0xA5])  # the default zenith: the room is closed overhead
    assert np.abs(ceiling - sky).max() > 40


def test_the_sun_outside_does_not_light_the_room(player: Any) -> None:
    dim = frame_of(player, "dim")
    bright = frame_of(player, "bright_sun")
    assert np.abs(dim - bright).max() <= 2  # nothing of the sun reaches inside


def test_a_lamp_in_the_room_pools_warm_light_on_the_wall_near_it(player: Any) -> None:
    dark = frame_of(player, "dim")
    lit = frame_of(player, "lamp")
    near = (1.5, NORTH, 2.2)
    far = (-3.5, NORTH, 2.2)
    gain_near = pixel(player, lit, near) - pixel(player, dark, near)
    gain_far = pixel(player, lit, far) - pixel(player, dark, far)
    assert gain_near.mean() > 40 and gain_near.mean() > 2 * gain_far.mean()
    assert gain_near[0] > gain_near[2]  # warm: more red than blue
