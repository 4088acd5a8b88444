"""A fleet of wooden sailing boats (木帆船) crossing a river: the Yangtze in April 1949.

Each boat is a low dark hull with a raised stern, a mat hood, a mast with a batten sail
(a tall tan lug sail crossed by dark battens), a small red flag at the masthead, four
oars and a few soldiers aboard. The bow points along +y of the object and the waterline
is at z = 0.

The whole fleet is drawn the way a marching column is (:mod:`marchers`): a few Geoms for
any number of boats, each boat placed from ``frame.t`` alone. Boat ``i`` starts at its
place in ``area`` and sails along +y at its own speed (``speed`` times 0.8..1.2) until it
has gone ``distance``; it heaves and yaws a little on the water, and its oars swing fore
and aft about the gunwale (the column's arm swing, pivoted at the hip height, which is
where the gunwale is) until it lands.
"""

from __future__ import annotations

import math

import numpy as np

from exhibit.render.world import marchers
from exhibit.render.world.marchers import HIP, Column
from exhibit.render.world.mesh import Mesh
from exhibit.render.world.piece import BuildContext, Piece
from exhibit.spec.scene import Sailboats

Array = np.ndarray

LENGTH = 9.0  # the design length; other lengths scale the whole boat
BEAM = 2.6
GUNWALE = HIP  # the oars swing about this height: the shader's pivot for a wide swing
HULL = np.array([0.24, 0.18, 0.12, 1.0])  # tarred wood
DECK = np.array([0.36, 0.27, 0.18, 1.0])
HOOD = np.array([0.3, 0.26, 0.18, 1.0])  # bamboo matting
SAIL = np.array([0.6, 0.5, 0.36, 1.0])  # weathered cloth
BATTEN = np.array([0.16, 0.12, 0.09, 1.0])
MAST = np.array([0.3, 0.22, 0.15, 1.0])
OAR = np.array([0.42, 0.33, 0.22, 1.0])
UNIFORM = np.array([0.4, 0.4, 0.32, 1.0])  # soldiers' cotton uniform
SKIN = np.array([0.6, 0.47, 0.37, 1.0])
FLAG_RED = np.array([0.7, 0.12, 0.1, 1.0])

BATTENS = 4  # dark battens across the sail
OAR_SWING = 0.45  # radians each way; over the column's 0.37, so the pivot is the gunwale
STROKES = 0.35  # oar strokes per second
SAIL_SET = 35.0  # degrees the sail is turned from square across the boat
BOAT_REACH = np.array([8.0, 8.0, 11.0])  # metres round a boat's origin that it may fill

#: stations along the hull: (y as a share of the length from midships, half width as a
#: share of the beam, gunwale height in metres)
STATIONS = (
    (-0.5, 0.3, 1.35),
    (-0.38, 0.46, 1.0),
    (-0.1, 0.5, GUNWALE),
    (0.2, 0.47, GUNWALE),
    (0.42, 0.28, 1.0),
    (0.5, 0.1, 1.25),
)
BOTTOM = -0.35  # the hull's flat bottom, below the waterline


def _hull(mesh: Mesh) -> None:
    """Sides, transom, bow and deck of a flat-bottomed hull along +y (design size)."""
    for (y0, w0, z0), (y1, w1, z1) in zip(STATIONS, STATIONS[1:], strict=False):
        y0, y1 = y0 * LENGTH, y1 * LENGTH
        b0, b1 = w0 * BEAM, w1 * BEAM
        k0, k1 = b0 * 0.7, b1 * 0.7  # the chine, narrower than the gunwale
        mesh.quad([(b0, y0, z0), (k0, y0, BOTTOM), (k1, y1, BOTTOM), (b1, y1, z1)][::-1], HULL)
        mesh.quad([(-b0, y0, z0), (-k0, y0, BOTTOM), (-k1, y1, BOTTOM), (-b1, y1, z1)], HULL)
        mesh.quad([(-b0, y0, z0 - 0.12), (b0, y0, z0 - 0.12), (b1, y1, z1 - 0.12), (-b1, y1, z1 - 0.12)], DECK)
    for y, w, z in (STATIONS[0], STATIONS[-1]):
        b, k = w * BEAM, w * BEAM * 0.7
        face = [(-b, y * LENGTH, z), (-k, y * LENGTH, BOTTOM), (k, y * LENGTH, BOTTOM), (b, y * LENGTH, z)]
        mesh.quad(face if y < 0 else face[::-1], HULL)


