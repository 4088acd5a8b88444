"""A scene's budget: totals that keep one scene within what the machine can render.

The bounds (and the cost of each object kind) are in :mod:`exhibit.spec.limits`;
here a scene is measured against them, with an error located at what is too big.
The length of the scene (and so of its sound mix) is checked by the timeline, the
only place that knows it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from exhibit.spec.common import Text
from exhibit.spec.errors import Diagnostic, Severity
from exhibit.spec.limits import (
    BASE_COST,
    MAX_ITEMS,
    MAX_LINE_CHARS,
    MAX_NARRATION_CHARS,
    MAX_OBJECTS,
    MEMORY_BUDGET,
    megabytes,
    object_cost,
)
from exhibit.spec.scene import Scene
from exhibit.spec.source import Document, PathKey

PICTURE_KINDS = ("image", "panorama")  # costs by their pixels (measured by the checks)


def check_budget(scene: Scene, doc: Document, measured: Mapping[str, int] | None = None) -> list[Diagnostic]:
    """Every total of ``scene`` over its bound, as located errors."""
    out: list[Diagnostic] = []

    def error(path: PathKey, message: str, key: bool = False) -> None:
        out.append(Diagnostic(Severity.ERROR, message, doc.locate(path, key=key)))

    counts: dict[str, int] = {
        "narration": len(scene.narration),
        "cues": len(scene.cues),
        "music": len(scene.music),
        "sounds": len(scene.sounds),
    }
    for name, n in counts.items():
        if n > MAX_ITEMS:
            error((name,), f"'{name}' has {n:,} entries; a scene may have at most {MAX_ITEMS:,}", key=True)
    if len(scene.camera.keys) > MAX_ITEMS:
        error(("camera", "keys"), f"the camera has {len(scene.camera.keys):,} keys; at most {MAX_ITEMS:,}", key=True)
    if len(scene.objects) > MAX_OBJECTS:
        error(
            ("objects",),
            f"the scene has {len(scene.objects):,} objects; at most {MAX_OBJECTS:,} (one object can hold many "
            "marchers or trees: use 'count')",
            key=True,
        )
    for path, text in _texts(scene):
        for lang, value in text.values:
            if len(value) > MAX_LINE_CHARS:
                shown = "" if lang == "*" else f" ('{lang}')"
                error(
                    path if lang == "*" else (*path, lang),
                    f"this text{shown} has {len(value):,} characters; a line, caption or title may have at most "
                    f"{MAX_LINE_CHARS:,}: split it into several",
                )
    for lang in scene.languages:
        total = sum(len(line.text.get(lang) or "") for line in scene.narration)
        if total > MAX_NARRATION_CHARS:
            error(
                ("narration",),
                f"the narration has {total:,} characters in '{lang}'; a scene may have at most "
                f"{MAX_NARRATION_CHARS:,}: split the scene",
                key=True,
            )
    out += _memory(scene, doc, measured or {})
    return out


def _texts(scene: Scene) -> Iterator[tuple[PathKey, Text]]:
    for i, line in enumerate(scene.narration):
        yield ("narration", i, "text"), line.text
    for i, cue in enumerate(scene.cues):
        for name in ("text", "subtitle"):
            value = getattr(cue, name, None)
            if isinstance(value, Text):
                yield ("cues", i, name), value
    for name, obj in scene.objects.items():
        value = getattr(obj, "text", None)
        if isinstance(value, Text):
            yield ("objects", name, "text"), value


def _memory(scene: Scene, doc: Document, measured: Mapping[str, int]) -> list[Diagnostic]:
    """The objects' render memory against the budget, located at the costliest object.

    ``measured``: bytes of objects whose cost depends on their files (pictures, by their
    pixels), in place of their kind's row."""
    costs = {name: measured.get(name, object_cost(obj.kind, obj)) for name, obj in scene.objects.items()}
    total = BASE_COST + sum(costs.values())
    if total <= MEMORY_BUDGET or not costs:
        return []
    top = sorted(costs, key=lambda n: -costs[n])[:3]
    named = ", ".join(f"'{n}' ({scene.objects[n].kind}) {megabytes(costs[n])}" for n in top)
    message = (
        f"the scene's objects need about {megabytes(total)} to render, more than the {megabytes(MEMORY_BUDGET)} "
        f"a scene may use; the largest: {named}; "
        + ("use smaller pictures" if scene.objects[top[0]].kind in PICTURE_KINDS else "use fewer instances ('count')")
    )
    return [Diagnostic(Severity.ERROR, message, doc.locate(("objects", top[0]), key=True))]
