"""A column of walking figures following a path: the Red Army on the march.

Low-poly figures in grey-blue (cap, jacket, puttees, straw sandals, a bedroll on the
back); every fifteenth carries a small red flag. The column is one mesh whose
vertices are recomputed from ``frame.t`` each frame: figure ``i`` stands at arc
length ``s_i = (count - 1) * spacing + speed * t - i * spacing`` along the path (so
at t = 0 the last figure is at the path's start), faces along the path, and swings
its legs and arms in step with the distance it has walked (no sliding feet). A
figure before the start or past the end of the path is not drawn.

Where each figure stands, its heading and its stride come from numpy here, once per
figure and frame (:meth:`Column.figures`). With GLSL they go to the vertex shader
(marchers.vert.glsl) as two small arrays per Geom of 64 figures, and the shader swings
and places each vertex; otherwise numpy moves every vertex here too.

The ``path`` is in the object's frame (the object's ``pos`` defaults to the origin,
so written as world coordinates it is used as is).
"""

from __future__ import annotations

import math

import numpy as np
from panda3d.core import BoundingBox, GeomNode, NodePath, OmniBoundingVolume, Point3, PTA_LVecBase4f

from exhibit.render.world.mesh import Mesh, write_colors, write_positions
from exhibit.render.world.piece import BuildContext, Piece
from exhibit.render.world.shaders import MARCHERS_PER_GEOM
from exhibit.spec.scene import Marchers
from exhibit.timeline.frame import FrameState

Array = np.ndarray

UNIFORM = np.array([0.42, 0.47, 0.52, 1.0])  # grey-blue cotton
PUTTEE = np.array([0.36, 0.38, 0.34, 1.0])
SANDAL = np.array([0.25, 0.21, 0.16, 1.0])
SKIN = np.array([0.68, 0.53, 0.42, 1.0])
PACK = np.array([0.44, 0.4, 0.31, 1.0])
BELT = np.array([0.2, 0.18, 0.15, 1.0])
FLAG_RED = np.array([0.66, 0.14, 0.11, 1.0])
POLE = np.array([0.25, 0.19, 0.14, 1.0])

STRIDE = 1.5  # metres walked per full leg cycle
LEG_SWING = 0.42  # radians
ARM_SWING = 0.32
HIP = 0.86
SHOULDER = 1.42
FLAG_EVERY = 15
FLAG_SIZE = (1.05, 0.7)  # metres: a small marching flag
FLAG_TRAIL = (0.5, -0.866)  # the cloth's direction from the pole: back, 30 degrees outward
STRAIGHT_LENGTH = 400.0  # a column without a path walks this far along +y
FIGURE_REACH = np.array([2.0, 2.0, 3.5])  # metres round a figure's feet that it (and its flag) may fill

# vertex groups: how each part swings
BODY, LEFT_LEG, RIGHT_LEG, LEFT_ARM, RIGHT_ARM = range(5)
SWING = {
    BODY: 0.0,
    LEFT_LEG: LEG_SWING,
    RIGHT_LEG: -LEG_SWING,
    LEFT_ARM: -ARM_SWING,
    RIGHT_ARM: ARM_SWING,
}
PIVOT = {BODY: 0.0, LEFT_LEG: HIP, RIGHT_LEG: HIP, LEFT_ARM: SHOULDER, RIGHT_ARM: SHOULDER}


def local_path(obj: Marchers) -> list[tuple[float, float, float]]:
    """The path in the object's frame: as written, or straight ahead along +y."""
    if obj.path:
        return [(float(p[0]), float(p[1]), float(p[2])) for p in obj.path]
    return [(0.0, 0.0, 0.0), (0.0, STRAIGHT_LENGTH, 0.0)]


def path_points(obj: Marchers) -> list[tuple[float, float, float]]:
    """The path in world coordinates (object placement applied, heading and scale included)."""
    local = local_path(obj)
    a = math.radians(obj.hpr[0])
    c, s = math.cos(a), math.sin(a)
    out = []
    for x, y, z in local:
        x, y, z = x * obj.scale[0], y * obj.scale[1], z * obj.scale[2]
        out.append((obj.pos[0] + x * c - y * s, obj.pos[1] + x * s + y * c, obj.pos[2] + z))
    return out


