"""Captions as visitors read them: speed, line length, time on screen, gaps.

The limits are the usual broadcast ones: Chinese at most 9 characters a second
and English at most 17 (the stricter of the common English limits, for visitors
reading in a second language), Korean 12 and Japanese 4 (Netflix's guides for
those languages); lines of at most 16 / 42 / 16 / 13 characters, at least
0.83 s on screen, and at least two frames (at 25 fps) between two captions.
Speed is counted as :func:`exhibit.narration.reading.count_characters` counts it.
"""

from __future__ import annotations

from exhibit.narration.reading import count_characters
from exhibit.preflight.report import Finding, Status
from exhibit.spec.errors import Location
from exhibit.spec.source import Document
from exhibit.timeline.captions import MIN_GAP, MIN_SECONDS, line_limit
from exhibit.timeline.model import TimedCaption, Timeline
from exhibit.timeline.timing import is_cjk

ZH_MAX_CPS = 9.0  # characters per second, Chinese subtitles
EN_MAX_CPS = 17.0  # characters per second, English subtitles (BBC / Netflix adult range 15-17)
KO_MAX_CPS = 12.0  # Korean (Netflix Korean guide), spaces counted
JA_MAX_CPS = 4.0  # Japanese (Netflix Japanese guide)
_SLACK = 0.0005  # caption files round to milliseconds


def _cjk(lang: str, text: str) -> bool:
    return lang.startswith(("zh", "ja")) or is_cjk(text)


def max_cps(lang: str, text: str) -> float:
    if lang.startswith("ko"):
        return KO_MAX_CPS
    if lang.startswith("ja"):
        return JA_MAX_CPS
    return ZH_MAX_CPS if _cjk(lang, text) else EN_MAX_CPS


def _where(doc: Document | None, timeline: Timeline, cap: TimedCaption) -> Location | None:
    if doc is None or cap.line_id is None:
        return None
    for i, line in enumerate(timeline.scene.narration):
        if line.id == cap.line_id:
            return doc.locate(("narration", i, "text"))
    return None


def caption_findings(timeline: Timeline, doc: Document | None = None) -> list[Finding]:
    """One finding per caption that breaks a rule, and one pass for the language."""
    lang, subject = timeline.lang, f"{timeline.scene.scene_id} ({timeline.lang})"
    found: list[Finding] = []
    fastest = 0.0
    previous: TimedCaption | None = None
    for cap in sorted(timeline.captions, key=lambda c: c.start):
        shown = cap.end - cap.start
        where = _where(doc, timeline, cap)
        at = f"at {cap.start:.2f} s"
        flat = cap.text.replace("\n", " " if not _cjk(lang, cap.text) else "")
        if shown > 0:
            cps = count_characters(flat) / shown
            fastest = max(fastest, cps)
            if cps > max_cps(lang, flat) + _SLACK:
                found.append(
                    Finding(
                        "captions",
                        subject,
                        Status.FAIL,
                        f"caption {at} reads at {cps:.1f} characters/s (limit {max_cps(lang, flat):g}/s): "
                        f"'{flat}' is on screen {shown:.2f} s; shorten the text or give it more time",
                        where,
                    )
                )
        for row in cap.text.split("\n"):
            if len(row.strip()) > line_limit(row):
                found.append(
                    Finding(
                        "captions",
                        subject,
                        Status.WARN,
                        f"caption {at} has a line of {len(row.strip())} characters "
                        f"(at most {line_limit(row)}): '{row.strip()}'",
                        where,
                    )
                )
        if shown + _SLACK < MIN_SECONDS:
            found.append(
                Finding(
                    "captions",
                    subject,
                    Status.WARN,
                    f"caption {at} is on screen only {shown:.2f} s (at least {MIN_SECONDS:g} s)",
                    where,
                )
            )
        if previous is not None and previous.position == cap.position:
            gap = cap.start - previous.end
            if 0 <= gap + _SLACK < MIN_GAP and gap > _SLACK:
                found.append(
                    Finding(
                        "captions",
                        subject,
                        Status.WARN,
                        f"caption {at} follows the one before after only "
                        f"{gap * 1000:.0f} ms (at least {MIN_GAP * 1000:.0f} ms, two frames)",
                        where,
                    )
                )
        previous = cap
    if not found:
        found.append(
            Finding("captions", subject, Status.PASS, f"{len(timeline.captions)} captions, fastest {fastest:.1f}/s")
        )
    return found
