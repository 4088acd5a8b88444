"""Hot reload: a scene saved while it plays goes on at the same moment, in its new version.

While ``exhibit play`` runs, the scene file is looked at every :data:`RELOAD_POLL`
seconds; a new *content* (its hash, not its time stamp) is loaded and swapped in. A broken
save is reported once and the last good version keeps playing until the file changes again.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from exhibit.narration.fingerprint import file_digest
from exhibit.timeline.clock import clock_text

if TYPE_CHECKING:
    from exhibit.render.player import Player

RELOAD_POLL = 0.5  # seconds between looks at the scene file while playing


class SceneWatch:
    """Looks at the player's scene file now and then, and reloads it when its content changed."""

    def __init__(self, player: Player) -> None:
        self.player = player
        self._next = 0.0
        self._failed: str | None = None  # the digest of a broken save, reported once

    def poll(self) -> None:
        """Once per frame: look at the file when it is time to."""
        now = time.perf_counter()
        if now >= self._next:
            self._next = now + RELOAD_POLL
            self.check()

    def check(self) -> bool:
        """Reload if the scene file's content changed; True when a new version is now playing."""
        player = self.player
        show = player.show
        if show is None:
            return False
        try:
            digest = file_digest(show.path)
        except OSError:
            return False  # an editor saving by rename: the file is back on the next look
        if digest in (show.digest, self._failed):
            return False
        if player.reload():
            player.tell(f"reloaded {show.path.name}, {player.status} at {clock_text(player.t)}")
            return True
        self._failed = digest
        return False
