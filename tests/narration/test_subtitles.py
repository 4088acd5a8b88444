"""Caption files carry what the screen shows: the narration and the scene's caption cues.

A scene with recorded (synthetic) voices, so every time is known: the place and date
titles land in the .vtt and .srt at their cue's span, placed as on screen, read back
with webvtt-py and srt, and by ffmpeg (what a video export uses).
"""

from __future__ import annotations

import html
import importlib
import subprocess

import numpy as np
import pytest
import srt
import webvtt

from exhibit.narration import build
from exhibit.narration.subtitles import title_lines
from tests.narration.conftest import Content, ffmpeg, silence, syllables

SCENE = """
    id: pass
    languages: [zh, en]
    duration: 16
    narration:
      - id: climb
        at: 1
        text:
          zh: 红军开始翻越雪山，{mark:top}终于到达了山顶。
          en: The Red Army began to cross the snow mountains {mark:top}and reached the pass.
      - id: down
        gap: 1
        text: {zh: 他们继续前进。, en: They marched on.}
    cues:
      - at: climb.start
        do: caption
        text: {zh: 1935年6月 · 翻越夹金山, en: June 1935 · Crossing the Jiajin Mountain}
        position: top
        duration: 5
      - at: climb@top
        do: caption
        text: {zh: 夹金山 海拔4114米, en: "Jiajin Mountain, 4,114 m"}
        position: center
        duration: 2.5
      - at: down.start
        do: caption
        text: {zh: "四川\\n宝兴县", en: "Sichuan\\n\\nBaoxing County"}
        duration: 3
      - at: 12
        do: caption
        text: {zh: 只有中文}
        duration: 2
      - {at: 13, do: caption, text: {zh: "A < B & C", en: "A < B & C"}, position: top, duration: 1}
"""


@pytest.fixture
def passed(content: Content) -> Content:
    for lang, (climb, down) in {"zh": (3.0, 1.2), "en": (3.4, 1.0)}.items():
        for line, seconds in (("climb", climb), ("down", down)):
            voice = np.concatenate([silence(0.3), syllables(seconds), silence(0.3)])
            content.wav(f"audio/voice/{lang}/pass/{line}.wav", voice)
    content.scene("pass", SCENE)
    return content


def _secs(clock: str) -> float:
    h, m, s = clock.split(":")
    return round(int(h) * 3600 + int(m) * 60 + float(s), 3)


def test_caption_cues_are_in_the_webvtt_at_their_span_and_place(passed: Content) -> None:
    result = build(passed.project, "pass", "en")
    lines = {ln.id: ln for ln in result.timeline.lines}
    climb, down = lines["climb"], lines["down"]
    cues = list(webvtt.read(str(result.vtt_path)))
    titles = {c.identifier: (html.unescape(c.text), _secs(c.start), _secs(c.end))  # as a browser decodes it
              for c in cues if c.identifier.startswith("caption-")}
    assert titles == {
        "caption-1": ("June 1935 · Crossing the Jiajin Mountain", round(climb.start, 3), round(climb.start + 5, 3)),
        "caption-2": ("Jiajin Mountain, 4,114 m", round(climb.marks["top"], 3), round(climb.marks["top"] + 2.5, 3)),
        "caption-3": ("Sichuan\nBaoxing County", round(down.start, 3), round(down.start + 3, 3)),
        "caption-4": ("只有中文", 12.0, 14.0),  # untranslated: the screen shows the text it has
        "caption-5": ("A < B & C", 13.0, 14.0),
    }
    # Placed as on screen: the cue settings after the times, escaped text.
    text = result.vtt_path.read_text(encoding="utf-8").strip()
    blocks = {b.split("\n")[0]: b.split("\n")[1:] for b in text.split("\n\n")}
    assert blocks["caption-1"][0].endswith(" line:0")
    assert blocks["caption-2"][0].endswith(" line:50%,center")
    assert blocks["caption-3"][0].endswith(f"{_secs_to_clock(down.start + 3)}")  # bottom: the default place
    assert blocks["caption-5"] == ["00:00:13.000 --> 00:00:14.000 line:0", "A &lt; B &amp; C"]
    # The narration is still there, whole and in order, and no cue starts before the one above it.
    narration = [(_secs(c.start), _secs(c.end), c.text) for c in cues if not c.identifier.startswith("caption-")]
    assert narration == [(round(c.start, 3), round(c.end, 3), c.text) for c in result.timeline.captions]
    starts = [_secs(c.start) for c in cues]
    assert starts == sorted(starts)
    assert len({c.identifier for c in cues}) == len(cues)


