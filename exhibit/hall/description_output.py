"""The audio description on an output of its own (``audio.description`` in hall.yaml).

A hall that lends headphones to blind and low-vision visitors plays the described mix
(``mix.<lang>.ad.wav``: the show's sound, ducked under the description) there, while the
main mix stays on the hall's speakers for everyone else. The described mix plays in a child
process (``exhibit.render.audio_output``) with its own OpenAL device, and follows the show:
it starts, seeks and stops with it, and every ``check_every`` seconds its position is compared
with the show time and set again when the two are more than ``tolerance`` apart.
"""

from __future__ import annotations

import os
import queue
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

from exhibit.spec.errors import ExhibitError
from exhibit.spec.hall import AudioOutput
from exhibit.spec.project import Project

TOLERANCE = 0.08  # seconds the described mix may drift from the show time before it is set again
CHECK_EVERY = 0.5  # seconds between position checks while the show plays
ANSWER_WAIT = 5.0  # seconds to wait for the child's answer (opening a long mix reads its header)
MIX_RATE = 48_000  # the mixes' sample rate: the output runs at it, so nothing is resampled


def described_mix(project: Project, scene: str, lang: str | None) -> Path:
    """The scene's described mix in ``lang`` (built when missing or stale); the plain mix when the
    scene has no description lines, so that headphones still carry the show."""
    from exhibit import narration

    result = narration.build(project, scene, lang)
    return Path(result.ad_mix_path or result.mix_path)


def openal_config(output: AudioOutput, folder: Path) -> dict[str, str]:
    """The environment that points a child's OpenAL Soft at ``output``."""
    lines = ["[general]", f"drivers = {output.driver}", f"frequency = {MIX_RATE}", "sample-type = int16"]
    env: dict[str, str] = {"ALSOFT_DRIVERS": output.driver}
    if output.driver == "alsa" and output.device:
        lines += ["[alsa]", f"device = {output.device}"]
    elif output.driver == "wave" and output.device:
        lines += ["[wave]", f"file = {Path(output.device).resolve()}"]
    elif output.driver == "pulse" and output.device:
        env["PULSE_SINK"] = output.device
    conf = folder / "alsoft.conf"
    conf.write_text("\n".join(lines) + "\n", encoding="utf-8")
    env["ALSOFT_CONF"] = str(conf)
    return env


class DescriptionOutput:
    """The described mix on the hall's description output, kept in step with the show."""

    def __init__(self, project: Project, output: AudioOutput, *, tolerance: float = TOLERANCE,
                 check_every: float = CHECK_EVERY, monotonic: Callable[[], float] = time.monotonic) -> None:
        self.project = project
        self.output = output
        self.tolerance = tolerance
        self.check_every = check_every
        self.monotonic = monotonic
        self.mix: Path | None = None  # what the output plays now
        self.resyncs = 0  # times the position was set again to follow the show
        self._process: subprocess.Popen[str] | None = None
        self._answers: queue.SimpleQueue[str] = queue.SimpleQueue()
        self._folder = tempfile.TemporaryDirectory(prefix="exhibit-ad-")
        self._playing = False
        self._checked = -float("inf")

    def _child(self) -> subprocess.Popen[str]:
        if self._process is not None and self._process.poll() is not None:
            status, self._process = self._process.returncode, None
            if self.mix is not None:  # it died with a mix open: the show hears of it
                self.mix = None
                raise ExhibitError(f"the audio description output stopped (exit status {status})")
        if self._process is None:
            env = {**os.environ, **openal_config(self.output, Path(self._folder.name))}
            self._process = subprocess.Popen(
                [sys.executable, "-m", "exhibit.render.audio_output"], stdin=subprocess.PIPE,
                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env, bufsize=1,
            )
            self._answers = queue.SimpleQueue()
            threading.Thread(target=self._read, args=(self._process, self._answers), daemon=True).start()
        return self._process

    @staticmethod
    def _read(process: subprocess.Popen[str], answers: queue.SimpleQueue[str]) -> None:
        assert process.stdout is not None
        for line in process.stdout:
            answers.put(line.strip())
        answers.put("gone")

    def _send(self, line: str, answer: bool = False) -> str | None:
        process = self._child()
        assert process.stdin is not None
        try:
            process.stdin.write(line + "\n")
            process.stdin.flush()
            return self._answers.get(timeout=ANSWER_WAIT) if answer else None
        except (OSError, queue.Empty):
            raise ExhibitError(f"the audio description output ({self.output.driver}) does not answer") from None

    def load(self, scene: str, lang: str | None) -> Path:
        """Open the scene's described mix on the output, stopped at its start."""
        mix = described_mix(self.project, scene, lang)
        answer = self._send(f"open {mix}", answer=True) or ""
        if answer != "ok":
            raise ExhibitError(f"the audio description output cannot play {mix}: {answer.removeprefix('error ')}")
        self.mix = mix
        self._playing = False
        return mix

    def play(self, t: float) -> None:
        if self.mix is not None:
            self._send(f"play {t:.4f}")
            self._playing = True
            self._checked = self.monotonic()

    def where(self) -> float | None:
        """The described mix's play position in show seconds; None when it does not play."""
        if self.mix is None:
            return None
        answer = self._send("where", answer=True) or ""
        value = answer.removeprefix("at ")
        return None if not answer.startswith("at ") or value == "-" else float(value)

    def follow(self, t: float, playing: bool) -> None:
        """Keep up with the show at show time ``t``: start, stop, or set the position again."""
        if self.mix is None:
            return
        if not playing:
            if self._playing:
                self.stop()
            return
        if not self._playing:
            self.play(t)
            return
        if self.monotonic() - self._checked < self.check_every:
            return
        self._checked = self.monotonic()
        at = self.where()
        if at is None or abs(at - t) > self.tolerance:
            self.resyncs += 1
            self.play(t)

    def stop(self) -> None:
        self._playing = False
        if self.mix is not None and self._process is not None and self._process.poll() is None:
            try:
                self._send("stop")
            except ExhibitError:
                pass  # an output that does not answer plays nothing either

    def unload(self) -> None:
        self.stop()
        self.mix = None

    def close(self) -> None:
        process, self._process = self._process, None
        if process is not None and process.poll() is None:
            try:
                assert process.stdin is not None
                process.stdin.write("quit\n")
                process.stdin.close()
                process.wait(timeout=5)
            except (OSError, subprocess.TimeoutExpired):
                process.kill()
                process.wait()
        self._folder.cleanup()
        self.mix = None
