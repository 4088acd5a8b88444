"""Scattered trees: weeping willows by the water, broadleaf trees and pines elsewhere.

Trees are placed from ``seed`` inside ``area`` (centred on the object), each standing
on the terrain surface beneath it; spots under water or by a building are skipped and
drawn again, so shore willows line the bank instead of growing out of the lake. All trees of one
object are a few meshes (bark, leaves, hanging willow strands) - a handful of draw
calls for a hundred trees.
"""

from __future__ import annotations

import math

import numpy as np
from panda3d.core import NodePath

from exhibit.render.world.mesh import rotation_z
from exhibit.render.world.parts import Material, Parts
from exhibit.render.world.piece import BuildContext, Piece
from exhibit.spec.scene import Trees

Array = np.ndarray

BARK = Material("white")
LEAVES = Material("white")
STRANDS = Material("willow", alpha_cut=0.5, two_sided=True)
BARK_COLOR = np.array([0.27, 0.22, 0.18, 1.0])
WILLOW = np.array([0.5, 0.6, 0.3, 1.0])
BROADLEAF = np.array([0.27, 0.34, 0.19, 1.0])
PINE = np.array([0.17, 0.25, 0.17, 1.0])
TRIES = 6  # draws per tree before a spot under water is given up
BUILDING_MARGIN = 4.0  # metres kept clear round a building


def spots(obj: Trees, ctx: BuildContext) -> Array:
    """Tree bases (n, 3) in the object's frame, on dry ground."""
    rng = np.random.default_rng(obj.seed)
    w, d = obj.area
    n = obj.count
    lx = rng.uniform(-w / 2, w / 2, n * TRIES)
    ly = rng.uniform(-d / 2, d / 2, n * TRIES)
    a = math.radians(obj.hpr[0])
    c, s = math.cos(a), math.sin(a)
    wx = obj.pos[0] + (lx * c - ly * s) * obj.scale[0]
    wy = obj.pos[1] + (lx * s + ly * c) * obj.scale[1]
    ground = ctx.ground.height(wx, wy)
    z = np.where(np.isnan(ground), obj.pos[2], ground)
    dry = ctx.ground.dry(wx, wy) if ctx.ground.waters else np.ones(len(wx), bool)
    clear = ctx.ground.open_ground(wx, wy, BUILDING_MARGIN)
    keep = np.flatnonzero(dry & clear)[:n]
    return np.stack([lx[keep], ly[keep], (z[keep] - obj.pos[2]) / obj.scale[2]], 1)


def willow(parts: Parts, rng: np.random.Generator) -> None:
    """A weeping willow: a leaning trunk, a low dome, and long strands arching out of the
    crown and hanging down almost to the ground like a fountain."""
    height = rng.uniform(6.0, 9.0)
    lean = rng.uniform(-0.6, 0.6, 2)
    top = np.array([lean[0], lean[1], height * 0.62])
    parts[BARK].cylinder((0, 0, -0.3), top, 0.24, 0.13, BARK_COLOR, sides=6)
    radius = height * rng.uniform(0.36, 0.45)
    tone = rng.uniform(0.85, 1.1)
    color = WILLOW * np.array([tone, tone, tone * 0.95, 1.0])
    crown = top + np.array([0.0, 0.0, radius * 0.35])
    jitter = 1.0 + rng.uniform(-0.15, 0.15, (5 + 1) * (9 + 1))
    parts[LEAVES].sphere(
        crown,
        (radius * 0.75, radius * 0.75, radius * 0.45),
        color * np.array([0.75, 0.8, 0.7, 1.0]),
        rings=5,
        segments=9,
        jitter=jitter,
    )
    strips = int(rng.integers(8, 11))
    for k in range(strips):
        a = 2 * math.pi * (k + rng.uniform(-0.3, 0.3)) / strips
        out = np.array([math.cos(a), math.sin(a), 0.0])
        side = np.array([-math.sin(a), math.cos(a), 0.0])
        width = 2 * math.pi * radius / strips * rng.uniform(0.9, 1.4)
        bottom = rng.uniform(0.6, 2.2)
        reach = radius * rng.uniform(0.9, 1.15)
        # the strip's spine: up and out of the crown, over, and down
        spine = np.array(
            [
                crown + out * radius * 0.25 + np.array([0, 0, radius * 0.45]),
                crown + out * reach * 0.75 + np.array([0, 0, radius * 0.42]),
                crown + out * reach + np.array([0, 0, radius * 0.1]),
                crown + out * reach * 1.06 - np.array([0, 0, (crown[2] - bottom) * 0.45]),
                np.array([0.0, 0.0, bottom])
                + out * reach * 1.12
                + np.array([crown[0], crown[1], 0.0]),
            ]
        )
        half = np.linspace(-0.5, 0.5, 2)[None, :, None] * width
        widen = np.array([0.5, 0.9, 1.0, 1.0, 1.05])[:, None, None]
        pos = spine[:, None, :] + side[None, None, :] * half * widen
        v = np.array([1.0, 0.85, 0.7, 0.35, 0.0])
        uv = np.stack(
            [
                np.broadcast_to(np.array([0.0, width / 3.0]) + rng.uniform(0, 1), (5, 2)),
                np.broadcast_to(v[:, None], (5, 2)),
            ],
            -1,
        )
        parts[STRANDS].surface(pos, color, uv, outward=tuple(out + np.array([0, 0, 0.2])))


