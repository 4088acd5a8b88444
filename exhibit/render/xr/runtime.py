"""The OpenXR runtime, through pyopenxr: a thin adapter, and the session's life cycle.

pyopenxr (``pip install 'exhibit[xr]'``) bundles the OpenXR loader; the loader
finds the active runtime (SteamVR, Monado, a vendor's) from the system's
``active_runtime.json`` or from ``XR_RUNTIME_JSON``. Rendering goes through
``XR_KHR_opengl_enable`` with Panda3D's own GL context (on Linux a GLX window:
the desktop session of the PC the headset is plugged into).

What can be checked without a headset is pure and tested: the session's life
cycle (:class:`Lifecycle`), the messages for every way a runtime can be missing
or fail (:func:`explain`), and, in :mod:`exhibit.render.xr.convert`, every pose
and projection conversion. The calls into the runtime stay in :class:`XrSession`.

Every failure becomes :class:`XrUnavailable`, one clear line, so ``exhibit play``
prints it and the hall falls back to a window (:mod:`exhibit.render.xr.fallback`).
"""

from __future__ import annotations

import ctypes
import json
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from exhibit.render.xr.convert import XrFov, XrPose
from exhibit.spec.errors import ExhibitError

APP_NAME = "exhibit"
GL_EXTENSION = "XR_KHR_opengl_enable"
# Swapchain formats we can render into, best first. Each has alpha: runtimes reject
# some formats without it (SteamVR), and panda3d-openxr's default (no alpha) fails there.
GL_SRGB8_ALPHA8, GL_RGBA8 = 0x8C43, 0x8058
SWAPCHAIN_FORMATS = (GL_SRGB8_ALPHA8, GL_RGBA8)
# One "select" action, bound on the controllers the common runtimes emulate.
SELECT_BINDINGS: dict[str, tuple[str, ...]] = {
    "/interaction_profiles/khr/simple_controller": (
        "/user/hand/left/input/select/click",
        "/user/hand/right/input/select/click",
    ),
    "/interaction_profiles/oculus/touch_controller": (
        "/user/hand/left/input/trigger/value",
        "/user/hand/right/input/trigger/value",
    ),
    "/interaction_profiles/valve/index_controller": (
        "/user/hand/left/input/trigger/click",
        "/user/hand/right/input/trigger/click",
    ),
    "/interaction_profiles/htc/vive_controller": (
        "/user/hand/left/input/trigger/click",
        "/user/hand/right/input/trigger/click",
    ),
}


class XrUnavailable(ExhibitError):
    """The headset cannot be used: no pyopenxr, no runtime, no headset, or the runtime failed."""


NOT_INSTALLED = (
    "headset support is not installed: install it with pip install 'exhibit[xr]' "
    "(pyopenxr), or use --display window"
)


def import_xr() -> Any:
    """The ``xr`` module (pyopenxr), with the loader's own stderr chatter off."""
    os.environ.setdefault("XR_LOADER_DEBUG", "none")  # our one line says it better
    try:
        import xr
    except ImportError:
        raise XrUnavailable(NOT_INSTALLED) from None
    return xr


#: Where the OpenXR loader looks for the active runtime on Linux (OpenXR loader spec,
#: "Active Runtime Location"), after ``XR_RUNTIME_JSON``.
ACTIVE_RUNTIME = "openxr/1/active_runtime.json"


def active_manifest() -> Path | None:
    """The manifest of the runtime the loader would load: ``XR_RUNTIME_JSON``, else the user's
    then the system's ``active_runtime.json``; None when there is none."""
    named = os.environ.get("XR_RUNTIME_JSON")
    if named:
        return Path(named) if Path(named).is_file() else None
    config = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    dirs = [config, *(os.environ.get("XDG_CONFIG_DIRS") or "/etc/xdg").split(":"), "/etc"]
    for folder in dirs:
        found = Path(folder) / ACTIVE_RUNTIME
        if folder and found.is_file():
            return found
    return None


def installed_runtime(manifest: Path | None) -> str:
    """The runtime a manifest names ("Monado"), else its library's name; "" without one."""
    if manifest is None:
        return ""
    try:
        runtime = json.loads(manifest.read_text(encoding="utf-8")).get("runtime", {})
    except (OSError, ValueError, AttributeError):
        return ""
    if not isinstance(runtime, dict):
        return ""
    name = runtime.get("name") or Path(str(runtime.get("library_path") or "")).stem
    return str(name)