def figure(flag: bool, tint: float) -> list[tuple[Mesh, int]]:
    """One walker facing +y, feet at z = 0: meshes tagged with their swing group."""
    uniform = UNIFORM * np.array([tint, tint, tint, 1.0])
    parts: list[tuple[Mesh, int]] = []
    for group, x in ((LEFT_LEG, -0.1), (RIGHT_LEG, 0.1)):
        m = Mesh()
        m.box((x, 0.0, 0.66), (0.15, 0.17, 0.42), uniform)
        m.box((x, 0.0, 0.27), (0.13, 0.15, 0.4), PUTTEE)
        m.box((x, 0.04, 0.03), (0.13, 0.26, 0.06), SANDAL)
        parts.append((m, group))
    body = Mesh()
    body.box((0.0, 0.0, 1.15), (0.4, 0.24, 0.6), uniform)
    body.box((0.0, 0.0, 0.9), (0.41, 0.25, 0.07), BELT)
    body.box((0.0, 0.01, 1.56), (0.19, 0.21, 0.22), SKIN)
    body.box((0.0, 0.0, 1.7), (0.23, 0.25, 0.09), uniform)
    body.box((0.0, 0.1, 1.66), (0.22, 0.08, 0.025), uniform)  # cap brim
    body.box((0.0, -0.2, 1.2), (0.34, 0.16, 0.36), PACK)
    body.cylinder(
        (-0.2, -0.2, 1.44),
        (0.2, -0.2, 1.44),
        0.08,
        0.08,
        PACK * np.array([0.85, 0.85, 0.85, 1.0]),
        sides=6,
    )
    parts.append((body, BODY))
    for group, x in ((LEFT_ARM, -0.26), (RIGHT_ARM, 0.26)):
        m = Mesh()
        m.box((x, 0.0, 1.14), (0.11, 0.13, 0.56), uniform)
        m.box((x, 0.0, 0.82), (0.09, 0.1, 0.09), SKIN)
        parts.append((m, group))
    if flag:
        m = Mesh()
        m.cylinder((0.3, 0.05, 0.8), (0.3, 0.05, 3.1), 0.02, 0.02, POLE, sides=5)
        # the cloth streams back from the pole and a little outward: seen from the side
        # (a column crossing the view on its switchbacks) it is a flag, not a stick
        ax, ay = 0.3 + FLAG_TRAIL[0] * FLAG_SIZE[0], 0.05 + FLAG_TRAIL[1] * FLAG_SIZE[0]
        top, bottom = 3.08, 3.08 - FLAG_SIZE[1]
        # both faces of the cloth, so it shows from either side with back faces culled
        m.quad(
            [(0.3, 0.05, bottom), (0.3, 0.05, top), (ax, ay, top - 0.04), (ax, ay, bottom + 0.05)],
            FLAG_RED,
        )
        m.quad(
            [(ax, ay, bottom + 0.05), (ax, ay, top - 0.04), (0.3, 0.05, top), (0.3, 0.05, bottom)],
            FLAG_RED,
        )
        parts.append((m, BODY))
    return parts


def _template(flag: bool) -> tuple[Array, Array, Array, Array, Array, Array]:
    """One figure's arrays (positions, normals, colours, UVs, triangles, swing groups)."""
    mesh = Mesh()
    groups = []
    for part, g in figure(flag, 1.0):
        groups.append(np.full(part.count, g))
        mesh.extend(part)
    p, n, c, u, t = mesh.arrays()
    return p, n, c, u, t, np.concatenate(groups)


