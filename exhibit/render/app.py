"""The Panda3D application: one ShowBase per process, on whatever renderer the machine has.

Order of preference (DESIGN.md, "Rendering without a GPU"):

1. a real OpenGL window when a display exists (``DISPLAY`` / ``WAYLAND_DISPLAY``);
2. EGL offscreen (``p3headlessgl``; on a machine without a GPU this is Mesa's
   llvmpipe, which runs our GLSL shaders and fog);
3. Panda3D's software renderer (``p3tinydisplay``: no GLSL, no fog).

The ShowBase is created without a window (``window-type none``); the displays
(:mod:`exhibit.render.displays`) open the windows or buffers they need and close
them again, so one process can hold several players in turn (tests, the hall
switching scenes) without a second ShowBase, which Panda3D does not allow.

``EXHIBIT_RENDERER=software`` forces the software renderer (to preview what a
machine without EGL shows, and to test that path).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import os
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from exhibit.spec.errors import ExhibitError

if TYPE_CHECKING:
    from direct.showbase.ShowBase import ShowBase
    from panda3d.core import FrameBufferProperties, GraphicsOutput, WindowProperties

BackendKind = Literal["window", "egl", "software"]

#: Panda3D settings that are the same everywhere. The noise settings silence
#: messages that are expected on a headless machine (notes-platform.md).
BASE_CONFIG = """
window-type none
framebuffer-multisample 0
sync-video 0
print-pipe-types #f
notify-level-device fatal
notify-level-egldisplay error
notify-level-x11display fatal
notify-level-glxdisplay error
notify-level-display error
notify-level-audio error
notify-level-openal_audio error
default-directnotify-level warning
show-frame-rate-meter #f
audio-cache-limit 64
"""

SOFTWARE_PIPE = "p3tinydisplay"
EGL_PIPE = "p3headlessgl"
WINDOW_PIPE = "pandagl"


@dataclass(frozen=True)
class Backend:
    """Which renderer we got, and what it can do."""

    kind: BackendKind
    pipe: str  # Panda3D's pipe type name, e.g. eglGraphicsPipe
    renderer: str  # the driver's renderer string, e.g. "llvmpipe (LLVM 15.0.6, 256 bits)"
    glsl: bool
    fog: bool

    def capabilities(self) -> Any:
        """The world builder's view of this backend."""
        from exhibit.render.world import Capabilities

        return Capabilities(glsl=self.glsl, fog=self.fog)

    def describe(self) -> str:
        what = {"window": "OpenGL window", "egl": "EGL offscreen", "software": "software renderer"}[self.kind]
        drawn_by = f"{self.pipe}, {self.renderer}" if self.renderer else self.pipe
        return f"{what} ({drawn_by}; GLSL {'yes' if self.glsl else 'no'})"


def has_display() -> bool:
    """Whether a window system is reachable (X11 or Wayland with XWayland)."""
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def forced_software() -> bool:
    return os.environ.get("EXHIBIT_RENDERER", "").strip().lower() in ("software", "tinydisplay")


def pipe_config(display: bool, software: bool) -> str:
    """``load-display`` / ``aux-display`` lines: the renderers to try, best first."""
    if software:
        return f"load-display {SOFTWARE_PIPE}\n"
    if display:
        return f"load-display {WINDOW_PIPE}\naux-display {EGL_PIPE}\naux-display {SOFTWARE_PIPE}\n"
    return f"load-display {EGL_PIPE}\naux-display {SOFTWARE_PIPE}\n"


def classify(output: GraphicsOutput) -> Backend:
    """Name the renderer behind an open window or buffer."""
    pipe = output.getPipe()
    pipe_name = pipe.getType().getName()
    gsg = output.getGsg()
    renderer = gsg.getDriverRenderer() if gsg is not None else ""
    if pipe_name.startswith("Tiny"):
        return Backend("software", pipe_name, "Panda3D tinydisplay", False, False)
    glsl = bool(gsg is not None and gsg.getSupportsGlsl())
    kind: BackendKind = "egl" if pipe_name.startswith("egl") else "window"
    return Backend(kind, pipe_name, renderer, glsl, True)


