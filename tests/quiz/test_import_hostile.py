"""Question imports never silently wrong: Excel's CSV, bounded sheets, one bank per name, no formulas."""

from __future__ import annotations

import csv
import io
import os
import resource
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from exhibit.quiz.importer import import_file
from exhibit.quiz.stats import spreadsheet_safe
from exhibit.spec.errors import ExhibitError

HEADER = "题型,题干,选项A,选项B,选项C,答案\n"


def excel_csv(rows: list[list[str]]) -> bytes:
    """CSV exactly as Excel writes it: quotes doubled inside quoted cells, CRLF, a BOM."""
    buffer = io.StringIO()
    csv.writer(buffer, dialect="excel").writerows(rows)
    return "\ufeff".encode() + buffer.getvalue().encode("utf-8")


def run(*argv: str, cwd: Path, address_space: int | None = None) -> subprocess.CompletedProcess[str]:
    def limit() -> None:
        if address_space:
            resource.setrlimit(resource.RLIMIT_AS, (address_space, address_space))

    return subprocess.run(
        [sys.executable, "-m", "exhibit", *argv],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
        preexec_fn=limit,
        env=dict(os.environ),
    )


def test_doubled_quotes_in_an_excel_cell_are_one_quote_and_the_next_row_stays_put(tmp_path: Path) -> None:
    stem = "毛泽东说“星星之火，可以燎原”出自哪一年？".replace("“", '"').replace("”", '"')
    path = tmp_path / "bank.csv"
    path.write_bytes(
        excel_csv(
            [
                ["题型", "题干", "选项A", "选项B", "选项C", "答案"],
                ["单选", stem, "1927", "1930", "1935", "B"],
                ["单选", "中共一大在哪里召开？", "上海", "北京", "广州", "A"],
            ]
        )
    )
    assert '""星星之火，可以燎原""' in path.read_text(encoding="utf-8-sig")
    result = import_file(path)
    assert result.diagnostics == ()
    assert [q["stem"] for q in result.questions] == [stem, "中共一大在哪里召开？"]
    assert [q["options"] for q in result.questions] == [["1927", "1930", "1935"], ["上海", "北京", "广州"]]


def test_an_unclosed_quote_is_reported_by_line_and_the_rows_after_it_are_still_read(tmp_path: Path) -> None:
    path = tmp_path / "bank.csv"
    path.write_text(
        HEADER
        + '单选,"中共一大在哪里召开？,上海,北京,广州,A\n'
        + "单选,遵义会议在哪一年召开？,1934,1935,1936,B\n"
        + "单选,红军长征从哪里出发？,瑞金,延安,井冈山,A\n"
        + "单选,,A,B,C,A\n",
        encoding="utf-8",
    )
    result = import_file(path, shown_as="bank.csv")
    messages = [str(d) for d in result.diagnostics]
    assert messages[0].startswith("bank.csv:2:1: error: a quoted cell that starts on this line is never closed")
    assert messages[1:] == ["bank.csv:5:2: error: this row has no question text (题干)"]
    assert [q["stem"] for q in result.questions] == ["遵义会议在哪一年召开？", "红军长征从哪里出发？"]


def test_control_characters_in_imported_text_are_refused_by_row(tmp_path: Path) -> None:
    path = tmp_path / "bank.csv"
    path.write_bytes(
        excel_csv(
            [
                ["题型", "题干", "选项A", "选项B", "答案"],
                ["单选", "中共一大\x07在哪里召开？", "上海", "北京", "A"],
                ["单选", "遵义会议在哪一年召开？", "1935", "1936\x1b", "A"],
                ["单选", "红军长征从哪里出发？", "瑞金", "延安", "A"],
            ]
        )
    )
    result = import_file(path, shown_as="bank.csv")
    assert [str(d) for d in result.diagnostics] == [
        "bank.csv:2:2: error: stem: holds the control character U+0007, which no question text may hold; "
        "remove it from the file",
        "bank.csv:3:1: error: options: holds the control character U+001B, which no question text may hold; "
        "remove it from the file",
    ]
    assert [q["stem"] for q in result.questions] == ["红军长征从哪里出发？"]


def test_a_nul_in_a_csv_cell_is_refused_by_row(tmp_path: Path) -> None:
    path = tmp_path / "bank.csv"
    path.write_bytes((HEADER + "单选,中共一大\x00在哪里召开？,上海,北京,广州,A\n").encode())
    result = import_file(path, shown_as="bank.csv")
    assert [str(d) for d in result.diagnostics] == [
        "bank.csv:2:2: error: stem: holds the control character U+0000, which no question text may hold; "
        "remove it from the file"
    ]


