"""How people write answers: letters (``AC``, ``A,C``, ``A、C``) and true/false (对, ×, T ...).

Spreadsheets exported from Chinese question banks, Aiken files and a visitor typing at
a terminal all spell answers in their own way; this module reads every common spelling
and nothing else, so that a typo is reported instead of guessed.
"""

from __future__ import annotations

import re
import unicodedata

from exhibit.spec.quiz import LETTERS

#: Every spelling of "true" and "false" seen in exported banks (lower-cased after NFKC).
TRUE_WORDS = frozenset(
    {"对", "正确", "是", "√", "✓", "✔", "t", "true", "y", "yes", "1", "对的", "正确的"}
)
FALSE_WORDS = frozenset(
    {"错", "错误", "否", "×", "✗", "✘", "x", "f", "false", "n", "no", "0", "错的", "不对", "不正确"}
)

# Separators between letters: ASCII and full-width commas, the ideographic comma 、,
# semicolons, slashes and spaces. NFKC has already turned full-width forms into ASCII.
_SEPARATORS = re.compile(r"[\s,;/、|+]+")


def normalize(text: str) -> str:
    """NFKC (full-width letters and punctuation to ASCII), trimmed."""
    return unicodedata.normalize("NFKC", text).strip()


def parse_truth(text: str) -> bool | None:
    """``True``/``False`` for a true/false spelling, else None."""
    word = normalize(text).lower().rstrip("。.")
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    return None


def parse_letters(text: str, count: int = len(LETTERS)) -> tuple[str, ...] | None:
    """Answer letters in order of the options (``"c, a"`` -> ``("A", "C")``), else None.

    Letters must be among the first ``count`` options and may not repeat; anything
    else (a digit, a word, an empty answer) gives None.
    """
    raw = normalize(text).upper()
    if not raw:
        return None
    parts = [p for p in _SEPARATORS.split(raw) if p]
    letters: list[str] = []
    for part in parts:
        if not part.isascii() or not part.isalpha():
            return None
        letters.extend(part)
    allowed = LETTERS[:count]
    if not letters or any(ch not in allowed for ch in letters) or len(set(letters)) != len(letters):
        return None
    return tuple(sorted(letters))
