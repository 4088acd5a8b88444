"""The audio description on its own output (hall.yaml ``audio.description``): the described mix
goes there, in step with the show, while the main mix stays where it was.

The output is OpenAL Soft's ``wave`` backend in a child process: it records what it plays,
so the test hears which mix went to the headphones; the position the output reports is
compared with the show time while the show plays and after a seek.
"""

from __future__ import annotations

import struct
import time
from pathlib import Path

import numpy as np
import pytest

from exhibit.hall.catalogue import Catalogue
from exhibit.hall.clock import SystemClock
from exhibit.hall.description_output import DescriptionOutput, described_mix
from exhibit.hall.playback import TimelinePlayback
from exhibit.hall.show import Show
from exhibit.spec.hall import AudioOutput, Hall
from tests.narration.conftest import RATE, Content, band_level_db, read_wav, silence, syllables, tone, words

pytest.importorskip("panda3d")

BED, VOICE, DESCRIBED = 220.0, 1000.0, 3000.0  # each sound in its own band: heard apart
SCENE = """
    id: lake
    languages: [en]
    duration: 7
    narration:
      - {id: boat, at: 0.5, text: The boat lies on the lake.}
    description:
      - {id: look, at: boat.end + 0.5, text: A red boat with a low roof.}
    music:
      - {file: audio/music/bed.wav, at: 0, gain: -6, duck: 0, loop: true}
"""


@pytest.fixture
def content(tmp_path: Path) -> Content:
    return Content(tmp_path / "content")


def _project(content: Content) -> Content:
    content.scene("lake", SCENE)
    content.wav("audio/music/bed.wav", tone(BED, 4.0, 0.2))
    voice, _ = words(3, 0.3, 0.1, freq=VOICE)
    content.wav("audio/voice/en/lake/boat.wav", voice)
    content.wav("audio/voice/en/lake/look.wav", np.concatenate([silence(0.1), syllables(1.5, DESCRIBED), silence(0.1)]))
    return content


def _recorded(path: Path) -> tuple[np.ndarray, int]:
    """OpenAL Soft's wave file (WAVE_FORMAT_EXTENSIBLE, 16-bit) as mono samples in -1..1, and its rate."""
    data = path.read_bytes()
    channels, rate = struct.unpack_from("<HI", data, data.index(b"fmt ") + 10)
    start = data.index(b"data") + 8
    samples = np.frombuffer(data[start : start + (len(data) - start) // 2 * 2], dtype="<i2") / 32768.0
    return samples[: len(samples) // channels * channels].reshape(-1, channels).mean(axis=1), rate


def _play(show: Show, seconds: float) -> list[tuple[float, float | None]]:
    """Step the show for ``seconds``; (show time, the output's position) twice a second."""
    seen = []
    until = time.monotonic() + seconds
    next_look = time.monotonic() + 0.5
    while time.monotonic() < until:
        show.step()
        if time.monotonic() >= next_look and show.description_output is not None:
            next_look += 0.5
            seen.append((show.t, show.description_output.where()))
        time.sleep(0.01)
    return seen


def test_the_described_mix_goes_to_its_own_output_in_step_with_the_show(content: Content, tmp_path: Path) -> None:
    project = _project(content).project
    recording = tmp_path / "headphones.wav"
    output = DescriptionOutput(project, AudioOutput(driver="wave", device=str(recording)))
    playback = TimelinePlayback(Catalogue(project, Hall(languages=["en"])), SystemClock())
    show = Show(playback, "lake", "en", "show")
    show.audio_description = True
    show.description_output = output
    try:
        show.load()
        assert output.mix == project.build_dir / "lake" / "mix.en.ad.wav"
        assert described_mix(project, "lake", "en").name == "mix.en.ad.wav"
        show.start(SystemClock().now(), time.monotonic())
        seen = _play(show, 3.0)
        show.seek(1.0)
        after_seek = _play(show, 1.5)
        show.stop()
    finally:
        output.close()
    late = [(t, at) for t, at in seen if t > 1.2]  # after the first check, the output has caught up
    assert late and all(at is not None and abs(at - t) < 0.15 for t, at in late), seen
    assert after_seek and all(at is not None and abs(at - t) < 0.15 for t, at in after_seek), after_seek
    assert output.mix is None  # stopped with the show

    mono, rate = _recorded(recording)
    assert rate == RATE
    ad, _ = read_wav(project.build_dir / "lake" / "mix.en.ad.wav")
    main, _ = read_wav(project.build_dir / "lake" / "mix.en.wav")
    # the description's band is in the described mix and not in the main one; the headphones have it
    levels = [band_level_db(mono, rate, DESCRIBED, k / 10) for k in range(int(len(mono) / rate * 10) - 1)]
    assert max(levels) > -40, "the headphones play the description"
    ad_mono = ad.mean(axis=1) if ad.ndim == 2 else ad
    main_mono = main.mean(axis=1) if main.ndim == 2 else main
    span = np.arange(0.0, min(len(ad_mono), len(main_mono)) / rate - 0.1, 0.1)
    assert max(band_level_db(ad_mono, rate, DESCRIBED, t) for t in span) > -40
    assert max(band_level_db(main_mono, rate, DESCRIBED, t) for t in span) < -60


def test_a_show_without_the_description_leaves_the_output_silent(content: Content) -> None:
    project = _project(content).project
    output = DescriptionOutput(project, AudioOutput(driver="null"))
    playback = TimelinePlayback(Catalogue(project, Hall(languages=["en"])), SystemClock())
    show = Show(playback, "lake", "en", "show")
    show.description_output = output  # the hall routes it, but this show was not asked for it
    try:
        show.load()
        show.start(SystemClock().now(), time.monotonic())
        show.step()
        assert output.mix is None and output.where() is None
    finally:
        show.stop()
        output.close()


def test_an_output_that_dies_is_journalled_and_the_show_goes_on(content: Content) -> None:
    project = _project(content).project
    output = DescriptionOutput(project, AudioOutput(driver="null"))
    playback = TimelinePlayback(Catalogue(project, Hall(languages=["en"])), SystemClock())
    show = Show(playback, "lake", "en", "show")
    show.audio_description = True
    show.description_output = output
    try:
        show.load()
        show.start(SystemClock().now(), time.monotonic())
        show.step()
        assert output._process is not None
        output._process.kill()
        output._process.wait()
        time.sleep(0.6)  # past the next position check
        show.step()
        assert show.warnings and "audio description output stopped" in show.warnings[0], show.warnings
        assert show.description_output is None and playback.status == "playing"
        show.stop()
        after = Show(playback, "lake", "en", "show")
        after.audio_description = True
        after.description_output = output
        after.load()  # the next show starts a fresh output
        assert output.mix is not None and output._process is not None and output._process.poll() is None
        after.stop()
    finally:
        show.stop()
        output.close()