def explain(kind: str, detail: str = "", runtime: str = "", manifest: str | None = None,
            installed: str = "") -> str:
    """One line for a runtime failure, from pyopenxr's exception class name ``kind``.

    ``installed``: the runtime an active manifest names, for a failure before the runtime
    could even say its name (its service is not running).
    """
    where = f"the OpenXR runtime {runtime}" if runtime else "the OpenXR runtime"
    if kind == "RuntimeFailureError" and installed and not runtime:
        return (
            f"the OpenXR runtime {installed} is installed but not running: start it "
            "(e.g. monado-service / SteamVR)"
        )
    if kind == "RuntimeUnavailableError":
        if manifest:
            return (
                f"no OpenXR runtime could be loaded from XR_RUNTIME_JSON={manifest}; "
                "check that the file exists and names the runtime's library"
            )
        return (
            "no OpenXR runtime is installed or active: install one (SteamVR, Monado or the "
            "headset maker's) and make it the active runtime, or set XR_RUNTIME_JSON to its "
            "manifest file"
        )
    if kind == "FormFactorUnavailableError":
        return f"{where} sees no headset: connect the headset, switch it on and wake it"
    if kind in ("ExtensionNotPresentError", "GraphicsDeviceInvalidError"):
        return f"{where} cannot show OpenGL images (needs {GL_EXTENSION} and a desktop GL context)"
    if kind in ("InstanceLostError", "SessionLostError"):
        return f"{where} stopped (the headset was unplugged or the runtime quit)"
    first = detail.strip().splitlines()[0] if detail.strip() else kind
    return f"{where} failed: {first}"


def _failure(exc: BaseException, runtime: str = "") -> XrUnavailable:
    return XrUnavailable(
        explain(
            type(exc).__name__,
            str(exc),
            runtime,
            os.environ.get("XR_RUNTIME_JSON"),
            installed_runtime(active_manifest()),
        )
    )


# -- the session's life cycle (pure) --------------------------------------------------------------

RUNNING_STATES = ("READY", "SYNCHRONIZED", "VISIBLE", "FOCUSED")


@dataclass
class Lifecycle:
    """What to do on each ``XrSessionState`` change (OpenXR spec 10.3.7, "Session lifecycle").

    ``on_state`` returns the calls to make: ``begin`` (xrBeginSession on READY),
    ``end`` (xrEndSession on STOPPING: the runtime asks, we must answer), and
    ``lost`` (EXITING or LOSS_PENDING: the headset is gone; fall back).
    """

    state: str = "IDLE"
    running: bool = False
    lost: str | None = None
    history: list[str] = field(default_factory=list)

    def on_state(self, state: str) -> list[str]:
        self.state = state
        self.history.append(state)
        if state == "READY" and not self.running:
            self.running = True
            return ["begin"]
        if state == "STOPPING" and self.running:
            self.running = False
            return ["end"]
        if state in ("EXITING", "LOSS_PENDING"):
            self.running = False
            self.lost = (
                "the headset session ended (the runtime closed it)"
                if state == "EXITING"
                else "the headset was lost (unplugged, or the runtime stopped)"
            )
            return ["lost"]
        return []

    def on_instance_loss(self) -> list[str]:
        self.running = False
        self.lost = "the OpenXR runtime is going away (instance loss pending)"
        return ["lost"]

    @property
    def frames(self) -> bool:
        """Whether xrWaitFrame / xrBeginFrame / xrEndFrame must run this frame."""
        return self.running and self.state in RUNNING_STATES

    @property
    def visible(self) -> bool:
        return self.state in ("VISIBLE", "FOCUSED")

    @property
    def focused(self) -> bool:
        return self.state == "FOCUSED"


CLOSE_WAIT = 1.0  # seconds a closing session waits for the runtime's STOPPING before it gives up


class Exiting(Protocol):
    """What ending a session needs (:class:`XrSession`, or a stand-in runtime in the tests)."""

    lifecycle: Lifecycle

    def request_exit(self) -> None: ...

    def poll(self) -> None: ...

    def idle_frame(self) -> None: ...


