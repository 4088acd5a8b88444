"""3D text in the world: slogans over the water, names on a wall.

The text is centred on the object's position, ``size`` metres high (the height of a
Chinese character), in the CJK font, in the visitor's language (it changes when the
language does). ``billboard: true`` keeps it facing the viewer. It is lit mostly by
itself, so a red slogan reads as red in haze and at night, and fog still softens it
with distance.
"""

from __future__ import annotations

from panda3d.core import NodePath, TextNode

from exhibit.render.fonts import display_font
from exhibit.render.world.piece import BuildContext, Piece, surface
from exhibit.spec.scene import TextObject

EMISSIVE = 0.8


def build(obj_id: str, obj: TextObject, ctx: BuildContext) -> Piece:
    root = NodePath(obj_id)
    node = TextNode(f"{obj_id}_text")
    node.setFont(display_font())
    node.setAlign(TextNode.ACenter)
    # white glyphs coloured by a colour scale: the shaders see a scale, not TextNode's colour
    node.setTextColor(1.0, 1.0, 1.0, 1.0)
    holder = root.attachNewNode("text_holder")
    if obj.billboard:
        holder.setBillboardPointEye()
    card = holder.attachNewNode(node)
    card.setScale(obj.size)
    card.setColorScale(*obj.color.rgba)
    surface(card, emissive=EMISSIVE)
    ctx.shade(card, "text", 2)
    card.setTwoSided(True)

    def set_lang(lang: str) -> None:
        node.setText(obj.text.get(lang) or "")
        # centre vertically: the glyphs' box, in em, around the baseline
        top, bottom = node.getTop(), node.getBottom()
        card.setZ(-(top + bottom) / 2 * obj.size)
        if not ctx.glsl:
            card.setLightOff(1)

    set_lang(ctx.lang)
    return Piece(root, set_lang=set_lang)
