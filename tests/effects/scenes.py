"""Small scenes and halls for effects tests, built from plain data as a YAML file would give."""

from __future__ import annotations

from typing import Any

from exhibit.spec.hall import Hall
from exhibit.spec.scene import Scene
from exhibit.timeline.compile import compile
from exhibit.timeline.model import Timeline


def effect(at: float, name: str, level: float = 1.0, duration: float = 2.0, fade: float = 0.0,
           **extra: Any) -> dict[str, Any]:
    return {"at": at, "do": "effect", "effect": name, "level": level, "duration": duration, "fade": fade, **extra}


def timeline(cues: list[dict[str, Any]], duration: float = 10.0, **overrides: Any) -> Timeline:
    data: dict[str, Any] = {"id": "fx_test", "languages": ["zh"], "duration": duration, "cues": cues}
    data.update(overrides)
    return compile(Scene.model_validate(data), "zh")


def hall(effects: dict[str, Any] | None = None, outputs: dict[str, Any] | None = None, **extra: Any) -> Hall:
    return Hall.model_validate({"effects": effects or {}, "outputs": outputs or {}, **extra})
