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

_HOPS_PER_BLOCK = 4  # a gating block is four 100 ms hops (75 % overlap)
_STREAM_HOPS = 64  # hops K-weighted at a time (6.4 s: 4.9 MB of double-precision stereo)

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
    kernel: np.ndarray = (firwin(taps, 1.0 / OVERSAMPLE, window=("kaiser", 6.0)) * OVERSAMPLE).astype(np.float32)
    return kernel


def lufs(clip: Clip) -> float:
    """Integrated loudness in LUFS; ``-inf`` for silence.

    pyloudnorm measures lines directly. A clip of a minute or more (a scene's mix)
    goes through :func:`_hop_energies`: the same measurement with pyloudnorm's own
    filters and gates, run a few seconds at a time, because pyloudnorm copies the
    whole clip to double precision and then loops over every 100 ms block in Python.
    """
    import pyloudnorm

    if clip.duration >= LONG_SECONDS:
        value = _gated(_hop_energies(clip.samples, clip.rate), clip.frames, clip.rate)
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


@cache
def k_weighting(rate: int) -> np.ndarray:
    """pyloudnorm's K-weighting (high shelf, then high pass) as second-order sections."""
    import pyloudnorm

    rows = []
    gain = 1.0
    for stage in pyloudnorm.Meter(rate)._filters.values():
        rows.append(np.concatenate([stage.b, stage.a]))
        gain *= stage.passband_gain
    sos = np.array(rows, dtype=np.float64)
    sos[0, :3] *= gain
    return sos


def _hop(rate: int) -> int:
    return round(BLOCK_SECONDS / _HOPS_PER_BLOCK * rate)  # 100 ms of frames


def _hop_energies(samples: np.ndarray, rate: int) -> np.ndarray:
    """Energy of the K-weighted signal in each 100 ms hop, shape (channels, hops).

    The filters run over :data:`_STREAM_HOPS` hops at a time in double precision, their
    state carried from one stretch to the next (``zi``), so the result is that of one
    filter run over the whole clip while only a stretch is ever copied. The last hop
    may be partial, as in pyloudnorm.
    """
    from scipy.signal import sosfilt

    sos = k_weighting(rate)
    hop = _hop(rate)
    frames, channels = samples.shape
    state = np.zeros((sos.shape[0], 2, channels))
    parts = []
    for lo in range(0, frames, hop * _STREAM_HOPS):
        y, state = sosfilt(sos, samples[lo : lo + hop * _STREAM_HOPS], axis=0, zi=state)
        whole = len(y) // hop
        head = y[: whole * hop].reshape(whole, hop, channels)
        parts.append(np.einsum("ijk,ijk->ki", head, head))
        if len(y) > whole * hop:
            tail = y[whole * hop :]
            parts.append(np.einsum("jk,jk->k", tail, tail)[:, None])
    return np.concatenate(parts, axis=1) if parts else np.zeros((channels, 0))


def _gated(hops: np.ndarray, frames: int, rate: int) -> float:
    """BS.1770-4 gated loudness from hop energies, as ``integrated_loudness`` gates it.

    400 ms blocks with 75 % overlap (a block is four hops; the last blocks may run past
    the end, as in pyloudnorm), the absolute gate at -70 LUFS, the relative one 10 LU
    under the loudness of the blocks above it.
    """
    count = int(np.round((frames / rate - BLOCK_SECONDS) / (BLOCK_SECONDS / _HOPS_PER_BLOCK))) + 1
    if count <= 0 or hops.shape[1] == 0:
        return -math.inf
    window = np.ones(_HOPS_PER_BLOCK)
    z = np.array([np.convolve(h, window)[_HOPS_PER_BLOCK - 1 :][:count] for h in hops])
    z /= BLOCK_SECONDS * rate
    weights = np.array([1.0, 1.0, 1.0, 1.41, 1.41][: hops.shape[0]])
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


def _runs(chunks: np.ndarray, most: int) -> list[tuple[int, int]]:
    """Neighbouring chunks as (first, last + 1) runs of at most ``most`` chunks."""
    runs: list[list[int]] = []
    for c in (int(x) for x in chunks):
        if runs and c == runs[-1][1] and runs[-1][1] - runs[-1][0] < most:
            runs[-1][1] = c + 1
        else:
            runs.append([c, c + 1])
    return [(a, b) for a, b in runs]


def _run_peaks(samples: np.ndarray, a: int, b: int) -> np.ndarray:
    """Oversampled absolute peak of each frame in [a, b)."""
    from scipy.signal import upfirdn

    h = _interpolator()
    delay = (len(h) - 1) // 2  # the filter's group delay, in oversampled samples
    margin = _TAPS_PER_PHASE  # frames of context either side
    lo, hi = max(0, a - margin), min(samples.shape[0], b + margin)
    # One row per channel, contiguous, float32: the fastest layout for the filter.
    rows = np.ascontiguousarray(samples[lo:hi].T, dtype=np.float32)
    up = upfirdn(h, rows, OVERSAMPLE, 1, axis=1)
    first = (a - lo) * OVERSAMPLE + delay
    peak = np.abs(up[:, first : first + (b - a) * OVERSAMPLE]).max(axis=0)
    peaks: np.ndarray = peak.reshape(b - a, OVERSAMPLE).max(axis=1)
    return peaks


