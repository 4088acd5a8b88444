"""The in-scene quiz in a headset: a panel fixed in the world, answered by select.

On a monitor the quiz panel hangs in front of the camera; in a headset a panel
that followed the head could never be looked *at*, so :func:`place_in_front`
fixes it in the hall, level, where the visitor looks when the quiz starts. Its
items (options, submit, continue) become select targets: looking at one for
1.5 s, or pressing a trigger while looking at it, focuses and selects it through
the panel's own ``select()`` (:class:`exhibit.render.quiz_panel.InWorldQuizPanel`).
"""

from __future__ import annotations

import math
from collections.abc import Hashable
from typing import TYPE_CHECKING, Any

from exhibit.render.xr.interaction import HitTest, Rectangle, Select

if TYPE_CHECKING:
    from panda3d.core import NodePath

    from exhibit.render.rig import Rig
    from exhibit.render.xr.display import XrDisplays

PANEL_DISTANCE = 1.6  # metres from the eyes, as on a monitor (the Player's QUIZ_DISTANCE)


def place_in_front(anchor: NodePath, rig: Rig, distance: float = PANEL_DISTANCE) -> None:
    """Fix ``anchor`` in the hall (under the rig's origin), ``distance`` ahead of the head's
    current heading at eye height, upright and facing the visitor."""
    anchor.reparentTo(rig.origin)
    head = rig.head
    h = math.radians(head.getH())
    x, y, z = head.getPos()
    anchor.setPos(x - math.sin(h) * distance, y + math.cos(h) * distance, z)
    anchor.setHpr(head.getH(), 0, 0)


def rect_in_world(
    target: Hashable, card: NodePath, rect: tuple[float, float, float, float], world_root: NodePath
) -> Rectangle:
    """A card's rectangle (left, right, bottom, top in the card's units) in world coordinates."""
    from panda3d.core import Point3, Vec3

    left, right, bottom, top = rect
    corner = world_root.getRelativePoint(card, Point3(left, 0, bottom))
    width = world_root.getRelativeVector(card, Vec3(right - left, 0, 0))
    height = world_root.getRelativeVector(card, Vec3(0, 0, top - bottom))
    return Rectangle(target, tuple(corner), tuple(width), tuple(height))


def panel_targets(panel: Any, world_root: NodePath) -> list[HitTest]:
    """Hit tests, in world coordinates, for the panel's enabled items (ids like ``opt:0``)."""
    if panel.done:
        return []
    return [rect_in_world(item.id, panel.root, item.rect, world_root).hit for item in panel.items if item.enabled]


def select_on_panel(panel: Any, select: Select) -> bool:
    """Focus the selected item and act on it, as a keyboard's Enter would."""
    ids = [item.id for item in panel.items]
    if select.target not in ids:
        return False
    panel.focus = ids.index(select.target)
    return bool(panel.select())


def point_at_quiz(displays: XrDisplays, panel: Any, world_root: NodePath) -> None:
    """While ``panel`` is open, the headset's select answers it."""
    displays.set_targets(
        lambda: panel_targets(panel, world_root), lambda select: select_on_panel(panel, select)
    )


def stop_pointing(displays: XrDisplays) -> None:
    """The quiz is over: the headset's select goes back to the scene (hotspots, choices)."""
    displays.rest()
