"""Caption files: WebVTT (players, browsers) and SRT (video editors), from the timeline.

They carry what the screen shows as text: the narration's captions, the scene's
``caption`` cues (place and date titles) and its ``title`` cards, for deaf visitors
and for video export, and at the top of the picture the sound captions
(:mod:`exhibit.narration.soundcaptions`: "[风声]", "[music]"). The layout and timing of narration captions belong to the
timeline (``state(t)`` shows them); these writers only format what it decided. A
caption cue keeps its text as written (its own line breaks, no re-layout) and its span
in the timeline. A title card is written as ``Timeline.title_state`` puts it on the
screen: its text with the subtitle line under it, in the language of the build with
the screen's fallback, from the first moment of its fade-in to the last of its
fade-out; where a later card covers an earlier one, the earlier one is written only
for the time it is seen. Times are whole milliseconds, as the timeline's caption
settling already produced them.

Positions: WebVTT says where a cue goes with its ``line`` setting (``line:0`` is the
top line of the picture, ``line:50%,center`` its middle; none is the bottom, where
the narration is). SRT has no positions; the ASS override tags ``{\\an8}`` (top) and
``{\\an5}`` (middle) at the start of the text are what players and ffmpeg's SRT
reader understand, and other readers keep them as text. A title card stands in the
middle of the picture, so it is placed as a ``center`` caption. Caption cues and
titles may overlap the narration (both are on screen at once): WebVTT allows that,
and in SRT they stay separate entries in order of their start.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from exhibit.narration.soundcaptions import sound_captions
from exhibit.spec.scene import CaptionCue, TitleCue
from exhibit.timeline.captions import MAX_LINES, layout, line_limit, wrap
from exhibit.timeline.model import Timeline

#: Where a place-and-date title breaks first ("1921年7月23日 · 上海望志路106号").
TITLE_SEPARATOR = " · "

#: Bump when the files change for the same timeline, so that built scenes are written again.
FORMAT = 5  # 4: caption cues on the caption rules' lines; 5: sound captions

_VTT_LINE = {"top": "line:0", "center": "line:50%,center"}  # WebVTT cue settings, per position
_SRT_TAG = {"top": "{\\an8}", "center": "{\\an5}"}  # ASS numpad alignment: 8 top centre, 5 middle


@dataclass(frozen=True)
class Subtitle:
    """One cue of a caption file."""

    name: str  # the WebVTT cue identifier: ``intro-2`` (second caption of line intro), ``caption-1``, ``title-1``
    start: float
    end: float
    text: str  # lines joined by "\n", none of them empty
    position: str = "bottom"  # bottom | top | center


def subtitles(timeline: Timeline) -> list[Subtitle]:
    """The narration's captions, the caption cues and the title cards, in order of their start."""
    items: list[tuple[float, float, str, str, str]] = [  # start, end, text, position, base name
        (c.start, c.end, c.text, "bottom", c.line_id or "line") for c in timeline.captions
    ]
    for tc in timeline.cues:
        if isinstance(tc.cue, CaptionCue):
            text = _closed_up(tc.cue.text.get(timeline.lang) or "")
            end = min(tc.end, timeline.duration)
            if text and _ms(end) > _ms(tc.start):  # an untranslated or empty cue shows nothing
                items.append((tc.start, end, text, tc.cue.position, "caption"))
    items += [(start, end, text, "center", "title") for start, end, text in _title_spans(timeline)]
    items += [(c.start, c.end, c.text, "top", "sound") for c in sound_captions(timeline)]
    items = [part for item in items for part in _within_line_rules(*item)]
    items.sort(key=lambda item: _ms(item[0]))  # stable: narration first at the same moment
    taken: set[str] = set()
    count: dict[str, int] = {}
    out: list[Subtitle] = []
    for start, end, text, position, base in items:
        while True:  # unique even where a line is named "caption"
            count[base] = count.get(base, 0) + 1
            name = f"{base}-{count[base]}"
            if name not in taken:
                break
        taken.add(name)
        out.append(Subtitle(name, start, end, text, position))
    return out


