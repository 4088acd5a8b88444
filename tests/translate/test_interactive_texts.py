"""``exhibit translate`` carries the texts of choices and hotspots: a choice's prompt and
option labels, an info card's title and text, exported and imported like any caption."""

from __future__ import annotations

import csv
from pathlib import Path

import yaml

from exhibit.cli.main import main
from exhibit.spec.project import Project
from exhibit.translate import catalog

SCENE = """title: {zh: 红船, en: The Red Boat}
languages: [zh, en]
duration: 30
objects:
  boat:
    kind: red_boat
    info: {title: {zh: 红船, en: The Red Boat}, text: {zh: 一九二一年。, en: In 1921.}}
cues:
  - at: 2
    do: choice
    id: detour
    prompt: {zh: 看船舱吗？, en: See the cabin}
    options:
      - {label: {zh: 继续, en: Go on}, goto: detour.end}
      - {label: {zh: 看船舱, en: The cabin}, goto: 20}
"""


def test_choice_and_hotspot_texts_go_out_and_come_back(project: Project, tmp_path: Path) -> None:
    scene = project.root / "scenes" / "boat.yaml"
    scene.write_text(SCENE, encoding="utf-8")
    ids = {e.id for e in catalog(project, "ko", "zh", [scene]).entries}
    assert {
        "scene:boat/objects/boat/info/title",
        "scene:boat/objects/boat/info/text",
        "scene:boat/cues/detour/prompt",
        "scene:boat/cues/detour/options/1",
        "scene:boat/cues/detour/options/2",
    } <= ids
    sheet = tmp_path / "ko.csv"
    assert main(["--root", str(project.root), "translate", "export", "--lang", "ko", "-o", str(sheet)]) == 0
    rows = list(csv.reader(sheet.open(encoding="utf-8-sig", newline="")))
    for r in (r for r in rows[1:] if r[0].startswith("scene:boat/")):
        r[2] = f"KO {r[0].rsplit('/', 2)[-2]}/{r[0].rsplit('/', 1)[-1]}"
    with sheet.open("w", encoding="utf-8-sig", newline="") as f:
        csv.writer(f).writerows(rows)
    assert main(["--root", str(project.root), "translate", "import", str(sheet)]) == 0
    data = yaml.safe_load(scene.read_text(encoding="utf-8"))
    assert data["objects"]["boat"]["info"]["title"]["ko"] == "KO info/title"
    assert data["cues"][0]["prompt"]["ko"] == "KO detour/prompt"
    assert [o["label"]["ko"] for o in data["cues"][0]["options"]] == ["KO options/1", "KO options/2"]


PICTURE = """title: {zh: 展室, en: The room}
languages: [zh, en]
duration: 10
objects:
  board:
    kind: image
    file: pictures/board.png
    size: [2, 1]
    plaque: {text: {zh: 为人民服务, en: Serve the people}}
"""


def test_a_picture_plaque_goes_out_and_comes_back(project: Project, tmp_path: Path) -> None:
    scene = project.root / "scenes" / "room.yaml"
    scene.write_text(PICTURE, encoding="utf-8")
    sheet = tmp_path / "ko.csv"
    assert main(["--root", str(project.root), "translate", "export", "--lang", "ko", "-o", str(sheet), str(scene)]) == 0
    rows = list(csv.reader(sheet.open(encoding="utf-8-sig", newline="")))
    plaque = [r for r in rows if r[0] == "scene:room/objects/board/plaque/text"]
    assert [(r[1], r[3]) for r in plaque] == [("为人民服务", "missing")]
    plaque[0][2] = "인민을 위해 봉사한다"
    with sheet.open("w", encoding="utf-8-sig", newline="") as f:
        csv.writer(f).writerows(rows)
    assert main(["--root", str(project.root), "translate", "import", str(sheet)]) == 0
    data = yaml.safe_load(scene.read_text(encoding="utf-8"))
    assert data["objects"]["board"]["plaque"]["text"]["ko"] == "인민을 위해 봉사한다"
