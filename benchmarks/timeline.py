"""Per-frame cost of Timeline.state(t): bundled scenes, and generated scenes of 100 and
10,000 cues with the same number of cues active at any moment.

Targets on a 2-core machine: bundled scenes median under 0.3 ms; the 10,000-cue
scene under 1 ms and under 2x the 100-cue scene (cost follows active cues).

    python benchmarks/timeline.py
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from exhibit.spec.project import Project  # noqa: E402
from exhibit.spec.scene import Scene  # noqa: E402
from exhibit.timeline.compile import compile  # noqa: E402

FPS = 60
OBJECTS = 20
ACTIVE = 8  # cues running at any moment in the generated scenes
CUE_LENGTH = 4.0


def generated(cues: int) -> Scene:
    """A scene with ``cues`` cues spread so that about ACTIVE run at once."""
    spacing = CUE_LENGTH / ACTIVE
    objects = {f"o{i}": {"kind": "house", "pos": [i * 8.0, 0, 0]} for i in range(OBJECTS)}
    actions: list[dict[str, Any]] = []
    for k in range(cues):
        at = 1.0 + k * spacing
        target = f"o{k % OBJECTS}"
        kind = k % 4
        if kind == 0:
            actions.append(
                {"at": at, "do": "move", "target": target, "to": {"pos": [k % 50, k % 7, 0]}, "duration": CUE_LENGTH}
            )
        elif kind == 1:
            actions.append({"at": at, "do": "effect", "effect": "wind", "level": 0.5, "duration": CUE_LENGTH})
        elif kind == 2:
            actions.append({"at": at, "do": "caption", "text": f"caption {k}", "duration": CUE_LENGTH})
        else:
            actions.append({"at": at, "do": "tint", "target": target, "color": "#ffeeddff", "duration": CUE_LENGTH})
    duration = 1.0 + cues * spacing + CUE_LENGTH + 2
    return Scene.model_validate(
        {
            "id": f"generated_{cues}",
            "duration": duration,
            "objects": objects,
            "camera": {
                "keys": [
                    {"at": 0, "pos": [0, -50, 10], "look_at": "o0"},
                    {"at": duration, "pos": [100, -50, 10], "look_at": "o5"},
                ]
            },
            "cues": actions,
        }
    )


def per_frame(timeline: Any, frames: int = 3000) -> tuple[float, float]:
    """Median and 99th percentile of state(t) in ms, over frames spread across the scene."""
    step = timeline.duration / frames
    for i in range(200):  # warm the evaluators
        timeline.state(i * step)
    samples = []
    for i in range(frames):
        t = i * step
        t0 = time.perf_counter()
        timeline.state(t)
        samples.append((time.perf_counter() - t0) * 1000)
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.99)]


def main() -> int:
    ok = True
    project = Project.at(ROOT)
    print(f"{'scene':<28} {'lang':<4} {'median ms':>10} {'p99 ms':>8}  target")
    for path in project.scene_paths():
        loaded = project.load_scene(path)
        if loaded.model is None:
            print(f"{path.stem:<28} cannot load: {loaded.diagnostics[0]}")
            ok = False
            continue
        for lang in loaded.model.languages:
            median, p99 = per_frame(compile(loaded.model, lang))
            passed = median < 0.3
            ok &= passed
            print(f"{path.stem:<28} {lang:<4} {median:10.3f} {p99:8.3f}  < 0.3 ms {'PASS' if passed else 'FAIL'}")
    small = compile(generated(100), "zh")
    large = compile(generated(10_000), "zh")
    m_small, p_small = per_frame(small)
    m_large, p_large = per_frame(large)
    ratio = m_large / m_small
    print(f"{'generated, 100 cues':<28} {'zh':<4} {m_small:10.3f} {p_small:8.3f}")
    passed_abs = m_large < 1.0
    passed_ratio = ratio < 2.0
    verdict = "PASS" if passed_abs else "FAIL"
    print(f"{'generated, 10,000 cues':<28} {'zh':<4} {m_large:10.3f} {p_large:8.3f}  < 1 ms {verdict}")
    print(f"ratio 10,000 / 100 cues: {ratio:.2f}  < 2.0 {'PASS' if passed_ratio else 'FAIL'}")
    ok &= passed_abs and passed_ratio
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
