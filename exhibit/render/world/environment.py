"""Sun, ambient light, fog and lamps: the EnvironmentState made visible.

Two paths with one meaning. With GLSL every program reads the same uniforms, set
once per frame on the world root (sun direction and colour, ambient, fog, up to
eight lamps). Without GLSL the same values drive Panda3D's fixed-function lights
and (where the renderer has it) exponential fog.

Fog: a scene's ``density`` is read as haze at the water line; the shaders thin it
with height (scale height FOG_HEIGHT) so peaks stand clear above a hazy valley, and
FOG_SCALE maps the scene's number to optical depth per metre, chosen so that the
default density 0.01 leaves about a third of the contrast at 250 m over water.
"""

from __future__ import annotations

import math

from panda3d.core import (
    AmbientLight,
    DirectionalLight,
    Fog,
    LVecBase4f,
    NodePath,
    PointLight,
    PTA_LVecBase4f,
    Spotlight,
)

from exhibit.render.world.piece import BuildContext, Lamp
from exhibit.render.world.sky import Sky, sun_direction
from exhibit.timeline.frame import EnvironmentState, FrameState

FOG_SCALE = 0.45
FOG_HEIGHT = 200.0  # metres: the haze halves every ~140 m of height
MAX_LAMPS = 8  # the shaders' uniform arrays
OUTDOOR, INDOOR = -2.0, -3.0  # u_lamp_dir.w of point lights (a spot light holds its cone there)
INDOOR_SPILL = 0.2  # share of an indoor lamp's light that reaches outside, through its windows
INTERIOR_DAYLIGHT = 0.6  # share of the sky's ambient light inside a room (through its windows)