def exit_politely(session: Exiting, wait: float = CLOSE_WAIT,
                  clock: Callable[[], float] = time.monotonic) -> bool:
    """End a running session as the spec's life cycle asks (10.3.7): xrRequestExitSession,
    then keep polling, and keep frames going while the runtime wants them, until it moves
    to STOPPING, which :meth:`XrSession.poll` answers with xrEndSession. At most ``wait``
    seconds: a runtime that never answers must not hold the hall. True when it ended."""
    session.request_exit()
    deadline = clock() + wait
    while session.lifecycle.running and session.lifecycle.lost is None:
        if clock() >= deadline:
            return False
        session.poll()
        if session.lifecycle.running:
            session.idle_frame()
    return not session.lifecycle.running and "STOPPING" in session.lifecycle.history


# -- probing (no graphics needed) -----------------------------------------------------------------


@dataclass(frozen=True)
class RuntimeInfo:
    runtime: str  # e.g. "SteamVR/OpenXR 2.5.1"
    system: str  # the headset, e.g. "Oculus Quest2"
    eye_sizes: tuple[tuple[int, int], ...]  # recommended pixels per eye
    opengl: bool  # XR_KHR_opengl_enable is offered


def probe() -> RuntimeInfo:
    """Ask the runtime what headset it has, without opening a session (for ``exhibit check``,
    the hall's status page and the runtime tests). Raises :class:`XrUnavailable`."""
    xr = import_xr()
    runtime = ""
    try:
        offered = {
            e.extension_name.decode() if isinstance(e.extension_name, bytes) else e.extension_name
            for e in xr.enumerate_instance_extension_properties()
        }
        instance = xr.create_instance(
            xr.InstanceCreateInfo(
                application_info=xr.ApplicationInfo(application_name=APP_NAME, engine_name=APP_NAME)
            )
        )
        try:
            props = xr.get_instance_properties(instance)
            runtime = f"{_text(props.runtime_name)} {props.runtime_version}"
            system_id = xr.get_system(
                instance, xr.SystemGetInfo(form_factor=xr.FormFactor.HEAD_MOUNTED_DISPLAY)
            )
            system = xr.get_system_properties(instance, system_id)
            views = xr.enumerate_view_configuration_views(
                instance, system_id, xr.ViewConfigurationType.PRIMARY_STEREO
            )
            sizes = tuple(
                (int(v.recommended_image_rect_width), int(v.recommended_image_rect_height))
                for v in views
            )
            return RuntimeInfo(runtime, _text(system.system_name), sizes, GL_EXTENSION in offered)
        finally:
            xr.destroy_instance(instance)
    except xr.XrException as exc:
        raise _failure(exc, runtime) from None


def _text(value: Any) -> str:
    return value.decode(errors="replace") if isinstance(value, bytes) else str(value)


# -- the session (runtime calls; needs a headset) -------------------------------------------------


@dataclass(frozen=True)
class EyeView:
    """One eye this frame: its pose in head space and its field of view."""

    pose: XrPose  # relative to the head (OpenXR axes)
    fov: XrFov


@dataclass(frozen=True)
class FrameViews:
    """Where the head and eyes are at the predicted display time of this frame."""

    head: XrPose  # in the LOCAL reference space (OpenXR axes); origin where the visitor started
    eyes: tuple[EyeView, ...]
    display_time: int  # nanoseconds, the runtime's clock


def _pose(p: Any) -> XrPose:
    return XrPose(
        (p.position.x, p.position.y, p.position.z),
        (p.orientation.x, p.orientation.y, p.orientation.z, p.orientation.w),
    )


def _fov(f: Any) -> XrFov:
    return XrFov(f.angle_left, f.angle_right, f.angle_up, f.angle_down)


