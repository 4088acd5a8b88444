"""Reading a text aloud with the placeholder voice (espeak-ng), for the accessible quiz.

Each text is spoken into a WAV file in a folder of its own and played on the app's first
sound-effects manager; a new text stops the one before. Without espeak-ng nothing is
said (the kiosk logs it once); without a sound device the file is still written.
"""

from __future__ import annotations

import logging
import tempfile
from pathlib import Path
from typing import Any

from exhibit.narration import audiofile
from exhibit.narration.placeholder import find_espeak, voice_for
from exhibit.narration.spoken import spoken_text
from exhibit.render.audio import manager_is_live
from exhibit.spec.errors import ExhibitError

log = logging.getLogger(__name__)


class ReadAloud:
    """Says texts one at a time; ``said`` lists what was said and the file it was said into."""

    def __init__(self, base: Any, folder: Path | None = None) -> None:
        self.base = base
        self.espeak = find_espeak()
        self.folder = folder or Path(tempfile.mkdtemp(prefix="exhibit-read-aloud-"))
        self.said: list[tuple[str, Path]] = []
        self._sound: Any = None
        if self.espeak is None:
            log.warning("espeak-ng is not installed: the accessible quiz cannot read questions aloud")

    def say(self, text: str, lang: str) -> Path | None:
        """Speak ``text`` in ``lang`` now (stopping what was being said); the WAV file, if any."""
        self.stop()
        if self.espeak is None or not text.strip():
            return None
        try:
            clip = self.espeak.synthesize(spoken_text(text, lang), voice_for(lang))
        except ExhibitError as exc:
            log.warning("cannot read aloud: %s", exc)
            return None
        path = audiofile.write_wav(self.folder / f"said-{len(self.said)}.wav", clip)
        self.said.append((text, path))
        managers = getattr(self.base, "sfxManagerList", None) or []
        if managers and manager_is_live(managers[0]):
            from panda3d.core import Filename

            self._sound = managers[0].getSound(Filename.fromOsSpecific(str(path)), positional=False)
            self._sound.play()
        return path

    def stop(self) -> None:
        if self._sound is not None:
            self._sound.stop()
            self._sound = None
