"""``exhibit check`` on ``animate`` cues: a clip the model lacks, a target that is no model."""

from __future__ import annotations

import re

import pytest

from exhibit.cli.main import main
from exhibit.spec.project import Project
from tests.cli.docs_examples import strict_check
from tests.render.gltf_bar import write_bar

LINE = re.compile(r"^(?P<path>[^:\n]+):(?P<line>\d+):(?P<col>\d+): (?P<sev>error|warning|note): (?P<msg>.+)$")

SCENE = """title: {{zh: 讲解员, en: Guide}}
languages: [zh, en]
duration: 20
objects:
  guide: {{kind: model, file: models/guide.gltf, pos: [0, 6, 0]}}
  house: {{kind: house, pos: [8, 12, 0]}}
camera:
  keys:
    - {{at: 0, pos: [0, 0, 1.6], look_at: [0, 6, 1]}}
cues:
  - {{at: 2, do: animate, target: {target}, clip: {clip}, loop: true, speed: 0.5}}
"""


def run(
    project: Project, capsys: pytest.CaptureFixture[str], target: str, clip: str
) -> tuple[int, list[tuple[str, ...]]]:
    write_bar(project.root / "models" / "guide.gltf", clip="wave")
    scene = project.root / "scenes" / "guide.yaml"
    scene.write_text(SCENE.format(target=target, clip=clip), encoding="utf-8")
    status = main(["--root", str(project.root), "check", "--strict", str(scene)])
    out, _ = capsys.readouterr()
    return status, [m.groups()[1:] for m in map(LINE.match, out.splitlines()) if m and "recording" not in m["msg"]]


def test_an_animate_cue_with_the_models_clip_passes(project: Project, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(project, capsys, "guide", "wave") == (0, [])


def test_a_clip_the_model_lacks_is_located_with_did_you_mean(
    project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(project, capsys, "guide", "wav") == (
        1,
        [("11", "47", "error", "model 'models/guide.gltf' has no clip 'wav' (did you mean 'wave'?)")],
    )
    status, found = run(project, capsys, "guide", "dance")
    assert found == [("11", "47", "error", "model 'models/guide.gltf' has no clip 'dance'; its clips are: wave")]


def test_only_a_model_can_be_animated(project: Project, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(project, capsys, "house", "wave") == (
        1,
        [("11", "34", "error", "'house' is a house; only a model has animation clips")],
    )


def test_the_example_in_writing_scenes_passes_check(project: Project, capsys: pytest.CaptureFixture[str]) -> None:
    import struct

    gltf = project.root / "models" / "boatman.gltf"
    write_bar(gltf, clip="row")
    doc = gltf.read_text(encoding="utf-8").replace(
        '"animations": [{', '"animations": [{"name": "wave", "channels": [], "samplers": []}, {', 1
    )
    gltf.write_text(doc, encoding="utf-8")
    glb = project.root / "models" / "boatman.glb"
    body = gltf.read_bytes() + b" " * (-len(gltf.read_bytes()) % 4)
    glb.write_bytes(b"glTF" + struct.pack("<II", 2, 20 + len(body)) + struct.pack("<II", len(body), 0x4E4F534A) + body)
    assert strict_check(project, capsys, "### Animated models: `animate`", "boatman") == (0, [])
