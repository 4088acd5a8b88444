"""Hotspots: objects with ``info:`` that a visitor selects to open an info card.

A click in any window casts a Panda3D collision ray through that view's own camera (a
wall's off-axis one, an eye of a side-by-side screen) into the world; the nearest object
hit that carries ``info`` opens its card (:class:`InfoCard`, the quiz panel's colours and
type), hung where the quiz panel hangs. A second select closes it, as does its
``timeout``; with ``pause: true`` the show holds while it is open and goes on after. A
selectable object under the pointer is marked with a small gold dot above it. A tap on a
touch screen is a click. In a headset, gaze and the trigger select through the same ray
test (:mod:`exhibit.render.xr.selection`).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from exhibit.render.card import Card
from exhibit.render.fonts import language_font
from exhibit.render.kiosk import CREAM, GOLD
from exhibit.render.quiz_panel import HEIGHT, WIDTH, window_pointers

if TYPE_CHECKING:
    from panda3d.core import NodePath, TextFont

    from exhibit.spec.scene import Info
    from exhibit.timeline.frame import Vec3

MARK_SIZE = 0.12  # metres across the gold dot that marks a selectable object under the pointer
MARK_ABOVE = 0.3  # metres above the object's top
HOTSPOT_BIT = 20  # the collide mask bit of hotspot geometry
HOVER_TASK = "exhibit-hotspot-hover"


class InfoCard(Card):
    """A hotspot's card: the title, the text, and the picture at the right when there is one."""

    def __init__(self, parent: NodePath, name: str, info: Info, lang: str, font: TextFont, picture: Any = None) -> None:
        super().__init__(parent, "info-card", font)
        self.name = name
        left, right, top = -WIDTH / 2, WIDTH / 2, HEIGHT / 2
        text_right = right - 0.05 if picture is None else 0.1
        self.text(
            info.title.get(lang) or "",
            (left + 0.05, top - 0.12),
            0.07,
            GOLD,
            width=text_right - left - 0.05,
            height=0.18,
        )
        self.text(
            info.text.get(lang) or "",
            (left + 0.05, top - 0.28),
            0.045,
            CREAM,
            width=text_right - left - 0.05,
            height=HEIGHT - 0.35,
        )
        if picture is not None:
            shown = self.card((0.15, right - 0.05, -HEIGHT / 2 + 0.05, top - 0.05), (1.0, 1.0, 1.0, 1.0))
            shown.setTexture(picture, 1)


CLICK_SLOP = 0.02  # how far (-1..1 across the view) the pointer may move in a click


