"""Rendering tests run headless: one offscreen ShowBase per test process, small frames.

Panda3D allows one ShowBase per process, so every render test uses the
session's ``app`` (EGL offscreen where Mesa is installed, else the software
renderer) and opens its own small buffers through a Player or Displays.
OpenAL gets the null driver so sounds play and report positions without a
sound card.
"""

from __future__ import annotations

import os
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

os.environ.setdefault("ALSOFT_DRIVERS", "null")  # before the first ShowBase: OpenAL without a sound card
os.environ.setdefault("ALSOFT_LOGLEVEL", "0")
# The session's one app renders offscreen whether or not the machine running the tests has a
# display: what a fallback opens ("window" or "offscreen") depends on it. Tests that want a
# screen start their own X server and hand its DISPLAY to the process they start.
for _name in ("DISPLAY", "WAYLAND_DISPLAY"):
    os.environ.pop(_name, None)

REPO = Path(__file__).resolve().parents[2]
SMALL = (320, 180)


@pytest.fixture(scope="session")
def app() -> Any:
    """The process's one Panda3D application (offscreen)."""
    from exhibit.render.app import shared_app

    return shared_app(audio=True)


@pytest.fixture
def make_player(app: Any) -> Iterator[Callable[..., Any]]:
    """``make_player(project, display=..., size=..., hall=...)``; closed after the test."""
    from exhibit.render.player import Player

    made: list[Any] = []

    def make(project: Any, **kwargs: Any) -> Any:
        kwargs.setdefault("display", "offscreen")
        kwargs.setdefault("size", SMALL)
        kwargs.setdefault("audio", True)
        kwargs.setdefault("progress", None)
        player = Player(project, app=app, **kwargs)
        made.append(player)
        return player

    yield make
    for player in made:
        player.close()


def write_project(root: Path, scenes: dict[str, str], hall: str | None = None) -> Any:
    """A content root with the given scene files (YAML text) and optional hall.yaml."""
    from exhibit.spec.project import Project

    (root / "scenes").mkdir(parents=True, exist_ok=True)
    for name, text in scenes.items():
        (root / "scenes" / f"{name}.yaml").write_text(textwrap.dedent(text), encoding="utf-8")
    if hall is not None:
        (root / "hall.yaml").write_text(textwrap.dedent(hall), encoding="utf-8")
    return Project.at(root)


#: A still scene: a red boat ahead of a fixed camera, a grey house close by, one
#: narration line (so there is a caption between about 1 s and 4 s), a title, a fade.
STILL_LIFE = """
    title: {zh: 测试, en: Test}
    languages: [zh, en]
    environment:
      sky: {zenith: "#dfe6ee", horizon: "#f4f4f0"}
      sun: {azimuth: 120, elevation: 40, intensity: 1.0}
      ambient: {color: "#ffffff", intensity: 0.6}
    objects:
      boat: {kind: red_boat, pos: [0, 30, 0], hpr: [90, 0, 0], length: 16}
    camera:
      fov: 60
      keys:
        - {at: 0, pos: [0, 0, 3], look_at: [0, 30, 1]}
    narration:
      - id: intro
        at: 1
        text: {zh: 南湖的游船静静地停在湖面上。, en: A boat lies quietly on South Lake.}
      - id: second
        gap: 3
        text: {zh: 会议在船上继续进行。, en: The meeting went on aboard.}
    cues:
      - {at: scene.end - 2, do: fade, to: black, duration: 2}
"""


def project_with(tmp_path: Path, text: str = STILL_LIFE, name: str = "still_life", hall: str | None = None) -> Any:
    return write_project(tmp_path, {name: text}, hall)


def luminance(image: np.ndarray) -> np.ndarray:
    return image[..., :3].astype(np.float32) @ np.array([0.2126, 0.7152, 0.0722], np.float32)


def frame_at(player: Any, t: float) -> np.ndarray:
    """The picture at show time ``t`` as an RGB array, rows top to bottom."""
    capture = player.displays.capture()
    player.seek(t)
    player.step(t)
    return capture.pixels("RGB").copy()
