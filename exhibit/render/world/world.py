"""A scene's world: every object built, and FrameStates applied to it.

``build_world`` turns the scene's objects into Panda3D nodes under one root;
``World.apply(frame)`` makes them look as the timeline says at ``frame.t``. Nothing
here keeps time: transforms, opacity and tint come from the FrameState, and motion
(waves, flags, walking, snow, mist) is a function of ``frame.t`` alone, so seeking,
exporting and replaying give the same pictures.

Per frame the cost is kept small by skipping what did not change: an object's state
is compared with the one applied last, and the environment likewise.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from panda3d.core import LPoint3f, NodePath, TransparencyAttrib

from exhibit.render import budget
from exhibit.render.world import (
    batch,
    boat,
    buildings,
    flag,
    hotspot,
    image,
    light,
    marchers,
    model,
    panorama,
    particles,
    room,
    sailboat,
    terrain,
    text,
    trees,
    video,
    water,
)
from exhibit.render.world.capabilities import Capabilities
from exhibit.render.world.environment import Atmosphere
from exhibit.render.world.ground import Clearance, Ground, Pad, Track, WaterSheet
from exhibit.render.world.piece import BuildContext, Piece, placement_of
from exhibit.spec.scene import Hotspot, Scene
from exhibit.timeline.frame import FrameState, ObjectState
from exhibit.timeline.model import Timeline

Builder = Callable[[str, Any, BuildContext], Piece]

BUILDERS: dict[str, Builder] = {
    "water": water.build,
    "red_boat": boat.build,
    "house": buildings.build_house,
    "schoolhouse": buildings.build_school,
    "flag": flag.build,
    "marchers": marchers.build,
    "sailboat": sailboat.build,
    "trees": trees.build,
    "snow": particles.build_snow,
    "mist": particles.build_mist,
    "text": text.build,
    "model": model.build,
    "image": image.build,
    "panorama": panorama.build,
    "video": video.build,
    "light": light.build,
    "hotspot": hotspot.build,
    "room": room.build,
}


@dataclass
class _Applied:
    state: ObjectState | None = None
    hidden: bool = False
    blended: bool = False


@dataclass
class World:
    """The built scene. ``nodes`` maps each object id to its root node."""

    root: NodePath
    nodes: dict[str, NodePath]
    pieces: dict[str, Piece]
    atmosphere: Atmosphere
    ground: Ground
    capabilities: Capabilities
    view_distance: float  # a far clip plane that shows the whole world (metres)
    #: a mirror node per water id (GLSL only): instances of the objects at that water
    reflections: dict[str, NodePath] = field(default_factory=dict)
    #: each reflected object's instance under its water's mirror (hidden with the object)
    mirrored: dict[str, NodePath] = field(default_factory=dict)
    #: still objects of repeatable kinds drawn together (one mesh per material and cell)
    batches: batch.Batches = field(default_factory=batch.Batches)
    _applied: dict[str, _Applied] = field(default_factory=dict)
    _animated: list[Piece] = field(default_factory=list)
    _windows: list[NodePath] = field(default_factory=list)  # paper windows, software renderer
    _lang: str | None = None
    t: float | None = None

    def apply(self, frame: FrameState) -> None:
        """Make the world look as ``frame`` says (and nothing else: no time is kept here)."""
        self.t = frame.t
        if frame.lang != self._lang:
            self._lang = frame.lang
            for piece in self.pieces.values():
                if piece.set_lang is not None:
                    piece.set_lang(frame.lang)
        self.root.setShaderInput("u_time", float(frame.t))
        applied = self._applied
        for obj_id, state in frame.objects.items():
            done = applied.get(obj_id)
            if done is not None and done.state is state:
                continue  # a still object: the same state as last frame (a thousand a village)
            piece = self.pieces.get(obj_id)
            if piece is not None:
                self._apply_object(obj_id, piece, state)
        for water_id, mirror in self.reflections.items():
            hidden = self._applied[water_id].hidden
            if hidden != mirror.isStashed():
                if hidden:
                    mirror.stash()
                else:
                    mirror.unstash()
        for piece in self._animated:
            if not self._applied[_id(piece)].hidden:
                piece.animate(frame)  # type: ignore[misc]
        self.atmosphere.apply(frame)
        if self._windows:
            self.atmosphere.glow_windows(self._windows, frame.environment)

    def _apply_object(self, obj_id: str, piece: Piece, state: ObjectState) -> None:
        applied = self._applied[obj_id]
        if applied.state is state or applied.state == state:
            return
        node = piece.node
        old = applied.state
        if old is None or old.pos != state.pos or old.hpr != state.hpr or old.scale != state.scale:
            node.setPosHprScale(*state.pos, *state.hpr, *state.scale)
        applied.state = state
        if piece.own_look is not None:
            piece.own_look(state)
        reflection = self.mirrored.get(obj_id)
        if state.opacity <= 0.0:
            if not applied.hidden:
                node.stash()
                if reflection is not None:
                    reflection.stash()
                applied.hidden = True
            return
        if applied.hidden:
            node.unstash()
            if reflection is not None:
                reflection.unstash()
            applied.hidden = False
        if piece.own_look is not None:
            return
        blended = state.opacity < 0.999
        if blended != applied.blended and not piece.self_blended:
            if blended:
                node.setTransparency(TransparencyAttrib.MAlpha, 1)
            else:
                node.clearTransparency()
            applied.blended = blended
        r, g, b = state.tint[:3] if state.tint is not None else (1.0, 1.0, 1.0)
        if state.tint is None and not blended:
            node.clearColorScale()
        else:
            node.setColorScale(r, g, b, state.opacity)

    def bounds(self, obj_id: str) -> tuple[LPoint3f, LPoint3f] | None:
        """World-space box around an object as built (None when it has no geometry)."""
        node = self.nodes[obj_id]
        parts = self.batches.parts.get(obj_id)  # a batched object's own, undrawn parts
        stashed = [n for n in (node, parts) if n is not None and n.isStashed()]
        for n in stashed:
            n.unstash()
        try:
            found = node.getTightBounds(self.root)
            if found is None:  # a hotspot: an invisible box
                box = hotspot.box_bounds(node, self.root)
                found = (LPoint3f(*box[0]), LPoint3f(*box[1])) if box is not None else None
        finally:
            for n in stashed:
                n.stash()
        return found

    def destroy(self) -> None:
        """Remove every node this world made; the parent is left as it was."""
        self.atmosphere.destroy()
        for piece in self.pieces.values():
            if piece.close is not None:
                piece.close()
            piece.node.removeNode()
        self.pieces.clear()
        self.nodes.clear()
        self._animated.clear()
        self.root.removeNode()


def _id(piece: Piece) -> str:
    return piece.node.getName()


CAMERA_ROOM = 1.2  # metres kept between the camera and the ground below it
CAMERA_SAMPLE = 0.25  # seconds between the camera positions the ground makes room for
CAMERA_RADIUS = 4.0  # metres around the camera kept under it; beyond, the ground may rise
CAMERA_SLOPE = 1.0  # as steeply as this (45 degrees)
DARK = 0.95  # fade level from which nothing is seen (the camera may pass anywhere then)


def camera_rooms(scene: Scene) -> dict[str, list[Clearance]]:
    """Room under the camera, per terrain: wherever the camera goes while it is shown.

    The camera's path is sampled through the scene (timed with the narration's reading
    estimates: the path's shape and which ground is shown where do not depend on the
    voice). A terrain makes room only where the camera passes while that terrain is
    shown and the view is not black, so a camera low over a marsh that replaces a
    mountain during a fade does not dig a crater into the mountainside.
    """
    from exhibit.timeline.compile import compile_scene

    terrains = [i for i, o in scene.objects.items() if o.kind == "terrain"]
    timeline, _ = compile_scene(scene, scene.languages[0])
    if timeline is None:  # a broken scene still builds: room under every key, on all ground
        keys = [Clearance(k.pos[0], k.pos[1], k.pos[2] - CAMERA_ROOM) for k in scene.camera.keys]
        return {t: list(keys) for t in terrains}
    rooms: dict[str, list[Clearance]] = {t: [] for t in terrains}
    last: dict[str, tuple[float, float, float]] = {}
    steps = int(timeline.duration / CAMERA_SAMPLE) + 1
    for step in range(steps + 1):
        t = min(step * CAMERA_SAMPLE, timeline.duration)
        if timeline.fade_at(t) >= DARK:
            continue
        pos = timeline.camera_path.pose(t)[0]
        for terrain_id in terrains:
            if timeline.object_state(terrain_id, t).opacity <= 0.0:
                continue
            prev = last.get(terrain_id)
            if prev is not None and max(abs(a - b) for a, b in zip(prev, pos, strict=True)) < 1.0:
                continue  # a camera that barely moved needs no new room
            last[terrain_id] = pos
            rooms[terrain_id].append(
                Clearance(pos[0], pos[1], pos[2] - CAMERA_ROOM, CAMERA_RADIUS, CAMERA_SLOPE)
            )
    return rooms


def _shaping(scene: Scene) -> tuple[list[Pad], list[Track]]:
    """What the terrain must make level: building pads and marchers' tracks."""
    import numpy as np

    pads: list[Pad] = []
    tracks: list[Track] = []
    for obj in scene.objects.values():
        if obj.kind in ("house", "schoolhouse"):
            if obj.kind == "house" and any(
                other.kind == "house" and other is not obj and buildings.stands_on(obj, other)
                for other in scene.objects.values()
            ):
                continue  # an upper storey stands on the house below, not on the ground
            w, d, h = obj.size
            sx, sy = obj.scale[0], obj.scale[1]
            pads.append(
                Pad(
                    obj.pos[0],
                    obj.pos[1],
                    w * sx / 2,
                    d * sy / 2,
                    obj.hpr[0],
                    obj.pos[2],
                    h * obj.scale[2],
                )
            )
        elif obj.kind == "marchers":
            points = marchers.path_points(obj)
            tracks.append(Track(np.asarray(points, dtype=float), obj.visible))
    return pads, tracks


