"""A quiz panel in the 3D world, for a scene's ``quiz`` cue.

The panel is a card parented to a NodePath the caller gives (in front of the audience,
or later in front of a headset's eyes), never a 2D overlay, so it is seen in stereo and
in a headset like any object. It is answered by pointing (``click(x, y)`` with screen
coordinates -1..1: the ray through that point is intersected with the card) or by a
generic action on the focused item (``focus_next``, ``focus_prev``, ``select``), which a
gaze dwell or a controller button can drive later.

A mouse click is taken by the view the mouse is over (:class:`Pointer`), through that
view's own camera: on a projection wall each projector's window has its own off-axis
camera, and a side-by-side screen has an eye in each half of one window. Every window
throws the same ``mouse1`` event, so the panel asks each view's mouse whether it is
the one over its view.

It drives a :class:`~exhibit.quiz.session.QuizSession`; when the last feedback is
dismissed the session is stored (through the session's sink, like a kiosk round) and
``on_done(session)`` is called, so the player can resume the scene.

Layout is in the card's own units: 1.6 wide and 1.0 high, facing -Y (a camera behind
it on -Y, looking along +Y, sees it the right way round), centred on the parent.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from exhibit.quiz.phrases import phrase
from exhibit.quiz.session import Feedback, Presented, QuizSession
from exhibit.render.kiosk import ACCESSIBLE_TYPE, BUTTON_COLORS, CREAM, GOLD, PRIMARY, WHITE
from exhibit.render.kiosk_font import quiz_font
from exhibit.render.typeset import Fitted, fit
from exhibit.spec.errors import ExhibitError

if TYPE_CHECKING:
    from panda3d.core import GraphicsWindow, NodePath, Point2, TextFont

Color = tuple[float, float, float, float]

WIDTH, HEIGHT = 1.6, 1.0
PANEL_COLOR: Color = (0.30, 0.02, 0.04, 1.0)
FOCUS_COLOR: Color = GOLD
#: Everything on the card lies in its plane, so its layers are drawn in a fixed order
#: after the world (bin "fixed"), testing depth but not writing it: nothing fights for
#: depth at any distance or angle, and the world in front still hides the card.
FOCUS_ORDER, FIRST_ORDER = 1, 2


@dataclass(frozen=True)
class Pointer:
    """A mouse over one view of the world, and the camera that view is drawn with."""

    mouse: Any  # hasMouse(), getMouse() (x, y in -1..1 across its window): a MouseWatcher or a WindowMouse
    camera: NodePath
    frame: tuple[float, float, float, float] = (0.0, 1.0, 0.0, 1.0)  # the view in its window: l, r, b, t (0..1)

    def at(self) -> tuple[float, float] | None:
        """Where the mouse is in the view's own coordinates (-1..1); None when it is not over the view."""
        if not self.mouse.hasMouse():
            return None
        m = self.mouse.getMouse()
        u, v = (m.getX() + 1) / 2, (m.getY() + 1) / 2
        left, right, bottom, top = self.frame
        if right <= left or top <= bottom or not (left <= u <= right and bottom <= v <= top):
            return None
        return 2 * (u - left) / (right - left) - 1, 2 * (v - bottom) / (top - bottom) - 1


class WindowMouse:
    """A window's pointer, read from the window the way its MouseWatcher reads it.

    Each window gets a MouseWatcher of its own (the App sets one up for every window),
    but nothing tells which watcher is whose; the window itself says whether the
    pointer is in it and where. Reading it takes none of the window's events.
    """

    def __init__(self, window: GraphicsWindow) -> None:
        self.window = window

    def hasMouse(self) -> bool:  # named as a MouseWatcher names it: either can be a Pointer's mouse
        win = self.window
        if win.isClosed() or win.getNumInputDevices() == 0 or win.getXSize() <= 0 or win.getYSize() <= 0:
            return False
        return bool(win.getPointer(0).getInWindow())

    def getMouse(self) -> Point2:
        from panda3d.core import Point2

        win, pointer = self.window, self.window.getPointer(0)
        return Point2(2 * pointer.getX() / win.getXSize() - 1, 1 - 2 * pointer.getY() / win.getYSize())


