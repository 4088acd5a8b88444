"""A hall on simulated time for show-control tests: a project on disk, sim effects, a fake clock."""

from __future__ import annotations

import wave
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from exhibit.effects.bus import EffectsBus
from exhibit.effects.host import EffectsHost
from exhibit.effects.journal import Journal, read_journal
from exhibit.effects.link import LocalLink
from exhibit.effects.outputs import SimOutput
from exhibit.hall.catalogue import Catalogue
from exhibit.hall.clock import SimulatedClock
from exhibit.hall.control import HallControl
from exhibit.hall.playback import TimelinePlayback
from exhibit.spec.project import Project
from tests.effects.processes import write_project
from tests.effects.scenes import effect

FRIDAY_MORNING = datetime(2025, 7, 4, 8, 58)


def scene(name: str, duration: float = 60.0, cues: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {"id": name, "languages": ["zh", "en"], "duration": duration,
            "cues": cues if cues is not None else [effect(5.0, "wind", 0.8, 10.0),
                                                   {"at": 8.0, "do": "sound", "file": "audio/sounds/x.wav"}]}


SCENES = {"alpha": scene("alpha"), "beta": scene("beta", 45.0, [effect(2.0, "mist", 0.5, 3.0)]),
          "idle": scene("idle", 30.0, [effect(1.0, "wind", 1.0, 20.0)])}
HALL: dict[str, Any] = {
    "hall": "test_hall",
    "effects": {"wind": {}, "mist": {"max_on": 8}, "seat": {}, "spray": {"interlock": ["doors_open"]}},
    "inputs": ["doors_open"],
    "schedule": [{"from": "09:00", "to": "10:00", "every": 20, "playlist": ["alpha", "beta"]}],
    "attract": "idle",
}


def write_hall_project(root: Path, hall: dict[str, Any], scenes: dict[str, Any]) -> Path:
    """The project on disk, with the one sound file the test scenes use."""
    path = write_project(root, hall, scenes)
    sound = root / "audio" / "sounds" / "x.wav"
    sound.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(sound), "wb") as w:  # 0.1 s of silence
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(22050)
        w.writeframes(bytes(4410))
    return path


@dataclass
class Rig:
    control: HallControl
    clock: SimulatedClock
    sim: SimOutput
    host: EffectsHost
    root: Path
    frames: list[Any] = field(default_factory=list)

    def advance_to(self, when: datetime) -> None:
        """Run the hall's loop (as ``run`` does) until the clock reaches ``when``."""
        while self.clock.now() < when:
            self.control.tick()
            step = self.control.interval()
            left = (when - self.clock.now()).total_seconds()
            self.clock.wait(min(step, left) if step > 0 else min(1e-3, left))
        self.control.tick()

    def advance(self, seconds: float) -> None:
        self.advance_to(self.clock.now() + timedelta(seconds=seconds))

    def journal(self, event: str | None = None) -> list[dict[str, Any]]:
        records = read_journal(self.root / "var" / "log" / "hall.jsonl")
        return [r for r in records if event is None or r["event"] == event]

    def level(self, name: str) -> float:
        return self.sim.levels.get(name, 0.0)


def build(root: Path, hall: dict[str, Any] | None = None, scenes: dict[str, Any] | None = None,
          start: datetime = FRIDAY_MORNING, **kwargs: Any) -> Rig:
    write_hall_project(root, hall if hall is not None else HALL, scenes if scenes is not None else SCENES)
    project = Project.at(root)
    loaded = project.load_hall()
    assert loaded.model is not None, loaded.diagnostics
    model = loaded.model
    clock = SimulatedClock(start)
    host = EffectsHost(model, {}, Journal(None))
    bus = EffectsBus(model, LocalLink(host, clock.monotonic))
    journal = Journal(root / "var" / "log" / "hall.jsonl", now=clock.now)
    catalogue = Catalogue(project, model)
    control = HallControl(project, model, clock=clock, bus=bus, playback=TimelinePlayback(catalogue, clock),
                          journal=journal, catalogue=catalogue, **kwargs)
    sim = host.outputs["sim"]
    assert isinstance(sim, SimOutput)
    return Rig(control, clock, sim, host, root)
