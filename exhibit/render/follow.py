"""Following a master over the network: drawing what the master plays on this PC.

The protocol, the follower's clock and its socket are :mod:`exhibit.sync`; this module
loads the scene a :class:`~exhibit.sync.peer.Follower` reads and draws its moment each frame
(``exhibit play --follow HOST:PORT``).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, Protocol

from exhibit.spec.errors import ExhibitError
from exhibit.sync.clock import LOST_AFTER, FollowReading, Mode
from exhibit.sync.peer import Follower
from exhibit.sync.wire import parse_master


class FollowTarget(Protocol):
    """What a follower drives: :class:`exhibit.render.player.Player` (or a recording fake)."""

    @property
    def show(self) -> Any: ...

    def load(self, scene: str, lang: str | None = None) -> Any: ...

    def seek(self, t: float, inclusive: bool = False) -> None: ...

    def step(self, t: float | None = None) -> Any: ...


class FollowPlayer:
    """Each frame: read the follower, load what the master plays, draw the master's moment.

    The player is driven with explicit times (``step(t)``), never played: it opens
    no audio and starts no effects or quiz, because the master drives those. A
    scene this PC cannot load (content not copied, a broken file) is reported
    once and the last picture stays until the master moves on.
    """

    def __init__(
        self,
        player: FollowTarget,
        source: Callable[[], FollowReading],
        report: Callable[[str], None] | None = None,
    ) -> None:
        self.player = player
        self.source = source
        self.report = report
        self.showing: tuple[str, str] | None = None
        self._failed: tuple[str, str] | None = None
        self._mode: Mode | None = None
        self.drew = False  # the last frame drew the show (else the caller keeps the window alive)

    def frame(self) -> FollowReading:
        reading = self.source()
        if reading.mode != self._mode:
            self._say(_MODE_WORDS[reading.mode])
            self._mode = reading.mode
        if reading.scene and reading.lang:
            wanted = (reading.scene, reading.lang)
            if wanted != self.showing and wanted != self._failed:
                try:
                    self.player.load(reading.scene, reading.lang)
                except ExhibitError as exc:
                    self._failed = wanted
                    self._say(f"cannot show {reading.scene} ({reading.lang}): {exc}")
                else:
                    self.showing, self._failed = wanted, None
                    self.player.seek(reading.t)
            elif reading.jumped and wanted == self.showing:
                self.player.seek(reading.t)  # a seek on the master: skipped events do not fire
        if (
            self.showing is not None
            and self.player.show is not None
            and self.showing == (reading.scene, reading.lang)
        ):
            self.player.step(reading.t)
            self.drew = True
        else:
            self.drew = False
        return reading

    def _say(self, message: str) -> None:
        if self.report is not None:
            self.report(message)


_MODE_WORDS: dict[Mode, str] = {
    "waiting": "waiting for the master ...",
    "following": "following the master",
    "holding": f"lost the master (nothing for {LOST_AFTER:.0f} s); holding on this PC's clock",
}


def run_follow(
    project: Any,
    hall: Any,
    master: str,
    display: str | None = None,
    size: tuple[int, int] | None = None,
    report: Callable[[str], None] | None = None,
    frames: int | None = None,
) -> int:
    """``exhibit play --follow HOST:PORT``: show what the master plays until Esc (or ``frames``).

    ``project``/``hall`` are the content root and hall as for ``exhibit play``; the
    follower needs the same scenes (and narration builds) as the master.
    """
    from direct.showbase.DirectObject import DirectObject

    from exhibit.render.player import Player

    address = parse_master(master)
    quit_requested: list[bool] = []
    with (
        Player(
            project, hall, display=display, size=size, audio=False, quiz=False, progress=None
        ) as player,
        Follower(address, key=getattr(getattr(hall, "sync", None), "key", None)) as follower,
    ):
        keys = DirectObject()
        keys.accept("escape", lambda: quit_requested.append(True))
        driver = FollowPlayer(player, follower.read, report)
        if report is not None:
            report(f"following {address[0]}:{address[1]} on {player.displays.mode}")
        count = 0
        try:
            while not quit_requested and (frames is None or count < frames):
                driver.frame()
                if not driver.drew:
                    player.app.render_frame()  # keep the window alive while waiting
                    time.sleep(1 / 60)
                count += 1
        finally:
            keys.ignoreAll()
    return 0
