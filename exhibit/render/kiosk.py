"""The touch-screen kiosk drawn with Panda3D's DirectGUI, over :mod:`exhibit.quiz.kiosk`.

The state machine decides what is on screen; this view lays it out, draws it, and turns
touches into :meth:`Kiosk.press`. Layout is in ``aspect2d`` units (the screen is 2 units
high), so every target's size in pixels is ``units x height / 2``; the smallest touch
target here (a key of the nickname keyboard) is 0.16 units, 86 px at 1080p, well over
the 44 px minimum. ``click(x, y)`` takes screen coordinates (-1..1), finds the topmost
widget there and sends it the same click event a finger on the glass would.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from exhibit.quiz.kiosk import MIN_TARGET_PX, Button, Kiosk, KioskSettings, Phase, Screen
from exhibit.quiz.phrases import phrase
from exhibit.quiz.scoring import Scoring
from exhibit.render.kiosk_font import quiz_font
from exhibit.render.read_aloud import ReadAloud
from exhibit.render.typeset import fit
from exhibit.spec.errors import ExhibitError

if TYPE_CHECKING:
    from panda3d.core import GraphicsOutput, NodePath, TextFont

    from exhibit.quiz.kiosk import KioskStore
    from exhibit.render.app import App
    from exhibit.spec.hall import Hall
    from exhibit.spec.quiz import Bank

Color = tuple[float, float, float, float]

BACKGROUND: Color = (0.42, 0.03, 0.05, 1.0)  # deep party red
GOLD: Color = (1.0, 0.82, 0.30, 1.0)
CREAM: Color = (0.97, 0.94, 0.86, 1.0)
INK: Color = (0.18, 0.05, 0.04, 1.0)
WHITE: Color = (1.0, 1.0, 1.0, 1.0)
# Every text on its frame keeps WCAG AA contrast (4.5:1); white on the green or the
# orange would not (3.7 and 3.1), so those carry dark ink too.
BUTTON_COLORS: dict[str, tuple[Color, Color]] = {  # state -> (frame, text)
    "normal": (CREAM, INK),
    "selected": (GOLD, INK),
    "correct": ((0.13, 0.60, 0.27, 1.0), INK),
    "missed": ((0.55, 0.82, 0.55, 1.0), INK),
    "wrong": ((0.96, 0.40, 0.18, 1.0), INK),
    "disabled": ((0.55, 0.50, 0.48, 1.0), (0.80, 0.78, 0.76, 1.0)),
}
PRIMARY: tuple[Color, Color] = (GOLD, INK)
WARNING_SHADE: Color = (0.0, 0.0, 0.0, 0.80)
RING_COLOR: Color = GOLD
#: The accessible mode: type this much larger, and white and yellow on black (over 15:1).
ACCESSIBLE_TYPE = 1.3
HC_BACKGROUND: Color = (0.0, 0.0, 0.0, 1.0)
YELLOW: Color = (1.0, 0.92, 0.0, 1.0)
HIGH_CONTRAST: dict[Color, Color] = {GOLD: YELLOW, CREAM: WHITE, INK: HC_BACKGROUND, WHITE: WHITE}
RING_LOW: Color = (0.96, 0.40, 0.18, 1.0)
RING_LOW_S = 5.0  # the ring turns orange for the last seconds
RING_SEGMENTS = 120
KIOSK_FPS = 30
#: The phone quiz's QR code on the start screen: 0.56 units, 300 px at 1080p, scanned from 1 m.
QR_SIDE = 0.56
QR_MIN_SIDE = 0.3


@dataclass
class _Placed:
    """A widget on screen: where it is (aspect2d units: left, right, bottom, top) and its text."""

    node: Any
    rect: tuple[float, float, float, float]
    button: Button | None
    texts: tuple[str, ...]


def kiosk_settings(hall: Hall | None, kiosk_id: str = "kiosk") -> KioskSettings:
    """Kiosk settings from hall.yaml's ``quiz`` section and languages."""
    if hall is None:
        return KioskSettings(kiosk_id=kiosk_id)
    q = hall.quiz
    return KioskSettings(
        count=q.questions,
        time_limit=q.time_limit,
        idle_after=q.idle_reset,
        scoring=Scoring("timed"),
        kiosk_id=kiosk_id,
        languages=tuple(hall.languages),
    )


