"""Peak memory of building the narration mix of generated 5, 10 and 20-minute scenes.

Each scene is the one ``benchmarks/narration.py`` generates, with as many lines as its
length needs. Its voices are made first; then the mix alone is rebuilt in a fresh
process, whose peak resident memory (``VmHWM``) is what
``exhibit.spec.limits.mix_cost`` budgets for. The scene length limit is lifted for the
measurement, so it can be taken beyond the current bound.

    python benchmarks/mix_memory.py [MINUTES ...]
"""

from __future__ import annotations

import json
import math
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import narration as scene_bench  # noqa: E402  (the sibling benchmark's generated scene)

from exhibit.narration import build  # noqa: E402
from exhibit.spec import limits  # noqa: E402
from exhibit.spec.project import Project  # noqa: E402
from exhibit.timeline import compile as timeline_compile  # noqa: E402


def _own_peak() -> int:
    """This process's peak resident memory in bytes (``VmHWM``).

    Unlike ``getrusage``'s maxrss, which Linux carries over ``exec`` from the process
    that was forked, it counts only what this program itself held.
    """
    with open("/proc/self/status", encoding="ascii") as status:
        line = next(row for row in status if row.startswith("VmHWM:"))
    return int(line.split()[1]) * 1024


def child(root: Path) -> None:
    """Build the scene's narration in this process and print its peak memory as JSON."""
    vars(timeline_compile)["MAX_MIXED_SECONDS"] = math.inf  # measure past the bound
    started = time.perf_counter()
    done = build(Project.at(root), "bench", "en")
    print(
        json.dumps(
            {
                "seconds": done.timeline.duration,
                "mix_rebuilt": done.mix_rebuilt,
                "wall": time.perf_counter() - started,
                "maxrss": _own_peak(),
                "lufs": done.loudness,
                "true_peak": done.true_peak,
            }
        )
    )


def measure(minutes: float) -> dict[str, float]:
    root = Path(tempfile.mkdtemp(prefix="exhibit-mixmem-"))
    try:
        scene_bench.LINES = max(1, round(scene_bench.LINES * minutes / 10))
        project = scene_bench.make_content(root, "en")
        run = [sys.executable, __file__, "--child", str(root)]
        subprocess.run(run, check=True, capture_output=True)  # voices (and a first mix)
        for mix in project.build_dir.rglob("mix.*.wav"):
            mix.unlink()
        out = subprocess.run(run, check=True, capture_output=True, text=True).stdout
        return dict(json.loads(out.strip().splitlines()[-1]))
    finally:
        scene_bench.LINES = 100
        shutil.rmtree(root, ignore_errors=True)


def main() -> int:
    if len(sys.argv) == 3 and sys.argv[1] == "--child":
        child(Path(sys.argv[2]))
        return 0
    mb = 1024 * 1024
    results = []
    for minutes in [float(a) for a in sys.argv[1:]] or [5.0, 10.0, 20.0]:
        r = measure(minutes)
        budget = limits.mix_cost(r["seconds"])
        print(
            f"{r['seconds']:.0f} s scene: mix rebuilt in {r['wall']:.1f} s, peak "
            f"{r['maxrss'] / mb:.0f} MB (budgeted {budget / mb:.0f} MB), "
            f"{r['lufs']} LUFS, {r['true_peak']} dBTP"
        )
        results.append((f"{r['seconds']:.0f} s mix within its budget", r["maxrss"] <= budget))
    print(f"longest scene accepted: {limits.MAX_MIXED_SECONDS:.0f} s")
    for name, ok in results:
        print(f"{'PASS' if ok else 'FAIL'}: {name}")
    return 0 if all(ok for _, ok in results) else 1


if __name__ == "__main__":
    sys.exit(main())
