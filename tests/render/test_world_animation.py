"""Model animation (``do: animate``) in rendered frames: the pose is the clip's at show time."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from tests.render.conftest_world import WorldView, scene_from, timeline_of
from tests.render.gltf_bar import write_bar

pytest.importorskip("panda3d")
pytest.importorskip("gltf")

from exhibit.render.world import build_world  # noqa: E402

BAR = """
    duration: 20
    environment:
      sky: {{zenith: "#ffffff", horizon: "#ffffff"}}
      ambient: {{color: "#ffffff", intensity: 0.8}}
    objects:
      guide: {{kind: model, file: models/bar.gltf, pos: [0, 6, 0]}}
    camera:
      keys:
        - {{at: 0, pos: [0, 0, 1], look_at: [0, 6, 1]}}
    cues:
      - {{at: 2, do: animate, target: guide, clip: bend{extra}}}
"""


@pytest.fixture(scope="module")
def view() -> WorldView:
    v = WorldView((240, 240))
    yield v
    v.close()


def red_box(image: np.ndarray) -> tuple[int, int, int, int]:
    """(left, top, right, bottom) of the red bar in the picture."""
    rgb = image.astype(int)
    ys, xs = np.nonzero((rgb[..., 0] > rgb[..., 1] + 60) & (rgb[..., 0] > rgb[..., 2] + 60))
    assert len(xs) > 50, "the bar is in the picture"
    return int(xs.min()), int(ys.min()), int(xs.max()), int(ys.max())


def frames(view: WorldView, root: Path, times: list[float], extra: str = "") -> list[np.ndarray]:
    scene = scene_from(BAR.format(extra=extra))
    timeline = timeline_of(scene)
    world = build_world(scene, view.root, project_root=root, capabilities=view.capabilities, timeline=timeline)
    out = []
    try:
        for t in times:
            state = timeline.state(t)
            world.apply(state)
            view.place(state.camera.pos, state.camera.hpr, state.camera.fov)
            out.append(view.frame())
    finally:
        world.destroy()
    return out


def test_the_pose_is_the_clips_at_show_time(view: WorldView, tmp_path: Path) -> None:
    write_bar(tmp_path / "models" / "bar.gltf")
    rest, half, bent, held, back = frames(view, tmp_path, [1.0, 2.5, 3.0, 9.0, 1.5])
    r, h, b = red_box(rest), red_box(half), red_box(bent)
    width = r[2] - r[0]
    assert r[3] - r[1] > 4 * width, "before the cue: the bar stands straight"
    assert b[1] > r[1] + width, "bent: the top is lower"
    assert b[0] < r[0] - 2 * width, "bent: the upper segment points sideways (to -x)"
    assert r[1] < h[1] < b[1] and b[0] < h[0] < r[0], "half way through the clip: half bent"
    assert np.array_equal(bent, held), "a clip that does not loop holds its last frame"
    assert np.array_equal(back, rest), "seeking back before the cue: the rest pose again"


def test_a_seek_shows_the_pose_that_play_reaches(view: WorldView, tmp_path: Path) -> None:
    write_bar(tmp_path / "models" / "bar.gltf")
    played = frames(view, tmp_path, [2.0 + i / 30 for i in range(0, 16)])[-1]  # to 2.5 s frame by frame
    (sought,) = frames(view, tmp_path, [2.5])
    assert np.array_equal(played, sought)


def test_a_looping_clip_at_speed_wraps_round(view: WorldView, tmp_path: Path) -> None:
    write_bar(tmp_path / "models" / "bar.gltf")
    quarter, again = frames(view, tmp_path, [2.125, 2.625], ", loop: true, speed: 2")
    assert np.array_equal(quarter, again), "2 x 0.125 s and 2 x 0.625 s = one clip later: the same pose"
