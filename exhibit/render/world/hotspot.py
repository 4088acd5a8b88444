"""A hotspot: an invisible box a visitor selects, on a part of an object or in a panorama.

Nothing is drawn: the box is a collision solid that only the hotspot ray meets (its
collide mask is set by :class:`~exhibit.render.hotspots.HotspotHost`), so stills and
exports show nothing of it. A hotspot ``part_of`` another object is placed under that
object's carrier node by the world (``Piece.carrier``): it moves and sways with it.
"""

from __future__ import annotations

from panda3d.core import BitMask32, CollisionBox, CollisionNode, NodePath

from exhibit.render.world.piece import BuildContext, Piece
from exhibit.spec.scene import Hotspot


def build(obj_id: str, obj: Hotspot, ctx: BuildContext) -> Piece:
    root = NodePath(obj_id)
    w, d, h = obj.size
    solid = CollisionNode(f"{obj_id}_box")
    solid.addSolid(CollisionBox((0.0, 0.0, 0.0), w / 2, d / 2, h / 2))
    solid.setIntoCollideMask(BitMask32.allOff())  # until the hotspot host looks for it
    root.attachNewNode(solid)
    return Piece(root)


def box_bounds(node: NodePath, frame: NodePath) -> tuple[tuple[float, float, float], tuple[float, float, float]] | None:
    """The box round the collision boxes under ``node`` in ``frame``'s coordinates (a hotspot
    has no geometry for Panda3D's tight bounds); None when there is none."""
    corners = []
    for found in node.findAllMatches("**/+CollisionNode"):
        cnode = found.node()
        for i in range(cnode.getNumSolids()):
            solid = cnode.getSolid(i)
            if not isinstance(solid, CollisionBox):
                continue
            low, high = solid.getMin(), solid.getMax()
            for x in (low.x, high.x):
                for y in (low.y, high.y):
                    for z in (low.z, high.z):
                        p = frame.getRelativePoint(found, (x, y, z))
                        corners.append((p.x, p.y, p.z))
    if not corners:
        return None
    xs, ys, zs = zip(*corners, strict=True)
    return (min(xs), min(ys), min(zs)), (max(xs), max(ys), max(zs))
