"""What a scene costs a headset per frame, estimated from the compiled scene without drawing.

A headset at 90 Hz leaves 11.1 ms a frame, drawn twice (once per eye). What the GPU
does not take away is one draw call per Geom in view, per eye; triangles are the GPU's
side. ``exhibit check`` walks the scene's timeline, and at each moment counts what each
eye would draw: every object shown at that moment whose bounds lie in the camera's view
(a cone round the headset's field of view, so a little more than a real frustum), at
its kind's cost (:data:`COSTS`, measured from the builders; a test keeps the table and
the estimate honest against real offscreen renders). Still objects of the kinds in
:data:`BATCHED_KINDS` are drawn together, per :data:`CELL` (see
``exhibit/render/world/batch.py``), and objects over water are drawn twice (reflected).

Nothing here imports Panda3D: ``exhibit check`` runs without a display or a GPU.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache

from exhibit.spec.errors import Diagnostic, Severity
from exhibit.spec.scene import (
    House,
    Marchers,
    Mist,
    Room,
    Sailboats,
    Scene,
    Schoolhouse,
    Snow,
    Terrain,
    TextObject,
    Trees,
    Water,
)
from exhibit.spec.source import Document
from exhibit.timeline.frame import CameraState, ObjectState
from exhibit.timeline.model import Timeline

#: per eye, for a 90 Hz headset: draw calls (about 2.5 us of CPU each in Panda3D and the
#: driver, twice per frame: 1 ms of the 5.5 ms the CPU may take) and triangles (what a
#: mid-range PC card shades in a few ms per eye at 2 x 1832x1920)
HEADSET_DRAW_CALLS = 200
HEADSET_TRIANGLES = 1_000_000
EYE_ASPECT = 1832 / 1920  # width / height of one eye of the hall's headsets
STEP = 2.0  # seconds between the moments looked at
MAX_MOMENTS = 240  # and at most this many (a long scene is looked at more sparsely)

#: kinds placed many times whose still instances are drawn together (a new kind: one entry)
BATCHED_KINDS = ("house", "schoolhouse", "flag", "red_boat")
CELL = 200.0  # metres: the side of one batch's neighbourhood
SWAYING = ("red_boat", "flag")  # batched kinds that move by themselves, in the batch's program
#: kinds mirrored in water (terrain, water and particles are not; text faces the viewer)
REFLECTED = ("red_boat", "house", "schoolhouse", "trees", "flag", "marchers", "sailboat", "model", "light")
REFLECTION_HEIGHT = 30.0  # objects based this far above a water are mirrored in it

#: terrain: square cells, at most MAX_VERTICES vertices, TILE_CELLS cells a side per tile
MAX_VERTICES = 30000
TILE_CELLS = 24
FIGURES_PER_DRAW = 64  # marchers in one Geom (the marchers shader's arrays)


@dataclass(frozen=True)
class Cost:
    """Per instance: draw calls, triangles, and a radius (metres, at scale 1) round its
    position that holds it."""

    draw_calls: int
    triangles: int
    radius: float = 5.0


#: measured from the builders at their default sizes (tests/render/test_budget.py)
COSTS: dict[str, Cost] = {
    "house": Cost(5, 234, radius=5.0),
    "schoolhouse": Cost(7, 462, radius=9.0),
    "flag": Cost(3, 326, radius=3.5),
    "red_boat": Cost(6, 3608, radius=10.0),
    "light": Cost(2, 50, radius=0.5),
    "water": Cost(1, 18432),
    "snow": Cost(1, 9600),
    "mist": Cost(1, 154),
    "model": Cost(1, 0, radius=10.0),  # unknown until loaded: one mesh
    "image": Cost(4, 60, radius=3.0),  # picture, frame, plaque board and its text
    "panorama": Cost(1, 2048, radius=1e9),
    "video": Cost(1, 2, radius=3.0),  # a dome round the camera (two for stereo)
    "sky": Cost(1, 2048),
    "hotspot": Cost(0, 0, radius=1.0),  # an invisible box: nothing drawn
    "room": Cost(3, 1776, radius=5.0),  # plaster, wood, paint; its radius is its size's
}
TREE_TRIANGLES = 142  # one broadleaf or pine (a willow with its strands: WILLOW_TRIANGLES)
WILLOW_TRIANGLES = 190
FIGURE_TRIANGLES = 211
BOAT_TRIANGLES = 196  # one wooden sailing boat: hull, sails, oars, flag
TEXT_TRIANGLES = 2  # per character


@dataclass(frozen=True)
class Item:
    """Something drawn: whose it is, where, how big, its cost, and the batch it joins."""

    obj_id: str
    centre: tuple[float, float, float]
    radius: float
    draw_calls: int
    triangles: int
    batch: tuple[str, int, int, str] | None = None


@dataclass
class Moment:
    """What one eye draws at ``t``: totals and per object."""

    t: float
    draw_calls: int = 0
    triangles: int = 0
    by_object: dict[str, list[int]] = field(default_factory=dict)

    def add(self, obj_id: str, draw_calls: int, triangles: int) -> None:
        self.draw_calls += draw_calls
        self.triangles += triangles
        mine = self.by_object.setdefault(obj_id, [0, 0])
        mine[0] += draw_calls
        mine[1] += triangles

    def costliest(self, index: int, n: int = 3) -> list[tuple[str, int]]:
        ranked = sorted(self.by_object.items(), key=lambda kv: -kv[1][index])
        return [(k, v[index]) for k, v in ranked[:n] if v[index] > 0]


def moving_targets(scene: Scene) -> set[str]:
    """Objects that some cue shows, hides, moves or tints."""
    return {str(t) for cue in scene.cues if (t := getattr(cue, "target", None)) is not None}


def still(scene: Scene, obj_id: str, moving: set[str]) -> bool:
    """Whether the object, of a batched kind, is where the scene put it from the first frame
    to the last (a boat still rocks, a flag waves: level and evenly scaled, as the batch's
    program moves them; one that leans is drawn by itself)."""
    obj = scene.objects[obj_id]
    if obj.kind not in BATCHED_KINDS or obj_id in moving or not obj.visible or obj.opacity < 1.0:
        return False
    level = obj.hpr[1] == 0.0 and obj.hpr[2] == 0.0 and obj.scale[0] == obj.scale[1] == obj.scale[2]
    return obj.kind not in SWAYING or level


def cell_of(pos: tuple[float, float, float]) -> tuple[int, int]:
    return (math.floor(pos[0] / CELL), math.floor(pos[1] / CELL))


def grid_shape(width: float, depth: float) -> tuple[int, int]:
    """Terrain columns and rows: square cells, at most MAX_VERTICES vertices, cells >= 1 m."""
    cell = max(1.0, math.sqrt(width * depth / MAX_VERTICES))
    return max(8, int(round(width / cell)) + 1), max(8, int(round(depth / cell)) + 1)


def mirrored(scene: Scene) -> dict[str, str]:
    """The water each reflected object is mirrored in (an object is mirrored in one water)."""
    out: dict[str, str] = {}
    for water_id, water in scene.objects.items():
        if not isinstance(water, Water):
            continue
        level = water.pos[2]
        for obj_id, obj in scene.objects.items():
            if obj.kind not in REFLECTED or obj_id in out:
                continue
            if level - 2.0 <= obj.pos[2] <= level + REFLECTION_HEIGHT and _over(water, obj.pos):
                out[obj_id] = water_id
    return out


def _over(water: Water, pos: tuple[float, float, float]) -> bool:
    """Whether ``pos`` lies over the water's rectangle."""
    wpos, hpr, scale, size = water.pos, water.hpr, water.scale, water.size
    a = math.radians(-hpr[0])
    dx, dy = pos[0] - wpos[0], pos[1] - wpos[1]
    lx, ly = dx * math.cos(a) - dy * math.sin(a), dx * math.sin(a) + dy * math.cos(a)
    return bool(abs(lx) <= size[0] * scale[0] / 2 and abs(ly) <= size[1] * scale[1] / 2)  # a Size2 reads as Any


