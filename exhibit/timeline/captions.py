"""Caption layout: splitting a narration line into on-screen captions and timing them.

Rules (broadcast subtitle practice, as the narration contract asks): one caption
per sentence or clause, at most two lines, at most 16 characters a line for
Chinese and 42 for English, each on screen between 0.83 and 7 seconds, and at
least two frames between consecutive captions.

Chinese captions follow the usual screen style: a comma or full stop that ends
a caption line is left out (the line break already shows the pause), while
question and exclamation marks, quotes and brackets stay. Lines break after
punctuation where possible, never inside a number or a Latin word, and never
before closing punctuation; two-line captions are balanced.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any, TypeVar

from exhibit.timeline.timing import is_cjk, units

MAX_LINES = 2
ZH_LINE_CHARS = 16
EN_LINE_CHARS = 42
#: Korean is written with spaces between words and breaks there, like English, but its
#: syllable blocks are dense: 16 characters a line (Netflix's Korean subtitle guide).
KO_LINE_CHARS = 16
_HANGUL = re.compile(r"[\u1100-\u11ff\u3130-\u318f\uac00-\ud7a3]")
#: Japanese (text with kana): 13 full-width characters a line (Netflix's Japanese guide).
JA_LINE_CHARS = 13
_KANA = re.compile(r"[\u3040-\u30ff]")
MIN_SECONDS = 0.83
MAX_SECONDS = 7.0
FRAME = 1.0 / 25.0  # PAL, the broadcast frame rate in China
MIN_GAP = 2 * FRAME  # two frames at 25 fps

# The same limits in whole milliseconds, the resolution of WebVTT and SRT, so that
# rounding the times for a caption file can never break a rule.
MIN_MS = round(MIN_SECONDS * 1000)
MAX_MS = round(MAX_SECONDS * 1000)
GAP_MS = round(MIN_GAP * 1000)

_ZH_SENTENCE = re.compile(r"(?<=[。！？；!?;…])(?![”」』）》\"'…])")
_ZH_CLAUSE = re.compile(r"(?<=[，、：,:])|(?<=——)")
_EN_SENTENCE = re.compile(r"(?<=[.!?;])\s+")
_EN_CLAUSE = re.compile(r"(?<=[,:;—])\s+|\s+(?=—)")

ZH_DROP_AT_LINE_END = "，、；：。,;:"
_ZH_BREAK_AFTER = "，、；：。！？,;:!?…—）》」』”"
#: A Chinese phrase often ends after these particles ...
_ZH_PHRASE_END = "的了着地得过们"
#: ... and often starts with these prepositions, conjunctions, adverbs and pronouns.
_ZH_PHRASE_START = "在和与是把被从到向对为也就都而并又还让将及以于但却第这那其各每"
#: Particles that belong to the word before them: a line never starts with one.
_ZH_CLINGS = "了着过的得们吗呢吧啊"
_ZH_UNITS_AFTER_DIGITS = "年月日号时分秒岁人万亿千百十个位名次条"
#: A line never starts with these (closing punctuation) ...
CLOSING = "，。、；：！？」』）》”’,.;:!?)…"
#: ... and never ends with these (opening punctuation): the rules of Chinese line breaking.
OPENING = "「『（《“‘("
_EN_WEAK_END = {
    "a",
    "an",
    "the",
    "of",
    "to",
    "in",
    "on",
    "at",
    "and",
    "or",
    "for",
    "with",
    "by",
    "from",
    "as",
    "his",
    "her",
    "its",
    "their",
    "our",
    "my",
    "your",
    "this",
    "that",
    "these",
    "those",
}
_EN_PHRASE_START = {
    "and",
    "or",
    "but",
    "to",
    "in",
    "on",
    "at",
    "for",
    "with",
    "by",
    "from",
    "of",
    "as",
    "which",
    "who",
    "that",
    "where",
    "when",
    "while",
    "after",
    "before",
    "under",
    "over",
    "into",
    "across",
}
#: What is spoken in text that is not Chinese: letters and digits, and Hangul syllables
#: (one spoken syllable each; without them a Korean caption weighed only its digits).
_ALNUM = re.compile(r"[A-Za-z0-9\uac00-\ud7a3]")
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
#: Penalty of a break that is neither after punctuation nor at a likely phrase edge:
#: a layout with one is used only when nothing better fits.
BAD_BREAK = 5


@dataclass(frozen=True)
class CaptionText:
    text: str  # lines joined with "\n"
    weight: int  # spoken units, for timing
    plain: str = ""  # the text before layout (punctuation kept), for merging and splitting


def line_limit(text: str) -> int:
    """Characters a caption line of ``text`` may hold, by its script."""
    if _KANA.search(text):
        return JA_LINE_CHARS
    if _HANGUL.search(text) and not is_cjk(text):
        return KO_LINE_CHARS
    return ZH_LINE_CHARS if is_cjk(text) else EN_LINE_CHARS


def spoken_weight(text: str) -> int:
    """How long ``text`` takes to say, in units proportional to time.

    Chinese: one per character, and one per digit (a year is read digit by
    digit); other scripts: one per letter or digit, which follows speaking time
    much more closely than a word count does ("the" against "established"), and
    one per Hangul syllable block.
    """
    if is_cjk(text):
        return max(
            1,
            len(_CJK.findall(text)) + len(re.findall(r"[0-9]", text)) + len(re.findall(r"[A-Za-z]+", text)),
        )
    return max(1, len(_ALNUM.findall(text)))


def _strip_end(line: str, cjk: bool) -> str:
    line = line.strip()
    if cjk:
        line = line.rstrip(ZH_DROP_AT_LINE_END).rstrip()
    return line


def _normalize(text: str) -> str:
    text = text.strip()
    if is_cjk(text):
        # Spaces between Chinese characters are layout in the script, not speech.
        text = re.sub(r"(?<=[^\x00-\x7f])\s+(?=[^\x00-\x7f])", "", text)
    return re.sub(r"\s+", " ", text)


def _breaks(t: str, cjk: bool) -> list[tuple[int, int]]:
    """Where a line may break, with a penalty: (k, penalty) for a break before t[k].

    English breaks only at spaces (k is the space's index).
    """
    out: list[tuple[int, int]] = []
    if cjk:
        for k in range(1, len(t)):
            before, after = t[k - 1], t[k]
            if after in CLOSING or after in _ZH_CLINGS or before in OPENING or after == " ":
                continue
            if _ALNUM.match(before) and _ALNUM.match(after):
                continue  # inside a number or a Latin word
            if before.isdigit() and after in _ZH_UNITS_AFTER_DIGITS:
                continue  # 1921|年
            if before in _ZH_BREAK_AFTER or before == " ":
                penalty = 0
            elif before in _ZH_PHRASE_END or after in _ZH_PHRASE_START:
                penalty = 1
            elif after.isdigit() or (before.isdigit() and not after.isdigit()):
                penalty = 2
            else:
                penalty = BAD_BREAK
            out.append((k, penalty))
        return out
    previous = -1  # the space before the word that ends at k: words are found locally, so this is linear
    for k, ch in enumerate(t):
        if ch != " ":
            continue
        if k == 0:
            previous = k
            continue
        last = t[previous + 1 : k]
        following = t.find(" ", k + 1)
        nxt = t[k + 1 : following if following >= 0 else len(t)]
        previous = k
        if t[k - 1] in ",;:.!?—":
            penalty = 0
        elif nxt.lower() in _EN_PHRASE_START and last.lower() not in _EN_WEAK_END:
            penalty = 2
        else:
            penalty = BAD_BREAK + (6 if last.lower() in _EN_WEAK_END else 0)
        out.append((k, penalty))
    return out


def _split_at(t: str, k: int, cjk: bool) -> tuple[str, str]:
    return (t[:k], t[k:].strip()) if cjk else (t[:k], t[k + 1 :])


def _layout(text: str) -> tuple[list[str], int] | None:
    """The best one- or two-line layout of ``text`` and its break penalty, or None."""
    cjk = is_cjk(text)
    limit = line_limit(text)
    t = _strip_end(_normalize(text), cjk)
    if not t:
        return [], 0
    if len(t) <= limit:
        return [t], 0
    if len(t) > 2 * limit + 3:
        return None
    best: tuple[float, int, list[str]] | None = None
    for k, penalty in _breaks(t, cjk):
        a, b = _split_at(t, k, cjk)
        a = _strip_end(a, cjk)
        if not a or not b or len(a) > limit or len(b) > limit:
            continue
        score = abs(len(a) - len(b)) * (16 / limit) + 4 * penalty
        if best is None or score < best[0]:
            best = (score, penalty, [a, b])
    return (best[2], best[1]) if best else None


def layout(text: str) -> list[str] | None:
    """``text`` as one or two balanced caption lines, or None if it needs more than two."""
    found = _layout(text)
    return found[0] if found else None


def _fits_well(text: str) -> bool:
    found = _layout(text)
    return found is not None and found[1] < BAD_BREAK


def _weights_before(t: str, cjk: bool) -> list[int]:
    """``spoken_weight`` of every prefix ``t[:k]`` (without its floor of 1), in one pass."""
    out = [0]
    for k, ch in enumerate(t):
        if cjk:
            word_start = ch.isascii() and ch.isalpha() and not (k and t[k - 1].isascii() and t[k - 1].isalpha())
            step = bool(_CJK.match(ch)) or ch in "0123456789" or word_start
        else:
            step = bool(_ALNUM.match(ch))
        out.append(out[-1] + int(step))
    return out


def _bisect(text: str) -> tuple[str, str] | None:
    """Cut ``text`` in two near the middle of its speaking time, at the best break.

    Linear in the text: the weights of both halves come from running sums, and a
    half is empty exactly when the cut lies before the first or after the last
    character that stays.
    """
    cjk = is_cjk(text)
    t = _normalize(text)
    before = _weights_before(t, cjk)
    total = max(1, before[-1])
    dropped = " " + (ZH_DROP_AT_LINE_END if cjk else "")
    first_kept = next((i for i, ch in enumerate(t) if ch not in dropped), len(t))
    last_kept = len(t.rstrip()) - 1
    best: tuple[float, int] | None = None
    for k, penalty in _breaks(t, cjk):
        if k <= first_kept or (k if cjk else k + 1) > last_kept:
            continue
        rest = before[-1] - before[k]
        imbalance = abs(max(1, before[k]) - max(1, rest)) / total  # 0..1
        score = imbalance * 10 + penalty
        if best is None or score < best[0]:
            best = (score, k)
    if best is None:
        return None
    return _split_at(t, best[1], cjk)


def _piece(text: str) -> list[CaptionText]:
    """One caption for ``text``, or several when it does not fit in two lines."""
    lines = layout(text)
    if lines is not None:
        return [CaptionText("\n".join(lines), spoken_weight(text), text)] if lines else []
    halves = _bisect(text)
    if halves is None:  # one unbreakable run of characters: cut it hard
        limit = line_limit(text)
        t = _normalize(text)
        halves = (t[: 2 * limit], t[2 * limit :])
    return _piece(halves[0]) + _piece(halves[1])


def _split(text: str, pattern: re.Pattern[str]) -> list[str]:
    return [p.strip() for p in pattern.split(text) if p and p.strip()]


def _join(a: str, b: str) -> str:
    return a + b if is_cjk(a + b) else f"{a} {b}"


def split_caption_text(text: str) -> list[CaptionText]:
    """Split spoken text (marks already stripped) into captions of at most two lines.

    One caption per sentence where it fits in two well-broken lines; else
    clauses are grouped while they do; a clause too long on its own is cut
    near its middle at the best break.
    """
    text = _normalize(text)
    if not text:
        return []
    cjk = is_cjk(text)
    sentence = _ZH_SENTENCE if cjk else _EN_SENTENCE
    clause = _ZH_CLAUSE if cjk else _EN_CLAUSE
    result: list[CaptionText] = []
    for sent in _split(text, sentence):
        parts = _split(sent, clause)
        if _fits_well(sent) or (len(parts) == 1 and layout(sent) is not None):
            result += _piece(sent)
            continue
        current = ""
        for part in parts:
            joined = _join(current, part) if current else part
            if current and not _fits_well(joined):
                result += _piece(current)
                current = part
            else:
                current = joined
        if current:
            result += _piece(current)
    return result


def _halves(p: CaptionText) -> list[CaptionText] | None:
    """A caption cut in two (at its line break, else at the best break), or None if it cannot be."""
    lines = p.text.split("\n")
    cjk = is_cjk(p.text)
    t = _normalize(p.plain or p.text.replace("\n", "" if cjk else " "))
    if len(lines) == 2:
        k = len(lines[0])
        if cjk:  # the punctuation dropped at the line end belongs to the first half
            while k < len(t) and t[k] in ZH_DROP_AT_LINE_END:
                k += 1
        first, second = t[:k], t[k:].strip()
    else:
        cut = _bisect(t)
        if cut is None:
            return None
        first, second = cut
    a, b = layout(first), layout(second)
    if not a or not b:
        return None
    return [
        CaptionText("\n".join(a), spoken_weight(first), first),
        CaptionText("\n".join(b), spoken_weight(second), second),
    ]


def time_captions(pieces: list[CaptionText], speech_start: float, speech_end: float) -> list[tuple[float, float, str]]:
    """Spread captions over a speech span in proportion to how long each takes to say.

    A caption that would stay up longer than 7 s is cut in two; one shorter
    than 0.83 s is joined to a neighbour when the two still fit in two lines.
    """
    span = max(0.0, speech_end - speech_start)
    items = list(pieces)

    def seconds(p: CaptionText) -> float:
        total = sum(q.weight for q in items) or 1
        return span * p.weight / total

    changed = True
    while changed:
        changed = False
        for i, p in enumerate(items):
            if seconds(p) > MAX_SECONDS:
                halves = _halves(p)
                if halves:
                    items[i : i + 1] = halves
                    changed = True
                    break
    blocked: set[int] = set()
    while True:
        short = [(seconds(p), i) for i, p in enumerate(items) if seconds(p) < MIN_SECONDS and i not in blocked]
        if not short or len(items) < 2:
            break
        _, i = min(short)
        options = []
        for j in (i - 1, i + 1):
            if 0 <= j < len(items):
                a, b = items[min(i, j)], items[max(i, j)]
                joined = _join(a.plain or a.text, b.plain or b.text)
                lines = layout(joined)
                if lines and seconds(a) + seconds(b) <= MAX_SECONDS:
                    options.append((seconds(a) + seconds(b), min(i, j), joined, lines))
        if not options:
            blocked.add(i)
            continue
        _, k, joined, lines = min(options)
        items[k : k + 2] = [CaptionText("\n".join(lines), items[k].weight + items[k + 1].weight, joined)]
        blocked = {b if b < k else b - 1 for b in blocked if b not in (k, k + 1)}

    total = sum(p.weight for p in items) or 1
    out: list[tuple[float, float, str]] = []
    acc = 0
    for p in items:
        start = speech_start + span * acc / total
        acc += p.weight
        end = speech_start + span * acc / total
        out.append((start, end, p.text))
    return out


Caption = TypeVar("Caption", bound=tuple[Any, ...])


def settle(captions: list[Caption], limit: float) -> list[Caption]:
    """Apply on-screen time limits and the minimum gap across a sorted caption list.

    Captions are ``(start, end, text, ...)``; anything after the text (a line id)
    is carried through. Times come back on whole milliseconds, so every rule
    still holds in a WebVTT or SRT file.
    """
    ordered = sorted(captions, key=lambda c: c[0])
    limit_ms = math.floor(limit * 1000 + 1e-6)
    result: list[Any] = []
    prev_end: int | None = None
    for i, cap in enumerate(ordered):
        start = round(cap[0] * 1000)
        end = round(cap[1] * 1000)
        if prev_end is not None:
            start = max(start, prev_end + GAP_MS)
        end = min(max(end, start + MIN_MS), start + MAX_MS)
        if i + 1 < len(ordered):
            next_start = round(ordered[i + 1][0] * 1000)
            if end > next_start - GAP_MS:
                end = max(start + MIN_MS, next_start - GAP_MS)
        if end > limit_ms:
            end = max(limit_ms, start + 1)
        prev_end = end
        result.append((start / 1000, end / 1000, *cap[2:]))
    return result


def wrap(text: str) -> list[str]:
    """``text`` laid out as caption lines, two per caption, however many captions that takes."""
    lines: list[str] = []
    for piece in _piece(text):
        lines += piece.text.split("\n")
    return lines


__all__ = [
    "CaptionText",
    "split_caption_text",
    "time_captions",
    "settle",
    "layout",
    "wrap",
    "spoken_weight",
    "units",
]
