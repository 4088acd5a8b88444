"""The whole-array loudness normalization the mix used before it worked in place.

Kept as the reference the in-place path is held to: pyloudnorm's own meter over the
whole clip in double precision, the 4x true-peak interpolation over every frame, and the
look-ahead limiter's gain computed for every frame of the clip at once.
"""

from __future__ import annotations

import math

import numpy as np
from scipy.ndimage import minimum_filter1d, uniform_filter1d
from scipy.signal import upfirdn

from exhibit.narration.loudness import OVERSAMPLE, _interpolator


def lufs(samples: np.ndarray, rate: int) -> float:
    import pyloudnorm

    return float(pyloudnorm.Meter(rate).integrated_loudness(samples.astype(np.float64)))


def frame_peaks(samples: np.ndarray) -> np.ndarray:
    h = _interpolator()
    up = upfirdn(h, np.ascontiguousarray(samples.T), OVERSAMPLE, 1, axis=1)
    delay = (len(h) - 1) // 2
    up = np.abs(up[:, delay : delay + samples.shape[0] * OVERSAMPLE]).max(axis=0)
    return up.reshape(-1, OVERSAMPLE).max(axis=1)


def limit(samples: np.ndarray, rate: int, ceiling_db: float) -> np.ndarray:
    ceiling = 10 ** (ceiling_db / 20)
    hold, ramp = 2 * round(0.050 * rate) + 1, 2 * round(0.005 * rate) + 1
    for _ in range(4):
        peaks = frame_peaks(samples)
        if peaks.max() <= ceiling:
            break
        need = np.minimum(1.0, ceiling / np.maximum(peaks, 1e-9)).astype(np.float32)
        gain = minimum_filter1d(need, size=hold + ramp, mode="nearest")
        gain = np.minimum(uniform_filter1d(gain, size=ramp, mode="nearest"), need)
        samples = samples * gain[:, None]
        ceiling *= 10 ** (-0.1 / 20)
    return samples


def normalize(samples: np.ndarray, rate: int, target: float, ceiling_db: float) -> np.ndarray:
    """Gain to ``target`` LUFS, limit, and gain again while limiting costs over 0.2 LU."""
    measured = lufs(samples, rate)
    gain = target - measured
    out = limit(samples * np.float32(10 ** (gain / 20)), rate, ceiling_db)
    for _ in range(3):
        level = lufs(out, rate)
        if abs(level - target) <= 0.2 or not math.isfinite(level):
            break
        gain += target - level
        out = limit(samples * np.float32(10 ** (gain / 20)), rate, ceiling_db)
    return out