class App:
    """The process's ShowBase and the renderer it runs on.

    Use :func:`shared_app`: Panda3D allows one ShowBase per process, so every
    player in a process shares this one.
    """

    def __init__(self, audio: bool = True) -> None:
        from panda3d.core import ClockObject, loadPrcFileData

        started = time.perf_counter()
        self.display_available = has_display() and not forced_software()
        self.software = forced_software()
        loadPrcFileData("exhibit", BASE_CONFIG + pipe_config(self.display_available, self.software))
        # No audio device is opened unless asked: stills and video never need one,
        # and on a machine without a sound card OpenAL only prints errors.
        loadPrcFileData("exhibit-audio", f"audio-library-name {'p3openal_audio' if audio else 'null'}\n")
        if audio:
            # OpenAL Soft logs warnings (no capture device, ...) to stderr; keep the console clean.
            os.environ.setdefault("ALSOFT_LOGLEVEL", "0")
        from direct.showbase.ShowBase import ShowBase

        self.base: ShowBase = ShowBase(windowType="none")
        self.base.makeDefaultPipe()
        if self.base.pipe is None:
            raise ExhibitError(
                "no renderer could be started: Panda3D found no graphics pipe "
                "(install libegl-mesa0 and libgl1-mesa-dri for offscreen rendering)"
            )
        self.audio_enabled = audio
        self.clock: ClockObject = ClockObject.getGlobalClock()
        self.backend: Backend | None = None
        self._gsg: Any = None
        self._inputs: list[tuple[GraphicsOutput, Any]] = []  # further windows and their key readers
        self.started_in = time.perf_counter() - started
        self._closed = False

    # -- outputs ---------------------------------------------------------------------------

    def open_output(
        self,
        size: tuple[int, int],
        *,
        onscreen: bool,
        title: str = "exhibit",
        origin: tuple[int, int] | None = None,
        fullscreen: bool = False,
        undecorated: bool = False,
    ) -> GraphicsOutput:
        """Open a window (``onscreen``) or an offscreen buffer of ``size`` pixels.

        The first output decides the backend (GL window, EGL, software); later
        ones share its graphics state so textures and shaders load once.
        """
        if onscreen and not self.display_available:
            raise ExhibitError(
                "cannot open a window: there is no display here (DISPLAY is not set); "
                "use '--display offscreen', 'exhibit still' or 'exhibit render'"
            )
        fb = self._framebuffer(onscreen)
        props = _window_properties(size, onscreen, title, origin, fullscreen, undecorated)
        output = self.base.openWindow(
            props=props,
            fbprops=fb,
            type="onscreen" if onscreen else "offscreen",
            makeCamera=False,
            gsg=self._gsg,
            requireWindow=False,
        )
        if output is None:
            kind = "window" if onscreen else "offscreen buffer"
            raise ExhibitError(
                f"could not open a {kind} of {size[0]}x{size[1]} with any renderer "
                "(tried OpenGL, EGL and the software renderer)"
            )
        if self.backend is None:
            self.backend = classify(output)
        if self._gsg is None:
            # Hold the graphics state for the life of the process: later outputs share it
            # (shaders and textures stay prepared), and it is not torn down when the last
            # output closes. Tearing it down takes Mesa's llvmpipe minutes of CPU.
            self._gsg = output.getGsg()
        if onscreen and output is self.base.win:
            # Keys and mouse come from the main window; a new main window (the hall opening the
            # next scene's display) takes them over from the one that closed.
            self.base.setupMouse(output)
        elif onscreen:
            # Every further window (a projection wall's) reads keys and mouse too: with only
            # the main one reading them, no key reached the player while several windows were
            # open, wherever the pointer was (measured with three walls on Xvfb).
            self._inputs.append((output, self.base.setupMouse(output, fMultiWin=True)))
        return output

    def _framebuffer(self, onscreen: bool) -> FrameBufferProperties:
        """The frame buffer an output asks for: 8-bit RGBA and a 24-bit depth; a back buffer for a window."""
        from panda3d.core import FrameBufferProperties

        fb = FrameBufferProperties()
        fb.setRgbColor(True)
        fb.setRgbaBits(8, 8, 8, 8)
        fb.setDepthBits(24)
        if onscreen:
            # Double-buffered: a window without a back buffer draws into its front buffer, which
            # Mesa's software GLX never shows (the window stays black).
            fb.setBackBuffers(1)
            if self._window_open():
                # Several windows (a projection wall's): each shows its frame as soon as it is
                # drawn, while the GL context is still on it. All windows draw with one context
                # (the scene's shaders and textures prepared once); by default Panda3D swaps
                # every window's buffers together at the end of the frame, when the context has
                # moved on to the last window, and Mesa's GLX has by then let go of the other
                # windows' buffers: every swap failed (X error BadMatch) and all walls stayed
                # black. (A context per window instead drew one wall's objects seen from
                # another wall's camera.)
                self.base.graphicsEngine.setAutoFlip(True)
        return fb

    def _window_open(self) -> bool:
        """Whether a window (not a buffer) is open already."""
        from panda3d.core import GraphicsWindow

        return any(isinstance(out, GraphicsWindow) for out in self.base.winList)

    def close_output(self, output: GraphicsOutput) -> None:
        for entry in [e for e in self._inputs if e[0] == output]:
            entry[1].getParent().getParent().removeNode()  # its keyboard reader, watcher and thrower
            self._inputs.remove(entry)
        if output in self.base.winList:
            self.base.closeWindow(output)

    def trim_memory(self) -> None:
        """Give freed memory back to the system after a scene is closed.

        Mesa's llvmpipe allocates from per-thread malloc arenas; without a trim a
        process that switches scenes all day (the hall) keeps the high-water mark
        of every scene it ever showed (measured: +100 MB per switch, levelling off
        only after several).
        """
        gc.collect()  # the closed scene's nodes and textures, so that their memory is free
        self.base.graphicsEngine.renderFrame()  # lets Panda3D release what the GL state held
        try:
            libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
            trim = libc.malloc_trim
        except (OSError, AttributeError):
            return  # not glibc: nothing to do
        trim(0)

    # -- frames ----------------------------------------------------------------------------

    def render_frame(self) -> None:
        """Draw every open output once and run Panda3D's own tasks (input, audio)."""
        self.base.taskMgr.step()

    def use_frame_clock(self, fps: float) -> None:
        """Deterministic time for export: each frame advances exactly 1/fps."""
        from panda3d.core import ClockObject

        self.clock.setMode(ClockObject.MNonRealTime)
        self.clock.setFrameRate(fps)

    def use_real_clock(self) -> None:
        from panda3d.core import ClockObject

        self.clock.setMode(ClockObject.MNormal)

    def close(self) -> None:
        global _SHARED
        if self._closed:
            return
        self._closed = True
        for output in list(self.base.winList):
            self.base.closeWindow(output)
        self._gsg = None
        self._inputs.clear()
        self.base.destroy()
        if _SHARED is self:
            _SHARED = None


_SHARED: App | None = None


def shared_app(audio: bool = True) -> App:
    """The process's one App, created on first use.

    ``audio`` only matters for the first call: the audio library is chosen when
    ShowBase starts. Set ``ALSOFT_DRIVERS`` (``null`` on a machine without a
    sound card, ``wave`` to record) before that first call.
    """
    global _SHARED
    if _SHARED is None:
        _SHARED = App(audio=audio)
    return _SHARED


def current_app() -> App | None:
    return _SHARED


def _window_properties(
    size: tuple[int, int],
    onscreen: bool,
    title: str,
    origin: tuple[int, int] | None,
    fullscreen: bool,
    undecorated: bool,
) -> WindowProperties:
    """An output's size and, for a window, its title, place and decoration."""
    from panda3d.core import WindowProperties

    props = WindowProperties()
    props.setSize(int(size[0]), int(size[1]))
    if onscreen:
        props.setTitle(title)
        if origin is not None:
            props.setOrigin(int(origin[0]), int(origin[1]))
        if fullscreen:
            props.setFullscreen(True)
        if undecorated:
            props.setUndecorated(True)
    return props