def _rig(mesh: Mesh) -> None:
    """The mast, the batten sail set at an angle (both faces) and the flag at the top."""
    mast_y = 0.12 * LENGTH
    top = GUNWALE + 7.5
    mesh.cylinder((0.0, mast_y, 0.2), (0.0, mast_y, top), 0.1, 0.06, MAST, sides=4, cap=False)
    a = math.radians(SAIL_SET)
    across = np.array([math.cos(a), -math.sin(a), 0.0])  # along the sail's foot
    base = np.array([0.0, mast_y - 0.15, 0.0])
    foot, head = GUNWALE + 1.0, top - 0.6
    corners = [
        base + across * -1.0 + (0, 0, foot),
        base + across * 3.4 + (0, 0, foot),
        base + across * 2.8 + (0, 0, head),
        base + across * -0.6 + (0, 0, head),
    ]
    mesh.quad(corners, SAIL)
    mesh.quad(corners[::-1], SAIL)
    for k in range(1, BATTENS + 1):  # battens, a little proud of both faces
        z = foot + (head - foot) * k / (BATTENS + 1)
        lo = -1.0 + 0.4 * k / (BATTENS + 1)
        hi = 3.4 - 0.6 * k / (BATTENS + 1)
        for side in (0.03, -0.03):
            normal = np.array([math.sin(a), math.cos(a), 0.0]) * side
            strip = [
                base + across * lo + (0, 0, z - 0.05) + normal,
                base + across * hi + (0, 0, z - 0.05) + normal,
                base + across * hi + (0, 0, z + 0.05) + normal,
                base + across * lo + (0, 0, z + 0.05) + normal,
            ]
            mesh.quad(strip if side > 0 else strip[::-1], BATTEN)
    cloth = [
        (0.0, mast_y, top - 0.6),
        (0.0, mast_y, top),
        (0.0, mast_y - 0.9, top - 0.05),
        (0.0, mast_y - 0.9, top - 0.55),
    ]
    mesh.quad(cloth, FLAG_RED)
    mesh.quad(cloth[::-1], FLAG_RED)


def _crew(mesh: Mesh) -> None:
    """The mat hood aft and soldiers sitting and standing in the boat (no faces below the
    deck: nobody sees them, and a fleet of hundreds pays for every triangle)."""
    mesh.box((0.0, -0.26 * LENGTH, GUNWALE + 0.45), (1.9, 2.0, 0.9), HOOD, bottom=False)
    for x, y, standing in ((-0.5, -0.02, False), (0.5, 0.22, False), (0.0, 0.33, True), (0.3, -0.42, True)):
        height = 1.45 if standing else 0.85
        base = GUNWALE - 0.12
        mesh.box((x, y * LENGTH, base + height / 2), (0.42, 0.3, height), UNIFORM, bottom=False)
        mesh.box((x, y * LENGTH, base + height + 0.12), (0.22, 0.22, 0.24), SKIN, bottom=False)


def _oars(mesh: Mesh, swing: list[Array]) -> None:
    """Two oars a side, from the gunwale out and down into the water."""
    for x in (1.0, -1.0):
        for y in (-0.02, 0.2):
            start = mesh.count
            inboard = (x * 0.45 * BEAM, y * LENGTH, GUNWALE + 0.35)
            blade = (x * (0.5 * BEAM + 2.6), y * LENGTH - 0.3, -0.2)
            mesh.cylinder(inboard, blade, 0.05, 0.05, OAR, sides=3, cap=False)
            bx, by, bz = blade[0] - x * 0.1, blade[1], blade[2] + 0.2
            paddle = [
                (bx, by - 0.18, bz - 0.3),
                (bx, by + 0.18, bz - 0.3),
                (bx, by + 0.18, bz + 0.3),
                (bx, by - 0.18, bz + 0.3),
            ]
            mesh.quad(paddle, OAR)
            mesh.quad(paddle[::-1], OAR)
            swing.append(np.full(mesh.count - start, OAR_SWING))


