"""Still objects of repeatable kinds are drawn in batches: far fewer draw calls, the
same picture as each object drawn by itself, and what moves keeps moving."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from tests.render.conftest_world import WorldView, scene_from, timeline_of

pytest.importorskip("panda3d")

from exhibit.render.world import build_world  # noqa: E402

pytestmark = pytest.mark.needs_display

REPO = Path(__file__).resolve().parents[2]


def village(extra: str = "") -> str:
    """A lane of 24 houses, 12 flags and 6 schoolhouses on a lake shore, in two cells."""
    rows = []
    for i in range(24):
        side = -1 if i % 2 else 1
        rows.append(
            f"  house_{i}: {{kind: house, pos: [{side * 7}, {20 + (i // 2) * 9}, 0], "
            f"hpr: [{side * 90}, 0, 0], size: [6, 5, {3.2 + 0.1 * (i % 3)}], "
            f'roof: "{"#35353a" if i % 3 else "#5e5138"}"}}'
        )
    for i in range(12):
        rows.append(f"  flag_{i}: {{kind: flag, pos: [{-3 + 6 * (i % 2)}, {24 + i * 18}, 0]}}")
    for i in range(6):
        rows.append(f"  school_{i}: {{kind: schoolhouse, pos: [{-40 + 80 * (i % 2)}, {60 + 30 * i}, 0]}}")
    objects = "\n".join(rows)
    return f"""
duration: 20
environment:
  sky: {{zenith: "#9aabb8", horizon: "#e0ded2"}}
  sun: {{azimuth: 120, elevation: 38, intensity: 0.9}}
  ambient: {{color: "#b2babd", intensity: 0.5}}
  fog: {{color: "#d5d8d0", density: 0.004}}
objects:
  ground: {{kind: terrain, pos: [0, 150, 0], size: [400, 500], height: 0.5, roughness: 0.1, seed: 3}}
  lake: {{kind: water, pos: [0, -60, 0.2], size: [400, 100]}}
{objects}
{extra}
camera:
  fov: 70
  keys:
    - {{at: 0, pos: [0, 2, 4], look_at: [0, 120, 2]}}
"""


@pytest.fixture(scope="module")
def view() -> WorldView:
    v = WorldView((320, 180))
    yield v
    v.close()


def picture(view: WorldView, text: str, batched: bool, t: float = 3.0) -> tuple[np.ndarray, int]:
    """The frame at ``t`` and the number of Geoms the world draws, less the ground's tiles."""
    scene = scene_from(text)
    world = build_world(scene, view.root, project_root=REPO, capabilities=view.capabilities, batched=batched)
    try:
        frame = timeline_of(scene).state(t)
        world.apply(frame)
        view.place(frame.camera.pos, frame.camera.hpr, frame.camera.fov)
        ground = world.nodes.get("ground")
        geoms = sum(
            n.node().getNumGeoms()
            for n in world.root.findAllMatches("**/+GeomNode")
            if ground is None or not ground.isAncestorOf(n)
        )
        return view.frame().astype(np.int16), geoms
    finally:
        world.destroy()


def test_a_batched_village_looks_as_each_house_drawn_by_itself(view: WorldView) -> None:
    if not view.capabilities.glsl:
        pytest.skip("batches are made only where the engine's shaders run")
    alone, alone_geoms = picture(view, village(), batched=False)
    together, together_geoms = picture(view, village(), batched=True)
    assert alone_geoms >= 24 * 5 + 12 * 3 + 6 * 7
    assert together_geoms < alone_geoms / 4, (alone_geoms, together_geoms)
    diff = np.abs(alone - together)
    assert diff.max() <= 8, f"a pixel differs by {diff.max()}"
    assert (diff > 2).mean() < 0.002, f"{(diff > 2).mean():.4f} of the pixels differ"
    assert alone.std() > 20  # there is a village in the picture, not a blank


def test_objects_that_cues_move_or_hide_stay_apart_and_still_move(view: WorldView) -> None:
    if not view.capabilities.glsl:
        pytest.skip("batches are made only where the engine's shaders run")
    cues = """
cues:
  - {at: 1, do: hide, target: house_0, fade: 0}
  - {at: 1, do: move, target: house_2, to: {pos: [7, 60, 0]}, duration: 1}
"""
    scene = scene_from(village(cues))
    world = build_world(scene, view.root, project_root=REPO, capabilities=view.capabilities)
    try:
        batched = set(world.batches.drawn_by)
        assert "house_0" not in batched and "house_2" not in batched
        assert {"house_1", "house_3", "flag_0", "school_0"} <= batched
        before = world.bounds("house_2")
        timeline = timeline_of(scene)
        world.apply(timeline.state(0.5))
        world.apply(timeline.state(5.0))
        assert world.nodes["house_0"].isStashed()
        assert world.nodes["house_2"].getY(world.root) == pytest.approx(60.0)
        assert before is not None
        found = world.bounds("house_1")  # a batched house keeps its bounds: 6 m wide along y at y = 20
        assert found is not None
        assert found[0][1] == pytest.approx(17.0, abs=1.5) and found[1][1] == pytest.approx(23.0, abs=1.5)
    finally:
        world.destroy()


