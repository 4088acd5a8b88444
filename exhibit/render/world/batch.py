"""Batches: many still objects of one kind drawn as one mesh per material.

A house is five meshes (walls, roof, doors, windows, trim), so a village of 1,000
houses built one by one is 5,000 draw calls per eye, far past what a headset's frame
leaves for them. Objects that never change on screen (no cue shows, hides, moves or
tints them, no motion of their own) look the same when their meshes are joined: the
world copies their triangles, where they stand, into one node per kind and neighbourhood,
one Geom per material, so 1,000 houses cost five draw calls per cell. Which objects
and kinds are joined is said in ``exhibit/render/budget.py`` (``still``), which the
estimate in ``exhibit check`` shares.

Neighbourhoods (squares of ``budget.CELL`` metres) keep culling useful: a batch spanning
the whole world would be drawn whenever any of its houses is in view. What a cue moves or
fades, a lamp and text in the visitor's language keep their own nodes. Boats riding
the swell and flags waving are joined too: each vertex carries where its object stands
(and a flag's cloth its own wave), and the batch's program moves it as the object alone
moves (sway.vert.glsl, flag.vert.glsl with BATCHED). Each object's own node stays in the world
(empty of drawn geometry) so its position and bounds are still there to ask for.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
from panda3d.core import (
    Geom,
    GeomEnums,
    GeomNode,
    GeomTriangles,
    GeomVertexData,
    InternalName,
    NodePath,
    RenderState,
    ShaderAttrib,
)

from exhibit.render.budget import cell_of
from exhibit.render.world import shaders
from exhibit.render.world.mesh import make_geom, sway_format, vertex_format

Array = np.ndarray

STASHED = "batched"  # the child of an object's node that keeps its own (undrawn) geometry


def own_shader(node: NodePath) -> bool:
    """A part with a program of its own (a flag's cloth) moves in that program: it stays."""
    attrib = node.node().getState().getAttrib(ShaderAttrib.getClassType())
    return attrib is not None and attrib.hasShader()


@dataclass(frozen=True)
class Member:
    """An object to join: ``group`` keeps apart those that must stay apart (the ones
    mirrored in one water, and the rest); ``sway`` names the program that moves its parts
    as its own animation did (its batch is drawn with that program), None when still."""

    obj_id: str
    kind: str
    node: NodePath
    pos: tuple[float, float, float]
    group: str = ""
    sway: str | None = None


@dataclass
class Batches:
    """The batch nodes of a world: per batched object, the batch that draws it and the
    node under its own that keeps its parts (stashed, for its bounds)."""

    drawn_by: dict[str, NodePath] = field(default_factory=dict)
    parts: dict[str, NodePath] = field(default_factory=dict)


def join(root: NodePath, members: Iterable[Member]) -> Batches:
    """Join ``members`` into batches under ``root``, per kind, cell, group and program.

    Each object's parts (in a still batch, those without a program of their own) are
    moved under a stashed child of its node and their triangles, where they stand, go into
    its batch: one Geom per material. A swaying batch's vertices also carry where their
    object stands and their part's own program inputs (:data:`SWAY_INPUT`).
    """
    out = Batches()
    grouped: dict[tuple[str, tuple[int, int], str, str | None], list[Member]] = {}
    for member in members:
        grouped.setdefault((member.kind, cell_of(member.pos), member.group, member.sway), []).append(member)
    for (kind, cell, group, sway), found in grouped.items():
        if len(found) < 2:
            continue  # one object is already as few draw calls as it can be
        joined = Joined(swaying=sway is not None)
        for member in found:
            node = member.node
            keep = node.attachNewNode(STASHED)
            for child in list(node.getChildren()):
                if child != keep and (sway is not None or not _moves_itself(child)):
                    child.reparentTo(keep)
            if not joined.add(keep, root):
                keep.getChildren().reparentTo(node)  # a part the batch cannot hold: drawn alone
                keep.removeNode()
                continue
            keep.stash()
            out.parts[member.obj_id] = keep
            out.drawn_by[member.obj_id] = joined.node
        joined.node.reparentTo(root)
        joined.node.setName(f"batch_{kind}_{cell[0]}_{cell[1]}_{group}")
        if sway is not None:
            joined.node.setShader(shaders.program(sway), 1)
        joined.build()
    return out


def _moves_itself(node: NodePath) -> bool:
    """A part that a program of its own moves, here or further down its tree."""
    return own_shader(node) or any(own_shader(child) for child in node.findAllMatches("**"))


Arrays = tuple[Array, Array, Array, Array]  # positions, normal/colour/UV, triangles, sway frame
#: the input of a part's own program that a batch's vertices carry instead (a flag's cloth:
#: wave, size, phase); a part without it stands still in the batch (x = -1)
SWAY_INPUT = "u_flag"
STILL_PART = (-1.0, 0.0, 0.0, 0.0)


class Joined:
    """Triangles gathered per render state, then made into one Geom per state."""

    def __init__(self, swaying: bool = False) -> None:
        self.node = NodePath("batch")
        self.swaying = swaying
        self.meshes: list[tuple[RenderState, list[Arrays]]] = []

    def add(self, keep: NodePath, root: NodePath) -> bool:
        """Gather the Geoms under ``keep`` as they stand in ``root``; False (and nothing
        gathered) when one is not a procedural mesh of triangles."""
        frame = _sway_frame(keep.getParent(), root)
        gathered = []
        for found in keep.findAllMatches("**/+GeomNode"):
            node = found.node()
            state, params = _own_program_out(_state_between(keep, found))
            if params is not None and not self.swaying:
                return False
            matrix = np.array(found.getMat(root), dtype=np.float64).reshape(4, 4)
            for i in range(node.getNumGeoms()):
                arrays = _arrays(node.getGeom(i))
                if arrays is None:
                    return False
                pos, rest, tri = _placed(arrays, matrix)
                placed = (pos, rest, tri, np.concatenate([frame, params or STILL_PART]))
                gathered.append((state.compose(node.getGeomState(i)), placed))
        for state, placed in gathered:
            for known, meshes in self.meshes:
                if known == state:
                    meshes.append(placed)
                    break
            else:
                self.meshes.append((state, [placed]))
        return True

    def build(self) -> None:
        node = GeomNode("batched")
        for state, meshes in self.meshes:
            offsets = np.cumsum([0] + [len(m[0]) for m in meshes[:-1]])
            pos = np.concatenate([m[0] for m in meshes])
            rest = np.concatenate([m[1] for m in meshes])
            tri = np.concatenate([m[2] + o for m, o in zip(meshes, offsets, strict=True)])
            geom = make_geom(pos, rest[:, :3], rest[:, 3:7], rest[:, 7:9], tri)
            if self.swaying:
                frames = np.concatenate([np.broadcast_to(m[3], (len(m[0]), 9)) for m in meshes])
                geom = _with_sway(geom, frames)
            node.addGeom(geom, state)
        self.node.attachNewNode(node)


def _own_program_out(state: RenderState) -> tuple[RenderState, tuple[float, ...] | None]:
    """A part's state without its own program, and that program's :data:`SWAY_INPUT`
    (None for a part that has no program of its own)."""
    attrib = state.getAttrib(ShaderAttrib.getClassType())
    if attrib is None or not attrib.hasShader():
        return state, None
    params = tuple(attrib.getShaderInputVector(InternalName.make(SWAY_INPUT)))
    return state.removeAttrib(ShaderAttrib.getClassType()), params


def _sway_frame(node: NodePath, root: NodePath) -> Array:
    """Where an object stands in ``root``: origin, scale and heading (radians)."""
    pos = node.getPos(root)
    return np.array([pos[0], pos[1], pos[2], node.getScale(root)[0], np.radians(node.getH(root))])


def _with_sway(geom: Geom, frames: Array) -> Geom:
    """``geom`` with a third vertex array: each vertex's object frame and its part's own
    program inputs (sway.vert.glsl, flag.vert.glsl)."""
    vdata = GeomVertexData(geom.getVertexData())
    vdata.setFormat(sway_format())
    memoryview(vdata.modifyArray(2)).cast("B")[:] = np.ascontiguousarray(frames, dtype=np.float32).tobytes()
    out = Geom(vdata)
    out.addPrimitive(geom.getPrimitive(0))
    return out


def _state_between(top: NodePath, node: NodePath) -> RenderState:
    """The render state ``node`` gets from the nodes between ``top`` and itself."""
    chain = []
    here = node
    while here != top:
        chain.append(here.getState())
        here = here.getParent()
    state = RenderState.makeEmpty()
    for own in reversed(chain):
        state = state.compose(own)
    return state


def _arrays(geom: Geom) -> tuple[Array, Array, Array] | None:
    """Positions (n, 3), the rest of each vertex (n, 9: normal, colour, UV) and triangles."""
    vdata = geom.getVertexData()
    if vdata.getFormat() != vertex_format() or geom.getNumPrimitives() != 1:
        return None
    prim = geom.getPrimitive(0)
    if not isinstance(prim, GeomTriangles) or prim.isIndexed() is False:
        return None
    n = vdata.getNumRows()
    pos = np.frombuffer(memoryview(vdata.getArray(0)), dtype=np.float32).reshape(n, 3)
    rest = np.frombuffer(memoryview(vdata.getArray(1)), dtype=np.float32).reshape(n, 9)
    dtype = np.uint16 if prim.getIndexType() == GeomEnums.NT_uint16 else np.uint32
    tri = np.frombuffer(memoryview(prim.getVertices()), dtype=dtype).reshape(-1, 3).astype(np.int64)
    return pos, rest, tri


def _placed(arrays: tuple[Array, Array, Array], matrix: Array) -> tuple[Array, Array, Array]:
    """The mesh moved by ``matrix`` (Panda3D's row-vector 4x4): positions and normals."""
    pos, rest, tri = arrays
    moved = pos.astype(np.float64) @ matrix[:3, :3] + matrix[3, :3]
    normal_matrix = np.linalg.inv(matrix[:3, :3]).T
    normals = rest[:, :3].astype(np.float64) @ normal_matrix
    length = np.linalg.norm(normals, axis=1, keepdims=True)
    out = rest.astype(np.float64)
    out[:, :3] = normals / np.where(length > 0, length, 1.0)
    return moved, out, tri
