"""Text laid out to a width for panels and kiosks: where lines break, and a size that fits.

Panda3D's word wrap breaks Chinese anywhere, so a line can start with a closing
bracket or comma ("）和会宁会师") and a long answer simply runs past its box. Here
lines are broken as a typesetter would (Latin and Korean words whole, with the quotes
and brackets joined to them, Chinese between any two characters, never a line starting
with closing punctuation or ending with opening punctuation: the previous character is
carried down instead), and a text that does not fit its box is set smaller, down to a
floor, rather than spilling out of it.

The breaking is pure (glyph widths come from a function), so it is tested without a
renderer; :func:`fit` measures with the panel's own font.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from exhibit.timeline.captions import CLOSING, OPENING

#: a run of letters, digits and the like that stays on one line; a CJK character, a
#: space or a line break is a token of its own
_CJK = "\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f\u201c\u201d\u2018\u2019\u2026\u2014"
#: Korean breaks only between words: a word with Hangul stays whole with the punctuation
#: joined to it ("『전국 진군 명령』을", "확립”했다"), a particle never starts a line
_HANGUL = "\u1100-\u11ff\u3130-\u318f\uac00-\ud7a3"
_TOKENS = re.compile(rf"\n|[ \t]+|[^\s{_HANGUL}]*[{_HANGUL}]\S*|[{_CJK}]|[^\s{_CJK}]+")

Advance = Callable[[str], float]


def break_lines(text: str, width: float, advance: Advance) -> list[str]:
    """``text`` in lines no wider than ``width`` (in the units of ``advance``) where possible.

    A single word wider than the line is split where it must be; a line keeps its
    trailing closing punctuation even if that makes it slightly wider.
    """
    lines: list[list[str]] = [[]]
    used = 0.0
    for token in _TOKENS.findall(text):
        line = lines[-1]
        if token == "\n":
            lines.append([])
            used = 0.0
        elif token.isspace():
            if _content(line):  # spaces at the start of a line are dropped
                line.append(token)
                used += advance(token)
        elif not _content(line):
            line.clear()
            used = _start(lines, token, width, advance)
        elif used + advance(token) <= width or token[0] in CLOSING:
            # closing punctuation never starts a line: it stays at the end of this one
            line.append(token)
            used += advance(token)
        else:
            while line and line[-1].isspace():
                line.pop()
            carried: list[str] = []
            while len(line) > 1 and line[-1][-1] in OPENING:  # never at the end of a line
                carried.insert(0, line.pop())
            lines.append([])
            used = _start(lines, "".join(carried) + token, width, advance)
    return ["".join(line).rstrip() for line in lines]


def _start(lines: list[list[str]], token: str, width: float, advance: Advance) -> float:
    """Put ``token`` on the empty last line (cut where it must be if wider than a line);
    returns the width used on the line it ends on."""
    pieces = _split_word(token, width, advance) if advance(token) > width else [token]
    for piece in pieces[:-1]:
        lines[-1].append(piece)
        lines.append([])
    lines[-1].append(pieces[-1])
    return advance(pieces[-1])


def _content(line: list[str]) -> bool:
    return any(not t.isspace() for t in line)


def _split_word(word: str, width: float, advance: Advance) -> list[str]:
    pieces, current = [], ""
    for ch in word:
        if current and advance(current + ch) > width:
            pieces.append(current)
            current = ""
        current += ch
    return pieces + [current]


@dataclass(frozen=True)
class Fitted:
    """Text set to fit a box: its lines, the scale to draw them at and the font's line
    height (at scale 1)."""

    lines: tuple[str, ...]
    scale: float
    line_height: float

    @property
    def text(self) -> str:
        return "\n".join(self.lines)

    def centred_baseline(self, middle: float) -> float:
        """Where the first line's baseline goes for the lines to sit centred on ``middle``
        (a glyph's middle is about a third of the scale above its baseline)."""
        return middle + (len(self.lines) - 1) * self.line_height * self.scale / 2 - 0.33 * self.scale


def fit_lines(
    text: str,
    width: float,
    height: float,
    scale: float,
    advance: Advance,
    line_height: float,
    *,
    smallest: float = 0.6,
) -> Fitted:
    """The largest scale from ``scale`` down to ``smallest`` x ``scale`` (in steps of 5 %)
    at which ``text`` broken to ``width`` fits ``height``; ``advance`` and ``line_height``
    are at scale 1. The last line counts one em (its glyphs), the others a line height
    each. At the floor the text is set even if it still does not fit."""
    k = 1.0
    while True:
        s = scale * k
        lines = break_lines(text, width / s, advance)
        if ((len(lines) - 1) * line_height + 1.0) * s <= height or k <= smallest + 1e-9:
            return Fitted(tuple(lines), s, line_height)
        k = max(smallest, k - 0.05)


def fit(font: object, text: str, width: float, height: float, scale: float, *, smallest: float = 0.6) -> Fitted:
    """:func:`fit_lines` with the glyph widths and line height of a Panda3D font."""
    from panda3d.core import TextNode

    measure = TextNode("measure")
    measure.setFont(font)
    widths: dict[str, float] = {}

    def advance(token: str) -> float:
        found = widths.get(token)
        if found is None:
            found = widths[token] = measure.calcWidth(token)
        return found

    return fit_lines(text, width, height, scale, advance, measure.getLineHeight(), smallest=smallest)