class KioskView:
    """Draws a :class:`Kiosk` into a window (the kiosk) or an offscreen buffer (tests)."""

    def __init__(
        self,
        app: App,
        kiosk: Kiosk,
        *,
        size: tuple[int, int] = (1920, 1080),
        onscreen: bool = False,
        fullscreen: bool = False,
        font: TextFont | None = None,
        clock: Callable[[], float] = time.monotonic,
        capture: bool = False,
        quiz_url: str | None = None,
    ) -> None:
        """``quiz_url``: the phone quiz's address; its QR code is shown on the start screen."""
        from panda3d.core import Camera, NodePath, OrthographicLens, PGTop

        self.app = app
        self.kiosk = kiosk
        self.clock = clock
        self.quiz_url = quiz_url
        self._font = font  # None: each language's own font (Korean has a font of its own)
        self.font = font or quiz_font()
        self.size = size
        self.ratio = size[0] / size[1]
        self.output: GraphicsOutput = app.open_output(
            size, onscreen=onscreen, fullscreen=fullscreen, title="exhibit quiz"
        )
        self.output.setClearColor(BACKGROUND)
        self.output.setClearColorActive(True)
        self.root = NodePath("kiosk-2d")
        self.root.setDepthTest(False)
        self.root.setDepthWrite(False)
        self.root.setTwoSided(True)
        self.aspect = self.root.attachNewNode(PGTop("kiosk-aspect"))
        self.aspect.setScale(1.0 / self.ratio, 1.0, 1.0)
        if onscreen and app.base.mouseWatcherNode is not None:
            self.aspect.node().setMouseWatcher(app.base.mouseWatcherNode)
        lens = OrthographicLens()
        lens.setFilmSize(2.0, 2.0)
        lens.setNearFar(-1000.0, 1000.0)
        self.camera = self.root.attachNewNode(Camera("kiosk-camera", lens))
        self.region = self.output.makeDisplayRegion()
        self.region.setSort(30)
        self.region.setCamera(self.camera)
        self.page: NodePath = self.aspect.attachNewNode("page")
        self.placed: list[_Placed] = []
        self.version = -1
        self._ring: NodePath | None = None
        self._ring_key: tuple[int, bool] | None = None
        self._ring_text: Any = None
        self._warning_text: Any = None
        self._capture: Any = None
        self._accessible = False
        self.reader: ReadAloud | None = None  # the accessible mode reads each question aloud
        self._read_key: tuple[str, str] | None = None
        if capture:
            self._start_capture()
        self.sync()

    # -- driving --------------------------------------------------------------------------
    def sync(self, now: float | None = None) -> None:
        """Let the kiosk's time pass and bring the drawing up to date."""
        now = self.clock() if now is None else now
        self.kiosk.tick(now)
        if self.kiosk.version != self.version:
            self.version = self.kiosk.version
            self._build(self.kiosk.screen())
        self._update_timer(now)
        self._update_warning(now)

    def render(self) -> None:
        self.app.render_frame()

    def click(self, x: float, y: float) -> bool:
        """A touch at screen coordinates (-1..1, y up); whether it hit an enabled button."""
        from direct.gui import DirectGuiGlobals as DGG

        ax, ay = x * self.ratio, y
        for placed in reversed(self.placed):  # topmost first
            left, right, bottom, top = placed.rect
            if placed.button is None or not (left <= ax <= right and bottom <= ay <= top):
                continue
            if placed.button.state == "disabled":
                return False
            self.app.base.messenger.send(DGG.B1CLICK + placed.node.guiId, [None])
            return True
        return False

    def click_button(self, button_id: str) -> bool:
        """Touch the middle of a button, where a finger would (tests, demos)."""
        x, y = self.center(button_id)
        return self.click(x, y)

    # -- what is on screen ----------------------------------------------------------------
    def texts(self) -> list[str]:
        """The text of every visible widget, in drawing order."""
        out: list[str] = []
        for placed in self.placed:
            out.extend(t for t in placed.texts if t)
        for moving in (self._ring_text, self._warning_text):
            if moving is not None:
                out.append(moving.getText())
        return out

    def buttons(self) -> list[Button]:
        return [p.button for p in self.placed if p.button is not None]

    def rect(self, button_id: str) -> tuple[float, float, float, float]:
        for placed in self.placed:
            if placed.button is not None and placed.button.id == button_id:
                return placed.rect
        raise KeyError(button_id)

    def center(self, button_id: str) -> tuple[float, float]:
        """A button's centre in screen coordinates (-1..1)."""
        left, right, bottom, top = self.rect(button_id)
        return ((left + right) / 2 / self.ratio, (bottom + top) / 2)

    def size_px(self, button_id: str) -> tuple[float, float]:
        """A button's width and height in pixels of this output."""
        left, right, bottom, top = self.rect(button_id)
        per_unit = self.size[1] / 2.0
        return ((right - left) * per_unit, (top - bottom) * per_unit)

    def pixels(self) -> Any:
        """The last rendered frame (RGB, rows top to bottom)."""
        if self._capture is None:
            self._start_capture()
            self.render()
        return self._capture.pixels("RGB")

    def destroy(self) -> None:
        if self.reader is not None:
            self.reader.stop()
        self._clear()
        if self._capture is not None:
            self.output.clearRenderTextures()
        self.output.removeDisplayRegion(self.region)
        self.app.close_output(self.output)
        self.root.removeNode()

    # -- layout ---------------------------------------------------------------------------
    def _start_capture(self) -> None:
        from panda3d.core import GraphicsOutput, Texture

        from exhibit.render.displays import Capture

        texture = Texture("kiosk-capture")
        self.output.addRenderTexture(texture, GraphicsOutput.RTMCopyRam)
        self._capture = Capture(self.output, texture)

    def _clear(self) -> None:
        for placed in self.placed:
            if hasattr(placed.node, "destroy"):
                placed.node.destroy()
            else:
                placed.node.removeNode()
        self.placed = []
        self.page.removeNode()
        self.page = self.aspect.attachNewNode("page")
        self._ring = None
        self._ring_key = None
        self._ring_text = None
        self._warning_text = None

    def _build(self, screen: Screen) -> None:
        self._clear()
        self.font = self._font or quiz_font(screen.lang)
        self._accessible = screen.accessible
        self.output.setClearColor(HC_BACKGROUND if screen.accessible else BACKGROUND)
        {
            Phase.ATTRACT: self._attract,
            Phase.QUESTION: self._question,
            Phase.FEEDBACK: self._question,
            Phase.RESULT: self._result,
            Phase.BOARD: self._board,
        }[screen.phase](screen)
        if screen.warning:
            self._warning(screen)
        if screen.phase == Phase.QUESTION:
            self._prewarm(screen)
            if screen.accessible:
                self._read_aloud(screen)

    def _read_aloud(self, screen: Screen) -> None:
        """Say the question and its answers once, when it appears (not again on each touch)."""
        key = (screen.heading, screen.title)
        if key == self._read_key:
            return
        self._read_key = key
        if self.reader is None:
            self.reader = ReadAloud(self.app.base)
        options = [b.label for b in screen.buttons if b.role == "option"]
        self.reader.say("\n".join([screen.title, *options]), screen.lang)

    def _attract(self, s: Screen) -> None:
        w = self.ratio
        self._text(s.title, (0.0, 0.50), 0.15, GOLD, align="center", wrap=2 * w - 0.4)
        if s.boards:
            self._board_column(s.boards[0], -0.9, 0.9, 0.28)
        else:
            self._text("\n".join(s.lines), (0.0, 0.18), 0.075, CREAM, align="center", wrap=2 * w - 0.8)
        starts = [b for b in s.buttons if b.role == "start"]
        width, gap = 1.1, 0.2
        left = -(len(starts) * width + (len(starts) - 1) * gap) / 2
        for i, b in enumerate(starts):
            x0 = left + i * (width + gap)
            self._button(b, (x0, x0 + width, -0.82, -0.54), 0.09, align="center", colors=PRIMARY)
        for b in s.buttons:
            if b.role == "access":  # above the start buttons; gold while the mode is on
                on = (GOLD, INK) if s.accessible else None
                half = min(w - 0.12, 1.3)
                self._button(b, (-half, half, -0.46, -0.30), 0.05, align="center", colors=on)
        if self.quiz_url:
            self._phone_qr(s.lang)

    def _phone_qr(self, lang: str) -> None:
        """The phone quiz's code at the right of the start screen, with a line that says what it is."""
        from exhibit.render.qr_card import qr_card

        # beside the attract board's column (to x 0.9), smaller on a narrower screen than 16:9
        right = self.ratio - 0.08
        side = max(QR_MIN_SIDE, min(QR_SIDE, right - 0.95))
        rect = (right - side, right, -0.14, -0.14 + side)
        node = qr_card(self.page, self.quiz_url or "", rect)
        self.placed.append(_Placed(node, rect, None, ()))
        self._text(phrase("scan_phone", lang), (right - side / 2, -0.23), 0.045, CREAM, align="center",
                   wrap=side + 0.1)

    def _question(self, s: Screen) -> None:
        w = self.ratio
        margin = 0.12
        lang_b = s.button("lang")
        self._button(lang_b, (-w + margin, -w + margin + 0.42, 0.80, 0.95), 0.055, align="center")
        self._text(s.heading, (-w + margin + 0.55, 0.855), 0.055, GOLD)
        self._text(s.title, (-w + margin, 0.66), 0.078, WHITE, wrap=2 * w - 2 * margin - 0.5)
        if s.timed:
            self._ring_text = self._text("", (w - 0.27, 0.76), 0.08, WHITE, align="center", record=False)
        options = [b for b in s.buttons if b.role == "option"]
        columns = 1 if len(options) <= 4 else 2
        rows = math.ceil(len(options) / columns)
        top, bottom = 0.42, -0.30
        gap = 0.03
        height = min(0.17, (top - bottom - (rows - 1) * gap) / rows)
        col_gap = 0.06
        col_width = (2 * w - 2 * margin - (columns - 1) * col_gap) / columns
        for i, b in enumerate(options):
            c, r = divmod(i, rows)
            x0 = -w + margin + c * (col_width + col_gap)
            y1 = top - r * (height + gap)
            self._button(b, (x0, x0 + col_width, y1 - height, y1), 0.062, align="left")
        actions = [b for b in s.buttons if b.id in ("submit", "next")]
        for b in actions:
            self._button(
                b,
                (w - margin - 0.75, w - margin, -0.94, -0.74),
                0.075,
                align="center",
                colors=PRIMARY,
            )
        if s.lines:
            verdict, *rest = s.lines
            color = {"correct": (0.55, 0.95, 0.55, 1.0), "wrong": (1.0, 0.62, 0.45, 1.0)}
            ok = any(b.state == "correct" for b in options) and not any(b.state in ("wrong", "missed") for b in options)
            self._text(verdict, (-w + margin, -0.42), 0.08, color["correct" if ok else "wrong"])
            self._text("\n".join(rest), (-w + margin, -0.54), 0.055, CREAM, wrap=2 * w - 2 * margin - 0.9)

    def _result(self, s: Screen) -> None:
        w = self.ratio
        self._text(s.title, (0.0, 0.82), 0.11, GOLD, align="center")
        self._text(s.lines[0], (0.0, 0.66), 0.075, WHITE, align="center")
        self._text(s.lines[1], (0.0, 0.54), 0.055, CREAM, align="center", wrap=2 * w - 0.4)
        if s.boards:
            board = s.boards[0]
            self._text(
                f"{board.title}：" + "   ".join(board.rows),
                (0.0, -0.52),
                0.06,
                GOLD,
                align="center",
            )
        entry = s.entry or ""
        box = (-0.9, 0.9, 0.30, 0.46)
        self._frame(box, CREAM)
        self._text(entry + "_", (0.0, 0.345), 0.085, INK, align="center")
        keys = [b for b in s.buttons if b.role == "key"]
        per_row, kw, kh, gap = 12, 0.22, 0.16, 0.03
        row_width = per_row * kw + (per_row - 1) * gap
        for i, b in enumerate(keys):
            r, c = divmod(i, per_row)
            x0 = -row_width / 2 + c * (kw + gap)
            y1 = 0.20 - r * (kh + gap)
            self._button(b, (x0, x0 + kw, y1 - kh, y1), 0.075, align="center")
        bottom = [s.button(i) for i in ("lang", "back", "skip", "save")]
        bw, bgap = 0.62, 0.1
        left = -(len(bottom) * bw + (len(bottom) - 1) * bgap) / 2
        for i, b in enumerate(bottom):
            x0 = left + i * (bw + bgap)
            colors = PRIMARY if b.id == "save" and b.state != "disabled" else None
            self._button(b, (x0, x0 + bw, -0.92, -0.72), 0.07, align="center", colors=colors)

    def _board(self, s: Screen) -> None:
        w = self.ratio
        self._text(s.title, (0.0, 0.82), 0.11, GOLD, align="center")
        if s.lines:
            self._text("\n".join(s.lines), (0.0, 0.62), 0.06, CREAM, align="center")
        columns = [(-w + 0.2, -0.08), (0.08, w - 0.2)]
        for board, (x0, x1) in zip(s.boards, columns, strict=False):
            self._board_column(board, x0, x1, 0.62)
        bottom = [s.button(i) for i in ("lang", "home", "again")]
        bw, bgap = 0.7, 0.12
        left = -(len(bottom) * bw + (len(bottom) - 1) * bgap) / 2
        for i, b in enumerate(bottom):
            x0 = left + i * (bw + bgap)
            self._button(
                b,
                (x0, x0 + bw, -0.94, -0.74),
                0.07,
                align="center",
                colors=PRIMARY if b.role == "primary" else None,
            )

    def _board_column(self, board: Any, x0: float, x1: float, top: float) -> None:
        self._text(board.title, ((x0 + x1) / 2, top), 0.075, GOLD, align="center")
        row_h = 0.105
        for i, row in enumerate(board.rows):
            y = top - 0.13 - i * row_h
            if board.highlight == i:
                self._frame((x0, x1, y - 0.03, y + row_h - 0.03), GOLD)
                self._text(row, (x0 + 0.05, y), 0.062, INK)
            else:
                self._text(row, (x0 + 0.05, y), 0.062, WHITE)

    def _warning(self, s: Screen) -> None:
        w = self.ratio
        shade = Button("continue", phrase("continue", s.lang), "primary")
        self._button(
            shade,
            (-w, w, -1.0, 1.0),
            0.001,
            align="center",
            colors=(WARNING_SHADE, WARNING_SHADE),
            label="",
        )
        self._warning_text = self._text("", (0.0, 0.15), 0.085, WHITE, align="center", wrap=2 * w - 0.6, record=False)
        self._button(shade, (-0.5, 0.5, -0.45, -0.22), 0.08, align="center", colors=PRIMARY)

    # -- widgets --------------------------------------------------------------------------
    def _text(
        self,
        text: str,
        pos: tuple[float, float],
        scale: float,
        fg: Color,
        *,
        align: str = "left",
        wrap: float | None = None,
        record: bool = True,
    ) -> Any:
        from direct.gui.OnscreenText import OnscreenText
        from panda3d.core import TextNode

        if self._accessible:
            scale, fg = scale * ACCESSIBLE_TYPE, self._ink(fg)
        shown, wordwrap = text, (wrap / scale) if wrap else None
        if wrap and text:
            # broken here by the rules of Chinese line breaking, not anywhere by Panda3D
            shown, wordwrap = fit(self.font, text, wrap, math.inf, scale).text, None
        node = OnscreenText(
            text=shown,
            pos=pos,
            scale=scale,
            fg=fg,
            font=self.font,
            parent=self.page,
            align={"left": TextNode.ALeft, "center": TextNode.ACenter}[align],
            wordwrap=wordwrap,
            mayChange=True,
        )
        if record:
            self.placed.append(_Placed(node, (pos[0], pos[0], pos[1], pos[1]), None, (text,)))
        return node

    def _ink(self, color: Color) -> Color:
        """``color``, or its high-contrast counterpart in the accessible mode."""
        return HIGH_CONTRAST.get(color, color) if self._accessible else color

    def _frame(self, rect: tuple[float, float, float, float], color: Color) -> None:
        from direct.gui.DirectGui import DirectFrame

        color = self._ink(color)
        node = DirectFrame(parent=self.page, frameSize=rect, frameColor=color)
        self.placed.append(_Placed(node, rect, None, ()))

    def _button(
        self,
        b: Button,
        rect: tuple[float, float, float, float],
        scale: float,
        *,
        align: str,
        colors: tuple[Color, Color] | None = None,
        label: str | None = None,
    ) -> None:
        from direct.gui import DirectGuiGlobals as DGG
        from direct.gui.DirectGui import DirectButton
        from panda3d.core import TextNode

        frame, ink = (
            colors
            if colors is not None and b.state == "normal"
            else BUTTON_COLORS.get(b.state, BUTTON_COLORS["normal"])
        )
        text = b.label if label is None else label
        if self._accessible:
            frame, ink, scale = self._ink(frame), self._ink(ink), scale * ACCESSIBLE_TYPE
        left, right, bottom, top = rect
        pad = 0.04
        # a long answer takes more lines, and is set smaller if it must to stay on its button
        fitted = fit(self.font, text, right - left - 2 * pad, top - bottom - pad, scale)
        shown, scale = fitted.text, fitted.scale
        baseline = fitted.centred_baseline((top + bottom) / 2)
        x = left + pad if align == "left" else (left + right) / 2
        node = DirectButton(
            parent=self.page,
            frameSize=rect,
            frameColor=frame,
            relief=DGG.FLAT,
            text=shown,
            text_font=self.font,
            text_scale=scale,
            text_fg=ink,
            text_pos=(x, baseline),
            text_align=TextNode.ALeft if align == "left" else TextNode.ACenter,
            command=self._pressed,
            extraArgs=[b.id],
            pressEffect=False,
            state=DGG.DISABLED if b.state == "disabled" else DGG.NORMAL,
            rolloverSound=None,
            clickSound=None,
        )
        self.placed.append(_Placed(node, rect, b, (text,)))

    def _pressed(self, button_id: str) -> None:
        self.kiosk.press(button_id, self.clock())
        self.sync()

    def _prewarm(self, screen: Screen) -> None:
        """Make the glyphs of the coming feedback now, while the visitor reads the question.

        A dynamic font renders each new glyph on first use; the explanation is new text,
        and drawing it only after the answer would delay the feedback.
        """
        from panda3d.core import TextNode

        session = self.kiosk.round.session if self.kiosk.round is not None else None
        current = session.current if session is not None else None
        if current is None:
            return
        lang = screen.lang
        words = [phrase(k, lang) for k in ("correct", "partly", "wrong", "timed_out", "next", "see_result")]
        words += [
            phrase("answer_is", lang, letters="ABCDEFGHTF"),
            phrase("points", lang, points="0123456789"),
        ]
        explanation = current.question.explanation
        if explanation is not None:
            words.append(phrase("explanation", lang, text=explanation.get(lang) or ""))
        warm = TextNode("prewarm")
        warm.setFont(self.font)
        warm.setText("".join(words))
        warm.generate()

    # -- moving parts ---------------------------------------------------------------------
    def _update_timer(self, now: float) -> None:
        timer = self.kiosk.timer(now)
        if timer is None or self._ring_text is None:
            return
        left, limit = timer
        share = 0.0 if limit <= 0 else left / limit
        segments = max(0, min(RING_SEGMENTS, math.ceil(share * RING_SEGMENTS)))
        low = left <= RING_LOW_S
        key = (segments, low)
        if key != self._ring_key:
            self._ring_key = key
            if self._ring is not None:
                self._ring.removeNode()
            self._ring = self._ring_node(segments, RING_LOW if low else RING_COLOR)
        self._ring_text.setText(str(math.ceil(left)))

    def _ring_node(self, segments: int, color: Color) -> NodePath:
        """The timer ring: an annulus whose arc is the time left, clockwise from the top."""
        from panda3d.core import (
            Geom,
            GeomNode,
            GeomTriangles,
            GeomVertexData,
            GeomVertexFormat,
            GeomVertexWriter,
        )

        w = self.ratio
        cx, cy, outer, inner = w - 0.27, 0.785, 0.15, 0.115
        data = GeomVertexData("ring", GeomVertexFormat.getV3(), Geom.UHStatic)
        writer = GeomVertexWriter(data, "vertex")
        tris = GeomTriangles(Geom.UHStatic)
        for i in range(segments + 1):
            angle = math.pi / 2 - 2 * math.pi * i / RING_SEGMENTS
            for radius in (outer, inner):
                writer.addData3(cx + radius * math.cos(angle), 0.0, cy + radius * math.sin(angle))
        for i in range(segments):
            a, b, c, d = 2 * i, 2 * i + 1, 2 * i + 2, 2 * i + 3
            tris.addVertices(a, b, c)
            tris.addVertices(b, d, c)
        geom = Geom(data)
        if segments:
            geom.addPrimitive(tris)
        node = GeomNode("timer-ring")
        node.addGeom(geom)
        ring = self.page.attachNewNode(node)
        ring.setColor(*color)
        return ring

    def _update_warning(self, now: float) -> None:
        if self._warning_text is None:
            return
        left = self.kiosk.warning_left(now)
        if left is not None:
            self._warning_text.setText(phrase("still_there", self.kiosk.lang, seconds=math.ceil(left)))


