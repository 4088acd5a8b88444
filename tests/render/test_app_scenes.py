"""Every bundled scene, through the whole pipeline, shows a picture that looks like its history.

These render the real content (``scenes/``) with estimated narration timings (the
narration build is tested elsewhere) at 320x180, at several moments.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from exhibit.spec.project import Project
from tests.render.conftest import REPO, frame_at, luminance, project_with

pytestmark = pytest.mark.needs_display

BUNDLED = Project.at(REPO).scene_names()
SIZE = (320, 180)


@pytest.fixture(scope="module")
def players(app: Any) -> Any:
    """One player per bundled scene, built once for this module."""
    from exhibit.render.player import Player

    made: dict[str, Any] = {}

    def get(name: str) -> Any:
        if name not in made:
            player = Player(
                REPO,
                display="offscreen",
                size=SIZE,
                audio=False,
                quiz=False,
                narrate=False,
                progress=None,
                app=app,
            )
            player.load(name)
            made[name] = player
        return made[name]

    yield get
    for player in made.values():
        player.close()


def pixel_of(player: Any, point: tuple[float, float, float]) -> tuple[int, int] | None:
    """Where a world point shows in the mono view (pixels from the top-left); None: not in view."""
    from panda3d.core import Point2, Point3

    cam = player.rig.eyes["mono"]
    rel = cam.getRelativePoint(player.scene_root, Point3(*point))
    out = Point2()
    if not cam.node().getLens().project(rel, out):
        return None
    w, h = SIZE
    return int((out[0] + 1) / 2 * (w - 1)), int((1 - out[1]) / 2 * (h - 1))


def world_vertices(player: Any, node: Any) -> np.ndarray:
    """Every vertex under ``node``, in scene coordinates (N x 3)."""
    from panda3d.core import GeomVertexReader

    points: list[np.ndarray] = []
    for geom_np in node.findAllMatches("**/+GeomNode"):
        mat = geom_np.getMat(player.scene_root)
        m = np.array([[mat.getCell(r, c) for c in range(4)] for r in range(4)])
        for i in range(geom_np.node().getNumGeoms()):
            vdata = geom_np.node().getGeom(i).getVertexData()
            reader = GeomVertexReader(vdata, "vertex")
            local = []
            while not reader.isAtEnd():
                v = reader.getData3()
                local.append((v[0], v[1], v[2], 1.0))
            if local:
                points.append((np.array(local) @ m)[:, :3])  # Panda3D matrices act on row vectors
    return np.concatenate(points) if points else np.zeros((0, 3))


@pytest.mark.parametrize("name", BUNDLED)
def test_each_bundled_scene_shows_a_real_picture_at_every_moment(players, name):
    player = players(name)
    duration = player.timeline.duration
    shots = [frame_at(player, duration * share) for share in (0.15, 0.5, 0.85)]
    for image in shots:
        lum = luminance(image)
        assert lum.std() > 6, "a flat picture"
        assert len(np.unique(image.reshape(-1, 3), axis=0)) > 200, "too few colours for a scene"
    assert np.abs(shots[0].astype(int) - shots[1].astype(int)).mean() > 3  # the scene moves on


def boat_scene() -> str:
    for name in BUNDLED:
        loaded = Project.at(REPO).load_scene(Project.at(REPO).scene_path(name))
        if loaded.model and any(o.kind == "red_boat" for o in loaded.model.objects.values()):
            return name
    pytest.skip("no bundled scene has a red boat")


def test_the_red_boat_is_red_where_the_camera_looks_at_it(players):
    player = players(boat_scene())
    tl = player.timeline
    boat_id = next(i for i, o in tl.scene.objects.items() if o.kind == "red_boat")
    looking = [k.t for k in tl.camera_keys if k.key.look_at == boat_id]
    assert looking, "the camera never looks at the boat"

    def distance(t: float) -> float:
        state = tl.state(t)
        return float(np.linalg.norm(np.subtract(state.camera.pos, state.objects[boat_id].pos)))

    t = min(looking, key=distance)  # the closest look at the boat
    image = frame_at(player, t).astype(int)
    pos = player.timeline.state(t).objects[boat_id].pos
    where = pixel_of(player, (pos[0], pos[1], pos[2] + 1.5))  # the hull and cabin, above the water
    assert where is not None, "the boat is not in view where the camera looks at it"
    x, y = where
    patch = image[max(0, y - 12) : y + 12, max(0, x - 20) : x + 20]
    r, g, b = patch[..., 0], patch[..., 1], patch[..., 2]
    red = (r > 90) & (r > 1.5 * g) & (r > 1.5 * b)
    assert red.mean() > 0.15, f"only {red.mean():.0%} red pixels around the boat"


SNOW_MOUNTAIN = """
    languages: [zh]
    environment:
      sky: {zenith: "#6d8fb8", horizon: "#c9d6e3"}
      sun: {azimuth: 140, elevation: 35, intensity: 1.0}
      ambient: {color: "#c0c8d0", intensity: 0.5}
    objects:
      mountain:
        kind: terrain
        size: [400, 400]
        height: 120
        roughness: 0.5
        seed: 1935
        snowline: 50
        color: "#6b655b"
    camera:
      fov: 70
      keys:
        - {at: 0, pos: [0, -300, 70], look_at: [0, 0, 45]}
    duration: 5
