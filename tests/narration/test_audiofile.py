"""Reading recordings in every format the scene format allows, with the bundled ffmpeg only."""

from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np
import pytest

from exhibit.narration import audiofile
from exhibit.narration.audiofile import AudioFileError
from exhibit.narration.clip import Clip
from tests.narration.conftest import ffmpeg, silence, syllables, write_wav


@pytest.fixture
def source(tmp_path: Path) -> Path:
    rate = 44_100  # a CD-rate take, as recorded
    voice = np.concatenate(
        [silence(0.25, rate), syllables(1.0, 1000.0, 0.4, rate), silence(0.25, rate)]
    )
    return write_wav(tmp_path / "take.wav", np.stack([voice, 0.5 * voice], axis=1), 44_100)


@pytest.mark.parametrize(
    ("suffix", "codec"),
    [(".flac", "flac"), (".ogg", "libvorbis"), (".ogg", "libopus"), (".mp3", "libmp3lame")],
)
def test_compressed_recordings_decode_without_a_system_ffmpeg(
    source: Path, suffix: str, codec: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = source.with_name(f"take-{codec}{suffix}")
    subprocess.run(
        [ffmpeg(), "-v", "error", "-i", str(source), "-c:a", codec, str(target)], check=True
    )
    monkeypatch.setenv(
        "PATH", str(source.parent / "no-such-bin")
    )  # neither ffmpeg nor ffprobe on PATH
    clip = audiofile.read(target)
    assert clip.channels == 2
    assert clip.duration == pytest.approx(1.5, abs=0.08)  # encoders pad a few milliseconds
    # The tone is there, at its level, in the left channel.
    left = clip.samples[:, 0]
    assert np.abs(left).max() == pytest.approx(0.4, abs=0.05)


def test_wav_round_trip_keeps_samples_and_rate(tmp_path: Path) -> None:
    clip = Clip.of(
        np.stack([syllables(0.5, 440.0, 0.5), syllables(0.5, 660.0, 0.25)], axis=1), 48_000
    )
    back = audiofile.read(audiofile.write_wav(tmp_path / "x.wav", clip))
    assert back.rate == 48_000 and back.channels == 2
    assert np.abs(back.samples - clip.samples).max() < 1e-4
    assert oct((tmp_path / "x.wav").stat().st_mode & 0o777) == "0o644"


def test_a_file_that_is_not_audio_is_one_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "intro.wav"
    bad.write_text("not audio", encoding="utf-8")
    with pytest.raises(AudioFileError, match=r"is not a wav, ogg, mp3 or flac file"):
        audiofile.read(bad)
    with pytest.raises(AudioFileError, match=r"audio file '.*missing\.wav' does not exist"):
        audiofile.read(tmp_path / "missing.wav")
