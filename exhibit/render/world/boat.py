"""The South Lake red boat: a painted wooden pleasure boat (画舫) about 16 m long.

What a visitor must recognise: a long shallow hull with upswept ends, a long low
cabin with lattice windows between red posts, a curved (arched) roof with slightly
raised ends, red lacquer with dark trim, and a small dark tender boat alongside.
Everything is built for ``length`` 16 m and scaled; the boat's bow points along +y
and its waterline is at z = 0 of the object. On water it rides a slow swell.
"""

from __future__ import annotations

import math

import numpy as np
from panda3d.core import NodePath

from exhibit.render.world.parts import Material, Parts
from exhibit.render.world.piece import BuildContext, Piece
from exhibit.spec.scene import RedBoat
from exhibit.timeline.frame import FrameState

Array = np.ndarray

LENGTH = 16.0  # the design length; other lengths scale the whole boat
RED = (0.74, 0.14, 0.1, 1.0)  # lacquer
RED_HULL = (0.6, 0.12, 0.08, 1.0)
TRIM = (0.15, 0.1, 0.08, 1.0)
ROOF = (0.2, 0.17, 0.15, 1.0)
DECK = (0.4, 0.29, 0.2, 1.0)
LATTICE = (0.92, 0.6, 0.48, 1.0)  # red-stained bars over pale panes
TENDER = (0.27, 0.2, 0.15, 1.0)
CANOPY = (0.23, 0.2, 0.15, 1.0)

WOOD = Material("wood")
LACQUER = Material("wood", gloss=0.35)
WINDOWS = Material("lattice", translucent=0.6)
PLAIN = Material("white")
ROOF_MAT = Material("tiles", gloss=0.1)


def half_beam(s: Array, length: float, beam: float) -> Array:
    """Half width of the hull at ``s`` metres from midships: full, with blunt narrowed ends."""
    u = np.clip(np.abs(s) / (length / 2 * 1.04), 0.0, 1.0)
    return beam / 2 * np.sqrt(np.clip(1.0 - u**3, 0.0, 1.0)) + 0.05


def sheer(s: Array, length: float) -> Array:
    """Height of the deck edge: low midships, sweeping up at bow and stern."""
    u = np.abs(s) / (length / 2)
    return 0.55 + 0.85 * u**2.6


def keel(s: Array, length: float) -> Array:
    u = np.abs(s) / (length / 2)
    return -0.45 + 0.4 * u**2


def hull(
    parts: Parts,
    length: float,
    beam: float,
    side: tuple[float, ...],
    bottom: tuple[float, ...],
    deck: tuple[float, ...],
    stations: int = 28,
    girth: int = 9,
) -> None:
    """Loft a hull between its ends; colour the lower strake dark (the waterline)."""
    s = np.linspace(-length / 2, length / 2, stations)
    b = half_beam(s, length, beam)
    zd = sheer(s, length)
    zk = keel(s, length)
    theta = np.linspace(-np.pi / 2, np.pi / 2, girth)  # port deck edge .. keel .. starboard
    c = np.cos(theta)
    sn = np.sin(theta)
    p = 3.2  # superellipse: a full, boxy section
    x = np.sign(sn)[None, :] * np.abs(sn)[None, :] ** (2 / p) * b[:, None]
    depth = np.abs(c)[None, :] ** (2 / p)
    z = zd[:, None] - (zd - zk)[:, None] * depth
    y = np.broadcast_to(s[:, None], x.shape)
    pos = np.stack([x, y, z], -1)
    colors = np.where((z < 0.12)[..., None], np.asarray(bottom), np.asarray(side))
    uv = np.stack([z * 2.2, y / 2.0], -1)  # planks run along the hull
    parts[LACQUER].surface(pos, colors, uv, outward=(0.0, 0.0, -1.0))
    # deck: a surface between the deck edges, a little below them
    across = np.linspace(-1, 1, 5)
    dz = zd[:, None] - 0.08 + 0.04 * (1 - across[None, :] ** 2)
    dpos = np.stack(
        [across[None, :] * (b[:, None] - 0.04), np.broadcast_to(s[:, None], dz.shape), dz], -1
    )
    duv = np.stack([dpos[..., 1] / 1.5, dpos[..., 0] / 1.5], -1)
    parts[WOOD].surface(dpos, np.asarray(deck), duv, outward=(0.0, 0.0, 1.0))
    # end transoms close the hull
    for end in (0, -1):
        ring = pos[end]
        sign = 1.0 if s[end] > 0 else -1.0
        pts = list(ring) + [ring[0]]
        center = ring.mean(axis=0)
        for a, bb in zip(pts[:-1], pts[1:], strict=True):
            tri = [center, a, bb] if sign > 0 else [center, bb, a]
            parts[WOOD].polygon(tri, side)
    # gunwale: a dark rail along each deck edge
    for side_sign in (-1.0, 1.0):
        rail = np.stack([side_sign * (b + 0.03), s, zd + 0.05], -1)
        _strip(parts[PLAIN], rail, 0.09, 0.12, TRIM)


