"""Renderer benchmark: offscreen at 1280x720 on this machine.

Targets (issue: renderer):
- frames per second of each bundled scene >= 0.8 x a bare Panda3D scene of the same
  triangle count, both measured here in the same run;
- video export >= 15 frames/s at 1280x720;
- cold start to the first still < 3 s (a fresh ``exhibit still`` process; narration built);
- Python cost of applying one frame's state < 1 ms;
- peak memory < 600 MB.
With ``--sbs`` (for machines with a GPU) also frames per second of side-by-side stereo at
2 x 1832x1920 (goal 90+).

    python benchmarks/render.py [--frames N] [--sbs] [--scene NAME ...]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("ALSOFT_DRIVERS", "null")

SIZE = (1280, 720)
SBS_SIZE = (2 * 1832, 1920)
TARGET_RATIO = 0.8
TARGET_EXPORT_FPS = 15.0
TARGET_COLD_START = 3.0
TARGET_APPLY_MS = 1.0
TARGET_PEAK_MB = 600.0
TARGET_SBS_FPS = 90.0

results: list[tuple[str, str, str, bool | None]] = []


def report(name: str, figure: str, target: str, ok: bool | None) -> None:
    verdict = "PASS" if ok else ("FAIL" if ok is not None else "n/a")
    results.append((name, figure, target, ok))
    print(f"  {name:<44} {figure:>16}   target {target:<14} {verdict}", flush=True)


def triangles(root) -> int:  # type: ignore[no-untyped-def]
    """Triangles under ``root`` that are drawn (hidden nodes do not count)."""
    total = 0
    for np_ in root.findAllMatches("**/+GeomNode"):
        if np_.isHidden():
            continue
        node = np_.node()
        for i in range(node.getNumGeoms()):
            geom = node.getGeom(i)
            for j in range(geom.getNumPrimitives()):
                prim = geom.getPrimitive(j)
                total += prim.getNumFaces() if hasattr(prim, "getNumFaces") else 0
    return total


def render_rate(frame, frames: int) -> float:  # type: ignore[no-untyped-def]
    """Frames per second of ``frame(i)`` (which draws one frame), after a short warm-up."""
    for i in range(5):
        frame(i)
    started = time.perf_counter()
    for i in range(frames):
        frame(i)
    return frames / (time.perf_counter() - started)


def bare_scene_fps(app, tris: int, frames: int, camera) -> float:  # type: ignore[no-untyped-def]
    """A bare Panda3D scene: one lit grid of ``tris`` triangles, no shaders, the same size."""
    import math

    from panda3d.core import (
        AmbientLight,
        Camera,
        DirectionalLight,
        Geom,
        GeomNode,
        GeomTriangles,
        GeomVertexData,
        GeomVertexFormat,
        GeomVertexWriter,
        NodePath,
        PerspectiveLens,
    )

    side = max(2, int(math.sqrt(max(tris, 2) / 2)) + 1)
    vdata = GeomVertexData("grid", GeomVertexFormat.getV3n3c4(), Geom.UHStatic)
    vdata.setNumRows(side * side)
    vw, nw, cw = (
        GeomVertexWriter(vdata, "vertex"),
        GeomVertexWriter(vdata, "normal"),
        GeomVertexWriter(vdata, "color"),
    )
    extent = 2000.0
    for y in range(side):
        for x in range(side):
            px, py = (x / (side - 1) - 0.5) * extent, (y / (side - 1) - 0.5) * extent
            vw.addData3(px, py, 8 * math.sin(px * 0.02) * math.cos(py * 0.02))
            nw.addData3(0, 0, 1)
            cw.addData4(0.4, 0.5, 0.35, 1)
    prim = GeomTriangles(Geom.UHStatic)
    made = 0
    for y in range(side - 1):
        for x in range(side - 1):
            if made >= tris:
                break
            a = y * side + x
            prim.addVertices(a, a + 1, a + side)
            made += 1
            if made < tris:
                prim.addVertices(a + 1, a + side + 1, a + side)
                made += 1
    geom = Geom(vdata)
    geom.addPrimitive(prim)
    node = GeomNode("grid")
    node.addGeom(geom)
    scene = NodePath("bare")
    scene.attachNewNode(node)
    sun = scene.attachNewNode(DirectionalLight("sun"))
    sun.setHpr(30, -50, 0)
    amb = scene.attachNewNode(AmbientLight("amb"))
    amb.node().setColor((0.4, 0.4, 0.4, 1))
    scene.setLight(sun)
    scene.setLight(amb)
    lens = PerspectiveLens()
    vfov = math.degrees(2 * math.atan(math.tan(math.radians(camera.fov) / 2) * SIZE[1] / SIZE[0]))
    lens.setFov(camera.fov, vfov)
    lens.setNearFar(0.1, 5000)
    cam = scene.attachNewNode(Camera("cam", lens))
    cam.setPosHpr(*camera.pos, *camera.hpr)
    out = app.open_output(SIZE, onscreen=False)
    out.setClearColor((0.7, 0.8, 0.9, 1))
    region = out.makeDisplayRegion()
    region.setCamera(cam)
    try:

        def frame(i: int) -> None:
            cam.setH(camera.hpr[0] + 0.01 * i)
            app.render_frame()

        return render_rate(frame, frames)
    finally:
        app.close_output(out)
        scene.removeNode()


def scene_benchmarks(names: list[str], frames: int) -> None:
    from exhibit.render.app import shared_app
    from exhibit.render.player import Player

    app = shared_app(audio=False)
    for name in names:
        print(f"{name}:", flush=True)
        with Player(
            ROOT, display="offscreen", size=SIZE, audio=False, quiz=False, progress=None
        ) as player:
            player.load(name)
            tl = player.timeline
            # Frames spread over the whole scene, as a visitor sees it.
            times = [tl.duration * (i + 0.5) / frames for i in range(frames)]
            middle = times[len(times) // 2]
            player.step(middle)
            tris = max(triangles(player.scene_root), 1)
            camera = tl.state(middle).camera
            fps = render_rate(lambda i, p=player, ts=times: p.step(ts[i % len(ts)]), frames)
            # Python cost of applying one frame (world + rig + overlay), no drawing.
            costs, state_costs = [], []
            for t in times * 3:
                s0 = time.perf_counter()
                frame = tl.state(t)
                s1 = time.perf_counter()
                player.apply(frame)
                s2 = time.perf_counter()
                state_costs.append(s1 - s0)
                costs.append(s2 - s1)
        bare = bare_scene_fps(app, tris, frames, camera)
        report(f"{name}: frames/s ({tris:,} triangles)", f"{fps:.1f}", "-", None)
        report(f"{name}: bare Panda3D, same triangles", f"{bare:.1f}", "-", None)
        report(
            f"{name}: ratio", f"{fps / bare:.2f}", f">= {TARGET_RATIO}", fps / bare >= TARGET_RATIO
        )
        apply_ms = statistics.mean(costs) * 1000
        p95 = sorted(costs)[int(len(costs) * 0.95)] * 1000
        report(
            f"{name}: apply one frame, mean (p95 {p95:.2f} ms)",
            f"{apply_ms:.3f} ms",
            f"< {TARGET_APPLY_MS} ms",
            apply_ms < TARGET_APPLY_MS,
        )
        report(
            f"{name}: timeline.state(t), mean (reference)",
            f"{statistics.mean(state_costs) * 1000:.3f} ms",
            "-",
            None,
        )


def export_benchmark(name: str, frames: int) -> None:
    from exhibit.render.export import VideoSpec, export_video
    from exhibit.render.player import Player

    print(f"export ({name}):", flush=True)
    with Player(
        ROOT, display="offscreen", size=SIZE, audio=False, quiz=False, progress=None
    ) as player:
        player.load(name)
        start = min(20.0, player.timeline.duration / 3)
        spec = VideoSpec(SIZE, 30.0, start, start + frames / 30.0)
        with tempfile.TemporaryDirectory() as tmp:
            result = export_video(player, Path(tmp) / "bench.mp4", spec, progress=False)
    fps = result.frames_per_second
    report(
        f"export H.264+AAC 1280x720 ({result.frames} frames)",
        f"{fps:.1f} frames/s",
        f">= {TARGET_EXPORT_FPS}",
        fps >= TARGET_EXPORT_FPS,
    )


def cold_start(name: str) -> None:
    print("cold start:", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "first.png"
        cmd = [
            sys.executable,
            "-m",
            "exhibit",
            "--root",
            str(ROOT),
            "still",
            name,
            "--at",
            "10",
            "-o",
            str(out),
            "--size",
            f"{SIZE[0]}x{SIZE[1]}",
        ]
        env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
        subprocess.run(
            cmd, env=env, capture_output=True, check=True
        )  # builds the narration if needed
        out.unlink()
        started = time.perf_counter()
        subprocess.run(cmd, env=env, capture_output=True, check=True)
        took = time.perf_counter() - started
        assert out.is_file()
    report(
        "process start to first still (1280x720)",
        f"{took:.2f} s",
        f"< {TARGET_COLD_START} s",
        took < TARGET_COLD_START,
    )


def sbs_benchmark(name: str, frames: int) -> None:
    from exhibit.render.player import Player

    print(f"sbs 2 x 1832x1920 ({name}):", flush=True)
    with Player(
        ROOT, display="sbs", size=SBS_SIZE, audio=False, quiz=False, progress=None
    ) as player:
        player.load(name)
        tl = player.timeline
        times = [tl.duration * (i + 0.5) / frames for i in range(frames)]

        fps = render_rate(lambda i: player.step(times[i % len(times)]), frames)
    gpu = player.app.backend is not None and "llvmpipe" not in player.app.backend.renderer.lower()
    report(
        "sbs frames/s",
        f"{fps:.1f}",
        f">= {TARGET_SBS_FPS:g} (GPU)",
        (fps >= TARGET_SBS_FPS) if gpu else None,
    )


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--frames", type=int, default=120, help="frames per measurement (default 120)"
    )
    parser.add_argument("--scene", action="append", help="only these scenes (default: all bundled)")
    parser.add_argument(
        "--sbs", action="store_true", help="also side-by-side stereo at 2 x 1832x1920"
    )
    args = parser.parse_args()
    from exhibit.spec.project import Project

    names = args.scene or Project.at(ROOT).scene_names()
    print(
        f"renderer benchmark, {SIZE[0]}x{SIZE[1]} offscreen, scenes: {', '.join(names)}", flush=True
    )
    cold_start(names[0])
    scene_benchmarks(names, args.frames)
    from exhibit.render.app import shared_app

    print(
        f"renderer: {shared_app().backend.describe() if shared_app().backend else '?'}", flush=True
    )
    export_benchmark(names[0], args.frames)
    if args.sbs:
        sbs_benchmark(names[0], args.frames)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print("memory:", flush=True)
    report(
        "peak resident memory (this process)",
        f"{peak_mb:.0f} MB",
        f"< {TARGET_PEAK_MB:g} MB",
        peak_mb < TARGET_PEAK_MB,
    )
    failed = [r for r in results if r[3] is False]
    passed = sum(1 for r in results if r[3])
    print(f"\n{'FAIL' if failed else 'PASS'}: {passed} passed, {len(failed)} failed", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
