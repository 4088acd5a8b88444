"""Reading and writing audio files (the file-system edge of narration).

WAV is read and written directly (scipy), which is fast and exact. Compressed
recordings (ogg, mp3, flac) are decoded by pydub with its converter pointed at
imageio-ffmpeg's bundled ffmpeg, so no system ffmpeg is needed. pydub would ask
ffprobe (which is not bundled) for the codec; we name the codec ourselves from
the file's first bytes instead.
"""

from __future__ import annotations

import os
import tempfile
import warnings
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from exhibit.narration.clip import Clip
from exhibit.spec.errors import ExhibitError


class AudioFileError(ExhibitError):
    """An audio file could not be read or written."""


@cache
def ffmpeg_exe() -> str:
    """The bundled ffmpeg binary (imageio-ffmpeg), used for every decode and encode."""
    import imageio_ffmpeg

    return str(imageio_ffmpeg.get_ffmpeg_exe())


@cache
def audio_segment() -> Any:
    """pydub's AudioSegment, with its converter set to the bundled ffmpeg."""
    with warnings.catch_warnings():
        # pydub warns at import when no ffmpeg is on PATH, and Python 3.11+ warns about
        # audioop; neither matters once the converter is set below.
        warnings.simplefilter("ignore")
        from pydub import AudioSegment
    AudioSegment.converter = ffmpeg_exe()
    AudioSegment.ffmpeg = ffmpeg_exe()
    return AudioSegment


def sniff_codec(path: Path) -> tuple[str, str]:
    """(container format, decoder) from the file's first bytes, so ffprobe is never needed."""
    with path.open("rb") as fh:
        head = fh.read(64)
    if head.startswith(b"fLaC"):
        return "flac", "flac"
    if head.startswith(b"OggS"):
        return ("ogg", "libopus") if b"OpusHead" in head else ("ogg", "vorbis")
    if head.startswith(b"ID3") or (len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0):
        return "mp3", "mp3"
    if head.startswith(b"RIFF"):
        return "wav", "pcm_s16le"
    raise AudioFileError(f"'{path}' is not a wav, ogg, mp3 or flac file (unknown content)")


def read(path: str | os.PathLike[str]) -> Clip:
    """Any supported audio file as a float clip at its own rate and channel count."""
    p = Path(path)
    if not p.is_file():
        raise AudioFileError(f"audio file '{p}' does not exist")
    if p.suffix.lower() in FILM_SUFFIXES:
        return read_film_sound(p)
    fmt, codec = sniff_codec(p)
    if fmt == "wav":
        clip = _read_wav(p)
        if clip is not None:
            return clip
    return _read_with_pydub(p, fmt, None if fmt == "wav" else codec)


#: Films whose own sound goes into a scene's mix (``video`` objects).
FILM_SUFFIXES = (".mp4", ".m4v", ".mov", ".webm", ".mkv")


def read_film_sound(path: Path) -> Clip:
    """A film's sound track at 48 kHz stereo (a silent, empty clip for a film without one)."""
    import subprocess

    command = [ffmpeg_exe(), "-v", "error", "-nostdin", "-i", str(path), "-map", "0:a:0?", "-vn"]
    command += ["-f", "f32le", "-acodec", "pcm_f32le", "-ac", "2", "-ar", "48000", "-"]
    done = subprocess.run(command, capture_output=True, check=False)
    if done.returncode != 0 and b"does not contain any stream" in done.stderr:
        done = subprocess.CompletedProcess(command, 0, b"", b"")  # a film without a sound track
    if done.returncode != 0:
        first = done.stderr.decode("utf-8", "replace").strip().splitlines()[:1] or ["unknown error"]
        raise AudioFileError(f"cannot read the sound of '{path}': {first[0]}")
    return Clip.of(np.frombuffer(done.stdout, dtype="<f4").reshape(-1, 2).copy(), 48000)


def _read_wav(path: Path) -> Clip | None:
    from scipy.io import wavfile

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # unknown chunks (LIST, bext) are fine
            rate, data = wavfile.read(path, mmap=False)
    except ValueError:
        return None  # an encoding scipy does not know: let ffmpeg try
    return Clip.of(_to_float(data), rate)


def _to_float(data: np.ndarray) -> np.ndarray:
    if data.dtype == np.uint8:
        return (data.astype(np.float32) - 128.0) / 128.0
    if data.dtype == np.int16:
        return data.astype(np.float32) / 32768.0
    if data.dtype == np.int32:
        return (data.astype(np.float64) / 2147483648.0).astype(np.float32)
    return data.astype(np.float32)


def _read_with_pydub(path: Path, fmt: str, codec: str | None) -> Clip:
    segment_cls = audio_segment()
    from pydub.exceptions import CouldntDecodeError

    try:
        seg = segment_cls.from_file(str(path), format=fmt, codec=codec)
    except (CouldntDecodeError, OSError, IndexError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise AudioFileError(f"cannot decode '{path}': {first}") from exc
    width = seg.sample_width
    raw = np.frombuffer(seg.raw_data, dtype={1: np.uint8, 2: np.int16, 4: np.int32}[width])
    return Clip.of(_to_float(raw).reshape(-1, seg.channels), seg.frame_rate)


#: Frames converted to 16-bit at a time when writing (about 1.4 s of 48 kHz audio).
WRITE_FRAMES = 1 << 16


def write_wav(path: str | os.PathLike[str], clip: Clip) -> Path:
    """Write 16-bit PCM atomically (readers never see half a file); returns the path.

    The samples are converted a stretch at a time, so writing a long mix needs no
    copy of it. Values beyond full scale are clipped here as a last resort; the
    limiter in :mod:`exhibit.narration.loudness` keeps the mix well below that.
    """
    import wave

    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{p.name}.", suffix=".tmp", dir=p.parent)
    try:
        with os.fdopen(fd, "wb") as fh, wave.open(fh, "wb") as out:
            out.setnchannels(clip.channels)
            out.setsampwidth(2)
            out.setframerate(clip.rate)
            out.setnframes(clip.frames)  # the header is right from the start: no seeking back
            for lo in range(0, clip.frames, WRITE_FRAMES):
                part = clip.samples[lo : lo + WRITE_FRAMES] * np.float32(32767.0)
                pcm = np.clip(np.round(part, out=part), -32768, 32767, out=part).astype("<i2")
                out.writeframesraw(pcm.tobytes())
        os.chmod(tmp, 0o644)  # mkstemp makes 0600; build outputs are for every user
        os.replace(tmp, p)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return p
