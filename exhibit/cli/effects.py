"""``exhibit effects``: drive hall effects by hand (commissioning), PANIC, and the effects process.

``set`` goes through the same safety layer and heartbeat watch as a show: to the running
effects host (``exhibit hall`` starts it), else to one it starts for itself, in its own
process, which turns the effect off when ``set`` stops for any reason. ``panic`` reaches
the host and is latched (across host restarts too) until ``reset``; with no host running
it sends the safe values itself. ``reset``, ``input`` and ``enable`` need the host's key
(:mod:`exhibit.effects.authority`).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import signal
import sys
import time
from pathlib import Path
from types import FrameType
from typing import Any

from exhibit.cli.common import add_rotation_options, journal_rotation, load_hall
from exhibit.spec.errors import ExhibitError, did_you_mean
from exhibit.spec.hall import Hall
from exhibit.spec.project import Project

HOLD_REFRESH = 0.1  # seconds between frames while holding a level (well under the heartbeat timeout)
PROBE = 0.3  # seconds to wait for a running effects host to answer
IDLE_EXIT = 5.0  # seconds a host started by 'set' waits for another command before it exits


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("effects", help="drive one hall effect by hand, PANIC, or run the effects process",
                       description="Commission 5D effects through the hall's safety layer.")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--config", default=None, help="hall file (default: hall.yaml in the content root)")
    common.add_argument("--port", type=int, default=None,
                        help="effects host control port on 127.0.0.1 (default 53120)")
    verbs = p.add_subparsers(dest="verb", metavar="VERB")
    s = verbs.add_parser("set", parents=[common], help="hold one effect at a level (Ctrl-C or --for releases it)")
    s.add_argument("name", help="effect name from hall.yaml (wind, mist, ...)")
    s.add_argument("level", help="0..1")
    s.add_argument("--for", dest="duration", type=float, default=None, metavar="S",
                   help="seconds to hold, then back to safe (default: until Ctrl-C)")
    verbs.add_parser("panic", parents=[common], help="every effect to its safe value now (latched until 'reset')")
    verbs.add_parser("reset", parents=[common], help="clear a PANIC latch")
    st = verbs.add_parser("status", parents=[common], help="what the running effects host does")
    st.add_argument("--json", action="store_true", help="print JSON")
    for verb, what in (("disable", "hold one effect off (operator disable) until 'enable'"),
                       ("enable", "let a disabled effect run again")):
        v = verbs.add_parser(verb, parents=[common], help=what)
        v.add_argument("name", help="effect name from hall.yaml")
    i = verbs.add_parser("input", parents=[common], help="set an interlock input, e.g. 'doors_open on'")
    i.add_argument("name", help="input name from hall.yaml (inputs:)")
    i.add_argument("state", choices=("on", "off"))
    serve = verbs.add_parser("serve", parents=[common], help="run the effects process (exhibit hall starts it)")
    serve.add_argument("--idle-exit", type=float, default=None, metavar="S",
                       help="exit S seconds after the last player or command went away (default: run until stopped)")
    add_rotation_options(serve)
    p.set_defaults(run=run)


def _port(args: argparse.Namespace) -> int:
    from exhibit.effects.link import DEFAULT_PORT

    return int(args.port or DEFAULT_PORT)


def parse_level(text: str) -> float:
    try:
        level = float(text)
    except ValueError:
        raise ExhibitError(f"level '{text}' is not a number; give 0..1 (0.5 is half)") from None
    if not math.isfinite(level) or not 0.0 <= level <= 1.0:
        raise ExhibitError(f"level {text} is outside 0..1")
    return level


def run(args: argparse.Namespace) -> int:
    if args.verb is None:
        raise ExhibitError("say what to do: exhibit effects set NAME LEVEL | panic | reset | status | "
                           "disable NAME | enable NAME | input NAME on|off | serve")
    project = Project.at(args.root)
    hall, path = load_hall(project, args.config)
    verb = {"set": _set, "panic": _panic, "reset": _reset, "status": _status, "serve": _serve,
            "disable": _hold, "enable": _hold, "input": _hold}[args.verb]
    return verb(args, project, hall, path)


# -- set -----------------------------------------------------------------------------------------


def _set(args: argparse.Namespace, project: Project, hall: Hall, path: Path) -> int:
    from exhibit.effects.outputs import describe, dmx_value

    name = args.name
    if hall.effects and name not in hall.effects:
        raise ExhibitError(f"no effect '{name}' in the hall file{did_you_mean(name, list(hall.effects))}; "
                           f"effects: {', '.join(hall.effects)}")
    level = parse_level(args.level)
    if args.duration is not None and not (math.isfinite(args.duration) and args.duration > 0):
        raise ExhibitError("--for needs a number of seconds above 0")
    link, started = _attach(args, project, path)
    where = f"the effects host on 127.0.0.1:{_port(args)}"
    if started:
        where += " (started for this command: it turns the effect off if this command stops)"
    target = describe(hall.effects.get(name), hall)
    print(f"{name}: {level:.2f} (DMX {dmx_value(level)}) on {target}, through {where}", file=sys.stderr)
    deadline = time.monotonic() + args.duration if args.duration is not None else math.inf
    if args.duration is None:
        print("holding; Ctrl-C releases it", file=sys.stderr)
    reported = False
    started_at = time.monotonic()
    try:
        while time.monotonic() < deadline:
            link.send({name: level}, {})
            if not reported and time.monotonic() - started_at >= 2 * HOLD_REFRESH:
                reported = True
                _report(name, link.query(PROBE))
            time.sleep(min(HOLD_REFRESH, max(0.0, deadline - time.monotonic())))
        if not reported:
            _report(name, link.query(PROBE))
    except KeyboardInterrupt:
        print("released", file=sys.stderr)
    finally:
        link.release()
        link.close()
    print(f"{name}: back to safe", file=sys.stderr)
    return 0


def _attach(args: argparse.Namespace, project: Project, path: Path) -> tuple[Any, bool]:
    """A link to the running effects host, or to one started for this command; whether it was started.

    The hardware is never driven from this process: a host started here lives in its own
    session, turns the effect off within a second when this command's heartbeat stops (Ctrl-C,
    ``kill -9``), obeys a PANIC, and exits :data:`IDLE_EXIT` seconds after its last command.
    """
    from exhibit.effects.keeper import start_host, wait_for_host
    from exhibit.effects.link import UdpLink

    link = UdpLink(_port(args), source=f"cli:{os.getpid()}")
    if link.query(PROBE) is not None:
        return link, False
    try:
        process = start_host(project, path, _port(args), ["--idle-exit", repr(IDLE_EXIT)])
        wait_for_host(link, process, project.var_dir / "log")
    except BaseException:
        link.close()
        raise
    return link, True


def _report(name: str, status: dict[str, Any] | None) -> None:
    if status is None:
        print(f"{name}: the effects host did not answer", file=sys.stderr)
        return
    held = (status.get("held") or {}).get(name)
    out = (status.get("levels") or {}).get(name)
    if held and out:
        print(f"{name}: on the wire at {out:.2f}, capped by the safety layer ({held})", file=sys.stderr)
    elif held:
        print(f"{name}: held at its safe value by the safety layer ({held})", file=sys.stderr)
    elif out is not None:
        print(f"{name}: on the wire at {out:.2f}", file=sys.stderr)


# -- panic / reset / status ------------------------------------------------------------------------


def _panic(args: argparse.Namespace, project: Project, hall: Hall, path: Path) -> int:
    from exhibit.effects.authority import HostFiles
    from exhibit.effects.journal import Journal
    from exhibit.effects.link import UdpLink, local_host

    latched = HostFiles(project.var_dir, _port(args)).latch()
    link = UdpLink(_port(args), source=f"cli:{os.getpid()}")
    try:
        link.panic()
        status = link.query(PROBE)
    finally:
        link.close()
    if status is not None:
        if not status.get("panic"):
            raise ExhibitError(f"PANIC not carried out: the effects host on 127.0.0.1:{_port(args)} answers but does "
                               "not hold PANIC; switch the effects off at the mains")
        print(f"PANIC: the effects host holds every effect at its safe value ({len(status.get('levels', {}))} "
              "channels); 'exhibit effects reset' or a GO clears it", file=sys.stderr)
        return 0
    # No host answers: send the safe values straight to the hardware.
    host = local_host(hall, Journal(project.var_dir / "log" / "effects.jsonl"))
    host.panic(time.monotonic(), origin="cli")
    errors = [h["last_error"] for h in host.status(time.monotonic())["outputs"].values() if not h["ok"]]
    host.shutdown(time.monotonic())
    if errors:
        raise ExhibitError(f"PANIC not carried out: no effects host is running and {errors[0]}; "
                           "switch the effects off at the mains")
    print(f"PANIC: safe values sent to every output ({len(hall.effects)} effects); no effects host was running"
          + ("; latched until 'exhibit effects reset'" if latched else ""), file=sys.stderr)
    return 0


def _keyed_link(args: argparse.Namespace, project: Project) -> tuple[Any, Path, bool]:
    """A link carrying the host's key (from var/run), the key file, and whether it could be read."""
    from exhibit.effects.authority import HostFiles
    from exhibit.effects.link import UdpLink

    files = HostFiles(project.var_dir, _port(args))
    key = files.read_key()
    return UdpLink(_port(args), source=f"cli:{os.getpid()}", key=key), files.key_path, key is not None