def test_formula_stems_are_imported_as_drafts_with_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "bank.csv"
    path.write_bytes(
        excel_csv(
            [
                ["题型", "题干", "选项A", "选项B", "答案"],
                ["单选", '=HYPERLINK("http://x.example","中共一大在哪里召开？")', "上海", "北京", "A"],
                ["单选", "@SUM(1+1) 是多少？", "2", "3", "A"],
                ["单选", "遵义会议在哪一年召开？", "1935", "1936", "A"],
            ]
        )
    )
    result = import_file(path, shown_as="bank.csv")
    assert [str(d) for d in result.diagnostics] == [
        "bank.csv:2:2: warning: stem: starts with '=', which Excel runs as a formula when the text is "
        "exported; imported as a draft: check the text, then set 'status: ready'",
        "bank.csv:3:2: warning: stem: starts with '@', which Excel runs as a formula when the text is "
        "exported; imported as a draft: check the text, then set 'status: ready'",
    ]
    assert [q["status"] for q in result.questions] == ["draft", "draft", "ready"]


@pytest.mark.parametrize(
    ("cell", "shown"),
    [
        ("=1+1", "'=1+1"),
        ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("-0.25", "-0.25"),
        ("52.5%", "52.5%"),
        ("中共一大", "中共一大"),
    ],
)
def test_export_cells_that_would_be_formulas_are_text(cell: str, shown: str) -> None:
    assert spreadsheet_safe(cell) == shown


def sheet_with_cell_at(path: Path, ref: str) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    for col, value in zip("ABCDE", ["题型", "题干", "选项A", "选项B", "答案"], strict=True):
        sheet[f"{col}1"] = value
    for col, value in zip("ABCDE", ["单选", "中共一大在哪里召开？", "上海", "北京", "A"], strict=True):
        sheet[f"{col}2"] = value
    sheet[ref] = "x"
    book.save(path)


def test_a_stray_cell_at_xfd1048576_is_a_clear_error_in_bounded_memory_and_time(tmp_path: Path) -> None:
    sheet_with_cell_at(tmp_path / "bank.xlsx", "XFD1048576")
    (tmp_path / "quiz").mkdir()
    proc = run("quiz", "import", "bank.xlsx", "-o", "quiz/sheet.yaml", cwd=tmp_path, address_space=1 << 30)
    assert proc.returncode == 1, proc.stderr
    assert proc.stderr.strip().endswith(
        "bank.xlsx: cell XFD1048576 is outside the part of a sheet that is read (10,000 rows x 50 columns, "
        "A1:AX10000); delete what is beyond it, or split the questions over several files"
    )
    assert "Traceback" not in proc.stderr
    assert not (tmp_path / "quiz" / "sheet.yaml").exists()


def test_a_sheet_within_bounds_still_imports(tmp_path: Path) -> None:
    sheet_with_cell_at(tmp_path / "bank.xlsx", "F9000")
    result = import_file(tmp_path / "bank.xlsx")
    assert [q["stem"] for q in result.questions] == ["中共一大在哪里召开？"]


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (HEADER.encode() + "单选,题,a,b,c,A\n".encode(), "this is a text file, not an Excel workbook"),
        (bytes(range(256)) * 8, "this is not an Excel workbook (an .xlsx file is a zip archive)"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500), "an old Excel 97-2003 workbook (.xls) named .xlsx"),
    ],
)
def test_a_file_named_xlsx_that_is_not_a_zip_says_what_it_is(tmp_path: Path, content: bytes, says: str) -> None:
    path = tmp_path / "bank.xlsx"
    path.write_bytes(content)
    with pytest.raises(ExhibitError, match=r"bank\.xlsx: ") as info:
        import_file(path)
    assert says in str(info.value)
    assert not zipfile.is_zipfile(path)


def test_importing_a_bank_that_shadows_another_is_refused(project_root: Path) -> None:
    (project_root / "quiz" / "party_history.yaml").write_text(
        "bank: party_history\nquestions: []\n", encoding="utf-8"
    )
    (project_root / "more.csv").write_bytes(excel_csv([["题干", "选项A", "选项B", "答案"], ["题？", "a", "b", "A"]]))
    proc = run("quiz", "import", "more.csv", "-o", "quiz/party_history.yml", cwd=project_root)
    assert proc.returncode == 1
    assert proc.stderr.strip() == (
        "exhibit: error: quiz/party_history.yml would define the bank 'party_history', which "
        "quiz/party_history.yaml defines already; choose another name with -o, or replace that file (with --force)"
    )
    assert not (project_root / "quiz" / "party_history.yml").exists()


def test_check_reports_two_files_defining_one_bank(project_root: Path) -> None:
    demo = (project_root / "quiz" / "demo.yaml").read_text(encoding="utf-8")
    assert demo.startswith("bank: demo\n")
    (project_root / "quiz" / "copy.yaml").write_text(demo, encoding="utf-8")
    proc = run("check", "quiz", cwd=project_root)
    assert proc.returncode == 1
    assert (
        "quiz/copy.yaml:1:7: error: quiz/demo.yaml defines the bank 'demo' too; one of the two would be "
        "hidden: rename or remove one" in proc.stdout
    )
    assert "quiz/demo.yaml:1:7: error: quiz/copy.yaml defines the bank 'demo' too" in proc.stdout
