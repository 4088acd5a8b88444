"""A tap on a touch screen selects, as ``exhibit play`` sees it in a real window (Xvfb).

A touch screen's X driver hands a touch to a program that does not ask for touch events
(Panda3D does not) as the pointer jumping to the touch point and its left button pressed
at once: no hovering first, unlike a mouse. The test sends exactly that (XTest: a motion
and a press back to back, the pointer parked outside the window before) and reads what
``exhibit play`` tells the operator and shows in its window.
"""

# ruff: noqa: F811 - the tests take the fixtures imported from tests.render.xserver

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import numpy as np

from exhibit.render.quiz_panel import PANEL_COLOR
from tests.render.conftest import project_with
from tests.render.test_hotspots import HOTSPOT
from tests.render.xserver import (  # noqa: F401 - x and xserver are fixtures
    PLAYING,
    SCREEN,
    Play,
    answer_cards,
    drawn,
    needs_xvfb,
    red_spot,
    x,
    xserver,
)

pytestmark = needs_xvfb

WINDOW = (640, 360)


def tap(x: Any, at: tuple[int, int]) -> None:
    """A finger on the screen at ``at`` (screen pixels): the pointer jumps there and presses."""
    x.xtest.fake_input(x.d, x.X.MotionNotify, x=int(at[0]), y=int(at[1]))
    x.xtest.fake_input(x.d, x.X.ButtonPress, 1)
    x.d.sync()
    time.sleep(0.05)
    x.xtest.fake_input(x.d, x.X.ButtonRelease, 1)
    x.d.sync()


def card_shown(image: np.ndarray) -> bool:
    h, w, _ = image.shape
    middle = image[h // 3 : 2 * h // 3, w // 3 : 2 * w // 3].reshape(-1, 3).astype(float)
    return bool((np.abs(middle - np.array(PANEL_COLOR[:3]) * 255).max(axis=1) < 12).mean() > 0.2)


def test_a_tap_on_the_boat_opens_its_card(x: Any, xserver: str, tmp_path: Path) -> None:
    project_with(tmp_path, HOTSPOT, "hotspot")
    p = Play(xserver, tmp_path, "hotspot", "--display", "window", "--size", f"{WINDOW[0]}x{WINDOW[1]}", "--lang", "en")
    try:
        p.expect(PLAYING)
        win = x.window()
        gx, gy, w, h = x.geometry(win)
        outside = (SCREEN[0] - 1, SCREEN[1] - 1)
        assert not (gx <= outside[0] < gx + w and gy <= outside[1] < gy + h)
        x.move(*outside)  # no pointer over the window before the touch
        image = drawn(x, win)
        assert not card_shown(image)
        cx, cy, _, _ = red_spot(image)
        time.sleep(0.3)
        tap(x, (gx + round(cx * w), gy + round(cy * h)))
        p.expect(r"opened boat at", timeout=10)
        deadline = time.monotonic() + 5
        while not card_shown(x.shot(win)):
            assert time.monotonic() < deadline, "the tapped boat's card did not show"
            time.sleep(0.1)
        x.press("Escape")
        assert p.wait(10) == 0
    finally:
        p.stop()


CHOICE = """
    languages: [en]
    duration: 30
    environment:
      sky: {zenith: "#101828", horizon: "#101828"}
    camera:
      keys:
        - {at: 0, pos: [0, 0, 0], hpr: [0, 0, 0]}
    cues:
      - at: 0.5
        do: choice
        id: pick
        timeout: 25
        default: 1
        options: [{label: Stay, goto: 26}, {label: More, goto: 28}]
"""


def test_a_tap_on_an_option_takes_it(x: Any, xserver: str, tmp_path: Path) -> None:
    project_with(tmp_path, CHOICE, "choice")
    p = Play(xserver, tmp_path, "choice", "--display", "window", "--size", f"{WINDOW[0]}x{WINDOW[1]}")
    try:
        p.expect(PLAYING)
        win = x.window()
        gx, gy, w, h = x.geometry(win)
        x.move(SCREEN[0] - 1, SCREEN[1] - 1)  # no pointer over the window before the touch
        deadline = time.monotonic() + 15
        while len(rows := answer_cards(x.shot(win), w // 5, w - w // 5, w // 2)) < 2:
            assert time.monotonic() < deadline, "no choice panel with its options appeared"
            time.sleep(0.2)
        top, bottom = rows[1]
        tap(x, (gx + w // 2, gy + (top + bottom) // 2))
        found = p.expect(r"chose (\d) \((\w+)\): on from ([\d.]+) s", timeout=10)
        assert found.groups() == ("2", "More", "28.0")
        x.press("Escape")
        assert p.wait(10) == 0
    finally:
        p.stop()
