"""A point or spot light: a lamp in a window, a lantern by a door.

The light itself is a :class:`~exhibit.render.world.piece.Lamp` the environment
feeds to the shaders (or to fixed-function lights). Its opacity is its brightness:
``show`` with a fade turns it up, ``hide`` turns it down; a tint changes its colour.
A point light also shows a small glowing flame with a soft halo, so a lamp that is
in view is seen to be lit; inside a house it is hidden by the walls and only the
paper windows glow.
"""

from __future__ import annotations

from panda3d.core import ColorBlendAttrib, NodePath, TransparencyAttrib

from exhibit.render.world.mesh import Mesh
from exhibit.render.world.piece import BuildContext, Lamp, Piece, surface
from exhibit.spec.scene import Light
from exhibit.timeline.frame import ObjectState

HALO = 0.35  # metres


def build(obj_id: str, obj: Light, ctx: BuildContext) -> Piece:
    root = NodePath(obj_id)
    color = obj.color.rgba[:3]
    lamp = Lamp(root, color, obj.intensity, obj.range, spot=obj.type == "spot")
    glow = None
    if obj.type == "point":
        flame = Mesh()
        flame.sphere((0, 0, 0), (0.05, 0.05, 0.08), (1.0, 0.9, 0.7, 1.0), rings=4, segments=6)
        halo = Mesh()
        halo.quad(
            [(-HALO, 0, -HALO), (HALO, 0, -HALO), (HALO, 0, HALO), (-HALO, 0, HALO)], (*color, 1.0)
        )
        glow = root.attachNewNode("glow")
        body = glow.attachNewNode(flame.node(f"{obj_id}_flame"))
        surface(body, emissive=1.0)
        card = glow.attachNewNode(halo.node(f"{obj_id}_halo"))
        card.setBillboardPointEye()
        card.setTexture(ctx.texture("glow"), 1)
        card.setTransparency(TransparencyAttrib.MAlpha)
        card.setAttrib(
            ColorBlendAttrib.make(
                ColorBlendAttrib.MAdd, ColorBlendAttrib.OIncomingAlpha, ColorBlendAttrib.OOne
            )
        )
        card.setDepthWrite(False)
        card.setBin("transparent", 30)
        surface(card, emissive=1.0)
        if not ctx.glsl:
            glow.setLightOff(1)

    def own_look(state: ObjectState) -> None:
        lamp.level = state.opacity
        tint = state.tint or (1.0, 1.0, 1.0, 1.0)
        lamp.color = (color[0] * tint[0], color[1] * tint[1], color[2] * tint[2])
        if glow is not None:
            k = min(1.0, obj.intensity) * state.opacity
            glow.setColorScale(tint[0], tint[1], tint[2], k)

    return Piece(root, own_look=own_look, lamps=[lamp])
