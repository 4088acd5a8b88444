"""Every bundled scene builds in each of its languages, and its files meet the numbers.

Built from a copy of the content (scenes and audio), so the repository's own build/
folder is left alone. Loudness and true peak are measured by ffmpeg; captions are read
back with webvtt-py and srt.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest
import srt
import webvtt
import yaml

from exhibit.narration import NarrationBuild, audiofile, build
from exhibit.narration.clip import MIX_RATE, Clip
from exhibit.narration.loudness import LIMIT_DBTP, TARGET_LUFS, normalize_in_place, true_peak_db
from exhibit.narration.mix import mix
from exhibit.narration.soundcaptions import sound_captions
from exhibit.spec.project import Project
from exhibit.spec.scene import CaptionCue, TitleCue
from exhibit.timeline.captions import MAX_SECONDS, MIN_GAP, MIN_SECONDS
from tests.narration import reference_loudness
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
#: One language's mix of each scene, the languages taken in turn: the normalizer's sums do
#: not depend on whose voice it is, and each mix takes seconds against the slow reference.
ONE_MIX_EACH = [pairs[i % len(pairs)] for i, pairs in enumerate(
    [[pair for pair in SCENES if pair[0] == name] for name in dict.fromkeys(name for name, _ in SCENES)])]


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
@pytest.mark.skipif(not SCENES, reason="no bundled scenes yet")
@pytest.mark.parametrize(
    ("name", "lang", "ceiling"),
    # A mix of every scene at the real ceiling; one at -12 dBTP too (its first minute), where the limiter works hard.
    [(name, lang, LIMIT_DBTP) for name, lang in ONE_MIX_EACH] + [(*SCENES[0], -12.0)] if SCENES else [],
)
def test_in_place_normalizing_sounds_as_the_whole_array_one_did(
    built: dict[tuple[str, str], NarrationBuild], name: str, lang: str, ceiling: float
) -> None:
    result = built[(name, lang)]
    voices = {line_id: audiofile.read(p) for line_id, p in result.line_audio.items()}
    raw = mix(result.timeline, voices, lambda rel: audiofile.read(REPO / rel).resampled(MIX_RATE))
    if ceiling != LIMIT_DBTP:  # the limiter's hard case: its first minute is enough, and the reference is slow
        raw = Clip(np.ascontiguousarray(raw.samples[: 60 * MIX_RATE]), MIX_RATE)
    before = raw.samples.copy()
    old = reference_loudness.normalize(before, MIX_RATE, TARGET_LUFS, ceiling)
    new = normalize_in_place(raw, TARGET_LUFS, 0.2, ceiling).clip.samples
    assert new is raw.samples  # no copy of the mix was made
    assert abs(reference_loudness.lufs(new, MIX_RATE) - reference_loudness.lufs(old, MIX_RATE)) <= 0.1
    peaks = [true_peak_db(Clip(x, MIX_RATE)) for x in (new, old)]
    assert abs(peaks[0] - peaks[1]) <= 0.1 and peaks[0] <= ceiling + 0.01
    assert float(np.abs(new - old).max()) <= 1 / 32768  # within one step of the 16-bit file


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
        # the bundled captions sit on a word of the narration or on the start of a line
        if "@" in cue["at"]:
            line, mark = cue["at"].split("@")
            start = lines[line].marks[mark]
        else:
            line, edge = cue["at"].split(".")
            assert edge == "start"
            start = lines[line].start
        expected.append((round(start, 3), round(start + cue["duration"], 3), cue["text"][lang], cue["position"]))
    assert len(expected) == 7, "setting out, Xiang River, Zunyi, Chishui, Luding, Jiajin, the forces join"

    vtt = [c for c in webvtt.read(str(result.vtt_path)) if c.identifier.startswith("caption-")]
    settings = {"top": "line:0", "center": "line:50%,center", "bottom": ""}
    blocks = [b.split("\n") for b in result.vtt_path.read_text(encoding="utf-8").split("\n\n")]
    placed = {b[0]: " ".join(b[1].split(" ")[3:]) for b in blocks if len(b) > 1 and " --> " in b[1]}  # cue settings
    # On the caption rules' lines (zh 16 characters, en 42; two at most), broken at " · " first.
    limit = 16 if lang == "zh" else 42
    assert all(len(c.lines) <= 2 and all(len(line) <= limit for line in c.lines) for c in vtt), [c.text for c in vtt]
    assert [(_secs(c.start), _secs(c.end), c.text.replace("\n", " · "), placed[c.identifier]) for c in vtt] == [
        (start, end, text, settings[position]) for start, end, text, position in expected
    ]
    tags = {"top": "{\\an8}", "center": "{\\an5}", "bottom": ""}
    subs = [(s.start.total_seconds(), s.end.total_seconds(), s.content.replace("\n", " · "))
            for s in srt.parse(result.srt_path.read_text(encoding="utf-8"))]
    for start, end, text, position in expected:
        assert (start, end, tags[position] + text) in subs
    if lang == "zh":
        assert any(text == "1935年6月 · 翻越夹金山" for _, _, text, _ in expected)
        assert any(text == "1936年10月 · 红军三大主力会师" for _, _, text, _ in expected)


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


NARRATES_THE_PICTURE = (
    "再现", "画面", "眼前", "我们用", "recreat", "you see", "what you see", "this picture", "our model",
)


@pytest.mark.slow  # shares the build above
@pytest.mark.skipif(not SCENES, reason="no bundled scenes yet")
@pytest.mark.parametrize(("name", "lang"), SCENES)
def test_bundled_scene_runs_three_to_five_minutes_and_tells_history_not_its_picture(
    built: dict[tuple[str, str], NarrationBuild], name: str, lang: str
) -> None:
    timeline = built[(name, lang)].timeline
    assert 180.0 <= timeline.duration <= 300.0, f"{name} ({lang}) runs {timeline.duration:.1f} s"
    for line in timeline.lines:
        said = line.text.lower()
        assert not any(word in said for word in NARRATES_THE_PICTURE), f"{name}/{line.id} talks about the picture"


def _lines(built: dict[tuple[str, str], NarrationBuild], name: str, lang: str) -> dict[str, object]:
    return {ln.id: ln for ln in built[(name, lang)].timeline.lines}


@pytest.mark.slow  # shares the build above
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_slogan_rises_over_the_lake_only_when_the_narration_turns_to_today(
    built: dict[tuple[str, str], NarrationBuild], lang: str
) -> None:
    timeline = built[("nanhu_red_boat", lang)].timeline
    lines = {ln.id: ln for ln in timeline.lines}
    today, spoken = lines["mission"].marks["today"], lines["mission"].marks["mission"]
    for t in (lines["founding"].marks["founding"] + 5, lines["spirit"].end, today - 0.05):
        assert timeline.state(t).objects["slogan_mission"].opacity == 0.0, f"the slogan shows at {t:.1f} s"
    assert timeline.state(spoken + 1).objects["slogan_mission"].opacity > 0.5


@pytest.mark.slow  # shares the build above
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_long_march_sets_out_and_meets_at_zunyi_before_the_snow_then_the_grassland_follows(
    built: dict[tuple[str, str], NarrationBuild], lang: str
) -> None:
    timeline = built[("long_march", lang)].timeline
    lines = {ln.id: ln for ln in timeline.lines}
    snow = ("near_slope", "snow_range", "marchers_snow", "snowfall")
    worlds = {
        "river": ("near_bank", "river", "marchers_river"),
        "town": ("town_ground", "meeting_lower", "meeting_upper"),
        "snow": snow,
        "grass": ("grassland", "marsh_pools", "marchers_grass"),
    }
    moments = {
        "river": [lines["setout"].start + 1, lines["xiangjiang"].start + 1, lines["chishui"].marks["chishui"] + 1],
        "town": [lines["zunyi"].marks["zunyi"], lines["zunyi_meaning"].start + 1],
        "snow": [lines["jiajin"].marks["pass"], lines["cold"].start + 1],
        "grass": [lines["beyond"].marks["grass"] + 1, lines["meet"].marks["meet"]],
    }
    for shown, times in moments.items():
        for t in times:
            state = timeline.state(t)
            for world, ids in worlds.items():
                level = 1.0 if world == shown else 0.0
                assert [state.objects[i].opacity for i in ids] == [level] * len(ids), f"{world} at {t:.1f} s"
    assert lines["cold"].end < lines["beyond"].start, "snow mountain and grassland are separate steps"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_official_wordings_are_spoken(lang: str) -> None:
    written = {
        name: yaml.safe_load((REPO / "scenes" / f"{name}.yaml").read_text(encoding="utf-8"))
        for name in ("long_march", "fushanhou", "nanhu_red_boat", "dujiang")
    }

    def said(name: str) -> str:
        return " ".join(line["text"][lang] for line in written[name]["narration"])

    if lang == "zh":
        assert "遵义会议实际上确立了毛泽东在党中央和红军的领导地位" in said("long_march")
        assert "政治局在遵义召开扩大会议" in said("long_march")
        assert "1936年10月，{mark:meet}红军三大主力会师。" in said("long_march")
        assert "会宁" not in said("long_march") and "将台堡" not in said("long_march")
        assert "青岛市郊的浮山后村" in said("fushanhou")
        assert "区" not in said("fushanhou").replace("地区", "") and "深秋" not in said("fushanhou")
        assert "在党史馆里" not in said("nanhu_red_boat")
        red_boat = "开天辟地、敢为人先的首创精神，坚定理想、百折不挠的奋斗精神，立党为公、忠诚为民的奉献精神"
        founding = "坚持真理、坚守理想，践行初心、担当使命，不怕牺牲、英勇斗争，对党忠诚、不负人民"
        assert red_boat in said("nanhu_red_boat") and founding in said("nanhu_red_boat")
        assert "钟山风雨起苍黄，百万雄师过大江" in said("dujiang")
    else:
        zunyi = "in effect established Mao Zedong's leading position in the Party Central Committee and the Red Army"
        assert zunyi in said("long_march")
        assert "Huining" not in said("long_march")
        assert "on the outskirts of Qingdao" in said("fushanhou")
    for name in written:
        assert "7月30日" not in said(name) or name == "nanhu_red_boat"


def test_the_gun_flashes_on_the_far_bank_stay_under_three_a_second() -> None:
    """Each flash is a lamp shown and a glow on the horizon; flashes start at least 1/3 s apart
    (the 3 flashes a second of the photosensitive-epilepsy guidance) in both languages."""
    project = Project.at(REPO)
    scene = project.load_scene(project.scene_path("dujiang")).model
    assert scene is not None
    from exhibit.timeline.compile import compile as compile_timeline

    for lang in scene.languages:
        timeline = compile_timeline(scene, lang)
        starts = sorted(
            tc.start
            for tc in timeline.cues
            if getattr(tc.cue, "do", "") == "show" and tc.cue.target.startswith("flash_")
        )
        assert len(starts) >= 8
        assert min(b - a for a, b in zip(starts, starts[1:], strict=False)) >= 1 / 3
