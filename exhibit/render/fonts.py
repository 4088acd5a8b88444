"""The CJK font for captions, titles and slogans.

Panda3D's default font has no Chinese: every Han character would show as a box.
The font comes, in order, from a font file bundled in ``exhibit/render/fonts/``, the
``pylopdf-fonts-zh-cn`` package (Noto Sans SC, SIL Open Font License 1.1, a
dependency of this project, so a plain ``pip install`` has it), or a system CJK font
(Debian's fonts-wqy-microhei or fonts-noto-cjk).

Noto Sans SC has no Hangul, so Korean text is drawn with a Korean font: Debian's
fonts-nanum (NanumGothic) or the Korean face of fonts-noto-cjk. Panda3D has no
per-glyph fallback, so the font is chosen per language (``lang="ko"``) or per text
(:func:`font_for_text`: text with Hangul in it); without a Korean font the CJK font
is used and Hangul would show as boxes (``exhibit preflight`` reports that).
"""

from __future__ import annotations

import importlib.util
import re
from functools import cache
from pathlib import Path
from typing import Any

from panda3d.core import DynamicTextFont, Filename

from exhibit.spec.errors import ExhibitError

BUNDLED_DIR = Path(__file__).resolve().parent / "fonts"
PACKAGE = "pylopdf_fonts_zh_cn"
PACKAGE_FILES = {"sans": "NotoSansSC-Regular.otf", "serif": "NotoSerifSC-Regular.otf"}
#: system fonts: (path, face index of Simplified Chinese)
SYSTEM_FONTS = (
    (Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"), 2),
    (Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"), 0),
    (Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"), 0),
)
#: fonts with Hangul, best first: (path, face index of Korean)
KOREAN_FONTS = (
    (Path("/usr/share/fonts/truetype/nanum/NanumGothic.ttf"), 0),
    (Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"), 1),
    (Path("/usr/share/fonts/truetype/nanum/NanumBarunGothic.ttf"), 0),
)
#: languages with a font of their own (Panda3D draws each text node in one font)
LANGUAGE_FONTS = {"ko": KOREAN_FONTS}
_HANGUL = re.compile(r"[\u1100-\u11ff\u3130-\u318f\uac00-\ud7a3]")
FONT_SUFFIXES = (".otf", ".ttf", ".ttc")
PIXELS_PER_UNIT = 64  # glyph resolution: sharp captions at 1080p and slogans close up
PAGE_SIZE = 1024


def _package_dir() -> Path | None:
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def font_choice(style: str = "sans", lang: str | None = None) -> tuple[Path, int]:
    """The font file (and face index) that will be used, by the order above; a language with
    a font of its own (Korean) gets the first of its fonts that is installed."""
    for path, face in LANGUAGE_FONTS.get(lang or "", ()):
        if path.is_file():
            return path, face
    if BUNDLED_DIR.is_dir():
        bundled = sorted(p for p in BUNDLED_DIR.iterdir() if p.suffix.lower() in FONT_SUFFIXES)
        preferred = [p for p in bundled if style in p.name.lower()]
        if preferred or bundled:
            return (preferred or bundled)[0], 0
    package = _package_dir()
    if package is not None:
        path = package / PACKAGE_FILES.get(style, PACKAGE_FILES["sans"])
        if path.is_file():
            return path, 0
    for path, face in SYSTEM_FONTS:
        if path.is_file():
            return path, face
    raise ExhibitError(
        "no Chinese font found: install the project's dependencies "
        "(pip install pylopdf-fonts-zh-cn) "
        "or Debian's fonts-wqy-microhei"
    )


def font_path(style: str = "sans") -> Path:
    """Path of the CJK font file in use."""
    return font_choice(style)[0]


@cache
def _load(path: str, face: int) -> DynamicTextFont:
    font = DynamicTextFont(Filename.fromOsSpecific(path), face)
    if not font.isValid():
        raise ExhibitError(f"the font {path} cannot be read")
    font.setPixelsPerUnit(PIXELS_PER_UNIT)
    font.setPageSize(PAGE_SIZE, PAGE_SIZE)
    return font


@cache
def _bold(path: str, face: int) -> DynamicTextFont:
    font = DynamicTextFont(Filename.fromOsSpecific(path), face)
    if not font.isValid():
        raise ExhibitError(f"the font {path} cannot be read")
    font.setPixelsPerUnit(PIXELS_PER_UNIT)
    font.setPageSize(PAGE_SIZE, PAGE_SIZE)
    # an outline in the glyph's own colour thickens the strokes: slogans read from afar
    font.setOutline((1.0, 1.0, 1.0, 1.0), 0.06, 0.4)
    return font


def text_language(text: str) -> str | None:
    """The language whose font ``text`` needs: "ko" for text with Hangul, else None."""
    return "ko" if _HANGUL.search(text) else None


def font_for_text(text: str, style: str = "sans") -> DynamicTextFont:
    """The font that has the glyphs of ``text``: the Korean font for Hangul, else the CJK font."""
    return cjk_font(style=style, lang=text_language(text))


def display_font(style: str = "sans", lang: str | None = None) -> DynamicTextFont:
    """A heavier cut of the CJK font for large text in the world (slogans)."""
    path, face = font_choice(style, lang)
    return _bold(str(path), face)


def cjk_font(loader: Any = None, style: str = "sans", lang: str | None = None) -> DynamicTextFont:
    """The shared CJK font (loaded once), or ``lang``'s own font. ``loader`` is accepted for
    symmetry with ShowBase's ``loader.loadFont`` but not needed: the font is read straight from
    its file."""
    del loader
    path, face = font_choice(style, lang)
    return _load(str(path), face)


def language_font(font: Any, lang: str | None) -> Any:
    """``font``, or ``lang``'s own font where it has one (Korean: the CJK font has no Hangul)."""
    return cjk_font(lang=lang) if lang in LANGUAGE_FONTS else font
