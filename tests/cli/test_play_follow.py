"""`exhibit play --follow`: the follower's command line."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def play(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "exhibit", "play", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)


def test_follow_takes_no_scene_and_play_needs_one() -> None:
    both = play("nanhu_red_boat", "--follow", "127.0.0.1:53110")
    assert both.returncode == 1
    assert both.stderr.strip() == "exhibit: error: --follow plays what the master plays: leave out the scene"
    neither = play()
    assert neither.returncode == 1
    assert "which scene?" in neither.stderr and "Traceback" not in neither.stderr