def _terrain_tiles(obj_id: str, obj: Terrain, pos: tuple[float, float, float]) -> tuple[Item, ...]:
    return _tiles(obj_id, tuple(obj.size), tuple(obj.scale), obj.hpr[0], obj.height, tuple(pos))


@lru_cache(maxsize=64)
def _tiles(
    obj_id: str,
    size: tuple[float, float],
    scale: tuple[float, float, float],
    heading: float,
    height: float,
    pos: tuple[float, float, float],
) -> tuple[Item, ...]:
    """A terrain's tiles (each its own Geom, culled by itself) where the terrain stands."""
    (w, d), (sx, sy, sz) = size, scale
    cols, rows = grid_shape(w, d)
    step_x, step_y = w / (cols - 1), d / (rows - 1)
    c, s = math.cos(math.radians(heading)), math.sin(math.radians(heading))
    height *= sz
    out = []
    for r0 in range(0, rows - 1, TILE_CELLS):
        for c0 in range(0, cols - 1, TILE_CELLS):
            nr, nc = min(TILE_CELLS, rows - 1 - r0), min(TILE_CELLS, cols - 1 - c0)
            lx = (-w / 2 + (c0 + nc / 2) * step_x) * sx
            ly = (-d / 2 + (r0 + nr / 2) * step_y) * sy
            centre = (pos[0] + lx * c - ly * s, pos[1] + lx * s + ly * c, pos[2] + height / 2)
            radius = math.hypot(nc * step_x * sx, nr * step_y * sy, height) / 2
            out.append(Item(obj_id, centre, radius, 1, 2 * nr * nc))
    return tuple(out)


