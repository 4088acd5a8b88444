"""Reading speed: can a visitor read the captions while the voice speaks?

Subtitle practice counts characters per second of speech: Chinese captions
become hard to follow above 9 characters/s, English above 20 (spaces and
punctuation count in English, as readers see them; Chinese counts characters
and digits, since punctuation is mostly dropped from Chinese captions).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from exhibit.spec.checks import strip_marks
from exhibit.spec.errors import Diagnostic, Severity
from exhibit.spec.scene import Scene
from exhibit.spec.source import Document
from exhibit.timeline.timing import LineTiming, is_cjk

ZH_MAX_CPS = 9.0
EN_MAX_CPS = 20.0
#: Timings worth judging: an estimate reads at the estimate's speed by construction.
MEASURED = ("recording", "placeholder")


def count_characters(text: str) -> int:
    plain = strip_marks(text)
    if is_cjk(plain):
        return len(re.findall(r"[\w]", plain))
    return len(" ".join(plain.split()))


def max_cps(lang: str, text: str) -> float:
    return ZH_MAX_CPS if lang.startswith("zh") or is_cjk(text) else EN_MAX_CPS


def reading_speed_warnings(
    scene: Scene, lang: str, timings: Mapping[str, LineTiming], doc: Document | None
) -> list[Diagnostic]:
    """A warning for each line whose measured voice is too fast to read along with."""
    out: list[Diagnostic] = []
    for i, line in enumerate(scene.narration):
        timing = timings.get(line.id)
        text = line.text.get(lang) or ""
        if timing is None or timing.source not in MEASURED or not text.strip():
            continue
        chars = count_characters(text)
        limit = max_cps(lang, text)
        speech = timing.speech
        if speech <= 0:
            continue
        speed = chars / speech
        if speed > limit:
            what = "recording" if timing.source == "recording" else "placeholder voice"
            out.append(
                Diagnostic(
                    Severity.WARNING,
                    f"line '{line.id}' reads at {speed:.1f} characters/s in {lang} "
                    f"({chars} characters in {speech:.2f} s of {what}); captions are hard to "
                    f"follow above {limit:g}/s: "
                    "shorten the text or record it more slowly",
                    doc.locate(("narration", i, "text")) if doc is not None else None,
                )
            )
    return out
