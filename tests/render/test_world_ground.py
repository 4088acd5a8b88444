"""The ground under a column and a camera: a path is a narrow trodden line on a real
slope, feet stay on it, flags show from the side, and the camera's room is made only in
the ground that is shown while it passes."""

from __future__ import annotations

import numpy as np
import pytest

from tests.render.conftest_world import WorldView, scene_from, timeline_of

pytest.importorskip("panda3d")

from exhibit.render.world import Capabilities, build_world  # noqa: E402
from exhibit.render.world.ground import Heightfield  # noqa: E402
from exhibit.render.world.marchers import Column  # noqa: E402
from exhibit.render.world.terrain import on_triangles, relief  # noqa: E402
from exhibit.render.world.world import World, camera_rooms  # noqa: E402
from exhibit.spec.scene import Scene  # noqa: E402
from tests.render.test_world import red_fraction, view_root  # noqa: E402


@pytest.fixture(scope="module")
def view() -> WorldView:
    v = WorldView((320, 180))
    yield v
    v.close()


# A snow slope climbed by switchbacks 13 m apart, 8 m higher each leg (a 32 degree slope);
# the one walker stands far down the path, out of every view below.
SWITCHBACKS = """
    duration: 30
    environment:
      sky: {zenith: "#94a9bf", horizon: "#e1e6ea"}
      sun: {azimuth: 140, elevation: 40, intensity: 0.9}
      ambient: {color: "#b4c0cc", intensity: 0.5}
    objects:
      slope: {kind: terrain, size: [300, 300], height: 60, roughness: 0.45, seed: 7,
              snowline: -40, color: "#6b655b"}
      column:
        kind: marchers
        count: 1
        speed: 0
        path: [[-30, -40, 10], [30, -27, 18], [-30, -14, 26], [30, -1, 34], [-30, 12, 42]]
    camera:
      keys:
        - {at: 0, pos: [0, -120, 40], look_at: [0, 0, 30]}
"""


def _world(view: WorldView, text: str, caps: Capabilities | None = None) -> tuple[Scene, World]:
    scene = scene_from(text)
    world = build_world(
        scene, view.root, project_root=view_root(), capabilities=caps or view.capabilities
    )
    return scene, world


