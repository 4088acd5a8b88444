"""A hall running on real time in a thread, with its remote control listening on free ports."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from exhibit.effects.bus import EffectsBus
from exhibit.effects.host import EffectsHost
from exhibit.effects.journal import Journal, read_journal
from exhibit.effects.keeper import PanicResult
from exhibit.effects.link import LocalLink
from exhibit.effects.outputs import SimOutput
from exhibit.hall.catalogue import Catalogue
from exhibit.hall.clock import SystemClock
from exhibit.hall.control import HallControl
from exhibit.hall.playback import TimelinePlayback
from exhibit.hall.remote import OscRemote
from exhibit.hall.web import HttpRemote
from exhibit.spec.project import Project
from tests.effects.olad import free_port
from tests.hall.rig import HALL, SCENES, write_hall_project


@dataclass
class LiveHall:
    control: HallControl
    osc: OscRemote
    http: HttpRemote
    sim: SimOutput
    root: Path

    def journal(self, event: str | None = None) -> list[dict[str, Any]]:
        records = read_journal(self.root / "var" / "log" / "hall.jsonl")
        return [r for r in records if event is None or r["event"] == event]

    def level(self, name: str) -> float:
        return self.sim.levels.get(name, 0.0)


def eventually(check: Callable[[], Any], timeout: float = 3.0) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(0.01)


@contextmanager
def live_hall(root: Path, token: str | None = None,
              emergency: Callable[[], PanicResult] | None = None, **hall: Any) -> Iterator[LiveHall]:
    """``hall`` overrides hall.yaml's sections; ``http`` adds to the web endpoint (``public``, ``bind``)."""
    web = {"port": free_port(), "token": token, **hall.pop("http", {})}
    remote = {"osc": {"port": free_port(2), "token": token}, "http": web}
    write_hall_project(root, {**HALL, "schedule": [], "attract": None, "remote": remote, **hall}, SCENES)
    project = Project.at(root)
    hall = project.load_hall().model
    assert hall is not None
    clock = SystemClock()
    host = EffectsHost(hall, {})
    journal = Journal(root / "var" / "log" / "hall.jsonl")
    catalogue = Catalogue(project, hall)
    control = HallControl(project, hall, clock=clock, bus=EffectsBus(hall, LocalLink(host, clock.monotonic)),
                          playback=TimelinePlayback(catalogue, clock), journal=journal, catalogue=catalogue)
    assert hall.remote.osc is not None and hall.remote.http is not None
    osc = OscRemote(hall.remote.osc, control, journal, emergency).start()
    http = HttpRemote(hall.remote.http, control, journal, emergency).start()
    stop = threading.Event()
    thread = threading.Thread(target=control.run, kwargs={"stop": stop}, daemon=True)
    thread.start()
    sim = host.outputs["sim"]
    assert isinstance(sim, SimOutput)
    try:
        yield LiveHall(control, osc, http, sim, root)
    finally:
        stop.set()
        control.wake.set()
        thread.join(5)
        osc.close()
        http.close()
        journal.close()
