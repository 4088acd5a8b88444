"""The headset budget's estimate is kept honest by real offscreen renders: its cost table
matches what each builder makes, and per moment of every bundled scene the estimated
draw calls and triangles per eye hold what Panda3D's cull really leaves to draw."""

from __future__ import annotations

import math
from dataclasses import astuple
from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from tests.render.conftest_world import WorldView, scene_from, timeline_of

pytest.importorskip("panda3d")

from exhibit.render import budget  # noqa: E402
from exhibit.render.world import build_world  # noqa: E402
from exhibit.spec.project import Project  # noqa: E402
from exhibit.timeline.compile import compile_scene  # noqa: E402

pytestmark = pytest.mark.needs_display

REPO = Path(__file__).resolve().parents[2]
EYE = (92, 96)  # a headset eye's shape (1832 x 1920), small


@pytest.fixture(scope="module")
def view() -> WorldView:
    v = WorldView(EYE)
    yield v
    v.close()


def counted(root: object) -> tuple[int, int]:
    """Geoms and triangles under a node."""
    geoms = triangles = 0
    for found in root.findAllMatches("**/+GeomNode"):  # type: ignore[attr-defined]
        node = found.node()
        for i in range(node.getNumGeoms()):
            geom = node.getGeom(i)
            geoms += 1
            triangles += sum(geom.getPrimitive(j).getNumFaces() for j in range(geom.getNumPrimitives()))
    return geoms, triangles


def built(view: WorldView, objects: str) -> tuple[int, int]:
    """Geoms and triangles of the object ``a`` built by itself."""
    scene = scene_from(
        f"duration: 5\nobjects:\n  a: {objects}\ncamera: {{keys: [{{at: 0, pos: [0, -30, 5], look_at: [0, 0, 0]}}]}}\n"
    )
    world = build_world(scene, view.root, project_root=REPO, capabilities=view.capabilities, batched=False)
    try:
        return counted(world.nodes["a"])
    finally:
        world.destroy()


@pytest.mark.parametrize("kind", ["house", "schoolhouse", "flag", "red_boat", "light", "water", "snow", "mist", "room"])
def test_the_cost_table_is_what_each_builder_makes(view: WorldView, kind: str) -> None:
    cost = budget.COSTS[kind]
    assert built(view, f"{{kind: {kind}}}") == (cost.draw_calls, cost.triangles)


def test_a_hotspot_draws_nothing(view: WorldView) -> None:
    card = "{title: {zh: 船舱}, text: {zh: 船舱}}"
    drawn = built(view, f"{{kind: hotspot, size: [3, 9, 2], info: {card}}}")
    assert drawn == (0, 0) == astuple(budget.COSTS["hotspot"])[:2]


def test_counted_kinds_cost_per_tree_figure_and_character(view: WorldView) -> None:
    geoms, tris = built(view, "{kind: trees, count: 200}")
    assert geoms == 1 and tris / 200 == pytest.approx(budget.TREE_TRIANGLES, rel=0.1)
    geoms, tris = built(view, "{kind: marchers, count: 130}")
    assert geoms == math.ceil(130 / budget.FIGURES_PER_DRAW)
    assert tris / 130 == pytest.approx(budget.FIGURE_TRIANGLES, rel=0.05)
    geoms, tris = built(view, "{kind: sailboat, count: 100}")
    assert geoms == math.ceil(100 / budget.FIGURES_PER_DRAW)
    assert tris / 100 == pytest.approx(budget.BOAT_TRIANGLES, rel=0.05)
    if view.capabilities.glsl:
        from exhibit.render.world.shaders import MARCHERS_PER_GEOM

        assert budget.FIGURES_PER_DRAW == MARCHERS_PER_GEOM


def drawn(view: WorldView) -> tuple[int, int]:
    """Geoms and triangles Panda3D's cull left to draw in the last frame."""
    from panda3d.core import NodePath

    view.frame()
    return counted(NodePath(view.region.makeCullResultGraph()))