def _refused(what: str, key_path: Path, have_key: bool) -> ExhibitError:
    why = "its key" if not have_key else "the key it was started with"
    return ExhibitError(f"the effects host refused {what}: it needs {why} ({key_path}, readable by the account "
                        "that runs the hall); run this as that user, or use the hall's remote")


def _reset(args: argparse.Namespace, project: Project, hall: Hall, path: Path) -> int:
    from exhibit.effects.authority import HostFiles

    link, key_path, have_key = _keyed_link(args, project)
    try:
        link.clear()
        status = link.query(PROBE)
    finally:
        link.close()
    if status is None:
        HostFiles(project.var_dir, _port(args)).unlatch()
        print("no effects host is running; PANIC latch cleared", file=sys.stderr)
        return 0
    if status.get("panic"):
        raise _refused("the reset (PANIC is still latched)", key_path, have_key)
    print("PANIC cleared", file=sys.stderr)
    return 0


def _hold(args: argparse.Namespace, project: Project, hall: Hall, path: Path) -> int:
    """disable / enable an effect, or set an interlock input, on the running effects host."""
    name = args.name
    if args.verb == "input":
        if hall.inputs and name not in hall.inputs:
            raise ExhibitError(f"no input '{name}' in the hall file{did_you_mean(name, hall.inputs)}")
    elif hall.effects and name not in hall.effects:
        raise ExhibitError(f"no effect '{name}' in the hall file{did_you_mean(name, list(hall.effects))}")
    link, key_path, have_key = _keyed_link(args, project)
    try:
        if link.query(PROBE) is None:
            raise ExhibitError(f"no effects host answers on 127.0.0.1:{_port(args)}; "
                               "these holds live in the running host ('exhibit hall' or 'exhibit effects serve')")
        if args.verb == "input":
            link.set_input(name, args.state == "on")
        elif args.verb == "disable":
            link.disable(name)
        else:
            link.enable(name)
        status = link.query(PROBE) or {}
    finally:
        link.close()
    if args.verb == "input":
        active = name in status.get("inputs", [])
        if active != (args.state == "on"):
            raise _refused(f"input {name} {args.state}", key_path, have_key)
        print(f"input {name}: {'on' if active else 'off'}", file=sys.stderr)
        return 0
    disabled = name in status.get("disabled", [])
    if args.verb == "enable" and disabled:
        raise _refused(f"to enable {name}", key_path, have_key)
    print(f"{name}: {'disabled' if disabled else 'enabled'}", file=sys.stderr)
    return 0


