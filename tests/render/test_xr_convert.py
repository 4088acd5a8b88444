"""OpenXR poses and fields of view become Panda3D transforms and lenses with the same geometry.

The runtime values are realistic figures of the kind a Quest 2 and a Valve Index
report through xrLocateViews (rounded; not captured from a device on this
machine): asymmetric angles, each eye seeing more towards its outer side.
"""

from __future__ import annotations

import math
import random

import pytest

from exhibit.render.xr.convert import (
    XrFov,
    XrPose,
    apply_fov,
    film,
    orientation_to_panda,
    pose_to_panda,
    position_to_panda,
    projection_matrix,
    relative_pose,
    transform,
)

pytest.importorskip("panda3d.core")
from panda3d.core import NodePath, PerspectiveLens, Point2, Point3, Quat  # noqa: E402

#: XrFovf per eye (radians), left eye then right eye.
QUEST2 = (
    XrFov(-0.9424778, 0.6981317, 0.8901179, -0.9599311),
    XrFov(-0.6981317, 0.9424778, 0.8901179, -0.9599311),
)
INDEX = (XrFov(-0.9550, 0.8727, 0.9602, -0.9773), XrFov(-0.8727, 0.9550, 0.9602, -0.9773))

#: XrPosef of the head in the LOCAL space: a visitor who stepped a little to the right and
#: forward, turned 30 degrees to the left and looks 10 degrees down.
HEAD = XrPose((0.12, 0.03, -0.05), (-0.084186, 0.2578342, 0.0225576, 0.9622502))
IPD = 0.063


def test_a_point_one_metre_in_front_of_the_user_is_at_y_plus_one() -> None:
    ahead = position_to_panda(transform(XrPose(), (0.0, 0.0, -1.0)))
    assert ahead == pytest.approx((0.0, 1.0, 0.0))
    # The same through Panda3D's scene graph, with the converted head pose.
    root = NodePath("hall")
    head = root.attachNewNode("head")
    pose = pose_to_panda(XrPose())
    head.setPos(*pose.pos)
    head.setQuat(Quat(*pose.quat))
    p = root.getRelativePoint(head, Point3(0, 1, 0))
    assert (p.x, p.y, p.z) == pytest.approx((0.0, 1.0, 0.0))
    # Up is up, right is right.
    assert position_to_panda((0.0, 1.0, 0.0)) == (0.0, 0.0, 1.0)
    assert position_to_panda((1.0, 0.0, 0.0)) == (1.0, 0.0, 0.0)


def test_a_turned_head_looks_where_the_runtime_says() -> None:
    root = NodePath("hall")
    head = root.attachNewNode("head")
    pose = pose_to_panda(HEAD)
    head.setPos(*pose.pos)
    head.setQuat(Quat(*pose.quat))
    # Turned 30 degrees left (Panda3D heading +30) and 10 degrees down (pitch -10).
    h, p, r = head.getHpr()
    assert (h, p, r) == pytest.approx((30.0, -10.0, 0.0), abs=1e-3)
    # A point 1 m in front of the visitor: OpenXR's answer, converted, is where Panda3D puts it.
    expected = position_to_panda(transform(HEAD, (0.0, 0.0, -1.0)))
    got = root.getRelativePoint(head, Point3(0, 1, 0))
    assert (got.x, got.y, got.z) == pytest.approx(expected, abs=1e-6)
    assert got.z == pytest.approx(0.03 - math.sin(math.radians(10)), abs=1e-4)
    assert got.x == pytest.approx(
        0.12 - math.sin(math.radians(30)) * math.cos(math.radians(10)), abs=1e-4
    )
    # Any point in head space, not just the one ahead.
    rng = random.Random(8)
    for _ in range(20):
        local = (rng.uniform(-2, 2), rng.uniform(-2, 2), rng.uniform(-2, 2))
        expected = position_to_panda(transform(HEAD, local))
        got = root.getRelativePoint(head, Point3(*position_to_panda(local)))
        assert (got.x, got.y, got.z) == pytest.approx(expected, abs=1e-5)


