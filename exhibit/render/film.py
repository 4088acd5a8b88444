"""Frames of a film on demand, by number, decoded ahead by ffmpeg in a reader thread.

The screen asks for frame ``i`` of show time; the reader gives exactly that frame. In
play the frames are asked for in order, so the thread's ffmpeg decodes the next ones
while the current frame is drawn and asking costs a queue read. A seek backwards or far
ahead restarts ffmpeg at the frame asked for (an accurate input seek: the frame that
starts half a frame later is dropped, so the first frame out is the one asked for).

Frames come in Panda3D's own byte order (BGR), top row first (the screen's card turns
its texture coordinates upside down instead of ffmpeg turning every frame), sized to fit
:data:`exhibit.spec.film.MAX_FILM_SIZE`, ready to be a texture's RAM image.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator
from pathlib import Path

from exhibit.spec.errors import ExhibitError
from exhibit.spec.film import FilmInfo

AHEAD = 12  # frames decoded ahead of the one shown (half a second at 25 fps)
SKIP = 50  # frames: further ahead than this, ffmpeg is restarted at the frame instead
WAIT = 10.0  # seconds a frame may take (ffmpeg starting on a busy machine)


class FilmReader:
    """Frame ``i`` of a film, as bytes; :meth:`close` stops its ffmpeg."""

    def __init__(self, path: Path, info: FilmInfo) -> None:
        self.path = path
        self.info = info
        self.size = info.shown_size()
        self._queue: queue.Queue[tuple[int, bytes] | None] = queue.Queue(AHEAD)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._next = 0  # the index the queue gives next
        self._last: tuple[int, bytes] | None = None
        self._ended = False

    def frame(self, index: int) -> bytes:
        """The bytes of frame ``index`` (the last frame of the film for any index after it)."""
        index = max(0, min(index, self.info.frames - 1))
        if self._last is not None and self._last[0] == index:
            return self._last[1]
        if self._thread is None or index < self._next or index > self._next + SKIP:
            self._restart(index)
        while True:
            if self._ended and self._last is not None:
                return self._last[1]
            try:
                item = self._queue.get(timeout=WAIT)
            except queue.Empty:
                raise ExhibitError(f"the film {self.path} gives no frame {index} (ffmpeg is stuck)") from None
            if item is None:
                self._ended = True
                if self._last is None:
                    raise ExhibitError(f"the film {self.path} has no frame {index}")
                continue
            self._last = item
            self._next = item[0] + 1
            if item[0] >= index:
                return item[1]

    def _restart(self, index: int) -> None:
        self.close()
        self._stop = threading.Event()
        self._queue = queue.Queue(AHEAD)
        self._next = index
        self._ended = False
        self._last = None
        self._thread = threading.Thread(
            target=self._run, args=(index, self._queue, self._stop), name=f"film {self.path.name}", daemon=True
        )
        self._thread.start()

    def _frames(self, index: int) -> Iterator[bytes]:
        import logging

        import imageio_ffmpeg

        # it warns that the frames are not the film's size: they are scaled on purpose
        logging.getLogger("imageio_ffmpeg").setLevel(logging.ERROR)
        seek = ["-ss", f"{(index - 0.5) / self.info.fps:.6f}"] if index > 0 else []
        width, height = self.size
        reader = imageio_ffmpeg.read_frames(
            str(self.path),
            pix_fmt="bgr24",
            input_params=seek,
            output_params=["-vf", f"scale={width}:{height}:flags=fast_bilinear", "-an"],
        )
        try:
            next(reader)  # the header
            yield from reader
        finally:
            reader.close()

    def _run(self, index: int, out: queue.Queue[tuple[int, bytes] | None], stop: threading.Event) -> None:
        try:
            for i, data in enumerate(self._frames(index), start=index):
                while not stop.is_set():
                    try:
                        out.put((i, data), timeout=0.1)
                        break
                    except queue.Full:
                        continue
                if stop.is_set():
                    return
        except (OSError, RuntimeError):
            pass  # a damaged tail: the frames read so far are all there is
        while not stop.is_set():
            try:
                out.put(None, timeout=0.1)
                return
            except queue.Full:
                continue

    def close(self) -> None:
        """Stop decoding (the ffmpeg process ends with its reader)."""
        if self._thread is not None:
            self._stop.set()
            self._thread.join(timeout=WAIT)
            self._thread = None
