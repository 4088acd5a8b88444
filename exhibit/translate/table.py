"""Translation sheets as CSV (UTF-8 with a BOM, which Excel needs to see UTF-8) and XLSX.

The first row names the columns; the source and target columns carry their
language, ``source (zh)`` and ``target (ko)``, so the file says what it holds.
Columns are found by name, so a translator may reorder them or add their own.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from exhibit.spec.common import LANG_PATTERN
from exhibit.spec.errors import ExhibitError, Location
from exhibit.translate.rows import Row, Sheet, columns

_LANG_COLUMN = re.compile(r"^\s*(source|target)\s*\(\s*([^)]*?)\s*\)\s*$", re.IGNORECASE)


def _cells(sheet: Sheet) -> list[list[str]]:
    out = [list(columns(sheet.source_lang, sheet.lang))]
    for r in sheet.rows:
        out.append([r.id, r.source, r.target or "", r.state, r.file, r.note])
    return out


def write_csv(path: Path, sheet: Sheet) -> None:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(_cells(sheet))
    path.write_text(buffer.getvalue(), encoding="utf-8-sig", newline="")


def write_xlsx(path: Path, sheet: Sheet) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    ws = book.active
    ws.title = "translations"
    for r, values in enumerate(_cells(sheet), start=1):
        for c, value in enumerate(values, start=1):
            cell = ws.cell(row=r, column=c, value=value)
            cell.data_type = "s"  # text, even when it starts with '=' (never a formula)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            if r == 1:
                cell.font = Font(bold=True)
    for letter, width in zip("ABCDEF", (44, 60, 60, 12, 28, 30), strict=True):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = "B2"
    book.save(path)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a year typed into a spreadsheet cell
    return str(value)


def _header(path: Path, header: Sequence[str]) -> tuple[dict[str, int], str, str]:
    index: dict[str, int] = {}
    langs: dict[str, str] = {}
    for i, name in enumerate(header):
        found = _LANG_COLUMN.match(name)
        key = found.group(1).lower() if found else name.strip().lower()
        if found:
            if not re.match(LANG_PATTERN, found.group(2)):
                raise ExhibitError(f"{path}:1: '{name}' does not name a language; write it like 'target (ko)'")
            langs[key] = found.group(2)
        index.setdefault(key, i)
    missing = [c for c in ("id", "source", "target") if c not in index or (c != "id" and c not in langs)]
    if missing:
        raise ExhibitError(
            f"{path}:1: the first row needs the columns id, 'source (LANG)' and 'target (LANG)'; "
            f"missing: {', '.join(missing)} (export a sheet with 'exhibit translate export' to start from)"
        )
    return index, langs["source"], langs["target"]


def _rows(path: Path, table: Iterable[tuple[int, Sequence[Any]]]) -> Sheet:
    it = iter(table)
    first = next(it, None)
    if first is None:
        raise ExhibitError(f"{path}: the file is empty")
    index, source_lang, lang = _header(path, [_text(v) for v in first[1]])

    def cell(values: Sequence[Any], name: str) -> str:
        i = index.get(name)
        return _text(values[i]) if i is not None and i < len(values) else ""

    rows = []
    for number, values in it:
        ident = cell(values, "id").strip()
        if not ident:
            continue  # a blank row, or a translator's own note
        target = cell(values, "target")
        rows.append(
            Row(
                ident,
                cell(values, "source"),
                target if target.strip() else None,
                cell(values, "state"),
                cell(values, "file"),
                cell(values, "context"),
                Location(str(path), number, 1),
            )
        )
    return Sheet(source_lang, lang, tuple(rows))


def read_csv(path: Path) -> Sheet:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ExhibitError(
            f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start}); save the sheet as CSV UTF-8"
        ) from None
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        return _rows(path, ((reader.line_num, values) for values in reader))
    except csv.Error as exc:
        raise ExhibitError(f"{path}:{reader.line_num}: {exc}") from None


def read_xlsx(path: Path) -> Sheet:
    from zipfile import BadZipFile

    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (BadZipFile, InvalidFileException, KeyError, OSError) as exc:
        raise ExhibitError(f"{path}: not an Excel workbook ({exc}); save it as .xlsx") from None
    try:
        ws = book.worksheets[0]
        return _rows(path, enumerate(ws.iter_rows(values_only=True), start=1))
    finally:
        book.close()
