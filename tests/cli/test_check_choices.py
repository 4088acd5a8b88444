"""``exhibit check`` on jumps and choices: jumps into nowhere, loops an unattended show never
leaves, options without a label in every language; each located at the value written."""

from __future__ import annotations

from pathlib import Path

import pytest

from exhibit.cli.main import main
from exhibit.spec.project import Project
from tests.cli.docs_examples import strict_check

HEAD = """title: {zh: 选择, en: Choice}
languages: [zh, en]
duration: 30
camera:
  keys:
    - {at: 0, pos: [0, -20, 4], look_at: [0, 0, 1]}
cues:
"""
CHOICE = """  - at: 2
    do: choice
    id: pick
    timeout: 4
    default: {default}
    options:
      - label: {{zh: 继续, en: Go on}}
        goto: pick.end
      - label: {label}
        goto: {goto}
  - {{at: 12, do: caption, id: extra, text: {{zh: 更多, en: More}}, duration: 3}}
  - {{at: 11, do: jump, id: main_end, to: {main_end}}}
  - {{at: 16, do: jump, id: back, to: pick.end}}
"""
GOOD = {"default": "1", "label": "{zh: 更多, en: More}", "goto": "extra.start", "main_end": "scene.end"}


def run(project: Project, capsys: pytest.CaptureFixture[str], **changes: str) -> tuple[int, list[str]]:
    path: Path = project.root / "scenes" / "choice.yaml"
    path.write_text(HEAD + CHOICE.format(**{**GOOD, **changes}), encoding="utf-8")
    status = main(["--root", str(project.root), "check", str(path)])
    out = capsys.readouterr().out
    root = f"{project.root}/"
    return status, [line.replace(root, "") for line in out.splitlines() if ": error: " in line]


def test_a_story_with_an_optional_segment_passes(project: Project, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(project, capsys) == (0, [])


def test_a_jump_into_nowhere_is_located_at_its_target(project: Project, capsys: pytest.CaptureFixture[str]) -> None:
    status, errors = run(project, capsys, main_end="scene.end + 5")
    assert status == 1
    assert errors == [
        "scenes/choice.yaml:19:42: error: the jump's target (cue main_end) resolves to 35.00 s, "
        "after the scene ends at 30.00 s"
    ]


def test_an_option_going_to_an_unknown_name_is_located(project: Project, capsys: pytest.CaptureFixture[str]) -> None:
    status, errors = run(project, capsys, goto="exta.start")
    assert status == 1
    assert errors == [
        "scenes/choice.yaml:17:15: error: unknown narration line or cue 'exta' in 'exta.start' (did you mean 'extra'?)"
    ]


def test_a_loop_without_a_visitor_is_an_error(project: Project, capsys: pytest.CaptureFixture[str]) -> None:
    # The default goes to the optional segment, which comes back to the choice's end, and the
    # main story's end jumps back to the choice: round and round with nobody picking.
    status, errors = run(project, capsys, default="2", main_end="pick.start")
    assert status == 1
    assert errors == [
        "scenes/choice.yaml:12:14: error: without a visitor the show never ends: 6.00 s jumps to 12.00 s, "
        "then 16.00 s jumps to 6.00 s, then 11.00 s jumps to 2.00 s; let a choice's default (or a jump) "
        "lead out of the loop"
    ]


def test_an_option_without_a_label_in_every_language(project: Project, capsys: pytest.CaptureFixture[str]) -> None:
    status, errors = run(project, capsys, label="{en: More}")
    assert status == 1
    assert errors == [
        "scenes/choice.yaml:16:16: error: choice pick: option 2 has no label in zh; "
        "write it in every language of the scene"
    ]


def test_a_default_past_the_options_is_refused(project: Project, capsys: pytest.CaptureFixture[str]) -> None:
    status, errors = run(project, capsys, default="3")
    assert status == 1 and len(errors) == 1
    assert "'default' is option 3, but there are only 2 options" in errors[0]


def test_the_example_in_writing_scenes_passes_a_strict_check(
    project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    assert strict_check(project, capsys, "### Choices and jumps: `choice`, `jump`", "red_boat_choice") == (0, [])


def test_an_option_may_leave_for_another_scene_of_the_project(
    project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(project, capsys, goto="null\n        scene: mini") == (0, [])
    status, errors = run(project, capsys, goto="null\n        scene: mnii")
    assert (status, errors) == (1, ["scenes/choice.yaml:18:16: error: unknown scene 'mnii' (did you mean 'mini'?)"])
    status, errors = run(project, capsys, goto="null\n        scene: choice")
    assert errors == [
        "scenes/choice.yaml:18:16: error: 'choice' is this scene; to play it again from the start use "
        "'goto: scene.start'"
    ]
    status, errors = run(project, capsys, goto="extra.start\n        scene: mini")
    assert status == 1 and len(errors) == 1
    assert errors[0].startswith("scenes/choice.yaml:16:9: error: ") and (
        "an option needs 'goto' (a time of this scene) or 'scene' (another scene), one of them" in errors[0]
    )
