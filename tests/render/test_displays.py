"""Display modes: stereo pairs that really differ, projection walls that meet edge to edge."""

from __future__ import annotations

import numpy as np
import pytest

from exhibit.render.rig import Rig, Screen, frustum_from_screen, virtual_screen
from exhibit.spec.errors import ExhibitError
from exhibit.spec.hall import Hall
from tests.render.conftest import frame_at, luminance, project_with

pytestmark = pytest.mark.needs_display

#: A house 8 m ahead on a white sky, nearer than the stereo convergence distance (20 m),
#: so the left eye sees it further right than the right eye does.
NEAR_HOUSE = """
    languages: [zh]
    environment:
      sky: {zenith: "#ffffff", horizon: "#ffffff"}
      ambient: {color: "#ffffff", intensity: 0.5}
    objects:
      house: {kind: house, pos: [0, 8, -1.2], size: [1.2, 1.2, 1.2], roof: "#303030"}
    camera:
      fov: 70
      keys:
        - {at: 0, pos: [0, 0, 0], hpr: [0, 0, 0]}
    duration: 5
"""
STEREO_HALL = Hall.model_validate({"display": {"mode": "sbs", "iod": 0.2, "converge": 20}})
HOUSE_DEPTH = 8.0

THREE_WALLS = """
    display:
      mode: wall
      walls:
        - name: left
          corners: {ll: [-3, -3, 0], lr: [-3, 3, 0], ul: [-3, -3, 3.4]}
          window: {origin: [0, 0], size: [160, 96]}
        - name: front
          corners: {ll: [-3, 3, 0], lr: [3, 3, 0], ul: [-3, 3, 3.4]}
          window: {origin: [160, 0], size: [160, 96]}
        - name: right
          corners: {ll: [3, 3, 0], lr: [3, -3, 0], ul: [3, 3, 3.4]}
          window: {origin: [320, 0], size: [160, 96]}
"""


def dark_centroid_x(image: np.ndarray) -> float:
    """Horizontal centre of what is clearly darker than the white sky (the house), in pixels."""
    mask = luminance(image) < 170
    assert mask.sum() > 30, "the near object is not in the picture"
    return float(np.nonzero(mask)[1].mean())


def test_sbs_gives_each_eye_its_own_picture_with_the_right_parallax(make_player, tmp_path):
    player = make_player(
        project_with(tmp_path, NEAR_HOUSE, "near"),
        display="sbs",
        size=(640, 180),
        audio=False,
        hall=STEREO_HALL,
    )
    player.load("near")
    assert [v.name for v in player.displays.views] == ["left", "right"]
    image = frame_at(player, 1.0)
    left, right = image[:, :320], image[:, 320:]
    assert np.abs(left.astype(int) - right.astype(int)).mean() > 0.5  # two different eye images
    # Parallax: for an object nearer than the convergence distance the left eye's image
    # of it lies further right. Swapped eyes would show the opposite sign.
    shift = dark_centroid_x(left) - dark_centroid_x(right)
    # Expected disparity: f * iod * (1/d - 1/converge), f in pixels of one eye's half.
    f = 160 / np.tan(np.radians(70 / 2))
    expected = f * 0.2 * (1 / HOUSE_DEPTH - 1 / 20.0)
    assert shift == pytest.approx(expected, rel=0.35)


def test_anaglyph_puts_the_left_eye_in_red_and_the_right_eye_in_cyan(make_player, tmp_path):
    player = make_player(
        project_with(tmp_path, NEAR_HOUSE, "near"),
        display="anaglyph",
        size=(320, 180),
        audio=False,
        hall=STEREO_HALL,
    )
    player.load("near")
    image = frame_at(player, 1.0)
    red = np.repeat(image[..., :1], 3, axis=2)
    cyan = np.repeat(image[..., 1:2], 3, axis=2)
    shift = dark_centroid_x(red) - dark_centroid_x(cyan)
    assert shift > 1.0  # the red (left-eye) house sits to the right of the cyan (right-eye) one


def test_mono_and_offscreen_give_one_view_of_the_asked_size(make_player, tmp_path):
    player = make_player(project_with(tmp_path, NEAR_HOUSE, "near"), size=(256, 144), audio=False)
    player.load("near")
    assert [v.name for v in player.displays.views] == ["mono"]
    assert frame_at(player, 1.0).shape == (144, 256, 3)


def test_unknown_and_unavailable_modes_are_clear_errors(app, tmp_path):
    from exhibit.render.displays import ScreenDisplays

    rig = Rig(__import__("panda3d.core", fromlist=["NodePath"]).NodePath("scene"))
    with pytest.raises(ExhibitError, match="unknown display mode 'wal'"):
        ScreenDisplays(app, rig, "wal", (64, 64))
    with pytest.raises(ExhibitError, match="'xr'"):
        ScreenDisplays(app, rig, "xr", (64, 64))


# -- projection walls -------------------------------------------------------------------------


def walls_from(text: str) -> list[Screen]:
    import yaml

    hall = Hall.model_validate(yaml.safe_load(text))
    return [Screen(w.name, tuple(w.corners.ll), tuple(w.corners.lr), tuple(w.corners.ul)) for w in hall.display.walls]


def project(lens, point) -> tuple[float, float] | None:
    from panda3d.core import Point2, Point3

    out = Point2()
    if not lens.project(Point3(*point), out):
        return None
    return out[0], out[1]


def wall_lens(screen: Screen, eye=(0.0, 0.0, 0.0)):
    from panda3d.core import PerspectiveLens

    lens = PerspectiveLens()
    frustum_from_screen(lens, screen, eye)
    return lens