def draw_opaque_near_to_far() -> None:
    """Sort Panda3D's opaque bin front to back instead of by render state.

    A rasterizer tests depth before it shades a pixel, so what the near geometry hides
    (the terrain's tiles behind a lane of houses) is then never shaded; on Mesa's
    llvmpipe this took 15-20 % off a village frame. The few shaders the world uses make
    the extra state changes cheap.
    """
    from panda3d.core import CullBinEnums, CullBinManager

    manager = CullBinManager.getGlobalPtr()
    opaque = manager.findBin("opaque")
    if opaque >= 0:
        manager.setBinType(opaque, CullBinEnums.BT_front_to_back)


def build_world(
    scene: Scene,
    parent: NodePath,
    *,
    project_root: Path,
    capabilities: Capabilities,
    batched: bool = True,
    timeline: Timeline | None = None,
) -> World:
    """Build every object of ``scene`` under a new node of ``parent``.

    ``batched=False`` draws every object by itself (to compare pictures and costs);
    ``timeline`` is the show's (films start when it says; default: reading estimates)."""
    draw_opaque_near_to_far()
    root = parent.attachNewNode(f"world_{scene.scene_id}")
    try:
        return _build(scene, root, Path(project_root), capabilities, batched, timeline)
    except BaseException:
        root.removeNode()  # a failed build leaves nothing behind
        raise