def broadleaf(parts: Parts, rng: np.random.Generator) -> None:
    height = rng.uniform(5.0, 9.0)
    top = np.array([rng.uniform(-0.3, 0.3), rng.uniform(-0.3, 0.3), height * 0.6])
    parts[BARK].cylinder((0, 0, -0.3), top, 0.2, 0.1, BARK_COLOR, sides=6)
    tone = rng.uniform(0.8, 1.15)
    for i in range(3):
        r = height * rng.uniform(0.22, 0.3)
        offset = np.array(
            [rng.uniform(-1, 1) * r * 0.5, rng.uniform(-1, 1) * r * 0.5, r * (0.3 + 0.5 * i)]
        )
        jitter = 1.0 + rng.uniform(-0.15, 0.15, (4 + 1) * (7 + 1))
        parts[LEAVES].sphere(
            top + offset,
            (r, r, r * 0.85),
            BROADLEAF * np.array([tone, tone, tone, 1.0]),
            rings=4,
            segments=7,
            jitter=jitter,
        )


def pine(parts: Parts, rng: np.random.Generator) -> None:
    height = rng.uniform(6.0, 11.0)
    parts[BARK].cylinder((0, 0, -0.3), (0, 0, height * 0.35), 0.18, 0.14, BARK_COLOR, sides=5)
    tone = rng.uniform(0.85, 1.15)
    for i in range(3):
        base = height * (0.25 + 0.22 * i)
        r = height * (0.3 - 0.07 * i)
        parts[LEAVES].cylinder(
            (0, 0, base),
            (0, 0, base + height * 0.38),
            r,
            0.0,
            PINE * np.array([tone, tone, tone, 1.0]),
            sides=7,
            cap=False,
        )


VARIANTS = 8  # distinct trees of each species per object; each is turned and scaled


def build(obj_id: str, obj: Trees, ctx: BuildContext) -> Piece:
    rng = np.random.default_rng(obj.seed + 1)
    species = [willow] if ctx.has_water else [broadleaf, broadleaf, pine]
    variants = []
    for i in range(VARIANTS * len(species)):
        tree = Parts()
        species[i % len(species)](tree, rng)
        variants.append(tree)
    parts = Parts()
    for base in spots(obj, ctx):
        tree = variants[int(rng.integers(len(variants)))]
        turn = rotation_z(float(rng.uniform(0, 360)))
        scale = float(rng.uniform(0.85, 1.15))
        for material, mesh in tree.meshes.items():
            parts[material].extend(mesh, turn * scale, base)
    root = NodePath(obj_id)
    parts.attach(root, obj_id, ctx.glsl)
    return Piece(root)
