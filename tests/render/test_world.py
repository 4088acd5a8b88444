"""The world as visitors see it: red boat, snow above the snowline, walking marchers,
waving flags, pictures that depend on show time alone, and nothing left behind."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from tests.render.conftest_world import WorldView, scene_from, timeline_of

pytest.importorskip("panda3d")

from panda3d.core import NodePath  # noqa: E402

from exhibit.render.world import Capabilities, build_world  # noqa: E402

LAKE = """
    duration: 60
    environment:
      sky: {zenith: "#9aabb8", horizon: "#e0ded2"}
      sun: {azimuth: 120, elevation: 38, intensity: 0.8}
      ambient: {color: "#b2babd", intensity: 0.5}
      fog: {color: "#d5d8d0", density: 0.004}
    objects:
      lake: {kind: water, size: [600, 600], color: "#5b6d64", waves: 0.2}
      boat: {kind: red_boat, pos: [0, 30, 0], hpr: [90, 0, 0]}
    camera:
      keys:
        - {at: 0, pos: [0, 0, 3], look_at: [0, 30, 1]}
"""


@pytest.fixture(scope="module")
def view() -> WorldView:
    v = WorldView((320, 180))
    yield v
    v.close()


def render(
    view: WorldView,
    scene_text: str,
    t: float,
    caps: Capabilities | None = None,
    camera: tuple[tuple[float, float, float], tuple[float, float, float]] | None = None,
    fov: float = 60.0,
    lang: str = "zh",
) -> np.ndarray:
    scene = scene_from(scene_text)
    timeline = timeline_of(scene, lang)
    world = build_world(
        scene, view.root, project_root=view_root(), capabilities=caps or view.capabilities
    )
    try:
        state = timeline.state(t)
        world.apply(state)
        if camera is None:
            view.place(state.camera.pos, state.camera.hpr, state.camera.fov)
        else:
            view.look_at(camera[0], camera[1], fov)
        return view.frame()
    finally:
        world.destroy()


def view_root() -> Path:
    return Path(__file__).resolve().parents[2]


def red_fraction(image: np.ndarray) -> float:
    rgb = image.astype(int)
    red = (
        (rgb[..., 0] > 1.8 * rgb[..., 1] + 10)
        & (rgb[..., 0] > 1.8 * rgb[..., 2] + 10)
        & (rgb[..., 0] > 60)
    )
    return float(red.mean())


def centre(image: np.ndarray, fraction: float = 0.3) -> np.ndarray:
    h, w = image.shape[:2]
    dh, dw = int(h * fraction / 2), int(w * fraction / 2)
    return image[h // 2 - dh : h // 2 + dh, w // 2 - dw : w // 2 + dw]


@pytest.mark.parametrize("glsl", [True, False], ids=["glsl", "fixed-function"])
def test_the_boat_is_red_where_the_camera_looks(view: WorldView, glsl: bool) -> None:
    caps = view.capabilities if glsl else Capabilities(glsl=False, fog=True)
    if glsl and not caps.glsl:
        pytest.skip("this renderer has no GLSL")
    image = render(view, LAKE, 5.0, caps)
    without = render(view, LAKE.replace("boat: {kind: red_boat", "boat: {kind: light"), 5.0, caps)
    assert red_fraction(centre(image)) > 0.03, "the boat's red lacquer should show in the centre"
    assert red_fraction(without) < 0.002, "nothing else in the lake scene is red"
    # the red is lacquer on a boat, not the whole frame
    assert red_fraction(image) < 0.3


MOUNTAIN = """
    duration: 60
    environment:
      sky: {zenith: "#94a9bf", horizon: "#e1e6ea"}
      sun: {azimuth: 140, elevation: 40, intensity: 0.9}
      ambient: {color: "#b4c0cc", intensity: 0.5}
    objects:
      range:
        {kind: terrain, size: [600, 600], height: 160, roughness: 0.5, seed: 5, snowline: 70,
         color: "#6b655b"}
