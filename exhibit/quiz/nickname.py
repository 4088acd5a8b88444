"""Nicknames on the leaderboard: the only thing a visitor tells the kiosk about themselves.

No names, phone numbers or other personal data are asked for; a nickname is cut to a
fixed length and stripped of control and formatting characters (bidirectional overrides,
zero-width joiners, new lines) so that it cannot break or spoof the board.
"""

from __future__ import annotations

import re
import unicodedata

#: Longest nickname kept, in characters; fits one row of the board at kiosk size.
NICKNAME_MAX = 12

# Unicode categories removed: Cc control, Cf format (bidi overrides, zero-width),
# Cs surrogates, Co private use, Cn unassigned.
_DROPPED = frozenset({"Cc", "Cf", "Cs", "Co", "Cn"})


def clean_nickname(text: str | None) -> str | None:
    """The nickname as stored, or None when nothing usable is left."""
    if text is None:
        return None
    text = unicodedata.normalize("NFC", text)
    kept = "".join(
        " " if ch.isspace() else ch
        for ch in text
        if ch.isspace() or unicodedata.category(ch) not in _DROPPED
    )
    kept = re.sub(r" +", " ", kept).strip()
    kept = kept[:NICKNAME_MAX].strip()
    return kept or None