def _secs_to_clock(seconds: float) -> str:
    ms = round(seconds * 1000)
    return f"{ms // 3_600_000:02d}:{ms // 60_000 % 60:02d}:{ms // 1000 % 60:02d}.{ms % 1000:03d}"


def test_srt_keeps_overlapping_captions_as_entries_in_time_order_with_their_place(passed: Content) -> None:
    result = build(passed.project, "pass", "zh")
    subs = list(srt.parse(result.srt_path.read_text(encoding="utf-8")))
    assert [s.index for s in subs] == list(range(1, len(subs) + 1))
    starts = [s.start for s in subs]
    assert starts == sorted(starts)
    by_text = {s.content: (s.start.total_seconds(), s.end.total_seconds()) for s in subs}
    climb = next(ln for ln in result.timeline.lines if ln.id == "climb")
    assert by_text["{\\an8}1935年6月 · 翻越夹金山"] == (round(climb.start, 3), round(climb.start + 5, 3))
    assert by_text["{\\an5}夹金山 海拔4114米"] == (round(climb.marks["top"], 3), round(climb.marks["top"] + 2.5, 3))
    titles = {"{\\an8}1935年6月 · 翻越夹金山", "{\\an5}夹金山 海拔4114米", "四川\n宝兴县", "只有中文",
              "{\\an8}A < B & C"}
    assert titles <= set(by_text)
    narration = [(s.start.total_seconds(), s.end.total_seconds(), s.content) for s in subs if s.content not in titles]
    assert narration == [(round(c.start, 3), round(c.end, 3), c.text) for c in result.timeline.captions]
    # The title stands over the narration's first caption: both are on screen at once.
    title, first = by_text["{\\an8}1935年6月 · 翻越夹金山"], narration[0]
    assert title[0] <= first[0] < first[1] <= title[1]

    # ffmpeg (what a video export reads) takes the top title as top-aligned.
    ass = subprocess.run([ffmpeg(), "-hide_banner", "-loglevel", "error", "-i", str(result.srt_path),
                          "-f", "ass", "-"], capture_output=True, text=True, check=True).stdout
    dialogue = [line for line in ass.splitlines() if line.startswith("Dialogue:")]
    assert len(dialogue) == len(subs)
    assert any(line.endswith(",{\\an8}1935年6月 · 翻越夹金山") for line in dialogue)


def test_a_caption_cue_shows_what_the_screen_shows_even_untranslated(passed: Content) -> None:
    result = build(passed.project, "pass", "en")
    # A blank line cannot be in a cue (it ends one): the files close it up.
    on_screen = {c.text.replace("\n\n", "\n") for t in np.arange(0, result.timeline.duration, 0.01)
                 for c in result.timeline.state(float(t)).captions}
    vtt = {html.unescape(c.text) for c in webvtt.read(str(result.vtt_path))}
    subs = {s.content.removeprefix("{\\an8}").removeprefix("{\\an5}")
            for s in srt.parse(result.srt_path.read_text(encoding="utf-8"))}
    assert "只有中文" in on_screen
    assert vtt == subs == on_screen


def test_a_build_from_before_caption_cues_is_written_again_without_new_voices_or_mix(passed: Content) -> None:
    result = build(passed.project, "pass", "en")
    manifest = result.manifest_path
    data = manifest.read_text(encoding="utf-8")
    old = result.vtt_path.read_text(encoding="utf-8")
    result.vtt_path.write_text(old.split("\ncaption-1")[0], encoding="utf-8")  # as an older build wrote it
    manifest.write_text(data.replace('"key": "', '"key": "older-', 1), encoding="utf-8")  # its key lacked FORMAT
    again = build(passed.project, "pass", "en")
    assert again.rebuilt and again.voices_made == 0 and not again.mix_rebuilt
    assert again.vtt_path.read_text(encoding="utf-8") == old


