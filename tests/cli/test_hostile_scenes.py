"""Hostile scene files: ``check`` and ``still`` stay within memory and time, with located errors.

Each command runs in a child process with an address-space limit (``RLIMIT_AS``) and a
wall-clock limit, as a machine running a show would want: a file that used to take
gigabytes or minutes must now be refused in a second or two, by a located error.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
#: ``check`` is pure Python: one gigabyte of address space is plenty.
CHECK_AS = 1 << 30
#: A render maps a GL driver and its threads' stacks: address space is far above what
#: it really uses, so ``still`` gets 2.5 GB of address space and its resident peak is measured.
STILL_AS = 5 << 29
#: What a render of one scene may use (exhibit.spec.limits.MEMORY_BUDGET).
BUDGET_KB = 600 * 1024


@dataclass(frozen=True)
class Run:
    returncode: int
    stderr: str
    peak_kb: int  # the child's peak resident memory


def exhibit(root: Path, *args: str, address_space: int, timeout: float) -> Run:
    """``exhibit ARGS`` in a child limited to ``address_space`` bytes and ``timeout`` seconds."""

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (address_space, address_space))

    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env["ALSOFT_DRIVERS"] = "null"
    with tempfile.TemporaryFile("w+") as err:
        proc = subprocess.Popen(
            [sys.executable, "-m", "exhibit", "--root", str(root), *args],
            cwd=REPO,
            env=env,
            stdout=err,
            stderr=err,
            preexec_fn=limit,
        )
        timer = threading.Timer(timeout, proc.kill)
        timer.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            timer.cancel()
        proc.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        return Run(proc.returncode, err.read(), usage.ru_maxrss)


def scene(root: Path, name: str, text: str) -> Path:
    (root / "scenes").mkdir(parents=True, exist_ok=True)
    path = root / "scenes" / f"{name}.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def laughs() -> str:
    lines = ["languages: [en]", "a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 9)]
    return "\n".join(lines) + "\n"


def chain(n: int) -> str:
    lines = ["languages: [en]", "cues:"]
    lines += [f"  - {{id: c{i}, at: c{i + 1}.end, do: fade, to: black, duration: 0.001}}" for i in range(n)]
    lines.append(f"  - {{id: c{n}, at: 1, do: fade, to: black, duration: 0.001}}")
    return "\n".join(lines) + "\n"


BOAT = "languages: [en]\nobjects:\n  boat: {kind: red_boat, pos: [0, 30, 0]}\n"
KEYS = "camera:\n  keys:\n    - {at: 0, pos: [0, 0, 3], look_at: [0, 30, 1]}\n"

#: name -> (scene text, the error ``check`` and ``still`` give)
HOSTILE = {
    "laughs": (
        laughs(),
        "laughs.yaml:5:5: error: YAML aliases here expand the file to more than 10,000 values",
    ),
    "huge_time": (
        BOAT + "cues:\n  - {at: 1e308, do: fade, to: black}\n",
        "huge_time.yaml:5:10: error: '1e+308' is more than a scene can last (4 hours, 14400 s)",
    ),
    "late_fade": (
        BOAT + "cues:\n  - {at: 10000, do: fade, to: black}\n",
        "late_fade.yaml:5:10: error: the scene would last 10004 s; its sound mix would need about 3912 MB",
    ),
    "far_time": (
        BOAT + "cues:\n  - {at: 1e9, do: fade, to: black}\n",
        "far_time.yaml:5:10: error: '1e+09' is more than a scene can last",
    ),
    "huge_scale": (
        "languages: [en]\nobjects:\n  boat: {kind: red_boat, scale: 1e308}\n",
        "huge_scale.yaml:3:33: error: a scale of 1e+308 is out of range",
    ),
    "huge_area": (
        "languages: [en]\nobjects:\n  t: {kind: trees, area: [1e308, 1e308]}\n",
        "huge_area.yaml:3:26: error: 1e+308 is too large in [width, depth]",
    ),
    "crowds": (
        "languages: [en]\nobjects:\n"
        + "".join(f"  column{i}: {{kind: marchers, count: 2000}}\n" for i in range(200))
        + "".join(f"  forest{i}: {{kind: trees, count: 20000}}\n" for i in range(50)),
        "crowds.yaml:203:3: error: the scene's objects need about 73236 MB to render",
    ),
    "long_line": (
        "languages: [en]\nnarration:\n  - id: a\n    text: " + " ".join(["word"] * 16000) + "\n",
        "long_line.yaml:4:11: error: this text has 79,999 characters",
    ),
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_check_refuses_a_hostile_scene_within_1_gb_and_seconds(tmp_path: Path, name: str) -> None:
    text, error = HOSTILE[name]
    scene(tmp_path, name, text)
    run = exhibit(tmp_path, "check", f"scenes/{name}.yaml", address_space=CHECK_AS, timeout=30)
    assert run.returncode == 1, run.stderr[-2000:]
    assert error in run.stderr
    assert "Traceback" not in run.stderr


def test_a_reference_chain_of_600_resolves_without_recursion_error(tmp_path: Path) -> None:
    scene(tmp_path, "chain", chain(600))
    run = exhibit(tmp_path, "check", "scenes/chain.yaml", address_space=CHECK_AS, timeout=30)
    assert run.returncode == 0, run.stderr[-2000:]
    assert "checked 1 scene: 0 error(s)" in run.stderr


def test_a_reference_cycle_of_300_is_reported_as_a_cycle(tmp_path: Path) -> None:
    text = chain(300).replace("c300, at: 1,", "c300, at: c0.start,")
    scene(tmp_path, "loop", text)
    run = exhibit(tmp_path, "check", "scenes/loop.yaml", address_space=CHECK_AS, timeout=30)
    assert run.returncode == 1
    assert "loop.yaml:3:18: error: reference cycle: " in run.stderr
    assert "Traceback" not in run.stderr


def test_an_oversized_file_is_refused_unless_the_limit_is_raised(tmp_path: Path) -> None:
    scene(
        tmp_path,
        "big",
        "languages: [en]\n"
        + "objects:\n"
        + "".join(f"  h{i}: {{kind: house, pos: [{i % 1000}, {i // 1000}, 0]}}\n" for i in range(200_000)),
    )
    run = exhibit(tmp_path, "check", "scenes/big.yaml", address_space=CHECK_AS, timeout=30)
    assert run.returncode == 1
    assert "big.yaml:1:1: error: the file is 8.4 MB, more than the 5.0 MB a content file may hold" in run.stderr


@pytest.mark.needs_display
@pytest.mark.slow
@pytest.mark.parametrize("name", ["late_fade", "far_time", "huge_scale", "huge_area", "crowds"])
def test_still_refuses_what_check_refuses_within_the_budget(tmp_path: Path, name: str) -> None:
    text, error = HOSTILE[name]
    scene(tmp_path, name, text.replace("languages: [en]\n", "languages: [en]\n" + KEYS, 1))
    run = exhibit(
        tmp_path, "still", name, "--at", "1", "-o", str(tmp_path / "x.png"), address_space=STILL_AS, timeout=60
    )
    assert run.returncode == 1, run.stderr[-2000:]
    assert f"{name}.yaml:" in run.stderr and error.split(": error: ")[1] in run.stderr
    assert "Traceback" not in run.stderr
    assert run.peak_kb < BUDGET_KB


@pytest.mark.needs_display
@pytest.mark.slow
def test_a_scene_check_accepts_with_2000_marchers_and_2000_trees_renders_within_600_mb(tmp_path: Path) -> None:
    text = (
        BOAT
        + "  column: {kind: marchers, count: 2000, pos: [0, 60, 0]}\n"
        + "  forest: {kind: trees, count: 2000, area: [200, 200]}\n"
        + KEYS
        + "narration:\n  - {id: intro, at: 1, text: The column sets out across the plain.}\n"
        + "cues:\n  - {at: 300, do: fade, to: black, duration: 1}\n"
    )
    scene(tmp_path, "crowd", text)
    checked = exhibit(tmp_path, "check", "scenes/crowd.yaml", address_space=CHECK_AS, timeout=30)
    assert checked.returncode == 0, checked.stderr[-2000:]
    out = tmp_path / "crowd.png"
    run = exhibit(tmp_path, "still", "crowd", "--at", "2", "-o", str(out), address_space=STILL_AS, timeout=120)
    assert run.returncode == 0, run.stderr[-2000:]
    assert out.stat().st_size > 10_000
    assert run.peak_kb < BUDGET_KB, f"peak {run.peak_kb // 1024} MB"
