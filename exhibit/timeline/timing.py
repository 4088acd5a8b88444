"""Per-line narration timing: what the timeline compiles against.

Narration measures each line (a recording, or the placeholder voice) and hands
these numbers over; before any audio exists, :func:`estimate_timing` gives a
documented reading-speed estimate so that checks and previews still work.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

#: Reading speeds for the estimate: a calm museum narrator. Mandarin about 4.5
#: characters per second; English about 2.6 words per second (~155 words/min).
ZH_CHARS_PER_SECOND = 4.5
EN_WORDS_PER_SECOND = 2.6
ESTIMATE_LEAD = 0.05  # silence before the voice in an estimated file (s)
ESTIMATE_TAIL = 0.15

_MARK = re.compile(r"\{mark:([^{}]*)\}")
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_PUNCT_PAUSE = re.compile(r"[，,、；;：:。.!！?？]")


@dataclass(frozen=True)
class LineTiming:
    """Timing of one line's audio, in seconds from the start of its file.

    ``speech_start``/``speech_end`` exclude leading and trailing silence;
    ``marks`` are bookmark times, also from the start of the file.
    """

    duration: float
    speech_start: float
    speech_end: float
    marks: Mapping[str, float] = field(default_factory=dict)
    source: str = "estimate"  # recording | placeholder | estimate | silent

    @property
    def speech(self) -> float:
        return max(0.0, self.speech_end - self.speech_start)


def is_cjk(text: str) -> bool:
    return bool(_CJK.search(text))


def units(text: str) -> list[str]:
    """What reading speed counts: CJK characters, or words for other scripts."""
    if is_cjk(text):
        return _CJK.findall(text) + re.findall(r"[A-Za-z0-9]+", text)
    return re.findall(r"[\w'’-]+", text)


def mark_shares(text: str) -> dict[str, float]:
    """Each bookmark's position as a share (0..1) of the line's spoken units."""
    shares: dict[str, float] = {}
    total = len(units(_MARK.sub("", text))) or 1
    pos = 0
    for part in re.split(r"(\{mark:[^{}]*\})", text):
        m = _MARK.fullmatch(part)
        if m:
            shares[m.group(1).strip()] = min(1.0, pos / total)
        else:
            pos += len(units(part))
    return shares


def marks_from_shares(text: str, speech_start: float, speech_end: float) -> dict[str, float]:
    span = max(0.0, speech_end - speech_start)
    return {name: speech_start + share * span for name, share in mark_shares(text).items()}


def estimate_seconds(text: str, lang: str) -> float:
    """Spoken length of ``text`` at the documented reading speed (marks ignored)."""
    plain = _MARK.sub("", text)
    n = len(units(plain))
    if lang.startswith("zh") or is_cjk(plain):
        seconds = n / ZH_CHARS_PER_SECOND
    else:
        seconds = n / EN_WORDS_PER_SECOND
    seconds += 0.25 * len(_PUNCT_PAUSE.findall(plain.rstrip("。.!！?？ ")))
    return max(0.5, seconds)


def estimate_timing(text: str, lang: str) -> LineTiming:
    speech = estimate_seconds(text, lang)
    start, end = ESTIMATE_LEAD, ESTIMATE_LEAD + speech
    return LineTiming(end + ESTIMATE_TAIL, start, end, marks_from_shares(text, start, end), "estimate")
