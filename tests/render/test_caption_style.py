"""Caption display options from hall.yaml: size S/M/L/XL, a translucent or solid box, top or bottom.

The largest captions stay inside the safe area (3.5 % clear at each edge) on every kind
of display the engine drives: a window or projector (16:9), each eye of a side-by-side
screen (8:9), a projection wall of the example hall, a headset's caption layer, and a
4:3 projector.
"""

from __future__ import annotations

import dataclasses

import pytest

from exhibit.render.overlay import SAFE_MARGIN, Overlay
from exhibit.render.xr.display import OVERLAY_ASPECT
from exhibit.spec.hall import CaptionSettings, Hall
from exhibit.spec.scene import Scene
from exhibit.timeline.compile import compile as compile_timeline
from exhibit.timeline.frame import CaptionState, FrameState

WALL = Hall.model_validate(
    {
        "display": {
            "mode": "wall",
            "walls": [
                {
                    "name": "front",
                    "corners": {"ll": [-3, 3, -1.2], "lr": [3, 3, -1.2], "ul": [-3, 3, 2.2]},
                    "window": {"origin": [0, 0], "size": [1920, 1080]},
                }
            ],
        }
    }
)
ASPECTS = {
    "window": 1920 / 1080,
    "side-by-side eye": (1920 / 2) / 1080,
    "projection wall": WALL.display.walls[0].window.size[0] / WALL.display.walls[0].window.size[1],
    "headset": OVERLAY_ASPECT,
    "4:3 projector": 4 / 3,
}
EN = "On its last day, at the suggestion of Wang Huiwu,\nthe meeting moved to a pleasure boat on South Lake."
ZH = "会议转移到浙江嘉兴南湖的一艘游船上\n继续进行"


def _frame(*captions: tuple[str, str]) -> FrameState:
    scene = Scene.model_validate({"id": "s", "duration": 5})
    base = compile_timeline(scene, "zh").state(1.0)
    states = tuple(CaptionState(text, pos, 0.0, 5.0, "l" if pos == "bottom" else None) for text, pos in captions)
    return dataclasses.replace(base, captions=states)


def _box(style: CaptionSettings, aspect: float, text: str, position: str = "bottom") -> tuple[float, ...]:
    overlay = Overlay(aspect, style=style)
    try:
        overlay.apply(_frame((text, position)))
        placed = "top" if style.position == "top" and position == "bottom" else position
        box = overlay.caption_box(placed)
        assert box is not None
        return box
    finally:
        overlay.destroy()


@pytest.mark.parametrize("kind", sorted(ASPECTS))
@pytest.mark.parametrize("text", [EN, ZH], ids=["en", "zh"])
@pytest.mark.parametrize("position", ["bottom", "top"])
def test_xl_captions_stay_inside_the_safe_area(kind: str, text: str, position: str) -> None:
    left, right, top, bottom = _box(CaptionSettings(size="XL", position=position), ASPECTS[kind], text)
    lo, hi = SAFE_MARGIN - 1e-6, 1 - SAFE_MARGIN + 1e-6
    assert lo <= left < right <= hi and lo <= top < bottom <= hi, (kind, left, right, top, bottom)
    assert (top < 0.5) == (position == "top")


def test_each_size_is_larger_than_the_one_before() -> None:
    heights = [
        (lambda b: b[3] - b[2])(_box(CaptionSettings(size=size), ASPECTS["window"], ZH))
        for size in ("S", "M", "L", "XL")
    ]
    assert heights == sorted(heights) and heights[-1] > 1.4 * heights[1], heights


def test_a_solid_box_is_opaque_and_the_translucent_one_lets_the_picture_through() -> None:
    for box, alpha in (("solid", 1.0), ("translucent", 0.72)):
        overlay = Overlay(ASPECTS["window"], style=CaptionSettings(box=box))
        try:
            assert overlay.slots["bottom"].text.getCardColor()[3] == pytest.approx(alpha)
        finally:
            overlay.destroy()


def test_hall_yaml_takes_the_caption_options() -> None:
    hall = Hall.model_validate({"captions": {"size": "XL", "box": "solid", "position": "top"}})
    assert hall.captions == CaptionSettings(size="XL", box="solid", position="top")
