"""Glyph coverage: every character of every visitor-facing string is in the caption font.

Panda3D draws a character the font lacks as an empty box, and nothing else warns
about it: a new language (Korean needs Hangul, which a Simplified Chinese font may
not have) or a rare character in a name is found here, per file and language.
"""

from __future__ import annotations

from pathlib import Path

from exhibit.preflight.report import Finding, Status
from exhibit.spec.checks import strip_marks
from exhibit.spec.project import Project
from exhibit.translate import catalog

_SHOWN = 8  # characters named in a finding


def font_characters(path: Path, face: int = 0) -> frozenset[int]:
    """The code points the font (face ``face`` of a collection) has glyphs for."""
    from fontTools.ttLib import TTFont

    with TTFont(str(path), fontNumber=face, lazy=True) as font:
        return frozenset(font.getBestCmap())


def coverage_findings(
    project: Project, langs: list[str], font: Path, face: int = 0, paths: list[Path] | None = None
) -> list[Finding]:
    """Per file and language, the characters of ``langs``' strings (of ``paths``, default all) the font lacks."""
    have = font_characters(font, face)
    cat = catalog(project, langs[0] if langs else "zh", langs[0] if langs else "zh", paths)
    missing: dict[tuple[str, str], tuple[set[str], int, str]] = {}  # (file, lang) -> chars, strings, first place
    for entry in cat.entries:
        for lang, text in entry.values:
            if lang != "*" and lang not in langs:
                continue
            lacking = {ch for ch in strip_marks(text) if not ch.isspace() and ord(ch) not in have}
            if not lacking:
                continue
            key = (entry.display, "every language" if lang == "*" else lang)
            chars, count, first = missing.get(key, (set(), 0, str(entry.location)))
            missing[key] = (chars | lacking, count + 1, first)
    found = [
        Finding(
            "content",
            f"{Path(display).stem} ({lang})",
            Status.FAIL,
            f"{count} string(s) use characters the font {font.name} has no glyph for, shown as boxes: "
            f"{' '.join(sorted(chars)[:_SHOWN])}{' ...' if len(chars) > _SHOWN else ''} (first at {first}); "
            "use a font that has them",
        )
        for (display, lang), (chars, count, first) in sorted(missing.items())
    ]
    return found or [
        Finding("content", "glyphs", Status.PASS, f"the font {font.name} has every character in {', '.join(langs)}")
    ]
