"""Frames of a film on demand, by number, decoded ahead by ffmpeg in a reader thread.

The screen asks for frame ``i`` of show time; the reader gives exactly that frame. In
play the frames are asked for in order, so the thread's ffmpeg decodes the next ones
while the current frame is drawn and asking costs a queue read. A seek backwards or far
ahead restarts ffmpeg at the frame asked for (an accurate input seek: the frame that
starts half a frame later is dropped, so the first frame out is the one asked for).

Frames come in Panda3D's own byte order (BGR), top row first (the screen's card turns
its texture coordinates upside down instead of ffmpeg turning every frame), sized to fit
:data:`exhibit.spec.film.MAX_FILM_SIZE`. The thread reads each straight into one of a
few Panda3D arrays made once, so handing a frame to the texture is a reference, not a
2.7 MB copy on the frame's time (measured: 0.02 ms against 1.6 ms).
"""

from __future__ import annotations

import io
import queue
import subprocess
import threading
from pathlib import Path
from typing import cast

from panda3d.core import CPTAUchar, PTAUchar

from exhibit.spec.errors import ExhibitError
from exhibit.spec.film import FilmInfo

AHEAD = 12  # frames decoded ahead of the one shown (half a second at 25 fps)
SKIP = 50  # frames: further ahead than this, ffmpeg is restarted at the frame instead
WAIT = 10.0  # seconds a frame may take (ffmpeg starting on a busy machine)

Frame = tuple[int, PTAUchar]


class FilmReader:
    """Frame ``i`` of a film, as a texture's RAM image; :meth:`close` stops its ffmpeg."""

    def __init__(self, path: Path, info: FilmInfo) -> None:
        self.path = path
        self.info = info
        self.size = info.shown_size()
        self._bytes = self.size[0] * self.size[1] * 3
        # AHEAD queued, one being read, one shown, one spare: the thread never waits for one
        self._pool: queue.Queue[PTAUchar] = queue.Queue()
        for _ in range(AHEAD + 3):
            self._pool.put(PTAUchar.emptyArray(self._bytes))
        self._queue: queue.Queue[Frame | None] = queue.Queue(AHEAD)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._next = 0  # the index the queue gives next
        self._shown: Frame | None = None
        self._ended = False

    def frame(self, index: int) -> CPTAUchar:
        """The RAM image of frame ``index`` (the film's last frame for any index after it)."""
        index = max(0, min(index, self.info.frames - 1))
        if self._shown is not None and (self._shown[0] == index or (self._ended and index >= self._next)):
            return CPTAUchar(self._shown[1])
        if self._thread is None or index < self._next or index > self._next + SKIP:
            self._restart(index)
        while True:
            try:
                item = self._queue.get(timeout=WAIT)
            except queue.Empty:
                raise ExhibitError(f"the film {self.path} gives no frame {index} (ffmpeg is stuck)") from None
            if item is None:
                self._ended = True
                if self._shown is None:
                    raise ExhibitError(f"the film {self.path} has no frame {index}")
                return CPTAUchar(self._shown[1])
            self._show(item)
            if item[0] >= index:
                return CPTAUchar(item[1])

    def _show(self, item: Frame) -> None:
        """``item`` is shown now; the array shown before goes back to the thread."""
        if self._shown is not None:
            self._pool.put(self._shown[1])
        self._shown = item
        self._next = item[0] + 1

    def _restart(self, index: int) -> None:
        self.close()
        self._stop = threading.Event()
        self._next = index
        self._ended = False
        self._thread = threading.Thread(
            target=self._run, args=(index, self._queue, self._stop), name=f"film {self.path.name}", daemon=True
        )
        self._thread.start()

    def _command(self, index: int) -> list[str]:
        from exhibit.narration.audiofile import ffmpeg_exe

        seek = ["-ss", f"{(index - 0.5) / self.info.fps:.6f}"] if index > 0 else []
        width, height = self.size
        scale = f"scale={width}:{height}:flags=fast_bilinear"
        return [ffmpeg_exe(), "-v", "error", "-nostdin", *seek, "-i", str(self.path), "-an", "-vf", scale]

    def _run(self, index: int, out: queue.Queue[Frame | None], stop: threading.Event) -> None:
        command = [*self._command(index), "-f", "rawvideo", "-pix_fmt", "bgr24", "-"]
        proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, bufsize=0)
        assert proc.stdout is not None
        stdout = cast(io.RawIOBase, proc.stdout)  # bufsize=0: a raw FileIO, whose readinto fills the frame in place
        try:
            i = index
            while not stop.is_set():
                array = self._take(stop)
                if array is None:
                    return
                view, got = memoryview(array), 0
                while got < self._bytes:
                    n = stdout.readinto(view[got:])
                    if not n:
                        break
                    got += n
                if got < self._bytes:  # the end of the film (or of what ffmpeg could read)
                    self._pool.put(array)
                    self._put(out, None, stop)
                    return
                if not self._put(out, (i, array), stop):
                    self._pool.put(array)
                    return
                i += 1
        finally:
            proc.kill()
            proc.wait()

    def _take(self, stop: threading.Event) -> PTAUchar | None:
        while not stop.is_set():
            try:
                return self._pool.get(timeout=0.1)
            except queue.Empty:
                continue
        return None

    @staticmethod
    def _put(out: queue.Queue[Frame | None], item: Frame | None, stop: threading.Event) -> bool:
        while not stop.is_set():
            try:
                out.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def close(self) -> None:
        """Stop decoding (its ffmpeg is killed) and take back the frames it had read ahead."""
        if self._thread is not None:
            self._stop.set()
            self._thread.join(timeout=WAIT)
            self._thread = None
        while True:
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                break
            if item is not None:
                self._pool.put(item[1])
