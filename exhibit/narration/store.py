"""The voice store: processed narration lines, content-addressed under ``build/voice/``.

Each entry is ``<lang>/<key>.wav`` (48 kHz mono, at -23 LUFS) and ``<key>.json``
(its measurements). The key is a fingerprint of what made the audio (the
recording's bytes, or the placeholder's text, voice and engine version), so
scenes that share a line share its audio, and a cache entry can never be stale.

Entries are never stale, but they do become unused: every edit of a line's text
leaves its old clip behind. :meth:`VoiceStore.prune` removes the entries that no
current line needs. Builds hold the store's lock shared while they use it and a
prune holds it alone, so a prune never pulls a clip from under a running build;
files younger than :data:`PRUNE_MIN_AGE` are left too, for builds that share the
folder without the lock (another machine on a network share).
"""

from __future__ import annotations

import json
import os
import re
import tempfile
import time
from collections.abc import Callable, Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from exhibit.narration import audiofile
from exhibit.narration.clip import Clip
from exhibit.spec.errors import ExhibitError

try:
    import fcntl
except ImportError:  # not on Windows: the age rule alone protects running builds there
    fcntl = None  # type: ignore[assignment]

PRUNE_MIN_AGE = 60.0  # seconds: an unused file younger than this may be a build's, just made
_ENTRY = re.compile(r"([0-9a-f]{32})\.(?:wav|json)")
_LEFTOVER = re.compile(r"\.[0-9a-f]{32}\.(?:wav|json)\..+\.tmp")  # a write that was cut short


@dataclass(frozen=True)
class Pruned:
    """What a prune removed (or, dry, would remove)."""

    removed: tuple[Path, ...]
    bytes: int
    kept: int  # files of entries in use
    young: int  # unused files left because they are newer than the minimum age


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

    @contextmanager
    def lock(self, exclusive: bool = False) -> Iterator[None]:
        """Hold the store: shared while building, exclusive (or ExhibitError at once) to prune."""
        if fcntl is None:
            yield
            return
        self.root.mkdir(parents=True, exist_ok=True)
        with (self.root / ".lock").open("a") as fh:
            if exclusive:
                try:
                    fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    raise ExhibitError(
                        f"a narration build is using {self.root} now; prune when it has finished"
                    ) from None
            else:
                fcntl.flock(fh, fcntl.LOCK_SH)
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)

    def prune(
        self,
        in_use: Collection[tuple[str, str]],
        min_age: float = PRUNE_MIN_AGE,
        dry_run: bool = False,
        now: Callable[[], float] = time.time,
    ) -> Pruned:
        """Remove every entry whose ``(lang, key)`` is not in ``in_use``, and leftovers of cut writes.

        Only files older than ``min_age`` seconds go; the caller names what every
        current scene needs (:func:`exhibit.narration.build.voices_in_use`).
        """
        wanted = {(lang, key[:32]) for lang, key in in_use}
        removed: list[Path] = []
        size = kept = young = 0
        if not self.root.is_dir():
            return Pruned((), 0, 0, 0)
        with self.lock(exclusive=True):
            cutoff = now() - min_age
            for folder in sorted(p for p in self.root.iterdir() if p.is_dir()):
                for path in sorted(folder.iterdir()):
                    entry = _ENTRY.fullmatch(path.name)
                    if entry is None and _LEFTOVER.fullmatch(path.name) is None:
                        continue  # not the store's: leave it alone
                    if entry is not None and (folder.name, entry[1]) in wanted:
                        kept += 1
                        continue
                    try:
                        stat = path.stat()
                    except FileNotFoundError:
                        continue
                    if stat.st_mtime > cutoff:
                        young += 1
                        continue
                    if not dry_run:
                        try:
                            path.unlink()
                        except FileNotFoundError:
                            continue
                    removed.append(path)
                    size += stat.st_size
                if not dry_run and not any(folder.iterdir()):
                    folder.rmdir()
        return Pruned(tuple(removed), size, kept, young)


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
