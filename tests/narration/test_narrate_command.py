"""``exhibit narrate``: the command staff run after a new recording."""

from __future__ import annotations

import numpy as np
import pytest

from exhibit.cli.main import main
from tests.narration.conftest import Content, silence, syllables

SCENE = """
    id: {name}
    languages: [zh, en]
    narration:
      - id: intro
        at: 1
        text: {{zh: 南湖的游船。, en: The boat on the lake.}}
"""


@pytest.fixture
def two_scenes(content: Content) -> Content:
    for name in ("first", "second"):
        content.scene(name, SCENE.format(name=name))
        for lang in ("zh", "en"):
            voice = np.concatenate([silence(0.2), syllables(1.2), silence(0.2)])
            content.wav(f"audio/voice/{lang}/{name}/intro.wav", voice)
    return content


def test_narrate_builds_the_named_scene_in_one_language(
    two_scenes: Content, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--root", str(two_scenes.root), "narrate", "first", "--lang", "en"]) == 0
    out, err = capsys.readouterr()
    folder = two_scenes.root / "build" / "first"
    assert sorted(p.name for p in folder.iterdir() if not p.name.startswith("narration.")) == [
        "captions.en.srt",
        "captions.en.vtt",
        "mix.en.wav",
        "timeline.en.json",
    ]
    assert "first [en]: voices 1/1" in err  # progress on stderr
    assert "first [en]: built in" in out and "1 recording, -23.0 LUFS" in out
    assert "build/first/mix.en.wav" in out


def test_narrate_without_scenes_builds_every_scene_and_language(
    two_scenes: Content, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--root", str(two_scenes.root), "narrate"]) == 0
    for name in ("first", "second"):
        for lang in ("zh", "en"):
            assert (two_scenes.root / "build" / name / f"mix.{lang}.wav").is_file()
    capsys.readouterr()
    assert main(["--root", str(two_scenes.root), "narrate", "second"]) == 0
    out, err = capsys.readouterr()
    assert out.count("up to date") == 2 and "voices" not in err


def test_narrate_reports_unknown_scenes_and_languages_in_one_line(
    two_scenes: Content, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--root", str(two_scenes.root), "narrate", "frist"]) == 1
    assert capsys.readouterr().err == "exhibit: error: no scene 'frist' (did you mean 'first'?)\n"
    assert main(["--root", str(two_scenes.root), "narrate", "first", "--lang", "fr"]) == 1
    assert capsys.readouterr().err == (
        "exhibit: error: scene 'first' has no language 'fr' (its languages: zh, en)\n"
    )
    assert not (two_scenes.root / "build").exists()