def _surface(field: Heightfield, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """World z of the terrain's triangles at world points (what is drawn, not bilinear)."""
    lx, ly = field.placement.to_local(x, y)
    return field.placement.z + on_triangles(field.heights, field.xs, field.ys, lx, ly)


def test_feet_stay_on_the_ground_along_switchbacks_on_a_steep_slope(view: WorldView) -> None:
    scene, world = _world(view, SWITCHBACKS)
    try:
        field = world.ground.fields[0]
        column = Column(scene.objects["column"])
        s = np.arange(0.0, column.length, 0.5)
        corner = np.min(np.abs(s[:, None] - column.arc[None, :]), axis=1) < 4.0
        where, _ = column.along(s[~corner])
        gap = where[:, 2] - _surface(field, where[:, 0], where[:, 1])
    finally:
        world.destroy()
    assert np.abs(gap).max() < 0.35, (
        f"walkers' feet should be on the slope, not sunk in or floating: {gap.min():.2f} "
        f"to {gap.max():.2f} m"
    )


def test_the_ground_between_switchbacks_is_a_slope_not_a_staircase(view: WorldView) -> None:
    _, world = _world(view, SWITCHBACKS)
    try:
        field = world.ground.fields[0]
        # up the slope across the inner legs (crossing x = 0 at y = -20.5 and -7.5)
        y = np.arange(-30.0, 0.0, 0.5)
        z = field.sample(np.zeros_like(y), y)
    finally:
        world.destroy()
    rise = np.diff(z) / 0.5
    # the legs climb 8 m per 13 m (0.62): benches cut into the slope would show as level
    # steps (rise near 0) between steep banks (rise over 1)
    assert rise.min() > 0.25, f"no level benches across the slope: min rise {rise.min():.2f}"
    assert rise.max() < 1.0, f"no steep banks above the path: max rise {rise.max():.2f}"


@pytest.mark.parametrize("glsl", [True, False], ids=["glsl", "fixed-function"])
def test_a_path_in_snow_is_a_narrow_trodden_line(view: WorldView, glsl: bool) -> None:
    caps = view.capabilities if glsl else Capabilities(glsl=False, fog=True)
    if glsl and not caps.glsl:
        pytest.skip("this renderer has no GLSL")
    _, world = _world(view, SWITCHBACKS, caps)
    try:
        world.apply(timeline_of(scene_from(SWITCHBACKS)).state(1.0))
        field = world.ground.fields[0]
        # straight down onto the middle of the leg from (-30, -14) to (30, -1), which runs
        # left to right across the picture; 12 m of ground fill the picture's width
        x0, y0 = 0.0, -7.5
        z0 = float(_surface(field, np.array([x0]), np.array([y0]))[0])
        direction = np.array([60.0, 13.0]) / np.hypot(60.0, 13.0)
        heading = float(np.degrees(np.arctan2(-direction[0], direction[1]))) + 90.0
        fov = 2 * np.degrees(np.arctan(6.0 / 20.0))
        view.place((x0, y0, z0 + 20.0), (heading, -90.0, 0.0), fov)
        image = view.frame().astype(float).mean(axis=2)
    finally:
        world.destroy()
    metres_per_px = 12.0 / image.shape[1]
    across = image[:, image.shape[1] // 2 - 20 : image.shape[1] // 2 + 20].mean(axis=1)
    snow = np.median(across)
    darkest = across.min()
    assert snow - darkest > 12, f"the path should show in the snow: {darkest:.0f} vs {snow:.0f}"
    trodden = np.flatnonzero(across < snow - (snow - darkest) / 2)
    width = (trodden.max() - trodden.min() + 1) * metres_per_px
    assert width < 2.2, f"a trodden line a metre or two wide, not a band: {width:.1f} m"
    centre = (trodden.max() + trodden.min()) / 2
    far = np.abs(np.arange(len(across)) - centre) * metres_per_px > 3.0
    assert np.abs(across[far] - snow).max() < 12, "beside the path the snow is untouched"


def test_a_flag_carried_in_the_column_shows_from_the_side(view: WorldView) -> None:
    march = """
        duration: 30
        environment:
          sky: {zenith: "#dfe6ee", horizon: "#f4f4f0"}
          sun: {azimuth: 120, elevation: 40, intensity: 1.0}
        objects:
          column: {kind: marchers, count: 1, speed: 0, path: [[0, 0, 0], [20, 0, 0]]}
    """
    scene, world = _world(view, march)
    try:
        world.apply(timeline_of(scene).state(1.0))
        # the bearer walks along +x, across the picture: the camera looks from the side
        view.look_at((0.0, -7.0, 2.2), (0.0, 0.0, 2.0), 40.0)
        image = view.frame()
    finally:
        world.destroy()
    assert red_fraction(image) > 0.01, "the flag's cloth should face the camera, not its edge"


SWITCH_TO_MARSH = """
    duration: 40
    environment:
      sky: {zenith: "#94a9bf", horizon: "#e1e6ea"}
    objects:
      mountain: {kind: terrain, size: [400, 400], height: 120, roughness: 0.5, seed: 11}
      marsh: {kind: terrain, size: [400, 400], height: 3, roughness: 0.3, seed: 12,
              visible: false}
    camera:
      keys:
        - {at: 0, pos: [0, -150, 160], look_at: [0, 0, 60]}
        - {at: 10, pos: [0, -150, 160], look_at: [0, 0, 60]}
        - {at: 10.5, pos: [0, 0, 4], look_at: [0, 100, 2], ease: linear}
        - {at: 40, pos: [20, 20, 4], look_at: [0, 100, 2]}
    cues:
      - {id: dark, at: 9, do: fade, to: black, duration: 1}
      - {at: dark.end, do: hide, target: mountain, fade: 0.2}
      - {at: dark.end, do: show, target: marsh, fade: 0.2}
      - {at: dark.end + 1, do: fade, to: clear, duration: 1}
"""


def test_the_camera_makes_room_only_in_the_ground_shown_while_it_passes(
    view: WorldView,
) -> None:
    scene = scene_from(SWITCH_TO_MARSH)
    rooms = camera_rooms(scene)
    assert rooms["marsh"], "the marsh makes room for the camera walking over it"
    assert all(room.z > 100 for room in rooms["mountain"]), (
        "the mountain is hidden while the camera is low: no room is dug into it"
    )
    _, world = _world(view, SWITCH_TO_MARSH)
    try:
        mountain, marsh = world.ground.fields
        untouched = relief(scene.objects["mountain"], mountain.xs, mountain.ys)
        for room in rooms["marsh"]:
            ground = marsh.sample(np.array([room.x]), np.array([room.y]))[0]
            assert ground <= room.z + 1e-6, "the camera never looks from inside the marsh"
    finally:
        world.destroy()
    assert np.allclose(mountain.heights, untouched), "no crater in the mountain"


def test_a_level_path_across_a_marsh_leaves_the_pools_beside_it(view: WorldView) -> None:
    marsh = """
        duration: 30
        objects:
          marsh: {kind: terrain, size: [400, 400], height: 3, roughness: 0.3, seed: 12}
          column: {kind: marchers, count: 1, path: [[-100, -100, 1.5], [100, 100, 1.5]]}
        camera:
          keys:
            - {at: 0, pos: [0, -150, 60], look_at: [0, 0, 0]}
    """
    scene, world = _world(view, marsh)
    try:
        field = world.ground.fields[0]
        untouched = relief(scene.objects["marsh"], field.xs, field.ys)
        gx, gy = np.meshgrid(field.xs, field.ys)
        beside = np.abs(gx - gy) / np.sqrt(2)  # distance from the path's line
        strip = (beside < 1.0) & (np.abs(gx) < 90)
        ring = (beside > 12.0) & (beside < 40.0) & (np.abs(gx) < 90)
    finally:
        world.destroy()
    assert np.abs(field.heights[strip] - 1.45).max() < 0.2, "the path itself is dry, level"
    assert np.allclose(field.heights[ring], untouched[ring]), (
        "a few metres off a level path the marsh keeps its pools and hummocks"
    )
