"""Translation workflow: every visitor-facing string out to a sheet or XLIFF, and back.

``exhibit translate export`` lists each localized text of the scenes and question
banks under a stable id (``scene:nanhu_red_boat/narration/intro/text``), with the
source text, the current translation and its state. ``exhibit translate import``
writes the translations back into the YAML by splicing new values into the file's
text, so comments, order, quoting and alignment stay exactly as staff wrote them.

Modules: :mod:`catalog` (the strings and where they sit), :mod:`yamlpatch` (edits to
YAML text), :mod:`table` (CSV and XLSX), :mod:`xliff` (XLIFF 1.2), :mod:`merge`
(applying a file of translations and reporting stale, orphan and missing strings).
"""

from __future__ import annotations

from exhibit.translate.catalog import Catalog, Entry, State, catalog
from exhibit.translate.merge import MergeReport, merge
from exhibit.translate.rows import Row, Sheet, read_rows, write_rows

__all__ = ["Catalog", "Entry", "MergeReport", "Row", "Sheet", "State", "catalog", "merge", "read_rows", "write_rows"]
