"""Sound captions in the caption files: effects, sounds and music named in brackets."""

from __future__ import annotations

import io

import webvtt

from exhibit.narration.subtitles import srt, subtitles
from exhibit.narration.subtitles import webvtt as write_vtt
from exhibit.spec.scene import Scene
from exhibit.spec.source import load_text
from exhibit.spec.validate import validate_document
from exhibit.timeline.compile import compile as compile_timeline
from exhibit.timeline.model import Timeline

SCENE = """\
languages: [zh, en]
duration: 30
narration:
  - {id: one, at: 1, text: {zh: 夜色安静。, en: A quiet night.}}
cues:
  - {at: 5, do: effect, effect: wind, duration: 6}
  - {at: 5.2, do: effect, effect: seat, duration: 1}
  - {at: 12, do: effect, effect: spray, duration: 2, label: {zh: 浪花拍船, en: waves hit the boat}}
  - {at: 16, do: effect, effect: mist, duration: 10, label: ""}
  - {at: 20, do: sound, file: audio/sounds/bell.wav, label: {zh: 钟声, en: a bell rings}}
  - {at: 22, do: sound, file: audio/sounds/bell.wav}
music:
  - {file: audio/music/theme.ogg, at: 0, until: scene.end}
  - {file: audio/music/theme.ogg, at: 24, until: scene.end, label: {zh: 歌声, en: singing}}
"""


def _timeline(lang: str) -> Timeline:
    doc = load_text(SCENE, "scenes/s.yaml")
    loaded = validate_document(doc, Scene, "scene")
    assert loaded.model is not None, loaded.diagnostics
    return compile_timeline(loaded.model.model_copy(update={"id": "s"}), lang, {}, doc)


def _sounds(lang: str) -> list[tuple[str, str, str]]:
    text = write_vtt(subtitles(_timeline(lang)), lang)
    parsed = webvtt.from_buffer(io.StringIO(text))
    return [(c.start, c.end, c.text) for c in parsed if c.identifier and c.identifier.startswith("sound-")]


def test_effects_and_labelled_sounds_are_captioned_at_the_top_in_each_language() -> None:
    assert _sounds("zh") == [
        ("00:00:05.000", "00:00:09.000", "[风声] [座椅晃动]"),
        ("00:00:12.000", "00:00:14.000", "[浪花拍船]"),
        ("00:00:20.000", "00:00:21.500", "[钟声]"),
        ("00:00:24.000", "00:00:28.000", "[歌声]"),
    ]
    assert [text for _, _, text in _sounds("en")] == [
        "[wind rises] [seats move]",
        "[waves hit the boat]",
        "[a bell rings]",
        "[singing]",
    ]
    vtt = write_vtt(subtitles(_timeline("en")), "en")
    assert "00:00:05.000 --> 00:00:09.000 line:0\n[wind rises] [seats move]" in vtt


def test_srt_puts_sound_captions_at_the_top() -> None:
    text = srt(subtitles(_timeline("zh")))
    assert "00:00:05,000 --> 00:00:09,000\n{\\an8}[风声] [座椅晃动]" in text
    assert "[音乐]" not in text  # a music bed without a label is not captioned
    assert "[薄雾弥漫]" not in text
