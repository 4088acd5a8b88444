"""Display mode ``xr`` on Panda3D's side, with a recording stand-in for the runtime session.

The eyes render offscreen into Panda3D buffers (the stand-in does not swap in a
runtime image), so what each eye sees can be read back and compared with where
the runtime's pose and field of view say things must appear.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest

from exhibit.render.xr.convert import XrFov, XrPose, position_to_panda, transform
from exhibit.render.xr.interaction import Rectangle, Select
from exhibit.render.xr.runtime import EyeView, FrameViews, XrUnavailable
from tests.render.conftest import project_with

pytestmark = pytest.mark.needs_display

QUEST2_LEFT = XrFov(-0.9424778, 0.6981317, 0.8901179, -0.9599311)
QUEST2_RIGHT = XrFov(-0.6981317, 0.9424778, 0.8901179, -0.9599311)
HEAD = XrPose((0.12, 0.03, -0.05), (-0.084186, 0.2578342, 0.0225576, 0.9622502))  # 30 left, 10 down
IPD = 0.063
EYE_SIZE = (200, 220)


class RuntimeFailure(Exception):
    """What the stand-in raises as a runtime error."""


class RecordingSession:
    """Stands in for XrSession: scripted head and eyes, records every call the display makes."""

    clears_itself = False
    errors = (RuntimeFailure,)

    def __init__(self, head: XrPose = HEAD) -> None:
        self.sizes = [EYE_SIZE, EYE_SIZE]
        self.calls: list[tuple[Any, ...]] = []
        self.head = head
        self.trigger = False
        self.fail: Exception | None = None
        self._lost: str | None = None

    @property
    def lost(self) -> str | None:
        return self._lost

    def lose(self, why: str) -> None:
        self._lost = why

    def poll(self) -> None:
        self.calls.append(("poll",))

    def begin_frame(self) -> FrameViews | None:
        self.calls.append(("begin",))
        if self.fail is not None:
            raise self.fail
        eyes = tuple(
            EyeView(XrPose((side * IPD / 2, 0.0, 0.0)), fov)
            for side, fov in ((-1, QUEST2_LEFT), (1, QUEST2_RIGHT))
        )
        return FrameViews(self.head, eyes, 0)

    def render_view(self, index: int, draw: Callable[[], None], clear: Sequence[float]) -> None:
        self.calls.append(("render", index))
        draw()

    def end_frame(self) -> None:
        self.calls.append(("end",))

    def select_pressed(self) -> bool:
        return self.trigger

    def close(self) -> None:
        self.calls.append(("close",))


@pytest.fixture
def headset(app: Any) -> Iterator[tuple[Any, RecordingSession, Any]]:
    """XrDisplays on a bare world: a dark sky and a small red marker 2 m in front of the head."""
    from panda3d.core import CardMaker, NodePath

    from exhibit.render.rig import Rig
    from exhibit.render.xr.display import XrDisplays

    world = NodePath("world")
    rig = Rig(world)
    session = RecordingSession()
    displays = XrDisplays(app, rig, size=(160, 176), session=lambda: session)
    displays.set_clear_color((0.05, 0.05, 0.1, 1))
    target = position_to_panda(transform(HEAD, (0.0, 0.0, -2.0)))
    cm = CardMaker("marker")
    cm.setFrame(-0.03, 0.03, -0.03, 0.03)
    marker = world.attachNewNode(cm.generate())
    marker.setPos(*target)
    marker.lookAt(rig.head)  # face the visitor
    marker.setTwoSided(True)
    marker.setColor(1, 0, 0, 1)
    marker.setLightOff(1)
    try:
        yield displays, session, rig
    finally:
        displays.close()
        rig.destroy()


def red_centroid(image: np.ndarray) -> tuple[float, float]:
    mask = (image[..., 0] > 150) & (image[..., 1] < 80) & (image[..., 2] < 80)
    assert mask.sum() > 4, "the marker is not in this eye's picture"
    rows, cols = np.nonzero(mask)
    return float(cols.mean()), float(rows.mean())


def expected_pixel(
    fov: XrFov, eye_x: float, distance: float, size: tuple[int, int]
) -> tuple[float, float]:
    """Where a point straight ahead of the head appears in an eye ``eye_x`` metres to its side."""
    left, right, up, down = fov.tangents
    tx, tz = -eye_x / distance, 0.0  # seen from the eye, the point lies -eye_x to the side
    fx = (tx - (left + right) / 2) / ((right - left) / 2)
    fz = (tz - (up + down) / 2) / ((up - down) / 2)
    return (fx + 1) / 2 * size[0], (1 - fz) / 2 * size[1]


def test_each_eye_sees_the_world_through_the_runtimes_pose_and_frustum(
    app: Any, headset: Any
) -> None:
    displays, session, rig = headset
    left, right = displays.capture(1), displays.capture(2)
    app.render_frame()
    app.render_frame()
    assert ("render", 0) in session.calls and ("render", 1) in session.calls
    assert (
        session.calls.index(("begin",))
        < session.calls.index(("render", 0))
        < session.calls.index(("end",))
    )
    h, p, r = rig.head.getHpr()
    assert (h, p, r) == pytest.approx((30.0, -10.0, 0.0), abs=1e-3)
    for capture, fov, eye_x in ((left, QUEST2_LEFT, -IPD / 2), (right, QUEST2_RIGHT, IPD / 2)):
        col, row = red_centroid(capture.pixels("RGB"))
        want_col, want_row = expected_pixel(fov, eye_x, 2.0, EYE_SIZE)
        assert col == pytest.approx(want_col, abs=1.5)
        assert row == pytest.approx(want_row, abs=1.5)
    # The asymmetric frusta put the point ahead right of centre in the left eye, left in the right.
    assert (
        red_centroid(left.pixels("RGB"))[0] > EYE_SIZE[0] / 2 > red_centroid(right.pixels("RGB"))[0]
    )


def test_the_scenes_fade_covers_the_whole_view(app: Any, headset: Any) -> None:
    displays, _, _ = headset
    left = displays.capture(1)
    displays.on_frame(SimpleNamespace(fade=1.0), [])
    app.render_frame()
    app.render_frame()
    assert left.pixels("RGB").max() <= 3
    displays.on_frame(SimpleNamespace(fade=0.0), [])
    app.render_frame()
    red_centroid(left.pixels("RGB"))


def test_the_trigger_selects_what_the_head_points_at(app: Any, headset: Any) -> None:
    displays, session, _ = headset
    ahead = position_to_panda(transform(HEAD, (0.0, 0.0, -1.5)))
    right_of = position_to_panda(transform(HEAD, (0.3, 0.0, -1.5)))
    up = position_to_panda(transform(HEAD, (0.0, 0.3, -1.5)))
    # A 0.4 m button centred on the head's line of sight 1.5 m out.
    w = tuple((b - a) / 0.3 * 0.4 for a, b in zip(ahead, right_of, strict=True))
    v = tuple((b - a) / 0.3 * 0.4 for a, b in zip(ahead, up, strict=True))
    corner = tuple(c - wi / 2 - vi / 2 for c, wi, vi in zip(ahead, w, v, strict=True))
    selected: list[Select] = []
    displays.set_targets(lambda: [Rectangle("answer_b", corner, w, v).hit], selected.append)
    app.render_frame()
    assert selected == [] and displays.gaze.target == "answer_b"
    session.trigger = True
    app.render_frame()
    assert [(s.target, s.by) for s in selected] == [("answer_b", "trigger")]
    assert selected[0].hit.uv == pytest.approx((0.5, 0.5), abs=1e-3)


def test_a_runtime_failure_mid_show_is_reported_not_raised(app: Any, headset: Any) -> None:
    displays, session, _ = headset
    app.render_frame()
    session.fail = RuntimeFailure("xrWaitFrame failed")
    app.render_frame()
    assert displays.lost == "the OpenXR runtime failed: xrWaitFrame failed"
    before = len(session.calls)
    app.render_frame()
    assert session.calls[before:] == []  # no more calls into a dead runtime


# -- fallback: the show goes on in a window -------------------------------------------------


def test_without_a_runtime_the_hall_gets_a_window_and_one_line(app: Any) -> None:
    from panda3d.core import NodePath

    from exhibit.render.displays import ScreenDisplays
    from exhibit.render.rig import Rig
    from exhibit.render.xr.fallback import open_displays

    def no_runtime() -> RecordingSession:
        raise XrUnavailable("no OpenXR runtime is installed or active")

    rig = Rig(NodePath("world"))
    said: list[str] = []
    displays = open_displays(app, rig, "xr", (160, 90), report=said.append, session=no_runtime)
    try:
        assert isinstance(displays, ScreenDisplays) and displays.mode == "offscreen"
        assert said == [
            "warning: no OpenXR runtime is installed or active; "
            "showing the scene in an offscreen buffer instead"
        ]
        assert app.base.taskMgr.getTasksNamed("exhibit-xr-begin") == []
    finally:
        displays.close()
    with pytest.raises(XrUnavailable, match="no OpenXR runtime"):
        open_displays(app, rig, "xr", report=said.append, session=no_runtime, fallback=False)
    rig.destroy()


def test_a_headset_lost_mid_show_gives_way_to_a_window_and_the_show_goes_on(
    app: Any, make_player: Any, tmp_path: Any
) -> None:
    from exhibit.render.displays import ScreenDisplays
    from exhibit.render.xr.display import XrDisplays
    from exhibit.render.xr.fallback import keep_showing

    player = make_player(project_with(tmp_path), display="offscreen", audio=False, narrate=False)
    # The headset in place of the buffer, as display mode xr opens it (with a recording runtime).
    session = RecordingSession()
    player.swap_displays(lambda: XrDisplays(app, player.rig, session=lambda: session))
    assert player.headset
    player.load("still_life")
    player.play(0.0)
    for _ in range(3):
        player.step()
        assert not keep_showing(player)
    session.lose("the headset was lost (unplugged, or the runtime stopped)")
    said: list[str] = []
    player.step()
    assert keep_showing(player, said.append)
    assert said == [
        "warning: the headset was lost (unplugged, or the runtime stopped); "
        "the show goes on in an offscreen buffer"
    ]
    assert isinstance(player.displays, ScreenDisplays) and player.displays.mode == "offscreen"
    assert not player.headset and player.displays.lost is None
    assert ("close",) in session.calls
    assert player.status == "playing"
    capture = player.displays.capture()
    t_before = player.t
    frame = player.step()
    player.step()
    assert frame.t >= t_before
    image = capture.pixels("RGB")
    assert image.shape[0] > 0 and float(image.std()) > 1.0  # a picture of the scene, not a blank
    assert not keep_showing(player)


def test_the_mirror_window_keeps_the_eyes_shape_and_stays_on_the_screen() -> None:
    from exhibit.render.xr.display import MIRROR_WIDTH, mirror_geometry

    # Tall eyes (1832x1920) on a 1920x1080 screen, the window placed 300 lines down: moved up.
    (w, h), (x, y) = mirror_geometry((1832, 1920), None, (1920, 1080), (100, 300))
    assert w == MIRROR_WIDTH and h == int(MIRROR_WIDTH * 1920 / 1832)
    assert (x, y) == (100, 1080 - h) and y + h <= 1080
    # Too tall for a 1366x768 laptop's screen: shrunk to leave room, same shape, on the screen.
    (w, h), (x, y) = mirror_geometry((1832, 1920), None, (1366, 768), (0, 0))
    assert h <= 768 - 100 and abs(w / h - 1832 / 1920) < 0.01 and x + w <= 1366 and y + h <= 768
    # Without a screen to go by: as asked.
    assert mirror_geometry((1440, 1600), (640, 480), None, (5, 6)) == ((640, 480), (5, 6))