def _build(
    scene: Scene,
    root: NodePath,
    project_root: Path,
    capabilities: Capabilities,
    batched: bool,
    timeline: Timeline | None = None,
) -> World:
    ground = Ground()
    ctx = BuildContext(
        scene=scene,
        project_root=Path(project_root),
        capabilities=capabilities,
        ground=ground,
        has_water=any(o.kind == "water" for o in scene.objects.values()),
        lang=scene.languages[0],
        timeline=timeline,
    )
    if capabilities.glsl:
        ctx.shade(root, "lit", 0)
    atmosphere = Atmosphere(root, ctx)
    pieces, extent = _build_ground(scene, ctx, ground)
    for obj_id, obj in scene.objects.items():
        if obj.kind == "terrain":
            continue
        pieces[obj_id] = BUILDERS[obj.kind](obj_id, obj, ctx)
    world = World(
        root=root,
        nodes={},
        pieces={},
        atmosphere=atmosphere,
        ground=ground,
        capabilities=capabilities,
        view_distance=float(extent * 2.5 + 1000.0),
    )
    for obj_id in scene.objects:  # the scene's order
        piece = pieces[obj_id]
        piece.node.setName(obj_id)
        piece.node.reparentTo(root)
        obj = scene.objects[obj_id]
        piece.node.setPosHprScale(*obj.pos, *obj.hpr, *obj.scale)
        world.pieces[obj_id] = piece
        world.nodes[obj_id] = piece.node
        world._applied[obj_id] = _Applied()
        if piece.animate is not None:
            world._animated.append(piece)
        for lamp in piece.lamps:
            p = lamp.node.getPos(root)
            lamp.indoor = any(pad.contains(p[0], p[1], p[2]) for pad in ground.pads)
        atmosphere.add_lamps(piece.lamps)
        if piece.interior:
            atmosphere.add_interior(piece.node)
    _mount_parts(scene, world)
    if capabilities.glsl:
        if batched:
            world.batches = _batch(scene, world)
        _reflect(scene, world)
    else:
        from exhibit.render.world.parts import TRANSLUCENT_TAG

        world._windows = list(root.findAllMatches("**/=" + TRANSLUCENT_TAG))
    return world