class Column:
    """The column's vertices as a function of show time.

    Other kinds of many small moving things (a fleet of boats) subclass it: they fill the
    same arrays and give :meth:`figures`, and :func:`place` batches them the same way.
    """

    #: metres round a figure's feet that it may fill (its bounds for culling)
    reach: Array = FIGURE_REACH

    def __init__(self, obj: Marchers) -> None:
        self.count = obj.count
        self.spacing = obj.spacing
        self.speed = obj.speed
        local = local_path(obj)
        self.path = np.asarray(local, dtype=np.float64)
        seg = np.linalg.norm(np.diff(self.path, axis=0), axis=1)
        self.arc = np.concatenate([[0.0], np.cumsum(seg)])
        self.length = float(self.arc[-1])
        rng = np.random.default_rng(obj.count * 7 + 1)
        templates = {flag: _template(flag) for flag in (False, True)}
        pos, nor, col, uv, tri, fig, group = [], [], [], [], [], [], []
        offset = 0
        for i in range(self.count):
            tint = float(rng.uniform(0.9, 1.08))
            scale = float(rng.uniform(0.93, 1.04))
            p, n, c, u, t, g = templates[i % FLAG_EVERY == 0]
            pos.append(p * scale)
            nor.append(n)
            col.append(c * np.array([tint, tint, tint, 1.0], dtype=np.float32))
            uv.append(u)
            tri.append(t + offset)
            fig.append(np.full(len(p), i))
            group.append(g)
            offset += len(p)
        self.local = np.concatenate(pos).astype(np.float64)
        self.normals = np.concatenate(nor).astype(np.float64)
        self.colors = np.concatenate(col)
        self.uvs = np.concatenate(uv)
        self.triangles = np.concatenate(tri)
        self.fig = np.concatenate(fig)
        groups = np.concatenate(group)
        self.swing = np.array([SWING[g] for g in range(5)])[groups]
        self.pivot = np.array([PIVOT[g] for g in range(5)])[groups] * 1.0
        self.index = np.arange(self.count)

    def arclengths(self, t: float) -> Array:
        return (self.count - 1) * self.spacing + self.speed * t - self.index * self.spacing

    def along(self, s: Array) -> tuple[Array, Array]:
        """Positions (n, 3) and headings (n,) in radians at arc lengths ``s``."""
        x = np.interp(s, self.arc, self.path[:, 0])
        y = np.interp(s, self.arc, self.path[:, 1])
        z = np.interp(s, self.arc, self.path[:, 2])
        ahead_x = np.interp(s + 1.2, self.arc, self.path[:, 0]) - np.interp(s - 1.2, self.arc, self.path[:, 0])
        ahead_y = np.interp(s + 1.2, self.arc, self.path[:, 1]) - np.interp(s - 1.2, self.arc, self.path[:, 1])
        heading = np.arctan2(-ahead_x, ahead_y)
        return np.stack([x, y, z], 1), heading

    def figures(self, t: float) -> tuple[Array, Array, Array, Array]:
        """Per figure at time ``t``: where it stands (n, 3), heading (radians), stride
        phase (radians, from the distance walked) and whether it is on the path."""
        s = self.arclengths(t)
        where, heading = self.along(s)
        phase = 2 * np.pi * s / STRIDE
        visible = (s >= 0.0) & (s <= self.length)
        return where, heading, phase, visible

    def positions(self, t: float) -> tuple[Array, Array]:
        """Every vertex at time ``t`` (object frame) and every normal."""
        where, heading, phase, visible = self.figures(t)
        f = self.fig
        angle = self.swing * np.sin(phase)[f]
        rel_y = self.local[:, 1]
        rel_z = self.local[:, 2] - self.pivot
        ca, sa = np.cos(angle), np.sin(angle)
        y = rel_y * ca - rel_z * sa
        z = rel_y * sa + rel_z * ca + self.pivot + (0.035 * np.abs(np.cos(phase)))[f]
        x = self.local[:, 0]
        ch, sh = np.cos(heading)[f], np.sin(heading)[f]
        out = np.empty_like(self.local)
        out[:, 0] = x * ch - y * sh + where[f, 0]
        out[:, 1] = x * sh + y * ch + where[f, 1]
        out[:, 2] = z + where[f, 2]
        hidden = ~visible[f]
        if hidden.any():
            out[hidden] = where[f][hidden]
        nx, ny = self.normals[:, 0], self.normals[:, 1]
        normals = np.stack([nx * ch - ny * sh, nx * sh + ny * ch, self.normals[:, 2]], 1)
        return out, normals


