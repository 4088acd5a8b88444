"""The Chinese-capable font the quiz views draw with.

Panda3D's default font has no Chinese, so every quiz text goes through a CJK font.
The project's bundled font (``exhibit.render.fonts.cjk_font``) is used when present;
otherwise a system CJK font (Debian's fonts-wqy-microhei or fonts-noto-cjk) is loaded.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from exhibit.spec.errors import ExhibitError

if TYPE_CHECKING:
    from panda3d.core import TextFont

#: System fonts with Simplified Chinese glyphs, best first: (path, face index).
SYSTEM_CJK_FONTS: tuple[tuple[str, int], ...] = (
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0),
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2),  # face 2: Simplified Chinese
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),
    ("/usr/share/fonts/truetype/arphic/uming.ttc", 0),
)
#: Glyph resolution: sharp at the kiosk's text sizes (about 30 to 80 px at 1080p).
PIXELS_PER_UNIT = 48

_cache: dict[str, TextFont] = {}


def quiz_font(lang: str | None = None) -> TextFont:
    """A font that has Chinese (or ``lang``'s own script: Hangul for "ko"); an error naming
    what to install when there is none."""
    if lang is not None:
        own = _bundled(lang)
        if own is not None:
            return own
    if "font" in _cache:
        return _cache["font"]
    font = _bundled() or _system()
    if font is None:
        raise ExhibitError(
            "no Chinese font found for the quiz: install fonts-wqy-microhei (apt-get install "
            "fonts-wqy-microhei) or fonts-noto-cjk"
        )
    _cache["font"] = font
    return font


def _bundled(lang: str | None = None) -> TextFont | None:
    try:
        from exhibit.render.fonts import cjk_font  # type: ignore[import-not-found,unused-ignore]
    except ImportError:
        return None
    font = cjk_font(lang=lang)
    return font if font is not None else None


def _system() -> TextFont | None:
    from panda3d.core import DynamicTextFont, Filename

    for path, face in SYSTEM_CJK_FONTS:
        if Path(path).exists():
            font = DynamicTextFont(Filename.fromOsSpecific(path), face)
            if font.isValid():
                font.setPixelsPerUnit(PIXELS_PER_UNIT)
                return font
    return None
