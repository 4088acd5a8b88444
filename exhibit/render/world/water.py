"""Water: a lake or river surface with moving waves.

GLSL: the water shader ripples the normal with a scrolling slope texture and
travelling waves (their speed from ``frame.t``), adds the sun's glitter, and lets
what lies behind it show in proportion to Fresnel's reflectance: the sky dome is
mirrored below the horizon and the world mirrors the objects standing at the water
(see ``world.py``), so the boat and the willows are reflected in a calm lake.
Software renderer: the grid's vertices rise and fall with the same swell formula,
and the colour is the water's tinted toward the sky.
"""

from __future__ import annotations

import numpy as np
from panda3d.core import ColorBlendAttrib, CullBinEnums, CullBinManager, NodePath

from exhibit.render.world.mesh import Mesh, write_positions
from exhibit.render.world.piece import BuildContext, Piece
from exhibit.spec.scene import Water
from exhibit.timeline.frame import FrameState

Array = np.ndarray
WATER_BIN = "water"


def _register_bin() -> None:
    """A cull bin between the opaque and the transparent ones, for water surfaces."""
    manager = CullBinManager.getGlobalPtr()
    if manager.findBin(WATER_BIN) < 0:
        manager.addBin(WATER_BIN, CullBinEnums.BT_fixed, 25)


def swell(x: Array, y: Array, t: float, waves: float) -> Array:
    """Vertical offset of the surface (m): the formula of water.vert.glsl."""
    a = 0.12 * waves
    return a * (np.sin(x * 0.21 + t * 0.9) * 0.6 + np.sin(y * 0.17 - t * 0.7 + x * 0.05) * 0.4)


def build(obj_id: str, obj: Water, ctx: BuildContext) -> Piece:
    _register_bin()
    w, d = obj.size
    cells = 96 if ctx.glsl else 48
    xs = np.linspace(-w / 2, w / 2, cells + 1)
    ys = np.linspace(-d / 2, d / 2, cells + 1)
    gx, gy = np.meshgrid(xs, ys)
    pos = np.stack([gx, gy, np.zeros_like(gx)], -1)
    normals = np.broadcast_to(np.array([0.0, 0.0, 1.0]), pos.shape)
    color = np.array(obj.color.rgba)
    if not ctx.glsl:
        # no reflections without shaders: lean the water's colour toward a pale sky
        horizon = np.array(ctx.scene.environment.sky.horizon.rgba)
        color = color * 0.65 + horizon * 0.35
    colors = np.broadcast_to(color, gx.shape + (4,))
    uv = np.stack([gx, gy], -1) / 10.0
    mesh = Mesh()
    mesh.grid(pos, normals, colors, uv)
    root = NodePath(obj_id)
    surface = root.attachNewNode(mesh.node(f"{obj_id}_surface", dynamic=not ctx.glsl))
    if ctx.glsl:
        ctx.shade(surface, "water")
        surface.setShaderInput("u_water", (obj.waves, 1.0, 0.0, 0.0))
        surface.setTexture(ctx.texture("ripple"), 1)
        # drawn after everything opaque (the reflections among it), before mist and snow;
        # the shader's colour is premultiplied by its own opacity
        surface.setBin(WATER_BIN, 0)
        surface.setAttrib(
            ColorBlendAttrib.make(
                ColorBlendAttrib.MAdd,
                ColorBlendAttrib.OOne,
                ColorBlendAttrib.OOneMinusIncomingAlpha,
            )
        )
        return Piece(root, self_blended=True)

    base = pos.reshape(-1, 3).astype(np.float32)
    geom = surface.node().modifyGeom(0)
    world_x = base[:, 0] + obj.pos[0]
    world_y = base[:, 1] + obj.pos[1]

    def animate(frame: FrameState) -> None:
        moved = base.copy()
        moved[:, 2] = swell(world_x, world_y, frame.t, obj.waves)
        write_positions(geom, moved)

    return Piece(root, animate=animate)
