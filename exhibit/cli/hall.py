"""``exhibit hall``: run the hall all day: schedule, attract loop, remote control, effects.

Effects hardware is driven by its own process (``exhibit effects serve``), started here
when none is running (with this command's journal rotation, so ``effects.jsonl`` rotates
like ``hall.jsonl``), so that a crash of this process still leaves every effect off; if
that process dies the hall sends safe values itself and starts another
(:class:`~exhibit.effects.keeper.HostKeeper`). With only simulated effects (no hall file,
or no outputs) the effects may run in-process.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from types import FrameType
from typing import Any

from exhibit.cli.effects import add_rotation_options, journal_rotation, rotation_arguments
from exhibit.spec.errors import ExhibitError
from exhibit.spec.project import Project


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("hall", help="run the hall: schedule, attract loop, remote control, effects",
                       description="Shows on schedule, the attract loop between them, OSC and HTTP remote "
                                   "control, 5D effects through the safety layer. Stop with Ctrl-C or SIGTERM.")
    p.add_argument("--config", default=None, help="hall file (default: hall.yaml in the content root)")
    p.add_argument("--headless", action="store_true", help="no renderer: show control and effects only")
    p.add_argument("--display", default=None, help="display mode (default: the hall's)")
    p.add_argument("--size", default=None, metavar="WxH", help="window size")
    p.add_argument("--lang", default=None, help="show language (default: the hall's first)")
    p.add_argument("--go", default=None, metavar="SCENE", help="start this scene at once")
    p.add_argument("--no-schedule", action="store_true", help="ignore the schedule (shows only on GO)")
    p.add_argument("--effects", choices=("auto", "process", "local"), default="auto",
                   help="effects host: its own process (default with hardware outputs) or in this one")
    p.add_argument("--effects-port", type=int, default=None, help="effects host control port (default 53120)")
    p.add_argument("--no-sync", action="store_true", help="do not serve follower PCs (exhibit play --follow)")
    p.add_argument("--osc-port", type=int, default=None, help="override the OSC remote port")
    p.add_argument("--http-port", type=int, default=None, help="override the HTTP remote port")
    add_rotation_options(p)
    p.set_defaults(run=run)


def _size(text: str | None) -> tuple[int, int] | None:
    if text is None:
        return None
    try:
        w, h = (int(x) for x in text.lower().split("x"))
    except ValueError:
        raise ExhibitError(f"--size '{text}' is not WxH, like 1280x720") from None
    return w, h


def run(args: argparse.Namespace) -> int:
    from exhibit.cli.effects import load_hall
    from exhibit.effects.bus import EffectsBus
    from exhibit.effects.journal import Journal
    from exhibit.effects.keeper import HostKeeper
    from exhibit.effects.link import DEFAULT_PORT, LocalLink, local_host
    from exhibit.hall.catalogue import Catalogue
    from exhibit.hall.clock import SystemClock
    from exhibit.hall.control import FRAME, Command, HallControl
    from exhibit.hall.playback import PlayerPlayback, TimelinePlayback
    from exhibit.hall.remote import OscRemote
    from exhibit.hall.web import HttpRemote

    project = Project.at(args.root)
    hall, config = load_hall(project, args.config)
    if args.lang is not None and args.lang not in hall.languages:
        raise ExhibitError(f"the hall has no language '{args.lang}'; it has {', '.join(hall.languages)}")
    rotation = journal_rotation(args)
    clock = SystemClock()
    log_dir = project.var_dir / "log"
    journal = Journal(log_dir / "hall.jsonl", now=clock.now, **rotation)
    catalogue = Catalogue(project, hall)
    go = catalogue.check(args.go) if args.go else None

    port = args.effects_port or DEFAULT_PORT
    mode = args.effects
    hardware = any(o.kind != "sim" for o in hall.outputs.values())
    if mode == "auto":
        mode = "process" if hardware else "local"
    if mode == "local" and hardware:
        raise ExhibitError("--effects local drives only simulated outputs: effects hardware is driven by its own "
                           "process, which turns it off if the hall dies; leave out --effects")
    keeper: HostKeeper | None = None
    link: Any
    if mode == "process":
        keeper = HostKeeper(project, hall, config, port, rotation_arguments(args), journal)
        where = f"effects host on 127.0.0.1:{port} ({keeper.start()})"
        if keeper.warning:
            print(f"exhibit: warning: {keeper.warning}", file=sys.stderr)
        link = keeper.link
    else:
        host = local_host(hall, Journal(log_dir / "effects.jsonl", now=clock.now, **rotation))
        link = LocalLink(host, clock.monotonic, source="hall")
        where = "effects in-process" + (" (simulated)" if all(o.kind == "sim" for o in hall.outputs.values()) else "")

    playback: Any
    if args.headless:
        playback = TimelinePlayback(catalogue, clock)
    else:
        playback = PlayerPlayback(project, hall, display=args.display, size=_size(args.size))
    sync = None
    if not args.no_sync:
        from exhibit.hall.sync import SyncMaster

        try:
            sync = SyncMaster((hall.sync.bind, hall.sync.port), key=hall.sync.key).start()
        except ExhibitError as exc:
            print(f"exhibit: warning: no follower sync: {exc}", file=sys.stderr)
    control = HallControl(project, hall, clock=clock, bus=EffectsBus(hall, link), playback=playback,
                          journal=journal, catalogue=catalogue, lang=args.lang, sync=sync,
                          use_schedule=not args.no_schedule, attract_tick=None if args.headless else FRAME,
                          keeper=keeper)
    emergency = keeper.emergency if keeper is not None else None
    remotes: list[Any] = []
    stop = threading.Event()

    def on_signal(signum: int, _frame: FrameType | None) -> None:
        journal.write("signal", signal=signal.Signals(signum).name)
        stop.set()
        control.wake.set()

    try:
        if hall.remote.osc is not None:
            endpoint = hall.remote.osc
            if args.osc_port:
                endpoint = endpoint.model_copy(update={"port": args.osc_port})
            remotes.append(OscRemote(endpoint, control, journal, emergency).start())
        if hall.remote.http is not None:
            endpoint = hall.remote.http
            if args.http_port:
                endpoint = endpoint.model_copy(update={"port": args.http_port})
            remotes.append(HttpRemote(endpoint, control, journal, emergency).start())
        signal.signal(signal.SIGTERM, on_signal)
        signal.signal(signal.SIGINT, on_signal)
        listening = ", ".join(f"{type(r).__name__[:-6].upper()} {r.endpoint.bind}:{r.port}" for r in remotes)
        nxt = control.next_slot
        print(f"hall {hall.hall}: remote {listening or 'off'}; {where}; next show "
              f"{nxt.at.strftime('%a %H:%M') + ' ' + nxt.scene if nxt else 'none scheduled'}",
              file=sys.stderr, flush=True)
        if go is not None:
            control.submit(Command("go", scene=go, origin="cli"))
        control.run(stop=stop)
    finally:
        for remote in remotes:
            remote.close()
        if keeper is not None:
            keeper.close()  # a host started here goes safe and exits; with none answering, safe values from here
        else:
            link.close()
        if sync is not None:
            sync.close()
        playback.close()
        journal.close()
    return 0
