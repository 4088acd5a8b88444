"""Falling snow and drifting mist: many soft sprites, each a function of show time.

Snow: flakes fill a box that travels with the camera (positions wrap inside it), so
the fall is dense where the viewer is with a few thousand quads, and fades outside
the object's ``area``. ``rate`` sets how thick it falls; ``wind`` drifts it.
Mist: large soft puffs in the object's ``area`` that face the camera and drift
slowly along +x, wrapping round with a fade at the ends; ``density`` sets their
opacity (and so does the object's opacity, for mist that comes and goes).

GLSL moves and turns the sprites in snow.vert.glsl and mist.vert.glsl. Without it
the same formulas (:func:`snow_centres`, :func:`mist_centres`) run here on the CPU
and the quads are turned toward the scene camera.
"""

from __future__ import annotations

import math

import numpy as np
from panda3d.core import NodePath, OmniBoundingVolume, TransparencyAttrib

from exhibit.render.world.mesh import Mesh, write_positions
from exhibit.render.world.piece import BuildContext, Piece
from exhibit.spec.scene import Mist, Snow
from exhibit.timeline.frame import FrameState, ObjectState

Array = np.ndarray

FLAKE = 0.045  # half size of a flake quad, metres
FALL = 1.1  # metres per second
SNOW_BOX = (70.0, 70.0, 36.0)
MIST_DRIFT = 0.6  # metres per second
CORNERS = np.array([[-1.0, -1.0], [1.0, -1.0], [1.0, 1.0], [-1.0, 1.0]])


def flake_count(rate: float, glsl: bool) -> int:
    return int(np.clip(rate * 12, 300, 20000 if glsl else 3000))


def snow_box(obj: Snow) -> tuple[float, float, float]:
    w, d, h = obj.area
    return (min(w, SNOW_BOX[0]), min(d, SNOW_BOX[1]), min(h, SNOW_BOX[2]))


def snow_centres(
    unit: Array,
    phases: Array,
    t: float,
    cam_local: Array,
    box: tuple[float, float, float],
    wind: tuple[float, float],
) -> Array:
    """Flake centres (object frame) at time ``t``: the formula of snow.vert.glsl."""
    phase = phases[:, 0] * 2 * np.pi
    speed = FALL * (0.75 + 0.5 * phases[:, 1])
    b = np.asarray(box)
    drift = np.stack(
        [
            wind[0] * t + 0.6 * np.sin(t * 0.9 + phase),
            wind[1] * t + 0.6 * np.cos(t * 0.7 + phase * 1.3),
            -speed * t,
        ],
        1,
    )
    local = unit * b + drift
    rel = local - cam_local
    rel = rel - b * np.floor(rel / b + 0.5)
    return cam_local + rel


def camera_axes(hpr: tuple[float, float, float]) -> tuple[Array, Array]:
    """The camera's right and up vectors (world) from heading and pitch."""
    h, p = math.radians(hpr[0]), math.radians(hpr[1])
    forward = np.array([-math.sin(h) * math.cos(p), math.cos(h) * math.cos(p), math.sin(p)])
    right = np.array([math.cos(h), math.sin(h), 0.0])
    up = np.cross(right, forward)
    return right, up


def _sprites(n: int, centres: Array, colors: Array) -> Mesh:
    mesh = Mesh()
    pos = np.repeat(centres, 4, axis=0)
    uv = np.tile(CORNERS, (n, 1))
    col = np.repeat(colors, 4, axis=0)
    base = np.arange(n)[:, None] * 4
    tris = np.concatenate([base + np.array([0, 1, 2]), base + np.array([0, 2, 3])], axis=1).reshape(
        -1, 3
    )
    mesh.add(pos, np.array([[0.0, 0.0, 1.0]]), col, uv, tris)
    return mesh


def build_snow(obj_id: str, obj: Snow, ctx: BuildContext) -> Piece:
    n = flake_count(obj.rate, ctx.glsl)
    rng = np.random.default_rng(n)
    unit = rng.uniform(-0.5, 0.5, (n, 3))
    phases = rng.uniform(0, 1, (n, 2))
    colors = np.concatenate([phases, np.ones((n, 2))], 1)
    box = snow_box(obj)
    w, d, h = obj.area
    mesh = _sprites(n, unit, colors)
    root = NodePath(obj_id)
    node = mesh.node(f"{obj_id}_flakes", dynamic=not ctx.glsl)
    node.setBounds(OmniBoundingVolume())
    node.setFinal(True)
    flakes = root.attachNewNode(node)
    flakes.setTransparency(TransparencyAttrib.MAlpha)
    flakes.setDepthWrite(False)
    flakes.setBin("transparent", 10)
    flakes.setTwoSided(True)
    if ctx.glsl:
        ctx.shade(flakes, "snow", 2)
        flakes.setShaderInput("u_snow_box", (*box, FLAKE))
        flakes.setShaderInput("u_snow_area", (w / 2, d / 2, h, FALL))
        flakes.setShaderInput("u_snow_wind", (obj.wind[0], obj.wind[1], 0.0, 0.0))
        return Piece(root, self_blended=True)

    flakes.setTexture(ctx.texture("glow"), 1)
    flakes.setLightOff(1)
    flakes.setColor(0.95, 0.96, 0.98, 1.0)  # the vertex colours hold the shader's random phases
    geom = node.modifyGeom(0)
    size = FLAKE * 3.0  # a software-rendered flake needs a few pixels to be seen

    def animate(frame: FrameState) -> None:
        origin = np.array(root.getPos())
        cam = np.asarray(frame.camera.pos) - origin
        centres = snow_centres(unit, phases, frame.t, cam, box, (obj.wind[0], obj.wind[1]))
        right, up = camera_axes(frame.camera.hpr)
        corners = CORNERS[:, 0, None] * right + CORNERS[:, 1, None] * up
        quads = centres[:, None, :] + corners[None, :, :] * size
        inside = (
            (np.abs(centres[:, 0]) < w / 2)
            & (np.abs(centres[:, 1]) < d / 2)
            & (centres[:, 2] > -2)
            & (centres[:, 2] < h)
        )
        quads[~inside] = centres[~inside][:, None, :]
        write_positions(geom, quads.reshape(-1, 3))

    return Piece(root, animate=animate, self_blended=True)