def test_tilting_the_head_rolls_the_view_the_same_way() -> None:
    # OpenXR: 20 degrees about +z (towards the viewer) tilts the head to the left.
    half = math.radians(20) / 2
    q = orientation_to_panda((0.0, 0.0, math.sin(half), math.cos(half)))
    node = NodePath("head")
    node.setQuat(Quat(*q))
    right_ear = node.getQuat().xform((1, 0, 0))
    assert right_ear.z == pytest.approx(
        math.sin(math.radians(20)), abs=1e-6
    )  # the right ear goes up
    assert node.getR() == pytest.approx(-20.0, abs=1e-4)


def test_eye_poses_are_taken_relative_to_the_head() -> None:
    for sign in (-1, 1):
        eye_world = XrPose(transform(HEAD, (sign * IPD / 2, 0.0, 0.0)), HEAD.orientation)
        eye = relative_pose(HEAD, eye_world)
        assert eye.position == pytest.approx((sign * IPD / 2, 0.0, 0.0), abs=1e-7)
        assert eye.orientation == pytest.approx((0.0, 0.0, 0.0, 1.0), abs=1e-7)
        assert pose_to_panda(eye).pos == pytest.approx((sign * IPD / 2, 0.0, 0.0), abs=1e-7)


def lens_for(fov: XrFov) -> PerspectiveLens:
    lens = PerspectiveLens()
    apply_fov(lens, fov, 0.1, 5000.0)
    return lens


@pytest.mark.parametrize(
    "fov", [*QUEST2, *INDEX], ids=["quest2-left", "quest2-right", "index-left", "index-right"]
)
def test_the_lens_has_the_runtimes_frustum_edges(fov: XrFov) -> None:
    lens = lens_for(fov)
    left, right, up, down = fov.tangents
    for distance in (0.5, 3.0, 40.0):
        for point, axis, edge in (
            ((left, 1, 0), 0, -1.0),
            ((right, 1, 0), 0, 1.0),
            ((0, 1, up), 1, 1.0),
            ((0, 1, down), 1, -1.0),
        ):
            film_point = Point2()
            assert lens.project(Point3(*(c * distance for c in point)), film_point)
            assert film_point[axis] == pytest.approx(edge, abs=1e-5)
    # And the other way: the image's corners look along the runtime's edge directions.
    for corner, expected in (
        ((-1, -1), (left, down)),
        ((1, 1), (right, up)),
        ((-1, 1), (left, up)),
    ):
        near, far = Point3(), Point3()
        assert lens.extrude(Point2(*corner), near, far)
        assert (far.x / far.y, far.z / far.y) == pytest.approx(expected, abs=1e-5)


@pytest.mark.parametrize("fov", [QUEST2[0], INDEX[1]], ids=["quest2-left", "index-right"])
def test_the_lens_projects_like_openxrs_own_projection_matrix(fov: XrFov) -> None:
    m = projection_matrix(fov, 0.1, 5000.0)
    lens = lens_for(fov)
    rng = random.Random(3)
    for _ in range(50):
        p = (rng.uniform(-3, 3), rng.uniform(-3, 3), -rng.uniform(0.5, 30))  # in front: -z
        clip = [sum(m[r][c] * v for c, v in enumerate((*p, 1.0))) for r in range(4)]
        ndc = (clip[0] / clip[3], clip[1] / clip[3])
        film_point = Point2()
        inside = lens.project(Point3(*position_to_panda(p)), film_point)
        assert inside == (abs(ndc[0]) <= 1 and abs(ndc[1]) <= 1)
        assert (film_point.x, film_point.y) == pytest.approx(ndc, abs=1e-4)


def test_film_of_a_quest_eye() -> None:
    width, height, offset_x, offset_y = film(QUEST2[0])
    assert width == pytest.approx(math.tan(0.6981317) + math.tan(0.9424778))
    assert offset_x == pytest.approx(
        (math.tan(0.6981317) - math.tan(0.9424778)) / 2
    )  # the left eye sees further left
    assert offset_x < 0 < film(QUEST2[1])[2]
    assert height == pytest.approx(math.tan(0.8901179) + math.tan(0.9599311))
    assert QUEST2[0].degrees == pytest.approx((94.0, 106.0), abs=0.01)
