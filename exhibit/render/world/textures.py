"""Procedural textures: stone, tiles, thatch, wood, lattice, brick, plaster, willow, mist.

A camera at walking height in a village lane sees walls two metres away: flat colours
look like toys there. These textures are drawn with numpy when first needed (a few
milliseconds each) and shared by every world in the process. They are the look in
both renderers: the GLSL shaders multiply them by vertex colour and light, and the
software renderer shows them with fixed-function lighting.

Arrays are (rows, cols, channels) uint8 with row 0 at the top of the image; every
texture tiles seamlessly unless it is a sprite (puff, glow).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from panda3d.core import SamplerState, Texture

from exhibit.render.world.noise import fbm, value_noise

Array = np.ndarray
SIZE = 256


def _grid(size: int = SIZE) -> tuple[Array, Array]:
    y, x = np.mgrid[0:size, 0:size].astype(np.float64)
    return x, y


def _noise(size: int, cells: int, seed: int, octaves: int = 4) -> Array:
    x, y = _grid(size)
    return fbm(x * cells / size, y * cells / size, seed, octaves, 0.55, 2.0, period=cells)


def _rgb(base: tuple[float, float, float], shade: Array) -> Array:
    return np.clip(np.asarray(base)[None, None, :] * shade[..., None], 0.0, 1.0)


def _to_u8(image: Array) -> Array:
    return (np.clip(image, 0.0, 1.0) * 255.0 + 0.5).astype(np.uint8)


def stone_image(seed: int = 11) -> Array:
    """Coursed rubble: rows of irregular stones in grey-brown tones, light mortar joints."""
    rng = np.random.default_rng(seed)
    x, y = _grid()
    image = np.zeros((SIZE, SIZE, 3))
    mortar = np.zeros((SIZE, SIZE))
    heights = []
    total = 0
    while total < SIZE:
        h = int(rng.integers(26, 44))
        heights.append(min(h, SIZE - total) if SIZE - total - h < 20 else h)
        total += heights[-1]
    top = 0
    grain = _noise(SIZE, 16, seed + 1, 4)
    for h in heights:
        rows = slice(top, top + h)
        start = int(rng.integers(0, 60))
        edges = [start]
        while edges[-1] < start + SIZE:
            edges.append(edges[-1] + int(rng.integers(34, 84)))
        edges[-1] = start + SIZE
        for a, b in zip(edges[:-1], edges[1:], strict=True):
            cols = np.arange(a, b) % SIZE
            tone = rng.uniform(0.72, 1.08)
            hue = rng.uniform(-0.05, 0.05)
            color = np.array([0.62 + hue, 0.58 + hue * 0.3, 0.52 - hue]) * tone
            block = np.zeros((h, len(cols)))
            yy = np.arange(h)[:, None]
            xx = np.arange(len(cols))[None, :]
            # darken toward each stone's edge so joints read as recessed
            edge = np.minimum(np.minimum(yy, h - 1 - yy), np.minimum(xx, len(cols) - 1 - xx))
            block = np.clip(edge / 4.0, 0.0, 1.0)
            image[rows][:, cols] = color[None, None, :] * (0.78 + 0.22 * block[..., None])
            mortar[rows][:, cols] = (edge < 2).astype(float)
        top += h
    image *= (0.82 + 0.36 * grain)[..., None]
    mortar_color = np.array([0.56, 0.54, 0.5]) * (0.9 + 0.2 * grain)[..., None]
    image = image * (1 - mortar[..., None]) + mortar_color * mortar[..., None]
    return _to_u8(image)


def brick_image(seed: int = 5) -> Array:
    """Grey bricks in running bond, the building material of north-China schools."""
    rng = np.random.default_rng(seed)
    x, y = _grid()
    course = 16  # 8 courses per repeat: 256 px = 0.56 m of bricks at the school's UV scale
    length = 64
    row = (y // course).astype(int)
    shift = (row % 2) * (length // 2)
    col = ((x + shift) // length).astype(int)
    tones = rng.uniform(0.8, 1.05, size=(SIZE // course + 1, SIZE // length + 2))
    tone = tones[row, col % tones.shape[1]]
    joint = ((y % course) < 2) | (((x + shift) % length) < 2)
    grain = _noise(SIZE, 32, seed, 3)
    image = _rgb((0.5, 0.5, 0.5), tone * (0.85 + 0.3 * grain))
    image[joint] = np.array([0.66, 0.65, 0.62])
    return _to_u8(image)


def tiles_image(seed: int = 3) -> Array:
    """Curved grey roof tiles: ridged columns and a shadow under each course."""
    x, y = _grid()
    column = np.cos((x % 32) / 32.0 * 2 * np.pi)  # 8 tile channels per repeat
    course = (y % 32) / 32.0
    shade = 0.78 + 0.22 * column
    shade *= 0.7 + 0.3 * np.clip(course * 3.0, 0.0, 1.0)  # shadow where a course overlaps the next
    grain = _noise(SIZE, 16, seed, 4)
    return _to_u8(_rgb((1.0, 1.0, 1.0), shade * (0.85 + 0.3 * grain)))


def thatch_image(seed: int = 9) -> Array:
    """Straw thatch: fine streaks running down the slope."""
    x, y = _grid()
    streak = value_noise(x * 0.9, y * 0.06, seed, period=None)
    streak = np.roll(streak, 0, axis=0)
    coarse = _noise(SIZE, 8, seed + 1, 3)
    # make the streak pattern tile: blend it with its own shifted copy across the seam
    w = np.clip((x - SIZE * 0.75) / (SIZE * 0.25), 0, 1)
    streak = streak * (1 - w) + np.roll(streak, SIZE // 2, axis=1) * w
    h = np.clip((y - SIZE * 0.75) / (SIZE * 0.25), 0, 1)
    streak = streak * (1 - h) + np.roll(streak, SIZE // 2, axis=0) * h
    shade = 0.65 + 0.45 * streak * (0.8 + 0.4 * coarse)
    return _to_u8(_rgb((1.0, 0.95, 0.82), shade))


def wood_image(seed: int = 4) -> Array:
    """Vertical planks with grain; lacquer and paint come from the vertex colour."""
    rng = np.random.default_rng(seed)
    x, y = _grid()
    plank = (x // 32).astype(int)
    tones = rng.uniform(0.85, 1.05, size=SIZE // 32)
    grain = value_noise(x * 0.5, y * 0.02 + plank * 3.1, seed, period=None)
    fine = _noise(SIZE, 32, seed + 2, 2)
    shade = tones[plank] * (0.8 + 0.25 * grain + 0.1 * fine)
    shade[(x % 32) < 2] *= 0.55
    return _to_u8(_rgb((1.0, 1.0, 1.0), shade))


def plaster_image(seed: int = 8) -> Array:
    """Lime plaster: near white with soft stains."""
    stains = _noise(SIZE, 4, seed, 5)
    fine = _noise(SIZE, 64, seed + 1, 2)
    shade = 0.86 + 0.1 * stains + 0.05 * fine
    return _to_u8(_rgb((1.0, 0.98, 0.94), shade))


def lattice_image(panes: int = 4) -> Array:
    """A lattice window: dark wooden bars over pale paper (paper lets lamplight through)."""
    x, y = _grid()
    cell = SIZE / panes
    fx = x % cell
    fy = y % cell
    bar = (fx < 5) | (fx > cell - 5) | (fy < 5) | (fy > cell - 5)
    # a second, diagonal-free inner cross per pane: the common "step" lattice of Jiangnan boats
    inner = (np.abs(fx - cell / 2) < 2) | (np.abs(fy - cell / 2) < 2)
    frame = (x < 10) | (x > SIZE - 11) | (y < 10) | (y > SIZE - 11)
    paper = np.array([0.93, 0.88, 0.74])
    wood = np.array([0.2, 0.14, 0.1])
    image = np.broadcast_to(paper, (SIZE, SIZE, 3)).copy()
    image *= (0.92 + 0.08 * _noise(SIZE, 8, 21, 3))[..., None]
    image[bar | inner | frame] = wood
    return _to_u8(image)


def willow_image(seed: int = 13) -> Array:
    """Hanging willow strands: RGBA with alpha cut-out between strands."""
    rng = np.random.default_rng(seed)
    x, y = _grid()
    alpha = np.zeros((SIZE, SIZE))
    color = np.zeros((SIZE, SIZE, 3))
    leaves = 0.6 + 0.4 * value_noise(x * 0.4, y * 0.35, seed, period=None)
    for _ in range(150):
        cx = rng.uniform(0, SIZE)
        start = rng.uniform(0, SIZE * 0.3)
        length = rng.uniform(SIZE * 0.5, SIZE * 1.0)
        width = rng.uniform(2.0, 4.0)
        sway = rng.uniform(-6, 6)
        tone = rng.uniform(0.8, 1.1)
        cols = np.arange(int(cx) - 12, int(cx) + 13) % SIZE  # the strand's own band of columns
        bx, by = x[:, cols], y[:, cols]
        t = np.clip((by - start) / length, 0.0, 1.0)
        center = cx + sway * t * t
        d = np.abs(((bx - center + SIZE / 2) % SIZE) - SIZE / 2)
        strand = (d < width * (1.0 - 0.5 * t)) & (by >= start) & (by <= start + length)
        band = alpha[:, cols]
        alpha[:, cols] = np.maximum(band, strand * leaves[:, cols])
        patch = color[:, cols]
        patch[strand] = np.array([0.55, 0.66, 0.3]) * tone
        color[:, cols] = patch
    alpha = (alpha > 0.45).astype(float)
    image = np.concatenate([color, alpha[..., None]], axis=2)
    return _to_u8(image)


def puff_image(seed: int = 17) -> Array:
    """A soft cloud puff for mist sprites: white, alpha from a noisy radial falloff."""
    x, y = _grid(128)
    r = np.hypot(x - 63.5, y - 63.5) / 64.0
    n = fbm(x / 32.0, y / 32.0, seed, 4, 0.55)
    alpha = np.clip(1.0 - r, 0.0, 1.0) ** 1.6 * (0.55 + 0.9 * n)
    image = np.ones((128, 128, 4))
    image[..., 3] = np.clip(alpha, 0.0, 1.0)
    return _to_u8(image)


def glow_image() -> Array:
    """A radial glow (sun disc and lamp halo in the software renderer)."""
    x, y = _grid(64)
    r = np.hypot(x - 31.5, y - 31.5) / 32.0
    core = np.clip((0.35 - r) / 0.05, 0.0, 1.0)
    halo = np.clip(1.0 - r, 0.0, 1.0) ** 3 * 0.6
    image = np.ones((64, 64, 4))
    image[..., 3] = np.clip(core + halo, 0.0, 1.0)
    return _to_u8(image)


def detail_image(seed: int = 29) -> Array:
    """Grey fractal noise that tiles: terrain breakup and water ripples sample it."""
    n = _noise(SIZE, 8, seed, 6)
    n = (n - n.min()) / (n.max() - n.min())
    return _to_u8(np.repeat(n[..., None], 3, axis=2))


def ripple_image(seed: int = 31) -> Array:
    """The slope of tiling noise, for water: x and y slopes in red and green (0.5 is flat).
    One lookup gives a ripple normal, where sampling heights would take three."""
    n = _noise(SIZE, 8, seed, 5)
    n = (n - n.min()) / (n.max() - n.min())
    dx = (np.roll(n, -1, axis=1) - np.roll(n, 1, axis=1)) / 2.0
    dy = (np.roll(n, 1, axis=0) - np.roll(n, -1, axis=0)) / 2.0  # rows run downward
    scale = 0.5 / max(float(np.abs(dx).max()), float(np.abs(dy).max()), 1e-6)
    image = np.stack([0.5 + dx * scale, 0.5 + dy * scale, np.full_like(n, 0.5)], -1)
    return _to_u8(image)


def white_image() -> Array:
    return np.full((4, 4, 3), 255, dtype=np.uint8)


GENERATORS: dict[str, tuple[Callable[[], Array], bool]] = {
    # name: (generator, tiles)
    "stone": (stone_image, True),
    "brick": (brick_image, True),
    "tiles": (tiles_image, True),
    "thatch": (thatch_image, True),
    "wood": (wood_image, True),
    "plaster": (plaster_image, True),
    "lattice": (lattice_image, True),
    "willow": (willow_image, True),
    "puff": (puff_image, False),
    "glow": (glow_image, False),
    "detail": (detail_image, True),
    "ripple": (ripple_image, True),
    "white": (white_image, True),
}

_CACHE: dict[str, Texture] = {}


def texture(name: str) -> Texture:
    """The named texture, drawn on first use and shared afterwards."""
    found = _CACHE.get(name)
    if found is not None:
        return found
    make, tiles = GENERATORS[name]
    tex = to_texture(name, make(), tiles)
    _CACHE[name] = tex
    return tex


def to_texture(name: str, image: Array, tiles: bool = True) -> Texture:
    """A mipmapped Panda3D texture from an RGB or RGBA uint8 array (row 0 at the top)."""
    rows, cols, channels = image.shape
    tex = Texture(name)
    fmt = Texture.F_rgba8 if channels == 4 else Texture.F_rgb8
    tex.setup2dTexture(cols, rows, Texture.T_unsigned_byte, fmt)
    # Panda3D keeps row 0 at the bottom of the image
    tex.setRamImageAs(
        np.ascontiguousarray(image[::-1]).tobytes(), "RGBA" if channels == 4 else "RGB"
    )
    wrap = SamplerState.WM_repeat if tiles else SamplerState.WM_clamp
    tex.setWrapU(wrap)
    tex.setWrapV(wrap)
    tex.setMinfilter(SamplerState.FT_linear_mipmap_linear)
    tex.setMagfilter(SamplerState.FT_linear)
    # no anisotropic filtering: Mesa's llvmpipe takes seconds per frame with it on water
    # seen at a grazing angle (measured: 50 s against 0.01 s for a 320x180 frame)
    tex.setAnisotropicDegree(1)
    return tex
