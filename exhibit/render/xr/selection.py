"""Hotspots and choices in a headset: selected by looking (1.5 s) or by the trigger.

The headset's one *select* action (:mod:`exhibit.render.xr.interaction`) reaches the
scene's options and hotspots whenever the in-scene quiz does not hold it: a choice's
options are rectangles on its panel; a hotspot is hit where the head ray meets its
geometry (the same collision test a click in a window uses). A card or a choice panel
that hung in front of the head could never be looked *at*, so in a headset both are
fixed in the hall ahead of where the visitor looks when they open (:func:`hang`).

An open info card is read by looking at it, so looking does not close it: the trigger
on the card does, or its timeout. Selections are journalled with how they were made
(``gaze`` or ``trigger``); the record's display is ``xr``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from exhibit.render.quiz_panel import HEIGHT, WIDTH
from exhibit.render.xr.interaction import Hit, HitTest, Ray, Select
from exhibit.render.xr.quiz import place_in_front, rect_in_world

if TYPE_CHECKING:
    from panda3d.core import NodePath

    from exhibit.render.xr.display import XrDisplays

CARD = "card"  # the open info card's target
OPTION = "option"  # a choice's option: ("option", k) with k from 1
HOTSPOT = "hotspot"  # an object with info: ("hotspot", name)


def hang(player: Any, anchor: NodePath | None) -> NodePath | None:
    """Where a card or a choice panel hangs: None on a monitor (the quiz's anchor, before the
    head); in a headset ``anchor`` (made the first time), fixed in the hall ahead of the head."""
    if not player.headset:
        return anchor
    if anchor is None:
        anchor = player.rig.origin.attachNewNode("xr_card_anchor")
    place_in_front(anchor, player.rig)
    return anchor


def scene_targets(player: Any) -> list[HitTest]:
    """What the head ray can select now: the options of the choice on offer, the open card,
    and (no card open) the objects with ``info``."""
    root = player.rig.world_root
    tests: list[HitTest] = []
    panel = player.choices.panel
    if panel is not None:
        tests += [rect_in_world((OPTION, k + 1), panel.root, rect, root).hit for k, rect in enumerate(panel.rows)]
    host = player.hotspots
    if host is None:
        return tests
    if host.card is not None:
        tests.append(rect_in_world(CARD, host.card.root, (-WIDTH / 2, WIDTH / 2, -HEIGHT / 2, HEIGHT / 2), root).hit)
    else:
        tests.append(lambda ray: _hotspot_hit(host, ray, root))
    return tests


def _hotspot_hit(host: Any, ray: Ray, root: NodePath) -> Hit | None:
    found = host.object_on_ray(ray.origin, ray.direction, root)
    if found is None:
        return None
    name, along = found
    o, d = ray.origin, ray.direction
    return Hit((HOTSPOT, name), along, (o[0] + d[0] * along, o[1] + d[1] * along, o[2] + d[2] * along))


def select_in_scene(player: Any, select: Select) -> None:
    """Act on a select of the scene: take the option, open the object's card, or (trigger on
    the card) close it."""
    kind, what = cast("tuple[str, Any]", select.target) if isinstance(select.target, tuple) else (select.target, None)
    host = player.hotspots
    if kind == OPTION and player.choices.panel is not None:
        player.choices.take(what, select.by)
    elif kind == CARD and host is not None and select.by == "trigger":
        host.close()
    elif kind == HOTSPOT and host is not None and host.card is None:
        host.select(what, select.by)


def point_at_scene(player: Any) -> None:
    """Let the headset's select reach the scene's hotspots and choices (once per displays)."""
    displays = cast("XrDisplays", player.displays)
    if displays.resting_for is not player:
        displays.rest_on(player, lambda: scene_targets(player), lambda select: select_in_scene(player, select))


def looked_at(player: Any) -> str | None:
    """The hotspot the visitor looks at now (its gold dot is shown), or None."""
    target = cast("XrDisplays", player.displays).gaze.target
    if isinstance(target, tuple) and target[0] == HOTSPOT:
        return cast(str, target[1])
    return None
