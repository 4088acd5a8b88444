"""Effects and show control figures: per-frame cost, a simulated day, and timing on the wire.

    python benchmarks/effects.py

The wire figures need OLA's olad (Debian 'ola'); without it they are skipped.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from exhibit.effects.bus import EffectsBus  # noqa: E402
from exhibit.effects.host import HEARTBEAT_TIMEOUT, EffectsHost  # noqa: E402
from exhibit.effects.link import LocalLink, UdpLink  # noqa: E402
from exhibit.effects.outputs import DmxOutput  # noqa: E402
from exhibit.effects.transport import RecordingTransport  # noqa: E402
from tests.effects.scenes import effect, hall, timeline  # noqa: E402

RESULTS: list[bool] = []


def report(name: str, value: float, unit: str, target: float, lower_is_better: bool = True) -> None:
    ok = value <= target if lower_is_better else value >= target
    RESULTS.append(ok)
    sign = "<=" if lower_is_better else ">="
    print(f"{name:<52} {value:10.3f} {unit:<6} target {sign} {target:<8} {'PASS' if ok else 'FAIL'}")


def frame_cost() -> None:
    names = ["wind", "mist", "spray", "snow", "heat", "scent", "strobe", "rumble", "bubbles"]
    effects = {n: {"output": "dmx", "universe": 1, "channel": i + 1, "latency": 0.1 * (i % 3)}
               for i, n in enumerate(names)}
    effects["seat"] = {"output": "dmx", "universe": 1, "channel": 20, "limits": {"pitch": 8, "roll": 8, "heave": 0.04}}
    h = hall(effects, {"dmx": {"kind": "artnet"}})
    keys = [{"at": 0, "pos": [0, -80, 6], "look_at": [0, 0, 20]},
            {"at": 60, "pos": [30, 0, 40], "look_at": [0, 60, 60], "ease": "in_out_cubic"},
            {"at": 110, "pos": [-20, 80, 25], "hpr": [180, -10, 0]}]
    cues = [effect(5.0 + 10 * i, n, 0.7, 20.0, fade=2.0) for i, n in enumerate(names)]
    cues.append(effect(3.0, "seat", 0.8, 100.0, fade=2.0, follow="camera"))
    tl = timeline(cues, duration=120.0, camera={"keys": keys})
    clock = [0.0]
    host = EffectsHost(h, {"dmx": DmxOutput("dmx", h.outputs["dmx"], RecordingTransport(keep=10))})
    bus = EffectsBus(h, LocalLink(host, lambda: clock[0]))
    frames = 120 * 50
    start = time.perf_counter()
    for k in range(frames):
        clock[0] = t = k / 50
        bus.update(tl, t)
    per_frame = (time.perf_counter() - start) / frames * 1000
    report("bus + safety + DMX per frame (10 channels, seat)", per_frame, "ms", 1.0)


def simulated_day() -> None:
    from tests.hall.rig import build
    from tests.hall.test_soak import HALL, SCENES

    with tempfile.TemporaryDirectory() as tmp:
        rig = build(Path(tmp), hall=HALL, scenes=SCENES, start=datetime(2025, 7, 4, 8, 55), frame=0.05,
                    idle_tick=1.0)
        start = time.perf_counter()
        rig.control.run(until=datetime(2025, 7, 4, 17, 5))
        wall = time.perf_counter() - start
        starts = rig.journal("show_start")
    report("8 simulated hours of shows (19), wall time", wall, "s", 60.0)
    report("latest scheduled start", max(abs(s["late_s"]) for s in starts) * 1000, "ms", 1.0)


def on_the_wire() -> None:
    try:
        from tests.effects.olad import ARTNET_UNIVERSE, Sampler, free_port, running_olad, wait_until
        from tests.effects.processes import effects_host, write_project
    except ImportError as exc:
        print(f"wire figures skipped: {exc}")
        return
    import shutil

    if shutil.which("olad") is None:
        print("wire figures skipped: olad is not installed (Debian package 'ola')")
        return
    spec = {"effects": {"wind": {"output": "dmx", "universe": ARTNET_UNIVERSE, "channel": 1, "latency": 0.1}},
            "outputs": {"dmx": {"kind": "artnet", "host": "127.0.0.1"}}}
    with tempfile.TemporaryDirectory() as tmp, running_olad() as olad:
        root = Path(tmp)
        hall_path = write_project(root, spec, {})
        port = free_port(2)
        with effects_host(root, hall_path, port):
            cue_times = [0.5 + 0.6 * k for k in range(10)]
            tl = timeline([effect(t, "wind", 1.0, 0.3) for t in cue_times], duration=7.0)
            link = UdpLink(port, source="bench")
            bus = EffectsBus(hall(**spec), link)
            with Sampler(olad, ARTNET_UNIVERSE) as wire:
                t0 = time.monotonic()
                while (t := time.monotonic() - t0) < 6.8:
                    bus.update(tl, t)
                    time.sleep(0.01)
                bus.release()
            series = [(t, v) for t, v in wire.series(1) if t >= t0]
            rises = [t - t0 for (_, a), (t, b) in zip(series, series[1:], strict=False) if a == 0 and b > 0]
            errors = [abs(r - (c - 0.1)) * 1000 for r, c in zip(rises, cue_times, strict=False)]
            if len(rises) == len(cue_times):
                report("cue on the wire, mean error (Art-Net via olad)", statistics.mean(errors), "ms", 50.0)
                report("cue on the wire, worst error", max(errors), "ms", 50.0)
            else:
                report(f"cues seen on the wire ({len(rises)} of {len(cue_times)})", len(rises), "", len(cue_times),
                       lower_is_better=False)
            # A player that stops talking: how long until zeros?
            lapses = []
            for _ in range(3):
                bus.update(tl, 0.55)
                wait_until(lambda: olad.dmx(ARTNET_UNIVERSE)[:1] == [255])
                quiet = time.monotonic()
                wait_until(lambda: olad.dmx(ARTNET_UNIVERSE)[0] == 0)
                lapses.append(time.monotonic() - quiet)
            report(f"player silent -> zeros on the wire (timeout {HEARTBEAT_TIMEOUT} s)", max(lapses), "s", 1.0)
            link.close()


if __name__ == "__main__":
    frame_cost()
    simulated_day()
    on_the_wire()
    print("ALL PASS" if all(RESULTS) else "SOME FAIL")
    sys.exit(0 if all(RESULTS) else 1)
