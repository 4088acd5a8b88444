"""Display modes: how the rig's cameras reach windows, projectors and files.

| mode        | outputs                                  | views (display regions)                 |
|-------------|------------------------------------------|-----------------------------------------|
| window      | one window                               | one mono camera                         |
| fullscreen  | one window as large as the screen        | one mono camera                         |
| sbs         | one window, left half / right half       | left eye, right eye                     |
| anaglyph    | one window, both eyes drawn over it      | left eye red only, right eye cyan only  |
| wall        | one window (or buffer) per projector     | one off-axis wall camera each           |
| offscreen   | one buffer (stills, video, tests)        | one mono camera                         |

Captions and titles are drawn once per eye (at zero parallax) and on one wall
(``front`` when there is one), by the overlay's camera in a region on top.
Without a display, opening a ``window`` or ``fullscreen`` is an error (never a
silent invisible show); ``sbs``, ``anaglyph`` and ``wall`` open offscreen buffers
of the same sizes instead, so stereo and projection setups can be tested,
previewed and benchmarked headless.

A window's real size is the window system's to decide (a tiling or maximising
window manager, a visitor dragging its corner, a monitor of another shape): the
views follow it, keeping the scene's horizontal field of view, so the picture is
never stretched.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, Protocol

from exhibit.render.rig import Rig, Screen
from exhibit.spec.errors import ExhibitError

if TYPE_CHECKING:
    import numpy as np
    from panda3d.core import DisplayRegion, GraphicsOutput, NodePath, Texture

    from exhibit.render.app import App
    from exhibit.spec.hall import Display
    from exhibit.timeline.frame import Event, FrameState

Mode = Literal["window", "fullscreen", "sbs", "anaglyph", "wall", "offscreen"]
MODES: tuple[str, ...] = ("window", "fullscreen", "sbs", "anaglyph", "wall", "offscreen")

WORLD_SORT = 0
OVERLAY_SORT = 20
DEFAULT_SIZE = (1280, 720)


@dataclass
class View:
    """One camera drawing into one region of one output."""

    name: str  # mono, left, right, or the wall's name
    output: GraphicsOutput
    region: DisplayRegion
    camera: NodePath
    overlay: bool  # captions and titles are drawn over this view


@dataclass
class Capture:
    """Frames read back from one output, for stills and video."""

    output: GraphicsOutput
    texture: Texture

    @property
    def size(self) -> tuple[int, int]:
        return self.output.getXSize(), self.output.getYSize()

    def pixels(self, channels: str = "RGB") -> np.ndarray:
        """The last rendered frame as rows top to bottom (Panda3D stores them bottom-up)."""
        import numpy as np

        data = self.texture.getRamImageAs(channels)
        w, h = self.texture.getXSize(), self.texture.getYSize()
        if not data or len(data) < w * h * len(channels):
            raise ExhibitError("no frame has been rendered yet to read back")
        image = np.frombuffer(memoryview(data), dtype=np.uint8).reshape(h, w, len(channels))
        return image[::-1]


class Displays(Protocol):
    """What the player shows a scene on: the screen's outputs (:class:`ScreenDisplays`) or a
    headset's (``exhibit.render.xr.display.XrDisplays``); the player asks nothing else of them."""

    mode: str  # one of MODES, or "xr"
    outputs: list[GraphicsOutput]
    views: list[View]
    lost: str | None  # why a headset went away mid-show (then the show goes on in a window)

    @property
    def onscreen(self) -> bool: ...

    @property
    def overlay_aspect(self) -> float: ...

    def attach_overlay(self, camera: NodePath) -> None: ...

    def detach_overlay(self) -> None: ...

    def set_clear_color(self, rgba: Sequence[float]) -> None: ...

    def set_title(self, title: str) -> None: ...

    def follow_window_size(self) -> bool: ...

    def on_frame(self, frame: FrameState, events: list[Event]) -> None:
        """After every frame is applied (a headset's whole-view fade)."""
        ...

    def capture(self, index: int = 0) -> Capture: ...

    def close(self) -> None: ...


