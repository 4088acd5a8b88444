"""Runtime audio: the narration mix as the show's master clock, and positional one-shots.

The mix (``build/<scene>/mix.<lang>.wav``: narration, music and sounds, made by
``exhibit narrate``) is played through Panda3D's OpenAL. Its play position *is*
show time while a scene plays: :class:`MixTrack.position` is the source the
:class:`~exhibit.timeline.clock.ShowClock` follows.

OpenAL facts (notes-platform.md): with no sound card set ``ALSOFT_DRIVERS=null``
before the first ShowBase, or Panda3D falls back to a null manager whose sounds
report time 0; ``ALSOFT_DRIVERS=wave`` with an ``ALSOFT_CONF`` naming a file
records what was played. ``AudioSound.setTime`` on a playing sound only takes
effect after ``play()``, so every seek is stop, set, play.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from exhibit.spec.errors import ExhibitError

if TYPE_CHECKING:
    from panda3d.core import AudioManager, AudioSound, NodePath

MIX_TAIL = 0.05  # seconds: a position this close to the end counts as the end


def gain_from_db(db: float) -> float:
    return 0.0 if db == -math.inf else 10.0 ** (db / 20.0)


def manager_is_live(manager: AudioManager | None) -> bool:
    """False for Panda3D's null manager (no library, or OpenAL found no device)."""
    return manager is not None and manager.isValid() and type(manager).__name__ != "NullAudioManager"


class MixTrack:
    """The scene's mix on the audio device: play, pause, seek, and where it is now."""

    def __init__(self, manager: AudioManager, path: Path) -> None:
        from panda3d.core import Filename

        self.manager = manager
        self.path = Path(path)
        if not self.path.exists():
            raise ExhibitError(f"the narration mix {self.path} does not exist; run 'exhibit narrate'")
        self._filename = Filename.fromOsSpecific(str(self.path))
        # OpenAL caches samples by file name; a rebuilt mix keeps its name: never reuse the cache.
        manager.uncacheSound(self._filename)
        self.sound: AudioSound = manager.getSound(self._filename, positional=False)
        self.live = manager_is_live(manager) and self.sound.length() > 0
        self.length = float(self.sound.length())
        self._playing = False
        self._paused_at = 0.0

    def play(self, t: float) -> None:
        """Start (or restart) playing at show time ``t`` (the mix starts at show time 0)."""
        self.sound.stop()
        self._paused_at = t
        if not self.live or t < 0 or t >= self.length - MIX_TAIL:
            self._playing = False
            return
        self.sound.setTime(t)
        self.sound.play()
        self._playing = True

    def pause(self) -> None:
        if self._playing:
            self.manager.update()
            self._paused_at = float(self.sound.getTime())
        self.sound.stop()
        self._playing = False

    def stop(self) -> None:
        self.sound.stop()
        self._playing = False

    def set_volume(self, gain: float) -> None:
        self.sound.setVolume(gain)

    @property
    def playing(self) -> bool:
        from panda3d.core import AudioSound

        return self._playing and self.sound.status() == AudioSound.PLAYING

    def position(self) -> float | None:
        """The play position in show seconds, or None when the mix is not running (no master)."""
        if not self.playing:
            return None
        # OpenAL's offset is read in update(): read it fresh, not a frame late.
        self.manager.update()
        return float(self.sound.getTime())

    def close(self) -> None:
        self.sound.stop()
        self.manager.uncacheSound(self._filename)


@dataclass
class SoundEffects:
    """One-shot sounds, placed at objects where a scene asks (``follow``), heard from the head.

    Sounds are cached per file; each play takes a fresh AudioSound so overlapping
    shots of one file do not cut each other off.
    """

    manager: AudioManager
    listener: NodePath
    root: NodePath
    resolve: Callable[[str], Path]
    played: list[tuple[str, float, str | None]] = field(default_factory=list)
    _active: list[tuple[AudioSound, NodePath | None]] = field(default_factory=list)
    _audio3d: object | None = None

    def _positional(self) -> object:
        if self._audio3d is None:
            from direct.showbase.Audio3DManager import Audio3DManager

            self._audio3d = Audio3DManager(self.manager, self.listener, self.root)
        return self._audio3d

    def play(self, file: str, gain_db: float = 0.0, follow: NodePath | None = None) -> AudioSound | None:
        from panda3d.core import Filename

        path = self.resolve(file)
        if not path.exists():
            return None
        filename = Filename.fromOsSpecific(str(path))
        self.played.append((file, gain_db, follow.getName() if follow is not None else None))
        if follow is not None and manager_is_live(self.manager):
            audio3d = self._positional()
            sound = audio3d.loadSfx(filename)  # type: ignore[attr-defined]
            audio3d.attachSoundToObject(sound, follow)  # type: ignore[attr-defined]
        else:
            sound = self.manager.getSound(filename, positional=False)
        sound.setVolume(gain_from_db(gain_db))
        sound.play()
        self._active.append((sound, follow))
        self._reap()
        return sound

    def _reap(self) -> None:
        from panda3d.core import AudioSound

        keep = []
        for sound, node in self._active:
            if sound.status() == AudioSound.PLAYING:
                keep.append((sound, node))
            elif node is not None and self._audio3d is not None:
                self._audio3d.detachSound(sound)  # type: ignore[attr-defined]
        self._active = keep

    def pause_all(self) -> None:
        for sound, _ in self._active:
            sound.stop()
        self._reap()

    def close(self) -> None:
        self.pause_all()
        if self._audio3d is not None:
            self._audio3d.disable()  # type: ignore[attr-defined]
            self._audio3d = None
