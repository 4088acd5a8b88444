"""``exhibit play`` on a laptop's screen (1366x768) with the bundled hall, whose display is three
1920x1080 projection walls side by side: a preview opens one window that fits and shows the boat."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import yaml

from tests.render.xserver import (  # noqa: F401 - content, play and x are fixtures
    PLAYING,
    REPO,
    SCENE,
    Play,
    XClient,
    content,
    drawn,
    needs_xvfb,
    play,
    red_spot,
    x,
    xvfb,
)

pytestmark = needs_xvfb

LAPTOP = (1366, 768)
NEAR_BOAT = "on_boat.start + 1"


@pytest.fixture()
def hall(tmp_path: Path) -> str:
    """The bundled hall.yaml's display (its schedule names scenes this content root lacks)."""
    display = yaml.safe_load((REPO / "hall.yaml").read_text(encoding="utf-8"))["display"]
    assert display["mode"] == "wall" and len(display["walls"]) == 3
    path = tmp_path / "hall.yaml"
    path.write_text(yaml.safe_dump({"display": display}), encoding="utf-8")
    return str(path)


@pytest.fixture(scope="module")
def xserver(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    yield from xvfb(tmp_path_factory, LAPTOP)


def _one_window_with_the_boat(client: XClient, p: Play) -> None:
    assert p.expect(PLAYING)["mode"] == "window"
    win = client.window()
    time.sleep(1.0)  # time for any other window to appear
    assert len(client.windows(1)) == 1
    gx, gy, w, h = client.geometry(win)
    assert client.screen_size == LAPTOP
    assert 0 <= gx and 0 <= gy and gx + w <= LAPTOP[0] and gy + h <= LAPTOP[1], (gx, gy, w, h)
    assert abs(w / h - 16 / 9) < 0.01, "the hall's 16:9 shape, shrunk to fit"
    assert "_NET_WM_WINDOW_TYPE_SPLASH" not in client.window_types(win), "an ordinary window, with a frame"
    cx, cy, _, _ = red_spot(drawn(client, win))
    assert 0.3 < cx < 0.7 and 0.25 < cy < 0.75, "the boat, in the middle of the picture"


def test_a_preview_opens_one_window_that_fits_the_screen(x: XClient, play: Callable[..., Play], hall: str) -> None:  # noqa: F811
    p = play(SCENE, "--hall", hall, "--from", NEAR_BOAT)
    _one_window_with_the_boat(x, p)


def test_the_halls_walls_on_a_screen_too_small_fall_back_to_a_window_with_one_line(
    x: XClient, play: Callable[..., Play], hall: str  # noqa: F811
) -> None:
    p = play(SCENE, "--hall", hall, "--display", "hall", "--from", NEAR_BOAT)
    said = p.expect(r"does not fit")
    assert said.string == ("exhibit: the hall's display (3 wall windows reaching 5760x1080) does not fit this "
                           "screen (1366x768): playing in a window instead")
    _one_window_with_the_boat(x, p)
