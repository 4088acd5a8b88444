"""Village buildings: stone houses with tiled or thatched roofs, and a village school.

A house is ``size: [w, d, h]`` (width along x, depth along y, eaves height), its
base at the object's origin and its front (door and two paper windows) facing -y.
Scale is real: doors are 2 m high, windows sit 1 m above the floor. A brownish
``roof`` colour gives thatch (the seaweed-and-straw roofs of Laoshan villages), a
grey one gives tiles.

A house standing on top of another house (its base at the other's eaves, inside its
footprint) makes the pair a two-storey pavilion: the lower one gets an eave skirt
with upturned corners round the upper storey, the upper one plaster walls, lattice
all round and a hipped roof with upturned eaves, like the tower on South Lake's island.
"""

from __future__ import annotations

import numpy as np
from panda3d.core import NodePath

from exhibit.render.world.mesh import Mesh
from exhibit.render.world.parts import Material, Parts
from exhibit.render.world.piece import BuildContext, Piece
from exhibit.spec.common import Color
from exhibit.spec.scene import House, Schoolhouse

Array = np.ndarray
Rgba = tuple[float, float, float, float]

STONE = Material("stone")
BRICK = Material("brick")
PLASTER = Material("plaster")
WOOD = Material("wood")
WINDOW = Material("lattice", translucent=1.0)
PLAIN = Material("white")
TILE_UV = (1.4, 1.4)

STONE_TINT: Rgba = (0.95, 0.92, 0.88, 1.0)
DOOR: Rgba = (0.36, 0.25, 0.17, 1.0)
FRAME: Rgba = (0.2, 0.14, 0.1, 1.0)
PAPER: Rgba = (0.95, 0.88, 0.74, 1.0)
PLINTH: Rgba = (0.6, 0.58, 0.55, 1.0)
TIMBER: Rgba = (0.3, 0.2, 0.15, 1.0)

DOOR_W, DOOR_H = 1.0, 2.0
WINDOW_W, WINDOW_H, SILL = 0.9, 0.85, 1.0
DECAL = 0.03  # doors and windows stand this far proud of the wall


def is_thatch(roof: Color) -> bool:
    return roof.r - roof.b > 0.06


def _decal(
    mesh: Mesh,
    x0: float,
    x1: float,
    z0: float,
    z1: float,
    y: float,
    color: Rgba,
    uv: tuple[float, float] | None = None,
    *,
    front: bool = True,
) -> None:
    """A rectangle on the front (-y) wall facing -y, or on the back (+y) wall facing +y."""
    xa, xb = (x0, x1) if front else (x1, x0)
    mesh.quad([(xa, y, z0), (xb, y, z0), (xb, y, z1), (xa, y, z1)], color, uv)


def door(parts: Parts, x: float, y: float, width: float = DOOR_W, height: float = DOOR_H) -> None:
    """A wooden double door in a dark frame, on the front wall at ``y``."""
    f = 0.1
    parts[PLAIN].box((x, y - DECAL, height / 2 + f / 2), (width + 2 * f, 0.08, height + f), FRAME)
    _decal(
        parts[WOOD], x - width / 2, x + width / 2, 0.0, height, y - DECAL - 0.045, DOOR, (0.5, 2.0)
    )
    parts[PLAIN].box(
        (x, y - DECAL - 0.05, height / 2), (0.03, 0.02, height), FRAME
    )  # the leaves' meeting line
    # stone step
    parts[STONE].box((x, y - 0.35, 0.07), (width + 0.5, 0.55, 0.14), PLINTH, (1.0, 1.0))


def window(
    parts: Parts,
    x: float,
    y: float,
    front: bool = True,
    width: float = WINDOW_W,
    height: float = WINDOW_H,
    sill: float = SILL,
) -> None:
    """A paper lattice window with a wooden frame and sill (front: -y wall, else +y wall)."""
    sign = -1.0 if front else 1.0
    f = 0.08
    parts[PLAIN].box(
        (x, y + sign * DECAL, sill + height / 2), (width + 2 * f, 0.07, height + 2 * f), FRAME
    )
    _decal(
        parts[WINDOW],
        x - width / 2,
        x + width / 2,
        sill,
        sill + height,
        y + sign * (DECAL + 0.04),
        PAPER,
        (width, height),
        front=front,
    )
    parts[STONE].box(
        (x, y + sign * 0.08, sill - f - 0.04), (width + 0.3, 0.2, 0.08), PLINTH, (1.0, 1.0)
    )