def _frame_peaks(samples: np.ndarray, chunks: np.ndarray, lo: int, hi: int) -> np.ndarray:
    """Oversampled absolute peak of each frame of [lo, hi) inside the given chunks, else 0.

    Neighbouring chunks are oversampled together: fewer, longer filter runs.
    """
    frames = samples.shape[0]
    out = np.zeros(hi - lo, dtype=np.float32)
    for first, last in _runs(chunks, _RUN):
        a, b = max(lo, first * _CHUNK), min(hi, frames, last * _CHUNK)
        if b > a:
            out[a - lo : b - lo] = _run_peaks(samples, a, b)
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
    """True peak in dBTP (4x oversampled); ``-inf`` for silence.

    Only the chunks that could hold the peak are oversampled, a run at a time.
    """
    if clip.frames == 0:
        return -math.inf
    sample_peak = clip.peak()
    if sample_peak == 0.0:
        return -math.inf
    runs = _runs(_chunks_near(clip.samples, sample_peak), _RUN)
    found = [
        float(_run_peaks(clip.samples, a * _CHUNK, min(clip.frames, b * _CHUNK)).max())
        for a, b in runs
    ]
    return 20.0 * math.log10(max([*found, sample_peak]))


#: A limiter gain: the frames [start, start + len(gain)) were multiplied by ``gain``.
Stretch = tuple[int, np.ndarray]


def _regions(chunks: np.ndarray, frames: int, margin: int) -> list[tuple[int, int]]:
    """Frame ranges around the chunks, ``margin`` frames wider each side; overlaps merged."""
    out: list[tuple[int, int]] = []
    for first, last in _runs(chunks, len(chunks) + 1):
        lo, hi = max(0, first * _CHUNK - margin), min(frames, last * _CHUNK + margin)
        if out and lo <= out[-1][1]:
            out[-1] = (out[-1][0], hi)
        else:
            out.append((lo, hi))
    return out


def limit_in_place(samples: np.ndarray, rate: int, ceiling_db: float = LIMIT_DBTP) -> list[Stretch]:
    """Bring every true peak of ``samples`` (float32, frames x channels) to ``ceiling_db``.

    A look-ahead limiter: the gain each frame needs is held over a short window around
    each peak and ramped by a moving average, which can only lower it further, so the
    ceiling holds everywhere. The samples are changed in place, and only near peaks:
    each stretch that could need it is worked out on its own, wide enough that the
    filters see what they would see over the whole clip. Returns the gains applied,
    in order, so that :func:`unlimit_in_place` can take them off again.
    """
    from scipy.ndimage import minimum_filter1d, uniform_filter1d

    hold = 2 * round(_HOLD * rate) + 1
    ramp = 2 * round(_RAMP * rate) + 1
    margin = 2 * (hold + ramp)  # beyond twice the filters' reach every gain is 1
    ceiling = 10 ** (ceiling_db / 20)
    applied: list[Stretch] = []
    for _ in range(4):
        chunks = _chunks_near(samples, ceiling)
        over = False
        for lo, hi in _regions(chunks, samples.shape[0], margin):
            peaks = _frame_peaks(samples, chunks, lo, hi)
            if peaks.max() <= ceiling:
                continue
            over = True
            need = np.minimum(1.0, ceiling / np.maximum(peaks, 1e-9)).astype(np.float32)
            gain = minimum_filter1d(need, size=hold + ramp, mode="nearest")
            gain = uniform_filter1d(gain, size=ramp, mode="nearest")
            gain = np.minimum(gain, need)
            samples[lo:hi] *= gain[:, None]
            applied.append((lo, gain))
        if not over:
            break
        # The interpolated wave may still graze it: aim lower next time.
        ceiling *= 10 ** (-0.1 / 20)
    return applied


def unlimit_in_place(samples: np.ndarray, applied: list[Stretch]) -> None:
    """Take the gains :func:`limit_in_place` applied off again (last first)."""
    for lo, gain in reversed(applied):
        samples[lo : lo + len(gain)] /= gain[:, None]


def limit(clip: Clip, ceiling_db: float = LIMIT_DBTP) -> Clip:
    """The clip with every true peak at or below ``ceiling_db`` (the clip itself if so already)."""
    samples = np.array(clip.samples, dtype=np.float32)
    return Clip(samples, clip.rate) if limit_in_place(samples, clip.rate, ceiling_db) else clip


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
    copy = Clip(np.array(clip.samples, dtype=np.float32), clip.rate)
    return normalize_in_place(copy, target, tolerance, ceiling_db)


def _scale(samples: np.ndarray, db: float) -> None:
    if db != 0.0:
        samples *= np.float32(10.0 ** (db / 20.0))


def normalize_in_place(
    clip: Clip, target: float = TARGET_LUFS, tolerance: float = 0.2, ceiling_db: float = LIMIT_DBTP
) -> Normalized:
    """:func:`normalize`, changing ``clip.samples`` (float32) in place: no copy of the clip.

    For a buffer its caller owns, such as a scene's mix: the loudness is measured a few
    seconds at a time and the limiter works only near peaks, so beyond the buffer itself
    memory stays small however long the clip is.
    """
    samples = clip.samples
    measured = lufs(clip)
    if not math.isfinite(measured):
        return Normalized(clip, measured, 0.0, measured, true_peak_db(clip))
    gain = target - measured
    _scale(samples, gain)
    applied = limit_in_place(samples, clip.rate, ceiling_db)
    # A pure gain moves loudness by exactly that many dB; measure again only after limiting.
    level = measured + gain if not applied else lufs(clip)
    for _ in range(3):
        if abs(level - target) <= tolerance:
            break
        unlimit_in_place(samples, applied)
        _scale(samples, target - level)
        gain += target - level
        applied = limit_in_place(samples, clip.rate, ceiling_db)
        level = lufs(clip)
    return Normalized(clip, measured, gain, level, true_peak_db(clip))
