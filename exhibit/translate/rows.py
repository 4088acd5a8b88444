"""A file of translations, as rows: what export writes and import reads.

The format follows the file's suffix: ``.xlsx`` and ``.csv`` for people and
spreadsheets (:mod:`exhibit.translate.table`), ``.xlf`` / ``.xliff`` (XLIFF 1.2) for
translation agencies' tools (:mod:`exhibit.translate.xliff`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from exhibit.spec.errors import ExhibitError, Location

SUFFIXES = (".xlsx", ".csv", ".xlf", ".xliff")


@dataclass(frozen=True)
class Row:
    """One string in a translation file."""

    id: str
    source: str
    target: str | None  # None or "": not translated
    state: str = ""
    file: str = ""  # the content file it came from (information only: the id finds it)
    note: str = ""
    where: Location | None = None  # the row's place in the translation file, for messages


@dataclass(frozen=True)
class Sheet:
    """The rows of a translation file and its languages."""

    source_lang: str
    lang: str
    rows: tuple[Row, ...]


def _kind(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise ExhibitError(
            f"{path}: don't know the format of '{suffix or path.name}'; use .xlsx, .csv or .xlf (XLIFF 1.2)"
        )
    return "xliff" if suffix in (".xlf", ".xliff") else suffix[1:]


def write_rows(path: Path, sheet: Sheet) -> None:
    from exhibit.translate import table, xliff

    kind = _kind(path)
    if kind == "xliff":
        xliff.write(path, sheet)
    elif kind == "csv":
        table.write_csv(path, sheet)
    else:
        table.write_xlsx(path, sheet)


def read_rows(path: Path) -> Sheet:
    from exhibit.translate import table, xliff

    kind = _kind(path)
    if not path.is_file():
        raise ExhibitError(f"{path}: no such file")
    if kind == "xliff":
        return xliff.read(path)
    if kind == "csv":
        return table.read_csv(path)
    return table.read_xlsx(path)


def columns(source_lang: str, lang: str) -> Sequence[str]:
    return ("id", f"source ({source_lang})", f"target ({lang})", "state", "file", "context")