def walls(
    parts: Parts, material: Material, w: float, d: float, h: float, tint: Rgba, below: float = 0.6
) -> None:
    """Four walls from below ground (to meet uneven terrain) up to the eaves, and a plinth."""
    parts[material].box(
        (0.0, 0.0, (h - below) / 2), (w, d, h + below), tint, (2.0, 2.0), bottom=False
    )
    parts[STONE].box(
        (0.0, 0.0, (0.3 - below) / 2),
        (w + 0.12, d + 0.12, 0.3 + below),
        PLINTH,
        (1.5, 1.5),
        bottom=False,
    )


def gable_roof(parts: Parts, w: float, d: float, h: float, roof: Color, material: Material) -> None:
    """A gable roof, ridge along x, with stone gables, a ridge cap and dark undersides."""
    thatch = material.texture == "thatch"
    pitch = 0.9 if thatch else 0.75  # rise over half depth
    rise = d / 2 * pitch
    over_eave = 0.45 if not thatch else 0.55
    over_gable = 0.25
    thick = 0.35 if thatch else 0.12
    ridge_z = h + rise
    color = roof.rgba
    x0, x1 = -w / 2 - over_gable, w / 2 + over_gable
    eave_y = d / 2 + over_eave
    eave_z = h - over_eave * pitch
    for sy in (-1.0, 1.0):
        a = (x0, sy * eave_y, eave_z)
        b = (x1, sy * eave_y, eave_z)
        c = (x1, 0.0, ridge_z)
        e = (x0, 0.0, ridge_z)
        top = [a, b, c, e] if sy < 0 else [b, a, e, c]
        top = [(p[0], p[1], p[2] + thick) for p in top]
        parts[material].quad(top, color, TILE_UV)
        under = [a, e, c, b] if sy < 0 else [b, c, e, a]
        parts[PLAIN].quad(under, (0.12, 0.1, 0.09, 1.0))
        # the eave's edge board
        edge = [
            (x0, sy * eave_y, eave_z),
            (x1, sy * eave_y, eave_z),
            (x1, sy * eave_y, eave_z + thick),
            (x0, sy * eave_y, eave_z + thick),
        ]
        if sy > 0:
            edge = [edge[1], edge[0], edge[3], edge[2]]
        parts[material].quad(edge, tuple(c * 0.7 for c in color[:3]) + (1.0,), (0.5, 0.5))  # type: ignore[arg-type]
    # gable triangles (wall material) and verge boards
    for sx in (-1.0, 1.0):
        x = sx * w / 2
        tri = [(x, -d / 2, h), (x, d / 2, h), (x, 0.0, ridge_z)]
        if sx < 0:
            tri = [tri[1], tri[0], tri[2]]
        parts[STONE].polygon(tri, STONE_TINT, 2.0)
        for sy in (-1.0, 1.0):
            xv = sx * (w / 2 + over_gable)
            a = np.array([xv, sy * eave_y, eave_z + thick / 2])
            b = np.array([xv, 0.0, ridge_z + thick / 2])
            _beam(
                parts[material],
                a,
                b,
                0.12,
                thick + 0.06,
                tuple(c * 0.8 for c in color[:3]) + (1.0,),
            )
    # ridge cap, its ends raised a little as on north-China tile roofs
    cap = 0.3 if not thatch else 0.45
    parts[material].box(
        (0.0, 0.0, ridge_z + thick + cap / 3),
        (x1 - x0 + 0.1, cap, cap * 0.8),
        tuple(c * 0.75 for c in color[:3]) + (1.0,),
        (0.5, 0.5),
    )  # type: ignore[arg-type]
    if not thatch:
        for sx in (-1.0, 1.0):
            parts[material].box(
                (sx * (x1 + 0.05), 0.0, ridge_z + thick + cap * 0.55),
                (0.35, cap, cap * 1.2),
                tuple(c * 0.7 for c in color[:3]) + (1.0,),
                (0.5, 0.5),
            )  # type: ignore[arg-type]


def _beam(mesh: Mesh, a: Array, b: Array, width: float, height: float, color: Rgba) -> None:
    from exhibit.render.world.mesh import rotation_x, rotation_z

    d = b - a
    length = float(np.linalg.norm(d))
    heading = np.degrees(np.arctan2(-d[0], d[1]))
    pitch = np.degrees(np.arctan2(d[2], np.hypot(d[0], d[1])))
    seg = Mesh()
    seg.box((0.0, length / 2, 0.0), (width, length, height), color, (0.5, 0.5))
    mesh.extend(seg, rotation_z(heading) @ rotation_x(pitch), a)


