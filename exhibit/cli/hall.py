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
from functools import partial
from typing import Any

from exhibit.cli.common import add_rotation_options, journal_rotation, load_hall, rotation_arguments
from exhibit.spec.errors import ExhibitError
from exhibit.spec.hall import Hall
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


def _open_player(project: Project, hall: Hall, display: str | None, size: tuple[int, int] | None) -> Any:
    """The Panda3D player the hall drives (show control itself never imports the renderer)."""
    try:
        from exhibit.render.player import Player
    except ImportError as exc:
        raise ExhibitError(f"the renderer is not available ({exc}); run the hall with --headless") from None
    return Player(project, hall, display=display, size=size, audio=True)


def run(args: argparse.Namespace) -> int:
    from exhibit.hall.assembly import HallOptions, run_hall

    project = Project.at(args.root)
    hall, config = load_hall(project, args.config)
    options = HallOptions(
        headless=args.headless,
        display=args.display,
        size=None if args.headless else _size(args.size),
        player=None if args.headless else partial(_open_player, project, hall, args.display, _size(args.size)),
        lang=args.lang,
        go=args.go,
        use_schedule=not args.no_schedule,
        effects=args.effects,
        effects_port=args.effects_port,
        sync=not args.no_sync,
        osc_port=args.osc_port,
        http_port=args.http_port,
        rotation=journal_rotation(args),
        rotation_arguments=tuple(rotation_arguments(args)),
    )
    return run_hall(project, hall, config, options)