class CapturingOutputs:
    """What every set of outputs offers the player: frames read back, the primary output.

    Subclasses set ``mode``, ``outputs``, ``views``, ``overlay_regions`` and an empty
    ``_captures`` dict.
    """

    mode: str
    outputs: list[GraphicsOutput]
    views: list[View]
    overlay_regions: list[DisplayRegion]
    _captures: dict[int, Capture]
    capture_prefix = "capture"

    def detach_overlay(self) -> None:
        """Remove the overlay's regions (before an overlay of another shape is attached)."""
        for region in self.overlay_regions:
            region.getWindow().removeDisplayRegion(region)
        self.overlay_regions.clear()

    def capture(self, index: int = 0) -> Capture:
        """Start copying output ``index`` to memory every frame (for stills and video)."""
        found = self._captures.get(index)
        if found is not None:
            return found
        from panda3d.core import GraphicsOutput, Texture

        out = self.outputs[index]
        texture = Texture(f"{self.capture_prefix}_{index}")
        out.addRenderTexture(texture, GraphicsOutput.RTMCopyRam)
        found = Capture(out, texture)
        self._captures[index] = found
        return found

    @property
    def primary(self) -> GraphicsOutput:
        return self.outputs[0]

    def describe(self) -> dict[str, Any]:
        return {
            "mode": self.mode,
            "outputs": [(o.getXSize(), o.getYSize()) for o in self.outputs],
            "views": [v.name for v in self.views],
        }


def screen_size(app: App) -> tuple[int, int] | None:
    """The size of the screen windows open on, when the window system says.

    ``fullscreen`` fills the screen at the resolution it already has: asking for
    another size would make Panda3D switch the monitor's (or projector's) mode.
    """
    pipe = app.base.pipe
    if pipe is None:
        return None
    w, h = pipe.getDisplayWidth(), pipe.getDisplayHeight()
    return (int(w), int(h)) if w > 0 and h > 0 else None


#: Room a window leaves on a screen it would not fit: its title bar, and a desktop's panels.
WINDOW_MARGIN = (80, 100)


def fit_window(size: Sequence[int], screen: tuple[int, int] | None) -> tuple[int, int]:
    """A window's size, shrunk (keeping its shape) to fit a screen it would not fit on."""
    w, h = int(size[0]), int(size[1])
    if screen is None or (w <= screen[0] and h <= screen[1]):
        return w, h
    scale = min((screen[0] - WINDOW_MARGIN[0]) / w, (screen[1] - WINDOW_MARGIN[1]) / h)
    return max(16, int(w * scale)), max(16, int(h * scale))


def walls_fit(display: Display, screen: tuple[int, int] | None) -> str | None:
    """None when every wall's window lies on the screen; else what the walls need, in words."""
    if screen is None or not display.walls:
        return None
    boxes = [(*wall.window.origin, *wall.window.size) for wall in display.walls]
    if all(x >= 0 and y >= 0 and x + w <= screen[0] and y + h <= screen[1] for x, y, w, h in boxes):
        return None
    right = max(x + w for x, _, w, _ in boxes)
    bottom = max(y + h for _, y, _, h in boxes)
    return f"{len(boxes)} wall windows reaching {right}x{bottom}"