def test_each_wall_frustum_is_exactly_its_screen():
    for screen in walls_from(THREE_WALLS):
        lens = wall_lens(screen)
        for corner, ndc in (
            (screen.ll, (-1, -1)),
            (screen.lr, (1, -1)),
            (screen.ul, (-1, 1)),
            (screen.ur, (1, 1)),
        ):
            assert project(lens, corner) == pytest.approx(ndc, abs=1e-4), (screen.name, corner)


def test_adjacent_walls_meet_edge_to_edge_for_a_viewer_at_the_origin():
    left, front, right = walls_from(THREE_WALLS)
    lenses = {s.name: wall_lens(s) for s in (left, front, right)}
    # Any point seen through the seam between two walls (at any depth) lands on the right
    # edge of one image and the left edge of the next, at the same height.
    for seam, (a, b) in (((-3.0, 3.0), ("left", "front")), ((3.0, 3.0), ("front", "right"))):
        for z in (0.0, 0.7, 1.7, 3.4):
            for depth in (0.5, 1.0, 7.5, 40.0):
                point = (seam[0] * depth, seam[1] * depth, z * depth)
                pa, pb = project(lenses[a], point), project(lenses[b], point)
                assert pa is not None and pb is not None
                assert pa[0] == pytest.approx(1.0, abs=1e-4) and pb[0] == pytest.approx(-1.0, abs=1e-4)
                assert pa[1] == pytest.approx(pb[1], abs=1e-4)
    # A point just either side of the seam shows on exactly one of the two walls.
    inside_left = project(lenses["left"], (-30, 29.5, 10))
    assert inside_left is not None and abs(inside_left[0]) <= 1
    beyond = project(lenses["front"], (-30, 29.5, 10))
    assert beyond is None or abs(beyond[0]) > 1


def test_a_far_point_appears_where_its_ray_crosses_the_wall():
    _, front, _ = walls_from(THREE_WALLS)
    lens = wall_lens(front)
    # (2, 30, 17) crosses the front wall (y = 3) at (0.2, 3, 1.7):
    # 0.2 / 3 of the half-width, mid-height.
    x, y = project(lens, (2.0, 30.0, 17.0))
    assert x == pytest.approx(0.2 / 3.0, abs=1e-4)
    assert y == pytest.approx(0.0, abs=1e-4)


def test_a_tracked_head_keeps_the_walls_consistent():
    """Moving the head re-aims every wall so the seams still agree (a continuous picture)."""
    left, front, _ = walls_from(THREE_WALLS)
    eye = (0.4, -0.8, 1.2)
    la, lb = wall_lens(left, eye), wall_lens(front, eye)
    for depth in (1.0, 5.0):
        seam = (-3.0, 3.0, 2.0)
        point = tuple(eye[i] + (seam[i] - eye[i]) * depth for i in range(3))
        pa, pb = project(la, point_rel(point, eye)), project(lb, point_rel(point, eye))
        assert pa[0] == pytest.approx(1.0, abs=1e-4) and pb[0] == pytest.approx(-1.0, abs=1e-4)
        assert pa[1] == pytest.approx(pb[1], abs=1e-4)


def point_rel(point, eye):
    return tuple(point[i] - eye[i] for i in range(3))


def test_stereo_eyes_agree_at_the_convergence_distance():
    screen = virtual_screen(70.0, 16 / 9, 10.0)
    left, right = wall_lens(screen, (-0.032, 0, 0)), wall_lens(screen, (0.032, 0, 0))
    at_screen = (1.0, 10.0, 0.5)
    pl = project(left, point_rel(at_screen, (-0.032, 0, 0)))
    pr = project(right, point_rel(at_screen, (0.032, 0, 0)))
    assert pl == pytest.approx(pr, abs=1e-5)  # zero parallax on the convergence plane
    near = (0.0, 2.0, 0.0)
    assert project(left, point_rel(near, (-0.032, 0, 0)))[0] > project(right, point_rel(near, (0.032, 0, 0)))[0]


def test_wall_mode_opens_one_output_per_projector_and_captions_go_on_the_front_wall(make_player, tmp_path):
    player = make_player(
        project_with(tmp_path, NEAR_HOUSE, "near"),
        display="wall",
        hall=Hall.model_validate(__import__("yaml").safe_load(THREE_WALLS)),
        size=None,
        audio=False,
    )
    player.load("near")
    displays = player.displays
    assert [v.name for v in displays.views] == ["left", "front", "right"]
    assert [(o.getXSize(), o.getYSize()) for o in displays.outputs] == [(160, 96)] * 3
    assert len(displays.overlay_regions) == 1
    assert displays.overlay_regions[0].getWindow() == displays.outputs[1]
    # The rig's wall cameras are the ones drawing each output.
    for view, screen in zip(displays.views, walls_from(THREE_WALLS), strict=True):
        lens = view.camera.node().getLens()
        assert project(lens, screen.ll) == pytest.approx((-1, -1), abs=1e-4)
    captures = [displays.capture(i) for i in range(3)]
    player.step(1.0)
    for capture in captures:
        assert capture.pixels().shape == (96, 160, 3)


def test_a_window_too_big_for_the_screen_is_shrunk_to_fit_keeping_its_shape() -> None:
    from exhibit.render.displays import fit_window

    assert fit_window((1920, 1080), (1366, 768)) == (1187, 668)  # room left for a title bar and panels
    assert fit_window((3840, 1080), (1366, 768)) == (1286, 361)  # side by side: both eyes, same shape
    assert fit_window((1280, 720), (1366, 768)) == (1280, 720)  # fits: as asked
    assert fit_window((1920, 1080), None) == (1920, 1080)  # no screen to go by
