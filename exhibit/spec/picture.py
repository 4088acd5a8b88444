"""A staff picture file (PNG or JPEG) as the checks see it: readable, and how large.

``exhibit check`` reads only the header (no pixels are decoded), so checking a hall full
of photographs stays quick. The renderer decodes the same files with the same library
(Pillow) and applies the same limit, so a picture that passes here loads there.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from exhibit.spec.errors import ExhibitError

#: The longest side a picture is shown at, in pixels. Every GL 3 card takes 8192-pixel
#: textures, but a 4096-pixel picture already shows 1 mm per pixel on a 4 m wall, and it
#: takes 64 MB with its mipmaps; larger pictures are downscaled when they are loaded.
MAX_PICTURE_SIDE = 4096
#: How far a picture's aspect may differ from its size's before it looks stretched.
ASPECT_TOLERANCE = 0.02


@dataclass(frozen=True)
class PictureInfo:
    width: int
    height: int

    @property
    def aspect(self) -> float:
        """Width over height."""
        return self.width / self.height

    @property
    def downscaled(self) -> bool:
        return max(self.width, self.height) > MAX_PICTURE_SIDE


def probe(path: Path) -> PictureInfo:
    """The size of the picture at ``path``; :class:`ExhibitError` saying why it cannot be read."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as image:
            width, height = image.size
            image.verify()
    except UnidentifiedImageError:
        raise ExhibitError("it is not a PNG or JPEG picture (save it again as PNG or JPEG)") from None
    except OSError as exc:
        raise ExhibitError(f"it cannot be read ({exc.strerror or exc}); save it again as PNG or JPEG") from None
    except (SyntaxError, ValueError) as exc:  # Pillow's word for a damaged file
        raise ExhibitError(f"it is damaged ({exc}); save it again as PNG or JPEG") from None
    if width < 1 or height < 1:
        raise ExhibitError("it has no pixels")
    return PictureInfo(width, height)


def render_bytes(info: PictureInfo, mipmaps: bool = True) -> int:
    """Memory a picture takes in a render: its texture (RGBA, with mipmaps a third more), at
    most :data:`MAX_PICTURE_SIDE` a side, and a megabyte for its card, frame and plaque
    (measured: a 1600x1200 picture adds 10.8 MB to a render, a 4096x2048 panorama 42 MB)."""
    scale = min(1.0, MAX_PICTURE_SIDE / max(info.width, info.height))
    pixels = round(info.width * scale) * round(info.height * scale)
    return int(pixels * 4 * (4 / 3 if mipmaps else 1.0)) + (1 << 20)


def shown_size(info: PictureInfo, size: tuple[float | str, float | str]) -> tuple[float, float]:
    """The picture's width and height in metres: ``auto`` follows the picture's aspect."""
    width, height = size
    if width == "auto":
        h = float(height)
        return h * info.aspect, h
    if height == "auto":
        w = float(width)
        return w, w / info.aspect
    return float(width), float(height)