def hip_faces(
    parts: Parts,
    material: Material,
    outer: tuple[float, float],
    inner: tuple[float, float],
    z_outer: float,
    z_inner: float,
    color: Rgba,
    lift: float,
    rows: int = 5,
    cols: int = 9,
) -> None:
    """Four sloping faces from an outer rectangle (eaves) up to an inner one (ridge or the
    wall of an upper storey), the eaves curving up toward the corners."""
    ox, oy = outer
    ix, iy = inner
    rim = [(-ox, -oy), (ox, -oy), (ox, oy), (-ox, oy)]
    top = [(-ix, -iy), (ix, -iy), (ix, iy), (-ix, iy)]
    for k in range(4):
        a0, a1 = np.array(rim[k]), np.array(rim[(k + 1) % 4])
        b0, b1 = np.array(top[k]), np.array(top[(k + 1) % 4])
        u = np.linspace(0.0, 1.0, cols)
        v = np.linspace(0.0, 1.0, rows)
        eave = a0[None, :] + (a1 - a0)[None, :] * u[:, None]
        ridge = b0[None, :] + (b1 - b0)[None, :] * u[:, None]
        xy = eave[None, :, :] + (ridge - eave)[None, :, :] * v[:, None, None]
        corner = (2 * u - 1) ** 4  # 0 midway, 1 at the corners
        sag = np.sin(v * np.pi / 2)  # a concave slope: steep at the top, flat at the eave
        z = (
            z_outer
            + (z_inner - z_outer) * sag[:, None]
            + lift * corner[None, :] * (1 - v[:, None]) ** 2
        )
        pos = np.concatenate([xy, z[..., None]], -1)
        uvs = np.stack(
            [
                u[None, :].repeat(rows, 0) * np.linalg.norm(a1 - a0) / TILE_UV[0],
                v[:, None].repeat(cols, 1) * 2.0,
            ],
            -1,
        )
        out = np.array([*(a0 + a1) / 2, 0.0])
        out = out / (np.linalg.norm(out) or 1.0) + np.array([0, 0, 1.0])
        parts[material].surface(pos, color, uvs, outward=out)
        under = pos.copy()
        under[..., 2] -= 0.1
        parts[PLAIN].surface(under, (0.12, 0.1, 0.09, 1.0), uvs, outward=-out)


def _stacked(obj: House, ctx: BuildContext) -> tuple[House | None, House | None]:
    """(the house standing on this one, the house this one stands on), if any."""
    above = below = None
    for other in ctx.scene.objects.values():
        if other is obj or other.kind != "house":
            continue
        if stands_on(other, obj):
            above = other
        if stands_on(obj, other):
            below = other
    return above, below


def stands_on(upper: House, lower: House) -> bool:
    eaves = lower.pos[2] + lower.size[2] * lower.scale[2]
    dx, dy = upper.pos[0] - lower.pos[0], upper.pos[1] - lower.pos[1]
    return (
        abs(upper.pos[2] - eaves) < 0.6
        and abs(dx) < lower.size[0] * lower.scale[0] / 2
        and abs(dy) < lower.size[1] * lower.scale[1] / 2
    )


def house_parts(obj: House, ctx: BuildContext) -> Parts:
    w, d, h = obj.size
    parts = Parts()
    above, below = _stacked(obj, ctx)
    roof_material = Material("thatch" if is_thatch(obj.roof) else "tiles")
    if below is not None:
        # the upper storey of a pavilion: timber frame, plaster, lattice all round
        walls(parts, PLASTER, w, d, h, (0.93, 0.91, 0.87, 1.0), below=0.05)
        for sx in (-1.0, 1.0):
            for sy in (-1.0, 1.0):
                parts[PLAIN].box((sx * w / 2, sy * d / 2, h / 2), (0.22, 0.22, h), TIMBER)
        _lattice_band(parts, w, d, h)
        hip_faces(
            parts,
            Material("tiles"),
            (w / 2 + 1.1, d / 2 + 1.1),
            (w * 0.12, 0.05),
            h - 0.3,
            h + 0.45 * d,
            obj.roof.rgba,
            lift=0.7,
        )
        parts[Material("tiles")].box(
            (0.0, 0.0, h + 0.45 * d + 0.12),
            (w * 0.24 + 0.4, 0.3, 0.3),
            tuple(c * 0.75 for c in obj.roof.rgba[:3]) + (1.0,),
            (0.5, 0.5),
        )  # type: ignore[arg-type]
        return parts
    walls(parts, STONE, w, d, h, STONE_TINT)
    if above is not None:
        uw, ud, _ = above.size
        hip_faces(
            parts,
            Material("tiles"),
            (w / 2 + 1.0, d / 2 + 1.0),
            (uw / 2, ud / 2),
            h - 0.25,
            h + 1.1,
            obj.roof.rgba,
            lift=0.6,
        )
        door(parts, 0.0, -d / 2, 1.6, 2.4)
        for sx in (-1.0, 1.0):
            window(parts, sx * w * 0.3, -d / 2, width=1.4, height=1.2)
        return parts
    gable_roof(parts, w, d, h, obj.roof, roof_material)
    door(parts, 0.0, -d / 2)
    for sx in (-1.0, 1.0):
        if w >= 4.0:
            window(parts, sx * min(w * 0.28, w / 2 - 0.9), -d / 2)
    window(parts, w * 0.2, d / 2, front=False, width=0.6, height=0.5, sill=1.5)
    return parts