def _strip(
    mesh: object, path: Array, width: float, height: float, color: tuple[float, ...]
) -> None:
    """A square rod following a polyline (rails, ridges)."""
    from exhibit.render.world.mesh import Mesh

    assert isinstance(mesh, Mesh)
    for a, b in zip(path[:-1], path[1:], strict=True):
        d = b - a
        length = float(np.linalg.norm(d))
        if length < 1e-6:
            continue
        heading = math.degrees(math.atan2(-d[0], d[1]))
        pitch = math.degrees(math.atan2(d[2], math.hypot(d[0], d[1])))
        from exhibit.render.world.mesh import rotation_x, rotation_z

        rot = rotation_z(heading) @ rotation_x(pitch)
        seg = Mesh()
        seg.box((0, length / 2, 0), (width, length + 0.02, height), color)
        mesh.extend(seg, rot, a)


def cabin(
    parts: Parts, start: float, end: float, half_width: float, floor: float, height: float
) -> None:
    """The long low cabin: red panels below, a band of lattice windows between red posts,
    a dark beam above; end walls with a dark door opening."""
    length = end - start
    panel = 0.55
    window_top = height - 0.22
    for sx in (-1.0, 1.0):
        x = sx * half_width

        def q(
            y0: float,
            y1: float,
            z0: float,
            z1: float,
            mat: Material,
            color: tuple[float, ...],
            uv: tuple[float, float],
            x: float = x,
            sx: float = sx,
        ) -> None:
            corners = [(x, y0, z0), (x, y1, z0), (x, y1, z1), (x, y0, z1)]
            if sx < 0:
                corners = [(x, y1, z0), (x, y0, z0), (x, y0, z1), (x, y1, z1)]
            parts[mat].quad(corners, color, uv)

        q(start, end, floor, floor + panel, LACQUER, RED, (1.2, 1.2))
        q(
            start,
            end,
            floor + panel,
            floor + window_top,
            WINDOWS,
            LATTICE,
            (0.95, window_top - panel),
        )
        q(start, end, floor + window_top, floor + height, PLAIN, TRIM, (1.0, 1.0))
        # posts between the windows, standing proud of the wall
        n = max(2, int(round(length / 0.95)))
        for i in range(n + 1):
            y = start + length * i / n
            parts[LACQUER].box((x + sx * 0.04, y, floor + height / 2), (0.1, 0.12, height), RED)
        # a dark sill under the windows
        parts[PLAIN].box(
            (x + sx * 0.05, (start + end) / 2, floor + panel), (0.08, length + 0.1, 0.07), TRIM
        )
    for y, sy in ((start, -1.0), (end, 1.0)):
        corners = [
            (-half_width, y, floor),
            (half_width, y, floor),
            (half_width, y, floor + height),
            (-half_width, y, floor + height),
        ]
        if sy > 0:
            corners = [corners[1], corners[0], corners[3], corners[2]]
        parts[LACQUER].quad(corners, RED, (1.2, 1.2))
        door = [
            (-0.45, y + sy * 0.02, floor),
            (0.45, y + sy * 0.02, floor),
            (0.45, y + sy * 0.02, floor + 1.55),
            (-0.45, y + sy * 0.02, floor + 1.55),
        ]
        if sy > 0:
            door = [door[1], door[0], door[3], door[2]]
        parts[PLAIN].quad(door, (0.08, 0.05, 0.04, 1.0))
        # lattice side lights beside the door
        for side in (-1.0, 1.0):
            x0, x1 = side * 0.6, side * (half_width - 0.15)
            lo, hi = min(x0, x1), max(x0, x1)
            win = [
                (lo, y + sy * 0.02, floor + panel),
                (hi, y + sy * 0.02, floor + panel),
                (hi, y + sy * 0.02, floor + window_top),
                (lo, y + sy * 0.02, floor + window_top),
            ]
            if sy > 0:
                win = [win[1], win[0], win[3], win[2]]
            parts[WINDOWS].quad(win, LATTICE, (0.95, window_top - panel))


