"""Staff pictures (``kind: image``) as a visitor sees them in rendered frames.

Every picture is made here with numpy and Pillow: a field of random colour blocks
whose mean the render must keep (sRGB shown as sRGB), quadrants that must stay where
they are (not mirrored or upside down), a picture wider than the limit.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from tests.render.conftest_world import WorldView, scene_from, timeline_of

pytest.importorskip("panda3d")

from exhibit.render.world import build_world  # noqa: E402
from exhibit.spec.picture import MAX_PICTURE_SIDE  # noqa: E402

BLACK_WORLD = """
    duration: 10
    environment:
      sky: {{zenith: "#000000", horizon: "#000000"}}
      sun: {{azimuth: 0, elevation: -30, intensity: 0}}
      ambient: {{color: "#ffffff", intensity: {ambient}}}
    objects:
      photo: {{kind: image, file: pictures/{file}, pos: [0, 6, 0], {fields}}}
    camera:
      keys:
        - {{at: 0, pos: [0, 0, 0], look_at: [0, 6, 0]}}
"""


@pytest.fixture(scope="module")
def view() -> WorldView:
    v = WorldView((320, 240))
    yield v
    v.close()


def blocks(path: Path, mean: tuple[int, int, int], size: tuple[int, int] = (512, 384), seed: int = 3) -> np.ndarray:
    """Random 8-pixel colour blocks round ``mean`` (never near black), saved as a PNG."""
    rng = np.random.default_rng(seed)
    w, h = size
    cells = rng.normal(mean, 25.0, size=(-(-h // 8), -(-w // 8), 3)).clip(50, 250).astype(np.uint8)
    pixels = np.repeat(np.repeat(cells, 8, axis=0), 8, axis=1)[:h, :w]
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(pixels).save(path)
    return pixels


def render(
    view: WorldView, root: Path, file: str, fields: str, ambient: float = 1.0, lang: str = "zh"
) -> tuple[np.ndarray, object]:
    scene = scene_from(BLACK_WORLD.format(file=file, fields=fields, ambient=ambient))
    world = build_world(scene, view.root, project_root=root, capabilities=view.capabilities)
    try:
        state = timeline_of(scene, lang).state(1.0)
        world.apply(state)
        view.place(state.camera.pos, state.camera.hpr, state.camera.fov)
        image = view.frame()
        bounds = world.bounds("photo")
    finally:
        world.destroy()
    return image, bounds


def inside(image: np.ndarray, margin: int = 3) -> np.ndarray:
    """The picture's pixels: what is not the black world, less a margin at its edges."""
    from scipy.ndimage import binary_erosion

    mask = image.max(axis=-1) > 30
    return binary_erosion(mask, iterations=margin) if margin else mask


def test_a_backlit_picture_shows_the_files_colours_within_3_percent(view: WorldView, tmp_path: Path) -> None:
    # bright, saturated colours: a tone curve or a linear/sRGB mix-up would show here
    pixels = blocks(tmp_path / "pictures" / "photo.png", (232, 200, 96))
    image, _ = render(view, tmp_path, "photo.png", "size: [4, auto], lit: false", ambient=0.05)
    mask = inside(image)
    assert mask.mean() > 0.2, "the picture fills much of the view"
    shown = image[mask].astype(float).mean(axis=0)
    wanted = pixels.reshape(-1, 3).astype(float).mean(axis=0)
    assert np.all(np.abs(shown / wanted - 1.0) <= 0.03), f"shown {shown.round(1)}, file {wanted.round(1)}"


def test_a_lit_picture_follows_the_light_a_backlit_one_does_not(view: WorldView, tmp_path: Path) -> None:
    blocks(tmp_path / "pictures" / "photo.png", (196, 120, 84))
    dim, _ = render(view, tmp_path, "photo.png", "size: [4, auto]", ambient=0.2)
    lit, _ = render(view, tmp_path, "photo.png", "size: [4, auto]", ambient=1.0)
    backlit, _ = render(view, tmp_path, "photo.png", "size: [4, auto], lit: false", ambient=0.2)
    brightness = [float(img.astype(float).mean()) for img in (dim, lit, backlit)]
    assert brightness[0] < 0.5 * brightness[1], f"the room light dims a lit picture: {brightness}"
    assert brightness[2] > 0.9 * brightness[1], f"a backlit board keeps its colours in the dark: {brightness}"


def test_the_picture_is_upright_and_not_mirrored(view: WorldView, tmp_path: Path) -> None:
    quads = np.zeros((200, 200, 3), np.uint8)
    quads[:100, :100] = (220, 40, 40)  # top left red
    quads[:100, 100:] = (40, 220, 40)  # top right green
    quads[100:, :100] = (40, 40, 220)  # bottom left blue
    quads[100:, 100:] = (220, 220, 220)  # bottom right white
    (tmp_path / "pictures").mkdir()
    Image.fromarray(quads).save(tmp_path / "pictures" / "quads.png")
    image, _ = render(view, tmp_path, "quads.png", "size: [3, auto], lit: false")
    rows, cols = np.nonzero(inside(image))
    top, bottom, left, right = rows.min(), rows.max(), cols.min(), cols.max()
    h, w = bottom - top, right - left
    at = lambda fy, fx: image[int(top + fy * h), int(left + fx * w)].astype(int)  # noqa: E731
    assert np.argmax(at(0.25, 0.25)) == 0 and np.argmax(at(0.25, 0.75)) == 1
    assert np.argmax(at(0.75, 0.25)) == 2 and at(0.75, 0.75).min() > 180
    assert abs(w / h - 1.0) < 0.05, "a square picture with size [3, auto] is square"


