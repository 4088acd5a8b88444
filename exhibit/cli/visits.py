"""``exhibit visits``: what visitors chose in the hall, counted from its journal."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from exhibit.hall.visits import read_visits
from exhibit.spec.project import Project


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "visits",
        help="count the choices visitors made and the info cards they opened in the hall",
        description="Count, per scene, choice and option, how often visitors picked it and how often "
        "the choice timed out to it, and how often each hotspot's info card was opened, from the "
        "hall's journal (var/log/hall.jsonl and its rotated files). "
        "The journal holds no personal data.",
    )
    p.add_argument("--journal", default=None, metavar="FILE", help="the journal (default: var/log/hall.jsonl)")
    p.add_argument("--json", action="store_true", help="one JSON document instead of a table")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    journal = Path(args.journal) if args.journal else Project.at(args.root).var_dir / "log" / "hall.jsonl"
    visits = read_visits(journal)
    rows = visits.rows()
    if args.json:
        report = {"journal": str(journal), "choices": rows, "hotspots": visits.hotspot_rows()}
        print(json.dumps({**report, "unreadable_lines": visits.unreadable}))
        return 0
    if not rows and not visits.opened:
        print(f"no choices or hotspots in {journal}")
    if rows:
        print(f"{'scene':<20} {'choice':<16} {'option':>6} {'picked':>7} {'by default':>10}")
        for r in rows:
            print(f"{r['scene']:<20} {r['choice']:<16} {r['option']:>6} {r['picked']:>7} {r['by_default']:>10}")
    if visits.opened:
        print(f"{'scene':<20} {'hotspot':<16} {'opened':>7}")
        for h in visits.hotspot_rows():
            print(f"{h['scene']:<20} {h['object']:<16} {h['opened']:>7}")
    if visits.unreadable:
        print(f"{visits.unreadable} line(s) of the journal were not records and were skipped")
    return 0
