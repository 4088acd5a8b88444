"""``exhibit check`` on hotspots (``info:`` on an object): a card without its title or text in
every language, a picture that is not there; each located at the value written."""

from __future__ import annotations

from pathlib import Path

import pytest

from exhibit.cli.main import main
from exhibit.spec.project import Project
from tests.cli.docs_examples import strict_check

SCENE = """title: {{zh: 红船, en: The Red Boat}}
languages: [zh, en]
duration: 10
objects:
  boat:
    kind: red_boat
    info:
      title: {{zh: 红船, en: The Red Boat}}
      text: {text}
      image: {image}
      pause: true
"""


def errors(project: Project, capsys: pytest.CaptureFixture[str], text: str, image: str) -> tuple[int, list[str]]:
    path = project.root / "scenes" / "hotspot.yaml"
    path.write_text(SCENE.format(text=text, image=image), encoding="utf-8")
    status = main(["--root", str(project.root), "check", str(path)])
    out = capsys.readouterr().out.replace(f"{project.root}/", "")
    return status, [line for line in out.splitlines() if ": error: " in line]


def test_a_hotspot_with_its_card_in_every_language_passes(project: Project, capsys: pytest.CaptureFixture[str]) -> None:
    (project.root / "pictures").mkdir(exist_ok=True)
    (project.root / "pictures" / "cabin.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    assert errors(project, capsys, "{zh: 一九二一年, en: In 1921}", "pictures/cabin.png") == (0, [])


def test_a_card_without_a_language_and_a_missing_picture_are_located(
    project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    status, found = errors(project, capsys, "{en: In 1921}", "pictures/cabn.png")
    assert status == 1
    assert found == [
        "scenes/hotspot.yaml:9:13: error: the info card of 'boat' has no text in zh; "
        "write it in every language of the scene",
        "scenes/hotspot.yaml:10:14: error: image file 'pictures/cabn.png' does not exist",
    ]


PARTS = """title: {{zh: 红船, en: The Red Boat}}
languages: [zh, en]
duration: 10
objects:
  boat: {{kind: red_boat}}
  cabin:
    kind: hotspot
    part_of: {part_of}
    size: [3.5, 9, 2.3]
{info}"""
CARD = """    info:
      title: {zh: 船舱, en: The cabin}
      text: {zh: 一九二一年, en: In 1921}
"""


def part_errors(project: Project, capsys: pytest.CaptureFixture[str], part_of: str, info: str = CARD) -> list[str]:
    path = project.root / "scenes" / "parts.yaml"
    path.write_text(PARTS.format(part_of=part_of, info=info), encoding="utf-8")
    status = main(["--root", str(project.root), "check", "--strict", str(path)])
    out = capsys.readouterr().out.replace(f"{project.root}/", "")
    found = [line for line in out.splitlines() if ": error: " in line or ": warning: " in line]
    assert status == (1 if found else 0)
    return found


def test_a_hotspot_part_of_an_object_passes(project: Project, capsys: pytest.CaptureFixture[str]) -> None:
    assert part_errors(project, capsys, "boat") == []


def test_a_hotspot_part_of_no_object_is_located_with_a_suggestion(
    project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    assert part_errors(project, capsys, "baot") == [
        "scenes/parts.yaml:8:14: error: unknown object 'baot' (did you mean 'boat'?)"
    ]
    assert part_errors(project, capsys, "cabin") == [
        "scenes/parts.yaml:8:14: error: hotspot 'cabin' is part of itself; make it part of an object that is drawn, "
        "or of none"
    ]


def test_a_hotspot_without_a_card_is_located(project: Project, capsys: pytest.CaptureFixture[str]) -> None:
    assert part_errors(project, capsys, "boat", info="") == [
        "scenes/parts.yaml:6:3: error: missing required key 'info' for hotspot object 'cabin'"
    ]


def test_on_is_not_a_key_of_a_hotspot(project: Project, capsys: pytest.CaptureFixture[str]) -> None:
    """YAML reads a bare ``on`` as true: the key is ``part_of``, and the error says which keys there are."""
    found = part_errors(project, capsys, "boat\n    on: boat")
    assert len(found) == 1 and found[0].startswith("scenes/parts.yaml:9:5: error: unknown key 'true'")
    assert "part_of" in found[0]


@pytest.mark.parametrize(
    "heading", ["### Hotspots: `info`", "### A part of an object: `hotspot`", "### A room seen from inside: `room`"]
)
def test_the_examples_of_hotspots_parts_and_rooms_pass_a_strict_check(
    project: Project, capsys: pytest.CaptureFixture[str], heading: str
) -> None:
    assert strict_check(project, capsys, heading, "example") == (0, [])


def test_looking_at_or_following_a_part_names_its_object_instead(
    project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    """A part's pos is in its object's frame: the camera or a sound at it would be elsewhere."""
    scene = CARD + "camera:\n  keys:\n    - {at: 0, pos: [0, -20, 3], look_at: cabin}\n"
    scene += "cues:\n  - {at: 1, do: sound, file: audio/oars.wav, follow: cabin}\n"
    (project.root / "audio").mkdir(exist_ok=True)
    write_tone(project.root / "audio" / "oars.wav")
    assert part_errors(project, capsys, "boat", info=scene) == [
        "scenes/parts.yaml:15:42: error: 'cabin' is part of 'boat' (its pos is in that object's frame); "
        "look at 'boat' instead",
        "scenes/parts.yaml:17:54: error: 'cabin' is part of 'boat' (its pos is in that object's frame); "
        "let the sound follow 'boat' instead",
    ]


def write_tone(path: Path) -> None:
    import wave

    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(16000)
        out.writeframes(b"\x00\x00" * 1600)
