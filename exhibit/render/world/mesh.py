"""Meshes built with numpy and handed to Panda3D in one copy.

Every procedural object is a few hundred to a few tens of thousands of vertices.
Building them from Python one vertex at a time (GeomVertexWriter) would make a
scene take seconds to appear; here a mesh is a handful of numpy arrays that grow
with whole shapes (boxes, lofts, grids) and become one Geom at the end.

The vertex layout is fixed: position, normal, colour (float RGBA) and one UV
set, in two arrays: positions alone (so animated meshes rewrite only those) and
the rest.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from panda3d.core import (
    Geom,
    GeomEnums,
    GeomNode,
    GeomTriangles,
    GeomVertexArrayFormat,
    GeomVertexData,
    GeomVertexFormat,
    InternalName,
)

Array = np.ndarray
Vector = Sequence[float] | Array  # a point, size or colour: a tuple or a numpy row


def _format() -> GeomVertexFormat:
    positions = GeomVertexArrayFormat()
    positions.addColumn(InternalName.getVertex(), 3, GeomEnums.NT_float32, GeomEnums.C_point)
    rest = GeomVertexArrayFormat()
    rest.addColumn(InternalName.getNormal(), 3, GeomEnums.NT_float32, GeomEnums.C_normal)
    rest.addColumn(InternalName.getColor(), 4, GeomEnums.NT_float32, GeomEnums.C_color)
    rest.addColumn(InternalName.getTexcoord(), 2, GeomEnums.NT_float32, GeomEnums.C_texcoord)
    fmt = GeomVertexFormat()
    fmt.addArray(positions)
    fmt.addArray(rest)
    return GeomVertexFormat.registerFormat(fmt)


_FORMAT: GeomVertexFormat | None = None


def vertex_format() -> GeomVertexFormat:
    """The one registered vertex format of every procedural mesh."""
    global _FORMAT
    if _FORMAT is None:
        _FORMAT = _format()
    return _FORMAT


_SWAY_FORMAT: GeomVertexFormat | None = None


def sway_format() -> GeomVertexFormat:
    """The procedural format with a third array, for batched objects that move on their own:
    each vertex's object frame and its part's program inputs (sway.vert.glsl, flag.vert.glsl)."""
    global _SWAY_FORMAT
    if _SWAY_FORMAT is None:
        extra = GeomVertexArrayFormat()
        extra.addColumn(InternalName.make("sway_origin"), 4, GeomEnums.NT_float32, GeomEnums.C_other)
        extra.addColumn(InternalName.make("sway_heading"), 1, GeomEnums.NT_float32, GeomEnums.C_other)
        extra.addColumn(InternalName.make("sway_params"), 4, GeomEnums.NT_float32, GeomEnums.C_other)
        fmt = GeomVertexFormat(vertex_format())
        fmt.addArray(extra)
        _SWAY_FORMAT = GeomVertexFormat.registerFormat(fmt)
    return _SWAY_FORMAT


def rotation_z(degrees: float) -> Array:
    """3x3 rotation about +z (a Panda3D heading): +y turns toward -x for positive angles."""
    a = np.radians(degrees)
    c, s = np.cos(a), np.sin(a)
    return np.array([[c, -s, 0.0], [s, c, 0.0], [0.0, 0.0, 1.0]])


def rotation_x(degrees: float) -> Array:
    """3x3 rotation about +x (a Panda3D pitch): +y turns toward +z for positive angles."""
    a = np.radians(degrees)
    c, s = np.cos(a), np.sin(a)
    return np.array([[1.0, 0.0, 0.0], [0.0, c, -s], [0.0, s, c]])


def rotation_y(degrees: float) -> Array:
    """3x3 rotation about +y (a Panda3D roll)."""
    a = np.radians(degrees)
    c, s = np.cos(a), np.sin(a)
    return np.array([[c, 0.0, s], [0.0, 1.0, 0.0], [-s, 0.0, c]])


@dataclass
class Mesh:
    """Triangles with per-vertex normal, colour and UV; grows by whole shapes."""

    positions: list[Array] = field(default_factory=list)
    normals: list[Array] = field(default_factory=list)
    colors: list[Array] = field(default_factory=list)
    uvs: list[Array] = field(default_factory=list)
    indices: list[Array] = field(default_factory=list)
    count: int = 0

    # -- growing ------------------------------------------------------------------------------

    def add(
        self,
        positions: Array,
        normals: Array,
        color: Vector,
        uvs: Array | None,
        triangles: Array,
    ) -> int:
        """Append vertices and triangles (indices local to this batch); returns the first index."""
        positions = np.asarray(positions, dtype=np.float32).reshape(-1, 3)
        n = len(positions)
        normals = np.asarray(normals, dtype=np.float32).reshape(-1, 3)
        if len(normals) == 1:
            normals = np.repeat(normals, n, axis=0)
        colors = np.asarray(color, dtype=np.float32)
        colors = (
            np.broadcast_to(colors.reshape(-1, 4), (n, 4)) if colors.size in (4, n * 4) else colors
        )
        if uvs is None:
            uvs = np.zeros((n, 2), dtype=np.float32)
        start = self.count
        self.positions.append(positions)
        self.normals.append(normals)
        self.colors.append(np.asarray(colors, dtype=np.float32).reshape(n, 4))
        self.uvs.append(np.asarray(uvs, dtype=np.float32).reshape(n, 2))
        self.indices.append(np.asarray(triangles, dtype=np.int64).reshape(-1, 3) + start)
        self.count += n
        return start

    def quad(
        self,
        corners: Sequence[Vector],
        color: Vector,
        uv_size: tuple[float, float] | None = None,
        uv_origin: tuple[float, float] = (0.0, 0.0),
    ) -> None:
        """A flat quad from four corners in counter-clockwise order seen from its front.

        UVs run in metres divided by ``uv_size`` (one texture repeat), so textures keep
        their real scale on walls of any size.
        """
        p = np.asarray(corners, dtype=np.float64)
        normal = np.cross(p[1] - p[0], p[2] - p[0])
        length = np.linalg.norm(normal)
        normal = normal / length if length > 0 else np.array([0.0, 0.0, 1.0])
        width = np.linalg.norm(p[1] - p[0])
        height = np.linalg.norm(p[3] - p[0])
        if uv_size is None:
            uv = np.array([[0, 0], [1, 0], [1, 1], [0, 1]], dtype=np.float64)
        else:
            uv = np.array([[0, 0], [width, 0], [width, height], [0, height]]) / np.array(uv_size)
        uv = uv + np.array(uv_origin)
        self.add(p, normal[None, :], color, uv, np.array([[0, 1, 2], [0, 2, 3]]))

    def polygon(
        self, points: Sequence[Vector], color: Vector, uv_size: float = 1.0
    ) -> None:
        """A convex planar polygon (fan), front face counter-clockwise; planar-projected UVs."""
        p = np.asarray(points, dtype=np.float64)
        normal = np.cross(p[1] - p[0], p[2] - p[0])
        normal /= np.linalg.norm(normal) or 1.0
        u_axis = (p[1] - p[0]) / (np.linalg.norm(p[1] - p[0]) or 1.0)
        v_axis = np.cross(normal, u_axis)
        rel = p - p[0]
        uv = np.stack([rel @ u_axis, rel @ v_axis], axis=1) / uv_size
        tris = np.array([[0, i, i + 1] for i in range(1, len(p) - 1)])
        self.add(p, normal[None, :], color, uv, tris)

    def box(
        self,
        center: Vector,
        size: Vector,
        color: Vector,
        uv_size: tuple[float, float] | None = (1.0, 1.0),
        bottom: bool = True,
    ) -> None:
        """An axis-aligned box; its side faces map the texture in metres."""
        cx, cy, cz = center
        sx, sy, sz = (s / 2.0 for s in size)
        x0, x1, y0, y1, z0, z1 = cx - sx, cx + sx, cy - sy, cy + sy, cz - sz, cz + sz
        self.quad(
            [(x0, y0, z0), (x1, y0, z0), (x1, y0, z1), (x0, y0, z1)], color, uv_size
        )  # front -y
        self.quad(
            [(x1, y1, z0), (x0, y1, z0), (x0, y1, z1), (x1, y1, z1)], color, uv_size
        )  # back +y
        self.quad(
            [(x0, y1, z0), (x0, y0, z0), (x0, y0, z1), (x0, y1, z1)], color, uv_size
        )  # left -x
        self.quad(
            [(x1, y0, z0), (x1, y1, z0), (x1, y1, z1), (x1, y0, z1)], color, uv_size
        )  # right +x
        self.quad([(x0, y0, z1), (x1, y0, z1), (x1, y1, z1), (x0, y1, z1)], color, uv_size)  # top
        if bottom:
            self.quad([(x0, y1, z0), (x1, y1, z0), (x1, y0, z0), (x0, y0, z0)], color, uv_size)

    def cylinder(
        self,
        base: Vector,
        top: Vector,
        radius_base: float,
        radius_top: float,
        color: Vector,
        sides: int = 8,
        cap: bool = True,
    ) -> None:
        """A (tapered) cylinder or cone between two points, smooth-shaded."""
        b = np.asarray(base, dtype=np.float64)
        t = np.asarray(top, dtype=np.float64)
        axis = t - b
        length = np.linalg.norm(axis)
        w = axis / length
        helper = np.array([1.0, 0.0, 0.0]) if abs(w[0]) < 0.9 else np.array([0.0, 1.0, 0.0])
        u = np.cross(w, helper)
        u /= np.linalg.norm(u)
        v = np.cross(w, u)
        angles = np.linspace(0.0, 2 * np.pi, sides + 1)
        ring = np.cos(angles)[:, None] * u + np.sin(angles)[:, None] * v
        slope = (radius_base - radius_top) / length
        normals = ring + slope * w
        normals /= np.linalg.norm(normals, axis=1, keepdims=True)
        pos = np.concatenate([b + ring * radius_base, t + ring * radius_top])
        nor = np.concatenate([normals, normals])
        uv = np.concatenate(
            [
                np.stack([angles / (2 * np.pi), np.zeros_like(angles)], 1),
                np.stack([angles / (2 * np.pi), np.ones_like(angles)], 1),
            ]
        )
        m = sides + 1
        i = np.arange(sides)
        tris = np.concatenate(
            [np.stack([i, i + 1, m + i + 1], 1), np.stack([i, m + i + 1, m + i], 1)]
        )
        self.add(pos, nor, color, uv, tris)
        if cap and radius_top > 0:
            cap_pos = np.concatenate([t[None, :], t + ring[:-1] * radius_top])
            k = np.arange(sides)
            fan = np.stack([np.zeros(sides, dtype=int), 1 + k, 1 + (k + 1) % sides], 1)
            self.add(cap_pos, w[None, :], color, None, fan)

    def sphere(
        self,
        center: Vector,
        radii: Vector,
        color: Vector,
        rings: int = 5,
        segments: int = 8,
        jitter: Array | None = None,
    ) -> None:
        """An ellipsoid (a tree crown, a head); ``jitter`` scales each vertex radially (lumps)."""
        theta = np.linspace(0.0, np.pi, rings + 1)
        phi = np.linspace(0.0, 2 * np.pi, segments + 1)
        st, ct = np.sin(theta)[:, None], np.cos(theta)[:, None]
        unit = np.stack(
            [
                st * np.cos(phi)[None, :],
                st * np.sin(phi)[None, :],
                np.broadcast_to(ct, (rings + 1, segments + 1)),
            ],
            -1,
        )
        unit = unit.reshape(-1, 3)
        scale = np.ones(len(unit)) if jitter is None else np.asarray(jitter).reshape(-1)
        pos = np.asarray(center) + unit * np.asarray(radii) * scale[:, None]
        normals = unit / np.asarray(radii)
        normals /= np.linalg.norm(normals, axis=1, keepdims=True)
        r = np.arange(rings)[:, None]
        s = np.arange(segments)[None, :]
        a = r * (segments + 1) + s
        b = a + segments + 1
        tris = np.concatenate(
            [
                np.stack([a, b, a + 1], -1).reshape(-1, 3),
                np.stack([a + 1, b, b + 1], -1).reshape(-1, 3),
            ]
        )
        uv = np.stack(np.meshgrid(phi / (2 * np.pi), theta / np.pi), -1).reshape(-1, 2)
        self.add(pos, normals, color, uv, tris)

    def grid(self, positions: Array, normals: Array, colors: Array, uvs: Array) -> None:
        """A regular grid of (rows, cols) vertices, as a heightfield or a cloth."""
        rows, cols = positions.shape[:2]
        r = np.arange(rows - 1)[:, None]
        c = np.arange(cols - 1)[None, :]
        a = r * cols + c
        b = a + cols
        tris = np.concatenate(
            [
                np.stack([a, a + 1, b + 1], -1).reshape(-1, 3),
                np.stack([a, b + 1, b], -1).reshape(-1, 3),
            ]
        )
        self.add(
            positions.reshape(-1, 3),
            normals.reshape(-1, 3),
            colors.reshape(-1, 4),
            uvs.reshape(-1, 2),
            tris,
        )

    def surface(
        self,
        positions: Array,
        colors: Vector,
        uvs: Array,
        outward: Vector | None = None,
    ) -> None:
        """A smooth surface through a (rows, cols) grid of points; normals from the grid.

        ``outward`` is a direction the surface should face (at its middle); when the grid
        runs the other way, its columns are reversed so the front faces that way."""
        positions = np.asarray(positions, dtype=np.float64)
        normals = grid_normals(positions)
        if outward is not None:
            mid = normals[normals.shape[0] // 2, normals.shape[1] // 2]
            if float(mid @ np.asarray(outward, dtype=np.float64)) < 0:
                positions = positions[:, ::-1]
                uvs = np.asarray(uvs)[:, ::-1]
                if np.ndim(colors) == 3:
                    colors = np.asarray(colors)[:, ::-1]
                normals = grid_normals(positions)
        colors = np.broadcast_to(np.asarray(colors, dtype=np.float32), positions.shape[:2] + (4,))
        self.grid(positions, normals, colors, np.asarray(uvs))

    def extend(
        self, other: Mesh, transform: Array | None = None, offset: Vector = (0.0, 0.0, 0.0)
    ) -> None:
        """Append another mesh, rotated by a 3x3 ``transform`` and moved by ``offset``."""
        if other.count == 0:
            return
        pos, nor, col, uv, tri = other.arrays()
        if transform is not None:
            pos = pos @ np.asarray(transform, dtype=np.float32).T
            nor = nor @ np.asarray(transform, dtype=np.float32).T
            nor = nor / np.maximum(np.linalg.norm(nor, axis=1, keepdims=True), 1e-9)
        self.add(pos + np.asarray(offset, dtype=np.float32), nor, col, uv, tri)

    # -- finishing ----------------------------------------------------------------------------

    def arrays(self) -> tuple[Array, Array, Array, Array, Array]:
        """Everything concatenated: positions, normals, colours, UVs, triangles."""
        if self.count == 0:
            empty3 = np.zeros((0, 3), np.float32)
            return (
                empty3,
                empty3,
                np.zeros((0, 4), np.float32),
                np.zeros((0, 2), np.float32),
                np.zeros((0, 3), np.int64),
            )
        return (
            np.concatenate(self.positions).astype(np.float32),
            np.concatenate(self.normals).astype(np.float32),
            np.concatenate(self.colors).astype(np.float32),
            np.concatenate(self.uvs).astype(np.float32),
            np.concatenate(self.indices),
        )

    def geom(self, dynamic: bool = False) -> Geom:
        """One Geom; ``dynamic`` marks the position array for rewriting every frame."""
        pos, nor, col, uv, tri = self.arrays()
        return make_geom(pos, nor, col, uv, tri, dynamic)

    def node(self, name: str, dynamic: bool = False) -> GeomNode:
        node = GeomNode(name)
        if self.count:
            node.addGeom(self.geom(dynamic))
        return node


def grid_normals(positions: Array) -> Array:
    """Unit normals of a (rows, cols, 3) grid, facing the side :meth:`Mesh.grid` makes front."""
    dc = np.gradient(positions, axis=1)
    dr = np.gradient(positions, axis=0)
    n = np.cross(dc, dr)
    length = np.linalg.norm(n, axis=-1, keepdims=True)
    return n / np.where(length > 0, length, 1.0)


def make_geom(
    pos: Array, nor: Array, col: Array, uv: Array, tri: Array, dynamic: bool = False
) -> Geom:
    """Copy numpy arrays into a new Geom of the shared vertex format."""
    n = len(pos)
    usage = GeomEnums.UH_dynamic if dynamic else GeomEnums.UH_static
    vdata = GeomVertexData("mesh", vertex_format(), usage)
    vdata.uncleanSetNumRows(n)
    rest = np.concatenate([nor, col, uv], axis=1).astype(np.float32)
    memoryview(vdata.modifyArray(0)).cast("B")[:] = np.ascontiguousarray(
        pos, dtype=np.float32
    ).tobytes()
    memoryview(vdata.modifyArray(1)).cast("B")[:] = np.ascontiguousarray(rest).tobytes()
    index_type = GeomEnums.NT_uint16 if n < 65535 else GeomEnums.NT_uint32
    prim = GeomTriangles(GeomEnums.UH_static)
    prim.setIndexType(index_type)
    handle = prim.modifyVertices()
    handle.uncleanSetNumRows(len(tri) * 3)
    dtype = np.uint16 if index_type == GeomEnums.NT_uint16 else np.uint32
    memoryview(handle).cast("B")[:] = np.ascontiguousarray(tri.reshape(-1), dtype=dtype).tobytes()
    geom = Geom(vdata)
    geom.addPrimitive(prim)
    return geom


def write_positions(geom: Geom, positions: Array) -> None:
    """Replace a dynamic Geom's vertex positions (same count) without touching the rest."""
    vdata = geom.modifyVertexData()
    memoryview(vdata.modifyArray(0)).cast("B")[:] = np.ascontiguousarray(
        positions, dtype=np.float32
    ).tobytes()


def write_colors(geom: Geom, normals: Array, colors: Array, uvs: Array) -> None:
    """Replace the normal/colour/UV array of a Geom (used when a fallback recolours a sky)."""
    vdata = geom.modifyVertexData()
    rest = np.concatenate([normals, colors, uvs], axis=1).astype(np.float32)
    memoryview(vdata.modifyArray(1)).cast("B")[:] = np.ascontiguousarray(rest).tobytes()