TITLED = """
    id: march
    languages: [zh, en]
    duration: 14
    narration:
      - id: dawn
        at: 1.5
        text: {zh: 天亮了，队伍出发了。, en: Dawn came and the column set out.}
    cues:
      - at: 0.5
        do: title
        text: {zh: 长征, en: The Long March}
        subtitle: {zh: 1934年—1936年, en: 1934–1936}
        duration: 5
      - at: 3
        do: title
        text: {zh: 只有中文}
        duration: 1
      - at: dawn.end + 2
        do: title
        text: {zh: "第一章\\n出发", en: "Chapter One\\n\\nSetting <Out>"}
        subtitle: {zh: 瑞金}
        duration: 2
      - at: 12.5
        do: title
        text: {zh: 终, en: The End}
        duration: 5
      - at: 2
        do: caption
        text: {zh: 江西瑞金, en: Ruijin}
        position: center
        duration: 1
"""


@pytest.fixture
def marched(content: Content) -> Content:
    for lang, seconds in {"zh": 2.2, "en": 2.6}.items():
        voice = np.concatenate([silence(0.3), syllables(seconds), silence(0.3)])
        content.wav(f"audio/voice/{lang}/march/dawn.wav", voice)
    content.scene("march", TITLED)
    return content


CENTRE_CAPTIONS = ("{\\an5}江西瑞金", "{\\an5}Ruijin")  # the caption cue in the middle, not a title


def _title_cues(path: str) -> list[tuple[float, float, str]]:
    return [(_secs(c.start), _secs(c.end), html.unescape(c.text)) for c in webvtt.read(path)
            if c.identifier.startswith("title-")]


def test_title_cards_are_in_the_webvtt_for_as_long_as_the_screen_shows_them(marched: Content) -> None:
    result = build(marched.project, "march", "en")
    dawn = result.timeline.lines[0]
    chapter = round(dawn.end + 2, 3)
    assert 6.0 < chapter < 10.0  # clear of the first card and of the last
    assert _title_cues(str(result.vtt_path)) == [
        (0.5, 3.0, "The Long March\n1934–1936"),
        (3.0, 4.0, "只有中文"),  # untranslated: the screen shows the text it has, over the first card
        (4.0, 5.5, "The Long March\n1934–1936"),  # the first card again, to the end of its fade-out
        (chapter, round(chapter + 2, 3), "Chapter One\nSetting <Out>\n瑞金"),  # the subtitle falls back too
        (12.5, 14.0, "The End"),  # cut at the end of the scene
    ]
    # Every one in the middle of the picture, the text escaped.
    text = result.vtt_path.read_text(encoding="utf-8").strip()
    blocks = {b.split("\n")[0]: b.split("\n")[1:] for b in text.split("\n\n")}
    titles = [name for name in blocks if name.startswith("title-")]
    assert titles == [f"title-{i}" for i in range(1, 6)]
    assert all(blocks[name][0].endswith(" line:50%,center") for name in titles)
    assert blocks["title-4"][1:] == ["Chapter One", "Setting &lt;Out&gt;", "瑞金"]
    # The narration and the caption cue are still there, and cues stay in order of their start.
    cues = list(webvtt.read(str(result.vtt_path)))
    narration = [(_secs(c.start), _secs(c.end), c.text) for c in cues if c.identifier.startswith("dawn-")]
    assert narration == [(round(c.start, 3), round(c.end, 3), c.text) for c in result.timeline.captions]
    assert [(_secs(c.start), c.text) for c in cues if c.identifier.startswith("caption-")] == [(2.0, "Ruijin")]
    starts = [_secs(c.start) for c in cues]
    assert starts == sorted(starts)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_files_show_a_title_exactly_when_the_screen_does(marched: Content, lang: str) -> None:
    result = build(marched.project, "march", lang)
    vtt = _title_cues(str(result.vtt_path))
    subs = [(s.start.total_seconds(), s.end.total_seconds(), s.content)
            for s in srt.parse(result.srt_path.read_text(encoding="utf-8"))]
    timeline = result.timeline
    for t in np.arange(0.005, timeline.duration, 0.01):  # between the milliseconds of the files
        title = timeline.state(float(t)).title
        shown = None
        if title is not None and title.opacity > 0 and title.text:
            shown = "\n".join(s for s in (*title.text.splitlines(), title.subtitle or "") if s.strip())
        in_vtt = [text for start, end, text in vtt if start <= t < end]
        in_srt = [text.removeprefix("{\\an5}") for start, end, text in subs
                  if start <= t < end and text.startswith("{\\an5}") and text not in CENTRE_CAPTIONS]
        assert in_vtt == in_srt == ([shown] if shown else []), f"at {t:.3f}"
    if lang == "zh":
        assert (0.5, 3.0, "{\\an5}长征\n1934年—1936年") in subs