def _lattice_band(parts: Parts, w: float, d: float, h: float) -> None:
    """Windows all round an upper storey."""
    sill, top = 0.9, h - 0.5
    for sy, front in ((-1.0, True), (1.0, False)):
        n = max(2, int(w // 1.6))
        for i in range(n):
            x = -w / 2 + (i + 0.5) * w / n
            window(
                parts, x, sy * d / 2, front=front, width=w / n - 0.4, height=top - sill, sill=sill
            )
    for sx in (-1.0, 1.0):
        n = max(2, int(d // 1.6))
        for i in range(n):
            y = -d / 2 + (i + 0.5) * d / n
            width = d / n - 0.4
            # side windows: build on the front wall and turn them onto the side
            side = Parts()
            window(side, y if sx > 0 else -y, -w / 2, width=width, height=top - sill, sill=sill)
            from exhibit.render.world.mesh import rotation_z

            rot = rotation_z(90.0 if sx > 0 else -90.0)
            for material, mesh in side.meshes.items():
                parts[material].extend(mesh, rot, (0.0, 0.0, 0.0))


def build_house(obj_id: str, obj: House, ctx: BuildContext) -> Piece:
    root = NodePath(obj_id)
    house_parts(obj, ctx).attach(root, obj_id, ctx.glsl)
    return Piece(root)


def build_school(obj_id: str, obj: Schoolhouse, ctx: BuildContext) -> Piece:
    """A long single-storey school of grey brick under a tiled roof: a row of tall lattice
    windows, a central door under a small porch with a blank name board, a yard wall."""
    w, d, h = obj.size
    parts = Parts()
    walls(parts, BRICK, w, d, h, (0.92, 0.92, 0.92, 1.0))
    # whitewashed band under the eaves
    parts[PLASTER].box(
        (0.0, 0.0, h - 0.3),
        (w + 0.04, d + 0.04, 0.6),
        (0.92, 0.9, 0.86, 1.0),
        (2.0, 2.0),
        bottom=False,
    )
    gable_roof(parts, w, d, h, Color.hex("#3b3d40"), Material("tiles"))
    door(parts, 0.0, -d / 2, 1.3, 2.3)
    side = (w - 3.0) / 2  # wall on each side of the door bay
    bays = max(1, int(side // 2.4))
    for sx in (-1.0, 1.0):
        for i in range(bays):
            x = sx * (1.5 + (i + 0.5) * side / bays)
            window(parts, x, -d / 2, width=1.3, height=1.4, sill=0.9)
            window(parts, x, d / 2, front=False, width=1.3, height=1.4, sill=0.9)
    # porch: two posts and a small roof over the door, a blank board above it
    for sx in (-1.0, 1.0):
        parts[PLAIN].box((sx * 1.0, -d / 2 - 1.0, 1.35), (0.16, 0.16, 2.7), TIMBER)
    parts[Material("tiles")].quad(
        [
            (-1.4, -d / 2 - 1.35, 2.75),
            (1.4, -d / 2 - 1.35, 2.75),
            (1.4, -d / 2, 3.25),
            (-1.4, -d / 2, 3.25),
        ],
        (0.24, 0.25, 0.26, 1.0),
        TILE_UV,
    )
    parts[PLAIN].quad(
        [
            (-1.4, -d / 2, 3.2),
            (1.4, -d / 2, 3.2),
            (1.4, -d / 2 - 1.35, 2.7),
            (-1.4, -d / 2 - 1.35, 2.7),
        ],
        (0.12, 0.1, 0.09, 1.0),
    )
    parts[WOOD].box(
        (0.0, -d / 2 - 0.04, 3.6), (2.0, 0.06, 0.55), (0.3, 0.22, 0.16, 1.0), (1.0, 1.0)
    )
    # a low stone yard wall in front, with a gap for the path
    yard = d / 2 + 5.0
    for sx in (-1.0, 1.0):
        length = w / 2 - 1.0
        parts[STONE].box(
            (sx * (1.2 + length / 2), -yard, 0.45), (length, 0.45, 1.3), STONE_TINT, (2.0, 2.0)
        )
    for sx in (-1.0, 1.0):
        parts[STONE].box(
            (sx * (w / 2 + 0.7), -yard / 2 - 0.5, 0.45),
            (0.45, yard + 1.0, 1.3),
            STONE_TINT,
            (2.0, 2.0),
        )
    root = NodePath(obj_id)
    parts.attach(root, obj_id, ctx.glsl)
    return Piece(root)
