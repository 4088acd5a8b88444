"""How long ``exhibit check`` takes over the bundled content (four scenes, the question
bank and hall.yaml: every rule, the bank's overlap check, the headset budget and the
translation gaps), as an editor waiting on it feels it.

Target on a 2-core machine: the median of five runs (after one run that imports and warms
up) under 1 s. A bare YAML load of the same files, measured in the same run, is printed
beside it as the baseline.

    python benchmarks/check.py
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from exhibit.cli.check import check_paths  # noqa: E402
from exhibit.spec.project import Project  # noqa: E402

TARGET_S = 1.0
RUNS = 5


def main() -> int:
    project = Project.at(ROOT)
    check_paths(project, [])  # imports and first use
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        diagnostics, counts = check_paths(project, [])
        times.append(time.perf_counter() - started)
    files = [*sorted((ROOT / "scenes").glob("*.yaml")), *sorted((ROOT / "quiz").glob("*.yaml")), ROOT / "hall.yaml"]
    started = time.perf_counter()
    for path in files:
        yaml.safe_load(path.read_text(encoding="utf-8"))
    bare = time.perf_counter() - started
    median = statistics.median(times)
    print(f"content: {counts['scene']} scenes, {counts['bank']} bank(s), {counts['hall']} hall; "
          f"{len(diagnostics)} finding(s)")
    print(f"exhibit check: median {median * 1000:.0f} ms, worst {max(times) * 1000:.0f} ms over {RUNS} runs")
    print(f"baseline, yaml.safe_load of the same files: {bare * 1000:.0f} ms (ratio {median / bare:.1f})")
    print(f"load average {os.getloadavg()[0]:.2f}")
    ok = median < TARGET_S
    print(f"{'PASS' if ok else 'FAIL'}  check of the bundled content < {TARGET_S:.1f} s")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
