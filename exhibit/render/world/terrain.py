"""Terrain: a heightfield from size, height, roughness and seed, snow above the snowline.

Relief is fractal value noise (ridged for rough, high ground), faded to the base
level at the edges so no terrain ends in a cliff. The ground is then shaped by what
stands on it (see :mod:`exhibit.render.world.ground`): level pads under buildings,
and a graded track along each marchers' path with the slope around it following the
path's rise, so a column climbing switchbacks climbs a real slope.

Snow: in GLSL the terrain shader puts it above the snowline per pixel, thinning on
steep faces; elsewhere the same rule colours the vertices.

A path is a trodden line a metre or so wide: far narrower than the grid's cells, so it
is not painted into the terrain's vertices (that would smear it into a dark band several
cells wide) but drawn as a thin ribbon lying on the terrain's triangles, in the terrain's
own shader: its edges match the ground beside them and its middle is compacted, grey
snow (or bare earth below the snowline).
"""

from __future__ import annotations

import numpy as np
from panda3d.core import NodePath

from exhibit.render.budget import TILE_CELLS, grid_shape
from exhibit.render.world.ground import Clearance, Heightfield, Pad, Placement, Shaping, Track
from exhibit.render.world.mesh import Mesh
from exhibit.render.world.noise import fbm, ridged
from exhibit.render.world.piece import BuildContext, Piece, placement_of
from exhibit.spec.scene import Terrain

Array = np.ndarray

# TILE_CELLS (cells along a side of one drawn tile: each tile is its own node, so the
# ones outside the view are culled before their vertices are shaded, and opaque tiles
# are drawn near to far) and grid_shape live with the cost estimate that counts tiles.
SNOW_BLEND = 6.0  # metres over which snow gives way to rock at the snowline
SNOW = np.array([0.93, 0.95, 0.98])
ROCK = np.array([0.36, 0.34, 0.32])
TRACK_WIDTH = 1.0  # half width of the ground held at a path's height, metres
TRACK_FALLOFF = 3.0  # metres over which the ground beside a path returns to the slope
#: the trodden line across a path (metres from its middle) and how much fresh snow lies
#: there: none in the middle of the line, untouched snow at its edges
TRODDEN_OFFSETS = np.array([-1.3, -0.55, 0.0, 0.55, 1.3])
TRODDEN_SNOW = np.array([1.0, 0.45, 0.25, 0.45, 1.0])
TRODDEN_SNOW_COLOR = np.array([0.72, 0.75, 0.8])  # packed snow: greyer than fresh snow
TRODDEN_EARTH = 0.72  # a path through grass or rock: the ground darkened by this factor
RIBBON_STEP = 1.0  # metres between cross-sections of a trodden line
RIBBON_LIFT = 0.04  # metres above the terrain's triangles
PAD_MARGIN = 1.5
PAD_FALLOFF = 12.0
TREND_RADIUS = 45.0  # how far the slope follows a path's rise
SPUR_RADIUS = 110.0  # how far the ground rises with a path before its own relief takes over
RAMP_BEND = 8.0  # metres over which the ramp rounds into the valley floor and the saddle
RAMP_RISE = 10.0  # metres a path climbs before the ground around it rises with it fully
SPUR_RELIEF = 0.4  # how much of the relief's detail shows on the ramp a path climbs
DETAIL_SPAN = 40.0  # metres: relief finer than this is detail, broader is form
TREND_SIGMA = 10.0  # smoothing of the slope through a path's legs


