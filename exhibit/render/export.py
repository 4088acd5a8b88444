"""Stills and video: frames at exact show times, not in real time.

A video frame ``i`` shows ``t = start + i / fps`` whatever the machine's speed:
Panda3D's global clock runs in non-real-time mode at the export's frame rate,
and the player is stepped to each ``t``. Frames are read back from the
offscreen buffer and piped as they lie in memory (BGRA, bottom row first) to the
ffmpeg that imageio-ffmpeg bundles, which flips them while converting to YUV,
encodes H.264 and muxes the narration mix as AAC, cut to the same span. Python only
copies each frame once, for the thread that feeds ffmpeg while the next is drawn.
"""

from __future__ import annotations

import math
import queue
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING

from exhibit.spec.errors import ExhibitError

try:
    import fcntl
except ImportError:  # not on Linux or macOS
    fcntl = None  # type: ignore[assignment]

if TYPE_CHECKING:
    from exhibit.render.displays import Capture
    from exhibit.render.player import Player

#: x264's fastest preset: on two cores the encoder shares the CPU with the software renderer,
#: and 720p previews care about time more than file size (ultrafast: about 7 ms a frame at
#: 1280x720 here, veryfast 14 ms); the lower CRF keeps the picture as clean.
H264_PRESET = "ultrafast"
H264_CRF = 18
AAC_BITRATE = "192k"
AUDIO_RATE = 48000


def ffmpeg_exe() -> str:
    try:
        import imageio_ffmpeg
    except ImportError as exc:
        raise ExhibitError("video export needs the imageio-ffmpeg package (pip install imageio-ffmpeg)") from exc
    return str(imageio_ffmpeg.get_ffmpeg_exe())


def save_png(capture: Capture, path: Path) -> None:
    """Write the last rendered frame as an opaque PNG (transparent objects must not punch holes)."""
    from panda3d.core import Filename, PNMImage

    image = PNMImage()
    if not capture.texture.store(image):
        raise ExhibitError("no frame has been rendered yet to save")
    image.removeAlpha()
    path.parent.mkdir(parents=True, exist_ok=True)
    if not image.write(Filename.fromOsSpecific(str(path))):
        raise ExhibitError(f"could not write {path}")


@dataclass(frozen=True)
class VideoSpec:
    """What to encode: size, rate and the span of show time."""

    size: tuple[int, int]
    fps: float
    start: float
    end: float

    @property
    def frames(self) -> int:
        return max(1, int(round((self.end - self.start) * self.fps)))

    @property
    def duration(self) -> float:
        return self.frames / self.fps

    def time_of(self, index: int) -> float:
        return self.start + index / self.fps


#: x264's threads: one keeps up with the renderer (about 10 ms of CPU a 1280x720 frame),
#: and more only take turns with the software renderer's threads, which wait for each
#: other at the end of every frame (measured on 2 cores, fushanhou at 1280x720: 13.2-14.4
#: frames/s with x264's own threads at normal priority, 19.3-20.1 with one thread, niced)
ENCODER_THREADS = 1
#: how much less CPU priority the encoder has than the renderer (nice increment)
ENCODER_NICENESS = 10


def _yielding_to_renderer(cmd: list[str]) -> list[str]:
    """``cmd`` run at a lower priority (through ``nice``, where there is one), so the encoder
    works in the renderer's idle moments (its one-threaded vertex work leaves a core free)."""
    nice = shutil.which("nice")
    return [nice, "-n", str(ENCODER_NICENESS), *cmd] if nice else cmd


#: frames queued for ffmpeg at most (each 3.7 MB at 1280x720)
FRAMES_IN_FLIGHT = 3


def _widen_pipe(fd: int, size: int) -> None:
    """Ask Linux for a pipe buffer of about one frame (64 KB by default), so ffmpeg takes a
    frame in a few reads rather than dozens; elsewhere, or when refused, nothing changes."""
    set_size = getattr(fcntl, "F_SETPIPE_SZ", None) if fcntl is not None else None
    if set_size is None:
        return
    for want in (size, 1 << 20):  # a frame, or the usual limit for unprivileged processes
        try:
            fcntl.fcntl(fd, set_size, want)
            return
        except OSError:
            continue


@dataclass(frozen=True)
class RawFormat:
    """How frames are laid out on ffmpeg's stdin: its pixel format name and row order."""

    pix_fmt: str  # "bgr24" or "bgra"
    bottom_up: bool  # Panda3D's own order: the bottom row first


