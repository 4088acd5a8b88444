"""A room seen from inside: a wooden floor, four plastered walls and a ceiling.

Every face points inwards: a camera inside sees a closed interior, while from outside the
walls nearest the viewer are not drawn (their backs are culled) and the room is an open box,
so scenes keep a room hidden until the visitor is in it. The walls are plaster above a darker
dado band (painted panelling) over a skirting board; the floor is wooden boards. The
surfaces are cut into cells of about half a metre, because the world is lit per vertex:
a lamp hung in the room then pools its light on the walls and the floor.

The room is an interior (``Piece.interior``): the environment keeps the sun and the haze
out of it, and lights it with a share of the sky's ambient light (the daylight its
windows let in) and with the lamps in it.
"""

from __future__ import annotations

import math

import numpy as np
from panda3d.core import NodePath

from exhibit.render.world.mesh import Mesh
from exhibit.render.world.parts import Material, Parts
from exhibit.render.world.piece import BuildContext, Piece
from exhibit.spec.scene import Room

Vec = tuple[float, float, float]

CELL = 0.5  # metres: the largest side of a lit cell
SKIRTING = 0.14  # metres high
DADO = 0.95  # metres: the top of the dado band, its rail included
RAIL = 0.05  # metres: the dado rail, a darker line at the top of the band
SKIRTING_SHADE = 0.45  # the skirting and the rail: the dado's colour, darker
PLASTER = Material("plaster")
PANELLING = Material("wood")
BOARDS = Material("wood")
PAINT = Material("white")
UV_METRES = 1.2  # one repeat of the plaster and the boards


def panel(
    mesh: Mesh, origin: Vec, across: Vec, up: Vec, color: tuple[float, ...], uv_metres: float = UV_METRES
) -> None:
    """A flat rectangle from ``origin`` along ``across`` and ``up`` (metres), cut into cells,
    its front facing ``across x up``."""
    o, u, v = (np.asarray(a, dtype=np.float64) for a in (origin, across, up))
    lu, lv = float(np.linalg.norm(u)), float(np.linalg.norm(v))
    cols, rows = max(1, math.ceil(lu / CELL)), max(1, math.ceil(lv / CELL))
    a = np.linspace(0.0, 1.0, cols + 1)[None, :, None]
    b = np.linspace(0.0, 1.0, rows + 1)[:, None, None]
    positions = o + a * u + b * v
    normal = np.cross(u, v)
    normal /= np.linalg.norm(normal)
    normals = np.broadcast_to(normal, positions.shape)
    uvs = np.concatenate(np.broadcast_arrays(a * lu, b * lv), axis=-1) / uv_metres
    colors = np.broadcast_to(np.asarray(color, dtype=np.float32), (*positions.shape[:2], 4))
    mesh.grid(positions, normals, colors, uvs)


def walls(parts: Parts, obj: Room) -> None:
    """The four walls, each in bands from the floor up: skirting, dado, rail, plaster."""
    w, d, h = obj.size
    x, y = w / 2, d / 2
    dark = tuple(c * SKIRTING_SHADE for c in obj.dado.rgba[:3]) + (1.0,)
    bands = [
        (PAINT, 0.0, SKIRTING, dark),
        (PANELLING, SKIRTING, DADO - RAIL, obj.dado.rgba),
        (PAINT, DADO - RAIL, DADO, dark),
        (PLASTER, DADO, h, obj.walls.rgba),
    ]
    # each wall from its left end seen from inside, running along ``across``
    sides: list[tuple[Vec, Vec]] = [
        ((-x, y, 0.0), (w, 0.0, 0.0)),  # north
        ((x, y, 0.0), (0.0, -d, 0.0)),  # east
        ((x, -y, 0.0), (-w, 0.0, 0.0)),  # south
        ((-x, -y, 0.0), (0.0, d, 0.0)),  # west
    ]
    for (ox, oy, _), across in sides:
        for material, low, high, color in bands:
            top = min(high, h)
            if top > low:
                panel(parts[material], (ox, oy, low), across, (0.0, 0.0, top - low), color)


def build(obj_id: str, obj: Room, ctx: BuildContext) -> Piece:
    parts = Parts()
    w, d, h = obj.size
    walls(parts, obj)
    panel(parts[BOARDS], (-w / 2, -d / 2, 0.0), (w, 0.0, 0.0), (0.0, d, 0.0), obj.floor.rgba, 0.9)
    panel(parts[PAINT], (-w / 2, -d / 2, h), (0.0, d, 0.0), (w, 0.0, 0.0), obj.ceiling.rgba)
    root = NodePath(obj_id)
    parts.attach(root, obj_id, ctx.glsl)
    return Piece(root, interior=True)
