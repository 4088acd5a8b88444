"""A staff film file as the checks see it: readable by ffmpeg, its size, rate and length.

``exhibit check`` asks ffmpeg (the one imageio-ffmpeg ships) for the header only; the
renderer decodes the same file with the same program, so a film that passes here plays.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from exhibit.spec.errors import ExhibitError

#: Films are shown at most this wide and high (larger ones are scaled down as they are
#: decoded): a screen in the world rarely covers more of the view, and a 1080p frame
#: is 2.25 times the bytes to decode, copy and upload 25 times a second.
MAX_FILM_SIZE = (1280, 720)


@dataclass(frozen=True)
class FilmInfo:
    width: int
    height: int
    fps: float
    duration: float  # seconds

    @property
    def aspect(self) -> float:
        return self.width / self.height

    @property
    def frames(self) -> int:
        return max(1, round(self.duration * self.fps))

    def shown_size(self) -> tuple[int, int]:
        """The size frames are decoded at: the film's, within :data:`MAX_FILM_SIZE`, even."""
        scale = min(1.0, MAX_FILM_SIZE[0] / self.width, MAX_FILM_SIZE[1] / self.height)
        return max(2, round(self.width * scale / 2) * 2), max(2, round(self.height * scale / 2) * 2)


def probe(path: Path) -> FilmInfo:
    """Size, frame rate and length of the film at ``path``; :class:`ExhibitError` if unreadable."""
    import imageio_ffmpeg

    try:
        reader = imageio_ffmpeg.read_frames(str(path))
        try:
            meta = next(reader)
        finally:
            reader.close()
    except (OSError, RuntimeError, StopIteration) as exc:
        first = str(exc).strip().splitlines()[-1:] or ["no picture"]
        raise ExhibitError(f"ffmpeg cannot read it as a film ({first[0][:160]})") from None
    width, height = meta.get("size") or (0, 0)
    fps = float(meta.get("fps") or 0.0)
    duration = float(meta.get("duration") or 0.0)
    if width < 2 or height < 2 or fps <= 0:
        raise ExhibitError("it has no picture ffmpeg can show")
    if duration <= 0:
        raise ExhibitError("it has no length (a stream, or a damaged file)")
    return FilmInfo(int(width), int(height), fps, duration)