def relief(obj: Terrain, xs: Array, ys: Array) -> Array:
    """Local heights (rows, cols) before shaping: fractal noise, edges faded to zero."""
    wavelength = float(np.clip(obj.height * 3.2, 50.0, 900.0))
    gx, gy = np.meshgrid(xs / wavelength, ys / wavelength)
    persistence = 0.32 + 0.3 * obj.roughness
    n = fbm(gx, gy, obj.seed, 6, persistence)
    n = np.clip((n - 0.22) / 0.56, 0.0, 1.0)
    if obj.roughness > 0.4:
        r = ridged(gx * 0.8 + 17.3, gy * 0.8 - 5.1, obj.seed + 1, 6, 0.5)
        r = np.clip((r - 0.05) / 0.6, 0.0, 1.0)
        mix = min(1.0, (obj.roughness - 0.4) * 2.5)
        n = n * (1 - mix) + r * mix
    n = n ** (1.0 + 0.6 * obj.roughness)
    # high ranges rise over a longer foot, so their front is a mountainside, not a wall
    w, d = obj.size
    fraction = float(np.clip(obj.height * 0.8 / min(w, d), 0.18, 0.45))
    return obj.height * n * _edge_window(xs, ys, fraction)


def _edge_window(xs: Array, ys: Array, fraction: float) -> Array:
    """1 inside, falling smoothly to 0 over ``fraction`` of the smaller side at the edges."""
    w, d = xs[-1] - xs[0], ys[-1] - ys[0]
    margin = fraction * min(w, d)
    ex = np.clip((w / 2 - np.abs(xs - (xs[0] + xs[-1]) / 2)) / margin, 0.0, 1.0)
    ey = np.clip((d / 2 - np.abs(ys - (ys[0] + ys[-1]) / 2)) / margin, 0.0, 1.0)
    return _smooth(np.minimum(ey[:, None], ex[None, :]))


def _smooth(t: Array) -> Array:
    t = np.clip(t, 0.0, 1.0)
    return t * t * (3 - 2 * t)


def _segments(points: Array, step: float = 3.0) -> Array:
    """Resample a polyline every ``step`` metres: (n, 3)."""
    out = [points[0]]
    for a, b in zip(points[:-1], points[1:], strict=True):
        n = max(1, int(np.ceil(np.linalg.norm(b[:2] - a[:2]) / step)))
        t = np.linspace(0, 1, n + 1)[1:, None]
        out.extend(a + (b - a) * t)
    return np.array(out)


def shape(
    heights: Array, xs: Array, ys: Array, place: Placement, shaping: Shaping, visible: bool = True
) -> tuple[Array, Array, tuple[Array, ...]]:
    """Level the pads and grade the tracks that lie on this terrain (local coordinates).

    Around a track the terrain takes the track's rise as its form: a ramp (a plane
    fitted to the track, level below its foot and above its top) with a little of the
    noise relief on it, giving way to the terrain's own relief farther away, so a path
    climbs a spur between peaks to a saddle; then the track itself is cut in.
    Returns the heights, a "trodden" weight per vertex (1 on a track, 0 elsewhere) and
    the tracks graded in (local polylines).
    """
    gx, gy = np.meshgrid(xs, ys)
    h = heights.copy()
    trodden = np.zeros_like(h)
    tracks = _tracks_here(xs, ys, place, shaping, visible)
    if tracks:
        h, trodden = _grade(h, gx, gy, xs, ys, tracks)
    h = _level_pads(h, gx, gy, xs, ys, place, shaping)
    h = _clear_rooms(h, gx, gy, xs, ys, place, shaping)
    return h, trodden, tuple(tracks)


def _tracks_here(xs: Array, ys: Array, place: Placement, shaping: Shaping, visible: bool) -> list[Array]:
    """The tracks (local polylines) near enough to this terrain to shape it."""
    tracks = []
    for track in shaping.tracks:
        if track.visible != visible:
            continue
        lx, ly = place.to_local(track.points[:, 0], track.points[:, 1])
        lz = (track.points[:, 2] - place.z) / place.sz
        local = np.stack([lx, ly, lz], 1)
        if _near(local, xs, ys, TREND_RADIUS):
            tracks.append(local)
    return tracks