class HotspotHost:
    """Selection of the player's hotspots by mouse; one card open at a time."""

    def __init__(self, player: Any, clock: Callable[[], float] = time.monotonic) -> None:
        from direct.showbase.DirectObject import DirectObject
        from panda3d.core import BitMask32, CollisionHandlerQueue, CollisionNode, CollisionRay, CollisionTraverser

        self.player = player
        self.clock = clock
        self.card: InfoCard | None = None
        self.opened_at = 0.0
        self.paused_show = False  # the card paused the show: it goes on when the card closes
        self.hovered: str | None = None
        self.anchor: NodePath | None = None  # where the card hangs in a headset: fixed in the hall
        self.mask = BitMask32.bit(HOTSPOT_BIT)
        self.ray = CollisionRay()
        picker = CollisionNode("hotspot-ray")
        picker.addSolid(self.ray)
        picker.setFromCollideMask(self.mask)
        picker.setIntoCollideMask(BitMask32.allOff())
        self.picker: NodePath = player.scene_root.attachNewNode(picker)
        self.queue = CollisionHandlerQueue()
        self.traverser = CollisionTraverser("hotspots")
        self.traverser.addCollider(self.picker, self.queue)
        self.marker = _marker(player.scene_root)
        self._events = DirectObject()
        self.pressed: tuple[float, float] | None = None
        self._events.accept("mouse1", self._press)
        self._events.accept("mouse1-up", self._release)
        player.app.base.taskMgr.add(self._task, HOVER_TASK)

    def hotspots(self) -> dict[str, NodePath]:
        """The world's nodes of the objects that carry ``info``, made hittable by the ray."""
        show, world = self.player.show, self.player.world
        if show is None or world is None:
            return {}
        found = {
            name: world.nodes[name]
            for name, obj in show.scene.objects.items()
            if obj.info is not None and name in world.nodes
        }
        for node in found.values():
            node.setCollideMask(self.mask)
        return found

    def object_at(self, x: float, y: float, camera: NodePath) -> str | None:
        """The nearest visible hotspot on the ray of ``camera``'s view through (x, y) (-1..1)."""
        spots = self.hotspots()
        if not spots:
            return None
        self.picker.reparentTo(camera)
        self.ray.setFromLens(camera.node(), x, y)
        found = self._first_hit(spots)
        return found[0] if found is not None else None

    def object_on_ray(self, origin: Vec3, direction: Vec3, frame: NodePath) -> tuple[str, float] | None:
        """The nearest visible hotspot on a ray given in ``frame``'s coordinates (a headset's
        head ray), and how far along the ray it is hit, in units of ``direction``'s length."""
        spots = self.hotspots()
        if not spots:
            return None
        self.picker.reparentTo(frame)
        self.ray.setOrigin(*origin)
        self.ray.setDirection(*direction)
        found = self._first_hit(spots)
        if found is None:
            return None
        name, point = found
        offset = [p - o for p, o in zip(point, origin, strict=True)]
        along = sum(a * b for a, b in zip(offset, direction, strict=True)) / sum(d * d for d in direction)
        return name, along

    def _first_hit(self, spots: dict[str, NodePath]) -> tuple[str, Vec3] | None:
        """The hotspot the picker's ray meets first, and where (in the picker's parent's frame)."""
        self.traverser.traverse(self.player.scene_root)
        self.queue.sortEntries()
        for entry in self.queue.entries:
            into = entry.getIntoNodePath()
            # the innermost hotspot holding what was hit: a part (a boat's cabin) before its whole
            holding = [(n.getNumNodes(), name) for name, n in spots.items() if n == into or n.isAncestorOf(into)]
            if holding:
                name = max(holding)[1]
                if not spots[name].isHidden():
                    p = entry.getSurfacePoint(self.picker.getParent())
                    return name, (p[0], p[1], p[2])
        return None

    def _pointer(self) -> tuple[float, float] | None:
        for pointer in window_pointers(self.player.displays.views):
            at = pointer.at()
            if at is not None:
                return float(at[0]), float(at[1])
        return None

    def _press(self) -> None:
        self.pressed = self._pointer()

    def _release(self) -> None:
        """A click selects; a drag (which turns the view) selects nothing."""
        pressed, self.pressed = self.pressed, None
        now = self._pointer()
        if pressed is not None and now is not None:
            if max(abs(now[0] - pressed[0]), abs(now[1] - pressed[1])) > CLICK_SLOP:
                return
        self.click()

    def _pointed(self) -> str | None:
        for pointer in window_pointers(self.player.displays.views):
            at = pointer.at()
            if at is not None:
                return self.object_at(*at, pointer.camera)
        return None

    def click(self) -> None:
        """A select in a window: closes the open card, else opens the card of what is under the pointer."""
        if self.card is not None:
            self.close()
            return
        name = self._pointed()
        if name is not None:
            self.select(name)

    def select(self, name: str, origin: str = "window") -> None:
        """Open ``name``'s card (a second select of anything closes it); ``origin`` says how it
        was selected (``window``: a click or a tap; in a headset ``gaze`` or ``trigger``)."""
        from exhibit.render.xr.selection import hang

        player = self.player
        info = player.show.scene.objects[name].info
        self.close()
        picture = player.app.base.loader.loadTexture(str(player.project.root / info.image)) if info.image else None
        self.anchor = hang(player, self.anchor)
        parent = self.anchor if self.anchor is not None else player.quiz.anchor
        font = language_font(player.overlay.font, player.show.lang)
        self.card = InfoCard(parent, name, info, player.show.lang, font, picture)
        self.opened_at = self.clock()
        if info.pause and player.status == "playing":
            player.pause()
            self.paused_show = True
        player.record_visit("hotspot", object=name, t=round(player.t, 3), origin=origin)
        player.tell(f"opened {name} at {player.t:.1f} s")

    def close(self) -> None:
        if self.card is None:
            return
        self.card.destroy()
        self.card = None
        if self.paused_show and self.player.status == "paused":
            self.player.play()
        self.paused_show = False

    def _task(self, task: Any) -> Any:
        self.tick()
        return task.cont

    def tick(self) -> None:
        """The card's timeout, and the brightening of the hotspot under the pointer."""
        player = self.player
        if self.card is not None and player.show is not None:
            info = player.show.scene.objects[self.card.name].info
            if info is None or self.clock() - self.opened_at >= info.timeout:
                self.close()
        if player.headset:  # the dot marks what the visitor looks at
            from exhibit.render.xr.selection import looked_at, point_at_scene

            point_at_scene(player)
            self.highlight(looked_at(player))
        elif player.world is not None and window_pointers(player.displays.views):  # a mouse to follow
            self.highlight(self._pointed())

    def highlight(self, hovered: str | None) -> None:
        """Mark hotspot ``hovered`` with a small gold dot just above it (None: no mark)."""
        if hovered == self.hovered:
            return
        self.hovered = hovered
        world = self.player.world
        found = world.bounds(hovered) if hovered is not None and world is not None else None
        if found is None:
            self.marker.hide()
            return
        low, high = found
        self.marker.setPos(world.root, (low.x + high.x) / 2, (low.y + high.y) / 2, high.z + MARK_ABOVE)
        self.marker.show()

    def destroy(self) -> None:
        self.close()
        self._events.ignoreAll()
        self.player.app.base.taskMgr.remove(HOVER_TASK)
        self.picker.removeNode()
        self.marker.removeNode()
        if self.anchor is not None:
            self.anchor.removeNode()


def _marker(parent: NodePath) -> NodePath:
    """The hover mark: a small gold dot that always faces the viewer, unlit, drawn over the world."""
    from panda3d.core import CardMaker

    maker = CardMaker("hotspot-mark")
    half = MARK_SIZE / 2
    maker.setFrame(-half, half, -half, half)
    mark = parent.attachNewNode(maker.generate())
    mark.setColor(*GOLD)
    mark.setBillboardPointEye()
    for off in (mark.setLightOff, mark.setFogOff, mark.setShaderOff):
        off(1)
    mark.setBin("fixed", 0)
    mark.setDepthTest(False)
    mark.hide()
    return mark
