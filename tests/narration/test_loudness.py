"""Loudness to -23 LUFS and true peak under -1 dBTP, as an independent meter (ffmpeg) sees it."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from exhibit.narration import audiofile
from exhibit.narration.clip import Clip
from exhibit.narration.loudness import _STREAM_HOPS, _hop_energies, lufs, normalize, true_peak_db
from tests.narration.conftest import RATE, ebur128, read_wav, syllables


def _speechlike(seconds: float, amp: float, seed: int = 3) -> np.ndarray:
    rng = np.random.default_rng(seed)
    noise = rng.normal(0, 1, round(seconds * RATE))
    # Speech-band noise with a syllable envelope.
    from scipy.signal import butter, sosfilt

    band = sosfilt(butter(4, [200, 4000], btype="band", fs=RATE, output="sos"), noise)
    t = np.arange(len(band)) / RATE
    return amp * band / np.abs(band).max() * (0.3 + 0.7 * np.abs(np.sin(np.pi * 3 * t)))


@pytest.mark.parametrize("amp", [0.02, 0.9])
def test_quiet_and_loud_lines_come_out_at_minus_23_lufs(tmp_path: Path, amp: float) -> None:
    result = normalize(Clip.of(_speechlike(3.0, amp), RATE))
    path = audiofile.write_wav(tmp_path / "line.wav", result.clip)
    measured = ebur128(path)
    assert measured.integrated == pytest.approx(-23.0, abs=0.5)
    assert measured.true_peak <= -1.0


def test_peaky_audio_is_limited_not_clipped(tmp_path: Path) -> None:
    # A quiet bed with loud short knocks: gaining it to -23 LUFS pushes the knocks over 0 dBFS.
    bed = _speechlike(4.0, 0.01)
    for at in (0.5, 1.7, 2.9):
        i = round(at * RATE)
        bed[i : i + 96] += 0.9 * np.hanning(96)
    result = normalize(Clip.of(bed, RATE))
    assert result.gain_db > 12  # the knocks alone would have clipped
    path = audiofile.write_wav(tmp_path / "peaky.wav", result.clip)
    samples, _ = read_wav(path)
    assert np.abs(samples).max() < 0.95  # nothing at full scale
    measured = ebur128(path)
    assert measured.true_peak <= -1.0
    assert measured.integrated == pytest.approx(-23.0, abs=0.5)


def test_true_peak_sees_between_the_samples() -> None:
    # A sine at a quarter of the rate sampled 45 degrees off its crest: every sample is at
    # 0.707 of the real peak, which lies between samples (+3 dB).
    n = np.arange(RATE)
    wave = 0.5 * np.sin(np.pi / 2 * n + np.pi / 4)
    clip = Clip.of(wave, RATE)
    sample_peak = 20 * math.log10(np.abs(wave).max())
    assert true_peak_db(clip) == pytest.approx(20 * math.log10(0.5), abs=0.2)
    assert true_peak_db(clip) - sample_peak == pytest.approx(3.0, abs=0.2)


def test_our_meter_agrees_with_ffmpeg(tmp_path: Path) -> None:
    clip = Clip.of(np.stack([syllables(5.0, 700, 0.2), syllables(5.0, 1300, 0.1)], axis=1), RATE)
    path = audiofile.write_wav(tmp_path / "stereo.wav", clip)
    assert lufs(clip) == pytest.approx(ebur128(path).integrated, abs=0.2)


def test_silence_stays_silent() -> None:
    result = normalize(Clip.silence(2.0))
    assert result.lufs == -math.inf and result.clip.peak() == 0.0


def test_a_whole_mix_is_measured_like_pyloudnorm_and_ffmpeg(tmp_path: Path) -> None:
    import pyloudnorm

    # 70 s of stereo with a quiet stretch (relative gate) and strong bass (the K-weighting
    # high-pass): long enough for the vectorized path that mixes are measured with.
    voice = np.concatenate(
        [_speechlike(35.0, 0.3), _speechlike(10.0, 0.003), _speechlike(25.0, 0.2)]
    )
    t = np.arange(len(voice)) / RATE
    stereo = np.stack([voice + 0.1 * np.sin(2 * np.pi * 40 * t), 0.5 * voice], axis=1)
    clip = Clip.of(stereo, RATE)
    ours = lufs(clip)
    assert ours == pytest.approx(pyloudnorm.Meter(RATE).integrated_loudness(stereo), abs=0.01)
    path = audiofile.write_wav(tmp_path / "mix.wav", clip)
    assert ours == pytest.approx(ebur128(path).integrated, abs=0.15)


@settings(max_examples=15, deadline=None)
@given(
    frames=st.integers(min_value=1, max_value=2 * _STREAM_HOPS * 4800 + 7_000),
    channels=st.integers(min_value=1, max_value=2),
    seed=st.integers(min_value=0, max_value=2**16),
)
def test_k_weighting_a_stretch_at_a_time_equals_one_filter_over_the_whole_clip(
    frames: int, channels: int, seed: int
) -> None:
    import pyloudnorm
    from scipy.signal import lfilter

    x = np.random.default_rng(seed).normal(0, 0.2, (frames, channels)).astype(np.float32)
    # pyloudnorm's way: each stage of the K-weighting over the whole clip at once.
    y = x.astype(np.float64)
    for stage in pyloudnorm.Meter(RATE)._filters.values():
        y = stage.passband_gain * lfilter(stage.b, stage.a, y, axis=0)
    hop = 4800  # 100 ms
    whole = frames // hop
    expected = [(y[: whole * hop].reshape(whole, hop, channels) ** 2).sum(axis=1).T]
    if frames % hop:
        expected.append((y[whole * hop :] ** 2).sum(axis=0)[:, None])
    np.testing.assert_allclose(_hop_energies(x, RATE), np.concatenate(expected, axis=1), rtol=1e-9)
