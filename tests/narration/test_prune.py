"""``exhibit narrate --prune``: old clips go, what any current scene needs stays.

Voices are the espeak-ng placeholders, so an edited line really leaves a different
clip behind; files are aged with ``os.utime`` as if the builds ran a few minutes ago.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from exhibit.cli.main import main
from exhibit.narration import build
from exhibit.narration.store import PRUNE_MIN_AGE, VoiceStore
from tests.narration.conftest import Content, requires_espeak

SCENE = """
    id: {name}
    languages: [zh, en]
    narration:
      - id: intro
        at: 1
        text: {{zh: {zh}, en: "{intro}"}}
      - id: outro
        text: {{zh: 红船起航。, en: The red boat sets out.}}
"""


def write_scene(content: Content, name: str, intro: str = "The boat on the lake.", zh: str = "南湖的游船。") -> None:
    content.scene(name, SCENE.format(name=name, intro=intro, zh=zh))


def age(folder: Path, seconds: float = 5 * 60) -> None:
    """Make every file in ``folder`` look ``seconds`` old."""
    then = time.time() - seconds
    for path in folder.rglob("*"):
        os.utime(path, (then, then))


def clips(content: Content) -> set[str]:
    return {f"{p.parent.name}/{p.name}" for p in (content.root / "build" / "voice").rglob("*.wav")}


@pytest.fixture
def two_built(content: Content) -> Content:
    write_scene(content, "first")
    write_scene(content, "second", "A second scene by the lake.", "第二个场景。")
    for name in ("first", "second"):
        for lang in ("zh", "en"):
            build(content.project, name, lang)
    return content


@requires_espeak
def test_prune_removes_the_clip_an_edit_left_behind_and_nothing_a_scene_needs(
    two_built: Content, capsys: pytest.CaptureFixture[str]
) -> None:
    content = two_built
    assert len(clips(content)) == 6  # the outro is shared by both scenes: 3 clips a language
    old = f"en/{build(content.project, 'first', 'en').line_audio['intro'].name}"
    write_scene(content, "first", "The boat on South Lake, in July.")
    edited = build(content.project, "first", "en")
    assert edited.voices_made == 1
    assert build(content.project, "first", "zh").voices_made == 0  # the scene changed; its zh voices did not
    new = f"en/{edited.line_audio['intro'].name}"
    assert {old, new} <= clips(content) and len(clips(content)) == 7  # the old clip stays behind
    age(content.root / "build")

    root = str(content.root)
    assert main(["--root", root, "narrate", "--prune"]) == 0
    out = capsys.readouterr().out
    assert "freed 2 files" in out and "kept 12 files in use" in out  # its WAV and its JSON
    assert old not in clips(content) and new in clips(content)
    assert clips(content) == _in_use(content) and len(clips(content)) == 6

    # Every scene is still a cache hit: nothing is synthesized, nothing mixed again.
    for name in ("first", "second"):
        for lang in ("zh", "en"):
            again = build(content.project, name, lang)
            assert (again.rebuilt, again.voices_made) == (False, 0), (name, lang)
    assert main(["--root", root, "narrate", "--prune"]) == 0
    assert "freed 0 files, 0.0 MB" in capsys.readouterr().out


def _in_use(content: Content) -> set[str]:
    from exhibit.narration.build import voices_in_use

    store = VoiceStore(content.root / "build")
    return {f"{lang}/{store.wav(lang, key).name}" for lang, key in voices_in_use(content.project)}


@requires_espeak
def test_a_dry_run_lists_and_removes_nothing_and_young_clips_are_left(
    two_built: Content, capsys: pytest.CaptureFixture[str]
) -> None:
    content = two_built
    root = str(content.root)
    (content.root / "scenes" / "second.yaml").unlink()  # its en clips are unused now
    assert main(["--root", root, "narrate", "--prune"]) == 0
    out = capsys.readouterr().out
    assert "freed 0 files" in out and f"4 unused files younger than {PRUNE_MIN_AGE:g} s left" in out

    age(content.root / "build")
    before = clips(content)
    assert main(["--root", root, "narrate", "--prune", "--dry-run"]) == 0
    out = capsys.readouterr().out
    listed = [line for line in out.splitlines() if line.endswith((".wav", ".json"))]
    assert len(listed) == 4 and "would free 4 files" in out
    assert clips(content) == before
    assert main(["--root", root, "narrate", "--prune"]) == 0
    assert len(before - clips(content)) == 2


@requires_espeak
def test_prune_refuses_while_a_build_holds_the_store(
    two_built: Content, capsys: pytest.CaptureFixture[str]
) -> None:
    content = two_built
    write_scene(content, "first", "Edited while a build runs.")
    age(content.root / "build")
    store = VoiceStore(content.root / "build")
    before = clips(content)
    with store.lock():  # what a build in another process holds
        assert main(["--root", str(content.root), "narrate", "--prune"]) == 1
    assert capsys.readouterr().err == (
        f"exhibit: error: a narration build is using {store.root} now; prune when it has finished\n"
    )
    assert clips(content) == before


def test_a_scene_that_does_not_load_stops_the_prune(content: Content, capsys: pytest.CaptureFixture[str]) -> None:
    write_scene(content, "first")
    content.scene("broken", "id: broken\nlanguages: [zh]\nnarration: 3\n")
    wav = content.root / "build" / "voice" / "zh" / ("0" * 32 + ".wav")
    wav.parent.mkdir(parents=True)
    wav.write_bytes(b"RIFF")
    age(content.root / "build")
    assert main(["--root", str(content.root), "narrate", "--prune"]) == 1
    err = capsys.readouterr().err
    assert "broken.yaml:3:" in err and "error" in err
    assert wav.exists()


def test_prune_takes_no_scene_or_language(content: Content, capsys: pytest.CaptureFixture[str]) -> None:
    write_scene(content, "first")
    assert main(["--root", str(content.root), "narrate", "first", "--prune"]) == 1
    assert capsys.readouterr().err == (
        "exhibit: error: --prune looks at every scene in every language; it takes no SCENE or --lang\n"
    )
    assert main(["--root", str(content.root), "narrate", "--dry-run"]) == 1
    assert capsys.readouterr().err == "exhibit: error: --dry-run goes with --prune\n"
    assert not (content.root / "build").exists()


def test_a_root_without_scenes_prunes_nothing(content: Content, capsys: pytest.CaptureFixture[str]) -> None:
    wav = content.root / "build" / "voice" / "zh" / ("0" * 32 + ".wav")
    wav.parent.mkdir(parents=True)
    wav.write_bytes(b"RIFF")
    age(content.root / "build")
    assert main(["--root", str(content.root), "narrate", "--prune"]) == 1
    assert capsys.readouterr().err.startswith("exhibit: error: no scenes in ")
    assert wav.exists()