def _build_ground(scene: Scene, ctx: BuildContext, ground: Ground) -> tuple[dict[str, Piece], float]:
    """The ground first, since everything else stands on it: terrain (its pieces) and water
    sheets go into ``ground``; returns the terrain pieces and how far the ground reaches."""
    pads, tracks = _shaping(scene)
    ground.pads.extend(pads)
    rooms = camera_rooms(scene)
    pieces: dict[str, Piece] = {}
    extent = 500.0
    for obj_id, obj in scene.objects.items():
        if obj.kind == "terrain":
            field_ = terrain.heightfield(obj, terrain.shaping_for(pads, tracks, rooms[obj_id]))
            ground.fields.append(field_)
            pieces[obj_id] = terrain.build(obj_id, obj, ctx, field_)
            extent = max(
                extent,
                abs(obj.pos[0]) + obj.size[0] * obj.scale[0] / 2,
                abs(obj.pos[1]) + obj.size[1] * obj.scale[1] / 2,
            )
        elif obj.kind == "water":
            place = placement_of(obj)
            ground.waters.append(
                WaterSheet(place, obj.size[0] * obj.scale[0] / 2, obj.size[1] * obj.scale[1] / 2)
            )
    return pieces, extent


def carriers(scene: Scene) -> set[str]:
    """The objects that hotspots are part of (they keep their own nodes: never batched)."""
    return {obj.part_of for obj in scene.objects.values() if isinstance(obj, Hotspot) and obj.part_of is not None}


def _mount_parts(scene: Scene, world: World) -> None:
    """Put each hotspot that is ``part_of`` an object under that object's carrier node, so
    its ``pos`` and ``hpr`` are in the object's frame and it rides the object's motion."""
    for obj_id, obj in scene.objects.items():
        if isinstance(obj, Hotspot) and obj.part_of is not None and obj.part_of in world.pieces:
            carrier = world.pieces[obj.part_of]
            world.nodes[obj_id].reparentTo(carrier.carrier if carrier.carrier is not None else carrier.node)


def _batch(scene: Scene, world: World) -> batch.Batches:
    """Join the still objects of repeatable kinds (with shaders only: without them paper
    windows are lit per house on the CPU); a piece that moves by itself joins a batch
    only where a program does its motion (``Piece.sway``), and stops moving itself."""
    moving = budget.moving_targets(scene)
    waters = budget.mirrored(scene)
    carrying = carriers(scene)
    members = []
    for obj_id, piece in world.pieces.items():
        if piece.own_look or piece.set_lang or piece.lamps or (piece.animate and not piece.sway):
            continue
        if obj_id in carrying:
            continue
        if budget.still(scene, obj_id, moving):
            obj = scene.objects[obj_id]
            members.append(batch.Member(obj_id, obj.kind, piece.node, obj.pos, waters.get(obj_id, ""), piece.sway))
    joined = batch.join(world.root, members)
    world._animated = [p for p in world._animated if _id(p) not in joined.drawn_by]
    for obj_id in joined.drawn_by:
        world.nodes[obj_id].stash()  # drawn by its batch: its own, empty node skips the cull
    return joined


def _reflect(scene: Scene, world: World) -> None:
    """Mirror the objects standing at each water surface about its plane.

    A mirror is a node with scale z = -1 about the water level holding *instances* of
    the objects' nodes (or of the batch that draws them), so a reflection moves, fades
    and animates with its object at no cost per frame. Fragments of a reflection above
    the water are discarded by the shaders (u_clip), and faces are culled the other way
    round under the mirror.
    """
    from panda3d.core import CullFaceAttrib

    mirrors: dict[str, NodePath] = {}
    instanced: set[int] = set()
    for obj_id, water_id in budget.mirrored(scene).items():
        mirror = mirrors.get(water_id)
        if mirror is None:
            level = scene.objects[water_id].pos[2]
            mirror = mirrors[water_id] = world.root.attachNewNode(f"reflections_{water_id}")
            mirror.setPos(0, 0, 2 * level)
            mirror.setScale(1, 1, -1)
            mirror.setAttrib(CullFaceAttrib.makeReverse(), 1)
            mirror.setShaderInput("u_clip", (1.0, level, 0.0, 0.0))
        batch = world.batches.drawn_by.get(obj_id)
        if batch is None:
            world.mirrored[obj_id] = world.nodes[obj_id].instanceTo(mirror)
        elif batch.getKey() not in instanced:
            instanced.add(batch.getKey())
            batch.instanceTo(mirror)
    world.reflections.update(mirrors)
