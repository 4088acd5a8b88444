"""The options of a ``choice`` cue on a card in the world, as the quiz panel sets them.

The card is shown while the show time lies inside the choice's offer (from its ``at`` for
``timeout`` seconds), so a still, a seek and an exported frame show it like play does. It
uses the quiz panel's colours, font and line fitting, hangs where the quiz panel hangs (in
front of the visitor's head) and is picked with the keys ``1`` to ``4`` or a click on an
option in any window, through that view's own camera (:class:`~exhibit.render.quiz_panel.Pointer`).
In a headset the panel is fixed in the hall and its options are selected by gaze or the
trigger (:mod:`exhibit.render.xr.selection`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from exhibit.render.card import Card, Rect
from exhibit.render.fonts import language_font
from exhibit.render.kiosk import BUTTON_COLORS, GOLD
from exhibit.render.quiz_panel import WIDTH, Pointer

if TYPE_CHECKING:
    from panda3d.core import NodePath, TextFont

    from exhibit.timeline.model import TimedCue

ROW_H, ROW_GAP, FIRST_ROW_TOP = 0.13, 0.04, 0.18


class ChoicePanel(Card):
    """One choice's prompt and options; ``pick(option)`` is called with the option (from 1)."""

    def __init__(
        self,
        base: Any,
        parent: NodePath,
        timed: TimedCue,
        lang: str,
        font: TextFont,
        pick: Callable[[int], None],
        pointers: Sequence[Pointer] = (),
    ) -> None:
        from direct.showbase.DirectObject import DirectObject

        super().__init__(parent, "choice-panel", font)
        self.timed = timed
        self.pointers = tuple(pointers)
        self.pick = pick
        self.rows: list[Rect] = []
        self._build(lang)
        self._events = DirectObject()
        for k in range(len(self.rows)):
            self._events.accept(str(k + 1), self.pick, [k + 1])
        self._events.accept("mouse1", self._mouse_click)

    def _build(self, lang: str) -> None:
        cue = self.timed.cue
        left, right = -WIDTH / 2, WIDTH / 2
        prompt = getattr(cue, "prompt", None)
        if prompt is not None:
            self.text(prompt.get(lang) or "", (left + 0.05, 0.38), 0.06, GOLD, width=WIDTH - 0.1, height=0.14)
        frame, ink = BUTTON_COLORS["normal"]
        for k, option in enumerate(getattr(cue, "options", [])):
            top = FIRST_ROW_TOP - k * (ROW_H + ROW_GAP)
            rect = (left + 0.05, right - 0.05, top - ROW_H, top)
            self.card(rect, frame)
            label = f"{k + 1}. {option.label.get(lang) or ''}"
            width = rect[1] - rect[0] - 0.06
            self.text(label, (rect[0] + 0.03, 0.0), 0.05, ink, width=width, height=ROW_H, middle=(top - ROW_H / 2))
            self.rows.append(rect)

    # -- pointing ----------------------------------------------------------------------------

    def option_at(self, x: float, y: float, camera: NodePath) -> int | None:
        """The option (from 1) under a point of ``camera``'s view (-1..1), or None."""
        hit = self.point_on(x, y, camera)
        if hit is None:
            return None
        px, pz = hit
        return next((k + 1 for k, (lo, hi, bo, to) in enumerate(self.rows) if lo <= px <= hi and bo <= pz <= to), None)

    def option_point(self, option: int, camera: NodePath) -> tuple[float, float] | None:
        """Where option ``option``'s middle appears in ``camera``'s view (-1..1)."""
        return self.screen_point(self.rows[option - 1], camera)

    def _mouse_click(self) -> None:
        for pointer in self.pointers:
            at = pointer.at()
            option = self.option_at(*at, pointer.camera) if at is not None else None
            if option is not None:
                self.pick(option)
                return

    def destroy(self) -> None:
        self._events.ignoreAll()
        super().destroy()


class ChoiceHost:
    """Puts up the panel of the choice offered at each frame's time, and takes it down after."""

    def __init__(self, player: Any) -> None:
        self.player = player
        self.panel: ChoicePanel | None = None
        self.anchor: NodePath | None = None  # where the panel hangs in a headset: fixed in the hall

    def offer(self, t: float) -> None:
        """Show the choice offered at show time ``t`` (none: no panel)."""
        from exhibit.render.quiz_panel import window_pointers
        from exhibit.render.xr.selection import hang

        player = self.player
        timed = player.show.timeline.choice_at(t) if player.show is not None else None
        if self.panel is not None and (timed is None or timed.index != self.panel.timed.index):
            self.close()
        if timed is None or self.panel is not None:
            return
        self.anchor = hang(player, self.anchor)
        self.panel = ChoicePanel(
            player.app.base,
            self.anchor if self.anchor is not None else player.quiz.anchor,
            timed,
            player.show.lang,
            language_font(player.overlay.font, player.show.lang),
            self._pick,
            window_pointers(player.displays.views),
        )

    def _pick(self, option: int) -> None:
        self.take(option, "window")

    def take(self, option: int, origin: str) -> None:
        """The visitor picked ``option`` (from 1) of the choice offered now; ``origin`` says how
        (``window``: a key, a click or a tap; in a headset ``gaze`` or ``trigger``)."""
        player = self.player
        panel = self.panel
        if panel is None:
            return
        label = panel.timed.cue.options[option - 1].label.get(player.show.lang)  # type: ignore[union-attr]
        choice = panel.timed.cue.id or f"cue {panel.timed.index + 1}"
        player.record_visit("choice", choice=choice, option=option, t=round(player.t, 3), origin=origin)
        t = player.pick(option)
        player.tell(f"chose {option} ({label}): on from {t:.1f} s")

    def close(self) -> None:
        if self.panel is not None:
            self.panel.destroy()
            self.panel = None