def template() -> tuple[Array, Array, Array, Array, Array]:
    """One boat at the design length: positions, normals, colours, triangles, swing per vertex."""
    mesh = Mesh()
    _hull(mesh)
    _rig(mesh)
    _crew(mesh)
    swing = [np.zeros(mesh.count)]
    _oars(mesh, swing)
    p, n, c, _, t = mesh.arrays()
    return p, n, c, t, np.concatenate(swing)


class Fleet(Column):
    """Every boat's vertices as a function of show time (a column whose figures are boats)."""

    reach = BOAT_REACH

    def __init__(self, obj: Sailboats) -> None:
        self.count = obj.count
        self.speed = obj.speed
        self.distance = obj.distance
        rng = np.random.default_rng(obj.seed * 7919 + obj.count)
        n = obj.count
        # staggered rows across the front, a little disorder in each
        rows = max(1, round(math.sqrt(n * obj.area[1] / max(obj.area[0], 1.0))))
        per_row = math.ceil(n / rows)
        i = np.arange(n)
        col, row = i % per_row, i // per_row
        x = (col + 0.5 + 0.5 * (row % 2)) / per_row - 0.5
        self.start = np.stack(
            [
                x * obj.area[0] + rng.uniform(-0.3, 0.3, n) * obj.area[0] / per_row,
                (row + 0.5) / rows * obj.area[1] - obj.area[1] / 2 + rng.uniform(-0.3, 0.3, n) * obj.area[1] / rows,
            ],
            1,
        )
        self.pace = obj.speed * rng.uniform(0.8, 1.2, n)
        self.stop = obj.distance + rng.uniform(-0.02, 0.02, n) * obj.distance
        self.yaw = rng.uniform(-0.07, 0.07, n)
        self.wobble = rng.uniform(0.0, 2 * math.pi, n)
        size = obj.length / LENGTH * rng.uniform(0.85, 1.15, n)
        self._fill(size, rng.uniform(0.85, 1.1, n))
        self.index = i

    def _fill(self, size: Array, tint: Array) -> None:
        """The arrays :class:`Column` draws from: every boat's vertices in its own frame."""
        p, n, c, t, swing = template()
        v = len(p)
        self.local = (p[None, :, :] * size[:, None, None]).reshape(-1, 3).astype(np.float64)
        self.normals = np.tile(n, (self.count, 1)).astype(np.float64)
        shade = np.ones((self.count, 1, 4), dtype=np.float32)
        shade[:, 0, :3] = tint[:, None]
        sail = np.all(np.isclose(c, SAIL), axis=1)  # only the sails differ in tint
        colors = np.where(sail[None, :, None], c[None] * shade, c[None])
        self.colors = colors.reshape(-1, 4).astype(np.float32)
        self.uvs = np.zeros((self.count * v, 2), dtype=np.float32)
        self.triangles = (t[None, :, :] + (np.arange(self.count) * v)[:, None, None]).reshape(-1, 3)
        self.fig = np.repeat(np.arange(self.count), v)
        self.swing = np.tile(swing, self.count)
        # the column's pivot rule (marchers.vert.glsl): a swing over 0.37 turns about the hip
        self.pivot = np.where(np.abs(self.swing) > 0.37, HIP, 0.0)

    def figures(self, t: float) -> tuple[Array, Array, Array, Array]:
        """Per boat at time ``t``: where it floats (n, 3), heading, oar phase, drawn."""
        travelled = np.minimum(self.pace * t, self.stop)
        landed_at = self.stop / np.maximum(self.pace, 1e-6)
        rowing = np.minimum(t, landed_at)
        where = np.empty((self.count, 3))
        where[:, 0] = self.start[:, 0] + 0.6 * np.sin(0.11 * t + self.wobble)
        where[:, 1] = self.start[:, 1] + travelled
        where[:, 2] = 0.1 * np.sin(0.9 * t + self.wobble)
        heading = self.yaw + 0.03 * np.sin(0.4 * t + 2 * self.wobble)
        phase = 2 * np.pi * STROKES * rowing + self.wobble
        return where, heading, phase, np.ones(self.count, dtype=bool)


def build(obj_id: str, obj: Sailboats, ctx: BuildContext) -> Piece:
    return marchers.place(obj_id, Fleet(obj), ctx)