def _grade(h: Array, gx: Array, gy: Array, xs: Array, ys: Array, tracks: list[Array]) -> tuple[Array, Array]:
    """The heights with the tracks' hillsides formed and the tracks cut in, and the trodden weight."""
    points = np.concatenate([_segments(t) for t in tracks])
    design = np.stack([np.ones(len(points)), points[:, 0], points[:, 1]], 1)
    coef, *_ = np.linalg.lstsq(design, points[:, 2], rcond=None)
    # the ramp levels off below the path's foot and above its top: a valley floor in
    # front, a saddle behind (the pass)
    low, high = max(float(points[:, 2].min()), 0.0), float(points[:, 2].max())
    plane = _soft_clip(coef[0] + coef[1] * gx + coef[2] * gy, low, high, RAMP_BEND)
    dist = np.full(h.shape, np.inf)
    near_z = np.zeros_like(h)
    near_x = np.zeros_like(h)
    near_y = np.zeros_like(h)
    for local in tracks:
        d, z, px, py = _nearest(gx, gy, local)
        closer = d < dist
        dist = np.where(closer, d, dist)
        near_z = np.where(closer, z, near_z)
        near_x = np.where(closer, px, near_x)
        near_y = np.where(closer, py, near_y)
    # away from the paths the terrain keeps its own relief (peaks on either side)
    # only the relief's detail (its departure from the broad form around it) rides on
    # the ramp: a ramp lifted or sunk by the relief's height would leave the path in a
    # trench or on a shelf
    radius = max(1, int(round(DETAIL_SPAN / float(xs[1] - xs[0]))))
    detail = h - _blur(_blur(h, radius, 0), radius, 1)
    # a path that climbs shapes the hillside it climbs; a level one (across a marsh)
    # only the strip it walks on, so pools lie right beside it
    climb = float(_smooth(np.asarray((high - low) / RAMP_RISE)))
    w_spur = np.exp(-((dist / SPUR_RADIUS) ** 2)) * _edge_window(xs, ys, 0.1) * climb
    far = (plane + detail * SPUR_RELIEF) * w_spur + h * (1 - w_spur)
    # near the tracks the ground is a smooth surface through them: a slope between
    # switchback legs, not a staircase
    near = _trend(gx, gy, points) + detail * 0.1
    w_near = np.exp(-((dist / TREND_RADIUS) ** 2)) * climb
    h = far * (1 - w_near) + near * w_near
    # the ground along a path is moved up or down to the path's height, keeping its
    # slope across the path (a level shelf would make a bench with a steep bank
    # above it); the strip moved reaches the nearest vertices whatever the grid's
    # cell, so feet neither sink into the triangles nor float over them
    held = max(TRACK_WIDTH, 0.75 * float(xs[1] - xs[0]))
    w_track = 1.0 - _smooth((dist - held) / TRACK_FALLOFF)
    on_path = _bilinear(h, xs, ys, near_x, near_y)
    h = h + (near_z - 0.05 - on_path) * w_track
    trodden = 1.0 - _smooth(dist / held)
    return h, trodden


def _level_pads(h: Array, gx: Array, gy: Array, xs: Array, ys: Array, place: Placement, shaping: Shaping) -> Array:
    """The heights with each pad on this terrain levelled (and blended into the ground around it)."""
    for pad in shaping.pads:
        lx, ly = place.to_local(np.array([pad.x]), np.array([pad.y]))
        if not (xs[0] - 10 <= lx[0] <= xs[-1] + 10 and ys[0] - 10 <= ly[0] <= ys[-1] + 10):
            continue
        rel = np.radians(pad.heading - place.heading)
        c, s = np.cos(rel), np.sin(rel)
        px, py = gx - lx[0], gy - ly[0]
        u = np.abs(px * c + py * s) - pad.half_w / place.sx - PAD_MARGIN
        v = np.abs(-px * s + py * c) - pad.half_d / place.sy - PAD_MARGIN
        outside = np.hypot(np.maximum(u, 0), np.maximum(v, 0))
        w = 1.0 - _smooth(outside / PAD_FALLOFF)
        h = h * (1 - w) + ((pad.z - place.z) / place.sz - 0.04) * w
    return h


