"""A piece of audio in memory: float samples and a sample rate.

Like pydub's AudioSegment, a Clip is one immutable noun whose verbs return new
clips; unlike it, samples are float32 at full scale 1.0, so gains and sums never
clip on the way (only the final file is quantized, after the limiter).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

MIX_RATE = 48_000  # Hz: every line and the mix are brought to this rate


@dataclass(frozen=True, eq=False)
class Clip:
    samples: np.ndarray  # float32, shape (frames, channels)
    rate: int

    def __post_init__(self) -> None:
        if self.samples.ndim != 2:
            raise ValueError(
                f"a clip needs samples of shape (frames, channels), got {self.samples.shape}"
            )

    @classmethod
    def silence(cls, seconds: float, rate: int = MIX_RATE, channels: int = 1) -> Clip:
        return cls(np.zeros((max(0, round(seconds * rate)), channels), dtype=np.float32), rate)

    @classmethod
    def of(cls, samples: np.ndarray, rate: int) -> Clip:
        """A clip from a 1-D (mono) or 2-D (frames, channels) array."""
        data = np.asarray(samples, dtype=np.float32)
        if data.ndim == 1:
            data = data[:, None]
        return cls(data, int(rate))

    @property
    def frames(self) -> int:
        return int(self.samples.shape[0])

    @property
    def channels(self) -> int:
        return int(self.samples.shape[1])

    @property
    def duration(self) -> float:
        return self.frames / self.rate

    def peak(self) -> float:
        """Highest absolute sample value (not the true peak: see loudness)."""
        if not self.frames:
            return 0.0
        return max(float(self.samples.max()), -float(self.samples.min()))

    def mono(self) -> Clip:
        if self.channels == 1:
            return self
        return Clip(self.samples.mean(axis=1, keepdims=True, dtype=np.float32), self.rate)

    def with_channels(self, channels: int) -> Clip:
        if channels == self.channels:
            return self
        if self.channels == 1:
            return Clip(np.repeat(self.samples, channels, axis=1), self.rate)
        return self.mono().with_channels(channels)

    def resampled(self, rate: int) -> Clip:
        """The clip at another sample rate (polyphase FIR, so speech keeps its treble)."""
        if rate == self.rate or self.frames == 0:
            return self if rate == self.rate else Clip(self.samples[:0], rate)
        from scipy.signal import resample_poly

        g = math.gcd(rate, self.rate)
        out = resample_poly(self.samples, rate // g, self.rate // g, axis=0)
        return Clip(np.ascontiguousarray(out, dtype=np.float32), rate)

    def gained(self, db: float) -> Clip:
        if db == 0.0:
            return self
        return Clip(self.samples * np.float32(10.0 ** (db / 20.0)), self.rate)

    def sliced(self, start: float, end: float | None = None) -> Clip:
        a = max(0, round(start * self.rate))
        b = self.frames if end is None else max(a, round(end * self.rate))
        return Clip(self.samples[a:b], self.rate)

    def padded(self, seconds: float) -> Clip:
        """The clip with silence after it, at least ``seconds`` long in all."""
        need = round(seconds * self.rate) - self.frames
        if need <= 0:
            return self
        return Clip(
            np.concatenate([self.samples, np.zeros((need, self.channels), np.float32)]), self.rate
        )
