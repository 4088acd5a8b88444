"""The sky: a dome with a zenith-to-horizon gradient and a sun (or moon) disc.

With GLSL the dome is a set of directions drawn at the far plane around whichever
camera renders it (so stereo eyes and wall projectors all see the same sky) and the
shader draws gradient, sun and horizon haze. In the software renderer the dome's
vertex colours carry the gradient (recomputed only when the colours change), it
follows the scene camera, and the sun is a glowing card.
"""

from __future__ import annotations

import math

import numpy as np
from panda3d.core import (
    ColorBlendAttrib,
    CullBinEnums,
    CullBinManager,
    DepthTestAttrib,
    NodePath,
    OmniBoundingVolume,
    RenderAttrib,
    TransparencyAttrib,
)

from exhibit.render.world.mesh import Mesh, write_colors
from exhibit.render.world.piece import BuildContext
from exhibit.timeline.frame import EnvironmentState, FrameState

RINGS = 16
SEGMENTS = 32
FALLBACK_RADIUS = 1500.0  # metres; needs the camera's far plane beyond it
SKY_BIN = "sky"


def _register_sky_bin() -> None:
    """A cull bin right after the opaque one (sort 20), before water (25) and transparent (30)."""
    manager = CullBinManager.getGlobalPtr()
    if manager.findBin(SKY_BIN) < 0:
        manager.addBin(SKY_BIN, CullBinEnums.BT_fixed, 22)


def sun_direction(azimuth: float, elevation: float) -> tuple[float, float, float]:
    """Unit vector toward the sun: azimuth clockwise from north (+y), elevation above the
    horizon."""
    az, el = math.radians(azimuth), math.radians(elevation)
    return (math.sin(az) * math.cos(el), math.cos(az) * math.cos(el), math.sin(el))


def gradient(
    zenith: np.ndarray, horizon: np.ndarray, fog: np.ndarray, haze: float, elevation: np.ndarray
) -> np.ndarray:
    """Sky colour by elevation (radians): the same curve as sky.frag.glsl, for vertex colours."""
    up = np.clip(np.sin(elevation), 0.0, 1.0)
    c = horizon[None, :] + (zenith - horizon)[None, :] * (up**0.55)[:, None]
    h = (1.0 - np.exp(-haze * 0.5 / np.maximum(up, 0.02))) * 0.85
    c = c * (1 - h[:, None]) + fog[None, :] * h[:, None]
    below = np.clip(-np.sin(elevation) / 0.05, 0.0, 1.0)
    return c * (1 - below[:, None]) + fog[None, :] * below[:, None]


class Sky:
    """Builds the dome and keeps it in step with the environment."""

    def __init__(self, parent: NodePath, ctx: BuildContext) -> None:
        self.glsl = ctx.glsl
        self.root = parent.attachNewNode("sky")
        theta = np.linspace(
            -np.pi / 2, np.pi / 2, RINGS * 2 + 1
        )  # the whole sphere: below the horizon too
        phi = np.linspace(0, 2 * np.pi, SEGMENTS + 1)
        el, az = np.meshgrid(theta, phi, indexing="ij")
        dirs = np.stack([np.cos(el) * np.sin(az), np.cos(el) * np.cos(az), np.sin(el)], -1)
        radius = 10.0 if self.glsl else FALLBACK_RADIUS
        self.elevation = el.reshape(-1)
        mesh = Mesh()
        # rows climb in elevation, columns turn east: the grid's front faces the centre
        mesh.grid(
            dirs * radius, -dirs, np.ones(dirs.shape[:2] + (4,)), np.zeros(dirs.shape[:2] + (2,))
        )
        self.dome = self.root.attachNewNode(mesh.node("sky_dome"))
        self.dome.setTwoSided(True)
        if self.glsl:
            # The shader puts the dome at the far plane: drawn after the opaque world with
            # a less-or-equal depth test, it is shaded only where nothing covers it (a
            # software rasterizer shades every pixel it is asked to, hidden or not).
            _register_sky_bin()
            self.root.setBin(SKY_BIN, 0)
            self.root.setAttrib(DepthTestAttrib.make(RenderAttrib.M_less_equal))
        else:
            self.root.setBin("background", 0)
            self.root.setDepthTest(False)
        self.root.setDepthWrite(False)
        self.root.setLightOff(1)
        self.root.setFogOff(1)
        self.dome.node().setBounds(OmniBoundingVolume())
        self.dome.node().setFinal(True)
        self.sun: NodePath | None = None
        if self.glsl:
            ctx.shade(self.dome, "sky", 2)
        else:
            self.dome.setTextureOff(1)
            card = Mesh()
            card.quad([(-1, 0, -1), (1, 0, -1), (1, 0, 1), (-1, 0, 1)], (1, 1, 1, 1))
            self.sun = self.root.attachNewNode(card.node("sun"))
            self.sun.setTexture(ctx.texture("glow"), 1)
            self.sun.setTransparency(TransparencyAttrib.MAlpha)
            self.sun.setAttrib(
                ColorBlendAttrib.make(
                    ColorBlendAttrib.MAdd, ColorBlendAttrib.OIncomingAlpha, ColorBlendAttrib.OOne
                )
            )
            self.sun.setTwoSided(True)
            self.sun.node().setBounds(OmniBoundingVolume())
        self._key: tuple[object, ...] | None = None

    def apply(self, frame: FrameState, haze: float) -> None:
        """Only the software renderer needs work here: recolour and move with the camera."""
        if self.glsl:
            return
        env = frame.environment
        self.root.setPos(*frame.camera.pos)
        key = (
            env.sky_zenith,
            env.sky_horizon,
            env.fog_color,
            round(haze, 5),
            env.sun_azimuth,
            env.sun_elevation,
            env.sun_color,
            env.sun_intensity,
        )
        if key == self._key:
            return
        self._key = key
        self._recolor(env, haze)

    def _recolor(self, env: EnvironmentState, haze: float) -> None:
        colors = gradient(
            np.array(env.sky_zenith[:3]),
            np.array(env.sky_horizon[:3]),
            np.array(env.fog_color[:3]),
            haze,
            self.elevation,
        )
        rgba = np.concatenate([colors, np.ones((len(colors), 1))], 1)
        geom = self.dome.node().modifyGeom(0)
        n = len(colors)
        write_colors(geom, np.zeros((n, 3)), rgba, np.zeros((n, 2)))
        if self.sun is not None:
            d = np.array(sun_direction(env.sun_azimuth, env.sun_elevation))
            r = FALLBACK_RADIUS * 0.9
            self.sun.setPos(*(d * r))
            self.sun.lookAt(0, 0, 0)
            self.sun.setScale(r * 0.035)
            strength = min(1.0, env.sun_intensity)
            self.sun.setColorScale(env.sun_color[0], env.sun_color[1], env.sun_color[2], strength)
            if env.sun_elevation < -1:
                self.sun.hide()
            else:
                self.sun.show()

    def destroy(self) -> None:
        self.root.removeNode()