"""


def test_snow_lies_white_above_the_snowline_and_not_below(make_player, tmp_path):
    """A mountain seen through the whole pipeline (YAML, timeline, player): the vertices above
    its snowline show white, those below show bare ground."""
    player = make_player(project_with(tmp_path, SNOW_MOUNTAIN, "mountain"), audio=False, narrate=False)
    player.load("mountain")
    obj = player.timeline.scene.objects["mountain"]
    image = frame_at(player, 1.0)
    vertices = world_vertices(player, player.world.nodes["mountain"])
    margin = 0.06 * obj.height
    rng = np.random.default_rng(7)
    above = vertices[vertices[:, 2] > obj.snowline + margin]
    below = vertices[(vertices[:, 2] < obj.snowline - margin) & (vertices[:, 2] > 2.0)]
    above = above[rng.choice(len(above), min(400, len(above)), replace=False)]
    below = below[rng.choice(len(below), min(400, len(below)), replace=False)]
    up, down = visible(player, above), visible(player, below)
    assert len(up) > 20 and len(down) > 20
    lum_up = np.median([luminance(image[y, x]) for x, y in up])
    lum_down = np.median([luminance(image[y, x]) for x, y in down])
    chroma_up = np.median([int(image[y, x].max()) - int(image[y, x].min()) for x, y in up])
    assert lum_up > 175, "the snow is not white"
    assert chroma_up < 40, "the snow is tinted"
    assert lum_up - lum_down > 40, "no difference between snow and bare ground"


def visible(player: Any, points: np.ndarray) -> list[tuple[int, int]]:
    return [p for p in (pixel_of(player, tuple(v)) for v in points) if p is not None]


def village_scene() -> str:
    for name in BUNDLED:
        scene = Project.at(REPO).load_scene(Project.at(REPO).scene_path(name)).model
        if scene and sum(o.kind == "house" for o in scene.objects.values()) >= 4:
            return name
    pytest.skip("no bundled village")


def test_the_village_shows_stone_walls_under_dark_tiled_roofs(players):
    player = players(village_scene())
    tl = player.timeline
    houses = [i for i, o in tl.scene.objects.items() if o.kind in ("house", "schoolhouse")]

    def in_view(t: float) -> list[str]:
        state = tl.state(t)
        player.apply(state)
        return [
            h for h in houses if state.objects[h].opacity >= 1.0 and pixel_of(player, state.objects[h].pos) is not None
        ]

    def daylight(t: float) -> tuple[float, int]:
        env = tl.state(t).environment
        if tl.state(t).fade > 0.05:
            return (-1.0, 0)
        return (
            env.sun_intensity * max(0.0, env.sun_elevation) + env.ambient_intensity,
            len(in_view(t)),
        )

    best = max((tl.duration * share for share in np.linspace(0.05, 0.95, 19)), key=daylight)
    assert daylight(best)[1] > 0, "no house is ever in view by day"
    image = frame_at(player, best)
    state = tl.state(best)
    # The nearest house in view: big enough on screen to tell its walls from its roof.
    h = min(
        in_view(best),
        key=lambda i: np.linalg.norm(np.subtract(state.objects[i].pos, state.camera.pos)),
    )
    pos = state.objects[h].pos
    w, d, height = tl.scene.objects[h].size
    wall = pixel_of(player, (pos[0], pos[1], pos[2] + 0.4 * height))
    roof = pixel_of(player, (pos[0], pos[1], pos[2] + height + 0.2 * min(w, d)))
    assert wall is not None and roof is not None and wall[1] - roof[1] >= 4, "the house is too small to see"

    def patch(p: tuple[int, int]) -> np.ndarray:
        return image[p[1] - 1 : p[1] + 2, p[0] - 1 : p[0] + 2].reshape(-1, 3).astype(int)

    wall_px, roof_px = np.median(patch(wall), axis=0), np.median(patch(roof), axis=0)
    assert wall_px.max() - wall_px.min() < 70, f"{h}: its walls are not stone-coloured"
    assert 25 < luminance(wall_px) < 235, f"{h}: its walls are lost in the dark or the glare"
    assert np.abs(wall_px - roof_px).sum() > 15, f"{h}: no roof to tell from its walls"
