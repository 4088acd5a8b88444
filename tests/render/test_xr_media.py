"""Staff's media in a headset: each eye gets its own half of a stereo panorama, and a film
screen shows the film's frame of show time to both eyes, after seeks as in play.

The headset is XrDisplays with a stand-in runtime that holds the head still and gives both
eyes a symmetric 60 x 36 degree view, so that a film screen 16 m wide at twice the distance
that fills the view fills its middle half; the panorama shows round it.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from exhibit.render.xr.convert import XrFov, XrPose
from exhibit.render.xr.runtime import EyeView, FrameViews
from tests.render.conftest import project_with
from tests.render.test_world_panorama import flat
from tests.render.test_world_video import BITS, FPS, numbered_film
from tests.render.test_xr_display import IPD, RecordingSession

pytestmark = pytest.mark.needs_display

EYE = (320, 180)
HALF_WIDE = math.radians(30)
HALF_HIGH = math.atan(math.tan(HALF_WIDE) * EYE[1] / EYE[0])
FOV = XrFov(-HALF_WIDE, HALF_WIDE, HALF_HIGH, -HALF_HIGH)

SCENE = """
    languages: [zh]
    duration: 20
    objects:
      site: {kind: panorama, file: pictures/pair.png, stereo: top_bottom}
      screen: {kind: video, file: films/numbers.mp4, size: [16, auto], pos: [0, 27.7128, 0], start: 0}
    camera:
      fov: 60
      keys:
        - {at: 0, pos: [0, 0, 0], hpr: [0, 0, 0]}
"""


class LevelHeadset(RecordingSession):
    """A runtime whose head stays at the camera, looking ahead, with two symmetric eyes."""

    def __init__(self) -> None:
        super().__init__(XrPose((0.0, 0.0, 0.0)))
        self.sizes = [EYE, EYE]

    def begin_frame(self) -> FrameViews | None:
        self.calls.append(("begin",))
        eyes = tuple(EyeView(XrPose((side * IPD / 2, 0.0, 0.0)), FOV) for side in (-1, 1))
        return FrameViews(self.head, eyes, 0)


def film_number(image: np.ndarray) -> int:
    """The frame number on the screen, which fills the middle half of the eye's view."""
    height, width = image.shape[:2]
    row = image[height // 2].astype(int).mean(axis=-1)
    columns = [int(width / 4 + (b + 0.5) * width / 2 / BITS) for b in range(BITS)]
    return sum(1 << b for b, c in enumerate(columns) if row[c] > 128)


def surround(image: np.ndarray) -> np.ndarray:
    """The mean colour of the top band of the view, above the screen: the panorama."""
    return image[: image.shape[0] // 5].reshape(-1, 3).astype(float).mean(axis=0)


def test_each_eye_sees_its_half_of_the_panorama_and_the_films_frame_of_show_time(
    app: Any, make_player: Any, tmp_path: Path
) -> None:
    from exhibit.render.xr.display import XrDisplays

    flat(tmp_path, "pair.png", (220, 30, 30), (30, 30, 220), (512, 512))
    numbered_film(tmp_path / "films" / "numbers.mp4", 8.0)
    player = make_player(project_with(tmp_path, SCENE, "site"), audio=False, narrate=False)
    runtime = LevelHeadset()
    player.swap_displays(lambda: XrDisplays(app, player.rig, size=(320, 180), session=lambda: runtime))
    assert player.headset
    player.load("site")
    left, right = player.displays.capture(1), player.displays.capture(2)
    seen: list[tuple[int, int]] = []
    times = [1.0, 3.37, 0.52, 6.9, 2.0]  # on, ahead, back (a seek), far ahead, back again
    for t in times:
        player.step(t)
        player.step(t)  # the eyes' views come from the runtime at the start of a frame
        seen.append((film_number(left.pixels("RGB")), film_number(right.pixels("RGB"))))
        assert surround(left.pixels("RGB")) == pytest.approx((220, 30, 30), abs=8), "the left eye: the top half"
        assert surround(right.pixels("RGB")) == pytest.approx((30, 30, 220), abs=8), "the right eye: the bottom"
    assert seen == [(math.floor(t * FPS),) * 2 for t in times]
    # Playing on frame by frame at the film's own rate, both eyes show every frame in turn.
    shown = []
    for k in range(12):
        player.step(4.0 + k / FPS)
        shown.append(film_number(left.pixels("RGB")))
        assert film_number(right.pixels("RGB")) == shown[-1]
    assert shown == [4 * FPS + k for k in range(12)]