def build(obj_id: str, obj: Marchers, ctx: BuildContext) -> Piece:
    return place(obj_id, Column(obj), ctx)


def place(obj_id: str, column: Column, ctx: BuildContext) -> Piece:
    """A few Geoms for the whole column (or fleet), whatever its count, moved from ``frame.t``."""
    root = NodePath(obj_id)
    if ctx.glsl:
        return _shaded(obj_id, column, ctx, root)

    pos, normals = column.positions(0.0)
    mesh = Mesh()
    mesh.add(pos, normals, column.colors, column.uvs, column.triangles)
    node = mesh.node(f"{obj_id}_column", dynamic=True)
    node.setBounds(OmniBoundingVolume())
    node.setFinal(True)
    root.attachNewNode(node)
    geom = node.modifyGeom(0)

    def animate(frame: FrameState) -> None:
        positions, normals = column.positions(frame.t)
        write_positions(geom, positions)
        write_colors(geom, normals, column.colors, column.uvs)

    return Piece(root, animate=animate)


def _shaded(obj_id: str, column: Column, ctx: BuildContext, root: NodePath) -> Piece:
    """The column as Geoms of :data:`MARCHERS_PER_GEOM` figures, each held in its own frame;
    every frame numpy places the figures and the vertex shader swings and moves the vertices."""
    arrays: list[tuple[int, GeomNode, Array, Array]] = []  # first figure, its node, u_figure and u_gait views
    starts = np.searchsorted(column.fig, np.arange(column.count))  # each figure's first vertex
    for first in range(0, column.count, MARCHERS_PER_GEOM):
        last = min(first + MARCHERS_PER_GEOM, column.count)
        v0 = int(starts[first])
        v1 = int(starts[last]) if last < column.count else len(column.fig)
        keep = np.all((column.triangles >= v0) & (column.triangles < v1), axis=1)
        uvs = np.stack([(column.fig[v0:v1] - first).astype(np.float64), column.swing[v0:v1]], 1)
        mesh = Mesh()
        mesh.add(column.local[v0:v1], column.normals[v0:v1], column.colors[v0:v1], uvs, column.triangles[keep] - v0)
        node = mesh.node(f"{obj_id}_column_{first}")
        node.setFinal(True)  # bounds from where the figures stand, set every frame
        walkers = root.attachNewNode(node)
        figure_pta = PTA_LVecBase4f.emptyArray(MARCHERS_PER_GEOM)
        gait_pta = PTA_LVecBase4f.emptyArray(MARCHERS_PER_GEOM)
        walkers.setShaderInput("u_figure", figure_pta)
        walkers.setShaderInput("u_gait", gait_pta)
        arrays.append((first, node, np.asarray(memoryview(figure_pta)), np.asarray(memoryview(gait_pta))))
    ctx.shade(root, "marchers", 2)
    root.setTextureOff(1)

    def animate(frame: FrameState) -> None:
        where, heading, phase, visible = column.figures(frame.t)
        for first, node, figure_rows, gait_rows in arrays:
            n = min(MARCHERS_PER_GEOM, column.count - first)
            figure_rows[:n, :3] = where[first : first + n]
            figure_rows[:n, 3] = heading[first : first + n]
            gait_rows[:n, 0] = phase[first : first + n]
            gait_rows[:n, 1] = visible[first : first + n]
            # bounds round the figures on the path, so that a part of the column out of
            # view (and its reflection) is culled before its vertices are shaded
            standing = where[first : first + n][visible[first : first + n]]
            if len(standing):
                lo = standing.min(axis=0) - column.reach
                hi = standing.max(axis=0) + column.reach
                node.setBounds(BoundingBox(Point3(*lo), Point3(*hi)))
            else:
                node.setBounds(BoundingBox(Point3(*where[first]), Point3(*where[first])))

    return Piece(root, animate=animate)