class XrSession:
    """One OpenXR session rendering with the GL context that is current when it is created.

    Create it with Panda3D's GL context current (after the first frame of a GLX
    window). Per frame: :meth:`poll`, :meth:`begin_frame`, then :meth:`render_view`
    for each eye from inside that eye's draw callback, then :meth:`end_frame`.
    """

    def __init__(self) -> None:
        xr = import_xr()
        self.xr = xr
        self.lifecycle = Lifecycle()
        self.runtime = ""
        self._handles: list[tuple[Callable[[Any], None], Any]] = []  # destroyed in reverse
        self._frame: Any = None
        self._layer_views: list[Any] = []
        self._rendered = 0
        self._acquired: list[Any] = []
        self.errors: tuple[type[BaseException], ...] = (xr.XrException, XrUnavailable)
        try:
            self._create()
        except xr.XrException as exc:
            self.close()
            raise _failure(exc, self.runtime) from None
        except XrUnavailable:
            self.close()
            raise

    # -- creation ---------------------------------------------------------------------------

    def _create(self) -> None:
        xr = self.xr
        offered = {_text(e.extension_name) for e in xr.enumerate_instance_extension_properties()}
        if GL_EXTENSION not in offered:
            raise XrUnavailable(explain("ExtensionNotPresentError"))
        self.instance = xr.create_instance(
            xr.InstanceCreateInfo(
                application_info=xr.ApplicationInfo(
                    application_name=APP_NAME, engine_name=APP_NAME
                ),
                enabled_extension_names=[GL_EXTENSION],
            )
        )
        self._handles.append((xr.destroy_instance, self.instance))
        props = xr.get_instance_properties(self.instance)
        self.runtime = f"{_text(props.runtime_name)} {props.runtime_version}"
        self.system_id = xr.get_system(
            self.instance, xr.SystemGetInfo(form_factor=xr.FormFactor.HEAD_MOUNTED_DISPLAY)
        )
        self.system = _text(xr.get_system_properties(self.instance, self.system_id).system_name)
        self._graphics_requirements()
        binding = self._glx_binding()
        self.session = xr.create_session(
            self.instance,
            xr.SessionCreateInfo(
                next=ctypes.cast(ctypes.pointer(binding), ctypes.c_void_p), system_id=self.system_id
            ),
        )
        self._binding = binding  # keep alive while the session lives
        self._handles.append((xr.destroy_session, self.session))
        self.space = xr.create_reference_space(
            self.session,
            xr.ReferenceSpaceCreateInfo(reference_space_type=xr.ReferenceSpaceType.LOCAL),
        )
        self._handles.append((xr.destroy_space, self.space))
        self.view_space = xr.create_reference_space(
            self.session,
            xr.ReferenceSpaceCreateInfo(reference_space_type=xr.ReferenceSpaceType.VIEW),
        )
        self._handles.append((xr.destroy_space, self.view_space))
        self._swapchains()
        self._actions()

    def _graphics_requirements(self) -> None:
        # The spec requires this call before xrCreateSession with an OpenGL binding.
        xr = self.xr
        fn = ctypes.cast(
            xr.get_instance_proc_addr(self.instance, "xrGetOpenGLGraphicsRequirementsKHR"),
            xr.PFN_xrGetOpenGLGraphicsRequirementsKHR,
        )
        requirements = xr.GraphicsRequirementsOpenGLKHR()
        result = xr.check_result(
            xr.Result(fn(self.instance, self.system_id, ctypes.byref(requirements)))
        )
        if result.is_exception():
            raise result

    def _glx_binding(self) -> Any:
        try:
            from OpenGL import GLX
        except (
            ImportError
        ) as exc:  # PyOpenGL comes with pyopenxr; without GLX there is no desktop GL
            raise XrUnavailable(
                f"a headset needs desktop OpenGL (GLX), which is not available: {exc}"
            ) from None
        display = GLX.glXGetCurrentDisplay()
        context = GLX.glXGetCurrentContext()
        if not display or not context:
            raise XrUnavailable(
                "a headset needs Panda3D's OpenGL window to be open on this PC's desktop "
                "(no GLX context is current)"
            )
        return self.xr.GraphicsBindingOpenGLXlibKHR(
            x_display=display, glx_drawable=GLX.glXGetCurrentDrawable(), glx_context=context
        )

    def _swapchains(self) -> None:
        xr = self.xr
        views = xr.enumerate_view_configuration_views(
            self.instance, self.system_id, xr.ViewConfigurationType.PRIMARY_STEREO
        )
        offered = list(xr.enumerate_swapchain_formats(self.session))
        chosen = next((f for f in SWAPCHAIN_FORMATS if f in offered), None)
        if chosen is None:
            raise XrUnavailable(
                f"the OpenXR runtime {self.runtime} offers no colour format with alpha "
                f"that exhibit renders ({', '.join(hex(f) for f in offered)})"
            )
        self.srgb = chosen == GL_SRGB8_ALPHA8
        self.sizes: list[tuple[int, int]] = []
        self.chains: list[Any] = []
        self.images: list[Any] = []
        for view in views:
            w, h = int(view.recommended_image_rect_width), int(view.recommended_image_rect_height)
            chain = xr.create_swapchain(
                self.session,
                xr.SwapchainCreateInfo(
                    usage_flags=xr.SwapchainUsageFlags.COLOR_ATTACHMENT_BIT
                    | xr.SwapchainUsageFlags.SAMPLED_BIT,
                    format=chosen,
                    sample_count=1,
                    width=w,
                    height=h,
                    face_count=1,
                    array_size=1,
                    mip_count=1,
                ),
            )
            self._handles.append((xr.destroy_swapchain, chain))
            self.chains.append(chain)
            self.images.append(xr.enumerate_swapchain_images(chain, xr.SwapchainImageOpenGLKHR))
            self.sizes.append((w, h))

    def _actions(self) -> None:
        xr = self.xr
        self.action_set = xr.create_action_set(
            self.instance,
            xr.ActionSetCreateInfo(
                action_set_name="exhibit", localized_action_set_name="Exhibit", priority=0
            ),
        )
        self._handles.append((xr.destroy_action_set, self.action_set))
        self.select_action = xr.create_action(
            self.action_set,
            xr.ActionCreateInfo(
                action_type=xr.ActionType.BOOLEAN_INPUT,
                action_name="select",
                localized_action_name="Select",
            ),
        )
        for profile, paths in SELECT_BINDINGS.items():
            bindings = [
                xr.ActionSuggestedBinding(self.select_action, xr.string_to_path(self.instance, p))
                for p in paths
            ]
            try:
                xr.suggest_interaction_profile_bindings(
                    self.instance,
                    xr.InteractionProfileSuggestedBinding(
                        interaction_profile=xr.string_to_path(self.instance, profile),
                        suggested_bindings=bindings,
                    ),
                )
            except xr.XrException:
                continue  # a runtime without this profile: the others still bind
        xr.attach_session_action_sets(
            self.session, xr.SessionActionSetsAttachInfo(action_sets=[self.action_set])
        )

    # -- per frame ----------------------------------------------------------------------------

    @property
    def lost(self) -> str | None:
        return self.lifecycle.lost

    def poll(self) -> None:
        """Handle the runtime's events (state changes); sets :attr:`lost` when the headset goes."""
        xr = self.xr
        while True:
            try:
                event = xr.poll_event(self.instance)
            except xr.EventUnavailable:
                return
            except xr.XrException as exc:
                self.lifecycle.lost = explain(type(exc).__name__, str(exc), self.runtime)
                return
            kind = xr.StructureType(event.type)
            if kind == xr.StructureType.EVENT_DATA_INSTANCE_LOSS_PENDING:
                self.lifecycle.on_instance_loss()
            elif kind == xr.StructureType.EVENT_DATA_SESSION_STATE_CHANGED:
                changed = ctypes.cast(
                    ctypes.byref(event), ctypes.POINTER(xr.EventDataSessionStateChanged)
                ).contents
                for action in self.lifecycle.on_state(xr.SessionState(changed.state).name):
                    if action == "begin":
                        xr.begin_session(
                            self.session,
                            xr.SessionBeginInfo(xr.ViewConfigurationType.PRIMARY_STEREO),
                        )
                    elif action == "end":
                        xr.end_session(self.session)

    def begin_frame(self) -> FrameViews | None:
        """Wait for the runtime's frame slot, locate head and eyes; None when nothing is shown."""
        if not self.lifecycle.frames:
            return None
        xr = self.xr
        self._frame = xr.wait_frame(self.session, xr.FrameWaitInfo())
        xr.begin_frame(self.session, xr.FrameBeginInfo())
        self._layer_views = []
        self._rendered = 0
        if not self._frame.should_render:
            return None
        when = self._frame.predicted_display_time
        state, views = xr.locate_views(
            self.session,
            xr.ViewLocateInfo(
                view_configuration_type=xr.ViewConfigurationType.PRIMARY_STEREO,
                display_time=when,
                space=self.space,
            ),
        )
        valid = xr.ViewStateFlags.POSITION_VALID_BIT | xr.ViewStateFlags.ORIENTATION_VALID_BIT
        if (state.view_state_flags & valid) != valid:
            return None  # tracking lost this frame: show nothing rather than a wrong view
        head = xr.locate_space(self.view_space, self.space, when)
        head_pose = _pose(head.pose)
        from exhibit.render.xr.convert import relative_pose

        eyes = tuple(EyeView(relative_pose(head_pose, _pose(v.pose)), _fov(v.fov)) for v in views)
        self._layer_views = [
            xr.CompositionLayerProjectionView(pose=v.pose, fov=v.fov) for v in views
        ]
        return FrameViews(head_pose, eyes, int(when))

    def render_view(self, index: int, draw: Callable[[], None]) -> None:
        """Inside eye ``index``'s draw callback: draw into the runtime's image for that eye
        (held until :meth:`end_frame`, so later regions of the same buffer land in it too)."""
        from OpenGL import GL

        xr = self.xr
        if index >= len(self._layer_views):
            return
        chain = self.chains[index]
        image_index = xr.acquire_swapchain_image(chain, xr.SwapchainImageAcquireInfo())
        xr.wait_swapchain_image(chain, xr.SwapchainImageWaitInfo(timeout=xr.INFINITE_DURATION))
        image = self.images[index][image_index].image
        # Released in end_frame: the captions' region draws into the same image after this.
        self._acquired.append(chain)
        # Panda3D's buffer for this eye is bound as the draw framebuffer; swap its colour target.
        GL.glFramebufferTexture2D(
            GL.GL_DRAW_FRAMEBUFFER, GL.GL_COLOR_ATTACHMENT0, GL.GL_TEXTURE_2D, image, 0
        )
        draw()
        view = self._layer_views[index]
        w, h = self.sizes[index]
        view.sub_image.swapchain = chain
        view.sub_image.image_rect.offset.x, view.sub_image.image_rect.offset.y = 0, 0
        view.sub_image.image_rect.extent.width, view.sub_image.image_rect.extent.height = w, h
        self._rendered += 1

    def end_frame(self) -> None:
        """Hand the frame to the compositor (an empty frame when not every eye was drawn)."""
        xr = self.xr
        while self._acquired:
            xr.release_swapchain_image(self._acquired.pop(), xr.SwapchainImageReleaseInfo())
        if self._frame is None:
            return
        layers: Sequence[Any] = []
        if self._rendered == len(self._layer_views) and self._layer_views:
            layer = xr.CompositionLayerProjection(space=self.space, views=self._layer_views)
            self._layer = layer  # alive until xrEndFrame returns
            layers = [ctypes.byref(layer)]
        xr.end_frame(
            self.session,
            xr.FrameEndInfo(
                display_time=self._frame.predicted_display_time,
                environment_blend_mode=xr.EnvironmentBlendMode.OPAQUE,
                layers=layers,
            ),
        )
        self._frame = None

    def select_pressed(self) -> bool:
        """Whether a controller's select (trigger) is held now; False without focus."""
        if not self.lifecycle.focused:
            return False
        xr = self.xr
        xr.sync_actions(
            self.session,
            xr.ActionsSyncInfo(active_action_sets=[xr.ActiveActionSet(action_set=self.action_set)]),
        )
        state = xr.get_action_state_boolean(
            self.session, xr.ActionStateGetInfo(action=self.select_action)
        )
        return bool(state.is_active and state.current_state)

    def request_exit(self) -> None:
        self.xr.request_exit_session(self.session)

    def idle_frame(self) -> None:
        """An empty frame while a closing session waits for STOPPING (the runtime moves on with frames)."""
        if self.begin_frame() is None and self._frame is None:
            time.sleep(0.005)  # no frame wanted now: do not spin
        self.end_frame()

    def close(self) -> None:
        """End the session politely when it runs (:func:`exit_politely`, a bounded wait), then
        destroy every handle (errors ignored: the runtime may already be gone)."""
        xr = getattr(self, "xr", None)
        if xr is None:
            return
        if self.lifecycle.running and hasattr(self, "session"):
            try:
                exit_politely(self)
            except xr.XrException:
                pass
        while self._handles:
            destroy, handle = self._handles.pop()
            try:
                destroy(handle)
            except xr.XrException:
                pass