def items(
    scene: Scene, objects: dict[str, ObjectState], lang: str, moving: set[str], has_water: bool
) -> Iterator[Item]:
    """Everything the world draws with ``objects`` so (before culling), object by object."""
    yield Item("sky", (0.0, 0.0, 0.0), 1e9, 1, COSTS["sky"].triangles)
    for obj_id, state in objects.items():
        obj = scene.objects.get(obj_id)
        if obj is None or state.opacity <= 0.0:
            continue
        size = max(state.scale)
        kind = obj.kind
        if isinstance(obj, Terrain):
            yield from _terrain_tiles(obj_id, obj, state.pos)
        elif isinstance(obj, Trees):
            w, d = obj.area
            per_tree = WILLOW_TRIANGLES if has_water else TREE_TRIANGLES
            radius = math.hypot(w, d) / 2 * size + 10
            yield Item(obj_id, state.pos, radius, 2 if has_water else 1, per_tree * obj.count)
        elif isinstance(obj, Marchers):
            yield from _column(obj_id, obj, state.pos, size)
        elif isinstance(obj, Sailboats):
            yield from _fleet(obj_id, obj, state.pos, size)
        elif isinstance(obj, TextObject):
            chars = len((obj.text.get(lang) or "").replace(" ", ""))
            yield Item(obj_id, state.pos, obj.size * chars * size, 1, TEXT_TRIANGLES * chars)
        elif isinstance(obj, (Water, Snow, Mist)):
            cost = COSTS[kind]
            extent = obj.size if isinstance(obj, Water) else obj.area
            yield Item(obj_id, state.pos, math.hypot(*extent[:2]) / 2 * size, 1, cost.triangles)
        else:
            cost = COSTS.get(kind, COSTS["model"])
            radius = cost.radius * size
            if isinstance(obj, (House, Schoolhouse, Room)):
                radius = math.hypot(*obj.size) / 2 * size + 1.0
            if still(scene, obj_id, moving):
                batch = (kind, *cell_of(obj.pos), "")
                yield Item(obj_id, state.pos, radius, cost.draw_calls, cost.triangles, batch)
            else:
                yield Item(obj_id, state.pos, radius, cost.draw_calls, cost.triangles)


def _column(obj_id: str, obj: Marchers, pos: tuple[float, float, float], size: float) -> Iterator[Item]:
    """A column: one draw per group of figures, anywhere along its path (held by its bounds)."""
    path = obj.path or [(0.0, 0.0, 0.0), (0.0, 400.0, 0.0)]
    xs, ys, zs = zip(*path, strict=True)
    centre = (pos[0] + (min(xs) + max(xs)) / 2, pos[1] + (min(ys) + max(ys)) / 2, pos[2] + (min(zs) + max(zs)) / 2)
    radius = math.hypot(max(xs) - min(xs), max(ys) - min(ys), max(zs) - min(zs)) / 2 * size + 4
    count = obj.count
    for first in range(0, count, FIGURES_PER_DRAW):
        n = min(FIGURES_PER_DRAW, count - first)
        yield Item(obj_id, centre, radius, 1, FIGURE_TRIANGLES * n)


def _fleet(obj_id: str, obj: Sailboats, pos: tuple[float, float, float], size: float) -> Iterator[Item]:
    """A fleet: drawn as a column is, one draw per group of boats, anywhere between where
    the boats start (``area``) and the far bank (``distance`` along +y)."""
    w, d = obj.area
    reach = d + obj.distance
    centre = (pos[0], pos[1] + reach / 2 - d / 2, pos[2])
    radius = math.hypot(w, reach) / 2 * size + obj.length * size
    count = obj.count
    for first in range(0, count, FIGURES_PER_DRAW):
        n = min(FIGURES_PER_DRAW, count - first)
        yield Item(obj_id, centre, radius, 1, BOAT_TRIANGLES * n)


CONE_MARGIN = 1e-9  # radians


