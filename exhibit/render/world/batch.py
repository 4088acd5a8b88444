"""Batches: many still objects of one kind drawn as one mesh per material.

A house is five meshes (walls, roof, doors, windows, trim), so a village of 1,000
houses built one by one is 5,000 draw calls per eye, far past what a headset's frame
leaves for them. Objects that never change on screen (no cue shows, hides, moves or
tints them, no motion of their own) look the same when their meshes are joined: the
world copies their geometry, in place, into one node per kind and neighbourhood and
lets Panda3D merge what shares a material, so 1,000 houses cost a few draw calls per
:data:`CELL`.

Neighbourhoods (squares of :data:`CELL` metres) keep culling useful: a batch spanning
the whole world would be drawn whenever any of its houses is in view. What moves or
fades (a boat riding the swell, a flag's cloth waving in its shader, a lamp, text in
the visitor's language) keeps its own nodes. Each object's own node stays in the world
(empty of drawn geometry) so its position and bounds are still there to ask for.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field

from panda3d.core import NodePath, ShaderAttrib

from exhibit.spec.scene import Scene

#: kinds placed many times whose still instances are joined (a new repeatable kind is one entry)
BATCHED_KINDS = ("house", "schoolhouse", "flag", "red_boat")
CELL = 200.0  # metres: the side of one batch's neighbourhood
STASHED = "batched"  # the child of an object's node that keeps its own (undrawn) geometry


def moving_targets(scene: Scene) -> set[str]:
    """Objects that some cue shows, hides, moves or tints."""
    return {str(getattr(cue, "target")) for cue in scene.cues if getattr(cue, "target", None) is not None}


def still(scene: Scene, obj_id: str, moving: set[str]) -> bool:
    """Whether the object looks the same from the first frame to the last."""
    obj = scene.objects[obj_id]
    return obj.kind in BATCHED_KINDS and obj_id not in moving and obj.visible and obj.opacity >= 1.0


def cell_of(pos: tuple[float, float, float]) -> tuple[int, int]:
    return (math.floor(pos[0] / CELL), math.floor(pos[1] / CELL))


def own_shader(node: NodePath) -> bool:
    """A part with a program of its own (a flag's cloth) moves in that program: it stays."""
    attrib = node.node().getState().getAttrib(ShaderAttrib.getClassType())
    return attrib is not None and attrib.hasShader()


@dataclass
class Batches:
    """The batch nodes of a world: per batched object, the batch that draws it and the
    node under its own that keeps its parts (stashed, for its bounds)."""

    drawn_by: dict[str, NodePath] = field(default_factory=dict)
    parts: dict[str, NodePath] = field(default_factory=dict)

    def count(self) -> int:
        return len({node.getKey() for node in self.drawn_by.values()})


def join(
    root: NodePath,
    objects: Iterable[tuple[str, str, NodePath, tuple[float, float, float], str]],
) -> Batches:
    """Join ``(obj_id, kind, node, pos, group)`` objects into batches under ``root``.

    ``group`` keeps apart objects that must stay apart (those mirrored in one water, and
    the rest). Each object's parts without a program of their own are copied into its
    batch where they stand, and stashed under the object's node; the batch is then
    flattened: one Geom per material.
    """
    out = Batches()
    members: dict[tuple[str, tuple[int, int], str], list[tuple[str, NodePath]]] = {}
    for obj_id, kind, node, pos, group in objects:
        members.setdefault((kind, cell_of(pos), group), []).append((obj_id, node))
    for (kind, cell, group), found in members.items():
        if len(found) < 2:
            continue  # one object is already as few draw calls as it can be
        batch = root.attachNewNode(f"batch_{kind}_{cell[0]}_{cell[1]}_{group}")
        for obj_id, node in found:
            keep = node.attachNewNode(STASHED)
            for child in list(node.getChildren()):
                if child != keep and not _moves_itself(child):
                    child.reparentTo(keep)
            copy = keep.copyTo(batch)
            copy.setTransform(keep.getTransform(root))
            keep.stash()
            out.parts[obj_id] = keep
            out.drawn_by[obj_id] = batch
        batch.flattenStrong()
    return out


def _moves_itself(node: NodePath) -> bool:
    """A part that a program of its own moves, here or further down its tree."""
    return own_shader(node) or any(own_shader(child) for child in node.findAllMatches("**"))