"""


@pytest.mark.parametrize("glsl", [True, False], ids=["glsl", "fixed-function"])
def test_snow_is_white_above_the_snowline_and_darker_below(view: WorldView, glsl: bool) -> None:
    caps = view.capabilities if glsl else Capabilities(glsl=False, fog=True)
    if glsl and not caps.glsl:
        pytest.skip("this renderer has no GLSL")
    scene = scene_from(MOUNTAIN)
    world = build_world(scene, view.root, project_root=view_root(), capabilities=caps)
    try:
        world.apply(timeline_of(scene).state(1.0))
        field = world.ground.fields[0]
        from exhibit.render.world.terrain import normals

        n = normals(field.heights, field.xs, field.ys)
        gx, gy = np.meshgrid(field.xs, field.ys)
        flat = n[..., 2] > 0.93
        inner = (np.abs(gx) < 200) & (np.abs(gy) < 200)

        from exhibit.render.world.sky import sun_direction

        sunlit = n @ np.array(sun_direction(140.0, 40.0))

        def sample(mask: np.ndarray) -> np.ndarray:
            candidates = np.argwhere(mask & flat & inner)
            assert len(candidates), "the test terrain should have such ground"
            r, c = max(candidates, key=lambda rc: sunlit[rc[0], rc[1]])  # ground facing the sun
            point = (float(gx[r, c]), float(gy[r, c]), float(field.heights[r, c]))
            view.look_at((point[0], point[1] - 12.0, point[2] + 16.0), point, 30.0)
            return centre(view.frame(), 0.1).reshape(-1, 3).astype(float).mean(axis=0)

        high = sample(field.heights > 70 + 25)
        low = sample(field.heights < 70 - 25)
    finally:
        world.destroy()
    assert high.min() > 185, f"sunlit snow should be near white, got {high}"
    assert high.max() - high.min() < 40, f"snow should be grey-white, not coloured: {high}"
    assert high.mean() - low.mean() > 50, (
        f"ground below the snowline should be darker: {high} vs {low}"
    )


MARCH = """
    duration: 60
    environment:
      sky: {zenith: "#dfe6ee", horizon: "#f4f4f0"}
      sun: {azimuth: 120, elevation: 40, intensity: 1.0}
    objects:
      column: {kind: marchers, count: 6, spacing: 2.0, speed: 1.0, path: [[-5, 0, 0], [80, 0, 0]]}
      banner: {kind: flag, pos: [0, 10, 0], size: [1.5, 1.0], wave: 1.0, visible: false}
"""


def _figure_columns(image: np.ndarray, background: np.ndarray) -> np.ndarray:
    changed = np.abs(image.astype(int) - background.astype(int)).sum(axis=2) > 60
    return np.flatnonzero(changed.any(axis=0))


@pytest.mark.parametrize("glsl", [True, False], ids=["glsl", "cpu"])
def test_marchers_walk_along_their_path_with_time(view: WorldView, glsl: bool) -> None:
    caps = view.capabilities if glsl else Capabilities(glsl=False, fog=True)
    if glsl and not caps.glsl:
        pytest.skip("this renderer has no GLSL")
    camera = ((10.0, -40.0, 1.0), (10.0, 0.0, 1.0))
    empty = render(
        view,
        MARCH.replace("count: 6", "count: 1")
        .replace("speed: 1.0", "speed: 0.0")
        .replace("[[-5, 0, 0], [80, 0, 0]]", "[[-500, 0, 0], [-499, 0, 0]]"),
        0.0,
        caps,
        camera,
        50.0,
    )
    at0 = _figure_columns(render(view, MARCH, 0.0, caps, camera, 50.0), empty)
    at10 = _figure_columns(render(view, MARCH, 10.0, caps, camera, 50.0), empty)
    assert len(at0) and len(at10), "the column should be in view"
    # at t = 0 the last walker is at the path's start (x = -5), the first 10 m on;
    # ten seconds later at 1 m/s the whole column is 10 m further along (+x, to the right)
    shift_px = at10.mean() - at0.mean()
    metres_per_px = 2 * 40.0 * np.tan(np.radians(25.0)) / 320
    assert shift_px * metres_per_px == pytest.approx(10.0, abs=3.0)


FLAG = """
    duration: 60
    environment:
      sky: {zenith: "#dfe6ee", horizon: "#f4f4f0"}
    objects:
      banner: {kind: flag, pos: [0, 0, 0], size: [1.5, 1.0], color: "#a8241c", wave: 1.0}