@dataclass(frozen=True)
class Eye:
    """One eye's view as a cone round its frustum (roll does not matter to a cone)."""

    apex: tuple[float, float, float]
    axis: tuple[float, float, float]
    sin_half: float
    cos_half: float

    @classmethod
    def of(cls, camera: CameraState) -> Eye:
        h, p = math.radians(camera.hpr[0]), math.radians(camera.hpr[1])
        axis = (-math.sin(h) * math.cos(p), math.cos(h) * math.cos(p), math.sin(p))
        half_w = math.tan(math.radians(camera.fov) / 2)
        # A hair wider than the frustum's corner ray, so a point on the corner itself, which
        # rounding may put a few ulps outside the exact cone, still counts as seen.
        half = math.atan(math.hypot(half_w, half_w / EYE_ASPECT)) + CONE_MARGIN
        return cls(camera.pos, axis, math.sin(half), math.cos(half))

    def sees(self, centre: tuple[float, float, float], radius: float) -> bool:
        """Whether a sphere lies (partly) in the cone (D. Eberly, "Intersection of a Sphere
        and a Cone": the cone pushed back by r / sin(half angle) holds the sphere's centre)."""
        ax, ay, az = self.axis
        back = radius / self.sin_half
        ux, uy, uz = (self.apex[0] - back * ax, self.apex[1] - back * ay, self.apex[2] - back * az)
        dx, dy, dz = centre[0] - ux, centre[1] - uy, centre[2] - uz
        along = ax * dx + ay * dy + az * dz
        length = math.sqrt(dx * dx + dy * dy + dz * dz)
        if along < length * self.cos_half:
            return False
        dx, dy, dz = centre[0] - self.apex[0], centre[1] - self.apex[1], centre[2] - self.apex[2]
        along = ax * dx + ay * dy + az * dz
        length = math.sqrt(dx * dx + dy * dy + dz * dz)
        if -along >= length * self.sin_half:
            return length <= radius  # behind the eye: only a sphere round the eye is seen
        return True


def moment(scene: Scene, timeline: Timeline, t: float, moving: set[str] | None = None) -> Moment:
    """What one eye draws at ``t``."""
    moving = moving_targets(scene) if moving is None else moving
    objects = {name: timeline.object_state(name, t) for name in scene.objects}
    eye = Eye.of(timeline.camera_state(t))
    waters = mirrored(scene)
    has_water = any(o.kind == "water" for o in scene.objects.values())
    out = Moment(t)
    batches: dict[tuple[str, int, int, str], list[tuple[Item, bool]]] = {}
    for item in items(scene, objects, timeline.lang, moving, has_water):
        water = waters.get(item.obj_id)
        seen = eye.sees(item.centre, item.radius)
        if water is not None:
            level = scene.objects[water].pos[2]
            mirror = (item.centre[0], item.centre[1], 2 * level - item.centre[2])
            seen = seen or eye.sees(mirror, item.radius)
        copies = 2 if water is not None else 1
        if item.batch is not None:
            batches.setdefault((*item.batch[:3], water or ""), []).append((item, seen))
        elif seen:
            out.add(item.obj_id, item.draw_calls * copies, item.triangles * copies)
    for key, members in batches.items():
        visible = [item for item, seen in members if seen]
        if not visible:
            continue
        copies = 2 if key[3] else 1
        if len(members) == 1:
            out.add(visible[0].obj_id, visible[0].draw_calls * copies, visible[0].triangles * copies)
            continue
        # a batch in view is drawn whole: every member's triangles, its kind's draw calls once
        out.add(visible[0].obj_id, visible[0].draw_calls * copies, 0)
        for item, _ in members:
            out.add(item.obj_id, 0, item.triangles * copies)
    return out


def worst(scene: Scene, timeline: Timeline, step: float = STEP) -> tuple[Moment, Moment]:
    """The moments with the most draw calls and with the most triangles per eye."""
    moving = moving_targets(scene)
    step = max(step, timeline.duration / MAX_MOMENTS)
    n = max(1, int(timeline.duration / step))
    moments = [moment(scene, timeline, min(i * step, timeline.duration), moving) for i in range(n + 1)]
    return max(moments, key=lambda m: m.draw_calls), max(moments, key=lambda m: m.triangles)


def budget_warnings(scene: Scene, timeline: Timeline, doc: Document | None, headset: bool) -> list[Diagnostic]:
    """A warning (a note outside a headset hall) per budget the worst moment exceeds."""
    severity = Severity.WARNING if headset else Severity.NOTE
    calls, tris = worst(scene, timeline)
    found = []
    for m, index, figure, limit, what in (
        (calls, 0, calls.draw_calls, HEADSET_DRAW_CALLS, "draw calls"),
        (tris, 1, tris.triangles, HEADSET_TRIANGLES, "triangles"),
    ):
        if figure <= limit:
            continue
        top = m.costliest(index)
        named = ", ".join(f"{k} {v:,}" for k, v in top)
        where = doc.locate(("objects", top[0][0]), key=True) if doc is not None and top else None
        found.append(
            Diagnostic(
                severity,
                f"at {m.t:.1f} s each eye of a headset would draw about {figure:,} {what} "
                f"(budget {limit:,} for 90 Hz); most from {named}: show fewer at once, "
                "keep repeated objects still (then they are drawn together), or use fewer",
                where,
            )
        )
    return found
