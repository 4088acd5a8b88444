"""Display mode ``xr``: the visitor rig seen through a headset.

The :class:`exhibit.render.displays.Displays` surface (outputs, views,
overlay, clear colour, close), so the Player uses either. Each frame:

1. before Panda3D draws (task at :data:`BEGIN_SORT`): the runtime's events are
   handled, its frame slot waited for, and head and eyes located at the
   predicted display time; the rig's ``head`` takes the head pose (in the LOCAL
   space: where the visitor stood when the session started is the scene
   camera's position), each eye camera its pose relative to the head and a lens
   with the runtime's asymmetric frustum;
2. Panda3D draws each eye into its own buffer, whose colour target the session
   swaps for the runtime's swapchain image inside the eye's draw callback;
   captions and titles are drawn over the middle of each eye;
3. after drawing (task at :data:`END_SORT`) the frame goes to the compositor,
   and the head ray, trigger and gaze dwell produce *select* actions.

A small window mirrors the left eye for the operator (and holds the GL context
the runtime renders with). When the runtime goes away :attr:`XrDisplays.lost`
says why; :func:`exhibit.render.xr.fallback.keep_showing` then swaps in a window.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, Protocol

from exhibit.render.displays import (
    OVERLAY_SORT,
    WINDOW_MARGIN,
    WORLD_SORT,
    Capture,
    CapturingOutputs,
    View,
    screen_size,
)
from exhibit.render.rig import FAR, NEAR, Rig, right_eye_mask
from exhibit.render.xr.convert import apply_fov, pose_to_panda
from exhibit.render.xr.interaction import Gaze, HitTest, Pointer, Ray, Select
from exhibit.render.xr.runtime import FrameViews, XrSession, XrUnavailable, explain

if TYPE_CHECKING:
    from panda3d.core import DisplayRegion, GraphicsOutput, NodePath

    from exhibit.render.app import App
    from exhibit.spec.hall import Display
    from exhibit.timeline.frame import Event, FrameState

BEGIN_SORT = 40  # Panda3D's igLoop (drawing) runs at 50
END_SORT = 60
MIRROR_WIDTH = 800  # pixels; the operator's view of the left eye
OVERLAY_SHARE = 0.5  # captions use the middle half of each eye's width
OVERLAY_ASPECT = 16 / 9
CURSOR_DISTANCE = 1.2  # metres in front of the eyes: the gaze cursor
FADE_DISTANCE = 0.15  # metres: the whole-view fade, just beyond the near plane


def mirror_geometry(
    eye: tuple[int, int],
    size: tuple[int, int] | None,
    screen: tuple[int, int] | None,
    origin: tuple[int, int],
) -> tuple[tuple[int, int], tuple[int, int]]:
    """The mirror window's size and place: the left eye's shape (``MIRROR_WIDTH`` wide unless
    ``size`` says), shrunk to leave room on the screen for its title bar and a desktop's panels,
    and moved so that all of it (and the captions at its bottom) stays on the screen."""
    w, h = size or (MIRROR_WIDTH, int(MIRROR_WIDTH * eye[1] / eye[0]))
    if screen is None:
        return (w, h), origin
    room = (screen[0] - WINDOW_MARGIN[0], screen[1] - WINDOW_MARGIN[1])
    if w > room[0] or h > room[1]:
        scale = min(room[0] / w, room[1] / h)
        w, h = max(16, int(w * scale)), max(16, int(h * scale))
    x = min(max(0, origin[0]), screen[0] - w)
    y = min(max(0, origin[1]), screen[1] - h)
    return (w, h), (x, y)


class Session(Protocol):
    """What the display needs of a runtime session (:class:`XrSession`, or a recording fake)."""

    sizes: list[tuple[int, int]]
    clears_itself: bool  # it clears the runtime's image itself (Panda3D's clears would miss it)
    errors: tuple[type[BaseException], ...]  # what its calls raise when the runtime fails

    @property
    def lost(self) -> str | None: ...

    def poll(self) -> None: ...

    def begin_frame(self) -> FrameViews | None: ...

    def render_view(self, index: int, draw: Callable[[], None], clear: Sequence[float]) -> None: ...

    def end_frame(self) -> None: ...

    def select_pressed(self) -> bool: ...

    def close(self) -> None: ...


class XrDisplays(CapturingOutputs):
    """The headset's eyes and the operator's mirror window, wired to a rig.

    For :meth:`capture`, output 0 is the mirror, 1 and 2 the eyes (the eyes hold a
    picture only when the session renders into Panda3D's buffers).
    """

    mode = "xr"
    capture_prefix = "xr_capture"

    def __init__(
        self,
        app: App,
        rig: Rig,
        size: tuple[int, int] | None = None,
        hall_display: Display | None = None,
        title: str = "exhibit",
        session: Callable[[], Session] | None = None,
    ) -> None:
        self.app = app
        self.rig = rig
        self.hall_display = hall_display
        self.title = title
        self.outputs: list[GraphicsOutput] = []
        self.views: list[View] = []
        self.overlay_regions: list[DisplayRegion] = []
        self.eyes: list[NodePath] = []
        self.lost: str | None = None
        self.gaze = Gaze(None, 0.0, False)
        self.pointer = Pointer()
        self.frames = 0
        self._targets: Callable[[], Sequence[HitTest]] = lambda: ()
        self._on_select: Callable[[Select], object] | None = None
        self._resting: tuple[Callable[[], Sequence[HitTest]], Callable[[Select], object]] | None = None
        self.resting_for: object = None  # whose targets rest_on() installed (the Player's scene)
        self._clear_color: tuple[float, float, float, float] = (0.6, 0.7, 0.8, 1.0)
        self._captures: dict[int, Capture] = {}
        self._views_now: FrameViews | None = None
        self._fade = 0.0
        self._session: Session | None = None
        self._tasks: list[str] = []
        self.size = size
        try:
            self._open(session or _real_session)
        except BaseException:
            self.close()
            raise

    # -- opening -----------------------------------------------------------------------------

    @property
    def onscreen(self) -> bool:
        return self.app.display_available

    def _open(self, make_session: Callable[[], Session]) -> None:
        from panda3d.core import Camera, FrameBufferProperties, PerspectiveLens

        # The mirror window first: the runtime renders with its GL context.
        mirror = self.app.open_output(
            self.size or (MIRROR_WIDTH, MIRROR_WIDTH * 9 // 16),
            onscreen=self.onscreen,
            title=f"{self.title}: headset",
        )
        mirror.setClearColorActive(True)
        mirror.setClearColor(self._clear_color)
        self.outputs.append(mirror)
        self.app.base.graphicsEngine.renderFrame()  # creates the context and leaves it current
        self._session = session = make_session()
        fb = FrameBufferProperties()
        fb.setRgbaBits(8, 8, 8, 8)
        fb.setDepthBits(24)
        fb.setSrgbColor(False)  # Panda3D's colours are already sRGB-encoded; no second conversion
        for i, (w, h) in enumerate(session.sizes):
            name = ("left", "right")[i] if len(session.sizes) == 2 else f"view{i}"
            buffer = mirror.makeTextureBuffer(f"xr_{name}", w, h, None, False, fb)
            if buffer is None:
                raise XrUnavailable(f"could not open a {w}x{h} buffer for the headset's {name} eye")
            if session.clears_itself:
                buffer.clearRenderTextures()  # the runtime's image is the target, not a texture
                buffer.disableClears()
            else:
                buffer.setClearColorActive(True)
                buffer.setClearColor(self._clear_color)
            buffer.setSort(-100 + i)  # eyes before the mirror window
            self.outputs.append(buffer)
            lens = PerspectiveLens()
            lens.setNearFar(NEAR, FAR)
            cam = self.rig.head.attachNewNode(Camera(f"eye_xr_{name}", lens))
            if name == "right":
                cam.node().setCameraMask(right_eye_mask())  # the right half of stereo panoramas
            self.eyes.append(cam)
            region = buffer.makeDisplayRegion(0, 1, 0, 1)
            region.setSort(WORLD_SORT)
            region.setCamera(cam)
            if session.clears_itself:
                region.disableClears()
            region.setDrawCallback(_draw_callback(self, i))
            self.views.append(View(name, buffer, region, cam, overlay=True))
        # The mirror shows the left eye, at the left eye's own shape.
        if self.eyes:
            if self.onscreen:
                from panda3d.core import WindowProperties

                now = mirror.getProperties()
                size, origin = mirror_geometry(
                    session.sizes[0], self.size, screen_size(self.app),
                    (now.getXOrigin(), now.getYOrigin()),
                )
                props = WindowProperties()
                props.setSize(*size)
                props.setOrigin(*origin)
                mirror.requestProperties(props)
            region = mirror.makeDisplayRegion(0, 1, 0, 1)
            region.setSort(WORLD_SORT)
            region.setCamera(self.eyes[0])
            self.views.append(View("mirror", mirror, region, self.eyes[0], overlay=True))
        self._decorations()
        base = self.app.base
        self._tasks = ["exhibit-xr-begin", "exhibit-xr-end"]
        base.taskMgr.add(self._begin_task, self._tasks[0], sort=BEGIN_SORT)
        base.taskMgr.add(self._end_task, self._tasks[1], sort=END_SORT)

    def _decorations(self) -> None:
        """The whole-view fade and the gaze cursor, both riding on the head."""
        half = FADE_DISTANCE * 20  # far wider than any headset's field of view
        self.fade_card = self._head_card("xr_fade", half, FADE_DISTANCE, (0, 0, 0, 1), 100)
        self.cursor = self._head_card("xr_cursor", 0.006, CURSOR_DISTANCE, (1, 1, 1, 0.85), 101)

    def _head_card(
        self, name: str, half: float, distance: float, color: tuple[float, float, float, float], order: int
    ) -> NodePath:
        """A square ahead of the eyes, drawn over everything, unlit and hidden until asked."""
        from panda3d.core import CardMaker, TransparencyAttrib

        cm = CardMaker(name)
        cm.setFrame(-half, half, -half, half)
        card = self.rig.head.attachNewNode(cm.generate())
        card.setPos(0, distance, 0)
        card.setColor(*color)
        card.setTransparency(TransparencyAttrib.MAlpha)
        card.setBin("fixed", order)
        card.setDepthTest(False)
        card.setDepthWrite(False)
        card.setLightOff(1)
        card.setShaderOff(1)
        card.hide()
        return card

    # -- per frame -------------------------------------------------------------------------------

    def _begin_task(self, task: Any) -> Any:
        session = self._session
        if session is None or self.lost:
            return task.cont
        try:
            session.poll()
            if session.lost:
                self.lost = session.lost
                return task.cont
            views = session.begin_frame()
        except session.errors as exc:  # the runtime failed: fall back, keep the show going
            self.lost = _reason(exc)
            return task.cont
        self._views_now = views
        if views is not None:
            self.place(views)
        return task.cont

    def place(self, views: FrameViews) -> None:
        """Head and eyes where the runtime says they are, each eye with its own frustum."""
        from panda3d.core import Quat

        head = pose_to_panda(views.head)
        self.rig.set_head(pos=head.pos, hpr=tuple(Quat(*head.quat).getHpr()))
        for cam, eye in zip(self.eyes, views.eyes, strict=False):
            pose = pose_to_panda(eye.pose)
            cam.setPos(*pose.pos)
            cam.setQuat(Quat(*pose.quat))
            apply_fov(cam.node().getLens(), eye.fov, NEAR, FAR)

    def _end_task(self, task: Any) -> Any:
        session = self._session
        if session is None or self.lost:
            return task.cont
        try:
            session.end_frame()
            trigger = session.select_pressed()
        except session.errors as exc:  # see _begin_task
            self.lost = _reason(exc)
            return task.cont
        self.frames += 1
        self._interact(trigger)
        return task.cont

    def _interact(self, trigger: bool) -> None:
        from panda3d.core import Vec3

        root = self.rig.world_root
        origin = self.rig.head.getPos(root)
        forward = root.getRelativeVector(self.rig.head, Vec3(0, 1, 0))
        ray = Ray((origin[0], origin[1], origin[2]), (forward[0], forward[1], forward[2]))
        tests = list(self._targets())
        select, self.gaze = self.pointer.update(time.monotonic(), ray, tests, trigger)
        if tests and self.gaze.target is not None:
            self.cursor.show()
            self.cursor.setScale(1.0 + 2.0 * self.gaze.progress)
        else:
            self.cursor.hide()
        if select is not None and self._on_select is not None:
            self._on_select(select)

    def set_targets(
        self, targets: Callable[[], Sequence[HitTest]], on_select: Callable[[Select], object]
    ) -> None:
        """What can be selected now (hit tests in world coordinates) and what a select does.

        The quiz panel registers its buttons here while it is open; pass
        ``lambda: ()`` to stop pointing at anything.
        """
        self._targets = targets
        self._on_select = on_select
        self.pointer.dwell.reset()

    def rest_on(
        self, owner: object, targets: Callable[[], Sequence[HitTest]], on_select: Callable[[Select], object]
    ) -> None:
        """What is selectable when nothing asks for the select itself: the scene's hotspots
        and choices. The quiz takes the select with :meth:`set_targets` while it is open and
        gives it back with :meth:`rest`. Taking effect at once unless something else holds it."""
        idle = self._on_select is None or self._resting is None or self._on_select is self._resting[1]
        self._resting, self.resting_for = (targets, on_select), owner
        if idle:
            self.set_targets(targets, on_select)

    def rest(self) -> None:
        """Back to the targets of :meth:`rest_on` (none if it was never called)."""
        if self._resting is None:
            self.set_targets(lambda: (), lambda select: None)
        else:
            self.set_targets(*self._resting)

    def on_frame(self, frame: FrameState, events: list[Event]) -> None:
        """A Player listener: the whole-view fade (the overlay's fade covers the captions only)."""
        self._fade = frame.fade
        if frame.fade <= 0.0:
            self.fade_card.hide()
        else:
            self.fade_card.show()
            self.fade_card.setAlphaScale(min(1.0, frame.fade))

    # -- the Displays surface --------------------------------------------------------------------

    def set_title(self, title: str) -> None:
        """Nothing to name: the mirror window keeps the title it opened with."""

    def follow_window_size(self) -> bool:
        """Never: the eyes' frusta are the runtime's, whatever the mirror window does."""
        return False

    @property
    def overlay_aspect(self) -> float:
        return OVERLAY_ASPECT

    def attach_overlay(self, camera: NodePath) -> None:
        """Captions and titles over the middle of each eye (and over the mirror)."""
        for view in self.views:
            out = view.output
            w, h = out.getXSize(), out.getYSize()
            width = OVERLAY_SHARE
            height = min(1.0, width * w / OVERLAY_ASPECT / h)
            left, bottom = (1 - width) / 2, (1 - height) / 2
            if view.name == "mirror":
                left, width, bottom, height = 0.0, 1.0, 0.0, 1.0
            region = out.makeDisplayRegion(left, left + width, bottom, bottom + height)
            region.setSort(OVERLAY_SORT)
            region.setClearDepthActive(True)
            region.setCamera(camera)
            self.overlay_regions.append(region)

    def set_clear_color(self, rgba: Sequence[float]) -> None:
        color = (float(rgba[0]), float(rgba[1]), float(rgba[2]), 1.0)
        if color != self._clear_color:
            self._clear_color = color
            for out in self.outputs:
                out.setClearColor(color)

    @property
    def clear_color(self) -> tuple[float, float, float, float]:
        return self._clear_color

    def close(self) -> None:
        base = self.app.base
        for name in self._tasks:
            base.taskMgr.remove(name)
        self._tasks = []
        if self._session is not None:
            self._session.close()
            self._session = None
        for view in self.views:
            view.region.clearDrawCallback()
            view.region.setCamera(self.rig.world_root.__class__())
        for out in reversed(self.outputs):
            out.clearRenderTextures()
            if out in base.winList:
                base.closeWindow(out)
            else:
                base.graphicsEngine.removeWindow(out)
        for cam in self.eyes:
            cam.removeNode()
        for node in ("fade_card", "cursor"):
            found = getattr(self, node, None)
            if found is not None:
                found.removeNode()
        self.outputs.clear()
        self.views.clear()
        self.overlay_regions.clear()
        self.eyes.clear()
        self._captures.clear()


def _reason(exc: BaseException) -> str:
    return str(exc) if isinstance(exc, XrUnavailable) else explain(type(exc).__name__, str(exc))


def _draw_callback(displays: XrDisplays, index: int) -> Any:
    """The eye's draw: into the runtime's image, only while the runtime wants frames."""
    from panda3d.core import PythonCallbackObject

    def draw(cbdata: Any) -> None:
        session = displays._session
        if session is None or displays.lost or displays._views_now is None:
            return
        session.render_view(index, cbdata.upcall, displays.clear_color)

    return PythonCallbackObject(draw)


def _real_session() -> Session:
    session: Session = _GLSession()
    return session


class _GLSession(XrSession):
    """:class:`XrSession` clearing the runtime's image itself before each eye is drawn."""

    clears_itself = True

    def render_view(
        self, index: int, draw: Callable[[], None], clear: Sequence[float] = (0, 0, 0, 1)
    ) -> None:
        from OpenGL import GL

        def cleared_draw() -> None:
            GL.glClearColor(*clear)
            GL.glClearDepth(1.0)
            GL.glClear(GL.GL_COLOR_BUFFER_BIT | GL.GL_DEPTH_BUFFER_BIT)
            draw()

        super().render_view(index, cleared_draw)
