"""Staff pictures in the world: a photograph, a scanned document, a slogan board.

The picture stands upright on a plane facing -y of the object, centred on its position,
``size`` metres (one side may follow the picture's aspect). The file's pixels are its
sRGB colours and are drawn as they are (``image.frag.glsl``): an embedded colour profile
is converted to sRGB and an EXIF rotation applied when the file is read, and nothing
later converts or tone-maps them. Pictures larger than the limit in
:mod:`exhibit.spec.picture` are downscaled (``exhibit check`` notes it); all are
mipmapped, so a document seen from across the hall does not shimmer.

A ``frame`` (wood or metal moulding with depth and a backing board) and a ``plaque`` (a
caption board under the picture, in the CJK font, in the visitor's language) are parts of
the same object: they move, fade and tint with it.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import numpy as np
from panda3d.core import CardMaker, NodePath, TextNode

from exhibit.render.fonts import cjk_font
from exhibit.render.world import textures
from exhibit.render.world.parts import Material, Parts
from exhibit.render.world.piece import BuildContext, Piece, surface
from exhibit.spec.errors import ExhibitError
from exhibit.spec.picture import MAX_PICTURE_SIDE, PictureInfo, shown_size
from exhibit.spec.scene import ImageObject, PictureFrame, Plaque

FRAME_COLORS = {"wood": (0.42, 0.26, 0.15, 1.0), "metal": (0.62, 0.63, 0.64, 1.0)}
FRAME_MATERIALS = {"wood": Material(texture="wood"), "metal": Material(gloss=0.6)}
PLAQUE_GAP = 0.04  # metres between the picture (or its frame) and the plaque
PLAQUE_PAD = 0.4  # the board's margin round the text, in character heights
PLAQUE_EMISSIVE = 0.8  # the plaque's letters read in a dim hall, as slogans do
Array = np.ndarray


def read_picture(path: Path, max_side: int = MAX_PICTURE_SIDE) -> Array:
    """The picture's sRGB pixels as an RGB or RGBA uint8 array, row 0 at the top."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    try:
        with Image.open(path) as opened:
            image = ImageOps.exif_transpose(opened)
            image.load()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise ExhibitError(f"cannot read the picture {path}: {exc}; save it again as PNG or JPEG") from None
    image = _to_srgb(image)
    if max(image.size) > max_side:
        ratio = max_side / max(image.size)
        shape = (max(1, round(image.size[0] * ratio)), max(1, round(image.size[1] * ratio)))
        image = image.resize(shape, Image.Resampling.LANCZOS)
    return np.asarray(image, dtype=np.uint8)


def _to_srgb(image: object) -> object:
    """RGB or RGBA 8-bit sRGB from any mode Pillow reads (16-bit grey, palette, CMYK, ICC)."""
    from PIL import Image, ImageCms

    picture: Image.Image = image  # type: ignore[assignment]
    if picture.mode in ("I;16", "I;16B", "I;16L", "I"):
        wide = np.asarray(picture, dtype=np.float64)
        top = 65535.0 if wide.max(initial=0) > 255 else 255.0
        picture = Image.fromarray(np.clip(wide / top * 255.0 + 0.5, 0, 255).astype(np.uint8), "L")
    profile = picture.info.get("icc_profile")
    alpha = picture.mode in ("RGBA", "LA", "PA") or (picture.mode == "P" and "transparency" in picture.info)
    picture = picture.convert("RGBA" if alpha else ("CMYK" if picture.mode == "CMYK" else "RGB"))
    if profile:
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(profile))
            target = ImageCms.createProfile("sRGB")
            mode = "RGBA" if alpha else "RGB"
            converted = ImageCms.profileToProfile(picture, source, target, outputMode=mode)
            if converted is not None:
                picture = converted
        except (ImageCms.PyCMSError, OSError, ValueError):
            pass  # a broken profile: the numbers are taken as sRGB, as browsers do
    return picture.convert("RGBA" if alpha else "RGB")


