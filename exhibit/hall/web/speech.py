"""Questions read aloud on the phone (the accessible mode): the placeholder voice's WAV, served
by the hall, so a phone with a screen reader off or a small screen still hears the question.

Each text is spoken once (espeak-ng, the same voice as the placeholder narration) and kept,
keyed by a hash of the text and language, in a folder of the hall's var/ tree.
"""

from __future__ import annotations

import hashlib
import threading
from pathlib import Path

from exhibit.narration import audiofile
from exhibit.narration.placeholder import find_espeak, voice_for
from exhibit.narration.spoken import spoken_text
from exhibit.spec.errors import ExhibitError

#: Spoken questions kept; the oldest go first past this.
KEEP_FILES = 500


class Speech:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.espeak = find_espeak()
        self._lock = threading.Lock()

    def wav(self, text: str, lang: str) -> Path:
        """The WAV of ``text`` said in ``lang``; ExhibitError when it cannot be said."""
        if self.espeak is None:
            raise ExhibitError("espeak-ng is not installed: questions cannot be read aloud")
        key = hashlib.sha256(f"{lang}\0{text}".encode()).hexdigest()[:32]
        path = self.folder / f"{key}.wav"
        with self._lock:
            if not path.exists():
                clip = self.espeak.synthesize(spoken_text(text, lang), voice_for(lang))
                audiofile.write_wav(path, clip)
                self._trim()
        return path

    def _trim(self) -> None:
        files = sorted(self.folder.glob("*.wav"), key=lambda p: p.stat().st_mtime)
        for old in files[:-KEEP_FILES]:
            old.unlink(missing_ok=True)
