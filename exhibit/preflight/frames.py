"""What preflight learns by rendering a scene: stills, flashes, and the cost of a frame.

One pass through the scene with the engine's own renderer (offscreen, as
``exhibit still`` and ``exhibit render`` use it): every 1/fps seconds a frame's
luminance goes to the flash meter, at each chapter (each narration line's middle)
a still goes to the report, and there the visible geometry is counted, the
headset frame budget's inputs (draw calls and triangles, the same for each eye).
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from exhibit.preflight.flashes import FlashMeter
from exhibit.preflight.report import Finding, Status
from exhibit.spec.hall import Hall
from exhibit.spec.project import Project

if TYPE_CHECKING:
    from exhibit.narration.show import Show

#: draw calls and triangles a frame (each eye) that keep a headset class at its refresh
#: rate: standalone headsets (Quest-class mobile GPUs: Meta's guidance of about 200
#: draw calls and 750k triangles) and PC-driven ones (about 1000 and 2M).
HEADSET_BUDGETS = {"standalone": (200, 750_000), "pc": (1000, 2_000_000)}


@dataclass(frozen=True)
class Cost:
    draw_calls: int
    triangles: int


@dataclass
class RenderPass:
    subject: str
    stills: list[tuple[str, bytes]] = field(default_factory=list)
    costs: list[tuple[float, Cost]] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)


def frame_cost(root: object) -> Cost:
    """Visible geoms (one draw call each) and their triangles under ``root`` (a NodePath)."""
    calls = triangles = 0
    for np_ in root.findAllMatches("**/+GeomNode"):  # type: ignore[attr-defined]
        if np_.isHidden():
            continue
        node = np_.node()
        for g in range(node.getNumGeoms()):
            geom = node.getGeom(g)
            calls += 1
            for p in range(geom.getNumPrimitives()):
                triangles += geom.getPrimitive(p).getNumFaces()
    return Cost(calls, triangles)


def chapters(timeline: object) -> list[tuple[str, float]]:
    """A still per chapter: the middle of each narration line (the scene's middle without any)."""
    lines = getattr(timeline, "lines", ())
    if not lines:
        return [("middle", getattr(timeline, "duration", 0.0) / 2)]
    return [(f"{line.id} ({(line.start + line.end) / 2:.1f} s)", (line.start + line.end) / 2) for line in lines]


def render_scene(
    project: Project,
    hall: Hall,
    show: Show,
    *,
    fps: float,
    size: tuple[int, int],
    progress: Callable[[float], None] | None = None,
) -> RenderPass:
    from exhibit.render.export import save_png
    from exhibit.render.player import Player

    timeline = show.timeline
    subject = f"{timeline.scene.scene_id} ({timeline.lang})"
    result = RenderPass(subject)
    meter = FlashMeter.start(subject)
    wanted = chapters(timeline)
    with (
        Player(project, hall, display="offscreen", size=size, audio=False, quiz=False) as player,
        tempfile.TemporaryDirectory() as tmp,
    ):
        player.load(show)
        capture = player.displays.capture()
        player.app.use_frame_clock(fps)
        try:
            player.seek(0.0, inclusive=True)
            frames = int(timeline.duration * fps) + 1
            next_still = 0
            for i in range(frames):
                t = i / fps
                while next_still < len(wanted) and wanted[next_still][1] <= t:
                    title, at = wanted[next_still]
                    player.step(at)
                    png = Path(tmp) / f"{next_still}.png"
                    save_png(capture, png)
                    result.stills.append((title, png.read_bytes()))
                    result.costs.append((at, frame_cost(player.scene_root)))
                    next_still += 1
                player.step(t)
                meter.add(t, capture.pixels("RGB"))
                if progress is not None:
                    progress(t)
        finally:
            player.app.use_real_clock()
    result.findings += meter.findings(fps)
    return result


def budget_findings(subject: str, costs: list[tuple[float, Cost]], hall: Hall, headset: str) -> list[Finding]:
    """The heaviest frame against the headset class's budget; a failure only where the hall is a headset hall."""
    if not costs:
        return []
    at, worst = max(costs, key=lambda c: (c[1].triangles, c[1].draw_calls))
    calls, tris = HEADSET_BUDGETS[headset]
    over = worst.draw_calls > calls or worst.triangles > tris
    text = (
        f"heaviest frame at {at:.1f} s: {worst.draw_calls} draw calls and {worst.triangles:,} triangles per eye "
        f"(budget for a {headset} headset: {calls} and {tris:,})"
    )
    if not over:
        return [Finding("comfort", subject, Status.PASS, text)]
    return [Finding("comfort", subject, Status.FAIL if hall.display.mode == "xr" else Status.NOTE, text)]
