"""A mix played on an audio output of its own, in a process of its own.

OpenAL Soft opens one device per process, chosen from the environment (``ALSOFT_DRIVERS``,
``ALSOFT_CONF``) before the first sound: the hall's main mix plays in the hall's process, and
a second output (the audio description on headphones, ``audio.description`` in hall.yaml)
is this module run as a child process with its own OpenAL configuration::

    python -m exhibit.render.audio_output

It reads one command a line on stdin and answers the ones that ask:

    open PATH   -> "ok" or "error MESSAGE"   the mix to play (stopped, and ready to start at once)
    play T                                   play from T seconds
    pause | stop
    where       -> "at T" or "at -"          the play position (- when not playing)
    quit

Between commands it keeps OpenAL's streams fed (``AudioManager.update`` every 20 ms).
"""

from __future__ import annotations

import select
import sys
import time
from pathlib import Path
from typing import IO

from exhibit.render.audio import MixTrack
from exhibit.spec.errors import ExhibitError

TICK = 0.02  # seconds between OpenAL updates while no command comes
WARM_UP = 2.0  # seconds a newly opened mix may take to start running


def _answer(out: IO[str], text: str) -> None:
    out.write(text + "\n")
    out.flush()


class _Output:
    def __init__(self) -> None:
        from panda3d.core import AudioManager, loadPrcFileData

        loadPrcFileData("", "notify-level-audio error\nnotify-level-openal error")
        self.manager = AudioManager.createAudioManager()
        self.track: MixTrack | None = None

    def command(self, line: str, out: IO[str]) -> bool:
        verb, _, arg = line.strip().partition(" ")
        track = self.track
        if verb == "open":
            if track is not None:
                track.close()
            try:
                self.track = MixTrack(self.manager, Path(arg))
                self._warm_up(self.track)
                _answer(out, "ok")
            except ExhibitError as exc:
                self.track = None
                _answer(out, f"error {exc}")
        elif verb == "play" and track is not None:
            track.play(float(arg))
        elif verb == "pause" and track is not None:
            track.pause()
        elif verb == "stop" and track is not None:
            track.stop()
        elif verb == "where":
            at = track.position() if track is not None else None
            _answer(out, f"at {at:.4f}" if at is not None else "at -")
        elif verb == "quit":
            return False
        return True

    def _warm_up(self, track: MixTrack) -> None:
        """Play the mix silently until it runs: the first play after opening starts a few tenths
        of a second late (OpenAL fills its stream buffers), later ones at once."""
        track.set_volume(0.0)
        track.play(0.0)
        deadline = time.monotonic() + WARM_UP
        while time.monotonic() < deadline and (track.position() or 0.0) <= 0.0:
            time.sleep(TICK / 4)
        track.stop()
        track.set_volume(1.0)

    def close(self) -> None:
        if self.track is not None:
            self.track.close()
        self.manager.shutdown()


def main() -> int:
    output = _Output()
    try:
        while True:
            ready, _, _ = select.select([sys.stdin], [], [], TICK)
            output.manager.update()
            if not ready:
                continue
            line = sys.stdin.readline()
            if not line or not output.command(line, sys.stdout):
                return 0
    finally:
        output.close()


if __name__ == "__main__":
    raise SystemExit(main())
