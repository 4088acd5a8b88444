"""Deterministic noise for terrain, textures and scattering.

The same seed gives the same mountains on every machine and every run, so a still
from a staff laptop matches the hall. Value noise on a hashed integer lattice with
smooth interpolation is enough for these shapes and costs a few milliseconds for a
whole terrain.
"""

from __future__ import annotations

import numpy as np

Array = np.ndarray


def _fade(t: Array) -> Array:
    return t * t * t * (t * (t * 6.0 - 15.0) + 10.0)


def lattice(ix: Array, iy: Array, seed: int) -> Array:
    """A random value in [0, 1) for each integer lattice point: a hash, so any point of the
    plane gets the same value whatever else is asked for at the same time."""
    h = (np.asarray(ix, dtype=np.int64).astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15)) ^ (
        np.asarray(iy, dtype=np.int64).astype(np.uint64) * np.uint64(0xC2B2AE3D27D4EB4F)
    )
    h ^= np.uint64((seed * 0x165667B1 + 0x27D4EB2F) & 0xFFFFFFFFFFFFFFFF)
    h ^= h >> np.uint64(33)
    h *= np.uint64(0xFF51AFD7ED558CCD)
    h ^= h >> np.uint64(33)
    h *= np.uint64(0xC4CEB9FE1A85EC53)
    h ^= h >> np.uint64(33)
    return (h >> np.uint64(11)).astype(np.float64) / float(1 << 53)


def value_noise(x: Array, y: Array, seed: int, period: int | None = None) -> Array:
    """Smooth noise in [0, 1] at lattice coordinates ``x``, ``y`` (one cell per unit).

    With ``period`` the noise tiles every ``period`` cells (for seamless textures).
    """
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    x0 = np.floor(x).astype(np.int64)
    y0 = np.floor(y).astype(np.int64)
    x1, y1 = x0 + 1, y0 + 1
    if period:
        x0, y0, x1, y1 = x0 % period, y0 % period, x1 % period, y1 % period
    fx = _fade(x - np.floor(x))
    fy = _fade(y - np.floor(y))
    a = lattice(x0, y0, seed)
    b = lattice(x1, y0, seed)
    c = lattice(x0, y1, seed)
    d = lattice(x1, y1, seed)
    return (a + (b - a) * fx) * (1 - fy) + (c + (d - c) * fx) * fy


def fbm(
    x: Array,
    y: Array,
    seed: int,
    octaves: int = 5,
    persistence: float = 0.5,
    lacunarity: float = 2.0,
    period: int | None = None,
) -> Array:
    """Fractal sum of value noise, normalised to [0, 1]."""
    total = np.zeros_like(np.asarray(x, dtype=np.float64))
    amplitude = 1.0
    norm = 0.0
    frequency = 1.0
    for octave in range(octaves):
        p = None if period is None else int(period * frequency)
        total += amplitude * value_noise(x * frequency, y * frequency, seed + 7919 * octave, p)
        norm += amplitude
        amplitude *= persistence
        frequency *= lacunarity
    return total / norm


def ridged(x: Array, y: Array, seed: int, octaves: int = 5, persistence: float = 0.5) -> Array:
    """Ridged fractal noise in [0, 1]: sharp crests like eroded mountain ranges."""
    total = np.zeros_like(np.asarray(x, dtype=np.float64))
    amplitude = 1.0
    norm = 0.0
    frequency = 1.0
    weight = np.ones_like(total)
    for octave in range(octaves):
        n = value_noise(x * frequency, y * frequency, seed + 104729 * octave)
        ridge = 1.0 - np.abs(2.0 * n - 1.0)
        ridge = ridge * ridge * weight
        weight = np.clip(ridge * 2.0, 0.0, 1.0)
        total += amplitude * ridge
        norm += amplitude
        amplitude *= persistence
        frequency *= 2.0
    return total / norm
