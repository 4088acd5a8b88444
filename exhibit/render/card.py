"""A card in the world with text on it, in the quiz panel's colours, font and line fitting.

The choice panel and a hotspot's info card are such cards: parented to a NodePath the
caller gives (in front of the visitor's head), drawn after the world in a fixed order
(bin ``fixed``), unlit, without fog, readable from both sides. Layout is in the card's
own units, as on the quiz panel: 1.6 wide, 1.0 high, facing -Y, centred on the parent.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from exhibit.render.quiz_panel import HEIGHT, PANEL_COLOR, WIDTH, Color
from exhibit.render.typeset import fit

if TYPE_CHECKING:
    from panda3d.core import NodePath, TextFont

Rect = tuple[float, float, float, float]  # left, right, bottom, top in card units
FULL: Rect = (-WIDTH / 2, WIDTH / 2, -HEIGHT / 2, HEIGHT / 2)


class Card:
    """The panel behind, and the cards and texts laid on it in drawing order."""

    def __init__(self, parent: NodePath, name: str, font: TextFont) -> None:
        self.font = font
        self.texts: list[str] = []
        self.root: NodePath = parent.attachNewNode(name)
        for off in (self.root.setLightOff, self.root.setFogOff, self.root.setShaderOff):
            off(1)  # the world's light and fog are for the scene; the card stays readable
        self.root.setTwoSided(True)
        self.root.setDepthWrite(False)
        self._order = 0
        self.card(FULL, PANEL_COLOR)

    def card(self, rect: Rect, color: Color) -> NodePath:
        from panda3d.core import CardMaker

        maker = CardMaker("card")
        maker.setFrame(*rect)
        node = self.root.attachNewNode(maker.generate())
        node.setColor(*color)
        node.setBin("fixed", self._next_order())
        return node

    def text(
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

    def point_on(self, x: float, y: float, camera: NodePath) -> tuple[float, float] | None:
        """Where the ray of ``camera``'s view through (x, y) (-1..1) meets the card's plane, in
        card units; None when it does not (along the card, or the card behind the viewer)."""
        from panda3d.core import Point2, Point3

        near, far = Point3(), Point3()
        if not camera.node().getLens().extrude(Point2(x, y), near, far):
            return None
        a, b = self.root.getRelativePoint(camera, near), self.root.getRelativePoint(camera, far)
        if abs(b.y - a.y) < 1e-9 or -a.y / (b.y - a.y) < 0:
            return None
        s = -a.y / (b.y - a.y)
        return a.x + s * (b.x - a.x), a.z + s * (b.z - a.z)

    def screen_point(self, rect: Rect, camera: NodePath) -> tuple[float, float] | None:
        """Where the middle of ``rect`` appears in ``camera``'s view (-1..1)."""
        from panda3d.core import Point2, Point3

        left, right, bottom, top = rect
        p = camera.getRelativePoint(self.root, Point3((left + right) / 2, 0, (bottom + top) / 2))
        out = Point2()
        return (out.x, out.y) if camera.node().getLens().project(p, out) else None

    def destroy(self) -> None:
        self.root.removeNode()
