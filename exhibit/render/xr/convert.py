"""OpenXR poses and fields of view in Panda3D's terms.

OpenXR (spec section 2.16, "Coordinate System"): right-handed, metres, +x right,
+y up, -z forward; orientations are unit quaternions (x, y, z, w). Panda3D:
right-handed, +x right, +y forward, +z up; quaternions are (r, i, j, k) = (w, x, y, z).

The change of basis is a proper rotation (determinant +1), so it maps vectors and
the vector part of a quaternion alike::

    Panda3D (x, y, z) = OpenXR (x, -z, y)

A field of view (``XrFovf``) is four angles in radians from the view direction
to the image edges: ``angle_left`` and ``angle_down`` are negative when the edge
lies left of or below the centre, and the two sides differ (each eye sees more
towards its outer side). In tangent space, one metre in front of the eye, the
image spans ``tan(left)..tan(right)`` by ``tan(down)..tan(up)``; a Panda3D
``PerspectiveLens`` with focal length 1 and that film size and offset has
exactly those edges.

Everything here is plain arithmetic on tuples, except :func:`apply_fov`, which
sets a Panda3D lens.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from exhibit.timeline.frame import Vec3

if TYPE_CHECKING:
    from panda3d.core import Lens

Quat = tuple[float, float, float, float]


@dataclass(frozen=True)
class XrPose:
    """An ``XrPosef``: position in metres, orientation as OpenXR's (x, y, z, w)."""

    position: Vec3 = (0.0, 0.0, 0.0)
    orientation: Quat = (0.0, 0.0, 0.0, 1.0)


@dataclass(frozen=True)
class XrFov:
    """An ``XrFovf``: angles in radians from the view direction to each image edge."""

    angle_left: float
    angle_right: float
    angle_up: float
    angle_down: float

    @property
    def tangents(self) -> tuple[float, float, float, float]:
        """(left, right, up, down) edges one metre in front of the eye."""
        return (
            math.tan(self.angle_left),
            math.tan(self.angle_right),
            math.tan(self.angle_up),
            math.tan(self.angle_down),
        )

    @property
    def degrees(self) -> tuple[float, float]:
        """Horizontal and vertical field of view in degrees."""
        return (
            math.degrees(self.angle_right - self.angle_left),
            math.degrees(self.angle_up - self.angle_down),
        )


@dataclass(frozen=True)
class PandaPose:
    """A pose in Panda3D's axes: position, and orientation as Panda3D's (r, i, j, k)."""

    pos: Vec3
    quat: Quat


def position_to_panda(p: Vec3) -> Vec3:
    return (p[0], -p[2], p[1])


def orientation_to_panda(q: Quat) -> Quat:
    """OpenXR (x, y, z, w) to Panda3D (r, i, j, k) in Panda3D's axes."""
    x, y, z, w = q
    norm = math.sqrt(x * x + y * y + z * z + w * w) or 1.0
    return (w / norm, x / norm, -z / norm, y / norm)


def pose_to_panda(pose: XrPose) -> PandaPose:
    return PandaPose(position_to_panda(pose.position), orientation_to_panda(pose.orientation))


def relative_pose(parent: XrPose, child: XrPose) -> XrPose:
    """``child`` (in the same space as ``parent``) seen from ``parent``: parent^-1 * child."""
    inv = _conjugate(parent.orientation)
    d = tuple(c - p for c, p in zip(child.position, parent.position, strict=True))
    return XrPose(rotate(inv, d), _normalise(_multiply(inv, child.orientation)))  # type: ignore[arg-type]


def rotate(q: Quat, v: Vec3) -> Vec3:
    """Rotate vector ``v`` by OpenXR quaternion ``q`` (x, y, z, w)."""
    x, y, z, w = q
    # v' = v + 2w (u x v) + 2 u x (u x v), u = (x, y, z)
    cx = y * v[2] - z * v[1]
    cy = z * v[0] - x * v[2]
    cz = x * v[1] - y * v[0]
    return (
        v[0] + 2 * (w * cx + y * cz - z * cy),
        v[1] + 2 * (w * cy + z * cx - x * cz),
        v[2] + 2 * (w * cz + x * cy - y * cx),
    )


def transform(pose: XrPose, point: Vec3) -> Vec3:
    """A point given in ``pose``'s own frame, in the frame the pose is expressed in."""
    r = rotate(pose.orientation, point)
    return (r[0] + pose.position[0], r[1] + pose.position[1], r[2] + pose.position[2])


def _conjugate(q: Quat) -> Quat:
    return (-q[0], -q[1], -q[2], q[3])


def _multiply(a: Quat, b: Quat) -> Quat:
    ax, ay, az, aw = a
    bx, by, bz, bw = b
    return (
        aw * bx + ax * bw + ay * bz - az * by,
        aw * by - ax * bz + ay * bw + az * bx,
        aw * bz + ax * by - ay * bx + az * bw,
        aw * bw - ax * bx - ay * by - az * bz,
    )


def _normalise(q: Quat) -> Quat:
    n = math.sqrt(sum(c * c for c in q)) or 1.0
    return (q[0] / n, q[1] / n, q[2] / n, q[3] / n)


def film(fov: XrFov) -> tuple[float, float, float, float]:
    """(width, height, offset x, offset y) of a focal-length-1 film with ``fov``'s edges."""
    left, right, up, down = fov.tangents
    return (right - left, up - down, (right + left) / 2.0, (up + down) / 2.0)


def apply_fov(lens: Lens, fov: XrFov, near: float, far: float) -> None:
    """Give a Panda3D ``PerspectiveLens`` exactly the runtime's asymmetric frustum."""
    width, height, offset_x, offset_y = film(fov)
    lens.setFocalLength(1.0)
    lens.setFilmSize(width, height)
    lens.setFilmOffset(offset_x, offset_y)
    lens.setNearFar(near, far)


def projection_matrix(fov: XrFov, near: float, far: float) -> tuple[tuple[float, ...], ...]:
    """The OpenGL projection OpenXR's samples build (``XrMatrix4x4f_CreateProjectionFov``),
    column-vector convention, in OpenXR's axes: clip = M @ (x, y, z, 1)."""
    left, right, up, down = fov.tangents
    w, h = right - left, up - down
    return (
        (2 / w, 0.0, (right + left) / w, 0.0),
        (0.0, 2 / h, (up + down) / h, 0.0),
        (0.0, 0.0, -(far + near) / (far - near), -2 * far * near / (far - near)),
        (0.0, 0.0, -1.0, 0.0),
    )
