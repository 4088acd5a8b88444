"""Keep the show going without the headset: open a window instead, at start or mid-show.

A hall must not stop because a headset's runtime is missing, crashed, or the
headset was unplugged: the scene goes on in a window on the PC's screen (or
offscreen where there is none), with a one-line warning for the operator.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from exhibit.render.displays import Displays, ScreenDisplays
from exhibit.render.xr.runtime import XrUnavailable

if TYPE_CHECKING:
    from exhibit.render.app import App
    from exhibit.render.player import Player
    from exhibit.render.rig import Rig
    from exhibit.render.xr.display import Session
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
) -> Displays:
    """The displays for ``mode``; for ``xr`` the headset, or (``fallback``) a window when the
    headset cannot be used, after one line to ``report``. Without ``fallback`` the
    :class:`XrUnavailable` goes to the caller (``exhibit play --display xr`` prints it)."""
    if mode != "xr":
        return ScreenDisplays(app, rig, mode, size, hall_display, title)
    from exhibit.render.xr.display import XrDisplays

    try:
        return XrDisplays(app, rig, None, hall_display, title, session=session)
    except XrUnavailable as exc:
        if not fallback:
            raise
        instead = window_mode(app)
        if report is not None:
            report(f"warning: {exc}; showing the scene in {WORDS[instead]} instead")
        return ScreenDisplays(app, rig, instead, size, hall_display, title)


def keep_showing(player: Player, report: Report | None = None) -> bool:
    """Call once per frame: when the headset was lost, the player shows on a window instead.

    Returns True on the frame it switched. The scene, its time and its audio go on;
    only the picture moves to the window.
    """
    lost = player.displays.lost
    if not lost:
        return False
    instead = window_mode(player.app)
    hall_display = player.hall.display
    size = (hall_display.size[0], hall_display.size[1])
    player.swap_displays(lambda: ScreenDisplays(player.app, player.rig, instead, size, hall_display))
    if report is not None:
        report(f"warning: {lost}; the show goes on in {WORDS[instead]}")
    return True
