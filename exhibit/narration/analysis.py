"""What a voice file says about its line: length, speech span and bookmark times.

The speech span leaves out leading and trailing silence, so that a line placed
at 12.0 s is *heard* from 12.0 s whatever the recording engineer left at the
head of the file. Bookmarks come from a sidecar ``<line>.marks.json`` when
staff measured them, else from each mark's share of the spoken text across the
speech span (the scene format's rule).
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from pathlib import Path

import numpy as np

from exhibit.narration.clip import Clip
from exhibit.narration.spoken import spoken_text
from exhibit.spec.errors import ExhibitError
from exhibit.timeline.timing import LineTiming, mark_shares

FRAME_SECONDS = 0.010  # analysis frame for the silence detector
#: A frame is silent when it is this far below the loudest frame of the file, or
#: below the absolute floor (room tone of a quiet booth is about -60 dBFS).
BELOW_PEAK_DB = 40.0
FLOOR_DBFS = -55.0
MIN_SOUND_SECONDS = 0.030  # a click shorter than this does not start the speech


def speech_span(clip: Clip) -> tuple[float, float]:
    """(start, end) of the sound in seconds, leading and trailing silence excluded.

    Returns (0, 0) for a silent clip.
    """
    hop = max(1, round(FRAME_SECONDS * clip.rate))
    mono = clip.mono().samples[:, 0]
    n = len(mono) // hop
    if n == 0:
        return 0.0, 0.0
    frames = mono[: n * hop].reshape(n, hop).astype(np.float64)
    rms = np.sqrt(np.mean(frames * frames, axis=1))
    db = 20.0 * np.log10(np.maximum(rms, 1e-10))
    threshold = max(FLOOR_DBFS, float(db.max()) - BELOW_PEAK_DB)
    loud = db > threshold
    if not loud.any():
        return 0.0, 0.0
    # Ignore isolated clicks: require a run of loud frames.
    need = max(1, round(MIN_SOUND_SECONDS / FRAME_SECONDS))
    runs = np.convolve(loud.astype(np.int32), np.ones(need, dtype=np.int32), mode="valid") >= need
    if runs.any():
        first = int(np.argmax(runs))
        last = int(len(runs) - 1 - np.argmax(runs[::-1])) + need - 1
    else:
        first = int(np.argmax(loud))
        last = int(len(loud) - 1 - np.argmax(loud[::-1]))
    return first * hop / clip.rate, min(clip.duration, (last + 1) * hop / clip.rate)


def sidecar_path(audio: Path) -> Path:
    """``intro.wav`` -> ``intro.marks.json`` beside it."""
    return audio.with_name(f"{audio.stem}.marks.json")


def read_sidecar(path: Path) -> dict[str, float]:
    """Mark times (seconds from the start of the audio file) from a sidecar file.

    The file is a JSON object ``{"boat": 3.42, ...}``, or ``{"marks": {...}}``.
    """
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ExhibitError(f"cannot read mark times from '{path}': {exc}") from exc
    except json.JSONDecodeError as exc:
        raise ExhibitError(f"{path}:{exc.lineno}:{exc.colno}: not valid JSON: {exc.msg}") from exc
    if isinstance(data, dict) and isinstance(data.get("marks"), dict):
        data = data["marks"]
    if not isinstance(data, dict):
        raise ExhibitError(
            f"'{path}' must hold a JSON object of mark names and seconds, like {{\"boat\": 3.42}}"
        )
    marks: dict[str, float] = {}
    for name, value in data.items():
        if (
            isinstance(value, bool)
            or not isinstance(value, (int, float))
            or not math.isfinite(value)
            or value < 0
        ):
            raise ExhibitError(
                f"'{path}': mark '{name}' must be a number of seconds from the start of the file, "
                f"got {value!r}"
            )
        marks[str(name)] = float(value)
    return marks


def line_timing(
    duration: float,
    span: tuple[float, float],
    text: str,
    lang: str,
    source: str,
    exact_marks: Mapping[str, float] | None = None,
    where: str = "",
) -> LineTiming:
    """A line's timing from its measured span; marks from ``exact_marks`` or text shares.

    ``text`` is the line as written (with ``{mark:...}``); shares are taken on
    the spoken text, so ``1921年`` weighs five syllables, as it is read.
    """
    start, end = span
    if end <= start:  # silence: pretend the whole file is the line, so times still advance
        start, end = 0.0, duration
    shares = mark_shares(spoken_text(text, lang, keep_marks=True))
    marks = {name: start + share * (end - start) for name, share in shares.items()}
    for name, at in (exact_marks or {}).items():
        if name not in shares:
            known = ", ".join(sorted(shares)) or "none"
            raise ExhibitError(
                f"{where}mark '{name}' is not in the line's text (its marks: {known})"
            )
        if at > duration + 1e-3:
            raise ExhibitError(
                f"{where}mark '{name}' at {at:.3f} s is after the end of the audio "
                f"({duration:.3f} s)"
            )
        marks[name] = at
    return LineTiming(duration, start, end, marks, source)
