"""A red flag on a pole, waving in the wind.

The cloth is a grid in the pole's x-z plane; a travelling wave runs from the pole to
the fly, growing toward the free edge, its shape a function of show time. GLSL moves
the vertices in flag.vert.glsl; without it :func:`cloth_offsets` (the same formula)
moves them on the CPU.
"""

from __future__ import annotations

import zlib

import numpy as np
from panda3d.core import NodePath

from exhibit.render.world.mesh import Mesh, write_positions
from exhibit.render.world.parts import Material, Parts
from exhibit.render.world.piece import BuildContext, Piece
from exhibit.spec.scene import Flag
from exhibit.timeline.frame import FrameState

Array = np.ndarray
POLE: tuple[float, float, float, float] = (0.22, 0.17, 0.13, 1.0)
COLS, ROWS = 18, 9


def pole_height(size: tuple[float, float]) -> float:
    return 2.2 + 1.3 * size[1]


def phase_of(obj_id: str) -> float:
    """A fixed phase per flag, so two flags in one view do not wave in step."""
    return (zlib.crc32(obj_id.encode()) % 1000) / 100.0


def cloth_rest(size: tuple[float, float]) -> tuple[Array, Array]:
    """Resting positions (rows, cols, 3) and UVs of the cloth; the pole is at x = 0."""
    w, h = size
    top = pole_height(size) - 0.05
    u = np.linspace(0.0, 1.0, COLS)
    v = np.linspace(0.0, 1.0, ROWS)
    gu, gv = np.meshgrid(u, v)
    pos = np.stack([0.04 + gu * w, np.zeros_like(gu), top - h + gv * h], -1)
    return pos, np.stack([gu, gv], -1)


def cloth_offsets(uv: Array, size: tuple[float, float], wave: float, t: float) -> Array:
    """Displacement (n, 3) of cloth vertices at time ``t``: flag.vert.glsl's formula."""
    w, h = size
    u, v = uv[:, 0], uv[:, 1]
    t = t
    k = 2 * np.pi / max(w * 0.9, 0.3)
    phase = k * u * w - 5.5 * t + 0.8 * v
    amp = (0.04 + 0.16 * wave) * h * u
    offset = np.zeros((len(u), 3))
    offset[:, 1] = amp * (np.sin(phase) + 0.35 * np.sin(2.3 * phase + 1.7 + 1.3 * t))
    offset[:, 0] = -0.08 * u * u * w * wave * (1.0 + 0.3 * np.sin(t * 1.3))
    offset[:, 2] = -(0.12 - 0.1 * wave) * u * u * h
    return offset


def build(obj_id: str, obj: Flag, ctx: BuildContext) -> Piece:
    size = (float(obj.size[0]), float(obj.size[1]))
    height = pole_height(size)
    parts = Parts()
    parts[Material("wood")].cylinder((0, 0, 0), (0, 0, height), 0.035, 0.025, POLE, sides=6)
    parts[Material("white")].sphere(
        (0, 0, height + 0.04), (0.05, 0.05, 0.05), POLE, rings=3, segments=6
    )
    root = NodePath(obj_id)
    parts.attach(root, obj_id, ctx.glsl)

    rest, uv = cloth_rest(size)
    mesh = Mesh()
    mesh.grid(
        rest,
        np.broadcast_to(np.array([0.0, -1.0, 0.0]), rest.shape),
        np.broadcast_to(np.array(obj.color.rgba), rest.shape[:2] + (4,)),
        uv,
    )
    cloth = root.attachNewNode(mesh.node(f"{obj_id}_cloth", dynamic=not ctx.glsl))
    cloth.setTwoSided(True)
    phase = phase_of(obj_id)
    if ctx.glsl:
        ctx.shade(cloth, "flag", 2)
        cloth.setShaderInput("u_flag", (obj.wave, size[0], size[1], phase))
        return Piece(root, sway="flag_batch")  # flags drawn together wave the same way

    flat_pos = rest.reshape(-1, 3)
    flat_uv = uv.reshape(-1, 2)
    geom = cloth.node().modifyGeom(0)

    def animate(frame: FrameState) -> None:
        write_positions(geom, flat_pos + cloth_offsets(flat_uv, size, obj.wave, frame.t + phase))

    return Piece(root, animate=animate)
