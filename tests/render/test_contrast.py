"""Every text colour the renderer draws meets WCAG 2.x AA contrast (4.5:1) against what is behind it.

The colours are the renderer's own constants (captions, the kiosk, the in-scene quiz
panel); a translucent box is composited over the worst background it may cover (pure
white snow or sky, pure black night), in sRGB as the frame buffer blends. Disabled
buttons are exempt, as WCAG exempts inactive controls.
"""

from __future__ import annotations

import pytest

from exhibit.render import kiosk, overlay, quiz_panel

AA = 4.5  # WCAG 2.x success criterion 1.4.3, normal text
Rgba = tuple[float, float, float, float]


def luminance(c: Rgba) -> float:
    def lin(v: float) -> float:
        return v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4

    return 0.2126 * lin(c[0]) + 0.7152 * lin(c[1]) + 0.0722 * lin(c[2])


def contrast(a: Rgba, b: Rgba) -> float:
    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def over(top: Rgba, under: Rgba) -> Rgba:
    a = top[3]
    return (*(t * a + u * (1 - a) for t, u in zip(top[:3], under[:3], strict=True)), 1.0)  # type: ignore[return-value]


WHITE_SKY: Rgba = (1.0, 1.0, 1.0, 1.0)
BLACK_NIGHT: Rgba = (0.0, 0.0, 0.0, 1.0)

PAIRS: dict[str, tuple[Rgba, Rgba]] = {
    "caption on its box over white": (overlay.CAPTION_COLOR, over(overlay.CAPTION_BOX_COLOR, WHITE_SKY)),
    "caption on its box over black": (overlay.CAPTION_COLOR, over(overlay.CAPTION_BOX_COLOR, BLACK_NIGHT)),
    "kiosk title (gold) on red": (kiosk.GOLD, kiosk.BACKGROUND),
    "kiosk text (cream) on red": (kiosk.CREAM, kiosk.BACKGROUND),
    "kiosk text (white) on red": (kiosk.WHITE, kiosk.BACKGROUND),
    "kiosk name entry (ink on cream)": (kiosk.INK, kiosk.CREAM),
    "kiosk leaderboard own row (ink on gold)": (kiosk.INK, kiosk.GOLD),
    "kiosk time-out warning (white on shade over red)": (kiosk.WHITE, over(kiosk.WARNING_SHADE, kiosk.BACKGROUND)),
    "primary button": (kiosk.PRIMARY[1], kiosk.PRIMARY[0]),
    **{
        f"answer button, {state}": (ink, frame)
        for state, (frame, ink) in kiosk.BUTTON_COLORS.items()
        if state != "disabled"
    },
    "quiz panel heading (gold)": (quiz_panel.FOCUS_COLOR, quiz_panel.PANEL_COLOR),
    "quiz panel question (white)": (kiosk.WHITE, quiz_panel.PANEL_COLOR),
    "quiz panel text (cream)": (kiosk.CREAM, quiz_panel.PANEL_COLOR),
    **{
        f"accessible kiosk: {name} on black": (kiosk.HIGH_CONTRAST[colour], kiosk.HC_BACKGROUND)
        for name, colour in (("gold", kiosk.GOLD), ("cream", kiosk.CREAM), ("white", kiosk.WHITE))
    },
    **{
        f"accessible kiosk: answer button, {state}": (
            kiosk.HIGH_CONTRAST.get(ink, ink),
            kiosk.HIGH_CONTRAST.get(frame, frame),
        )
        for state, (frame, ink) in {**kiosk.BUTTON_COLORS, "primary": kiosk.PRIMARY}.items()
        if state != "disabled"
    },
}


@pytest.mark.parametrize("name", sorted(PAIRS))
def test_text_colour_meets_wcag_aa(name: str) -> None:
    fg, bg = PAIRS[name]
    ratio = contrast(fg, bg)
    assert ratio >= AA, f"{name}: {ratio:.2f}:1, below WCAG AA {AA}:1"


def test_the_formula_gives_wcags_own_extremes() -> None:
    assert contrast(WHITE_SKY, BLACK_NIGHT) == pytest.approx(21.0)
    assert contrast(WHITE_SKY, WHITE_SKY) == pytest.approx(1.0)
