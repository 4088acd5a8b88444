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
import yaml

from exhibit.narration import NarrationBuild, build
from exhibit.narration.soundcaptions import sound_captions
from exhibit.spec.project import Project
from exhibit.spec.scene import CaptionCue, TitleCue
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

    vtt = [c for c in webvtt.read(str(result.vtt_path))]
    subs = list(srt.parse(result.srt_path.read_text(encoding="utf-8")))
    cues = [tc for tc in result.timeline.cues if isinstance(tc.cue, CaptionCue)]
    titles = [tc for tc in result.timeline.cues if isinstance(tc.cue, TitleCue)]  # none of them overlap
    sounds = sound_captions(result.timeline)  # "[风声]", at the top
    assert len(vtt) == len(subs) == len(result.timeline.captions) + len(cues) + len(titles) + len(sounds) > 0
    assert [s.start for s in subs] == sorted(s.start for s in subs)
    # The narration's captions (caption cues and title cards are checked in the tests below).
    narration = [
        s for s, c in zip(subs, vtt, strict=True) if not c.identifier.startswith(("caption-", "title-", "sound-"))
    ]
    limit = 16 if lang == "zh" else 42
    previous_end = None
    for sub, caption in zip(narration, result.timeline.captions, strict=True):
        start, end = sub.start.total_seconds(), sub.end.total_seconds()
        assert (start, end) == (round(caption.start, 3), round(caption.end, 3))
        lines = sub.content.split("\n")
        assert len(lines) <= 2 and all(len(line) <= limit for line in lines), sub.content
        assert MIN_SECONDS - 1e-9 <= end - start <= MAX_SECONDS + 1e-9, sub.content
        assert "{mark" not in sub.content
        if previous_end is not None:
            assert start - previous_end >= MIN_GAP - 1e-9
        previous_end = end


@pytest.mark.slow  # shares the build above
@pytest.mark.skipif(not any(name == "long_march" for name, _ in SCENES), reason="no bundled long_march scene")
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_long_march_subtitles_carry_its_place_and_date_titles_at_their_moments(
    built: dict[tuple[str, str], NarrationBuild], lang: str
) -> None:
    result = built[("long_march", lang)]
    written = yaml.safe_load((REPO / "scenes" / "long_march.yaml").read_text(encoding="utf-8"))
    lines = {ln.id: ln for ln in result.timeline.lines}
    expected = []
    for cue in written["cues"]:
        if cue["do"] != "caption":
            continue
        line, mark = cue["at"].split("@")  # the bundled titles sit on a word of the narration
        start = lines[line].marks[mark]
        expected.append((round(start, 3), round(start + cue["duration"], 3), cue["text"][lang], cue["position"]))
    assert len(expected) == 3, "Zunyi, the Jiajin Mountain, Huining"

    vtt = [c for c in webvtt.read(str(result.vtt_path)) if c.identifier.startswith("caption-")]
    settings = {"top": "line:0", "center": "line:50%,center", "bottom": ""}
    blocks = [b.split("\n") for b in result.vtt_path.read_text(encoding="utf-8").split("\n\n")]
    placed = {b[0]: " ".join(b[1].split(" ")[3:]) for b in blocks if len(b) > 1 and " --> " in b[1]}  # cue settings
    assert [(_secs(c.start), _secs(c.end), c.text, placed[c.identifier]) for c in vtt] == [
        (start, end, text, settings[position]) for start, end, text, position in expected
    ]
    tags = {"top": "{\\an8}", "center": "{\\an5}", "bottom": ""}
    subs = [(s.start.total_seconds(), s.end.total_seconds(), s.content)
            for s in srt.parse(result.srt_path.read_text(encoding="utf-8"))]
    for start, end, text, position in expected:
        assert (start, end, tags[position] + text) in subs
    if lang == "zh":
        assert any(text == "1935年6月 · 翻越夹金山" for _, _, text, _ in expected)


@pytest.mark.slow  # shares the build above
@pytest.mark.skipif(not SCENES, reason="no bundled scenes yet")
@pytest.mark.parametrize(("name", "lang"), SCENES)
def test_bundled_title_cards_are_in_the_subtitles_at_their_moments(
    built: dict[tuple[str, str], NarrationBuild], name: str, lang: str
) -> None:
    result = built[(name, lang)]
    written = yaml.safe_load((REPO / "scenes" / f"{name}.yaml").read_text(encoding="utf-8"))
    expected = []
    for cue in written["cues"]:
        if cue["do"] != "title":
            continue
        assert isinstance(cue["at"], (int, float)), "the bundled title cards start at a number of seconds"
        lines = [cue["text"][lang], cue["subtitle"][lang]] if "subtitle" in cue else [cue["text"][lang]]
        expected.append((round(cue["at"], 3), round(cue["at"] + cue.get("duration", 5), 3), "\n".join(lines)))
    if not expected:
        pytest.skip(f"{name} has no title card")

    blocks = [b.split("\n") for b in result.vtt_path.read_text(encoding="utf-8").split("\n\n")]
    placed = {b[0]: " ".join(b[1].split(" ")[3:]) for b in blocks if len(b) > 1 and " --> " in b[1]}
    vtt = [(_secs(c.start), _secs(c.end), c.text, placed[c.identifier])
           for c in webvtt.read(str(result.vtt_path)) if c.identifier.startswith("title-")]
    assert vtt == [(start, end, text, "line:50%,center") for start, end, text in expected]
    subs = [(s.start.total_seconds(), s.end.total_seconds(), s.content)
            for s in srt.parse(result.srt_path.read_text(encoding="utf-8"))]
    for start, end, text in expected:
        assert (start, end, "{\\an5}" + text) in subs
    if (name, lang) == ("nanhu_red_boat", "zh"):
        assert (1.0, 6.0, "南湖红船\n1921年 · 浙江嘉兴") in [(s, e, t) for s, e, t, _ in vtt]


def _secs(clock: str) -> float:
    h, m, s = clock.split(":")
    return round(int(h) * 3600 + int(m) * 60 + float(s), 3)
