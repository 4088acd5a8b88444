"""The hall assembled from its parts and run until stopped: what ``exhibit hall`` does.

One call, :func:`run_hall`, puts together the journal, the catalogue of scenes, the effects
(their own process, :class:`~exhibit.effects.keeper.HostKeeper`, with hardware outputs; else
in this one), the playback (a renderer or headless), the follower sync, the control loop and
its remotes; it serves until SIGINT or SIGTERM and then closes each part, effects going safe.
"""

from __future__ import annotations

import signal
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import Any, Literal

from exhibit.effects.bus import EffectsBus
from exhibit.effects.journal import Journal
from exhibit.effects.keeper import HostKeeper
from exhibit.effects.link import DEFAULT_PORT, LocalLink, local_host
from exhibit.hall.catalogue import Catalogue
from exhibit.hall.clock import SystemClock
from exhibit.hall.control import FRAME, Command, HallControl
from exhibit.hall.playback import HallPlayer, PlayerPlayback, TimelinePlayback
from exhibit.hall.remote import OscRemote
from exhibit.hall.sync import SyncMaster
from exhibit.hall.web import HttpRemote
from exhibit.spec.errors import ExhibitError
from exhibit.spec.hall import Hall
from exhibit.spec.project import Project


@dataclass(frozen=True)
class HallOptions:
    """How to run the hall, beyond its hall file (``exhibit hall``'s options)."""

    headless: bool = False  # no renderer: show control and effects only
    display: str | None = None  # display mode (None: the hall's)
    size: tuple[int, int] | None = None
    player: Callable[[], HallPlayer] | None = None  # makes the renderer's player (the command line's)
    lang: str | None = None  # show language (None: the hall's first)
    go: str | None = None  # a scene to start at once
    use_schedule: bool = True
    effects: Literal["auto", "process", "local"] = "auto"
    effects_port: int | None = None
    sync: bool = True  # serve follower PCs
    osc_port: int | None = None  # overrides of the remotes' ports
    http_port: int | None = None
    rotation: dict[str, Any] = field(default_factory=dict)  # ``Journal`` rotation keywords
    rotation_arguments: tuple[str, ...] = ()  # the same, as options for ``exhibit effects serve``


@dataclass
class _Effects:
    """The link the show's effects go through, the host keeper behind it (if any), and where they run."""

    link: Any
    keeper: HostKeeper | None
    where: str

    def close(self) -> None:
        if self.keeper is not None:
            self.keeper.close()  # a host started here goes safe and exits; with none answering, safe values from here
        else:
            self.link.close()


def run_hall(project: Project, hall: Hall, config: Path, options: HallOptions) -> int:
    """Run ``hall`` (read from ``config``) until SIGINT or SIGTERM; 0 when it stopped cleanly."""
    if options.lang is not None and options.lang not in hall.languages:
        raise ExhibitError(f"the hall has no language '{options.lang}'; it has {', '.join(hall.languages)}")
    clock = SystemClock()
    journal = Journal(project.var_dir / "log" / "hall.jsonl", now=clock.now, **options.rotation)
    catalogue = Catalogue(project, hall)
    go = catalogue.check(options.go) if options.go else None
    effects = _start_effects(project, hall, config, options, clock, journal)
    playback: Any
    if options.headless:
        playback = TimelinePlayback(catalogue, clock)
    else:
        if options.player is None:
            raise ExhibitError("a hall with pictures needs a player to show them; run it with --headless")
        playback = PlayerPlayback(options.player)
    sync = _start_sync(hall) if options.sync else None
    control = HallControl(project, hall, clock=clock, bus=EffectsBus(hall, effects.link), playback=playback,
                          journal=journal, catalogue=catalogue, lang=options.lang, sync=sync,
                          use_schedule=options.use_schedule, attract_tick=None if options.headless else FRAME,
                          keeper=effects.keeper)
    remotes: list[Any] = []
    try:
        _serve(hall, control, journal, effects, options, remotes, go)
    finally:
        for remote in remotes:
            remote.close()
        effects.close()
        if sync is not None:
            sync.close()
        playback.close()
        journal.close()
    return 0


def _start_effects(project: Project, hall: Hall, config: Path, options: HallOptions, clock: SystemClock,
                   journal: Journal) -> _Effects:
    port = options.effects_port or DEFAULT_PORT
    mode = options.effects
    hardware = any(o.kind != "sim" for o in hall.outputs.values())
    if mode == "auto":
        mode = "process" if hardware else "local"
    if mode == "local" and hardware:
        raise ExhibitError("--effects local drives only simulated outputs: effects hardware is driven by its own "
                           "process, which turns it off if the hall dies; leave out --effects")
    if mode == "process":
        keeper = HostKeeper(project, hall, config, port, list(options.rotation_arguments), journal)
        where = f"effects host on 127.0.0.1:{port} ({keeper.start()})"
        if keeper.warning:
            print(f"exhibit: warning: {keeper.warning}", file=sys.stderr)
        return _Effects(keeper.link, keeper, where)
    log = Journal(project.var_dir / "log" / "effects.jsonl", now=clock.now, **options.rotation)
    link = LocalLink(local_host(hall, log), clock.monotonic, source="hall")
    simulated = all(o.kind == "sim" for o in hall.outputs.values())
    return _Effects(link, None, "effects in-process" + (" (simulated)" if simulated else ""))


def _start_sync(hall: Hall) -> SyncMaster | None:
    try:
        return SyncMaster((hall.sync.bind, hall.sync.port), key=hall.sync.key).start()
    except ExhibitError as exc:
        print(f"exhibit: warning: no follower sync: {exc}", file=sys.stderr)
        return None


def _serve(hall: Hall, control: HallControl, journal: Journal, effects: _Effects, options: HallOptions,
           remotes: list[Any], go: Any) -> None:
    """Open the remotes (into ``remotes``, which the caller closes), then run until a signal."""
    emergency = effects.keeper.emergency if effects.keeper is not None else None
    stop = threading.Event()

    def on_signal(signum: int, _frame: FrameType | None) -> None:
        journal.write("signal", signal=signal.Signals(signum).name)
        stop.set()
        control.wake.set()

    if hall.remote.osc is not None:
        endpoint = hall.remote.osc
        if options.osc_port:
            endpoint = endpoint.model_copy(update={"port": options.osc_port})
        remotes.append(OscRemote(endpoint, control, journal, emergency).start())
    if hall.remote.http is not None:
        endpoint = hall.remote.http
        if options.http_port:
            endpoint = endpoint.model_copy(update={"port": options.http_port})
        remotes.append(HttpRemote(endpoint, control, journal, emergency).start())
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    listening = ", ".join(f"{type(r).__name__[:-6].upper()} {r.endpoint.bind}:{r.port}" for r in remotes)
    nxt = control.next_slot
    print(f"hall {hall.hall}: remote {listening or 'off'}; {effects.where}; next show "
          f"{nxt.at.strftime('%a %H:%M') + ' ' + nxt.scene if nxt else 'none scheduled'}",
          file=sys.stderr, flush=True)
    if go is not None:
        control.submit(Command("go", scene=go, origin="cli"))
    control.run(stop=stop)