HARBOUR = """
duration: 20
environment:
  sky: {zenith: "#9aabb8", horizon: "#e0ded2"}
  sun: {azimuth: 120, elevation: 38, intensity: 0.9}
  ambient: {color: "#b2babd", intensity: 0.5}
objects:
  lake: {kind: water, size: [600, 600], color: "#5b6d64", waves: 0.0}
BOATS
camera:
  fov: 60
  keys:
    - {at: 0, pos: [0, -6, 3], look_at: [0, 40, 0]}
"""


@pytest.mark.parametrize("t", [2.0, 7.3])
def test_boats_riding_the_swell_are_drawn_together_and_rock_as_each_alone(view: WorldView, t: float) -> None:
    if not view.capabilities.glsl:
        pytest.skip("batches are made only where the engine's shaders run")
    boats = "\n".join(
        f"  boat_{i}: {{kind: red_boat, pos: [{-24 + 16 * (i % 4)}, {22 + 18 * (i // 4)}, 0], "
        f"hpr: [{25 * i}, 0, 0], length: {12 + i}}}"
        for i in range(12)
    )
    text = HARBOUR.replace("BOATS", boats)
    alone, alone_geoms = picture(view, text, batched=False, t=t)
    together, together_geoms = picture(view, text, batched=True, t=t)
    # sky and lake, then 6 meshes a boat, or a batch per 200 m cell (two here), each reflected
    assert alone_geoms == 2 + 12 * 6 * 2 and together_geoms == 2 + 2 * 6 * 2, (alone_geoms, together_geoms)
    diff = np.abs(alone - together).max(axis=2)
    # the same picture, but for single pixels where two coplanar parts of a hull meet
    # (drawn in another order when joined): at most 20 of the 57,600
    assert (diff > 8).sum() <= 20, f"{(diff > 8).sum()} pixels differ by more than 8"
    assert (diff > 2).mean() < 0.002, f"{(diff > 2).mean():.4f} of the pixels differ"
    still = picture(view, text, batched=True, t=t + 1.1)[0]
    assert np.abs(still - together).max() > 20  # the boats do rock (and their reflections)


@pytest.mark.parametrize("t", [1.3, 4.9])
def test_flags_drawn_together_wave_as_each_alone(view: WorldView, t: float) -> None:
    if not view.capabilities.glsl:
        pytest.skip("batches are made only where the engine's shaders run")
    flags = "\n".join(
        f"  flag_{i}: {{kind: flag, pos: [{-6 + 3 * (i % 5)}, {8 + 4 * (i // 5)}, 0], hpr: [{37 * i}, 0, 0], "
        f"size: [{1.2 + 0.1 * i}, 0.9], wave: {0.2 + 0.07 * i}, scale: {1 + 0.05 * i}}}"
        for i in range(10)
    )
    text = HARBOUR.replace("BOATS", flags).replace("lake:", "pond:").replace("[600, 600]", "[4, 4]")
    text = text.replace("pos: [0, -6, 3], look_at: [0, 40, 0]", "pos: [0, -2, 2], look_at: [0, 10, 2]")
    alone, alone_geoms = picture(view, text, batched=False, t=t)
    together, together_geoms = picture(view, text, batched=True, t=t)
    # sky and pond, then pole, knob and cloth a flag, or per 200 m cell (two here)
    assert alone_geoms == 2 + 10 * 3 and together_geoms == 2 + 2 * 3, (alone_geoms, together_geoms)
    diff = np.abs(alone - together).max(axis=2)
    assert (diff > 8).sum() <= 20, f"{(diff > 8).sum()} pixels differ by more than 8"
    assert (diff > 2).mean() < 0.002, f"{(diff > 2).mean():.4f} of the pixels differ"
    later = picture(view, text, batched=True, t=t + 0.4)[0]
    assert (np.abs(later - together).max(axis=2) > 20).mean() > 0.01  # the cloths wave