def test_auto_size_follows_the_aspect_and_a_frame_adds_its_moulding(view: WorldView, tmp_path: Path) -> None:
    blocks(tmp_path / "pictures" / "photo.png", (150, 150, 150), size=(400, 300))
    _, (low, high) = render(view, tmp_path, "photo.png", "size: [2, auto]")
    assert (high[0] - low[0], high[2] - low[2]) == pytest.approx((2.0, 1.5), abs=0.01)
    _, (low, high) = render(view, tmp_path, "photo.png", "size: [auto, 3]")
    assert (high[0] - low[0], high[2] - low[2]) == pytest.approx((4.0, 3.0), abs=0.01)
    framed, (low, high) = render(
        view, tmp_path, "photo.png", "size: [2, auto], frame: {style: wood, width: 0.1, depth: 0.05}"
    )
    assert (high[0] - low[0], high[2] - low[2]) == pytest.approx((2.2, 1.7), abs=0.01)
    assert high[1] - low[1] > 0.05, "the frame stands proud of the picture"
    rows, cols = np.nonzero(inside(framed, margin=0))
    ring = framed[rows.min() + 1, (cols.min() + cols.max()) // 2].astype(int)
    assert ring[0] > ring[2] + 15, f"the top rail is brown wood, got {ring}"


def test_a_plaque_is_set_in_the_visitors_language(view: WorldView, tmp_path: Path) -> None:
    blocks(tmp_path / "pictures" / "photo.png", (150, 150, 150), size=(400, 300))
    fields = (
        "size: [2, auto], pos: [0, 6, 0.6], "
        "plaque: {text: {zh: 中共一大会址, en: Site of the First Congress}, size: 0.15}"
    )
    zh, _ = render(view, tmp_path, "photo.png", fields, lang="zh")
    en, (low, _) = render(view, tmp_path, "photo.png", fields, lang="en")
    rows, _ = np.nonzero(inside(zh, margin=0))
    below = slice(int(np.percentile(rows, 80)), None)  # the plaque hangs under the picture
    for image in (zh, en):
        letters = (image[below].astype(int).min(axis=-1) > 150).sum()
        assert letters > 30, "light letters on the dark board"
    assert not np.array_equal(zh[below], en[below])
    assert low[2] < 0.6 - 0.75 - 0.15, "the plaque is under the picture"


def test_the_plaque_draws_chinese_glyphs_not_boxes(view: WorldView, tmp_path: Path) -> None:
    # 一 ("one") is a single flat stroke in the CJK font; a missing glyph is a box or nothing
    blocks(tmp_path / "pictures" / "photo.png", (150, 150, 150), size=(400, 300))
    fields = "size: [1, auto], pos: [0, 3, 0.6], plaque: {text: 一, size: 0.3, board: '#000000'}"
    image, _ = render(view, tmp_path, "photo.png", fields)
    rows, _ = np.nonzero(inside(image, margin=0))
    letter = image.astype(int).min(axis=-1) > 150
    letter[: int(np.percentile(rows, 70))] = False  # under the picture only
    ys, xs = np.nonzero(letter)
    assert len(ys) > 20, "the stroke is drawn"
    assert (xs.max() - xs.min() + 1) > 4 * (ys.max() - ys.min() + 1), "a flat stroke, not a box"


def test_a_billboard_turns_to_the_viewer(view: WorldView, tmp_path: Path) -> None:
    blocks(tmp_path / "pictures" / "photo.png", (200, 200, 200))
    edge_on, _ = render(view, tmp_path, "photo.png", "size: [3, auto], hpr: [90, 0, 0], lit: false")
    facing, _ = render(view, tmp_path, "photo.png", "size: [3, auto], hpr: [90, 0, 0], lit: false, billboard: true")
    assert inside(edge_on, margin=0).mean() < 0.01, "a picture seen edge-on is a line"
    assert inside(facing).mean() > 0.1, "a billboard faces the camera whatever its heading"


def test_a_picture_over_the_limit_is_downscaled_and_still_shown(view: WorldView, tmp_path: Path) -> None:
    wide = np.full((40, MAX_PICTURE_SIDE + 1000, 3), 180, np.uint8)
    (tmp_path / "pictures").mkdir()
    Image.fromarray(wide).save(tmp_path / "pictures" / "scroll.png")
    scene = scene_from(BLACK_WORLD.format(file="scroll.png", fields="size: [8, auto], lit: false", ambient=1))
    world = build_world(scene, view.root, project_root=tmp_path, capabilities=view.capabilities)
    try:
        texture = world.nodes["photo"].findAllTextures()[0]
        world.apply(timeline_of(scene).state(1.0))
        image = view.frame()
    finally:
        world.destroy()
    assert (texture.getXSize(), texture.getYSize()) == (
        MAX_PICTURE_SIDE,
        round(40 * MAX_PICTURE_SIDE / (MAX_PICTURE_SIDE + 1000)),
    )
    assert texture.usesMipmaps()
    assert inside(image, margin=0).any()
