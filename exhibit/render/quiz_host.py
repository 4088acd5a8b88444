"""The in-scene quiz: a quiz cue pauses the show and puts a panel in front of the visitor.

The panel (:mod:`exhibit.render.quiz_panel`) asks the cue's questions; the host decides
when one is shown, where (in front of the head; on a headset fixed in the hall where the
visitor looks), and keeps the store the finished rounds go to: hall.yaml's quiz database,
through a spool that keeps rounds in memory while the database cannot be written.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from exhibit.spec.errors import ExhibitError

if TYPE_CHECKING:
    from panda3d.core import NodePath

    from exhibit.quiz.session import QuizSession
    from exhibit.quiz.spool import AttemptSpool
    from exhibit.render.player import Player
    from exhibit.render.xr.display import XrDisplays
    from exhibit.timeline.frame import Event

QUIZ_DISTANCE = 1.6  # metres in front of the visitor's head


class QuizHost:
    """Shows the quiz of a cue on the player's displays, and stores its rounds."""

    def __init__(self, player: Player) -> None:
        self.player = player
        self.enabled = True
        self.anchor: NodePath = player.rig.head.attachNewNode("quiz_anchor")
        self.anchor.setPos(0, QUIZ_DISTANCE, 0)
        self.panel: Any = None
        self.store: AttemptSpool | None = None  # made when the first quiz cue fires

    @property
    def waiting(self) -> int:
        """Finished rounds that wait for the database (0 when it takes them)."""
        return self.store.waiting if self.store is not None else 0

    def start(self, event: Event) -> bool:
        """Pause the show at ``event`` and show its panel; False when there is no quiz to show."""
        player = self.player
        if not self.enabled or player.show is None or player.status != "playing":
            return False
        from exhibit.render.qr_card import hall_quiz_url
        from exhibit.render.quiz_panel import InWorldQuizPanel, window_pointers

        session = self._session(event)
        if session is None:
            return False
        player.pause()
        player.transport.hold(event.t)
        displays = player.displays
        pointer = displays.views[0].camera if displays.views else None
        if player.headset:
            from exhibit.render.xr.quiz import place_in_front

            place_in_front(self.anchor, player.rig)  # fixed in the hall where the visitor looks
        self.panel = InWorldQuizPanel(
            player.app.base,
            self.anchor,
            session,
            player.show.lang,
            font=player.overlay.font,
            on_done=self._done,
            camera=pointer,
            pointers=window_pointers(displays.views),  # a click in any wall's window, through its camera
            quiz_url=hall_quiz_url(player.hall),
            accessible=player.accessible_quiz,
        )
        if player.headset:
            from exhibit.render.xr.quiz import point_at_quiz

            point_at_quiz(cast("XrDisplays", displays), self.panel, player.rig.world_root)
        return True

    def _session(self, event: Event) -> QuizSession | None:
        """Draw the cue's questions from its bank; None (and a message) when it cannot be asked.

        Answers are stored like a kiosk's round (hall.yaml's ``quiz.db``); a quiz whose
        database cannot be opened is still asked, just not recorded.
        """
        from exhibit.quiz.cue import open_spool, start_cue_session
        from exhibit.spec.scene import QuizCue

        player = self.player
        show = player.show
        assert show is not None
        cue = show.scene.cues[event.index]
        if not isinstance(cue, QuizCue):
            return None
        if self.store is None:
            # Rounds wait in memory while the database cannot be written: the quiz is asked anyway.
            self.store = open_spool(player.project, player.hall.quiz.db, warn=player.warn)
        try:
            return start_cue_session(player.project, cue, store=self.store, lang=show.lang, scene=show.scene.scene_id)
        except ExhibitError as exc:
            from exhibit.render.player import stderr_progress

            stderr_progress(f"quiz skipped: {exc}")
            return None

    def _done(self, *_: Any) -> None:
        self.close()
        if self.player.status == "paused":
            self.player.play()

    def close(self) -> None:
        """Take the panel down (the show goes on only when the panel's own ``done`` says so)."""
        if self.panel is None:
            return
        self.panel.destroy()
        self.panel = None
        if self.player.headset:
            from exhibit.render.xr.quiz import stop_pointing

            stop_pointing(cast("XrDisplays", self.player.displays))
        # Back in front of the head for the next quiz (a headset's panel was fixed in the hall).
        self.anchor.reparentTo(self.player.rig.head)
        self.anchor.setPosHpr(0, QUIZ_DISTANCE, 0, 0, 0, 0)

    def close_store(self) -> None:
        if self.store is not None:
            self.store.close()
