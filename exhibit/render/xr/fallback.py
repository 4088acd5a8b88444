"""Keep the show going without the headset: open a window instead, at start or mid-show.

A hall must not stop because a headset's runtime is missing, crashed, or the
headset was unplugged: the scene goes on in a window on the PC's screen (or
offscreen where there is none), with a one-line warning for the operator.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from exhibit.render.displays import Displays
from exhibit.render.xr.runtime import XrUnavailable

if TYPE_CHECKING:
    from exhibit.render.app import App
    from exhibit.render.rig import Rig
    from exhibit.render.xr.display import Session, XrDisplays
    from exhibit.spec.hall import Display

Report = Callable[[str], None]
WORDS = {"window": "a window", "offscreen": "an offscreen buffer"}


def window_mode(app: App) -> str:
    """What replaces the headset: a window where there is a screen, else an offscreen buffer."""
    return "window" if app.display_available else "offscreen"


def open_displays(
    app: App,
    rig: Rig,
    mode: str,
    size: tuple[int, int] | None = None,
    hall_display: Display | None = None,
    title: str = "exhibit",
    report: Report | None = None,
    session: Callable[[], Session] | None = None,
    fallback: bool = True,
) -> Displays | XrDisplays:
    """The displays for ``mode``; for ``xr`` the headset, or (``fallback``) a window when the
    headset cannot be used, after one line to ``report``. Without ``fallback`` the
    :class:`XrUnavailable` goes to the caller (``exhibit play --display xr`` prints it)."""
    if mode != "xr":
        return Displays(app, rig, mode, size, hall_display, title)
    from exhibit.render.xr.display import XrDisplays

    try:
        return XrDisplays(app, rig, None, hall_display, title, session=session)
    except XrUnavailable as exc:
        if not fallback:
            raise
        instead = window_mode(app)
        if report is not None:
            report(f"warning: {exc}; showing the scene in {WORDS[instead]} instead")
        return Displays(app, rig, instead, size, hall_display, title)


def keep_showing(player: Any, report: Report | None = None) -> bool:
    """Call once per frame: when the headset was lost, swap the player's displays for a window.

    Returns True on the frame it switched. The scene, its time and its audio go on;
    only the picture moves to the window.
    """
    lost = getattr(player.displays, "lost", None)
    if not lost:
        return False
    from exhibit.render.overlay import Overlay

    old = player.displays
    if old.on_frame in player.listeners:
        player.listeners.remove(old.on_frame)
    old.close()
    instead = window_mode(player.app)
    hall_display = player.hall.display
    player.displays = Displays(
        player.app, player.rig, instead, tuple(hall_display.size), hall_display
    )
    font = player.overlay.font
    player.overlay.destroy()
    player.overlay = Overlay(player.displays.overlay_aspect, font=font, style=player.hall.captions)
    player.displays.attach_overlay(player.overlay.camera)
    player.rig.set_head(pos=(0.0, 0.0, 0.0), hpr=(0.0, 0.0, 0.0))
    if player.frame is not None:
        player.overlay.apply(player.frame)
    if report is not None:
        report(f"warning: {lost}; the show goes on in {WORDS[instead]}")
    return True
