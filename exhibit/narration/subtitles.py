"""Caption files: WebVTT (players, browsers) and SRT (video editors), from the timeline.

The layout and timing of captions belong to the timeline (``state(t)`` shows
them); these writers only format what it decided. Times are whole
milliseconds, as the timeline's caption settling already produced them.
"""

from __future__ import annotations

from collections.abc import Iterable

from exhibit.timeline.model import TimedCaption


def _ms(seconds: float) -> int:
    return max(0, round(seconds * 1000))


def _clock(ms: int, sep: str) -> str:
    h, rest = divmod(ms, 3_600_000)
    m, rest = divmod(rest, 60_000)
    s, milli = divmod(rest, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}{sep}{milli:03d}"


def _vtt_escape(text: str) -> str:
    # WebVTT cue text: & and < start entities and tags; "-->" may not appear at all.
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _cue_ids(captions: list[TimedCaption]) -> list[str]:
    ids: list[str] = []
    count: dict[str, int] = {}
    for c in captions:
        base = c.line_id or "caption"
        count[base] = count.get(base, 0) + 1
        ids.append(f"{base}-{count[base]}")
    return ids


def webvtt(captions: Iterable[TimedCaption], lang: str) -> str:
    """A WebVTT file; each cue is named after its narration line (``intro-1``, ``intro-2``)."""
    caps = list(captions)
    out = ["WEBVTT", "", f"NOTE narration captions, language {lang}", ""]
    for cue_id, c in zip(_cue_ids(caps), caps, strict=True):
        out += [
            cue_id,
            f"{_clock(_ms(c.start), '.')} --> {_clock(_ms(c.end), '.')}",
            _vtt_escape(c.text),
            "",
        ]
    return "\n".join(out)


def srt(captions: Iterable[TimedCaption]) -> str:
    """A SubRip file (numbered cues, comma before the milliseconds)."""
    out: list[str] = []
    for i, c in enumerate(captions, start=1):
        out += [str(i), f"{_clock(_ms(c.start), ',')} --> {_clock(_ms(c.end), ',')}", c.text, ""]
    return "\n".join(out)