def _status(args: argparse.Namespace, project: Project, hall: Hall, path: Path) -> int:
    from exhibit.effects.link import UdpLink

    link = UdpLink(_port(args), source=f"cli:{os.getpid()}")
    try:
        status = link.query(PROBE)
    finally:
        link.close()
    if status is None:
        raise ExhibitError(f"no effects host answers on 127.0.0.1:{_port(args)}")
    if args.json:
        print(json.dumps(status, ensure_ascii=False, indent=2))
        return 0
    print(f"panic: {'yes' if status['panic'] else 'no'}; sources: {', '.join(status['sources']) or 'none'}")
    for name, level in sorted(status["levels"].items()):
        held = status["held"].get(name)
        print(f"  {name:<10} {level:5.2f}" + (f"  held ({held})" if held else ""))
    for name, health in status["outputs"].items():
        via = f", multicast by {health['via']}" if health.get("via") else ""
        print(f"  output {name}: {health['kind']}, {'ok' if health['ok'] else health['last_error']}{via}")
    return 0


# -- serve -----------------------------------------------------------------------------------------


def _serve(args: argparse.Namespace, project: Project, hall: Hall, path: Path) -> int:
    """The effects process: hold the DMX refresh, obey the player, all-off when it goes quiet."""
    from exhibit.effects.authority import KEY_ENV, HostFiles, new_key
    from exhibit.effects.journal import Journal
    from exhibit.effects.link import HostServer, bind_control, local_host

    if args.idle_exit is not None and not (math.isfinite(args.idle_exit) and args.idle_exit > 0):
        raise ExhibitError("--idle-exit needs a number of seconds above 0")
    journal = Journal(project.var_dir / "log" / "effects.jsonl", **journal_rotation(args))
    sock = bind_control(_port(args))
    files = HostFiles(project.var_dir, _port(args))
    key = os.environ.pop(KEY_ENV, None) or new_key()  # the hall's, else this host's own
    files.write_key(key)
    host = local_host(hall, journal)
    server = HostServer(host, sock, key=key, files=files, idle_exit=args.idle_exit)

    signalled: list[str] = []

    def stop(signum: int, _frame: FrameType | None) -> None:
        # Only flags: the handler runs on the main thread, which may be inside the journal's
        # or the outputs' lock (a write, a refresh) when the signal comes; taking either here
        # hung the host until the hall killed it, without its safe values going out again.
        # The loop ends within one refresh period and shutdown sends the safe values.
        signalled.append(signal.Signals(signum).name)
        server.stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    journal.write("host_started", hall=hall.hall, port=_port(args), pid=os.getpid(), config=str(path))
    print(f"effects host for {hall.hall} on 127.0.0.1:{_port(args)}", file=sys.stderr, flush=True)
    try:
        server.serve()
    except BaseException as exc:
        journal.write("error", error=f"{type(exc).__name__}: {exc}", fatal=True)
        raise
    finally:
        for name in signalled:
            journal.write("signal", signal=name)
        host.shutdown(time.monotonic())
        sock.close()
        journal.close()
    return 0
