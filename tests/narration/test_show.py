"""From a scene name to a playable show: one lookup, one language rule, every entry point alike."""

from __future__ import annotations

import numpy as np
import pytest

from exhibit.cli.main import main
from exhibit.hall.catalogue import Catalogue
from exhibit.narration.build import build
from exhibit.narration.show import prepare_show
from exhibit.spec.errors import Diagnostic, ExhibitError
from tests.narration.conftest import Content, silence, syllables

SCENE = """
    id: {name}
    languages: [zh, en]
    narration:
      - id: intro
        at: 1
        text: {{zh: 南湖的游船。, en: The boat on the lake.}}
"""
VOICE_SECONDS = 2.4  # the recording below: 0.2 s lead, 2.0 s of "speech", 0.2 s tail


@pytest.fixture
def boats(content: Content) -> Content:
    for name in ("red_boat", "long_march"):
        content.scene(name, SCENE.format(name=name))
    content.wav("audio/voice/zh/red_boat/intro.wav", np.concatenate([silence(0.2), syllables(2.0), silence(0.2)]))
    return content


def _error_of(boats: Content, capsys: pytest.CaptureFixture[str], *command: str) -> str:
    assert main(["--root", str(boats.root), *command]) == 1
    return capsys.readouterr().err


def test_a_mistyped_scene_gets_the_same_did_you_mean_from_every_entry_point(
    boats: Content, capsys: pytest.CaptureFixture[str]
) -> None:
    said = "no scene 'red_bota' (did you mean 'red_boat'?)"
    project = boats.project
    for call in (
        lambda: project.find_scene("red_bota"),
        lambda: prepare_show(project, "red_bota"),
        lambda: build(project, "red_bota"),
    ):
        with pytest.raises(ExhibitError) as err:
            call()
        assert str(err.value) == said
    still = ("still", "red_bota", "--at", "1", "-o", "x.png")
    for command in (("timeline", "red_bota"), ("narrate", "red_bota"), still):
        assert _error_of(boats, capsys, *command) == f"exhibit: error: {said}\n"
    with pytest.raises(ExhibitError, match=r"^unknown scene 'red_bota' \(did you mean 'red_boat'\?\)$"):
        Catalogue(project).compile("red_bota")  # the hall's remote: names only, never paths


def test_a_name_like_none_lists_the_scenes_there_are(boats: Content) -> None:
    with pytest.raises(ExhibitError) as err:
        boats.project.find_scene("zzz")
    assert str(err.value) == "no scene 'zzz'; scenes: long_march, red_boat"


def test_a_missing_language_is_the_same_error_everywhere_and_a_located_warning_for_the_hall(
    boats: Content, capsys: pytest.CaptureFixture[str]
) -> None:
    said = "scene 'red_boat' has no language 'fr' (its languages: zh, en)"
    project = boats.project
    for call in (
        lambda: prepare_show(project, "red_boat", "fr", narration="estimated"),
        lambda: build(project, "red_boat", "fr"),
        lambda: Catalogue(project).compile("red_boat", "fr"),
    ):
        with pytest.raises(ExhibitError) as err:
            call()
        assert str(err.value) == said
    for command in (("timeline", "red_boat", "--lang", "fr"), ("narrate", "red_boat", "--lang", "fr")):
        assert _error_of(boats, capsys, *command) == f"exhibit: error: {said}\n"
    warnings: list[Diagnostic] = []
    timeline = Catalogue(project).compile("red_boat", "fr", warn=warnings.append)
    assert timeline.lang == "zh"
    path = boats.root / "scenes" / "red_boat.yaml"
    row = path.read_text(encoding="utf-8").splitlines().index("languages: [zh, en]") + 1
    assert [str(w) for w in warnings] == [f"{path}:{row}:12: warning: {said}; playing it in zh"]


def test_the_lines_are_timed_by_the_narration_built_measured_or_estimated(boats: Content) -> None:
    project = boats.project
    estimated = prepare_show(project, "red_boat", narration="estimated")
    measured = prepare_show(project, "red_boat", narration="measured")
    assert estimated.mix is None and measured.mix is None
    assert not (boats.root / "build" / "red_boat").exists()  # neither builds anything
    assert measured.timeline.lines[0].source == "recording"
    assert estimated.timeline.lines[0].source == "estimate"
    assert measured.timeline.lines[0].audio_end - measured.timeline.lines[0].audio_start == pytest.approx(
        VOICE_SECONDS, abs=0.01
    )
    said: list[str] = []
    built = prepare_show(project, "red_boat", "zh", progress=said.append)
    assert built.mix == boats.root / "build" / "red_boat" / "mix.zh.wav" and built.mix.is_file()
    assert said[0] == "building the narration of red_boat (zh) ..."
    assert built.timeline.lines[0].start == measured.timeline.lines[0].start
    assert built.lang == "zh" and built.path == boats.root / "scenes" / "red_boat.yaml" and len(built.digest) == 64
