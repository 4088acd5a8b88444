"""``exhibit timeline``: the resolved timeline as a table, as JSON, or as a chart."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from exhibit.spec.errors import ExhibitError
from exhibit.spec.project import Project

if TYPE_CHECKING:
    from exhibit.timeline.model import Timeline


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "timeline",
        help="show the resolved timeline of a scene",
        description="Every narration line, mark, cue, music and effect with absolute "
        "start/end seconds in one language.",
    )
    p.add_argument("scene", help="scene name (from scenes/) or path to its file")
    p.add_argument("--lang", default=None, help="language (default: the scene's first)")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument("-o", "--output", default=None, help="draw the timeline as a chart (PNG/SVG/PDF)")
    p.set_defaults(run=run)


def load_timeline(project: Project, scene_arg: str, lang: str | None) -> Timeline:
    """Load, check and compile a scene, with measured timings where audio exists."""
    from exhibit.narration.show import prepare_show

    return prepare_show(project, scene_arg, lang, project.load_hall().model, narration="measured").timeline


def _table(data: dict[str, Any]) -> str:
    rows: list[tuple[float, float | None, str, str]] = []
    for n in data["narration"]:
        rows.append((n["start"], n["end"], "line", n["id"]))
        for mark, t in n["marks"].items():
            rows.append((t, None, "mark", f"{n['id']}@{mark}"))
    for c in data["cues"]:
        label = c["id"] or f"#{c['index']}"
        what = c["do"] + (f" {c['effect']}" if c.get("effect") else "") + (f" {c['target']}" if c.get("target") else "")
        rows.append((c["start"], c["end"], "cue", f"{label}: {what}"))
    for m in data["music"]:
        rows.append((m["start"], m["end"], "music", m["file"]))
    for s in data["sounds"]:
        rows.append((s["start"], None, "sound", s["file"]))
    rows.sort(key=lambda r: (r[0], r[2]))
    out = [f"{data['scene']} ({data['lang']}), {data['duration']:.2f} s", f"{'start':>8} {'end':>8}  {'kind':<6} what"]
    for start, end, kind, what in rows:
        out.append(f"{start:8.2f} {'' if end is None else f'{end:8.2f}':>8}  {kind:<6} {what}")
    return "\n".join(out)


MAX_SUBROWS = 4


def draw_chart(data: dict[str, Any], path: Path) -> None:
    """Lanes for narration, cues, effects and music, so staff see the show at a glance."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    lanes: list[tuple[str, list[tuple[float, float, str]]]] = []
    lanes.append(("narration", [(n["start"], n["end"], n["id"]) for n in data["narration"]]))
    visual = [c for c in data["cues"] if c["do"] not in ("effect", "sound", "quiz")]
    effects: dict[str, list[tuple[float, float, str]]] = {}
    for c in data["cues"]:
        if c["do"] == "effect":
            effects.setdefault(c["effect"], []).append((c["start"], c["end"], c["effect"]))
    lanes.append(("cues", [(c["start"], c["end"], c["id"] or c["do"]) for c in visual]))
    for name, items in sorted(effects.items()):
        lanes.append((f"effect: {name}", items))
    events = [c for c in data["cues"] if c["do"] in ("sound", "quiz")]
    events += [{"start": s["start"], "end": s["start"], "do": "sound", "id": None} for s in data["sounds"]]
    lanes.append(("sound / quiz", [(c["start"], c["end"], c["id"] or c["do"]) for c in events]))
    lanes.append(("music", [(m["start"], m["end"], Path(m["file"]).stem) for m in data["music"]]))
    colours = {"narration": "#2f5d8a", "cues": "#6b7a4f", "music": "#8a6f2f", "sound / quiz": "#555555"}
    fig_h = 1.2 + 0.55 * len(lanes)
    fig, ax = plt.subplots(figsize=(14, fig_h), dpi=110)
    min_width = data["duration"] / 400
    for row, (lane, items) in enumerate(reversed(lanes)):
        colour = colours.get(lane, "#b5452f")
        # Overlapping items share the lane in sub-rows, so none hides another.
        ends: list[float] = []
        placed: list[tuple[float, float, str, int]] = []
        for start, end, label in sorted(items):
            width = max(end - start, min_width)
            sub = next((k for k, e in enumerate(ends) if e <= start), len(ends))
            if sub == len(ends):
                if len(ends) < MAX_SUBROWS:
                    ends.append(0.0)
                else:  # crowded: share the row that frees up first
                    sub = min(range(len(ends)), key=ends.__getitem__)
            ends[sub] = start + width
            placed.append((start, width, label, sub))
        height = 0.7 / max(1, len(ends))
        for start, width, label, sub in placed:
            y = row - 0.35 + sub * height
            ax.broken_barh([(start, width)], (y, height), facecolors=colour, edgecolors="white", linewidth=0.5)
            if width > data["duration"] / 40:
                ax.text(
                    start + width / 2,
                    y + height / 2,
                    str(label),
                    ha="center",
                    va="center",
                    fontsize=7 if len(ends) < 3 else 5,
                    color="white",
                    clip_on=True,
                )
    for n in data["narration"]:
        for mark, t in n["marks"].items():
            ax.axvline(t, color="#2f5d8a", alpha=0.35, linewidth=0.8, linestyle=":")
            ax.text(t, len(lanes) - 0.45, f"@{mark}", fontsize=6, color="#2f5d8a", rotation=90, va="top")
    ax.set_yticks(range(len(lanes)))
    ax.set_yticklabels([name for name, _ in reversed(lanes)])
    ax.set_xlim(0, data["duration"])
    ax.set_xlabel("seconds")
    ax.set_title(f"{data['scene']} ({data['lang']}): {data['duration']:.1f} s")
    ax.grid(axis="x", alpha=0.3)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path)
    plt.close(fig)


def run(args: argparse.Namespace) -> int:
    project = Project.at(args.root)
    timeline = load_timeline(project, args.scene, args.lang)
    data = timeline.details()
    if args.output:
        out = Path(args.output)
        try:
            draw_chart(data, out)
        except OSError as exc:
            raise ExhibitError(f"cannot write chart '{out}': {exc.strerror or exc}") from None
        print(out, file=sys.stderr)
    if args.json:
        print(json.dumps(timeline.to_json(), ensure_ascii=False, indent=2))
    elif not args.output:
        print(_table(data))
    return 0