def _within_line_rules(start: float, end: float, text: str, position: str,
                       base: str) -> list[tuple[float, float, str, str, str]]:
    """A caption cue's text (a place and date) or a sound caption on lines the caption rules allow (zh 16
    characters, en 42), broken at the title separator first; more than two lines are shown two
    at a time, sharing the cue's time. Narration captions are laid out by the timeline already."""
    if base not in ("caption", "sound"):
        return [(start, end, text, position, base)]
    lines = [part for line in text.split("\n") for part in title_lines(line)]
    groups = [lines[i:i + MAX_LINES] for i in range(0, len(lines), MAX_LINES)]
    step = (end - start) / len(groups)
    return [(start + k * step, start + (k + 1) * step if k + 1 < len(groups) else end, "\n".join(group),
             position, base) for k, group in enumerate(groups)]


def _one_line(text: str) -> bool:
    found = layout(text)  # as the caption layout measures it, and every character written counted too
    return found is not None and len(found) == 1 and len(text) <= line_limit(text)


def title_lines(line: str) -> list[str]:
    """One line of a title as caption lines: whole when it fits, else at its " · " separators
    (as many parts on a line as fit), else where the caption layout breaks it into two."""
    if _one_line(line):
        return [line]
    packed: list[str] = []
    for part in (p.strip() for p in line.split(TITLE_SEPARATOR.strip())):
        if packed and _one_line(joined := packed[-1] + TITLE_SEPARATOR + part):
            packed[-1] = joined
        else:
            packed.append(part)
    lines = wrap(line) if len(packed) == 1 else [out for part in packed
                                                 for out in ([part] if _one_line(part) else wrap(part))]
    if len(lines) > MAX_LINES and (two := layout(line)) is not None:
        return two  # two lines broken elsewhere beat three at the separator
    return lines


def _closed_up(text: str) -> str:
    """The text's lines without blank ones: a blank line would end the cue in both formats."""
    return "\n".join(s.strip() for s in text.splitlines() if s.strip())


def _title_spans(timeline: Timeline) -> list[tuple[float, float, str]]:
    """Each stretch of time a title card is on screen, with its text and subtitle line.

    Asked of the timeline itself between consecutive title starts and ends, so the
    files follow the screen where cards overlap (the one started last is shown) and
    take the same fallback language. A card with no text is not drawn, so it is not
    written either.
    """
    titles = [tc for tc in timeline.cues if isinstance(tc.cue, TitleCue)]
    edges = sorted({min(t, timeline.duration) for tc in titles for t in (tc.start, tc.end)})
    spans: list[tuple[float, float, str, tuple[float, float]]] = []  # start, end, text, the card's own span
    for a, b in zip(edges, edges[1:], strict=False):
        state = timeline.title_state((a + b) / 2)
        if state is None or not state.text:
            continue
        text = _closed_up("\n".join((state.text, state.subtitle or "")))
        card = (state.start, state.end)
        if spans and spans[-1][1] == a and spans[-1][2:] == (text, card):
            spans[-1] = (spans[-1][0], b, text, card)  # the same card on both sides of another's edge
        else:
            spans.append((a, b, text, card))
    return [(start, end, text) for start, end, text, _ in spans if text and _ms(end) > _ms(start)]


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


def webvtt(cues: Iterable[Subtitle], lang: str) -> str:
    """A WebVTT file; narration cues are named after their line (``intro-1``, ``intro-2``)."""
    out = ["WEBVTT", "", f"NOTE narration, on-screen captions and title cards, language {lang}", ""]
    for c in cues:
        setting = _VTT_LINE.get(c.position)
        timing = f"{_clock(_ms(c.start), '.')} --> {_clock(_ms(c.end), '.')}"
        out += [c.name, f"{timing} {setting}" if setting else timing, _vtt_escape(c.text), ""]
    return "\n".join(out)


def srt(cues: Iterable[Subtitle]) -> str:
    """A SubRip file (numbered cues in order of their start, comma before the milliseconds)."""
    out: list[str] = []
    for i, c in enumerate(cues, start=1):
        text = _SRT_TAG.get(c.position, "") + c.text
        out += [str(i), f"{_clock(_ms(c.start), ',')} --> {_clock(_ms(c.end), ',')}", text, ""]
    return "\n".join(out)
