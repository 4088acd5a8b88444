"""What visitors chose and opened, counted from the hall's journal (``var/log/hall.jsonl``).

The journal holds one ``hotspot`` record per info card opened (scene, object) and one
``choice`` record per pick (from the remote or a window) and per choice that timed out to its
default (scene, choice, option); each says the show time and the display, and nothing about
the visitor. A line that is not a record (a
file cut off by a power loss) is counted and skipped, never fatal.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from exhibit.effects.journal import journal_files


@dataclass
class Visits:
    """Counts by (scene, choice, option), picked by a visitor or taken by default."""

    picked: Counter[tuple[str, str, int]] = field(default_factory=Counter)
    defaulted: Counter[tuple[str, str, int]] = field(default_factory=Counter)
    opened: Counter[tuple[str, str]] = field(default_factory=Counter)  # (scene, object): info cards opened
    unreadable: int = 0  # journal lines that were not records

    def add(self, record: dict[str, Any]) -> None:
        if record.get("event") == "hotspot":
            self.opened[(str(record.get("scene")), str(record.get("object")))] += 1
            return
        if record.get("event") != "choice":
            return
        option = record.get("option")
        if isinstance(option, bool) or not isinstance(option, int):
            self.unreadable += 1  # not a record this program wrote
            return
        key = (str(record.get("scene")), str(record.get("choice")), option)
        (self.defaulted if record.get("origin") == "timeout" else self.picked)[key] += 1

    def rows(self) -> list[dict[str, Any]]:
        """One row per option ever chosen, by scene, choice and option."""
        keys = sorted(set(self.picked) | set(self.defaulted))
        return [
            {
                "scene": s,
                "choice": c,
                "option": o,
                "picked": self.picked[(s, c, o)],
                "by_default": self.defaulted[(s, c, o)],
            }
            for s, c, o in keys
        ]

    def hotspot_rows(self) -> list[dict[str, Any]]:
        """One row per object whose info card was opened, by scene and object."""
        return [{"scene": s, "object": o, "opened": n} for (s, o), n in sorted(self.opened.items())]


def read_visits(journal: Path) -> Visits:
    """The visits recorded in ``journal`` and its rotated files."""
    visits = Visits()
    for file in journal_files(journal):
        for line in file.read_text(encoding="utf-8", errors="replace").splitlines():
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError:
                visits.unreadable += 1
                continue
            if isinstance(record, dict):
                visits.add(record)
            else:
                visits.unreadable += 1
    return visits
