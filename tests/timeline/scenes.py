"""Small scenes for timeline tests, built from plain data like a YAML file would give."""

from __future__ import annotations

from typing import Any

from exhibit.spec.scene import Scene
from exhibit.timeline.timing import LineTiming


def scene(**overrides: Any) -> Scene:
    data: dict[str, Any] = {
        "id": "test",
        "languages": ["zh", "en"],
        "objects": {
            "boat": {"kind": "red_boat", "pos": [0, 0, 0]},
            "slogan": {"kind": "text", "text": {"zh": "不忘初心", "en": "Stay true"}, "visible": False},
        },
        "camera": {
            "keys": [
                {"at": 0, "pos": [0, -60, 10], "look_at": "boat"},
                {"at": "intro.end", "pos": [20, -20, 4], "look_at": "boat", "ease": "in_out_cubic"},
            ]
        },
        "narration": [
            {
                "id": "intro",
                "text": {
                    "zh": "一九二一年七月，{mark:boat}代表们登上了游船。",
                    "en": "In July 1921 {mark:boat} the delegates boarded a boat.",
                },
            },
            {"id": "second", "text": {"zh": "会议继续进行。", "en": "The meeting went on."}},
        ],
        "cues": [
            {
                "id": "drift",
                "at": "intro@boat",
                "do": "move",
                "target": "boat",
                "to": {"pos": [10, 0, 0]},
                "duration": 4,
            },
            {"at": "second.start", "do": "show", "target": "slogan", "fade": 2},
            {"at": "intro.start", "do": "effect", "effect": "wind", "level": 0.8, "duration": 6, "fade": 1},
            {"at": "drift.end", "do": "sound", "file": "audio/sounds/x.wav"},
            {"at": "second.end + 1", "do": "quiz", "bank": "party_history"},
        ],
    }
    data.update(overrides)
    return Scene.model_validate(data)


def recorded(
    duration: float, lead: float = 0.2, tail: float = 0.3, marks: dict[str, float] | None = None
) -> LineTiming:
    """A line's timing as measured from a recording of ``duration`` seconds."""
    return LineTiming(duration, lead, duration - tail, marks or {}, "recording")