def mist_layout(obj: Mist) -> tuple[Array, Array]:
    """Puff centres (object frame) and per-puff (half width, phase, alpha factor)."""
    w, d, h = obj.area
    size = float(np.clip(max(h * 2.5, math.sqrt(w * d / 140.0)), 5.0, 70.0))
    count = int(np.clip(w * d / (2 * size) ** 2 * 2.2, 10, 160))
    rng = np.random.default_rng(count * 31 + int(w) + int(d))
    centres = np.stack(
        [
            rng.uniform(-w / 2, w / 2, count),
            rng.uniform(-d / 2, d / 2, count),
            rng.uniform(0.25, 0.7, count) * h,
        ],
        1,
    )
    params = np.stack(
        [
            size * rng.uniform(0.7, 1.2, count),
            rng.uniform(0, 1, count),
            rng.uniform(0.5, 1.0, count),
        ],
        1,
    )
    return centres, params


def mist_centres(
    centres: Array, params: Array, t: float, area: tuple[float, float, float]
) -> tuple[Array, Array]:
    """Drifted centres and an edge fade per puff at time ``t``: the formula of mist.vert.glsl."""
    w, d, h = area
    ax = w / 2
    c = centres.copy()
    phase = params[:, 1] * 2 * np.pi
    c[:, 0] += MIST_DRIFT * t * (0.7 + 0.6 * np.modf(params[:, 1] * 7.0)[0])
    c[:, 0] = c[:, 0] - w * np.floor((c[:, 0] + ax) / w)
    c[:, 1] += 0.8 * np.sin(t * 0.05 + phase) * MIST_DRIFT * 3.0
    edge = 1.0 - np.clip((np.abs(c[:, 0]) / ax - 0.75) / 0.25, 0.0, 1.0)
    return c, edge


def build_mist(obj_id: str, obj: Mist, ctx: BuildContext) -> Piece:
    centres, params = mist_layout(obj)
    n = len(centres)
    w, d, h = obj.area
    colors = np.concatenate([params, np.ones((n, 1))], 1)
    mesh = _sprites(n, centres, colors)
    root = NodePath(obj_id)
    node = mesh.node(f"{obj_id}_puffs", dynamic=not ctx.glsl)
    node.setBounds(OmniBoundingVolume())
    node.setFinal(True)
    puffs = root.attachNewNode(node)
    puffs.setTexture(ctx.texture("puff"), 1)
    puffs.setTransparency(TransparencyAttrib.MAlpha)
    puffs.setDepthWrite(False)
    puffs.setBin("transparent", 20)
    puffs.setTwoSided(True)

    def own_look(state: ObjectState) -> None:
        level = obj.density * state.opacity
        if ctx.glsl:
            puffs.setShaderInput("u_mist", (level, 0.0, 0.0, 0.0))
        else:
            puffs.setAlphaScale(min(1.0, level * 0.8))

    if ctx.glsl:
        ctx.shade(puffs, "mist", 2)
        puffs.setShaderInput("u_mist_area", (w / 2, d / 2, h, MIST_DRIFT))
        puffs.setShaderInput("u_mist", (obj.density, 0.0, 0.0, 0.0))
        return Piece(root, own_look=own_look, self_blended=True)

    puffs.setLightOff(1)
    geom = node.modifyGeom(0)
    fog = ctx.scene.environment.fog
    tint = fog.color.rgba[:3] if fog is not None else (0.85, 0.87, 0.9)
    puffs.setColor(*tint, 1.0)
    half_h = np.minimum(params[:, 0] * 0.5, h * 0.8 + 2.0)

    def animate(frame: FrameState) -> None:
        c, edge = mist_centres(centres, params, frame.t, (w, d, h))
        right, up = camera_axes(frame.camera.hpr)
        corner = (
            CORNERS[:, 0, None, None] * right * params[None, :, 0, None]
            + CORNERS[:, 1, None, None] * up * half_h[None, :, None]
        )
        quads = c[None, :, :] + corner * edge[None, :, None]
        write_positions(geom, np.transpose(quads, (1, 0, 2)).reshape(-1, 3))

    return Piece(root, animate=animate, own_look=own_look, self_blended=True)
