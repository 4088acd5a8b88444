"""Each narration line's voice: where it comes from, its cache key, and making it.

A line is spoken by its recording when one exists (the scene format's lookup
rule), else by the placeholder voice, else (no espeak-ng) by silence of the
estimated length. The key fingerprints exactly what makes the processed audio:
the recording's bytes, or the spoken text, voice and engine version. File
times never enter it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from exhibit.narration import audiofile
from exhibit.narration.analysis import line_timing, read_sidecar, sidecar_path, speech_span
from exhibit.narration.clip import MIX_RATE
from exhibit.narration.fingerprint import PIPELINE, digest, file_digest
from exhibit.narration.loudness import LIMIT_DBTP, TARGET_LUFS, normalize
from exhibit.narration.placeholder import Espeak, silent_placeholder, voice_for
from exhibit.narration.spoken import spoken_text
from exhibit.narration.store import VoiceStore
from exhibit.spec.checks import recording_for, strip_marks
from exhibit.spec.errors import ExhibitError
from exhibit.spec.project import Project
from exhibit.spec.scene import Scene
from exhibit.timeline.timing import ESTIMATE_LEAD, LineTiming, estimate_seconds

RECORDING = "recording"
PLACEHOLDER = "placeholder"
SILENT = "silent"


@dataclass(frozen=True)
class LineVoice:
    """One line's voice in one language, before or after it is made."""

    index: int
    line_id: str
    lang: str
    text: str  # as written, with {mark:...}
    kind: str  # recording | placeholder | silent
    key: str
    recording: Path | None = None
    sidecar: Path | None = None
    sidecar_digest: str | None = None

    @property
    def spoken(self) -> str:
        return spoken_text(self.text, self.lang)


def line_voices(
    project: Project, scene: Scene, lang: str, espeak: Espeak | None
) -> list[LineVoice]:
    """The voice of every line of ``scene`` in ``lang`` (cheap: hashes, no audio work)."""
    out: list[LineVoice] = []
    for i, line in enumerate(scene.narration):
        text = line.text.get(lang) or ""
        override = (line.audio or {}).get(lang)
        rec = recording_for(project, scene.scene_id, line.id, lang, override)
        if rec is not None:
            side = sidecar_path(rec)
            side_digest = file_digest(side) if side.is_file() else None
            key = digest(PIPELINE, RECORDING, file_digest(rec))
            out.append(
                LineVoice(
                    i,
                    line.id,
                    lang,
                    text,
                    RECORDING,
                    key,
                    rec,
                    side if side_digest else None,
                    side_digest,
                )
            )
        elif espeak is not None:
            voice = voice_for(lang)
            key = digest(
                PIPELINE,
                PLACEHOLDER,
                espeak.engine,
                voice.name,
                voice.rate,
                spoken_text(text, lang),
            )
            out.append(LineVoice(i, line.id, lang, text, PLACEHOLDER, key))
        else:
            seconds = round(estimate_seconds(strip_marks(text), lang), 3)
            key = digest(PIPELINE, SILENT, seconds)
            out.append(LineVoice(i, line.id, lang, text, SILENT, key))
    return out


def make(voice: LineVoice, store: VoiceStore, espeak: Espeak | None) -> dict[str, Any]:
    """Produce the processed audio of a line into the store; returns its measurements."""
    if voice.kind == RECORDING:
        assert voice.recording is not None
        raw = audiofile.read(voice.recording)
        made_from = str(voice.recording)
    elif voice.kind == PLACEHOLDER:
        assert espeak is not None
        raw = espeak.synthesize(voice.spoken, voice_for(voice.lang))
        made_from = f"{espeak.engine} -v {voice_for(voice.lang).name}: {voice.spoken}"
    else:
        raw = silent_placeholder(strip_marks(voice.text), voice.lang, MIX_RATE)
        made_from = "silence of the estimated length (no espeak-ng)"
    clip = raw.mono().resampled(MIX_RATE)
    if voice.kind == SILENT:
        start = ESTIMATE_LEAD
        span = (start, start + estimate_seconds(strip_marks(voice.text), voice.lang))
        result = None
    else:
        span = speech_span(clip)
        result = normalize(clip, TARGET_LUFS, tolerance=0.2, ceiling_db=LIMIT_DBTP)
        clip = result.clip
    meta: dict[str, Any] = {
        "kind": voice.kind,
        "made_from": made_from,
        "rate": MIX_RATE,
        "duration": clip.duration,
        "speech_start": span[0],
        "speech_end": span[1],
        "lufs_in": _num(result.lufs_in) if result else None,
        "gain_db": round(result.gain_db, 3) if result else 0.0,
        "lufs": _num(result.lufs) if result else None,
        "true_peak": _num(result.true_peak) if result else None,
    }
    store.put(voice.lang, voice.key, clip, meta)
    return meta


def _num(x: float) -> float | None:
    return round(x, 3) if math.isfinite(x) else None


def timing_of(voice: LineVoice, meta: dict[str, Any], strict: bool = True) -> LineTiming:
    """The line's timing from stored measurements; marks from its sidecar or the text.

    With ``strict`` off, a broken sidecar falls back to text shares instead of raising.
    """
    exact = None
    if voice.sidecar is not None:
        try:
            exact = read_sidecar(voice.sidecar)
            return line_timing(
                meta["duration"],
                (meta["speech_start"], meta["speech_end"]),
                voice.text,
                voice.lang,
                _source(voice.kind),
                exact,
                where=f"{voice.sidecar}: ",
            )
        except ExhibitError:
            if strict:
                raise
            exact = None
    return line_timing(
        meta["duration"],
        (meta["speech_start"], meta["speech_end"]),
        voice.text,
        voice.lang,
        _source(voice.kind),
        exact,
    )


def _source(kind: str) -> str:
    return {RECORDING: "recording", PLACEHOLDER: "placeholder", SILENT: "silent"}[kind]
