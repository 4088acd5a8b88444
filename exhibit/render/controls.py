"""The keys and mouse of ``exhibit play``: space, left/right, L, C, Esc, and mouse look.

Each key does what the player already offers (pause, seek, another language, captions)
and says what it did on the console; while a quiz is up its panel takes the arrows and
the mouse. Dragging with the left button turns the visitor's head on monitors (not on a
headset, which has the visitor's own).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from exhibit.timeline.clock import clock_text

if TYPE_CHECKING:
    from exhibit.render.player import Player

MOUSE_LOOK_DEGREES = (120.0, 70.0)  # heading / pitch for a drag across the whole window
SEEK_STEP = 5.0  # seconds per arrow key
LOOK_TASK = "exhibit-mouse-look"
LOOK_MODES = ("window", "fullscreen", "sbs", "anaglyph")


class Controls:
    """The keys (and on monitors the mouse look) bound to one player until :meth:`close`."""

    def __init__(self, player: Player, on_quit: Callable[[], None]) -> None:
        from direct.showbase.DirectObject import DirectObject

        self.player = player
        self._look_from: tuple[float, float, float, float] | None = None
        self._keys = DirectObject()
        keys = self._keys
        keys.accept("space", self._toggle_pause)
        for key in ("arrow_left", "arrow_left-repeat"):
            keys.accept(key, self._seek_by, [-SEEK_STEP])
        for key in ("arrow_right", "arrow_right-repeat"):
            keys.accept(key, self._seek_by, [SEEK_STEP])
        keys.accept("l", self._next_language)
        keys.accept("c", self._captions)
        keys.accept("escape", on_quit)
        self._looking = player.displays.mode in LOOK_MODES
        if self._looking:
            keys.accept("mouse1", self._look_start)
            keys.accept("mouse1-up", self._look_end)
            player.app.base.taskMgr.add(self._look_task, LOOK_TASK)

    def close(self) -> None:
        self._keys.ignoreAll()
        if self._looking:
            self.player.app.base.taskMgr.remove(LOOK_TASK)

    # -- keys ----------------------------------------------------------------------------------

    def _seek_by(self, seconds: float) -> None:
        player = self.player
        if player.quiz.panel is None:  # while a quiz is up, the arrows move its focus
            player.seek(player.t + seconds)
            player.tell(f"at {clock_text(player.t)}")

    def _toggle_pause(self) -> None:
        player = self.player
        if player.status == "playing":
            player.pause()
            player.tell(f"paused at {clock_text(player.t)}")
        elif player.quiz.panel is None:
            player.play()
            player.tell(f"playing from {clock_text(player.t)}")

    def _next_language(self) -> None:
        player = self.player
        player.next_language()
        player.tell(f"language {player.lang} at {clock_text(player.t)}")

    def _captions(self) -> None:
        self.player.tell(f"captions {'on' if self.player.toggle_captions() else 'off'}")

    # -- mouse look ----------------------------------------------------------------------------

    def _look_start(self) -> None:
        player = self.player
        watcher = player.app.base.mouseWatcherNode
        if player.quiz.panel is None and watcher is not None and watcher.hasMouse():
            m = watcher.getMouse()
            self._look_from = (m.getX(), m.getY(), player.rig.head.getH(), player.rig.head.getP())

    def _look_end(self) -> None:
        self._look_from = None

    def _look_task(self, task: Any) -> Any:
        watcher = self.player.app.base.mouseWatcherNode
        if self._look_from is not None and watcher is not None and watcher.hasMouse():
            m = watcher.getMouse()
            x0, y0, h0, p0 = self._look_from
            h = h0 - (m.getX() - x0) / 2 * MOUSE_LOOK_DEGREES[0]
            p = max(-80.0, min(80.0, p0 + (m.getY() - y0) / 2 * MOUSE_LOOK_DEGREES[1]))
            self.player.rig.set_head(hpr=(h, p, 0.0))
        return task.cont
