"""Every bundled scene builds in each of its languages, and its files meet the numbers.

Built from a copy of the content (scenes and audio), so the repository's own build/
folder is left alone. Loudness and true peak are measured by ffmpeg; captions are read
back with webvtt-py and srt.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import srt
import webvtt

from exhibit.narration import NarrationBuild, build
from exhibit.spec.project import Project
from exhibit.timeline.captions import MAX_SECONDS, MIN_GAP, MIN_SECONDS
from tests.narration.conftest import ebur128, read_wav

REPO = Path(__file__).resolve().parents[2]


def _bundled() -> list[tuple[str, str]]:
    project = Project.at(REPO)
    out = []
    for path in project.scene_paths():
        scene = project.load_scene(path).model
        out += [(path.stem, lang) for lang in (scene.languages if scene else [])]
    return out


SCENES = _bundled()


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], NarrationBuild]:
    root = tmp_path_factory.mktemp("bundled")
    for folder in ("scenes", "audio"):
        if (REPO / folder).is_dir():
            shutil.copytree(REPO / folder, root / folder)
    project = Project.at(root)
    return {(name, lang): build(project, name, lang) for name, lang in SCENES}


@pytest.mark.slow  # builds every scene in every language: about 10 s on two cores
@pytest.mark.skipif(not SCENES, reason="no bundled scenes yet")
@pytest.mark.parametrize(("name", "lang"), SCENES)
def test_bundled_scene_meets_the_narration_numbers(
    built: dict[tuple[str, str], NarrationBuild], name: str, lang: str
) -> None:
    result = built[(name, lang)]
    samples, rate = read_wav(result.mix_path)
    assert rate == 48_000 and samples.shape[1] == 2
    measured = ebur128(result.mix_path)
    assert measured.integrated == pytest.approx(-23.0, abs=1.0)
    assert measured.true_peak <= -1.0

    vtt = [(c.start, c.end, c.text) for c in webvtt.read(str(result.vtt_path))]
    subs = list(srt.parse(result.srt_path.read_text(encoding="utf-8")))
    assert len(vtt) == len(subs) == len(result.timeline.captions) > 0
    limit = 16 if lang == "zh" else 42
    previous_end = None
    for sub, caption in zip(subs, result.timeline.captions, strict=True):
        start, end = sub.start.total_seconds(), sub.end.total_seconds()
        assert (start, end) == (round(caption.start, 3), round(caption.end, 3))
        lines = sub.content.split("\n")
        assert len(lines) <= 2 and all(len(line) <= limit for line in lines), sub.content
        assert MIN_SECONDS - 1e-9 <= end - start <= MAX_SECONDS + 1e-9, sub.content
        assert "{mark" not in sub.content
        if previous_end is not None:
            assert start - previous_end >= MIN_GAP - 1e-9
        previous_end = end
