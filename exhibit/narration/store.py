"""The voice store: processed narration lines, content-addressed under ``build/voice/``.

Each entry is ``<lang>/<key>.wav`` (48 kHz mono, at -23 LUFS) and ``<key>.json``
(its measurements). The key is a fingerprint of what made the audio (the
recording's bytes, or the placeholder's text, voice and engine version), so
scenes that share a line share its audio, and a cache entry can never be stale.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from exhibit.narration import audiofile
from exhibit.narration.clip import Clip


class VoiceStore:
    def __init__(self, build_dir: Path) -> None:
        self.root = build_dir / "voice"

    def wav(self, lang: str, key: str) -> Path:
        return self.root / lang / f"{key[:32]}.wav"

    def _meta(self, lang: str, key: str) -> Path:
        return self.root / lang / f"{key[:32]}.json"

    def get(self, lang: str, key: str) -> dict[str, Any] | None:
        """The measurements of a stored line, or None when it is not (completely) there."""
        try:
            meta = json.loads(self._meta(lang, key).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if (
            not isinstance(meta, dict)
            or meta.get("key") != key
            or not self.wav(lang, key).is_file()
        ):
            return None
        return meta

    def put(self, lang: str, key: str, clip: Clip, meta: dict[str, Any]) -> Path:
        """Store audio and measurements; the JSON is written last, so it vouches for the WAV."""
        path = audiofile.write_wav(self.wav(lang, key), clip)
        write_text(
            self._meta(lang, key), json.dumps({**meta, "key": key}, ensure_ascii=False, indent=1)
        )
        return path


def write_text(path: Path, text: str) -> bool:
    """Write atomically, and only when the content changed; returns whether it was written."""
    try:
        if path.read_text(encoding="utf-8") == text:
            return False
    except (OSError, UnicodeDecodeError):
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
        os.chmod(tmp, 0o644)  # mkstemp makes 0600; build outputs are for every user
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return True
