"""Content roots made in a temporary folder, synthetic recordings, and an independent meter.

Loudness and true peak are measured with ffmpeg's ``ebur128`` filter (the
bundled imageio-ffmpeg binary), never with the code under test. Recordings are
synthetic "speech": tone bursts with syllable-like envelopes, so every time in
them is known exactly.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import textwrap
import wave
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

from exhibit.spec.project import Project

RATE = 48_000

requires_espeak = pytest.mark.skipif(
    shutil.which("espeak-ng") is None, reason="espeak-ng is not installed (apt install espeak-ng)"
)


def ffmpeg() -> str:
    import imageio_ffmpeg

    return str(imageio_ffmpeg.get_ffmpeg_exe())


@dataclass(frozen=True)
class Loudness:
    integrated: float  # LUFS
    true_peak: float  # dBTP


def ebur128(path: Path) -> Loudness:
    """Integrated loudness and true peak as ffmpeg's ebur128 filter reports them."""
    done = subprocess.run(
        [
            ffmpeg(),
            "-hide_banner",
            "-nostats",
            "-i",
            str(path),
            "-filter_complex",
            "ebur128=peak=true",
            "-f",
            "null",
            "-",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    summary = done.stderr[done.stderr.rindex("Summary:") :]
    integrated = re.search(r"I:\s+(-?[\d.]+|-inf) LUFS", summary)
    peak = re.search(r"Peak:\s+(-?[\d.]+|-inf) dBFS", summary)
    assert integrated and peak, summary
    return Loudness(float(integrated[1]), float(peak[1]))


def read_wav(path: Path) -> tuple[np.ndarray, int]:
    """Samples (frames, channels) in -1..1 and the rate, with the standard library's reader."""
    with wave.open(str(path), "rb") as w:
        assert w.getsampwidth() == 2
        data = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2").astype(np.float64) / 32768.0
        return data.reshape(-1, w.getnchannels()), w.getframerate()


def write_wav(path: Path, samples: np.ndarray, rate: int = RATE) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    data = np.asarray(samples, dtype=np.float64)
    if data.ndim == 1:
        data = data[:, None]
    pcm = np.clip(np.round(data * 32767), -32768, 32767).astype("<i2")
    with wave.open(str(path), "wb") as w:
        w.setnchannels(data.shape[1])
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(pcm.tobytes())
    return path


def tone(freq: float, seconds: float, amp: float = 0.3, rate: int = RATE) -> np.ndarray:
    t = np.arange(round(seconds * rate)) / rate
    return amp * np.sin(2 * np.pi * freq * t)


def silence(seconds: float, rate: int = RATE) -> np.ndarray:
    return np.zeros(round(seconds * rate))


def syllables(
    seconds: float, freq: float = 2000.0, amp: float = 0.3, rate: int = RATE
) -> np.ndarray:
    """A voice-like tone: on for the whole span, its level moving at syllable rate (4 Hz)."""
    t = np.arange(round(seconds * rate)) / rate
    envelope = 0.6 + 0.4 * np.abs(np.sin(np.pi * 4 * t))
    ramp = np.minimum(1.0, np.minimum(t, t[-1] - t) / 0.005)  # 5 ms edges: no clicks
    return amp * envelope * ramp * np.sin(2 * np.pi * freq * t)


def words(
    count: int, word: float, gap: float, freq: float = 1000.0, lead: float = 0.3, tail: float = 0.3
) -> tuple[np.ndarray, list[float]]:
    """A recording of ``count`` tone-burst words; returns it and each word's onset (s)."""
    parts = [silence(lead)]
    onsets = []
    at = lead
    for i in range(count):
        onsets.append(at)
        parts.append(syllables(word, freq))
        at += word
        if i + 1 < count:
            parts.append(silence(gap))
            at += gap
    parts.append(silence(tail))
    return np.concatenate(parts), onsets


def band_level_db(
    samples: np.ndarray, rate: int, freq: float, t: float, window: float = 0.04
) -> float:
    """Level (dB, relative to full scale sine) of the ``freq`` component around time ``t``."""
    mono = samples.mean(axis=1) if samples.ndim == 2 else samples
    n = round(window * rate)
    a = round(t * rate) - n // 2
    seg = mono[max(0, a) : max(0, a) + n]
    w = np.hanning(len(seg))
    k = np.arange(len(seg))
    amp = 2 * abs(np.sum(seg * w * np.exp(-2j * np.pi * freq * k / rate))) / w.sum()
    return 20 * np.log10(max(amp, 1e-12))


def onset(
    samples: np.ndarray,
    rate: int,
    freq: float,
    after: float,
    threshold_db: float = -40.0,
    window: float = 0.004,
) -> float:
    """First time after ``after`` where the ``freq`` band rises above ``threshold_db`` (to 1 ms).

    Complex demodulation: shift ``freq`` to 0 Hz, average over ``window``, take the magnitude.
    """
    mono = samples.mean(axis=1) if samples.ndim == 2 else samples
    a = max(0, round(after * rate))
    seg = mono[a:]
    k = np.arange(a, a + len(seg))
    base = seg * np.exp(-2j * np.pi * freq * k / rate)
    n = max(1, round(window * rate))
    level = 2 * np.abs(np.convolve(base, np.ones(n) / n, mode="valid"))
    above = np.flatnonzero(level > 10 ** (threshold_db / 20))
    if above.size == 0:
        raise AssertionError(f"no {freq:g} Hz sound after {after:.2f} s")
    return (a + above[0] + n) / rate  # the window ends where the sound has risen


class Content:
    """A content root in a temporary folder: scenes/, audio/, and its build/."""

    def __init__(self, root: Path) -> None:
        self.root = root
        (root / "scenes").mkdir(parents=True, exist_ok=True)

    @property
    def project(self) -> Project:
        return Project.at(self.root)

    def scene(self, name: str, yaml_text: str) -> Path:
        path = self.root / "scenes" / f"{name}.yaml"
        path.write_text(textwrap.dedent(yaml_text).lstrip(), encoding="utf-8")
        return path

    def wav(self, rel: str, samples: np.ndarray, rate: int = RATE) -> Path:
        return write_wav(self.root / rel, samples, rate)


@pytest.fixture
def content(tmp_path: Path) -> Content:
    return Content(tmp_path / "content")
