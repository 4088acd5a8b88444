"""Loudness (ITU-R BS.1770 / EBU R 128) and true peak, and bringing audio to target.

Integrated loudness is measured with pyloudnorm (agrees with ffmpeg's ebur128
within 0.1 LU). Normalizing is a pure gain, so it can push peaks up: the true
peak is then checked by 4x oversampling (BS.1770 Annex 2) and a look-ahead
limiter pulls any overshoot under the ceiling. Nothing is ever clipped.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np

from exhibit.narration.clip import Clip

TARGET_LUFS = -23.0  # EBU R 128 programme loudness
LINE_TOLERANCE_LU = 0.5  # each narration line: -23 LUFS +-0.5
MIX_TOLERANCE_LU = 1.0  # the mix: -23 LUFS +-1 LU
CEILING_DBTP = -1.0  # EBU R 128: maximum true peak
#: Where the limiter aims: a little under the ceiling, so that another meter's
#: oversampling filter (ffmpeg's differs from ours) still reads at most -1 dBTP.
LIMIT_DBTP = -1.5
OVERSAMPLE = 4  # BS.1770: 4x for 48 kHz
BLOCK_SECONDS = 0.4  # BS.1770 gating block; shorter audio is padded with silence
SILENT_LUFS = -70.0  # BS.1770 absolute gate
LONG_SECONDS = 60.0  # from this length on, loudness is measured by the vectorized path

_CHUNK = 4096  # frames per chunk when looking for true peaks
_RUN = 64  # at most this many neighbouring chunks are oversampled in one go
#: Intersample peaks of real audio stay within a dB or two of the sample peak, so only
#: chunks whose sample peak is within this many dB of the level in question are oversampled.
_SEARCH_DB = 4.0
#: The 4x interpolation filter: 12 taps per phase, like the BS.1770-4 reference filter.
_TAPS_PER_PHASE = 12
_HOLD = 0.050  # s: the limiter holds its gain this long around a peak (no pumping)
_RAMP = 0.005  # s: and ramps into and out of it this fast (no clicks)


@cache
def _interpolator() -> np.ndarray:
    from scipy.signal import firwin

    taps = OVERSAMPLE * _TAPS_PER_PHASE + 1  # odd: a whole-sample delay, originals kept exactly
    return (firwin(taps, 1.0 / OVERSAMPLE, window=("kaiser", 6.0)) * OVERSAMPLE).astype(np.float32)


def lufs(clip: Clip) -> float:
    """Integrated loudness in LUFS; ``-inf`` for silence.

    pyloudnorm measures lines directly. A clip of a minute or more (a scene's mix)
    goes through :func:`_long_lufs`: the same measurement with pyloudnorm's own
    filters and gates, vectorized, because pyloudnorm filters in double precision
    while holding the interpreter lock and then loops over every 100 ms block in
    Python, which takes seconds on a 10-minute stereo mix.
    """
    import pyloudnorm

    if clip.duration >= LONG_SECONDS:
        value = _long_lufs(clip, pyloudnorm.Meter(clip.rate))
        return value if math.isfinite(value) and value > SILENT_LUFS else -math.inf
    data = clip.samples.astype(np.float64)
    if clip.duration < BLOCK_SECONDS + 0.01:
        pad = round((BLOCK_SECONDS + 0.01) * clip.rate) - clip.frames
        data = np.concatenate([data, np.zeros((pad, clip.channels))])
    if not np.any(data):
        return -math.inf
    meter = pyloudnorm.Meter(clip.rate)
    value = float(meter.integrated_loudness(data if clip.channels > 1 else data[:, 0]))
    return value if math.isfinite(value) and value > SILENT_LUFS else -math.inf


def _long_lufs(clip: Clip, meter: Any) -> float:
    """BS.1770-4 gated loudness as ``meter.integrated_loudness`` computes it, vectorized.

    The same K-weighting filters (taken from the meter, run as second-order sections
    in single precision: the error is far below 0.01 LU), the same 400 ms blocks with
    75 % overlap and the same absolute and relative gates. Channels are filtered in
    parallel (sosfilt releases the interpreter lock); a block's energy is the sum of
    its four 100 ms hops.
    """
    from concurrent.futures import ThreadPoolExecutor

    from scipy.signal import sosfilt

    rows = []
    gain = 1.0
    for stage in meter._filters.values():  # high shelf, then high pass (K-weighting)
        rows.append(np.concatenate([stage.b, stage.a]))
        gain *= stage.passband_gain
    sos = np.array(rows, dtype=np.float64)
    sos[0, :3] *= gain
    sos32 = sos.astype(np.float32)

    block, step = meter.block_size, 1.0 - meter.overlap
    hop = round(block * step * clip.rate)  # 100 ms of frames
    per_block = round(1.0 / step)  # four hops make a 400 ms block
    count = int(np.round((clip.frames / clip.rate - block) / (block * step))) + 1

    def hop_energy(ch: int) -> np.ndarray:
        y = sosfilt(sos32, np.ascontiguousarray(clip.samples[:, ch], dtype=np.float32))
        whole = len(y) // hop
        head = y[: whole * hop].reshape(whole, hop).astype(np.float64)
        sums = np.einsum("ij,ij->i", head, head)
        tail = y[whole * hop :].astype(np.float64)
        return np.append(sums, float(tail @ tail))  # and the partial hop at the end

    with ThreadPoolExecutor(max_workers=min(2, clip.channels)) as pool:
        hops = list(pool.map(hop_energy, range(clip.channels)))
    # Block j is hops j..j+3; the last blocks may run past the end, as in pyloudnorm.
    window = np.ones(per_block)
    z = np.array([np.convolve(h, window)[per_block - 1 : per_block - 1 + count] for h in hops])
    z /= block * clip.rate
    weights = np.array([1.0, 1.0, 1.0, 1.41, 1.41][: clip.channels])
    with np.errstate(divide="ignore"):
        loud = -0.691 + 10.0 * np.log10(weights @ z)
        above = loud >= SILENT_LUFS
        if not above.any():
            return -math.inf
        relative = -0.691 + 10.0 * np.log10(weights @ z[:, above].mean(axis=1)) - 10.0
        gated = (loud > relative) & above
        if not gated.any():
            return -math.inf
        return float(-0.691 + 10.0 * np.log10(weights @ z[:, gated].mean(axis=1)))


def _frame_peaks(samples: np.ndarray, chunks: np.ndarray) -> np.ndarray:
    """Oversampled absolute peak of each frame inside the given chunks (0 elsewhere)."""
    from scipy.signal import upfirdn

    h = _interpolator()
    delay = (len(h) - 1) // 2  # the filter's group delay, in oversampled samples
    margin = _TAPS_PER_PHASE  # frames of context either side
    frames = samples.shape[0]
    out = np.zeros(frames, dtype=np.float32)
    # Neighbouring chunks are oversampled together: fewer, longer filter runs.
    runs: list[list[int]] = []
    for c in (int(x) for x in chunks):
        if runs and c == runs[-1][-1] + 1 and len(runs[-1]) < _RUN:
            runs[-1].append(c)
        else:
            runs.append([c])
    for run in runs:
        a, b = run[0] * _CHUNK, min(frames, (run[-1] + 1) * _CHUNK)
        lo, hi = max(0, a - margin), min(frames, b + margin)
        # One row per channel, contiguous, float32: the fastest layout for the filter.
        rows = np.ascontiguousarray(samples[lo:hi].T, dtype=np.float32)
        up = upfirdn(h, rows, OVERSAMPLE, 1, axis=1)
        first = (a - lo) * OVERSAMPLE + delay
        peak = np.abs(up[:, first : first + (b - a) * OVERSAMPLE]).max(axis=0)
        out[a:b] = peak.reshape(b - a, OVERSAMPLE).max(axis=1)
    return out


def _chunks_near(samples: np.ndarray, level: float) -> np.ndarray:
    """Indexes of chunks whose sample peak could hide a true peak above ``level``."""
    frames = samples.shape[0]
    full = frames // _CHUNK
    # Whole chunks as long contiguous rows: numpy reduces those fast, without an abs() copy.
    head = samples[: full * _CHUNK].reshape(full, -1)
    peaks = np.maximum(head.max(axis=1), -head.min(axis=1)) if full else np.zeros(0, np.float32)
    if frames > full * _CHUNK:
        tail = samples[full * _CHUNK :]
        peaks = np.append(peaks, max(float(tail.max()), -float(tail.min())))
    return np.flatnonzero(peaks >= level * 10 ** (-_SEARCH_DB / 20))


def true_peak_db(clip: Clip) -> float:
    """True peak in dBTP (4x oversampled); ``-inf`` for silence."""
    if clip.frames == 0:
        return -math.inf
    sample_peak = clip.peak()
    if sample_peak == 0.0:
        return -math.inf
    peaks = _frame_peaks(clip.samples, _chunks_near(clip.samples, sample_peak))
    return 20.0 * math.log10(max(float(peaks.max()), sample_peak))


def limit(clip: Clip, ceiling_db: float = LIMIT_DBTP) -> Clip:
    """The clip with every true peak at or below ``ceiling_db``.

    A look-ahead limiter built from whole-array operations: the gain each frame
    needs is held over a short window around each peak and ramped by a moving
    average, which can only lower it further, so the ceiling holds everywhere.
    """
    from scipy.ndimage import minimum_filter1d, uniform_filter1d

    ceiling = 10 ** (ceiling_db / 20)
    out = clip
    for _ in range(4):
        chunks = _chunks_near(out.samples, ceiling)
        if chunks.size == 0:
            return out
        peaks = _frame_peaks(out.samples, chunks)
        if peaks.max() <= ceiling:
            return out
        need = np.minimum(1.0, ceiling / np.maximum(peaks, 1e-9)).astype(np.float32)
        hold = 2 * round(_HOLD * clip.rate) + 1
        ramp = 2 * round(_RAMP * clip.rate) + 1
        gain = minimum_filter1d(need, size=hold + ramp, mode="nearest")
        gain = uniform_filter1d(gain, size=ramp, mode="nearest")
        gain = np.minimum(gain, need)
        out = Clip(out.samples * gain[:, None], out.rate)
        ceiling *= 10 ** (
            -0.1 / 20
        )  # the interpolated wave may still graze it: aim lower next time
    return out


@dataclass(frozen=True)
class Normalized:
    clip: Clip
    lufs_in: float  # before
    gain_db: float  # applied before limiting
    lufs: float  # after
    true_peak: float  # after, dBTP


def normalize(
    clip: Clip, target: float = TARGET_LUFS, tolerance: float = 0.2, ceiling_db: float = LIMIT_DBTP
) -> Normalized:
    """Gain to ``target`` LUFS, then limit true peaks; repeat while limiting costs loudness."""
    measured = lufs(clip)
    if not math.isfinite(measured):
        return Normalized(clip, measured, 0.0, measured, true_peak_db(clip))
    gain = target - measured
    gained = clip.gained(gain)
    out = limit(gained, ceiling_db)
    # A pure gain moves loudness by exactly that many dB; measure again only after limiting.
    level = measured + gain if out is gained else lufs(out)
    for _ in range(3):
        if abs(level - target) <= tolerance:
            break
        gain += target - level
        out = limit(clip.gained(gain), ceiling_db)
        level = lufs(out)
    return Normalized(out, measured, gain, level, true_peak_db(out))