def raw_frame(capture: Capture) -> tuple[memoryview, RawFormat]:
    """The last rendered frame as Panda3D holds it in memory (no copy), and its layout."""
    texture = capture.texture
    data = texture.getRamImage()
    w, h = texture.getXSize(), texture.getYSize()
    channels = texture.getNumComponents()
    if not data or texture.getComponentWidth() != 1 or channels not in (3, 4) or len(data) < w * h * channels:
        raise ExhibitError("no frame has been rendered yet to read back")
    return memoryview(data), RawFormat("bgra" if channels == 4 else "bgr24", bottom_up=True)


class VideoWriter:
    """An ffmpeg process that takes raw BGR frames on stdin and writes an MP4 (H.264 + AAC)."""

    def __init__(self, path: Path, spec: VideoSpec, audio: Path | None, *, raw: RawFormat | None = None) -> None:
        """``raw``: how frames come in; by default top-down BGR rows (``Capture.pixels("BGR")``)."""
        raw = raw or RawFormat("bgr24", bottom_up=False)
        w, h = spec.size
        if w % 2 or h % 2:
            raise ExhibitError(f"video size {w}x{h}: H.264 needs even width and height")
        self.path = path
        self.spec = spec
        path.parent.mkdir(parents=True, exist_ok=True)
        cmd = [
            ffmpeg_exe(),
            "-hide_banner",
            "-loglevel",
            "error",
            "-nostdin",
            "-y",
            "-f",
            "rawvideo",
            "-pix_fmt",
            raw.pix_fmt,
            "-s",
            f"{w}x{h}",
            "-framerate",
            f"{spec.fps:g}",
            "-i",
            "pipe:0",
        ]
        if audio is not None:
            cmd += ["-ss", f"{spec.start:.6f}", "-i", str(audio)]
        else:
            # No mix: a silent track, so players and tests still find the audio stream they expect.
            cmd += ["-f", "lavfi", "-i", f"anullsrc=r={AUDIO_RATE}:cl=stereo"]
        if raw.bottom_up:
            cmd += ["-vf", "vflip"]
        cmd += [
            "-map",
            "0:v:0",
            "-map",
            "1:a:0",
            "-c:v",
            "libx264",
            "-preset",
            H264_PRESET,
            "-threads",
            str(ENCODER_THREADS),
            "-crf",
            str(H264_CRF),
            "-pix_fmt",
            "yuv420p",
            "-c:a",
            "aac",
            "-b:a",
            AAC_BITRATE,
            "-ar",
            str(AUDIO_RATE),
            "-af",
            "apad",
            "-t",
            f"{spec.duration:.6f}",
            "-movflags",
            "+faststart",
            str(path),
        ]
        self._log: IO[bytes] = tempfile.TemporaryFile()
        self.proc = subprocess.Popen(
            _yielding_to_renderer(cmd), stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=self._log
        )
        assert self.proc.stdin is not None
        _widen_pipe(self.proc.stdin.fileno(), w * h * 4)
        self.frames = 0
        # Frames go to ffmpeg from a thread of their own: while ffmpeg takes in one frame the
        # next one is being drawn (piping a 1280x720 frame takes ffmpeg 10-15 ms, which the
        # renderer would otherwise wait for). A short queue bounds the memory held.
        self._queue: queue.Queue[bytes | None] = queue.Queue(maxsize=FRAMES_IN_FLIGHT)
        self._failed: BaseException | None = None
        self._feeder = threading.Thread(target=self._feed, name="ffmpeg-feed", daemon=True)
        self._feeder.start()

    def write(self, frame: bytes | memoryview) -> None:
        """Queue a frame (copied: the renderer reuses its memory) for ffmpeg."""
        self._raise_if_failed()
        self._queue.put(bytes(frame))
        self.frames += 1

    def _feed(self) -> None:
        assert self.proc.stdin is not None
        while (frame := self._queue.get()) is not None:
            if self._failed is not None:
                continue  # drain: the writer learns of the failure on its next call
            try:
                self.proc.stdin.write(frame)
            except (BrokenPipeError, OSError) as exc:
                self._failed = exc

    def _raise_if_failed(self) -> None:
        if self._failed is not None:
            self.proc.wait()
            raise ExhibitError(f"ffmpeg stopped while encoding {self.path}: {self._errors()}")

    def _stop_feeding(self) -> None:
        if self._feeder.is_alive():
            self._queue.put(None)
            self._feeder.join()

    def close(self) -> None:
        assert self.proc.stdin is not None
        self._stop_feeding()
        self._raise_if_failed()
        try:
            self.proc.stdin.close()
        except BrokenPipeError:
            pass
        code = self.proc.wait()
        if code != 0:
            raise ExhibitError(f"ffmpeg failed (exit {code}) writing {self.path}: {self._errors()}")
        self._log.close()

    def abort(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self._stop_feeding()
        self._log.close()
        self.path.unlink(missing_ok=True)

    def _errors(self) -> str:
        self._log.seek(0)
        text = self._log.read().decode("utf-8", "replace").strip().splitlines()
        return " / ".join(text[-3:]) or "no message"


class ProgressBar:
    """``[######....]  42%  126/300 frames  18.3 fps  9 s left`` on stderr.

    On a terminal it redraws one line a few times a second; in a log (not a tty) it
    writes a line every 10 %.
    """

    def __init__(self, label: str, total: int, stream: IO[str] | None = None) -> None:
        self.label = label
        self.total = total
        self.stream = stream or sys.stderr
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self.started = time.perf_counter()
        self._last_draw = 0.0
        self._last_decile = -1

    def update(self, done: int) -> None:
        now = time.perf_counter()
        share = done / self.total if self.total else 1.0
        if self.tty:
            if done < self.total and now - self._last_draw < 0.2:
                return
            self._last_draw = now
            self.stream.write("\r" + self._line(done, now))
            if done >= self.total:
                self.stream.write("\n")
        else:
            decile = int(share * 10)
            if decile == self._last_decile:
                return
            self._last_decile = decile
            self.stream.write(self._line(done, now) + "\n")
        self.stream.flush()

    def _line(self, done: int, now: float) -> str:
        share = done / self.total if self.total else 1.0
        width = 30
        filled = int(share * width)
        elapsed = max(now - self.started, 1e-9)
        rate = done / elapsed
        left = (self.total - done) / rate if rate > 0 else math.inf
        eta = f"{left:4.0f} s left" if math.isfinite(left) else "     "
        return (
            f"{self.label} [{'#' * filled}{'.' * (width - filled)}] {share * 100:3.0f}%  "
            f"{done}/{self.total} frames  {rate:5.1f} fps  {eta}"
        )


@dataclass(frozen=True)
class ExportResult:
    path: Path
    frames: int
    seconds: float  # wall time taken
    size: tuple[int, int]
    fps: float
    audio: Path | None

    @property
    def frames_per_second(self) -> float:
        return self.frames / self.seconds if self.seconds > 0 else math.inf


def export_video(
    player: Player,
    path: Path,
    spec: VideoSpec,
    progress: bool = True,
    on_frame: Callable[[int, float], None] | None = None,
) -> ExportResult:
    """Render ``spec`` from the player's loaded scene into ``path`` (MP4)."""
    if player.show is None:
        raise ExhibitError("no scene is loaded")
    capture = player.displays.capture()
    if capture.size != tuple(spec.size):
        raise ExhibitError(
            f"the player renders {capture.size[0]}x{capture.size[1]}, not the {spec.size[0]}x{spec.size[1]} asked for"
        )
    mix = player.show.mix if player.show.mix is not None and player.show.mix.exists() else None
    if mix is None:
        print(
            f"exhibit: warning: no narration mix for {player.show.scene.scene_id} "
            f"({player.show.lang}); "
            "the video's sound track is silent",
            file=sys.stderr,
        )
    bar = ProgressBar(f"{player.show.scene.scene_id}", spec.frames) if progress else None
    player.app.use_frame_clock(spec.fps)
    started = time.perf_counter()
    writer: VideoWriter | None = None
    try:
        player.seek(spec.start, inclusive=True)
        for i in range(spec.frames):
            t = spec.time_of(i)
            player.step(t)
            frame, layout = raw_frame(capture)
            if writer is None:
                writer = VideoWriter(path, spec, mix, raw=layout)
            writer.write(frame)
            if on_frame is not None:
                on_frame(i, t)
            if bar is not None:
                bar.update(i + 1)
        if writer is not None:
            writer.close()
    except BaseException:
        if writer is not None:
            writer.abort()
        raise
    finally:
        player.app.use_real_clock()
    return ExportResult(path, spec.frames, time.perf_counter() - started, spec.size, spec.fps, mix)


def still(player: Player, t: float, path: Path) -> None:
    """Render the moment ``t`` of the loaded scene to a PNG."""
    capture = player.displays.capture()
    player.seek(t)
    player.step(t)
    save_png(capture, path)