def roof(
    parts: Parts, start: float, end: float, half_width: float, base: float, rise: float
) -> None:
    """An arched roof over the cabin, its ends lifting a little, with a red fascia."""
    ys = np.linspace(start, end, 14)
    xs = np.linspace(-half_width, half_width, 11)
    u = np.abs(ys - (start + end) / 2) / ((end - start) / 2)
    lift = 0.18 * u**3
    arch = rise * (1 - (xs / half_width) ** 2)
    z = base + lift[:, None] + arch[None, :]
    pos = np.stack(
        [np.broadcast_to(xs[None, :], z.shape), np.broadcast_to(ys[:, None], z.shape), z], -1
    )
    uv = np.stack([pos[..., 0] * 1.0, pos[..., 1] * 1.0], -1)
    parts[ROOF_MAT].surface(pos, ROOF, uv, outward=(0.0, 0.0, 1.0))
    under = pos.copy()
    under[..., 2] -= 0.06
    parts[PLAIN].surface(under, TRIM, uv, outward=(0.0, 0.0, -1.0))
    for side in (0, -1):  # fascia boards along the eaves
        edge = pos[:, side].copy()
        edge[:, 2] -= 0.05
        _strip(parts[LACQUER], edge, 0.07, 0.16, RED)
    for end_i in (0, -1):
        edge = pos[end_i].copy()
        edge[:, 2] -= 0.05
        _strip(parts[LACQUER], edge, 0.07, 0.16, RED)


def tender(parts: Parts, offset: tuple[float, float, float]) -> None:
    """A small dark sampan with an arched mat canopy, tied alongside."""
    sub = Parts()
    hull(
        sub,
        5.2,
        1.3,
        TENDER,
        (0.12, 0.09, 0.07, 1.0),
        (0.33, 0.25, 0.18, 1.0),
        stations=14,
        girth=7,
    )
    ys = np.linspace(-1.0, 0.9, 6)
    angle = np.linspace(0, np.pi, 9)
    x = -0.55 * np.cos(angle)
    z = 0.62 + 0.62 * np.sin(angle)
    pos = np.stack(
        [
            np.broadcast_to(x[None, :], (6, 9)),
            np.broadcast_to(ys[:, None], (6, 9)),
            np.broadcast_to(z[None, :], (6, 9)),
        ],
        -1,
    )
    uv = np.stack([pos[..., 0] * 2, pos[..., 1] * 2], -1)
    sub[Material("thatch", two_sided=True)].surface(pos, CANOPY, uv, outward=(0.0, 0.0, 1.0))
    for material, mesh in sub.meshes.items():
        parts[material].extend(mesh, None, offset)


def build(obj_id: str, obj: RedBoat, ctx: BuildContext) -> Piece:
    parts = Parts()
    beam = 3.7
    hull(parts, LENGTH, beam, RED_HULL, (0.16, 0.1, 0.08, 1.0), DECK)
    floor = 0.5
    cabin(parts, -4.4, 3.6, 1.42, floor, 1.85)
    roof(parts, -4.9, 4.1, 1.72, floor + 1.85, 0.42)
    # a low rail round the open bow deck, and the stern oar (yuloh)
    for sx in (-1.0, 1.0):
        ys = np.linspace(3.9, 6.9, 6)
        z = sheer(ys, LENGTH) + 0.45
        x = sx * (half_beam(ys, LENGTH, beam) - 0.12)
        rail = np.stack([x, ys, z], -1)
        _strip(parts[PLAIN], rail, 0.06, 0.06, TRIM)
        for p in rail[::1]:
            parts[PLAIN].box((p[0], p[1], p[2] - 0.22), (0.06, 0.06, 0.45), TRIM)
    stern = np.array([[0.3, -7.3, 1.45], [0.7, -9.0, 0.1]])
    _strip(parts[PLAIN], stern, 0.1, 0.1, TRIM)
    # a lantern frame and a flag-less mast stub at the bow, as on the Jiaxing replica
    parts[LACQUER].box((0.0, 6.6, sheer(np.array([6.6]), LENGTH)[0] + 0.45), (0.16, 0.16, 0.9), RED)
    tender(parts, (-beam / 2 - 1.05, -2.5, 0.0))

    root = NodePath(obj_id)
    rides = root.attachNewNode("sway")  # the swell's motion, in metres (hotspots ride it)
    body = rides.attachNewNode("hull")
    scale = obj.length / LENGTH
    body.setScale(scale)
    parts.attach(body, obj_id, ctx.glsl)
    if not ctx.has_water:
        return Piece(root, carrier=rides)

    def animate(frame: FrameState) -> None:  # the same as sway.vert.glsl, for a boat alone
        t = frame.t
        rides.setPosHpr(
            0.0,
            0.0,
            0.035 * math.sin(t * 0.8),
            0.0,
            0.35 * math.sin(t * 0.6 + 1.0),
            0.6 * math.sin(t * 0.71),
        )

    return Piece(root, animate=animate, sway="sway", carrier=rides)  # sway.vert.glsl: the same motion