class ScreenDisplays(CapturingOutputs):
    """The outputs and views of one display mode on screens (or buffers), wired to a rig."""

    lost: str | None = None  # a screen does not go away mid-show

    def __init__(
        self,
        app: App,
        rig: Rig,
        mode: str = "window",
        size: tuple[int, int] | None = None,
        hall_display: Display | None = None,
        title: str = "exhibit",
    ) -> None:
        if mode == "xr":
            raise ExhibitError(
                "display mode 'xr' needs the headset support, which is not installed here; "
                f"use one of: {', '.join(MODES)}"
            )
        if mode not in MODES:
            raise ExhibitError(f"unknown display mode '{mode}'; use one of: {', '.join(MODES)}")
        self.app = app
        self.rig = rig
        self.mode = mode
        self.hall_display = hall_display
        self.size = tuple(size or (hall_display.size if hall_display is not None else DEFAULT_SIZE))
        if mode == "fullscreen":
            self.size = screen_size(app) or self.size
        elif mode in ("window", "sbs", "anaglyph"):
            self.size = fit_window(self.size, screen_size(app))  # one window: never larger than the screen
        self.title = title
        self.outputs: list[GraphicsOutput] = []
        self.views: list[View] = []
        self.overlay_regions: list[DisplayRegion] = []
        self._captures: dict[int, Capture] = {}
        self._clear_color: tuple[float, float, float, float] = (0.6, 0.7, 0.8, 1.0)
        try:
            self._open()
        except BaseException:
            self.close()
            raise

    # -- opening -----------------------------------------------------------------------------

    @property
    def onscreen(self) -> bool:
        """Windows where there is a display; stereo and wall modes fall back to buffers without one
        (previews, tests, benchmarks); ``window`` and ``fullscreen`` insist on a display."""
        if self.mode == "offscreen":
            return False
        if self.mode in ("window", "fullscreen"):
            return True
        return self.app.display_available

    def follow_window_size(self) -> bool:
        """Reshape the views after the window changed size; True when it did.

        A window manager decides a window's real size: a tiled or maximised
        window, a fullscreen one on a monitor of another shape, a visitor's
        laptop window dragged larger. The cameras keep the scene's horizontal
        field of view and take the window's new shape, so nothing is stretched.
        Projection walls keep their physical frusta whatever their windows do.
        """
        if not self.onscreen or self.mode == "wall" or not self.outputs:
            return False
        out = self.outputs[0]
        size = (out.getXSize(), out.getYSize())
        if size == tuple(self.size) or size[0] <= 0 or size[1] <= 0:
            return False
        self.size = size
        for view in self.views:
            dr = view.region
            aspect = ((dr.getRight() - dr.getLeft()) * size[0]) / ((dr.getTop() - dr.getBottom()) * size[1])
            self.rig.set_aspect(view.name, aspect)
        return True

    def _open(self) -> None:
        w, h = int(self.size[0]), int(self.size[1])
        if self.mode in ("window", "fullscreen", "offscreen"):
            out = self._output((w, h), fullscreen=self.mode == "fullscreen")
            self._view("mono", out, (0, 1, 0, 1), aspect=w / h, overlay=True)
        elif self.mode == "sbs":
            out = self._output((w, h))
            self._view("left", out, (0, 0.5, 0, 1), aspect=(w / 2) / h, overlay=True)
            self._view("right", out, (0.5, 1, 0, 1), aspect=(w / 2) / h, overlay=True)
        elif self.mode == "anaglyph":
            out = self._output((w, h))
            self._view("left", out, (0, 1, 0, 1), aspect=w / h, overlay=True, color_mask="red")
            self._view("right", out, (0, 1, 0, 1), aspect=w / h, overlay=False, color_mask="cyan")
        elif self.mode == "wall":
            walls = self.hall_display.walls if self.hall_display is not None else []
            if not walls:
                raise ExhibitError("display mode 'wall' needs walls in hall.yaml (display: walls: ...)")
            names = [wall.name for wall in walls]
            captioned = "front" if "front" in names else names[len(names) // 2]
            for wall in walls:
                size = tuple(wall.window.size)
                out = self._output(
                    size,
                    origin=tuple(wall.window.origin),
                    undecorated=self.onscreen,
                    title=f"{self.title}: {wall.name}",
                )
                screen = Screen(
                    wall.name,
                    tuple(wall.corners.ll),
                    tuple(wall.corners.lr),
                    tuple(wall.corners.ul),
                )
                self._wall_view(wall.name, out, screen, overlay=wall.name == captioned)

    def _output(
        self,
        size: Sequence[int],
        *,
        fullscreen: bool = False,
        origin: Sequence[int] | None = None,
        undecorated: bool = False,
        title: str | None = None,
    ) -> GraphicsOutput:
        out = self.app.open_output(
            (int(size[0]), int(size[1])),
            onscreen=self.onscreen,
            title=title or self.title,
            origin=(int(origin[0]), int(origin[1])) if origin is not None else None,
            fullscreen=fullscreen,
            undecorated=undecorated,
        )
        out.setClearColorActive(True)
        out.setClearColor(self._clear_color)
        out.setClearDepthActive(True)
        self.outputs.append(out)
        if not self.onscreen:
            # Read every offscreen frame back. Mesa's llvmpipe does not rasterize a frame
            # that nobody reads (no buffer swap offscreen): unread frames are not really
            # drawn, and their binned work piles up (measured: +250 MB over 300 frames).
            # The copy costs 1-2 ms at 1280x720 and makes stills and video ready at once.
            self.capture(len(self.outputs) - 1)
        return out

    def _region(self, out: GraphicsOutput, frame: tuple[float, float, float, float]) -> DisplayRegion:
        region = out.makeDisplayRegion(*frame)
        region.setSort(WORLD_SORT)
        return region

    def _view(
        self,
        name: str,
        out: GraphicsOutput,
        frame: tuple[float, float, float, float],
        *,
        aspect: float,
        overlay: bool,
        color_mask: str | None = None,
    ) -> View:
        cam = self.rig.add_eye(name, aspect)
        region = self._region(out, frame)
        region.setCamera(cam)
        if color_mask is not None:
            self._mask(cam, color_mask)
            if color_mask == "cyan":
                # The second eye draws over the first: keep its colour, clear only depth.
                region.setClearDepthActive(True)
                region.setSort(WORLD_SORT + 1)
        view = View(name, out, region, cam, overlay)
        self.views.append(view)
        return view

    def _wall_view(self, name: str, out: GraphicsOutput, screen: Screen, overlay: bool) -> View:
        cam = self.rig.add_wall(screen)
        region = self._region(out, (0, 1, 0, 1))
        region.setCamera(cam)
        view = View(name, out, region, cam, overlay)
        self.views.append(view)
        return view

    @staticmethod
    def _mask(cam: NodePath, which: str) -> None:
        from panda3d.core import ColorWriteAttrib, RenderState

        bits = ColorWriteAttrib.CRed if which == "red" else (ColorWriteAttrib.CGreen | ColorWriteAttrib.CBlue)
        cam.node().setInitialState(RenderState.make(ColorWriteAttrib.make(bits)))

    # -- the overlay ---------------------------------------------------------------------------

    @property
    def overlay_aspect(self) -> float:
        """Width / height of the views that show captions (all of them share one shape)."""
        for view in self.views:
            if view.overlay:
                dr = view.region
                w = (dr.getRight() - dr.getLeft()) * view.output.getXSize()
                h = (dr.getTop() - dr.getBottom()) * view.output.getYSize()
                return float(w / h)
        return self.size[0] / self.size[1]

    def set_title(self, title: str) -> None:
        """Name the windows after what they show (walls add their own name)."""
        if not self.onscreen:
            return
        from panda3d.core import WindowProperties

        self.title = title
        walls = self.hall_display.walls if (self.mode == "wall" and self.hall_display is not None) else []
        for i, out in enumerate(self.outputs):
            props = WindowProperties()
            props.setTitle(f"{title}: {walls[i].name}" if i < len(walls) else title)
            if out.getProperties().getUndecorated():
                # Panda3D writes a window's type hint again from each request alone: a title
                # without it would take back the "splash" type that asks a window manager for
                # no frame, and a projector's picture would shift under a title bar.
                props.setUndecorated(True)
            out.requestProperties(props)

    def attach_overlay(self, camera: NodePath) -> None:
        """Draw the overlay's 2D camera on top of every view that shows captions."""
        for view in self.views:
            if not view.overlay:
                continue
            dr = view.region
            region = view.output.makeDisplayRegion(dr.getLeft(), dr.getRight(), dr.getBottom(), dr.getTop())
            region.setSort(OVERLAY_SORT)
            region.setClearDepthActive(True)
            region.setCamera(camera)
            self.overlay_regions.append(region)

    # -- per frame -------------------------------------------------------------------------------

    def on_frame(self, frame: FrameState, events: list[Event]) -> None:
        """Nothing to do: the overlay's fade covers a screen's picture."""

    def set_clear_color(self, rgba: Sequence[float]) -> None:
        """The colour behind everything: the sky's horizon, where the sky does not cover."""
        color = (
            float(rgba[0]),
            float(rgba[1]),
            float(rgba[2]),
            1.0,
        )  # alpha 1, or PNGs come out clear
        if color != self._clear_color:
            self._clear_color = color
            for out in self.outputs:
                out.setClearColor(color)

    # -- reading frames back ---------------------------------------------------------------------

    def close(self) -> None:
        for view in self.views:
            view.region.setCamera(self.rig.world_root.__class__())  # detach before the camera goes
        for out in self.outputs:
            out.clearRenderTextures()
            self.app.close_output(out)
        self.outputs.clear()
        self.views.clear()
        self.overlay_regions.clear()
        self._captures.clear()
        self.rig.remove_cameras()
