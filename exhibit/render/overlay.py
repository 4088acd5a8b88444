"""What is drawn over the picture: captions, title cards and the whole-view fade.

The overlay is its own small 2D scene with an orthographic camera; the
displays draw it on top of every view that shows captions (both eyes of a
stereo pair at zero parallax, one wall of a projection room). Coordinates: y
from -1 (bottom) to 1 (top), x from -aspect to aspect, like Panda3D's aspect2d.

Captions must be readable on snow, on a night sky and on a red boat alike, so
they are white on a translucent dark box with a drop shadow. Text changes only
when the caption does: building a text node every frame would cost more than
the rest of the frame's Python together.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from exhibit.timeline.frame import CaptionState, FrameState, TitleState

if TYPE_CHECKING:
    from panda3d.core import NodePath, TextFont, TextNode

    from exhibit.spec.hall import CaptionSettings

#: Caption letter size as a share of the view's height (2 units). About 1/28 of the
#: height per line of text: 26 px at 720p, 38 px at 1080p, readable from the back of a hall.
CAPTION_SCALE = 0.072
CAPTION_MARGIN = 0.07  # from the top or bottom edge, in overlay units (safe area)
CAPTION_BOX = (
    0.45,
    0.45,
    0.22,
    0.18,
)  # box margins around the text (left, right, bottom, top), in em
CAPTION_BOX_COLOR = (0.0, 0.0, 0.0, 0.72)  # white letters keep WCAG AA contrast even on snow
CAPTION_COLOR = (1.0, 1.0, 1.0, 1.0)
SHADOW_OFFSET = (0.06, 0.06)  # em
#: caption sizes a hall may choose (hall.yaml ``captions: {size: XL}``), as factors of CAPTION_SCALE
CAPTION_SIZES = {"S": 0.8, "M": 1.0, "L": 1.25, "XL": 1.5}
#: box opacity: translucent lets the picture show through, solid is for low-vision visitors
CAPTION_BOX_ALPHA = {"translucent": CAPTION_BOX_COLOR[3], "solid": 1.0}
#: captions keep this share of the view's width and height clear at each edge (the safe area)
SAFE_MARGIN = CAPTION_MARGIN / 2
TITLE_SCALE = 0.16
SUBTITLE_SCALE = 0.075
TITLE_COLOR = (1.0, 0.96, 0.88, 1.0)
WIDTH_SHARE = 0.9  # captions wrap at this share of the view's width

# Draw order inside the overlay: the fade dims the picture, titles and captions stay readable on it.
FADE_SORT, TITLE_SORT, CAPTION_SORT = 0, 10, 20


def default_font() -> TextFont | None:
    """The bundled CJK font (Chinese must never show as boxes)."""
    try:
        from exhibit.render.fonts import cjk_font
    except ImportError:
        return None
    return cjk_font()


def _font_for(text: str, font: TextFont | None) -> TextFont | None:
    """``font``, or the Korean font for text with Hangul (the CJK font has none)."""
    try:
        from exhibit.render.fonts import font_for_text, text_language
    except ImportError:
        return font
    return font_for_text(text) if text_language(text) is not None else font


@dataclass
class _Slot:
    """One caption position (bottom, top, center) and what it shows now."""

    node: NodePath
    text: TextNode
    shown: str = ""


class Overlay:
    """Captions, title card and fade for one set of displays."""

    def __init__(self, aspect: float, font: TextFont | None = None, style: CaptionSettings | None = None) -> None:
        from panda3d.core import (
            Camera,
            CardMaker,
            NodePath,
            OrthographicLens,
            TextNode,
            TransparencyAttrib,
        )

        self._TextNode = TextNode
        self.aspect = aspect
        self.font = font if font is not None else default_font()
        self.captions_enabled = True
        #: sound captions (start, end, "[风声]") shown at the top when the style asks for them
        self.sound_captions: tuple[tuple[float, float, str], ...] = ()
        self.sounds_shown = style is not None and style.sounds
        self.caption_scale = CAPTION_SCALE * CAPTION_SIZES[style.size if style else "M"]
        self._box_alpha = CAPTION_BOX_ALPHA[style.box if style else "translucent"]
        self._swapped = style is not None and style.position == "top"  # narration at the top
        self.root: NodePath = NodePath("overlay")
        self.root.setDepthTest(False)
        self.root.setDepthWrite(False)
        self.root.setLightOff(1)
        self.root.setFogOff(1)
        self.root.setShaderOff(1)
        self.root.setTransparency(TransparencyAttrib.MAlpha)
        lens = OrthographicLens()
        lens.setFilmSize(2 * aspect, 2)
        lens.setNearFar(-100, 100)
        self.camera: NodePath = self.root.attachNewNode(Camera("overlay_camera", lens))

        cm = CardMaker("fade")
        cm.setFrame(-aspect - 0.01, aspect + 0.01, -1.01, 1.01)
        self.fade_card: NodePath = self.root.attachNewNode(cm.generate())
        self.fade_card.setColor(0, 0, 0, 1)
        self.fade_card.setBin("fixed", FADE_SORT)
        self.fade_card.hide()
        self._fade = 0.0

        self.title_root: NodePath = self.root.attachNewNode("title")
        self.title_root.setBin("fixed", TITLE_SORT)
        self._title_text = self._text_node("title", TITLE_SCALE, TITLE_COLOR, box=False)
        self._subtitle_text = self._text_node("subtitle", SUBTITLE_SCALE, TITLE_COLOR, box=False)
        self._title_np = self.title_root.attachNewNode(self._title_text)
        self._subtitle_np = self.title_root.attachNewNode(self._subtitle_text)
        self._title_np.setScale(TITLE_SCALE)
        self._subtitle_np.setScale(SUBTITLE_SCALE)
        self._title_key: tuple[str, str | None] | None = None
        self.title_root.hide()

        self.slots: dict[str, _Slot] = {}
        for position in ("bottom", "top", "center"):
            tn = self._text_node(f"caption_{position}", self.caption_scale, CAPTION_COLOR, box=True)
            node = self.root.attachNewNode(tn)
            node.setScale(self.caption_scale)
            node.setBin("fixed", CAPTION_SORT)
            node.hide()
            self.slots[position] = _Slot(node, tn)

    def _text_node(self, name: str, scale: float, color: tuple[float, float, float, float], box: bool) -> TextNode:
        tn = self._TextNode(name)
        if self.font is not None:
            tn.setFont(self.font)
        tn.setAlign(self._TextNode.ACenter)
        tn.setTextColor(*color)
        tn.setShadow(*SHADOW_OFFSET)
        tn.setShadowColor(0, 0, 0, 0.9)
        wrap = 2 * self.aspect * WIDTH_SHARE / scale
        if box and scale > CAPTION_SCALE:  # large captions: the box too stays inside the safe area
            wrap = min(wrap, 2 * self.aspect * (1 - 2 * SAFE_MARGIN) / scale - CAPTION_BOX[0] - CAPTION_BOX[1])
        tn.setWordwrap(wrap)
        if box:
            tn.setCardColor(*CAPTION_BOX_COLOR[:3], self._box_alpha)
            tn.setCardAsMargin(*CAPTION_BOX)
            tn.setCardDecal(True)
        return tn

    # -- applying a frame ----------------------------------------------------------------------

    def apply(self, frame: FrameState) -> None:
        self._apply_fade(frame.fade)
        self._apply_title(frame.title)
        self._apply_captions(self._with_sounds(frame) if self.captions_enabled else ())

    def _with_sounds(self, frame: FrameState) -> tuple[CaptionState, ...]:
        """The frame's captions and, when shown, the sound caption of this moment (at the top)."""
        if not self.sounds_shown:
            return frame.captions
        now = [CaptionState(text, "top", a, b) for a, b, text in self.sound_captions if a <= frame.t < b]
        return frame.captions + tuple(now[:1])

    def _apply_fade(self, fade: float) -> None:
        fade = max(0.0, min(1.0, fade))
        if fade == self._fade:
            return
        self._fade = fade
        if fade <= 0.0:
            self.fade_card.hide()
        else:
            self.fade_card.show()
            self.fade_card.setAlphaScale(fade)

    def _apply_title(self, title: TitleState | None) -> None:
        if title is None or title.opacity <= 0.0 or not title.text:
            self.title_root.hide()
            return
        key = (title.text, title.subtitle)
        if key != self._title_key:
            self._title_key = key
            self._layout_title(title.text, title.subtitle)
        self.title_root.show()
        self.title_root.setAlphaScale(max(0.0, min(1.0, title.opacity)))

    def _layout_title(self, text: str, subtitle: str | None) -> None:
        """Centre the title (and its subtitle under it) a little above the middle of the view.

        Only text that is set is measured: an empty TextNode has no bounds to measure.
        """
        gap = 0.06
        self._set_font(self._title_text, text)
        self._set_font(self._subtitle_text, subtitle or "")
        self._title_text.setText(text)
        title_top = self._title_text.getTop() * TITLE_SCALE
        title_h = title_top - self._title_text.getBottom() * TITLE_SCALE
        sub_h = 0.0
        if subtitle:
            self._subtitle_text.setText(subtitle)
            sub_h = gap + (self._subtitle_text.getTop() - self._subtitle_text.getBottom()) * SUBTITLE_SCALE
            self._subtitle_np.show()
        else:
            self._subtitle_text.clearText()
            self._subtitle_np.hide()
        top = (title_h + sub_h) / 2 + 0.08  # a little above the centre, where titles sit in film
        self._title_np.setZ(top - title_top)
        if subtitle:
            self._subtitle_np.setZ(top - title_h - gap - self._subtitle_text.getTop() * SUBTITLE_SCALE)

    def _apply_captions(self, captions: tuple[CaptionState, ...]) -> None:
        wanted: dict[str, list[str]] = {}
        swap = {"bottom": "top", "top": "bottom"} if self._swapped else {}
        for caption in captions:
            if caption.text:
                wanted.setdefault(swap.get(caption.position, caption.position), []).append(caption.text)
        for position, slot in self.slots.items():
            text = "\n".join(wanted.get(position, ()))
            if text == slot.shown:
                continue
            slot.shown = text
            if not text:
                slot.node.hide()
                continue
            self._set_font(slot.text, text)
            slot.text.setText(text)
            slot.node.setZ(self._caption_z(position, slot.text))
            slot.node.show()

    def _set_font(self, tn: TextNode, text: str) -> None:
        font = _font_for(text, self.font)
        if font is not None:
            tn.setFont(font)

    def _caption_z(self, position: str, tn: TextNode) -> float:
        box_bottom = float(tn.getBottom() - CAPTION_BOX[2]) * self.caption_scale
        box_top = float(tn.getTop() + CAPTION_BOX[3]) * self.caption_scale
        if position == "bottom":
            return -1.0 + CAPTION_MARGIN - box_bottom
        if position == "top":
            return 1.0 - CAPTION_MARGIN - box_top
        return -(box_top + box_bottom) / 2

    # -- what is on screen (for tests and the hall's status) ----------------------------------

    def shown(self) -> dict[str, Any]:
        return {
            "captions": {p: s.shown for p, s in self.slots.items() if s.shown},
            "title": self._title_key if not self.title_root.isHidden() else None,
            "fade": self._fade,
        }

    def caption_box(self, position: str = "bottom") -> tuple[float, float, float, float] | None:
        """Where the caption box is: (left, right, top, bottom) as shares of the view (0..1) from
        its top-left corner; None when nothing is shown there."""
        slot = self.slots[position]
        if not slot.shown:
            return None
        tn, z = slot.text, slot.node.getZ()
        left = (tn.getLeft() - CAPTION_BOX[0]) * self.caption_scale
        right = (tn.getRight() + CAPTION_BOX[1]) * self.caption_scale
        bottom = z + (tn.getBottom() - CAPTION_BOX[2]) * self.caption_scale
        top = z + (tn.getTop() + CAPTION_BOX[3]) * self.caption_scale
        a = self.aspect
        return (left + a) / (2 * a), (right + a) / (2 * a), (1 - top) / 2, (1 - bottom) / 2

    def destroy(self) -> None:
        self.root.removeNode()
