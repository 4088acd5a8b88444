"""A fleet of wooden sailing boats: a few Geoms for hundreds of boats, each boat placed from
show time alone, sails that show in the picture and move on across the water."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from tests.render.conftest_world import WorldView, scene_from, timeline_of

pytest.importorskip("panda3d")

from panda3d.core import NodePath  # noqa: E402

from exhibit.render.world import build_world  # noqa: E402
from exhibit.render.world.sailboat import Fleet  # noqa: E402
from exhibit.render.world.shaders import MARCHERS_PER_GEOM  # noqa: E402
from exhibit.spec.scene import Sailboats  # noqa: E402

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def view() -> WorldView:
    v = WorldView((320, 180))
    yield v
    v.close()


def fleet_scene(count: int) -> str:
    return f"""
    duration: 60
    environment:
      sky: {{zenith: "#7d93ad", horizon: "#d8dde2"}}
      sun: {{azimuth: 200, elevation: 30, intensity: 0.9}}
    objects:
      river: {{kind: water, size: [2000, 2000], color: "#3c4d52", waves: 0.3}}
      fleet: {{kind: sailboat, count: {count}, area: [300, 60], pos: [0, 40, 0], speed: 2, distance: 60, seed: 3}}
    camera:
      keys:
        - {{at: 0, pos: [0, -30, 6], look_at: [0, 60, 5]}}
    """


def geoms(node: NodePath) -> int:
    return sum(np_.node().getNumGeoms() for np_ in node.findAllMatches("**/+GeomNode"))


def sail_fraction(image: np.ndarray) -> float:
    """Share of pixels in the sails' weathered tan (red over green over blue, not grey)."""
    rgb = image.astype(int)
    r, g, b = rgb[..., 0], rgb[..., 1], rgb[..., 2]
    return float(((r > g + 8) & (g > b + 8) & (r > 60)).mean())


def test_hundreds_of_boats_take_a_few_geoms_and_the_count_grows_them_by_blocks(view: WorldView) -> None:
    counts = {}
    for n in (40, 300, 1000):
        world = build_world(scene_from(fleet_scene(n)), view.root, project_root=REPO, capabilities=view.capabilities)
        try:
            counts[n] = geoms(world.nodes["fleet"])
        finally:
            world.destroy()
    if view.capabilities.glsl:
        assert counts == {n: math.ceil(n / MARCHERS_PER_GEOM) for n in counts}
    else:
        assert counts == {40: 1, 300: 1, 1000: 1}  # one Geom rewritten by numpy
    assert counts[1000] <= 16


def test_the_fleet_shows_sails_and_sails_on(view: WorldView) -> None:
    scene = scene_from(fleet_scene(120))
    timeline = timeline_of(scene)
    world = build_world(scene, view.root, project_root=REPO, capabilities=view.capabilities)
    try:
        shots = []
        for t in (0.0, 20.0):
            state = timeline.state(t)
            world.apply(state)
            view.place(state.camera.pos, state.camera.hpr, state.camera.fov)
            shots.append(view.frame())
    finally:
        world.destroy()
    assert sail_fraction(shots[0]) > 0.02, "tan sails stand over the water"
    assert np.abs(shots[0].astype(int) - shots[1].astype(int)).mean() > 2, "the boats have moved on"


def test_each_boat_sails_its_own_pace_from_show_time_and_stops_on_the_far_bank() -> None:
    fleet = Fleet(Sailboats(kind="sailboat", count=50, speed=2.0, distance=80.0, area=(200.0, 40.0), seed=1))
    start, _, phase0, shown = fleet.figures(0.0)
    assert shown.all() and len(start) == 50
    later, _, phase1, _ = fleet.figures(10.0)
    moved = later[:, 1] - start[:, 1]
    assert np.all((moved > 2.0 * 0.8 * 10 - 1e-9) & (moved < 2.0 * 1.2 * 10 + 1e-9))
    assert moved.std() > 0.5, "each boat keeps its own pace"
    assert np.all(np.abs(later[:, 0] - start[:, 0]) < 1.3), "no boat drifts out of its lane"
    assert np.all(np.abs(later[:, 2]) <= 0.1 + 1e-9), "a boat heaves a little, it does not fly"
    landed, _, phase2, _ = fleet.figures(500.0)
    assert np.allclose(landed[:, 1] - start[:, 1], fleet.stop)
    assert np.allclose(fleet.figures(600.0)[2], phase2), "the oars rest once the boat has landed"
    again = fleet.figures(10.0)
    assert np.array_equal(again[0], later) and np.array_equal(again[2], phase1), "a function of t alone"
    assert not np.array_equal(phase0, phase1)


def test_oars_swing_about_the_gunwale_and_nothing_else_does() -> None:
    fleet = Fleet(Sailboats(kind="sailboat", count=2, seed=4))
    swinging = fleet.swing != 0
    assert 0 < swinging.mean() < 0.3
    assert np.all(fleet.pivot[swinging] == pytest.approx(0.86))
    assert np.all(fleet.pivot[~swinging] == 0)