@pytest.mark.parametrize("name", sorted(p.stem for p in (REPO / "scenes").glob("*.yaml")))
def test_the_estimate_holds_what_each_eye_really_draws(view: WorldView, name: str) -> None:
    project = Project.at(REPO)
    loaded = project.load_scene(project.root / "scenes" / f"{name}.yaml")
    scene = loaded.model
    timeline, _ = compile_scene(scene, scene.languages[0])
    assert timeline is not None
    world = build_world(scene, view.root, project_root=REPO, capabilities=view.capabilities)
    pairs = []
    try:
        for i in range(16):
            t = timeline.duration * (i + 0.5) / 16
            frame = timeline.state(t)
            world.apply(frame)
            view.place(frame.camera.pos, frame.camera.hpr, frame.camera.fov)
            pairs.append((drawn(view), budget.moment(scene, timeline, t)))
    finally:
        world.destroy()
    for (calls, tris), estimate in pairs:
        # a cone round the frustum: the estimate may count a little more, never much less
        assert estimate.draw_calls >= 0.9 * calls - 2, (estimate.t, estimate.draw_calls, calls)
        assert estimate.triangles >= 0.85 * tris, (estimate.t, estimate.triangles, tris)
    most_calls = max(c for (c, _), _ in pairs)
    most_tris = max(t for (_, t), _ in pairs)
    assert max(e.draw_calls for _, e in pairs) <= 1.4 * most_calls + 5
    assert max(e.triangles for _, e in pairs) <= 1.5 * most_tris + 5000


def test_a_scene_over_the_budget_is_warned_naming_its_costliest_objects() -> None:
    """300 houses that cues move are drawn one by one: over the budget, named and located."""
    houses = "\n".join(
        f"  house_{i}: {{kind: house, pos: [{(i % 20) * 10}, {40 + (i // 20) * 10}, 0]}}" for i in range(300)
    )
    cues = "\n".join(f"  - {{at: 2, do: move, target: house_{i}, to: {{pos: [0, 0, 0]}}}}" for i in range(0, 300, 7))
    text = (
        f"duration: 10\nobjects:\n{houses}\ncamera:\n  fov: 90\n  keys:\n"
        f"    - {{at: 0, pos: [100, -20, 30], look_at: [100, 120, 0]}}\ncues:\n{cues}\n"
    )
    scene = scene_from(text)
    found = budget.budget_warnings(scene, timeline_of(scene), None, headset=True)
    assert len(found) == 1
    assert "draw calls" in found[0].message and "(budget 200 for 90 Hz)" in found[0].message
    assert "house_0 5" in found[0].message


@given(
    st.floats(-180, 180),
    st.floats(-60, 60),
    st.floats(30, 110),
    st.tuples(st.floats(-1, 1), st.floats(-1, 1), st.floats(0.5, 500)),
)
@example(0.0, 14.0, 30.0, (1.0, -1.0, 0.5))  # on the corner ray: rounding once put it a few ulps outside the cone
def test_the_view_cone_holds_the_eye_frustum(heading: float, pitch: float, fov: float, where: tuple) -> None:
    """Any point inside one eye's frustum is inside the cone the estimate counts with."""
    from exhibit.timeline.frame import CameraState

    h, p = math.radians(heading), math.radians(pitch)
    forward = (-math.sin(h) * math.cos(p), math.cos(h) * math.cos(p), math.sin(p))
    right = (math.cos(h), math.sin(h), 0.0)
    up = (
        right[1] * forward[2] - right[2] * forward[1],
        right[2] * forward[0] - right[0] * forward[2],
        right[0] * forward[1] - right[1] * forward[0],
    )
    half_w = math.tan(math.radians(fov) / 2)
    u, v, depth = where  # across and up as a share of the frustum's half width and height
    x, y = u * half_w * depth, v * half_w / budget.EYE_ASPECT * depth
    eye = (3.0, -4.0, 5.0)
    point = tuple(e + depth * f + x * r + y * w for e, f, r, w in zip(eye, forward, right, up, strict=True))
    assert budget.Eye.of(CameraState(eye, (heading, pitch, 0.0), fov)).sees(point, 0.0)
    behind = tuple(e - depth * f for e, f in zip(eye, forward, strict=True))
    assert not budget.Eye.of(CameraState(eye, (heading, pitch, 0.0), fov)).sees(behind, 0.1)