def _clear_rooms(h: Array, gx: Array, gy: Array, xs: Array, ys: Array, place: Placement, shaping: Shaping) -> Array:
    """The heights kept below each clearance (the camera passes there; the ground stays under it)."""
    for room in shaping.clearances:
        lx, ly = place.to_local(np.array([room.x]), np.array([room.y]))
        if not (xs[0] - 40 <= lx[0] <= xs[-1] + 40 and ys[0] - 40 <= ly[0] <= ys[-1] + 40):
            continue
        ceiling = (room.z - place.z) / place.sz
        d = np.hypot(gx - lx[0], gy - ly[0])
        h = np.minimum(h, ceiling + np.maximum(d - room.radius, 0.0) * room.slope / place.sz)
    return h


def _soft_clip(a: Array, low: float, high: float, bend: float) -> Array:
    """``a`` kept between ``low`` and ``high``, rounding off over about ``bend`` metres
    (a hard clip leaves a crease in the ground)."""
    a = (a + low + np.sqrt((a - low) ** 2 + bend * bend)) / 2
    return np.asarray((a + high - np.sqrt((a - high) ** 2 + bend * bend)) / 2)


def _near(points: Array, xs: Array, ys: Array, margin: float) -> bool:
    return bool(
        np.any(
            (points[:, 0] > xs[0] - margin)
            & (points[:, 0] < xs[-1] + margin)
            & (points[:, 1] > ys[0] - margin)
            & (points[:, 1] < ys[-1] + margin)
        )
    )


