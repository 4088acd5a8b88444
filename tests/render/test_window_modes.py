"""``exhibit play`` on projection walls and stereo screens, in real windows on a virtual X server.

The wall, side-by-side and anaglyph modes as a visitor meets them: one window
per projector where the hall file puts it, the picture continuing from one wall
to the next, and two eyes that see the red boat from two places (see
:mod:`tests.render.xserver` for how windows are found, read and driven). Their
frusta are tested offscreen in ``test_displays.py``; here what reaches the
screen is.
"""

# ruff: noqa: F811 - the tests take the fixtures imported from tests.render.xserver

from __future__ import annotations

import math
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from tests.render.xserver import (  # noqa: F401 - content, play, x and xserver are fixtures
    CLOCK,
    PLAYING,
    SCENE,
    answer_cards,
    caption_ink,
    content,
    differs,
    drawn,
    needs_xvfb,
    play,
    red_mask,
    seconds,
    settled,
    x,
    xserver,
)

pytestmark = needs_xvfb

NEAR_BOAT = "on_boat.start + 1"  # the camera looks at the boat from close by; its line is captioned

#: Two projectors side by side on the front wall (3 m each) and one on the right-hand
#: wall, meeting the front wall at a right angle; 1.2 m below the eye to 1.05 m above.
#: Their windows lie side by side on the X screen, 100 pixels down from its top.
WALL_HALL = """
display:
  mode: wall
  walls:
    - name: front_left
      corners: {ll: [-3, 3, -1.2], lr: [0, 3, -1.2], ul: [-3, 3, 1.05]}
      window: {origin: [0, 100], size: [320, 240]}
    - name: front_right
      corners: {ll: [0, 3, -1.2], lr: [3, 3, -1.2], ul: [0, 3, 1.05]}
      window: {origin: [320, 100], size: [320, 240]}
    - name: right
      corners: {ll: [3, 3, -1.2], lr: [3, 0, -1.2], ul: [3, 3, 1.05]}
      window: {origin: [640, 100], size: [320, 240]}
"""
WALLS = {"front_left": (0, 100, 320, 240), "front_right": (320, 100, 320, 240), "right": (640, 100, 320, 240)}

#: Eyes as far apart as the hall format allows and converging far beyond the boat,
#: so the boat (about 35 m away) stands well in front of the screen.
IOD, CONVERGE = 0.2, 1000.0
STEREO_HALL = f"""
display:
  mode: sbs
  iod: {IOD}
  converge: {CONVERGE}
"""
EYE = (640, 360)  # one eye's picture: each half of the side-by-side window, the whole anaglyph window


def hall_file(tmp_path: Path, text: str) -> str:
    path = tmp_path / "hall.yaml"
    path.write_text(text, encoding="utf-8")
    return str(path)