def window_pointers(views: Iterable[Any]) -> list[Pointer]:
    """A pointer for every view drawn in a window (buffers have no mouse): each wall's, each eye's."""
    from panda3d.core import GraphicsWindow

    out = []
    for view in views:
        if isinstance(view.output, GraphicsWindow):
            dr = view.region
            frame = (dr.getLeft(), dr.getRight(), dr.getBottom(), dr.getTop())
            out.append(Pointer(WindowMouse(view.output), view.camera, frame))
    return out


@dataclass
class _Item:
    """Something that can be pointed at or focused: an option, submit, or continue."""

    id: str  # opt:K | submit | continue
    rect: tuple[float, float, float, float]  # left, right, bottom, top in card units
    enabled: bool = True


#: The phone quiz's code beside the card: its side, in card units, and its gap to the card.
#: Card and code together are centred where the card alone would be (the root moves left),
#: so both stay in view at the quiz's usual distance and field of view.
QR_SIDE, QR_GAP = 0.34, 0.03


def phone_qr(parent: NodePath, url: str, font: TextFont, lang: str) -> NodePath:
    """The phone quiz's QR code to the right of the card, with a line that says what it is."""
    from panda3d.core import TextNode

    from exhibit.render.qr_card import qr_card

    left = WIDTH / 2 + QR_GAP
    top = HEIGHT / 2
    holder = parent.attachNewNode("phone-qr")
    qr_card(holder, url, (left, left + QR_SIDE, top - QR_SIDE, top))
    caption = TextNode("phone-qr-caption")
    caption.setText(phrase("scan_phone", lang))
    caption.setFont(font)
    caption.setAlign(TextNode.ACenter)
    caption.setWordwrap(QR_SIDE / 0.04)
    caption.setTextColor(*CREAM)
    text = holder.attachNewNode(caption)
    text.setScale(0.04)
    text.setPos(left + QR_SIDE / 2, -0.001, top - QR_SIDE - 0.06)
    holder.setBin("fixed", FIRST_ORDER)
    parent.setX(parent.getX() - (QR_GAP + QR_SIDE) / 2)
    return holder


