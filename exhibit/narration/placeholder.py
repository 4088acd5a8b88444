"""Placeholder voices: offline speech for lines that have no recording yet.

espeak-ng (Debian package ``espeak-ng``) really speaks both languages of the
hall. For Mandarin the voice must be ``cmn-latn-pinyin``: Debian's ``cmn``
voice reads Chinese characters with English letter rules ("(en)" switches in
its phoneme trace), while ``cmn-latn-pinyin`` reads the same characters with
Mandarin tones. Numbers are turned into words first (:mod:`spoken`).

Without espeak-ng a silent track of the estimated length stands in, with a
clear warning, so timelines, captions and mixes can still be built.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from exhibit.narration import audiofile
from exhibit.narration.clip import Clip
from exhibit.spec.errors import ExhibitError
from exhibit.timeline.timing import ESTIMATE_LEAD, ESTIMATE_TAIL, estimate_seconds

INSTALL_HINT = "install it with 'apt install espeak-ng'"


@dataclass(frozen=True)
class Voice:
    """An espeak-ng voice and speaking rate (words per minute) for one language."""

    name: str
    rate: int


#: The placeholder voice per language. Mandarin at 190 wpm comes out near 4 syllables/s,
#: a calm narrator; English at 160 wpm.
VOICES: dict[str, Voice] = {
    "zh": Voice("cmn-latn-pinyin", 190),
    "en": Voice("en-us", 160),
}


def voice_for(lang: str) -> Voice:
    if lang in VOICES:
        return VOICES[lang]
    base = lang.split("-")[0].split("_")[0]
    return VOICES.get(base, Voice(base, 165))


class PlaceholderError(ExhibitError):
    """espeak-ng failed on a line."""


class Espeak:
    """The ``espeak-ng`` command: one process per line, text on stdin, WAV to a file."""

    def __init__(self, exe: str) -> None:
        self.exe = exe

    @property
    def version(self) -> str:
        return _version(self.exe)

    @property
    def engine(self) -> str:
        """What the cache key records: a new espeak-ng release makes new voices."""
        return f"espeak-ng {self.version}"

    def synthesize(self, text: str, voice: Voice) -> Clip:
        fd, tmp = tempfile.mkstemp(prefix="exhibit-voice-", suffix=".wav")
        os.close(fd)
        try:
            self._run(["-v", voice.name, "-s", str(voice.rate), "-w", tmp], text)
            return audiofile.read(tmp)
        finally:
            Path(tmp).unlink(missing_ok=True)

    def phonemes(self, text: str, voice: Voice) -> str:
        """espeak-ng's phoneme trace (``-x``): what it would say, for checking language rules."""
        return self._run(["-v", voice.name, "-q", "-x"], text)

    def _run(self, args: list[str], text: str) -> str:
        try:
            done = subprocess.run(
                [self.exe, *args, "--stdin"],
                input=text.encode("utf-8"),
                capture_output=True,
                timeout=120,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise PlaceholderError(f"espeak-ng failed: {exc}") from exc
        if done.returncode != 0:
            err = done.stderr.decode("utf-8", "replace").strip().splitlines()
            last = err[-1] if err else "no message"
            raise PlaceholderError(f"espeak-ng exited with status {done.returncode}: {last}")
        return done.stdout.decode("utf-8", "replace")


@cache
def _version(exe: str) -> str:
    try:
        out = subprocess.run(
            [exe, "--version"], capture_output=True, timeout=10, check=False
        ).stdout
    except (OSError, subprocess.TimeoutExpired):
        return "unknown"
    words = out.decode("utf-8", "replace").split()
    # "eSpeak NG text-to-speech: 1.51  Data at: ..."
    for i, word in enumerate(words):
        if word.endswith("text-to-speech:") and i + 1 < len(words):
            return words[i + 1]
    return hashlib.sha256(out).hexdigest()[:12]


def find_espeak() -> Espeak | None:
    """espeak-ng from PATH, or None when it is not installed."""
    exe = shutil.which("espeak-ng")
    return Espeak(exe) if exe else None


def silent_placeholder(text: str, lang: str, rate: int) -> Clip:
    """Silence as long as the reading-speed estimate of ``text`` (no espeak-ng)."""
    return Clip.silence(ESTIMATE_LEAD + estimate_seconds(text, lang) + ESTIMATE_TAIL, rate)