"""


@pytest.mark.parametrize("glsl", [True, False], ids=["glsl", "cpu"])
def test_the_flag_waves_differently_at_two_times(view: WorldView, glsl: bool) -> None:
    caps = view.capabilities if glsl else Capabilities(glsl=False, fog=True)
    if glsl and not caps.glsl:
        pytest.skip("this renderer has no GLSL")
    camera = ((0.8, -5.0, 3.0), (0.8, 0.0, 3.0))
    a = render(view, FLAG, 1.0, caps, camera, 40.0)
    b = render(view, FLAG, 1.6, caps, camera, 40.0)
    again = render(view, FLAG, 1.0, caps, camera, 40.0)
    assert red_fraction(a) > 0.05, "the flag should be in view and red"
    changed = (np.abs(a.astype(int) - b.astype(int)).sum(axis=2) > 30).mean()
    assert changed > 0.01, "the cloth should have moved between t = 1.0 and t = 1.6"
    assert np.array_equal(a, again)


def test_flag_cloth_vertices_follow_time() -> None:
    from exhibit.render.world.flag import cloth_offsets, cloth_rest

    _, uv = cloth_rest((1.5, 1.0))
    uv = uv.reshape(-1, 2)
    a = cloth_offsets(uv, (1.5, 1.0), 1.0, 2.0)
    b = cloth_offsets(uv, (1.5, 1.0), 1.0, 2.5)
    assert np.abs(a - b).max() > 0.05
    assert np.abs(a[uv[:, 0] == 0.0]).max() == 0.0, "the edge on the pole stays on the pole"
    assert np.array_equal(a, cloth_offsets(uv, (1.5, 1.0), 1.0, 2.0))


EVERYTHING = """
    duration: 60
    environment:
      sky: {zenith: "#94a9bf", horizon: "#e1e6ea"}
      fog: {color: "#dde3e8", density: 0.01}
    objects:
      ground: {kind: terrain, size: [300, 300], height: 20, roughness: 0.4, seed: 3, snowline: 12}
      lake: {kind: water, pos: [0, 0, 4], size: [300, 300], waves: 0.5}
      column: {kind: marchers, count: 8, path: [[-10, 10, 8], [10, 30, 9]]}
      banner: {kind: flag, pos: [2, 16, 8]}
      flakes: {kind: snow, pos: [0, 10, 0], area: [60, 60, 30], rate: 300, wind: [2, 1]}
      haze: {kind: mist, pos: [0, 40, 5], area: [120, 60, 8], density: 0.4}
      boat: {kind: red_boat, pos: [-8, 24, 4]}
    camera:
      keys:
        - {at: 0, pos: [0, -10, 12], look_at: [0, 20, 6]}