def pause_over(x: Any, win: Any, p: Any) -> float:
    """Press space with the pointer over ``win`` (the window keys go to); the show time paused at."""
    gx, gy, w, h = x.geometry(win)
    x.move(gx + w // 2, gy + h // 2)
    x.press("space")
    return seconds(p.expect(rf"exhibit: paused at {CLOCK}"))


# -- pictures ---------------------------------------------------------------------------------------


def luminance(image: np.ndarray) -> np.ndarray:
    return image.astype(np.float64) @ np.array([0.2126, 0.7152, 0.0722])


def profile(image: np.ndarray, cols: slice) -> np.ndarray:
    """Mean colour of some columns (``slice(-1, None)``: the last), row by row."""
    return image[:, cols].astype(np.float64).mean(axis=1)


def vertical_offset(a: np.ndarray, b: np.ndarray, reach: int = 12) -> tuple[int, float, float]:
    """How far (rows) profile ``b`` is shifted down from ``a``, where they match best.

    Returns the offset, the mean colour difference there, and the smallest
    difference at offsets 4 or more rows away (how clearly the match stands out).
    """
    n = a.shape[0]
    costs = {}
    for s in range(-reach, reach + 1):
        lo, hi = max(0, -s), min(n, n - s)
        costs[s] = float(np.abs(a[lo:hi] - b[lo + s : hi + s]).mean())
    best = min(costs, key=costs.__getitem__)
    away = min(c for s, c in costs.items() if abs(s - best) >= 4)
    return best, costs[best], away


def horizon_rows(*profiles: np.ndarray) -> list[int]:
    """The row where the light sky gives way to the darker lake, in each profile: the first
    row below one brightness, halfway between the sky and the water of all of them (in haze
    the horizon is a soft ramp, with no one steepest row; a far shore on one side only would
    be the steepest fall there)."""
    lums = [np.convolve(luminance(p), np.ones(3) / 3, mode="same")[1:-1] for p in profiles]
    level = (np.mean([lum[:10].mean() for lum in lums]) + np.mean([lum[-10:].mean() for lum in lums])) / 2
    return [int(np.argmax(lum < level)) + 1 for lum in lums]


def redness(image: np.ndarray) -> np.ndarray:
    """How much redder than green and blue each pixel is (the boat's lacquer; 0 elsewhere)."""
    rgb = image.astype(np.float64)
    return np.clip(rgb[..., 0] - np.maximum(rgb[..., 1], rgb[..., 2]) - 25.0, 0.0, None)


def centre_x(weights: np.ndarray) -> float:
    """The weighted mean column of a picture's weights, in pixels."""
    total = weights.sum()
    assert total > 500, "no red boat in the picture"
    return float((weights.sum(axis=0) * np.arange(weights.shape[1])).sum() / total)


def edges(channel: np.ndarray) -> np.ndarray:
    """How sharply one colour channel changes from column to column (outlines, any colour)."""
    c = channel.astype(np.float64)
    g = np.zeros_like(c)
    g[:, 1:-1] = np.abs(c[:, 2:] - c[:, :-2])
    return g


def horizontal_shift(a: np.ndarray, b: np.ndarray, reach: int = 12) -> float:
    """How far (pixels, sub-pixel) picture ``a`` lies to the right of picture ``b``: the shift
    that best lines up their column profiles (a parabola through the best three)."""
    pa, pb = a.sum(axis=0), b.sum(axis=0)
    pa, pb = pa - pa.mean(), pb - pb.mean()
    n = pa.size
    score = {}
    for s in range(-reach, reach + 1):
        lo, hi = max(0, s), min(n, n + s)
        score[s] = float((pa[lo:hi] * pb[lo - s : hi - s]).sum() / (hi - lo))
    best = max(score, key=score.__getitem__)
    if abs(best) == reach:
        return float(best)
    before, at, after = score[best - 1], score[best], score[best + 1]
    return best + 0.5 * (before - after) / (before - 2 * at + after)


def expected_parallax(content: Path, t: float) -> float:
    """Pixels the boat lies further right for the left eye than for the right one at show time ``t``.

    A point at depth d seen by eyes ``IOD`` apart, converging on a screen at
    ``CONVERGE``: f * iod * (1/d - 1/converge), f in pixels of one eye's picture.
    """
    from exhibit.narration.show import prepare_show
    from exhibit.spec.project import Project
    from exhibit.timeline.camera import forward

    show = prepare_show(Project.at(content), SCENE, "zh")
    state = show.timeline.state(t)
    cam, boat = state.camera, state.objects["boat"].pos
    ahead = forward(cam.hpr[0], cam.hpr[1])
    depth = sum((boat[i] - cam.pos[i]) * ahead[i] for i in range(3))
    f = (EYE[0] / 2) / math.tan(math.radians(cam.fov) / 2)
    return f * IOD * (1 / depth - 1 / CONVERGE)


# -- projection walls ---------------------------------------------------------------------------------


def test_wall_mode_opens_a_window_per_projector_and_the_picture_runs_on_across_them(x, play, tmp_path):
    p = play(SCENE, "--display", "wall", "--hall", hall_file(tmp_path, WALL_HALL), "--from", NEAR_BOAT)
    assert p.expect(PLAYING)["mode"] == "wall"
    wins = x.windows(3)
    # One undecorated window per projector, at the place and size the hall file gives it.
    assert [x.geometry(w) for w in wins] == list(WALLS.values())
    deadline = time.monotonic() + 5
    while not x.title(wins[0]).startswith("南湖红船") and time.monotonic() < deadline:
        time.sleep(0.05)
    assert [x.title(w) for w in wins] == [f"南湖红船 - exhibit: {name}" for name in WALLS]
    assert all(x.window_types(w) == ["_NET_WM_WINDOW_TYPE_SPLASH"] for w in wins)
    for w in wins:
        drawn(x, w)
    pause_over(x, wins[0], p)  # keys reach the player from any of the walls' windows
    left, middle, right = (settled(x, w) for w in wins)
    for name, image in zip(WALLS, (left, middle, right), strict=True):
        lum = luminance(image)
        # Each shows its part of the scene: light sky over a darker lake, not a blank window.
        assert lum[:40].mean() > lum[-40:].mean() + 30, name
        assert lum.std() > 15, name
    assert differs(left, middle) > 0.3 and differs(middle, right) > 0.3 and differs(left, right) > 0.3

    # The camera looks at the boat, straight ahead: it lies across the seam of the two front
    # projectors, part in each (its red lacquer in the quarters next to the seam).
    quarter = WALLS["front_left"][2] // 4
    assert red_mask(left)[:, -quarter:].sum() > 20 and red_mask(middle)[:, :quarter].sum() > 20

    # Across both seams (the flat one between the front projectors and the corner between the
    # front and right-hand walls) the last columns of one window go on in the first columns
    # of the next: they match best unshifted, clearly better than a few rows up or down, and
    # differ no more than neighbouring columns inside one window do.
    for a, b, seam in ((left, middle, "front"), (middle, right, "corner")):
        last, first = slice(-1, None), slice(0, 1)
        offset, cost, away = vertical_offset(profile(a, last), profile(b, first))
        inside = float(np.abs(profile(b, first) - profile(b, slice(1, 2))).mean())
        assert offset == 0, seam
        assert away > 2 * cost, seam
        assert cost < 2 * inside + 3, seam
        # The horizon (sky meeting lake) is at the same row on both sides of the seam.
        here, there = horizon_rows(profile(a, slice(-3, None)), profile(b, slice(0, 3)))
        assert abs(here - there) <= 1, (seam, here, there)

    # Captions are drawn on one wall only (the middle one when there is no "front").
    assert caption_ink(middle) > 0.2 and caption_ink(left) < 0.02 and caption_ink(right) < 0.02
    x.press("Escape")
    assert p.wait(10) == 0


# -- stereo -------------------------------------------------------------------------------------------


def test_side_by_side_shows_each_eye_in_its_half_with_the_boat_in_front_of_the_screen(x, play, content, tmp_path):
    hall = hall_file(tmp_path, STEREO_HALL)
    p = play(SCENE, "--display", "sbs", "--hall", hall, "--size", f"{2 * EYE[0]}x{EYE[1]}", "--from", NEAR_BOAT)
    assert p.expect(PLAYING)["mode"] == "sbs"
    win = x.window()
    assert x.geometry(win)[2:] == (2 * EYE[0], EYE[1])
    drawn(x, win)
    t = pause_over(x, win, p)
    image = settled(x, win)
    left, right = image[:, : EYE[0]], image[:, EYE[0] :]
    # Both halves show the scene (the boat near the middle of each) and they differ.
    for half in (left, right):
        assert 0.35 < centre_x(redness(half)) / EYE[0] < 0.65
    assert differs(left, right) > 0.01
    # The boat is nearer than where the eyes converge: the left eye sees it further right
    # than the right eye does (swapped eyes would give the opposite sign), by as much as
    # the eyes' distance and the boat's depth give.
    shift = horizontal_shift(redness(left), redness(right))
    want = expected_parallax(content, t)
    assert shift == pytest.approx(want, rel=0.25)
    # The caption is in both halves, at the same place in each (no parallax: on the screen).
    assert caption_ink(left) > 0.2 and caption_ink(right) > 0.2
    text_left = left[int(EYE[1] * 0.8) :].min(axis=2) > 200
    text_right = right[int(EYE[1] * 0.8) :].min(axis=2) > 200
    assert text_left.sum() > 50
    assert (text_left & text_right).sum() > 0.8 * max(text_left.sum(), text_right.sum())
    x.press("Escape")
    assert p.wait(10) == 0


def test_anaglyph_draws_the_left_eye_in_red_and_the_right_eye_in_cyan(x, play, content, tmp_path):
    hall = hall_file(tmp_path, STEREO_HALL)
    p = play(SCENE, "--display", "anaglyph", "--hall", hall, "--size", f"{EYE[0]}x{EYE[1]}", "--from", NEAR_BOAT)
    assert p.expect(PLAYING)["mode"] == "anaglyph"
    win = x.window()
    assert x.geometry(win)[2:] == EYE  # one window: both eyes drawn over each other
    drawn(x, win)
    t = pause_over(x, win, p)
    image = settled(x, win)
    red, green, blue = (image[..., i] for i in range(3))
    # The boat's outlines in the red picture (left eye) lie to the right of the same outlines
    # in the green and blue ones (right eye), by the parallax of the boat's depth.
    box = red_mask(image)
    ys, xs = np.nonzero(box)
    rows = slice(max(0, ys.min() - 10), ys.max() + 10)
    cols = slice(max(0, xs.min() - 20), xs.max() + 20)
    shift_g = horizontal_shift(edges(red)[rows, cols], edges(green)[rows, cols])
    shift_b = horizontal_shift(edges(red)[rows, cols], edges(blue)[rows, cols])
    shift_gb = horizontal_shift(edges(green)[rows, cols], edges(blue)[rows, cols])
    want = expected_parallax(content, t)
    assert shift_g == pytest.approx(want, rel=0.25) and shift_b == pytest.approx(want, rel=0.25)
    assert abs(shift_gb) < 0.5  # green and blue: one eye
    x.press("Escape")
    assert p.wait(10) == 0


def test_the_quiz_on_a_wall_is_answered_by_a_click_in_the_second_walls_window(x, play, tmp_path):
    p = play(SCENE, "--display", "wall", "--hall", hall_file(tmp_path, WALL_HALL), "--from", "ask.start - 0.5")
    p.expect(PLAYING)
    wins = x.windows(3)
    second = wins[1]
    gx, gy, w, h = x.geometry(second)
    # The panel stands straight ahead, across the seam of the two front projectors: its right
    # half fills the left half of the second window.
    column = w // 4

    deadline = time.monotonic() + 15
    # the scene pauses and the panel opens
    while len(cards := answer_cards(x.shot(second), w // 16, w // 2 - w // 16, column)) < 2:
        assert time.monotonic() < deadline, "no quiz panel with its answers appeared on the second wall"
        time.sleep(0.2)
    top, bottom = cards[1]
    first_before = x.shot(wins[0])

    def click(at: tuple[int, int]) -> None:
        """Point at a place in the second window and click there (real X events)."""
        x.click(gx + at[0], gy + at[1])

    def face(image: np.ndarray) -> str:
        """The clicked card's colour: its middle row's median over the panel's part of the window."""
        r, g, b = np.median(image[(top + bottom) // 2, w // 16 : w // 2 - w // 16].astype(int), axis=0)
        if g > r + 60 and g > b + 40:
            return "green"  # right
        if r > 200 and 60 < g < 150 and b < 100:
            return "red"  # wrong (orange red)
        if r > 220 and 180 < g < 235 and b < 130:
            return "gold"  # chosen, not yet submitted (a question with several right answers)
        return "light"

    def waited(until: Callable[[str], bool], what: str) -> str:
        deadline = time.monotonic() + 5
        while not until(now := face(x.shot(second))):
            assert time.monotonic() < deadline, what
            time.sleep(0.1)
        return now

    click((column, (top + bottom) // 2))
    if waited(lambda f: f != "light", "the answer clicked on the second wall was not marked") == "gold":
        # Submit (gold, under the answers, on the right of the panel), also on the second wall.
        image = x.shot(second)
        below = image[cards[-1][1] + 6 :, w // 8 : w // 2].astype(int)
        gold = (below[..., 0] > 220) & (below[..., 1] > 180) & (below[..., 1] < 235) & (below[..., 2] < 130)
        ys, xs = np.nonzero(gold)
        assert ys.size > 50, "no submit button on the second wall"
        click((w // 8 + int(xs.mean()), cards[-1][1] + 6 + int(ys.mean())))
    assert waited(lambda f: f in ("green", "red"), "the answer was not marked right or wrong") in ("green", "red")
    # The first wall shows the other half of the same card marked too: one panel in the world.
    assert differs(x.shot(wins[0]), first_before) > 0.01
    x.press("Escape")
    assert p.wait(10) == 0