def build(obj_id: str, obj: ImageObject, ctx: BuildContext) -> Piece:
    path = (ctx.project_root / obj.file).resolve()
    if not path.is_file():
        raise ExhibitError(f"the picture file {path} does not exist (object '{obj_id}')")
    pixels = read_picture(path)
    info = PictureInfo(pixels.shape[1], pixels.shape[0])
    width, height = shown_size(info, obj.size)
    root = NodePath(obj_id)
    holder = root.attachNewNode("picture_holder")
    if obj.billboard:
        holder.setBillboardAxis()  # turns about its upright axis: a board stays upright
    cards = CardMaker(f"{obj_id}_picture")
    cards.setFrame(-width / 2, width / 2, -height / 2, height / 2)
    picture = holder.attachNewNode(cards.generate())
    texture = textures.to_texture(f"{obj_id}_picture", pixels, tiles=False)
    texture.setKeepRamImage(False)  # the one graphics state holds it once uploaded (render/app.py)
    picture.setTexture(texture, 1)
    surface(picture, emissive=0.0 if obj.lit else 1.0)
    ctx.shade(picture, "image", 2)
    if not obj.lit and not ctx.glsl:
        picture.setLightOff(1)
    border = 0.0
    if obj.frame is not None:
        _frame(holder, obj_id, obj.frame, width, height, ctx.glsl)
        border = obj.frame.width
    else:
        picture.setTwoSided(True)
    set_lang = None
    if obj.plaque is not None:
        set_lang = _plaque(holder, obj_id, obj.plaque, width, -(height / 2 + border + PLAQUE_GAP), ctx)
        set_lang(ctx.lang)
    return Piece(root, set_lang=set_lang)


def _frame(holder: NodePath, obj_id: str, frame: PictureFrame, width: float, height: float, glsl: bool) -> None:
    """Moulding round the picture standing ``depth`` proud of it, and a board behind it."""
    parts = Parts()
    mesh = parts[FRAME_MATERIALS[frame.style]]
    color = FRAME_COLORS[frame.style]
    f, d = frame.width, frame.depth
    outer_w, outer_h = width + 2 * f, height + 2 * f
    for z in (-(height + f) / 2, (height + f) / 2):  # bottom and top rails, full width
        mesh.box((0.0, -d / 2 + 0.005, z), (outer_w, d, f), color, uv_size=(0.5, 0.5))
    for x in (-(width + f) / 2, (width + f) / 2):  # the stiles between them
        mesh.box((x, -d / 2 + 0.005, 0.0), (f, d, height), color, uv_size=(0.5, 0.5))
    mesh.box((0.0, 0.015, 0.0), (outer_w, 0.02, outer_h), color, uv_size=(0.5, 0.5))  # backing board
    parts.attach(holder, f"{obj_id}_frame", glsl)


def _plaque(
    holder: NodePath, obj_id: str, plaque: Plaque, width: float, top: float, ctx: BuildContext
) -> Callable[[str], None]:
    """A board under the picture with the plaque's text; returns its language setter."""
    node = TextNode(f"{obj_id}_plaque")
    node.setFont(cjk_font())
    node.setAlign(TextNode.ACenter)
    node.setTextColor(1.0, 1.0, 1.0, 1.0)
    node.setWordwrap(max(width / plaque.size, 6.0))
    board_maker = CardMaker(f"{obj_id}_plaque_board")
    board_maker.setFrame(-0.5, 0.5, -1.0, 0.0)  # scaled to the text: top edge at the origin
    board = holder.attachNewNode(board_maker.generate())
    board.setColor(*plaque.board.rgba)
    board.setTwoSided(True)
    text = holder.attachNewNode(node)
    text.setScale(plaque.size)
    text.setColorScale(*plaque.color.rgba)
    surface(text, emissive=PLAQUE_EMISSIVE)
    ctx.shade(text, "text", 2)
    pad = PLAQUE_PAD * plaque.size

    def set_lang(lang: str) -> None:
        node.setFont(cjk_font(lang=lang))  # Korean has a font of its own: no boxes for Hangul
        node.setText(plaque.text.get(lang) or "")
        left, right = node.getLeft() * plaque.size, node.getRight() * plaque.size
        bottom, high = node.getBottom() * plaque.size, node.getTop() * plaque.size
        board_w, board_h = right - left + 2 * pad, high - bottom + 2 * pad
        board.setPosHprScale(0.0, -0.01, top, 0.0, 0.0, 0.0, board_w, 1.0, board_h)
        text.setPos(0.0, -0.02, top - pad - high)
        if not ctx.glsl:
            text.setLightOff(1)

    return set_lang