def _trend(gx: Array, gy: Array, samples: Array) -> Array:
    """A Gaussian-weighted mean of the sample heights (sigma TREND_SIGMA metres)."""
    num = np.zeros(gx.shape)
    den = np.zeros(gx.shape)
    for chunk in np.array_split(samples, max(1, len(samples) // 48)):
        d2 = (gx[..., None] - chunk[:, 0]) ** 2 + (gy[..., None] - chunk[:, 1]) ** 2
        k = np.exp(-d2 / (2 * TREND_SIGMA * TREND_SIGMA))
        num += (k * chunk[:, 2]).sum(axis=-1)
        den += k.sum(axis=-1)
    # weights of far samples are tiny but still exact in double precision: a larger floor
    # would bend the trend toward zero some 80 m out (a crease in the ground there)
    return num / np.maximum(den, 1e-300)


def _nearest(gx: Array, gy: Array, points: Array) -> tuple[Array, Array, Array, Array]:
    """Distance to a polyline, the height of its nearest point (linear along segments)
    and that point's x and y."""
    best = np.full(gx.shape, np.inf)
    z = np.zeros(gx.shape)
    near_x = np.zeros(gx.shape)
    near_y = np.zeros(gx.shape)
    for a, b in zip(points[:-1], points[1:], strict=True):
        ab = b[:2] - a[:2]
        length2 = float(ab @ ab) or 1e-9
        t = np.clip(((gx - a[0]) * ab[0] + (gy - a[1]) * ab[1]) / length2, 0.0, 1.0)
        px, py = a[0] + t * ab[0], a[1] + t * ab[1]
        d = np.hypot(gx - px, gy - py)
        closer = d < best
        best = np.where(closer, d, best)
        z = np.where(closer, a[2] + t * (b[2] - a[2]), z)
        near_x = np.where(closer, px, near_x)
        near_y = np.where(closer, py, near_y)
    return best, z, near_x, near_y


def normals(h: Array, xs: Array, ys: Array) -> Array:
    dzdx = np.gradient(h, xs, axis=1)
    dzdy = np.gradient(h, ys, axis=0)
    n = np.stack([-dzdx, -dzdy, np.ones_like(h)], -1)
    return n / np.linalg.norm(n, axis=-1, keepdims=True)


def colors(obj: Terrain, field: Heightfield, n: Array, with_snow: bool) -> Array:
    """Vertex colours: the base colour varied by broad noise; alpha is how much fresh snow
    may lie there (less on a trodden track). For the software renderer the shader's rule
    is applied here: bare rock on steep faces, snow above the snowline."""
    h, xs, ys, place = field.heights, field.xs, field.ys, field.placement
    gx, gy = np.meshgrid(xs / 37.0, ys / 37.0)
    var = fbm(gx, gy, obj.seed + 3, 3, 0.5)
    rgb = np.asarray(obj.color.rgba[:3])[None, None, :] * (0.8 + 0.4 * var)[..., None]
    if with_snow:
        rgb = rgb * cavity(h, xs, ys)[..., None]
    # the graded ground along a path holds a little less snow; the path itself is a ribbon
    trodden = field.trodden if field.trodden is not None else np.zeros_like(h)
    allowed = 1.0 - 0.15 * trodden
    if with_snow:
        steep = _smooth((0.8 - n[..., 2]) / 0.25)
        rgb = rgb * (1 - 0.7 * steep)[..., None] + ROCK * 0.7 * steep[..., None]
        if obj.snowline is not None:
            world_z = place.z + h * place.sz
            jitter = (var - 0.5) * 4 * SNOW_BLEND
            snow = _smooth((world_z - (obj.snowline + jitter) + SNOW_BLEND) / (2 * SNOW_BLEND))
            hold = 0.6 - 0.35 * np.clip((world_z - obj.snowline) / 400.0, 0.0, 1.0)
            snow *= _smooth((n[..., 2] + (var - 0.5) * 0.3 - hold) / 0.2) * allowed
            rgb = rgb * (1 - snow[..., None]) + SNOW * snow[..., None]
    return np.concatenate([rgb, allowed[..., None]], -1)


def _blur(a: Array, radius: int, axis: int) -> Array:
    pad = [(0, 0), (0, 0)]
    pad[axis] = (radius + 1, radius)
    c = np.cumsum(np.pad(a, pad, mode="edge"), axis=axis)
    hi = np.take(c, np.arange(2 * radius + 1, c.shape[axis]), axis=axis)
    lo = np.take(c, np.arange(0, c.shape[axis] - 2 * radius - 1), axis=axis)
    return (hi - lo) / (2 * radius + 1)


def cavity(h: Array, xs: Array, ys: Array) -> Array:
    """Brightness from the relief's curvature: gullies darker, ridges lighter. Without
    shadows this is what gives a mountainside its form."""
    cell = float(xs[1] - xs[0])
    span = max(40.0, float(xs[-1] - xs[0]) / 40.0)  # gullies of big ranges are wider
    radius = max(1, int(round(span / cell)))
    smooth = _blur(_blur(h, radius, 0), radius, 1)
    depth = h - smooth
    scale = max(float(np.percentile(np.abs(depth), 95)), 0.5)
    return np.clip(1.0 + 0.35 * depth / scale, 0.55, 1.3)


def heightfield(obj: Terrain, shaping: Shaping) -> Heightfield:
    """The finished (shaped) heights of a terrain."""
    w, d = obj.size
    place = placement_of(obj)
    cols, rows = grid_shape(w, d)
    xs = np.linspace(-w / 2, w / 2, cols)
    ys = np.linspace(-d / 2, d / 2, rows)
    h, trodden, tracks = shape(relief(obj, xs, ys), xs, ys, place, shaping, obj.visible)
    return Heightfield(place, xs, ys, h, trodden, tracks)


def _cell_coords(xs: Array, ys: Array, lx: Array, ly: Array) -> tuple[Array, Array, Array, Array]:
    """Grid cell (column, row) of local points and where in the cell they lie (0..1)."""
    fx = np.clip((lx - xs[0]) / (xs[1] - xs[0]), 0.0, len(xs) - 1.000001)
    fy = np.clip((ly - ys[0]) / (ys[1] - ys[0]), 0.0, len(ys) - 1.000001)
    ix, iy = fx.astype(int), fy.astype(int)
    return ix, iy, fx - ix, fy - iy


def _bilinear(grid: Array, xs: Array, ys: Array, lx: Array, ly: Array) -> Array:
    """A (rows, cols, ...) grid sampled at local points."""
    ix, iy, tx, ty = _cell_coords(xs, ys, lx, ly)
    if grid.ndim == 3:
        tx, ty = tx[..., None], ty[..., None]
    return (grid[iy, ix] * (1 - tx) + grid[iy, ix + 1] * tx) * (1 - ty) + (
        grid[iy + 1, ix] * (1 - tx) + grid[iy + 1, ix + 1] * tx
    ) * ty


def on_triangles(h: Array, xs: Array, ys: Array, lx: Array, ly: Array) -> Array:
    """Local height of the terrain mesh itself at local points: each cell is the two
    triangles :meth:`Mesh.grid` makes (split along the diagonal from its first corner),
    so something laid on the ground neither floats over nor dips under a triangle."""
    ix, iy, tx, ty = _cell_coords(xs, ys, lx, ly)
    h00, h10 = h[iy, ix], h[iy, ix + 1]
    h01, h11 = h[iy + 1, ix], h[iy + 1, ix + 1]
    lower = h00 + tx * (h10 - h00) + ty * (h11 - h10)
    upper = h00 + ty * (h01 - h00) + tx * (h11 - h01)
    return np.asarray(np.where(tx >= ty, lower, upper))


def _cross_sections(track: Array, xs: Array, ys: Array) -> list[Array]:
    """Points (n, offsets, 2) across a track every RIBBON_STEP metres, in runs that lie on
    the terrain. The sideways direction turns smoothly round a hairpin bend."""
    centre = _segments(track, RIBBON_STEP)[:, :2]
    keep = np.concatenate([[True], np.linalg.norm(np.diff(centre, axis=0), axis=1) > 1e-6])
    centre = centre[keep]
    if len(centre) < 2:
        return []
    ahead = np.concatenate([centre[2:], np.repeat(centre[-1:], 2, axis=0)])
    behind = np.concatenate([np.repeat(centre[:1], 2, axis=0), centre[:-2]])
    tangent = ahead - behind
    tangent /= np.maximum(np.linalg.norm(tangent, axis=1, keepdims=True), 1e-9)
    # to the right of the way along: the grid's triangles then face up (Mesh.grid winds
    # them counter-clockwise from rows to columns)
    side = np.stack([tangent[:, 1], -tangent[:, 0]], 1)
    points = centre[:, None, :] + side[:, None, :] * TRODDEN_OFFSETS[None, :, None]
    inside = np.all(
        (points[..., 0] > xs[0])
        & (points[..., 0] < xs[-1])
        & (points[..., 1] > ys[0])
        & (points[..., 1] < ys[-1]),
        axis=1,
    )
    runs, start = [], None
    for i, ok in enumerate(list(inside) + [False]):
        if ok and start is None:
            start = i
        elif not ok and start is not None:
            if i - start >= 2:
                runs.append(points[start:i])
            start = None
    return runs


def trodden_lines(
    obj: Terrain, field: Heightfield, n: Array, col: Array, uv: Array, glsl: bool
) -> Mesh:
    """The trodden line along every path on this terrain, as a ribbon on its triangles.

    Its edges carry the ground's own colour, normal and snow, so the ribbon melts into the
    terrain; towards its middle the snow is packed and grey (in the shader, fresh snow is
    told not to lie there) or, below the snowline, the ground is worn darker.
    """
    h, xs, ys, place = field.heights, field.xs, field.ys, field.placement
    mesh = Mesh()
    worn = (1.0 - TRODDEN_SNOW) / (1.0 - TRODDEN_SNOW.min())  # 0 at the edges, 1 in the middle
    for track in field.tracks:
        for points in _cross_sections(track, xs, ys):
            lx, ly = points[..., 0], points[..., 1]
            z = on_triangles(h, xs, ys, lx, ly) + RIBBON_LIFT
            normal = _bilinear(n, xs, ys, lx, ly)
            normal /= np.linalg.norm(normal, axis=-1, keepdims=True)
            ground = _bilinear(col, xs, ys, lx, ly)
            if obj.snowline is not None:
                world_z = place.z + z * place.sz
                snowy = _smooth((world_z - obj.snowline + SNOW_BLEND) / (2 * SNOW_BLEND))
            else:
                snowy = np.zeros_like(z)
            packed = (
                TRODDEN_SNOW_COLOR[None, None, :] * snowy[..., None]
                + ground[..., :3] * TRODDEN_EARTH * (1 - snowy[..., None])
            )
            w = worn[None, :, None]
            rgb = ground[..., :3] * (1 - w) + packed * w
            alpha = ground[..., 3] * TRODDEN_SNOW[None, :] if glsl else ground[..., 3]
            color = np.concatenate([rgb, alpha[..., None]], -1)
            mesh.grid(
                np.stack([lx, ly, z], -1), normal, color, _bilinear(uv, xs, ys, lx, ly)
            )
    return mesh


def tiles(shape: tuple[int, ...], cells: int = TILE_CELLS) -> list[tuple[tuple[int, int], tuple[int, int]]]:
    """Row and column vertex ranges (end exclusive) of the tiles covering a grid of ``shape``.

    Neighbouring tiles share their edge vertices, so the surface has no cracks.
    """
    rows, cols = shape[:2]
    return [
        ((r0, min(r0 + cells, rows - 1) + 1), (c0, min(c0 + cells, cols - 1) + 1))
        for r0 in range(0, rows - 1, cells)
        for c0 in range(0, cols - 1, cells)
    ]


def build(obj_id: str, obj: Terrain, ctx: BuildContext, field: Heightfield) -> Piece:
    xs, ys, h = field.xs, field.ys, field.heights
    n = normals(h, xs, ys)
    gx, gy = np.meshgrid(xs, ys)
    pos = np.stack([gx, gy, h], -1)
    col = colors(obj, field, n, with_snow=not ctx.glsl)
    # GLSL: the shader samples detail by world position; UV carries the baked cavity shade
    uv = (
        np.stack([cavity(h, xs, ys), np.zeros_like(h)], -1)
        if ctx.glsl
        else np.stack([gx / 8.0, gy / 8.0], -1)
    )
    root = NodePath(obj_id)
    surface_np = root.attachNewNode(f"{obj_id}_surface")
    for (r0, r1), (c0, c1) in tiles(h.shape):
        tile = Mesh()
        tile.grid(pos[r0:r1, c0:c1], n[r0:r1, c0:c1], col[r0:r1, c0:c1], uv[r0:r1, c0:c1])
        surface_np.attachNewNode(tile.node(f"{obj_id}_tile_{r0}_{c0}"))
    paths = trodden_lines(obj, field, n, col, uv, ctx.glsl)
    if paths.count:
        # under the surface node: the same shader, texture and inputs as the ground
        path_np = surface_np.attachNewNode(paths.node(f"{obj_id}_paths"))
        path_np.setDepthOffset(1)
    if ctx.glsl:
        surface_np.setTexture(ctx.texture("detail"), 1)
        ctx.shade(surface_np, "terrain")
        snowline = obj.snowline if obj.snowline is not None else 1e6
        surface_np.setShaderInput("u_terrain", (snowline, SNOW_BLEND, 0.0, 0.0))
    return Piece(root)


def shaping_for(pads: list[Pad], tracks: list[Track], clearances: list[Clearance]) -> Shaping:
    return Shaping(tuple(pads), tuple(tracks), tuple(clearances))