class InWorldQuizPanel:
    """A quiz card in the world, driven by pointing or by focus and select."""

    def __init__(
        self,
        base: Any,
        parent: NodePath,
        session: QuizSession,
        lang: str,
        font: TextFont | None = None,
        on_done: Callable[[QuizSession], None] | None = None,
        *,
        camera: NodePath | None = None,
        pointers: Sequence[Pointer] = (),
        clock: Callable[[], float] = time.monotonic,
        bind_input: bool = True,
        accessible: bool = False,
        quiz_url: str | None = None,
    ) -> None:
        """``quiz_url``: the phone quiz's address, shown as a QR code beside the card.
        ``camera`` is what ``click(x, y)`` and ``screen_point`` go through (else the window's
        first perspective camera); ``pointers`` are the views a mouse click may come from
        (without them, the main window's mouse through ``camera``). ``accessible``: the accessible
        mode, as on the kiosk: larger type and no time limit, and the round ranked apart."""
        self.base = base
        self.pointers = tuple(pointers)
        self.session = session
        self.lang = lang
        self.font = font or quiz_font(lang)
        self.on_done = on_done
        self.camera = camera if camera is not None else getattr(base, "cam", None)
        self.clock = clock
        self.accessible = accessible
        self.type_scale = ACCESSIBLE_TYPE if accessible else 1.0
        if accessible:
            session.accessible = True  # stored as such: ranked apart from the timed rounds
        self.root: NodePath = parent.attachNewNode("quiz-panel")
        # The world's lights, fog and shaders are for the scene; the panel must stay readable.
        self.root.setLightOff(1)
        self.root.setFogOff(1)
        self.root.setShaderOff(1)
        self.root.setTwoSided(True)
        self.root.setDepthWrite(False)
        self._order = FIRST_ORDER
        self.content: NodePath | None = None
        self._base_card: NodePath | None = None
        self.items: list[_Item] = []
        self.focus = 0
        self.selected: set[int] = set()
        self.feedback: Feedback | None = None
        self._done = False
        self._shown_at = clock()
        self._focus_card: NodePath | None = None
        self._countdown: Any = None
        self.texts: list[str] = []
        self.session.show()
        self._build()
        self.phone_qr = phone_qr(self.root, quiz_url, self.font, lang) if quiz_url else None
        self._events: Any = None
        if bind_input:
            self._bind_input()
        self._task = None
        if getattr(base, "taskMgr", None) is not None:
            self._task = base.taskMgr.add(self._tick_task, f"quiz-panel-{id(self)}")

    # -- the player's API -----------------------------------------------------------------
    @property
    def done(self) -> bool:
        return self._done

    def click(self, x: float, y: float, camera: NodePath | None = None) -> bool:
        """A pointer at screen coordinates (-1..1) of ``camera``'s view (else the panel's
        camera); whether it hit an enabled item."""
        hit = self.item_at(x, y, camera)
        if hit is None or not hit.enabled:
            return False
        self.focus = self.items.index(hit)
        self._activate(hit)
        return True

    def select(self) -> bool:
        """Act on the focused item (gaze dwell, a controller's trigger, Enter)."""
        if self._done or not self.items:
            return False
        item = self.items[self.focus]
        if not item.enabled:
            return False
        self._activate(item)
        return True

    def focus_next(self) -> None:
        self._move_focus(+1)

    def focus_prev(self) -> None:
        self._move_focus(-1)

    def tick(self, now: float | None = None) -> None:
        """Let time pass: the countdown of a timed question, and its time-out."""
        current = self.session.current
        limit = self._time_limit(current)
        if self._done or self.feedback is not None or current is None or limit is None:
            return
        left = limit - ((self.clock() if now is None else now) - self._shown_at)
        if left <= 0:
            self.feedback = self.session.time_out()
            self._build()
            self.focus = next(i for i, it in enumerate(self.items) if it.id == "continue")
            self._paint_focus()
        elif self._countdown is not None:
            self._countdown.setText(f"{math.ceil(left)}")

    def _time_limit(self, presented: Presented | None) -> float | None:
        """The question's time limit; none in the accessible mode."""
        if presented is None or self.accessible:
            return None
        limit: float | None = presented.time_limit
        return limit

    def destroy(self) -> None:
        if self._task is not None:
            self.base.taskMgr.remove(self._task)
            self._task = None
        if self._events is not None:
            self._events.ignoreAll()
            self._events = None
        self.root.removeNode()
        self.items = []

    # -- input --------------------------------------------------------------------------------
    def _bind_input(self) -> None:
        """Keys and the mouse of a monitor's window: arrows or Tab move the focus, Enter
        selects, a click points. A headset's gaze or controller uses ``select()`` directly."""
        from direct.showbase.DirectObject import DirectObject

        self._events = DirectObject()
        for key in ("arrow_down", "arrow_down-repeat", "tab", "arrow_right"):
            self._events.accept(key, self.focus_next)
        for key in ("arrow_up", "arrow_up-repeat", "shift-tab", "arrow_left"):
            self._events.accept(key, self.focus_prev)
        for key in ("enter", "numpad_enter"):
            self._events.accept(key, self.select)
        self._events.accept("mouse1", self._mouse_click)

    def _mouse_click(self) -> None:
        """A click from any window: the view the mouse is over points, through its own camera."""
        pointers = self.pointers
        if not pointers:
            watcher = getattr(self.base, "mouseWatcherNode", None)
            camera = self._pointer() if watcher is not None else None
            pointers = (Pointer(watcher, camera),) if camera is not None else ()
        for pointer in pointers:
            at = pointer.at()
            if at is not None:
                self.click(*at, camera=pointer.camera)
                return

    def _tick_task(self, task: Any) -> Any:
        self.tick()
        return task.cont

    def _pointer(self) -> NodePath | None:
        """The camera that pointing goes through: the one given, else the window's first."""
        if self.camera is not None:
            return self.camera
        win = getattr(self.base, "win", None)
        if win is None:
            return None
        for region in win.getActiveDisplayRegions():
            cam = region.getCamera()
            if not cam.isEmpty() and cam.node().getLens() is not None and cam.node().getLens().isPerspective():
                self.camera = cam
                return cam
        return None

    # -- queries --------------------------------------------------------------------------
    @property
    def focused(self) -> str | None:
        return self.items[self.focus].id if self.items and not self._done else None

    def item_at(self, x: float, y: float, camera: NodePath | None = None) -> _Item | None:
        """The item under a point of ``camera``'s view (else the panel's camera): the camera's
        ray through it (its own lens: a wall's is off-axis) meets the card's plane."""
        from panda3d.core import Point2, Point3

        if self._done:
            return None
        if camera is None:
            camera = self._pointer()
        if camera is None:
            raise ExhibitError("the quiz panel has no camera to point with; pass camera=")
        lens = camera.node().getLens()
        near, far = Point3(), Point3()
        if not lens.extrude(Point2(x, y), near, far):
            return None
        a = self.root.getRelativePoint(camera, near)
        b = self.root.getRelativePoint(camera, far)
        if abs(b.y - a.y) < 1e-9:
            return None  # looking along the card
        t = -a.y / (b.y - a.y)
        if t < 0:
            return None  # the card is behind the viewer
        px, pz = a.x + t * (b.x - a.x), a.z + t * (b.z - a.z)
        for item in self.items:
            left, right, bottom, top = item.rect
            if left <= px <= right and bottom <= pz <= top:
                return item
        return None

    def screen_point(self, item_id: str, camera: NodePath | None = None) -> tuple[float, float]:
        """Where an item's centre appears in ``camera``'s view (else the panel's camera), -1..1,
        for pointing at it."""
        from panda3d.core import Point2, Point3

        if camera is None:
            camera = self._pointer()
        if camera is None:
            raise ExhibitError("the quiz panel has no camera; pass camera=")
        item = next(i for i in self.items if i.id == item_id)
        left, right, bottom, top = item.rect
        p = camera.getRelativePoint(self.root, Point3((left + right) / 2, 0, (bottom + top) / 2))
        out = Point2()
        if not camera.node().getLens().project(p, out):
            raise ExhibitError(f"'{item_id}' is not in view")
        return out.x, out.y

    # -- behaviour ------------------------------------------------------------------------
    def _activate(self, item: _Item) -> None:
        current = self.session.current
        if item.id == "continue":
            self._continue()
            return
        if self.feedback is not None or current is None:
            return
        if item.id == "submit":
            if self.selected:
                self._answer(tuple(self.selected))
            return
        k = int(item.id[4:])
        if current.multiple:
            self.selected ^= {k}
            self._build(keep_focus=True)
        else:
            self._answer((k,))

    def _answer(self, chosen: tuple[int, ...]) -> None:
        self.feedback = self.session.answer(chosen, self.clock() - self._shown_at)
        self._build()
        self.focus = next(i for i, it in enumerate(self.items) if it.id == "continue")
        self._paint_focus()

    def _continue(self) -> None:
        self.feedback = None
        self.selected = set()
        if self.session.advance() is None:
            self.session.finish()
            self._done = True
            self.root.hide()
            self.items = []
            if self.on_done is not None:
                self.on_done(self.session)
            return
        self.session.show()
        self._shown_at = self.clock()
        self.focus = 0
        self._build()

    def _move_focus(self, step: int) -> None:
        if self._done or not self.items:
            return
        n = len(self.items)
        for _ in range(n):
            self.focus = (self.focus + step) % n
            if self.items[self.focus].enabled:
                break
        self._paint_focus()

    # -- drawing --------------------------------------------------------------------------
    def _build(self, keep_focus: bool = False) -> None:
        if self.content is not None:
            self.content.removeNode()
        self.content = self.root.attachNewNode("content")
        self.items = []
        self.texts = []
        feedback = self.feedback
        presented = feedback.presented if feedback is not None else self.session.current
        if presented is None:
            return
        lang, big = self.lang, self.type_scale
        left, right = -WIDTH / 2, WIDTH / 2
        self._order = FIRST_ORDER
        self._base_card = self._card((left, right, -HEIGHT / 2, HEIGHT / 2), PANEL_COLOR, parent=self.content)
        self._focus_card = self._base_card.attachNewNode("focus")
        heading = (
            f"{phrase('question_of', lang, n=presented.position + 1, total=len(self.session.questions))}"
            f" · {phrase(f'kind_{presented.kind}', lang)}"
        )
        self._text(heading, (left + 0.05, 0.43), 0.04 * big, GOLD)
        self._countdown = None
        limit = self._time_limit(presented)
        if feedback is None and limit is not None:
            left_s = limit - (self.clock() - self._shown_at)
            self._countdown = self._text(f"{max(0, math.ceil(left_s))}", (right - 0.08, 0.41), 0.07, GOLD, center=True)
        self._text(presented.stem(lang), (left + 0.05, 0.35), 0.06 * big, WHITE, wrap=WIDTH - 0.1, height=0.17)
        bottom_of_options = self._build_options(presented, feedback, left, right)
        button_rect = (right - 0.45, right - 0.05, -0.47, -0.37)
        if feedback is None:
            if presented.multiple:
                enabled = bool(self.selected)
                frame, ink = PRIMARY if enabled else BUTTON_COLORS["disabled"]
                self._card(button_rect, frame)
                self._text(phrase("submit", lang), self._label_pos(button_rect), 0.05, ink, center=True)
                self.items.append(_Item("submit", button_rect, enabled=enabled))
        else:
            self._build_feedback(feedback, left, bottom_of_options, button_rect)
        if not keep_focus or self.focus >= len(self.items):
            self.focus = next((i for i, it in enumerate(self.items) if it.enabled), 0)
        self._paint_focus()

    def _build_options(self, presented: Presented, feedback: Feedback | None, left: float, right: float) -> float:
        """The answer rows, coloured by what was chosen and what is right; where they end."""
        right_shown = set(presented.correct_shown())
        options = list(zip(presented.letters(), presented.options(self.lang), strict=True))
        top, row_h, gap = 0.20, 0.085, 0.02
        if len(options) > 4:
            row_h = (0.20 + 0.13 - (len(options) - 1) * gap) / len(options)
        for k, (letter, text) in enumerate(options):
            y1 = top - k * (row_h + gap)
            rect = (left + 0.05, right - 0.05, y1 - row_h, y1)
            state = "selected" if k in self.selected else "normal"
            if feedback is not None:
                state = (
                    ("correct" if k in feedback.chosen else "missed")
                    if k in right_shown
                    else ("wrong" if k in feedback.chosen else "normal")
                )
            frame, ink = BUTTON_COLORS[state]
            self._card(rect, frame)
            # a long answer takes two lines, smaller if it must, centred in its row
            size = 0.045 * self.type_scale
            label = fit(self.font, f"{letter}. {text}", rect[1] - rect[0] - 0.06, row_h - 0.008, size)
            baseline = label.centred_baseline((rect[2] + rect[3]) / 2)
            self._text(f"{letter}. {text}", (rect[0] + 0.03, baseline), label.scale, ink, fitted=label)
            self.items.append(_Item(f"opt:{k}", rect, enabled=feedback is None))
        return top - len(options) * (row_h + gap)

    def _build_feedback(self, feedback: Feedback, left: float, bottom_of_options: float,
                        button_rect: tuple[float, float, float, float]) -> None:
        """The verdict, the right answer and the explanation under the options, and continue."""
        lang = self.lang
        verdict = (
            phrase("timed_out", lang)
            if feedback.timed_out
            else phrase("correct", lang)
            if feedback.correct
            else phrase("partly", lang)
            if feedback.credit > 0
            else phrase("wrong", lang)
        )
        lines = [verdict, phrase("answer_is", lang, letters=feedback.answer_letters())]
        if feedback.explanation is not None:
            lines.append(phrase("explanation", lang, text=feedback.explanation.get(lang) or ""))
        first_baseline = bottom_of_options - 0.02
        self._text(
            "\n".join(lines),
            (left + 0.05, first_baseline),
            0.036 * self.type_scale,
            CREAM,
            wrap=WIDTH - 0.6,
            height=first_baseline + 0.75 * 0.036 - (-HEIGHT / 2 + 0.03),  # down to the card's edge
        )
        onward = phrase("done" if self.session.last else "next", lang)
        self._card(button_rect, PRIMARY[0])
        self._text(onward, self._label_pos(button_rect), 0.05, PRIMARY[1], center=True)
        self.items.append(_Item("continue", button_rect))

    def _paint_focus(self) -> None:
        """A gold frame behind the focused item."""
        holder = self._focus_card
        if holder is None or not self.items:
            return
        holder.node().removeAllChildren()
        left, right, bottom, top = self.items[self.focus].rect
        pad = 0.015
        frame = self._card((left - pad, right + pad, bottom - pad, top + pad), FOCUS_COLOR, parent=holder)
        frame.setBin("fixed", FOCUS_ORDER)

    @staticmethod
    def _label_pos(rect: tuple[float, float, float, float]) -> tuple[float, float]:
        return ((rect[0] + rect[1]) / 2, (rect[2] + rect[3]) / 2 - 0.017)

    def _card(self, rect: tuple[float, float, float, float], color: Color, parent: NodePath | None = None) -> NodePath:
        from panda3d.core import CardMaker

        maker = CardMaker("card")
        maker.setFrame(*rect)
        node = (parent or self._base_card).attachNewNode(maker.generate())  # type: ignore[union-attr]
        node.setColor(*color)
        node.setBin("fixed", 0 if parent is self.content else self._next_order())
        return node

    def _next_order(self) -> int:
        self._order += 1
        return self._order

    def _text(
        self,
        text: str,
        pos: tuple[float, float],
        scale: float,
        color: Color,
        *,
        wrap: float | None = None,
        height: float | None = None,
        center: bool = False,
        fitted: Fitted | None = None,
    ) -> Any:
        """A text at ``pos`` (its first baseline); with ``wrap`` broken into lines that
        wide, and with ``height`` too set smaller if it must to stay in that height
        (or as ``fitted`` already)."""
        from panda3d.core import TextNode

        self.texts.append(text)
        shown = text
        if fitted is not None:
            shown, scale = fitted.text, fitted.scale
        elif wrap:
            fitted = fit(self.font, text, wrap, height if height is not None else math.inf, scale)
            shown, scale = fitted.text, fitted.scale
        node = TextNode("text")
        node.setFont(self.font)
        node.setText(shown)
        node.setTextColor(*color)
        node.setAlign(TextNode.ACenter if center else TextNode.ALeft)
        np_ = self._base_card.attachNewNode(node)  # type: ignore[union-attr]
        np_.setScale(scale)
        np_.setPos(pos[0], 0.0, pos[1])
        np_.setBin("fixed", self._next_order())
        return node


__all__ = ["InWorldQuizPanel", "Pointer", "WindowMouse", "window_pointers"]
