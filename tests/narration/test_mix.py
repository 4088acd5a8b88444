"""The mix renders the music envelope that ``state(t)`` reports, sample for sample."""

from __future__ import annotations

import numpy as np
import pytest

from exhibit.narration.clip import MIX_RATE, Clip
from exhibit.narration.mix import mix
from exhibit.spec.scene import Scene
from exhibit.timeline.compile import compile as compile_timeline
from exhibit.timeline.timing import LineTiming

LEVEL = 0.5  # the test bed is a constant level, so the mix shows the gain directly


def _scene(loop: bool) -> Scene:
    return Scene.model_validate(
        {
            "id": "envelope",
            "languages": ["en"],
            "duration": 40,
            "narration": [
                {"id": "a", "at": 5, "text": "first"},
                {"id": "b", "gap": 0.5, "text": "second"},
                {"id": "c", "at": 20, "text": "third"},
            ],
            "music": [
                {
                    "file": "bed.wav",
                    "at": 1,
                    "until": 37,
                    "gain": -14,
                    "fade_in": 3,
                    "fade_out": 4,
                    "duck": -10,
                    "loop": loop,
                }
            ],
        }
    )


def _timings() -> dict[str, LineTiming]:
    return {
        k: LineTiming(d + 0.4, 0.2, 0.2 + d, {}, "recording")
        for k, d in (("a", 3.0), ("b", 2.5), ("c", 4.0))
    }


def test_music_in_the_mix_follows_the_runtime_gain() -> None:
    timeline = compile_timeline(_scene(loop=True), "en", _timings())
    bed = Clip.of(np.full(round(2.7 * MIX_RATE), LEVEL), MIX_RATE)  # shorter than the bed: loops
    out = mix(timeline, {}, lambda _file: bed).samples
    rng = np.random.default_rng(7)
    checked = 0
    for t in sorted(rng.uniform(0.0, 40.0, 400)):
        state = {m.index: m for m in timeline.state(float(t)).music}
        sample = out[round(t * MIX_RATE)]
        assert sample[0] == sample[1]
        if 0 not in state:
            assert sample[0] == 0.0
            continue
        gain_db = state[0].gain_db
        if gain_db < -60:
            continue
        assert 20 * np.log10(sample[0] / LEVEL) == pytest.approx(gain_db, abs=0.01), t
        checked += 1
    assert checked > 300


def test_a_bed_that_does_not_loop_plays_once() -> None:
    timeline = compile_timeline(_scene(loop=False), "en", _timings())
    bed = Clip.of(np.full(round(2.7 * MIX_RATE), LEVEL), MIX_RATE)
    out = mix(timeline, {}, lambda _file: bed).samples
    assert out[round(3.0 * MIX_RATE), 0] > 0
    assert np.all(out[round(3.71 * MIX_RATE) :] == 0.0)


def test_voices_are_added_at_their_audio_start_on_both_channels() -> None:
    timeline = compile_timeline(
        _scene(loop=True).model_copy(update={"music": []}), "en", _timings()
    )
    voice = Clip.of(
        np.concatenate([np.zeros(round(0.2 * MIX_RATE)), np.full(MIX_RATE, 0.25)]), MIX_RATE
    )
    out = mix(timeline, {"a": voice}, lambda _file: voice).samples
    start = round(5.0 * MIX_RATE)  # line a speaks from 5.0 s; its file starts 0.2 s before
    assert np.all(out[start - 10 : start] == 0.0)
    assert np.all(out[start : start + MIX_RATE] == 0.25)
