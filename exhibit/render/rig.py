"""The visitor rig: where the visitor stands in the scene, where their head is, what they see.

::

    world root
    └── origin   the hall origin placed in the scene: moved by the scene's camera
        ├── head     the visitor's head: a headset or mouse look turns it; scenes never touch it
        │   ├── eye "mono"             one camera (monitors, offscreen)
        │   └── eyes "left", "right"   stereo, iod apart, off-axis towards a converging screen
        └── screens  one camera per projection wall, at the head's position, frustum from the
                     wall's physical corners (walls do not turn with the head)

Scenes move ``origin`` only; nothing in the engine uses ``base.camera``. Every
frustum is computed the same way: a physical or virtual screen rectangle, seen
from an eye, through :meth:`Lens.setFrustumFromCorners`. For a wall the screen
is the projector's wall; for stereo it is a virtual screen at the convergence
distance; so images line up across walls and the eyes agree at that distance.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from exhibit.timeline.frame import CameraState, Vec3

if TYPE_CHECKING:
    from panda3d.core import BitMask32, Lens, NodePath

NEAR = 0.1  # metres; visitors never get closer than this to anything
FAR = 5000.0  # metres; beyond the fog and the terrain
#: The camera-mask bit only right-eye cameras have: what is hidden from it (the left half
#: of a stereo panorama) is not drawn for the right eye, and what shows only to it (the
#: right half) is drawn under the left half for every other camera.
RIGHT_EYE_BIT = 20


def right_eye_mask() -> BitMask32:
    from panda3d.core import BitMask32

    return BitMask32.bit(RIGHT_EYE_BIT)

#: Flags for off-axis screens: the image plane is the screen's plane, the
#: frustum may be off-centre and of any aspect, and rolls with the screen's top edge.
SCREEN_FLAGS_NAMES = ("FC_roll", "FC_off_axis", "FC_aspect_ratio")


@dataclass(frozen=True)
class Screen:
    """A rectangle in space that an image is shown on (a wall, or stereo's virtual screen).

    Corners are in the coordinates of the node the screen is fixed to, in metres.
    """

    name: str
    ll: Vec3
    lr: Vec3
    ul: Vec3

    @property
    def ur(self) -> Vec3:
        return tuple(self.lr[i] + self.ul[i] - self.ll[i] for i in range(3))  # type: ignore[return-value]

    def seen_from(self, eye: Vec3) -> tuple[Vec3, Vec3, Vec3, Vec3]:
        """(ul, ur, ll, lr) relative to an eye: the order ``setFrustumFromCorners`` takes."""

        def rel(p: Vec3) -> Vec3:
            return (p[0] - eye[0], p[1] - eye[1], p[2] - eye[2])

        return rel(self.ul), rel(self.ur), rel(self.ll), rel(self.lr)


def screen_flags() -> int:
    from panda3d.core import Lens

    flags = 0
    for name in SCREEN_FLAGS_NAMES:
        flags |= int(getattr(Lens, name))
    return flags


def frustum_from_screen(lens: Lens, screen: Screen, eye: Vec3) -> None:
    """Aim ``lens`` (at ``eye``, unrotated) at ``screen``: its corners become the image's."""
    from panda3d.core import Point3

    ul, ur, ll, lr = (Point3(*p) for p in screen.seen_from(eye))
    lens.setNearFar(NEAR, FAR)
    lens.setFrustumFromCorners(ul, ur, ll, lr, screen_flags())


def virtual_screen(hfov: float, aspect: float, distance: float) -> Screen:
    """The screen a mono view of ``hfov`` degrees sees at ``distance`` metres, centred ahead."""
    half_w = distance * math.tan(math.radians(hfov) / 2)
    half_h = half_w / aspect
    return Screen(
        "virtual",
        (-half_w, distance, -half_h),
        (half_w, distance, -half_h),
        (-half_w, distance, half_h),
    )


class Rig:
    """The node tree above; cameras are created by the displays and attached here."""

    def __init__(self, world_root: NodePath, iod: float = 0.064, converge: float = 10.0) -> None:
        from panda3d.core import Camera, NodePath, PerspectiveLens

        self._Camera = Camera
        self._PerspectiveLens = PerspectiveLens
        self.world_root = world_root
        self.origin: NodePath = world_root.attachNewNode("hall_origin")
        self.head: NodePath = self.origin.attachNewNode("head")
        self.screens_root: NodePath = self.origin.attachNewNode("screens")
        self.iod = iod
        self.converge = converge
        self.eyes: dict[str, NodePath] = {}
        self.walls: dict[str, tuple[NodePath, Screen]] = {}
        self._aspects: dict[str, float] = {}
        self._fov: float | None = None
        self._head_pos: Vec3 = (0.0, 0.0, 0.0)
        self._NodePath = NodePath

    # -- cameras ---------------------------------------------------------------------------

    def add_eye(self, name: str, aspect: float) -> NodePath:
        """A camera on the head: ``mono`` at its centre, ``left``/``right`` half the iod aside."""
        offset = {"mono": 0.0, "left": -self.iod / 2, "right": self.iod / 2}[name]
        lens = self._PerspectiveLens()
        lens.setNearFar(NEAR, FAR)
        lens.setAspectRatio(aspect)
        cam = self.head.attachNewNode(self._Camera(f"eye_{name}", lens))
        cam.setPos(offset, 0, 0)
        if name == "right":
            cam.node().setCameraMask(right_eye_mask())  # sees the right half of stereo panoramas
        self.eyes[name] = cam
        self._aspects[name] = aspect
        self._fov = None  # recompute frusta on the next apply
        return cam

    def set_aspect(self, name: str, aspect: float) -> None:
        """Give eye ``name`` a new shape (its window was resized); the field of view follows."""
        self._aspects[name] = aspect
        self._fov = None  # recompute frusta on the next apply

    def add_wall(self, screen: Screen) -> NodePath:
        """A camera for one projection wall; corners are relative to the hall origin."""
        lens = self._PerspectiveLens()
        cam = self.screens_root.attachNewNode(self._Camera(f"wall_{screen.name}", lens))
        self.walls[screen.name] = (cam, screen)
        self._update_wall(cam, screen)
        return cam

    def remove_cameras(self) -> None:
        for cam in self.eyes.values():
            cam.removeNode()
        for cam, _ in self.walls.values():
            cam.removeNode()
        self.eyes.clear()
        self.walls.clear()
        self._aspects.clear()

    # -- driving ---------------------------------------------------------------------------

    def apply(self, camera: CameraState) -> None:
        """Place the visitor where the scene's camera is (called every frame)."""
        self.origin.setPosHpr(camera.pos[0], camera.pos[1], camera.pos[2], camera.hpr[0], camera.hpr[1], camera.hpr[2])
        if camera.fov != self._fov:
            self._fov = camera.fov
            self._update_eyes()

    def set_head(self, pos: Vec3 | None = None, hpr: Vec3 | None = None) -> None:
        """Where the visitor's head is relative to the hall origin (a headset, mouse look)."""
        if hpr is not None:
            self.head.setHpr(*hpr)
        if pos is not None and tuple(pos) != self._head_pos:
            self._head_pos = (float(pos[0]), float(pos[1]), float(pos[2]))
            self.head.setPos(*self._head_pos)
            for cam, screen in self.walls.values():
                self._update_wall(cam, screen)

    def set_stereo(self, iod: float, converge: float) -> None:
        self.iod, self.converge = iod, converge
        for name, cam in self.eyes.items():
            cam.setX({"mono": 0.0, "left": -iod / 2, "right": iod / 2}[name])
        self._update_eyes()

    # -- frusta ----------------------------------------------------------------------------

    def _update_eyes(self) -> None:
        fov = self._fov if self._fov is not None else 70.0
        for name, cam in self.eyes.items():
            lens = cam.node().getLens()
            aspect = self._aspects[name]
            if name == "mono":
                lens.setFov(fov, math.degrees(2 * math.atan(math.tan(math.radians(fov) / 2) / aspect)))
                lens.setNearFar(NEAR, FAR)
                continue
            # Stereo: both eyes look at one virtual screen at the convergence distance,
            # each through its own off-axis frustum (no toe-in, so no vertical parallax).
            screen = virtual_screen(fov, aspect, self.converge)
            frustum_from_screen(lens, screen, (cam.getX(), 0.0, 0.0))

    def _update_wall(self, cam: NodePath, screen: Screen) -> None:
        cam.setPos(*self._head_pos)
        frustum_from_screen(cam.node().getLens(), screen, self._head_pos)

    def lenses(self) -> Sequence[Lens]:
        return [c.node().getLens() for c in self.eyes.values()] + [c.node().getLens() for c, _ in self.walls.values()]

    def destroy(self) -> None:
        self.remove_cameras()
        self.origin.removeNode()