def test_ffmpeg_reads_a_title_card_as_the_middle_of_the_picture(marched: Content) -> None:
    result = build(marched.project, "march", "zh")
    ass = subprocess.run([ffmpeg(), "-hide_banner", "-loglevel", "error", "-i", str(result.srt_path),
                          "-f", "ass", "-"], capture_output=True, text=True, check=True).stdout
    dialogue = [line for line in ass.splitlines() if line.startswith("Dialogue:")]
    assert any(line.startswith("Dialogue: 0,0:00:00.50,0:00:03.00,") and line.endswith(",{\\an5}长征\\N1934年—1936年")
               for line in dialogue), dialogue


def test_a_build_from_before_title_cards_is_written_again_without_new_voices_or_mix(
    marched: Content, monkeypatch: pytest.MonkeyPatch
) -> None:
    building = importlib.import_module("exhibit.narration.build")  # the package's ``build`` is the function
    monkeypatch.setattr(building, "SUBTITLE_FORMAT", 2)  # files of format 2 had caption cues but no title cards
    old = build(marched.project, "march", "en")
    assert old.voices_made == 1
    written = {p: p.read_text(encoding="utf-8") for p in (old.vtt_path, old.srt_path)}
    # As that build wrote them: no title cards.
    old.vtt_path.write_text("\n\n".join(b for b in written[old.vtt_path].split("\n\n")
                                        if not b.startswith("title-")), encoding="utf-8")
    old.srt_path.write_text(srt.compose([s for s in srt.parse(written[old.srt_path])
                                         if not s.content.startswith("{\\an5}") or s.content == "{\\an5}Ruijin"]),
                            encoding="utf-8")
    assert not _title_cues(str(old.vtt_path))
    assert build(marched.project, "march", "en").rebuilt is False  # same format: nothing to do

    monkeypatch.undo()
    again = build(marched.project, "march", "en")
    assert again.rebuilt and again.voices_made == 0 and not again.mix_rebuilt
    assert {p: p.read_text(encoding="utf-8") for p in (again.vtt_path, again.srt_path)} == written
    assert len(_title_cues(str(again.vtt_path))) == 5


def test_a_title_too_long_for_one_caption_line_breaks_at_its_separator_first() -> None:
    assert title_lines("1921年7月23日 · 上海望志路106号") == ["1921年7月23日", "上海望志路106号"]  # 22 > 16
    assert title_lines("1935年6月 · 翻越夹金山") == ["1935年6月 · 翻越夹金山"]  # fits: kept whole
    assert title_lines("The First National Congress · Shanghai, 23 July 1921 · 106 Wangzhi Road") == [
        "The First National Congress", "Shanghai, 23 July 1921 · 106 Wangzhi Road"]
    long = title_lines("中国共产党第一次全国代表大会在上海法租界望志路一百零六号召开")  # no separator
    assert len(long) >= 2 and all(len(line) <= 16 for line in long)
