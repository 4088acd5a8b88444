"""A question read from a foreign file, before it is checked; it remembers where it came from.

Every importer (GIFT, Aiken, spreadsheets) produces drafts and problems; the importer
then checks each draft against the bank rules, so all formats report a bad item the
same way: by its line (or row and column) in the file the person gave us.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Draft:
    line: int  # 1-based line (or spreadsheet row)
    fields: dict[str, Any]  # question keys as in the bank YAML, without the id
    title: str | None = None  # a name the file gave the question (GIFT ::title::, a sheet's id)
    column: int = 1
    columns: dict[str, int] = field(default_factory=dict)  # field -> column, for messages


@dataclass(frozen=True)
class Problem:
    line: int
    message: str
    column: int = 1