class Atmosphere:
    def __init__(self, root: NodePath, ctx: BuildContext) -> None:
        self.root = root
        self.glsl = ctx.glsl
        self.fog_supported = ctx.capabilities.fog
        self.sky = Sky(root, ctx)
        self.lamps: list[Lamp] = []
        self._lamp_lights: list[tuple[Lamp, NodePath]] = []
        self.interiors: list[NodePath] = []  # rooms: no sun, no haze, a share of the ambient
        self._last: EnvironmentState | None = None
        if self.glsl:
            self.lamp_pos = PTA_LVecBase4f.emptyArray(MAX_LAMPS)
            self.lamp_color = PTA_LVecBase4f.emptyArray(MAX_LAMPS)
            self.lamp_dir = PTA_LVecBase4f.emptyArray(MAX_LAMPS)
            root.setShaderInput("u_lamp_pos", self.lamp_pos)
            root.setShaderInput("u_lamp_color", self.lamp_color)
            root.setShaderInput("u_lamp_dir", self.lamp_dir)
            root.setShaderInput("u_lamp_count", 0.0)
            root.setShaderInput("u_time", 0.0)
            root.setShaderInput("u_surface", (0.0, 0.0, 0.0, 0.0))
            root.setShaderInput("u_clip", (0.0, 0.0, 0.0, 0.0))
            root.setTexture(ctx.texture("white"))
            self.sun_np: NodePath | None = None
            self.ambient_np: NodePath | None = None
            self.fog: Fog | None = None
        else:
            self.sun_np = root.attachNewNode(DirectionalLight("sun"))
            self.ambient_np = root.attachNewNode(AmbientLight("ambient"))
            root.setLight(self.sun_np)
            root.setLight(self.ambient_np)
            self.fog = Fog("haze") if self.fog_supported else None
            if self.fog is not None:
                self.fog.setMode(Fog.MExponential)
                root.setFog(self.fog)

    def add_lamps(self, lamps: list[Lamp]) -> None:
        for lamp in lamps:
            if len(self.lamps) >= MAX_LAMPS:
                return
            self.lamps.append(lamp)
            if not self.glsl:
                light = (
                    Spotlight(lamp.node.getName()) if lamp.spot else PointLight(lamp.node.getName())
                )
                if lamp.spot:
                    light.getLens().setFov(lamp.cone * 2)
                # a quadratic fall-off reaching about 4 % at the lamp's range
                light.setAttenuation((1.0, 0.0, 24.0 / (lamp.range * lamp.range)))
                np_ = lamp.node.attachNewNode(light)
                self.root.setLight(np_)
                self._lamp_lights.append((lamp, np_))

    def add_interior(self, node: NodePath) -> None:
        """Keep the sun and the haze out of ``node`` (a room): inside it only a share of the
        ambient light and the lamps light the walls, whatever the sun does outside."""
        self.interiors.append(node)
        if self.glsl:
            node.setShaderInput("u_sun_color", (0.0, 0.0, 0.0))
            node.setShaderInput("u_fog", (0.0, FOG_HEIGHT, 0.0, 0.0))
        else:
            assert self.sun_np is not None
            node.setLightOff(self.sun_np)
            node.setFogOff()
        self._last = None  # the next frame sets the room's ambient light

    def apply(self, frame: FrameState) -> None:
        env = frame.environment
        density = env.fog_density * FOG_SCALE
        haze = density * FOG_HEIGHT * math.exp(-max(frame.camera.pos[2], 0.0) / FOG_HEIGHT)
        self.sky.apply(frame, haze)
        self._apply_lamps()
        if env == self._last:
            return
        self._last = env
        sun = sun_direction(env.sun_azimuth, env.sun_elevation)
        # the sun's light fades out as it sets instead of lighting from below
        horizon = max(0.0, min(1.0, (env.sun_elevation + 2.0) / 6.0))
        k = env.sun_intensity * horizon
        sun_color = (env.sun_color[0] * k, env.sun_color[1] * k, env.sun_color[2] * k)
        a = env.ambient_intensity
        ambient = (env.ambient_color[0] * a, env.ambient_color[1] * a, env.ambient_color[2] * a)
        if self.glsl:
            for room in self.interiors:  # (without shaders a room has the whole ambient light)
                room.setShaderInput("u_ambient", tuple(c * INTERIOR_DAYLIGHT for c in ambient))
            r = self.root
            r.setShaderInput("u_sun_dir", sun)
            r.setShaderInput("u_sun_color", sun_color)
            r.setShaderInput("u_ambient", ambient)
            r.setShaderInput("u_fog_color", env.fog_color)
            r.setShaderInput("u_fog", (density, FOG_HEIGHT, 0.0, 0.0))
            r.setShaderInput("u_sky_zenith", env.sky_zenith)
            r.setShaderInput("u_sky_horizon", env.sky_horizon)
            return
        assert self.sun_np is not None and self.ambient_np is not None
        self.sun_np.node().setColor((*sun_color, 1.0))
        self.sun_np.lookAt(-sun[0], -sun[1], -sun[2])
        self.ambient_np.node().setColor(
            (ambient[0] * 0.85, ambient[1] * 0.85, ambient[2] * 0.85, 1.0)
        )
        if self.fog is not None:
            self.fog.setColor(env.fog_color[0], env.fog_color[1], env.fog_color[2])
            self.fog.setExpDensity(density)

    def glow_windows(self, windows: list[NodePath], env: EnvironmentState) -> None:
        """Without shaders: paper windows (unlit) take the daylight plus the lamps near them."""
        k = env.sun_intensity * max(0.0, math.sin(math.radians(env.sun_elevation)))
        day = [
            min(
                1.0, env.ambient_color[i] * env.ambient_intensity * 0.9 + env.sun_color[i] * k * 0.6
            )
            for i in range(3)
        ]
        for window in windows:
            centre = window.getBounds().getCenter()
            p = self.root.getRelativePoint(window, centre)
            house = window.getParent()
            glow = list(day)
            for lamp in self.lamps:
                if lamp.level <= 0.0:
                    continue
                # paper lets a lamp through only from inside the house
                inside = house.getRelativePoint(lamp.node, (0, 0, 0))
                box = house.getTightBounds(house)
                if box is None or not all(box[0][i] <= inside[i] <= box[1][i] for i in range(3)):
                    continue
                d = (lamp.node.getPos(self.root) - p).length()
                att = max(0.0, 1.0 - (d * d) / (lamp.range * lamp.range)) ** 2
                for i in range(3):
                    glow[i] += lamp.color[i] * lamp.intensity * lamp.level * att * 1.5
            window.setColorScale(min(glow[0], 1.0), min(glow[1], 1.0), min(glow[2], 1.0), 1.0)

    def _apply_lamps(self) -> None:
        if self.glsl:
            count = 0
            for lamp in self.lamps:
                if lamp.level <= 0.0:
                    continue
                p = lamp.node.getPos(self.root)
                k = lamp.intensity * lamp.level
                self.lamp_pos.setElement(count, LVecBase4f(p[0], p[1], p[2], lamp.range))
                self.lamp_color.setElement(
                    count, LVecBase4f(lamp.color[0] * k, lamp.color[1] * k, lamp.color[2] * k, 1.0)
                )
                if lamp.spot:
                    d = self.root.getRelativeVector(lamp.node, (0, 1, 0))
                    d.normalize()
                    self.lamp_dir.setElement(
                        count, LVecBase4f(d[0], d[1], d[2], math.cos(math.radians(lamp.cone)))
                    )
                else:
                    kind = INDOOR if lamp.indoor else OUTDOOR
                    self.lamp_dir.setElement(count, LVecBase4f(0, 0, -1, kind))
                count += 1
            self.root.setShaderInput("u_lamp_count", float(count))
            return
        for lamp, np_ in self._lamp_lights:
            k = lamp.intensity * lamp.level * 1.6 * (INDOOR_SPILL if lamp.indoor else 1.0)
            np_.node().setColor((lamp.color[0] * k, lamp.color[1] * k, lamp.color[2] * k, 1.0))

    def destroy(self) -> None:
        self.root.clearLight()
        self.root.clearFog()
        self.sky.destroy()
        for _, np_ in self._lamp_lights:
            np_.removeNode()
        for np_ in (self.sun_np, self.ambient_np):
            if np_ is not None:
                np_.removeNode()
