"""``exhibit translate import``: stale, orphan and refused rows, and what a bad file says.

Runs on a copy of the small content root (one scene ``mini``, one bank ``party``).
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from exhibit.cli.main import main
from exhibit.spec.project import Project

SLOGAN = "scene:mini/objects/slogan/text"
INTRO = "scene:mini/narration/intro/text"


@pytest.fixture(autouse=True)
def _inside_the_content_root(project: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(project.root)


def run(project: Project, *args: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    status = main(["--root", str(project.root), *args])
    return status, capsys.readouterr().err


def export(project: Project, tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str = "ko.csv") -> Path:
    out = tmp_path / name
    status, _ = run(project, "translate", "export", "--lang", "ko", "-o", str(out), capsys=capsys)
    assert status == 0
    return out


def rows_of(sheet: Path) -> list[list[str]]:
    return list(csv.reader(sheet.open(encoding="utf-8-sig", newline="")))


def save(sheet: Path, rows: list[list[str]]) -> None:
    with sheet.open("w", encoding="utf-8-sig", newline="") as f:
        csv.writer(f).writerows(rows)


def set_target(rows: list[list[str]], ident: str, text: str) -> int:
    for n, r in enumerate(rows, start=1):
        if r[0] == ident:
            r[2] = text
            return n
    raise AssertionError(f"no row {ident}")


def scene_text(project: Project) -> str:
    return (project.root / "scenes" / "mini.yaml").read_text(encoding="utf-8")


def test_a_translation_goes_into_the_flow_map_it_belongs_to(
    project: Project, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sheet = export(project, tmp_path, capsys)
    rows = rows_of(sheet)
    set_target(rows, SLOGAN, "초심을 잃지 말자")
    save(sheet, rows)
    before = scene_text(project)
    status, err = run(project, "translate", "import", str(sheet), capsys=capsys)
    assert status == 0, err
    after = scene_text(project)
    assert after == before.replace(
        "text: {zh: 不忘初心, en: Stay true}", "text: {zh: 不忘初心, en: Stay true, ko: 초심을 잃지 말자}"
    )
    assert "wrote 1 ko string(s) into scenes/mini.yaml" in err


def test_a_row_whose_source_changed_since_the_export_is_stale_and_not_written(
    project: Project, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sheet = export(project, tmp_path, capsys)
    rows = rows_of(sheet)
    n = set_target(rows, SLOGAN, "초심")
    save(sheet, rows)
    path = project.root / "scenes" / "mini.yaml"
    path.write_text(scene_text(project).replace("zh: 不忘初心,", "zh: 牢记使命,"), encoding="utf-8")
    before = path.read_bytes()
    status, err = run(project, "translate", "import", str(sheet), capsys=capsys)
    assert status == 0
    assert f"{sheet}:{n}:1: warning: stale: the source of '{SLOGAN}' changed since the export" in err
    assert "1 stale" in err
    assert path.read_bytes() == before


def test_a_row_for_a_string_no_longer_there_is_an_orphan(
    project: Project, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sheet = export(project, tmp_path, capsys)
    rows = rows_of(sheet)
    rows.append(["scene:mini/narration/gone/text", "旧的", "옛날", "translated", "scenes/mini.yaml", ""])
    save(sheet, rows)
    status, err = run(project, "translate", "import", str(sheet), capsys=capsys)
    assert status == 0
    assert (
        f"{sheet}:{len(rows)}:1: warning: orphan: 'scene:mini/narration/gone/text' is no longer in the content; "
        "not imported" in err
    )


def test_a_narration_translation_that_drops_a_bookmark_is_refused(
    project: Project, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sheet = export(project, tmp_path, capsys, "ko.xlsx")
    from openpyxl import load_workbook

    book = load_workbook(sheet)
    ws = book.active
    row = next(r for r in ws.iter_rows() if r[0].value == INTRO)
    row[2].value = "1921년 여름, 대표들은 남호의 배에 올랐다."
    book.save(sheet)
    before = scene_text(project)
    status, err = run(project, "translate", "import", str(sheet), capsys=capsys)
    assert status == 1
    assert (
        f"{sheet}:{row[0].row}:1: error: the 'ko' text of '{INTRO}' must keep the bookmarks of the source "
        "({mark:boat}); not imported" in err
    )
    assert scene_text(project) == before


def test_windows_line_endings_and_comments_survive_an_import(
    project: Project, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = project.root / "scenes" / "mini.yaml"
    crlf = path.read_bytes().replace(b"\n", b"\r\n")
    path.write_bytes(crlf)
    sheet = export(project, tmp_path, capsys, "ko.xlf")
    text = sheet.read_text(encoding="utf-8")
    unit = text.index(f'id="{INTRO}"')
    end = text.index("</trans-unit>", unit)
    target = text.index("<target", unit)
    assert target < end
    close = text.index("/>", target)
    text = text[:target] + '<target state="translated">남호의 배{mark:boat}에서, "계속"</target>' + text[close + 2 :]
    sheet.write_text(text, encoding="utf-8")
    status, err = run(project, "translate", "import", str(sheet), capsys=capsys)
    assert status == 0, err
    after = path.read_bytes()
    assert b"\n" not in after.replace(b"\r\n", b"")
    added = after.decode("utf-8").replace("\r\n", "\n").splitlines()
    old = crlf.decode("utf-8").replace("\r\n", "\n").splitlines()
    new_lines = [ln for ln in added if ln not in old]
    assert new_lines == ["      ko: '남호의 배{mark:boat}에서, \"계속\"'"]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "bad.csv",
            "a,b,c\n1,2,3\n",
            "bad.csv:1: the first row needs the columns id, 'source (LANG)' and 'target (LANG)'",
        ),
        ("bad.xlsx", "not a zip", "bad.xlsx: not an Excel workbook"),
        ("bad.xlf", "<xliff version='1.2'>\n<file>", "bad.xlf:2:7: not well-formed XML"),
        ("bad.txt", "x", "don't know the format of '.txt'; use .xlsx, .csv or .xlf (XLIFF 1.2)"),
    ],
)
def test_a_file_that_is_not_a_translation_sheet_gets_one_line_and_exit_1(
    project: Project, tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, content: str, message: str
) -> None:
    sheet = tmp_path / name
    sheet.write_text(content, encoding="utf-8")
    before = scene_text(project)
    status, err = run(project, "translate", "import", str(sheet), capsys=capsys)
    assert status == 1
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("exhibit: error: ") and message in lines[0], err
    assert scene_text(project) == before


def test_check_notes_untranslated_strings_and_fails_strict_only_for_the_halls_languages(
    project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    path = project.root / "scenes" / "mini.yaml"
    path.write_text(scene_text(project).replace("en: Stay true}", "en: Stay true, ja: 初心}"), encoding="utf-8")
    status = main(["--root", str(project.root), "check", "--strict"])
    out = capsys.readouterr().out
    assert status == 0, out
    notes = [ln for ln in out.splitlines() if "translation" in ln and "'ja'" in ln]
    assert len(notes) == 2 and all(": note: " in ln for ln in notes), out  # the scene and the bank
    hall = project.root / "hall.yaml"
    hall.write_text(hall.read_text(encoding="utf-8") + "languages: [zh, en, ja]\n", encoding="utf-8")
    status = main(["--root", str(project.root), "check", "--strict"])
    out = capsys.readouterr().out
    assert status == 1
    assert any(
        ln.startswith("scenes/mini.yaml:3:8: error: ") and "have no 'ja' translation" in ln for ln in out.splitlines()
    ), out
    status = main(["--root", str(project.root), "check"])
    out = capsys.readouterr().out
    assert status == 0 and "error" not in out


def test_a_sound_caption_label_is_a_string_to_translate(
    project: Project, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = project.root / "scenes" / "mini.yaml"
    path.write_text(
        scene_text(project).replace(
            "effect: wind, level: 0.4,", "effect: wind, label: {zh: 湖风, en: lake wind}, level: 0.4,"
        ),
        encoding="utf-8",
    )
    rows = rows_of(export(project, tmp_path, capsys))
    assert ["scene:mini/cues/effect@intro.start/label", "湖风", ""] == rows_of(tmp_path / "ko.csv")[
        [r[0] for r in rows].index("scene:mini/cues/effect@intro.start/label")
    ][:3]