def require_display() -> None:
    """The kiosk is a full-screen window: say so plainly on a machine without a display."""
    from exhibit.render.app import forced_software, has_display

    if not has_display() or forced_software():
        raise ExhibitError(
            "the kiosk needs a display to run on (DISPLAY is not set); start it on the kiosk's "
            "screen, or try the quiz with 'exhibit quiz play --text'"
        )


def run_kiosk(
    bank: Bank,
    settings: KioskSettings,
    store: KioskStore | None,
    *,
    fullscreen: bool = True,
    size: Sequence[int] | None = None,
    quiz_url: str | None = None,
) -> None:
    """Run the kiosk until Esc is pressed or the window is closed; ``quiz_url``: see :class:`KioskView`."""
    from exhibit.render.app import shared_app

    require_display()
    app = shared_app(audio=False)
    kiosk = Kiosk(bank, settings, store, now=time.monotonic())
    width, height = (size[0], size[1]) if size else (1920, 1080)
    view = KioskView(app, kiosk, size=(width, height), onscreen=True, fullscreen=fullscreen, quiz_url=quiz_url)
    stop: list[bool] = []
    app.base.accept("escape", stop.append, [True])
    try:
        while not stop and not view.output.isClosed():
            started = time.monotonic()
            view.sync()
            app.render_frame()
            # A menu needs no more than this; the rest of the machine's time is left alone.
            time.sleep(max(0.0, 1.0 / KIOSK_FPS - (time.monotonic() - started)))
    finally:
        if kiosk.round is not None and not kiosk.round.session.recorded:
            kiosk.reset(time.monotonic())  # store the round in progress as not completed
        view.destroy()


__all__ = ["MIN_TARGET_PX", "KioskView", "kiosk_settings", "require_display", "run_kiosk"]
