"""The options of a ``choice`` cue on a card in the world, as the quiz panel sets them.

The card is shown while the show time lies inside the choice's offer (from its ``at`` for
``timeout`` seconds), so a still, a seek and an exported frame show it like play does. It
uses the quiz panel's colours, font and line fitting, hangs where the quiz panel hangs (in
front of the visitor's head) and is picked with the keys ``1`` to ``4`` or a click on an
option in any window, through that view's own camera (:class:`~exhibit.render.quiz_panel.Pointer`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from exhibit.render.kiosk import BUTTON_COLORS, GOLD
from exhibit.render.quiz_panel import HEIGHT, PANEL_COLOR, WIDTH, Color, Pointer
from exhibit.render.typeset import fit

if TYPE_CHECKING:
    from panda3d.core import NodePath, TextFont

    from exhibit.timeline.model import TimedCue

Rect = tuple[float, float, float, float]  # left, right, bottom, top in card units
ROW_H, ROW_GAP, FIRST_ROW_TOP = 0.13, 0.04, 0.18


class ChoicePanel:
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

        self.timed = timed
        self.pointers = tuple(pointers)
        self.pick = pick
        self.font = font
        self.rows: list[Rect] = []
        self.texts: list[str] = []
        self.root: NodePath = parent.attachNewNode("choice-panel")
        for off in (self.root.setLightOff, self.root.setFogOff, self.root.setShaderOff):
            off(1)  # the world's light and fog are for the scene; the card stays readable
        self.root.setTwoSided(True)
        self.root.setDepthWrite(False)
        self._order = 0
        self._build(lang)
        self._events = DirectObject()
        for k in range(len(self.rows)):
            self._events.accept(str(k + 1), self.pick, [k + 1])
        self._events.accept("mouse1", self._mouse_click)

    def _build(self, lang: str) -> None:
        cue = self.timed.cue
        left, right = -WIDTH / 2, WIDTH / 2
        self._card((left, right, -HEIGHT / 2, HEIGHT / 2), PANEL_COLOR)
        prompt = getattr(cue, "prompt", None)
        if prompt is not None:
            self._text(prompt.get(lang) or "", (left + 0.05, 0.38), 0.06, GOLD, width=WIDTH - 0.1, height=0.14)
        frame, ink = BUTTON_COLORS["normal"]
        for k, option in enumerate(getattr(cue, "options", [])):
            top = FIRST_ROW_TOP - k * (ROW_H + ROW_GAP)
            rect = (left + 0.05, right - 0.05, top - ROW_H, top)
            self._card(rect, frame)
            label = f"{k + 1}. {option.label.get(lang) or ''}"
            self._text(
                label,
                (rect[0] + 0.03, 0.0),
                0.05,
                ink,
                width=rect[1] - rect[0] - 0.06,
                height=ROW_H,
                middle=(rect[2] + rect[3]) / 2,
            )
            self.rows.append(rect)

    def _card(self, rect: Rect, color: Color) -> None:
        from panda3d.core import CardMaker

        maker = CardMaker("card")
        maker.setFrame(*rect)
        node = self.root.attachNewNode(maker.generate())
        node.setColor(*color)
        node.setBin("fixed", self._next_order())

    def _text(
        self,
        text: str,
        pos: tuple[float, float],
        scale: float,
        color: Color,
        *,
        width: float,
        height: float,
        middle: float | None = None,
    ) -> None:
        """``text`` broken to ``width`` and set smaller if it must to fit ``height``; its first
        baseline at ``pos``, or the lines centred on ``middle``."""
        from panda3d.core import TextNode

        fitted = fit(self.font, text, width, height, scale)
        self.texts.append(text)
        node = TextNode("text")
        node.setFont(self.font)
        node.setText(fitted.text)
        node.setTextColor(*color)
        placed = self.root.attachNewNode(node)
        placed.setScale(fitted.scale)
        placed.setPos(pos[0], 0.0, fitted.centred_baseline(middle) if middle is not None else pos[1])
        placed.setBin("fixed", self._next_order())

    def _next_order(self) -> int:
        self._order += 1
        return self._order

    # -- pointing ----------------------------------------------------------------------------

    def option_at(self, x: float, y: float, camera: NodePath) -> int | None:
        """The option (from 1) under a point of ``camera``'s view (-1..1), or None."""
        from panda3d.core import Point2, Point3

        near, far = Point3(), Point3()
        if not camera.node().getLens().extrude(Point2(x, y), near, far):
            return None
        a, b = self.root.getRelativePoint(camera, near), self.root.getRelativePoint(camera, far)
        if abs(b.y - a.y) < 1e-9 or -a.y / (b.y - a.y) < 0:
            return None  # along the card, or the card is behind the viewer
        s = -a.y / (b.y - a.y)
        px, pz = a.x + s * (b.x - a.x), a.z + s * (b.z - a.z)
        return next((k + 1 for k, (lo, hi, bo, to) in enumerate(self.rows) if lo <= px <= hi and bo <= pz <= to), None)

    def screen_point(self, option: int, camera: NodePath) -> tuple[float, float] | None:
        """Where option ``option``'s middle appears in ``camera``'s view (-1..1)."""
        from panda3d.core import Point2, Point3

        left, right, bottom, top = self.rows[option - 1]
        p = camera.getRelativePoint(self.root, Point3((left + right) / 2, 0, (bottom + top) / 2))
        out = Point2()
        return (out.x, out.y) if camera.node().getLens().project(p, out) else None

    def _mouse_click(self) -> None:
        for pointer in self.pointers:
            at = pointer.at()
            option = self.option_at(*at, pointer.camera) if at is not None else None
            if option is not None:
                self.pick(option)
                return

    def destroy(self) -> None:
        self._events.ignoreAll()
        self.root.removeNode()


class ChoiceHost:
    """Puts up the panel of the choice offered at each frame's time, and takes it down after."""

    def __init__(self, player: Any) -> None:
        self.player = player
        self.panel: ChoicePanel | None = None

    def offer(self, t: float) -> None:
        """Show the choice offered at show time ``t`` (none: no panel)."""
        from exhibit.render.quiz_panel import window_pointers

        player = self.player
        timed = player.show.timeline.choice_at(t) if player.show is not None else None
        if self.panel is not None and (timed is None or timed.index != self.panel.timed.index):
            self.close()
        if timed is None or self.panel is not None:
            return
        self.panel = ChoicePanel(
            player.app.base,
            player.quiz.anchor,
            timed,
            player.show.lang,
            player.overlay.font,
            self._pick,
            window_pointers(player.displays.views),
        )

    def _pick(self, option: int) -> None:
        player = self.player
        panel = self.panel
        if panel is None:
            return
        label = panel.timed.cue.options[option - 1].label.get(player.show.lang)  # type: ignore[union-attr]
        t = player.pick(option)
        player.tell(f"chose {option} ({label}): on from {t:.1f} s")

    def close(self) -> None:
        if self.panel is not None:
            self.panel.destroy()
            self.panel = None
