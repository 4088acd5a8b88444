"""``exhibit still`` and ``exhibit render`` as staff run them: headless, clear errors."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from tests.render.conftest import REPO, STILL_LIFE, write_project
from tests.render.test_export import decoded_frames, probe

pytestmark = pytest.mark.needs_display


@pytest.fixture(scope="module")
def shared_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One content root for the error cases: its narration is built once, then reused."""
    root = tmp_path_factory.mktemp("content")
    write_project(root, {"still_life": STILL_LIFE})
    return root


def exhibit(root: Path, *args: str, timeout: float = 180) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    return subprocess.run(
        [sys.executable, "-m", "exhibit", "--root", str(root), *args],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def read_png(path: Path) -> np.ndarray:
    from panda3d.core import PNMImage

    image = PNMImage()
    assert image.read(str(path)), f"{path} is not an image"
    assert not image.hasAlpha()
    w, h = image.getXSize(), image.getYSize()
    return np.array([[image.getXel(x, y) for x in range(w)] for y in range(h)], np.float32)


def test_still_works_without_a_display_and_builds_the_narration_first(tmp_path):
    write_project(tmp_path, {"still_life": STILL_LIFE})
    out = tmp_path / "out" / "still.png"
    proc = exhibit(
        tmp_path,
        "still",
        "still_life",
        "--at",
        "intro.start + 1",
        "-o",
        str(out),
        "--size",
        "160x90",
        "--lang",
        "en",
    )
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    assert f"wrote {out}" in proc.stderr and "(en)" in proc.stderr
    pixels = read_png(out)
    assert pixels.shape == (90, 160, 3)
    assert pixels.std() > 0.03
    # The narration (voices, mix, captions) was built on the way, then reused.
    assert (tmp_path / "build" / "still_life" / "mix.en.wav").is_file()
    again = exhibit(
        tmp_path,
        "still",
        "still_life",
        "--at",
        "2",
        "-o",
        str(out),
        "--size",
        "160x90",
        "--lang",
        "en",
    )
    assert again.returncode == 0, again.stderr
    assert "building the narration" in proc.stderr and "building the narration" not in again.stderr


def test_render_writes_the_frames_asked_for_with_sound(tmp_path):
    write_project(tmp_path, {"still_life": STILL_LIFE})
    out = tmp_path / "clip.mp4"
    proc = exhibit(
        tmp_path,
        "render",
        "still_life",
        "-o",
        str(out),
        "--size",
        "160x90",
        "--fps",
        "10",
        "--from",
        "1",
        "--to",
        "intro.start + 1.5",
    )
    assert proc.returncode == 0, proc.stderr
    assert "100%" in proc.stderr  # the progress bar got to the end
    info = probe(out)
    assert info["video"] == ("h264", 160, 90, 10.0)
    assert info["audio"] is not None and info["audio"][0] == "aac"
    assert decoded_frames(out) == 15


def test_a_broken_scene_gives_its_location_and_exit_1(tmp_path):
    write_project(tmp_path, {"broken": STILL_LIFE.replace("kind: red_boat", "kind: red_boatt")})
    proc = exhibit(tmp_path, "still", "broken", "--at", "1", "-o", str(tmp_path / "x.png"))
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    first = proc.stderr.strip().splitlines()[0]
    assert first.startswith(os.path.join("scenes", "broken.yaml:")) or "broken.yaml:" in first
    assert "error" in first and "red_boatt" in proc.stderr
    assert not (tmp_path / "x.png").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["still", "still_lif", "--at", "1", "-o", "x.png"],
            "no scene 'still_lif' (did you mean 'still_life'?)",
        ),
        (["still", "still_life", "--at", "intro@nomark", "-o", "x.png"], "has no mark 'nomark'"),
        (["still", "still_life", "--at", "99:00", "-o", "x.png"], "outside the scene"),
        (
            ["still", "still_life", "--at", "1", "-o", "x.png", "--size", "big"],
            "is not WIDTHxHEIGHT",
        ),
        (["render", "still_life", "-o", "x.mp4", "--size", "161x90"], "even width and height"),
        (
            ["render", "still_life", "-o", "x.mp4", "--from", "3", "--to", "2"],
            "must come after --from",
        ),
    ],
)
def test_user_errors_are_one_clear_line(shared_root, args, message):
    proc = exhibit(shared_root, *args)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    assert message in proc.stderr
    assert proc.stderr.strip().splitlines()[-1].startswith("exhibit: error: ")


def test_play_refuses_a_window_without_a_display(tmp_path):
    write_project(tmp_path, {"still_life": STILL_LIFE})
    proc = exhibit(tmp_path, "play", "still_life", "--display", "window")
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    assert "no display" in proc.stderr


TINY = """
    languages: [zh]
    objects:
      boat: {kind: red_boat, pos: [0, 30, 0]}
    camera:
      keys:
        - {at: 0, pos: [0, 0, 3], look_at: boat}
    narration:
      - {id: hello, at: 0.2, text: 南湖。}
    duration: hello.end + 0.5
"""


def test_play_offscreen_plays_the_scene_through_with_its_narration_and_returns(tmp_path):
    write_project(tmp_path, {"tiny": TINY})
    started = time.perf_counter()
    proc = exhibit(tmp_path, "play", "tiny", "--display", "offscreen", "--size", "160x90", timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    assert "playing tiny (zh" in proc.stderr and "on offscreen" in proc.stderr
    assert (tmp_path / "build" / "tiny" / "mix.zh.wav").is_file()
    assert time.perf_counter() - started < 30
