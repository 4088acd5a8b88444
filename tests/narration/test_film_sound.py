"""A film's own sound in the scene's mix: at its show time, at its volume, ducked under
the narration like music, from ``from`` on, looping with the picture.

The film is made here by ffmpeg (lavfi): a rising chirp, so every moment of its sound
is different and a sample of the mix says which moment of the film it is.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np
import pytest

from exhibit.narration import audiofile
from exhibit.narration.clip import MIX_RATE
from exhibit.narration.mix import mix
from exhibit.spec.scene import Scene
from exhibit.timeline.compile import compile as compile_timeline
from exhibit.timeline.film import FILM_DUCK_DB
from exhibit.timeline.timing import LineTiming


def chirp_film(path: Path, seconds: float) -> Path:
    """An MP4 (H.264 + AAC) whose sound sweeps from 200 Hz up, 0.4 full scale."""
    path.parent.mkdir(parents=True, exist_ok=True)
    expr = "0.4*sin(2*PI*(200*t+40*t*t))|0.4*sin(2*PI*(200*t+40*t*t))"
    command = [audiofile.ffmpeg_exe(), "-v", "error", "-y"]
    command += ["-f", "lavfi", "-i", f"aevalsrc={expr}:s=48000:d={seconds}"]
    command += ["-f", "lavfi", "-i", f"color=c=gray:s=64x36:r=25:d={seconds}"]
    command += ["-c:v", "libx264", "-c:a", "aac", "-b:a", "192k", "-shortest", str(path)]
    subprocess.run(command, check=True, capture_output=True, timeout=120)
    return path


def scene(**video: object) -> Scene:
    return Scene.model_validate(
        {
            "id": "film",
            "languages": ["en"],
            "duration": 30,
            "objects": {"screen": {"kind": "video", "file": "films/chirp.mp4", **video}},
            "narration": [{"id": "talk", "at": 12, "text": "the narrator speaks"}],
        }
    )


TIMINGS = {"talk": LineTiming(4.4, 0.2, 4.2, {}, "recording")}  # speech 12.0 .. 16.0 s


def rms(samples: np.ndarray) -> float:
    return float(np.sqrt(np.mean(samples.astype(np.float64) ** 2)))


@pytest.fixture(scope="module")
def film(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return chirp_film(tmp_path_factory.mktemp("film") / "films" / "chirp.mp4", 8.0)


def test_the_films_sound_plays_from_from_at_its_start_and_volume(film: Path) -> None:
    sound = audiofile.read(film)
    assert sound.rate == MIX_RATE and sound.channels == 2
    assert sound.duration == pytest.approx(8.0, abs=0.05)
    timeline = compile_timeline(scene(start=3, **{"from": 1.5}, volume=0.5), "en", TIMINGS)
    out = mix(timeline, {}, lambda _file: sound).samples
    assert rms(out[: round(2.95 * MIX_RATE)]) == 0.0, "silent before the film starts"
    for t in (3.5, 5.0, 8.25):  # show time t plays the file at 1.5 + (t - 3)
        ours = out[round(t * MIX_RATE) : round(t * MIX_RATE) + 2400, 0]
        at = round((1.5 + t - 3.0) * MIX_RATE)
        theirs = 0.5 * sound.samples[at : at + 2400, 0]
        assert np.abs(ours - theirs).max() < 1e-4, f"the sound at {t} s is the film's at {1.5 + t - 3:.2f} s"
    end = 3.0 + 8.0 - 1.5
    assert rms(out[round((end + 0.05) * MIX_RATE) : round(11.5 * MIX_RATE)]) == 0.0, "silent after its end"


def test_the_films_sound_is_ducked_under_the_narration_like_music(film: Path) -> None:
    sound = audiofile.read(film)
    timeline = compile_timeline(scene(start=10, loop=True), "en", TIMINGS)
    out = mix(timeline, {}, lambda _file: sound).samples
    before = rms(out[round(10.2 * MIX_RATE) : round(11.0 * MIX_RATE)])
    under = rms(out[round(13.0 * MIX_RATE) : round(15.5 * MIX_RATE)])
    assert 20 * np.log10(under / before) == pytest.approx(FILM_DUCK_DB, abs=1.0)
    depth = timeline.duck.depth(14.0)
    assert depth == 1.0, "the narration ducks fully in the middle of the line"


def test_a_looping_films_sound_wraps_round_with_its_picture(film: Path) -> None:
    sound = audiofile.read(film)
    timeline = compile_timeline(scene(start=0, loop=True, **{"from": 2.0}), "en", TIMINGS)
    out = mix(timeline, {}, lambda _file: sound).samples
    t = 6.0 + 1.25  # one loop of 6 s (2 .. 8 s of the file) and 1.25 s more: the file at 3.25 s
    ours = out[round(t * MIX_RATE) : round(t * MIX_RATE) + 2400, 0]
    at = round(3.25 * MIX_RATE)
    assert np.abs(ours - sound.samples[at : at + 2400, 0]).max() < 1e-4


def test_a_film_without_sound_adds_nothing(tmp_path: Path) -> None:
    silent = tmp_path / "films" / "chirp.mp4"
    silent.parent.mkdir()
    command = [audiofile.ffmpeg_exe(), "-v", "error", "-y", "-f", "lavfi", "-i", "color=c=gray:s=64x36:r=25:d=2"]
    subprocess.run([*command, "-c:v", "libx264", str(silent)], check=True, capture_output=True, timeout=60)
    sound = audiofile.read(silent)
    assert len(sound.samples) == 0
    out = mix(compile_timeline(scene(start=1), "en", TIMINGS), {}, lambda _file: sound).samples
    assert not out.any()
