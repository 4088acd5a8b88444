"""scripts/make-media: the red boat scene's slogan boards, drawn from the bundled font at build
time: red boards with the slogan in gold, the same file on every run, and kept out of git."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
from PIL import Image

REPO = Path(__file__).resolve().parents[2]
BOARDS = ("slogan_mission.png", "slogan_people.png")


def make() -> dict[str, bytes]:
    done = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "make-media")], cwd=REPO, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return {name: (REPO / "pictures" / name).read_bytes() for name in BOARDS}


def test_the_boards_are_red_with_the_slogan_in_gold_and_made_the_same_each_time() -> None:
    first = make()
    assert make() == first
    inks = []
    for name in BOARDS:
        pixels = np.asarray(Image.open(REPO / "pictures" / name).convert("RGB")).astype(int)
        assert pixels.shape == (400, 1600, 3)
        r, g, b = pixels[..., 0], pixels[..., 1], pixels[..., 2]
        red = (r > 150) & (g < 60) & (b < 60)
        gold = (r > 200) & (g > 170) & (b < 160)
        assert red.mean() > 0.6, name
        text = gold[60:340, 60:1540]  # inside the border: the slogan's strokes
        assert 0.08 < text.mean() < 0.5, f"{name}: {text.mean():.0%} of the inside is ink"
        inks.append(text)
    assert (inks[0] != inks[1]).mean() > 0.05  # two slogans, not one board twice


def test_the_made_pictures_are_not_kept_in_git() -> None:
    paths = [f"pictures/{name}" for name in BOARDS]
    ignored = subprocess.run(["git", "check-ignore", *paths], cwd=REPO, capture_output=True, text=True)
    assert ignored.stdout.split() == paths
