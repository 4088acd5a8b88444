"""A panorama: an equirectangular picture all round the visitor, as the world's backdrop.

With shaders it is drawn like the sky (``panorama.vert.glsl``): directions round
whichever camera renders it, at the far plane, after the opaque world, so every 3D
object stands in front of it and every camera sees the same picture in the same
direction (walls meet without a seam). The picture is looked up per pixel from the
direction. In the software renderer it is a textured sphere that follows the camera.

A stereo panorama (``stereo: top_bottom``) is two domes over one texture: the top half
for the left eye (and for every one-eyed camera), the bottom half for the right eye, told
apart by the right eye's camera mask (:data:`exhibit.render.rig.RIGHT_EYE_BIT`). Of
several panoramas shown together, the later in the scene is drawn over the earlier, so a
fade in of one over another is a cross-fade.
"""

from __future__ import annotations

import math

import numpy as np
from panda3d.core import (
    BitMask32,
    DepthTestAttrib,
    NodePath,
    OmniBoundingVolume,
    RenderAttrib,
    SamplerState,
    Texture,
)

from exhibit.render.rig import right_eye_mask
from exhibit.render.world import sky, textures
from exhibit.render.world.image import read_picture
from exhibit.render.world.mesh import Mesh
from exhibit.render.world.piece import BuildContext, Piece
from exhibit.spec.errors import ExhibitError
from exhibit.spec.scene import Panorama
from exhibit.timeline.frame import FrameState

RINGS = 24  # the software renderer's sphere: rings from pole to pole
SEGMENTS = 48  # and columns round it
FALLBACK_RADIUS = sky.FALLBACK_RADIUS * 0.95  # inside the sky dome


def build(obj_id: str, obj: Panorama, ctx: BuildContext) -> Piece:
    path = (ctx.project_root / obj.file).resolve()
    if not path.is_file():
        raise ExhibitError(f"the panorama file {path} does not exist (object '{obj_id}')")
    texture = _texture(obj_id, read_picture(path))
    root = NodePath(obj_id)
    holder = root.attachNewNode("panorama_holder")
    order = 1 + list(ctx.scene.objects).index(obj_id) * 2  # later objects over earlier ones
    bin_name = sky.SKY_BIN if ctx.glsl else "background"  # where the sky is: just after it
    if ctx.glsl:
        sky._register_sky_bin()
    if obj.stereo == "top_bottom":
        right = _dome(holder, "right", texture, obj.yaw, (0.0, 0.5), ctx)
        right.hide(BitMask32.allOn())
        right.show(right_eye_mask())
        right.setBin(bin_name, order)
        left = _dome(holder, "left", texture, obj.yaw, (0.5, 0.5), ctx)
        left.hide(right_eye_mask())
        left.setBin(bin_name, order + 1)
    else:
        _dome(holder, "mono", texture, obj.yaw, (0.0, 1.0), ctx).setBin(bin_name, order + 1)
    holder.setDepthWrite(False)
    holder.setLightOff(1)
    holder.setFogOff(1)
    if ctx.glsl:
        holder.setAttrib(DepthTestAttrib.make(RenderAttrib.M_less_equal))
        return Piece(root)
    holder.setDepthTest(False)

    def follow(frame: FrameState) -> None:
        parent = root.getParent()
        holder.setPosHprScale(parent, *frame.camera.pos, 0.0, 0.0, 0.0, 1.0, 1.0, 1.0)

    return Piece(root, animate=follow)


def _texture(obj_id: str, pixels: np.ndarray) -> Texture:
    """One level (the lookup has no derivatives at the seam behind the visitor), wrapping
    round in azimuth."""
    texture = textures.to_texture(f"{obj_id}_panorama", pixels, tiles=False)
    texture.setMinfilter(SamplerState.FT_linear)
    texture.setWrapU(SamplerState.WM_repeat)
    texture.setKeepRamImage(False)  # the one graphics state holds it once uploaded (render/app.py)
    return texture


def _dome(
    holder: NodePath, eye: str, texture: Texture, yaw: float, part: tuple[float, float], ctx: BuildContext
) -> NodePath:
    """A sphere of directions; ``part`` is the (offset, height) in v this eye sees."""
    el = np.linspace(-math.pi / 2, math.pi / 2, RINGS + 1)
    az = np.linspace(-math.pi, math.pi, SEGMENTS + 1)
    e, a = np.meshgrid(el, az, indexing="ij")
    dirs = np.stack([np.cos(e) * np.sin(a), np.cos(e) * np.cos(a), np.sin(e)], -1)
    u = 0.5 + (a - math.radians(yaw)) / (2 * math.pi)
    v = part[0] + (0.5 + e / math.pi) * part[1]
    radius = 10.0 if ctx.glsl else FALLBACK_RADIUS
    mesh = Mesh()
    mesh.grid(dirs * radius, -dirs, np.ones(dirs.shape[:2] + (4,)), np.stack([u, v], -1))
    dome = holder.attachNewNode(mesh.node(f"panorama_{eye}"))
    dome.setTwoSided(True)
    dome.setTexture(texture, 1)
    dome.node().setBounds(OmniBoundingVolume())
    dome.node().setFinal(True)
    if ctx.glsl:
        ctx.shade(dome, "panorama", 3)
        dome.setShaderInput("u_panorama", (math.radians(yaw), part[0], part[1], 0.0))
    return dome
