"""How much work a content file may ask for: bounds that keep ``check`` and a render finite.

A scene file is read, validated, compiled and rendered on a machine that also runs a
show, so nothing written in it may take unbounded time or memory: not a YAML alias
bomb, not a 50 MB file, not a time of ``1e308`` seconds, not 400,000 trees. Each bound
here is far above what real content needs and far below what would hurt the machine;
whatever ``exhibit check`` accepts renders within :data:`MEMORY_BUDGET`.

The cost of objects is one table (:data:`KIND_COSTS`), one row per object kind, so a
new kind adds a row instead of a special case.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

#: The longest a scene may last (its duration, and any time written in it).
MAX_SCENE_SECONDS = 4 * 3600.0
#: The largest content file read, unless ``EXHIBIT_MAX_FILE_MB`` says otherwise.
DEFAULT_MAX_FILE_MB = 5.0
MAX_FILE_ENV = "EXHIBIT_MAX_FILE_MB"
#: YAML aliases may repeat at most this many times the document's own values ...
ALIAS_FACTOR = 10
#: ... and always at least this many (a small file may reuse a block freely).
ALIAS_FLOOR = 10_000
#: Characters of one narration line, caption or title, per language.
MAX_LINE_CHARS = 2_000
#: Characters of narration in one scene, per language (several hours of speech).
MAX_NARRATION_CHARS = 200_000
#: Objects in one scene (each may hold many instances: see KIND_COSTS).
MAX_OBJECTS = 2_000
#: Cues, narration lines, camera keys, music beds and sounds, each.
MAX_ITEMS = 20_000
#: Positions and sizes, in metres: a scene is a few kilometres across.
MAX_DISTANCE = 100_000.0
#: A scale, in either direction: a thousand times smaller or larger.
SCALE_RANGE = (1e-3, 1e3)
#: What a render of one scene may use, in bytes (the hall runs several programs).
MEMORY_BUDGET = 600 * 1024 * 1024
#: The memory of a render before the scene's own objects: Panda3D, fonts, shaders,
#: the offscreen window (measured: ``exhibit still`` of a scene with one boat at
#: 1280x720 peaks at 321 MB).
BASE_COST = 330 * 1024 * 1024
#: The narration mix of one language is built in memory before the render starts: one
#: 48 kHz stereo float32 buffer (375 KB a second), normalized and written in place, a
#: stretch at a time. Measured with ``benchmarks/mix_memory.py`` (peak resident memory of
#: a process rebuilding the mix of a generated scene): 265 MB for 310 s, 377 MB for 610 s,
#: 599 MB for 1,217 s, so about 151 MB + 0.368 MB a second; rounded up here.
MIX_BASE_COST = 160 * 1024 * 1024
MIX_BYTES_PER_SECOND = 384 * 1024

@dataclass(frozen=True)
class KindCost:
    """What one object of a kind costs to render: once, plus per instance it holds."""

    base: int  # bytes, for the object itself
    each: int = 0  # bytes, per instance (a marcher, a tree, a boat)
    count_field: str | None = None  # the field that says how many instances


#: Measured with ``exhibit still`` (peak resident memory above BASE_COST), rounded up:
#: 2,000 marchers add 176 MB, 20,000 trees 630 MB; terrain, water, snow and mist of any
#: allowed size stay under 10 MB (their grids and particle counts are capped).
#: A kind not listed costs :data:`DEFAULT_COST`.
KIND_COSTS: dict[str, KindCost] = {
    "terrain": KindCost(16 * 1024 * 1024),
    "water": KindCost(8 * 1024 * 1024),
    "marchers": KindCost(1024 * 1024, 96 * 1024, "count"),
    "trees": KindCost(1024 * 1024, 36 * 1024, "count"),
    "snow": KindCost(16 * 1024 * 1024),
    "mist": KindCost(8 * 1024 * 1024),
    "model": KindCost(32 * 1024 * 1024),
    # pictures are counted by their pixels where the file can be read (spec/picture.py:
    # render_bytes); these rows are for files not there yet: a 2-megapixel photograph
    # (measured 10.8 MB) and a 4096x2048 panorama (42 MB)
    "image": KindCost(12 * 1024 * 1024),
    "panorama": KindCost(48 * 1024 * 1024),
    # a film shown at up to 1280x720: the screen's texture and the 15 frames it reads
    # ahead into (45 MB; ffmpeg decodes in a process of its own)
    "video": KindCost(48 * 1024 * 1024),
}
DEFAULT_COST = KindCost(1024 * 1024)


def max_file_bytes() -> int:
    """The largest content file read: ``EXHIBIT_MAX_FILE_MB`` megabytes, else 5 MB."""
    raw = os.environ.get(MAX_FILE_ENV, "")
    try:
        megabytes = float(raw) if raw.strip() else DEFAULT_MAX_FILE_MB
    except ValueError:
        megabytes = DEFAULT_MAX_FILE_MB
    if not megabytes > 0:
        megabytes = DEFAULT_MAX_FILE_MB
    return int(megabytes * 1024 * 1024)


def object_cost(kind: str, obj: object) -> int:
    """Bytes an object of ``kind`` takes in a render, by its row in :data:`KIND_COSTS`."""
    cost = KIND_COSTS.get(kind, DEFAULT_COST)
    count = getattr(obj, cost.count_field, 0) if cost.count_field else 0
    return cost.base + cost.each * max(0, int(count or 0))


def mix_cost(seconds: float) -> int:
    """Bytes the narration mix of a scene of ``seconds`` takes while it is built."""
    return MIX_BASE_COST + int(MIX_BYTES_PER_SECOND * max(0.0, seconds))


#: The longest scene whose mix fits in the budget (1,173 s: about 19.5 minutes).
MAX_MIXED_SECONDS = (MEMORY_BUDGET - MIX_BASE_COST) / MIX_BYTES_PER_SECOND


def megabytes(n: float) -> str:
    """Bytes in megabytes, for messages: ``5 MB``, ``0.5 MB``."""
    mb = n / (1024 * 1024)
    return f"{mb:.1f} MB" if mb < 10 else f"{mb:.0f} MB"