"""


@pytest.mark.parametrize("glsl", [True, False], ids=["glsl", "cpu"])
def test_a_frame_depends_on_show_time_alone(view: WorldView, glsl: bool) -> None:
    caps = view.capabilities if glsl else Capabilities(glsl=False, fog=True)
    if glsl and not caps.glsl:
        pytest.skip("this renderer has no GLSL")
    scene = scene_from(EVERYTHING)
    timeline = timeline_of(scene)
    world = build_world(scene, view.root, project_root=view_root(), capabilities=caps)
    try:
        frames = []
        for t in (12.3, 40.0, 12.3, 12.3):
            state = timeline.state(t)
            world.apply(state)
            view.place(state.camera.pos, state.camera.hpr, state.camera.fov)
            frames.append(view.frame())
    finally:
        world.destroy()
    assert np.array_equal(frames[0], frames[2]), "seeking back to a time gives its picture again"
    assert np.array_equal(frames[0], frames[3]), "applying the same state twice changes nothing"
    assert not np.array_equal(frames[0], frames[1]), (
        "waves, snow and walkers move between 12.3 s and 40 s"
    )


def test_destroy_leaves_nothing_under_the_parent(view: WorldView) -> None:
    parent = NodePath("parent")
    scene = scene_from(EVERYTHING)
    for _ in range(2):  # the hall replays scenes all day: build and destroy again
        world = build_world(scene, parent, project_root=view_root(), capabilities=view.capabilities)
        world.apply(timeline_of(scene).state(3.0))
        assert parent.getNumChildren() == 1
        assert set(world.nodes) == set(scene.objects)
        world.destroy()
        assert parent.getNumChildren() == 0
        assert parent.findAllMatches("**/*").getNumPaths() == 0


def test_hidden_objects_are_not_drawn_and_opacity_blends(view: WorldView) -> None:
    scene = scene_from(LAKE)
    world = build_world(scene, view.root, project_root=view_root(), capabilities=view.capabilities)
    try:
        state = timeline_of(scene).state(1.0)
        from dataclasses import replace

        boat = state.objects["boat"]
        view.place(state.camera.pos, state.camera.hpr, state.camera.fov)
        world.apply(state)
        shown = red_fraction(centre(view.frame()))
        world.apply(replace(state, objects={**state.objects, "boat": replace(boat, opacity=0.0)}))
        hidden = red_fraction(centre(view.frame()))
        world.apply(replace(state, objects={**state.objects, "boat": replace(boat, opacity=0.5)}))
        half = centre(view.frame())
        world.apply(state)
        again = red_fraction(centre(view.frame()))
    finally:
        world.destroy()
    assert shown > 0.03 and hidden == 0.0 and again == shown
    assert 0.0 <= red_fraction(half) < shown


def test_tint_colours_an_object(view: WorldView) -> None:
    scene = scene_from(LAKE)
    world = build_world(scene, view.root, project_root=view_root(), capabilities=view.capabilities)
    try:
        from dataclasses import replace

        state = timeline_of(scene).state(1.0)
        view.place(state.camera.pos, state.camera.hpr, state.camera.fov)
        tinted = replace(state.objects["boat"], tint=(0.2, 0.2, 1.0, 1.0))
        world.apply(replace(state, objects={**state.objects, "boat": tinted}))
        image = view.frame()
    finally:
        world.destroy()
    assert red_fraction(centre(image)) < 0.02


def test_the_boat_is_reflected_in_calm_water(view: WorldView) -> None:
    if not view.capabilities.glsl:
        pytest.skip("reflections are drawn by the shaders")
    from panda3d.core import Point2, Point3

    calm = LAKE.replace("waves: 0.2", "waves: 0.0")
    image = render(view, calm, 5.0, camera=((0.0, 0.0, 4.0), (0.0, 30.0, 0.0)), fov=60.0)
    screen = Point2()
    assert view.lens.project(view.camera.getRelativePoint(view.root, Point3(0, 30, -0.5)), screen)
    waterline = int((1 - (screen[1] + 1) / 2) * image.shape[0])
    below = image[waterline + 4 :]
    above = image[: waterline - 2]
    without = render(
        view,
        calm.replace("boat: {kind: red_boat", "boat: {kind: light"),
        5.0,
        camera=((0.0, 0.0, 4.0), (0.0, 30.0, 0.0)),
        fov=60.0,
    )[waterline + 4 :]

    mirrored = np.abs(below.astype(int) - without.astype(int)).sum(axis=2) > 30
    assert red_fraction(above) > 0.02, "the boat itself"
    # the boat's image in the water: as wide as the boat, under it
    columns = np.flatnonzero(mirrored.any(axis=0))
    assert mirrored.mean() > 0.03, "the boat is mirrored in the water below it"
    assert columns.max() - columns.min() > image.shape[1] * 0.3


def test_a_hidden_boat_leaves_no_reflection(view: WorldView) -> None:
    """Hiding an object hides its image in the water too (the mirror holds an instance)."""
    if not view.capabilities.glsl:
        pytest.skip("reflections are drawn by the shaders")
    calm = LAKE.replace("waves: 0.2", "waves: 0.0")
    shot = {"camera": ((0.0, 0.0, 4.0), (0.0, 30.0, 0.0)), "fov": 60.0}
    hidden = render(view, calm + "    cues:\n      - {at: 1, do: hide, target: boat, fade: 0}\n", 5.0, **shot)
    boat = "      boat: {kind: red_boat, pos: [0, 30, 0], hpr: [90, 0, 0]}\n"
    empty = render(view, calm.replace(boat, ""), 5.0, **shot)
    shown = render(view, calm, 5.0, **shot)
    assert np.abs(shown.astype(int) - empty.astype(int)).max() > 60  # the boat and its image
    assert np.abs(hidden.astype(int) - empty.astype(int)).max() <= 3
