"""The ground: where terrain surfaces and water levels are, for placing things on them.

Scenes place houses, trees and marchers by coordinates written by hand, while the
terrain's relief comes from noise. Left alone, houses would float or sink, a column
of marchers would walk through a hillside and a camera at eye height could end up
under a hump. So the world works both ways: terrains are *shaped* by what stands on
them (level pads under buildings, a graded track along a marchers' path, room under
every camera key) and trees are *placed* on the finished surface, away from the water.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

Array = np.ndarray


@dataclass(frozen=True)
class Pad:
    """A level footprint (world coordinates): a building's base."""

    x: float
    y: float
    half_w: float
    half_d: float
    heading: float  # degrees
    z: float
    height: float = 0.0  # the building's eaves above z (0: unknown)

    def contains(self, x: float, y: float, z: float) -> bool:
        """Whether a point is inside the building standing on this pad."""
        a = np.radians(self.heading)
        dx, dy = x - self.x, y - self.y
        u = abs(dx * np.cos(a) + dy * np.sin(a))
        v = abs(-dx * np.sin(a) + dy * np.cos(a))
        return bool(
            u < self.half_w and v < self.half_d and self.z - 0.5 <= z <= self.z + self.height
        )


@dataclass(frozen=True)
class Track:
    """A graded path (world coordinates) that the ground follows: where marchers walk.

    ``visible`` is the marchers' visibility at the start of the scene: a track shapes
    only terrains that start out the same way, so a column kept hidden for a later
    part of the scene (on other ground) does not cut through the ground shown first."""

    points: Array  # (n, 3)
    visible: bool = True


@dataclass(frozen=True)
class Clearance:
    """A point the camera passes: the ground is kept under ``z`` (world) within
    ``radius`` and, farther out, under a cone rising ``slope`` metres per metre. Ground
    already below that is left alone, so a camera that flies above a slope changes
    nothing, and one that would pass through a hillside gets a hollow just big enough."""

    x: float
    y: float
    z: float
    radius: float = 4.0
    slope: float = 1.0


@dataclass(frozen=True)
class Shaping:
    pads: tuple[Pad, ...] = ()
    tracks: tuple[Track, ...] = ()
    clearances: tuple[Clearance, ...] = ()


@dataclass(frozen=True)
class Placement:
    """A 2D transform from world to an object's local frame (heading and xy scale)."""

    x: float
    y: float
    z: float
    heading: float
    sx: float
    sy: float
    sz: float

    def to_local(self, wx: Array, wy: Array) -> tuple[Array, Array]:
        a = np.radians(self.heading)
        dx, dy = np.asarray(wx) - self.x, np.asarray(wy) - self.y
        c, s = np.cos(a), np.sin(a)
        return (dx * c + dy * s) / self.sx, (-dx * s + dy * c) / self.sy

    def to_world(self, lx: Array, ly: Array) -> tuple[Array, Array]:
        a = np.radians(self.heading)
        c, s = np.cos(a), np.sin(a)
        lx, ly = np.asarray(lx) * self.sx, np.asarray(ly) * self.sy
        return self.x + lx * c - ly * s, self.y + lx * s + ly * c


@dataclass(frozen=True)
class Heightfield:
    """A terrain's finished heights on a regular grid in its local frame."""

    placement: Placement
    xs: Array  # (cols,) local x of grid columns, ascending
    ys: Array  # (rows,) local y of grid rows, ascending
    heights: Array  # (rows, cols) local z
    trodden: Array | None = None  # (rows, cols) 1 on a graded track (no fresh snow there)
    #: the paths graded into this terrain, each (n, 3) in local coordinates
    tracks: tuple[Array, ...] = ()

    def sample(self, wx: Array, wy: Array) -> Array:
        """World z of the surface at world (x, y); NaN outside the terrain."""
        lx, ly = self.placement.to_local(np.atleast_1d(wx), np.atleast_1d(wy))
        fx = (lx - self.xs[0]) / (self.xs[-1] - self.xs[0]) * (len(self.xs) - 1)
        fy = (ly - self.ys[0]) / (self.ys[-1] - self.ys[0]) * (len(self.ys) - 1)
        inside = (fx >= 0) & (fx <= len(self.xs) - 1) & (fy >= 0) & (fy <= len(self.ys) - 1)
        fx = np.clip(fx, 0, len(self.xs) - 1.000001)
        fy = np.clip(fy, 0, len(self.ys) - 1.000001)
        ix, iy = fx.astype(int), fy.astype(int)
        tx, ty = fx - ix, fy - iy
        h = self.heights
        z = (h[iy, ix] * (1 - tx) + h[iy, ix + 1] * tx) * (1 - ty) + (
            h[iy + 1, ix] * (1 - tx) + h[iy + 1, ix + 1] * tx
        ) * ty
        world = self.placement.z + z * self.placement.sz
        return np.where(inside, world, np.nan)


@dataclass(frozen=True)
class WaterSheet:
    """A water surface: level and extent (world)."""

    placement: Placement
    half_w: float
    half_d: float

    def covers(self, wx: Array, wy: Array) -> Array:
        lx, ly = self.placement.to_local(np.atleast_1d(wx), np.atleast_1d(wy))
        return (np.abs(lx) <= self.half_w) & (np.abs(ly) <= self.half_d)


@dataclass
class Ground:
    """Every terrain surface and water sheet of a world, for queries by the builders."""

    fields: list[Heightfield] = field(default_factory=list)
    waters: list[WaterSheet] = field(default_factory=list)
    pads: list[Pad] = field(default_factory=list)

    def height(self, wx: Array, wy: Array) -> Array:
        """The highest terrain surface at each point; NaN where no terrain lies."""
        wx, wy = (
            np.atleast_1d(np.asarray(wx, dtype=float)),
            np.atleast_1d(np.asarray(wy, dtype=float)),
        )
        best = np.full(wx.shape, np.nan)
        for f in self.fields:
            z = f.sample(wx, wy)
            best = np.where(np.isnan(best) | (z > best), np.where(np.isnan(z), best, z), best)
        return best

    def water(self, wx: Array, wy: Array) -> Array:
        """The water level at each point; NaN where there is no water."""
        wx, wy = (
            np.atleast_1d(np.asarray(wx, dtype=float)),
            np.atleast_1d(np.asarray(wy, dtype=float)),
        )
        level = np.full(wx.shape, np.nan)
        for w in self.waters:
            level = np.where(
                w.covers(wx, wy) & (np.isnan(level) | (w.placement.z > level)), w.placement.z, level
            )
        return level

    def open_ground(self, wx: Array, wy: Array, margin: float) -> Array:
        """True where no building stands within ``margin`` metres."""
        wx, wy = (
            np.atleast_1d(np.asarray(wx, dtype=float)),
            np.atleast_1d(np.asarray(wy, dtype=float)),
        )
        free = np.ones(wx.shape, bool)
        for pad in self.pads:
            a = np.radians(pad.heading)
            dx, dy = wx - pad.x, wy - pad.y
            u = np.abs(dx * np.cos(a) + dy * np.sin(a)) - pad.half_w
            v = np.abs(-dx * np.sin(a) + dy * np.cos(a)) - pad.half_d
            free &= (u > margin) | (v > margin)
        return free

    def dry(self, wx: Array, wy: Array, margin: float = 0.15) -> Array:
        """True where the ground stands above any water there (or there is no water)."""
        h = self.height(wx, wy)
        w = self.water(wx, wy)
        return np.isnan(w) | (~np.isnan(h) & (h > w + margin))
