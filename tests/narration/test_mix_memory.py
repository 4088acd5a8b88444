"""A scene of ten minutes compiles, and its mix builds within what the limits budget for it."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from typing import Any

import numpy as np

from exhibit.narration.clip import Clip
from exhibit.narration.loudness import lufs
from exhibit.spec.limits import MEMORY_BUDGET, mix_cost
from tests.narration.conftest import Content, ebur128, read_wav, silence, syllables, tone

SECONDS = 600
LINES = 12

#: Builds the scene's narration in a fresh process and prints its peak resident memory.
CHILD = textwrap.dedent(
    """
    import json, sys
    from exhibit.narration import build
    from exhibit.spec.project import Project

    done = build(Project.at(sys.argv[1]), "long", "en")
    # This process's own peak: ru_maxrss would also count the parent it was forked from.
    peak = next(l for l in open("/proc/self/status") if l.startswith("VmHWM:")).split()[1]
    print(json.dumps({"seconds": done.timeline.duration, "mix": str(done.mix_path),
                      "maxrss": int(peak) * 1024}))
    """
)


def _long_scene(content: Content) -> None:
    lines = []
    for i in range(LINES):
        lines.append(f'  - {{id: l{i}, at: {i * 48 + 5}, text: "Line {i} is spoken here."}}')
        voice = np.concatenate([silence(0.3), syllables(30.0, 700 + 50 * i, 0.3), silence(0.3)])
        content.wav(f"audio/voice/en/long/l{i}.wav", voice)
    content.wav("audio/music/bed.wav", tone(200.0, 2.0, 0.5))  # loops seamlessly
    content.wav("audio/sounds/knock.wav", tone(180.0, 0.2, 0.7))
    content.scene(
        "long",
        "\n".join(
            [
                "id: long",
                "languages: [en]",
                f"duration: {SECONDS}",
                "narration:",
                *lines,
                "cues:",
                "  - {at: 330, do: sound, file: audio/sounds/knock.wav, gain: -6}",
                "music:",
                "  - {file: audio/music/bed.wav, gain: -14, fade_in: 4, fade_out: 4, loop: true}",
                "",
            ]
        ),
    )


def _build(content: Content) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, "-c", CHILD, str(content.root)], capture_output=True, text=True, check=False
    )
    assert out.returncode == 0, out.stderr
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def test_a_ten_minute_scene_builds_its_mix_within_its_memory_budget(content: Content) -> None:
    _long_scene(content)
    cold = _build(content)  # voices, then the mix
    assert cold["seconds"] == SECONDS
    assert cold["maxrss"] <= MEMORY_BUDGET
    (content.root / cold["mix"]).unlink()
    result = _build(content)  # the mix alone, as the limits measure it
    assert result["maxrss"] <= mix_cost(SECONDS) < MEMORY_BUDGET
    samples, rate = read_wav(content.root / result["mix"])
    assert rate == 48_000 and samples.shape == (SECONDS * rate, 2)
    # The knock at 330 s (between two lines) is in the file where the timeline puts it.
    knock = np.abs(samples[330 * rate : 330 * rate + rate // 10]).max()
    assert knock > 2.5 * np.abs(samples[329 * rate : 330 * rate]).max()
    measured = ebur128(content.root / result["mix"])
    assert abs(measured.integrated + 23.0) <= 1.0 and measured.true_peak <= -1.0
    assert abs(lufs(Clip.of(samples, rate)) - measured.integrated) <= 0.15
