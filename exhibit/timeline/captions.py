"""Caption layout: splitting a narration line into on-screen captions and timing them.

Rules (broadcast subtitle practice, as the narration contract asks): one caption
per sentence or clause, at most two lines, at most 16 characters a line for
Chinese and 42 for English, each on screen between 0.83 and 7 seconds, and at
least two frames between consecutive captions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from exhibit.timeline.timing import is_cjk, units

MAX_LINES = 2
ZH_LINE_CHARS = 16
EN_LINE_CHARS = 42
MIN_SECONDS = 0.83
MAX_SECONDS = 7.0
FRAME = 1.0 / 25.0
MIN_GAP = 2 * FRAME  # two frames at 25 fps

_ZH_SENTENCE = re.compile(r"(?<=[。！？；!?;])")
_ZH_CLAUSE = re.compile(r"(?<=[，、：,:])")
_EN_SENTENCE = re.compile(r"(?<=[.!?;])\s+")
_EN_CLAUSE = re.compile(r"(?<=[,:—])\s+")


@dataclass(frozen=True)
class CaptionText:
    text: str  # lines joined with "\n"
    weight: int  # spoken units (characters or words), for timing


def line_limit(text: str) -> int:
    return ZH_LINE_CHARS if is_cjk(text) else EN_LINE_CHARS


def _wrap_cjk(text: str, limit: int) -> list[str]:
    lines: list[str] = []
    rest = text.strip()
    while len(rest) > limit:
        cut = limit
        # Prefer breaking after punctuation within the last few characters.
        for k in range(limit, max(limit - 6, 1), -1):
            if rest[k - 1] in "，、：；,:;":
                cut = k
                break
        # Never start a line with closing punctuation.
        while cut < len(rest) and rest[cut] in "，。、；：！？」』）》,.;:!?)":
            cut += 1
        lines.append(rest[:cut])
        rest = rest[cut:].lstrip()
    if rest:
        lines.append(rest)
    return lines


def _wrap_words(text: str, limit: int) -> list[str]:
    lines: list[str] = []
    current = ""
    for word in text.split():
        if current and len(current) + 1 + len(word) > limit:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}" if current else word
    if current:
        lines.append(current)
    return lines


def wrap(text: str) -> list[str]:
    limit = line_limit(text)
    return _wrap_cjk(text, limit) if is_cjk(text) else _wrap_words(text, limit)


def _balanced_two(text: str) -> list[str]:
    """Two lines of similar length (reads better than a long line and a stub)."""
    lines = wrap(text)
    if len(lines) != 2:
        return lines
    limit = line_limit(text)
    if is_cjk(text):
        half = (len(text) + 1) // 2
        a, b = text[:half], text[half:]
        while b and b[0] in "，。、；：！？,.;:!?":
            a, b = a + b[0], b[1:]
        return [a, b] if len(a) <= limit and len(b) <= limit else lines
    words = text.split()
    best = lines
    best_diff = abs(len(lines[0]) - len(lines[1]))
    for k in range(1, len(words)):
        a, b = " ".join(words[:k]), " ".join(words[k:])
        if len(a) <= limit and len(b) <= limit and abs(len(a) - len(b)) < best_diff:
            best, best_diff = [a, b], abs(len(a) - len(b))
    return best


def _pieces(text: str, splitter: re.Pattern[str]) -> list[str]:
    return [p.strip() for p in splitter.split(text) if p and p.strip()]


def split_caption_text(text: str) -> list[CaptionText]:
    """Split spoken text (marks already stripped) into captions of at most two lines."""
    text = " ".join(text.split()) if not is_cjk(text) else re.sub(r"\s+", "", text) if _all_cjk(text) else text.strip()
    if not text:
        return []
    cjk = is_cjk(text)
    sentence = _ZH_SENTENCE if cjk else _EN_SENTENCE
    clause = _ZH_CLAUSE if cjk else _EN_CLAUSE
    out: list[str] = []
    for sent in _pieces(text, sentence):
        if len(wrap(sent)) <= MAX_LINES:
            out.append(sent)
            continue
        # Too long for one caption: group clauses greedily.
        current = ""
        for part in _pieces(sent, clause):
            joined = (current + part) if cjk else (f"{current} {part}" if current else part)
            if current and len(wrap(joined)) > MAX_LINES:
                out.append(current)
                current = part
            else:
                current = joined
        if current:
            out.append(current)
    result: list[CaptionText] = []
    for piece in out:
        lines = _balanced_two(piece)
        # A clause longer than two lines on its own: cut it into two-line chunks.
        for k in range(0, len(lines), MAX_LINES):
            chunk = lines[k : k + MAX_LINES]
            joined = "".join(chunk) if cjk else " ".join(chunk)
            result.append(CaptionText("\n".join(chunk), max(1, len(units(joined)))))
    return result


def _all_cjk(text: str) -> bool:
    return not re.search(r"[A-Za-z]{2,}", text)


def time_captions(
    pieces: list[CaptionText], speech_start: float, speech_end: float
) -> list[tuple[float, float, str]]:
    """Spread captions over a speech span in proportion to their spoken units."""
    total = sum(p.weight for p in pieces) or 1
    span = max(0.0, speech_end - speech_start)
    out: list[tuple[float, float, str]] = []
    acc = 0
    for p in pieces:
        start = speech_start + span * acc / total
        acc += p.weight
        end = speech_start + span * acc / total
        out.append((start, end, p.text))
    return out


def settle(captions: list[tuple[float, float, str]], limit: float) -> list[tuple[float, float, str]]:
    """Apply on-screen time limits and the minimum gap across a sorted caption list."""
    ordered = sorted(captions, key=lambda c: c[0])
    result: list[tuple[float, float, str]] = []
    for i, (start, end, text) in enumerate(ordered):
        nxt = ordered[i + 1][0] if i + 1 < len(ordered) else limit
        if result and start < result[-1][1] + MIN_GAP:
            start = result[-1][1] + MIN_GAP
        end = max(end, start + MIN_SECONDS)  # long enough to read
        end = min(end, start + MAX_SECONDS, nxt - MIN_GAP if nxt - MIN_GAP > start else end)
        if end - start < MIN_SECONDS and i + 1 < len(ordered):
            end = min(start + MIN_SECONDS, max(end, nxt - MIN_GAP))
        result.append((start, max(end, start + 0.01), text))
    return result
