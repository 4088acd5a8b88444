"""``exhibit play``: a scene for visitors: a window, a stereo screen or projection walls.

A preview (staff, a newcomer's laptop) opens one window that fits the screen; the hall's own
display (projection walls, a headset) is asked for with ``--display hall`` and is what
``exhibit hall`` and a follower (``--follow``) use. Walls that do not fit the screens there
fall back to a window, with one line saying so.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from exhibit.spec.errors import ContentError, ExhibitError
from exhibit.spec.hall import DISPLAY_MODES
from exhibit.spec.project import Project

CONTROLS = "space pause · left/right seek 5 s · L language · C captions · Esc quit · drag to look around"


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "play",
        help="play a scene for visitors",
        description="Play a scene with its narration, captions, music and effects. "
        f"Keys: {CONTROLS}. Saving the scene file reloads it and play goes on "
        "at the same moment.",
    )
    p.add_argument("scene", nargs="?", help="scene name (from scenes/) or path to its file")
    p.add_argument(
        "--display",
        default=None,
        choices=(*DISPLAY_MODES, "hall"),
        metavar="MODE",
        help=f"{' | '.join(DISPLAY_MODES)}, or hall for hall.yaml's display "
        "(default: one window that fits the screen; with --follow, the hall's)",
    )
    p.add_argument("--lang", default=None, help="language (default: the scene's first)")
    p.add_argument("--from", dest="start", default="0", metavar="T", help="start at this time (default 0)")
    p.add_argument("--hall", default=None, metavar="FILE", help="hall configuration (default: hall.yaml)")
    p.add_argument("--size", default=None, metavar="WxH", help="window size (default: the hall's)")
    p.add_argument(
        "--audio-description",
        action="store_true",
        help="play the mix with the audio description (the scene's description: lines) for blind "
        "and low-vision visitors",
    )
    p.add_argument(
        "--accessible-quiz",
        action="store_true",
        help="ask the scene's quiz in the accessible mode: larger type, no time limit, ranked apart",
    )
    p.add_argument(
        "--follow",
        default=None,
        metavar="HOST:PORT",
        help="show what the hall at HOST:PORT plays, in step with it (walls or headsets on several PCs); "
        "the scene then comes from the master",
    )
    p.set_defaults(run=run)


def _report_reload_error(exc: ContentError | ExhibitError) -> None:
    from exhibit.cli.common import print_diagnostics

    if isinstance(exc, ContentError):
        print_diagnostics(exc.diagnostics)
    else:
        print(f"exhibit: error: {exc}", file=sys.stderr)
    print("exhibit: the scene was not reloaded; still playing the last good version", file=sys.stderr)


def run(args: argparse.Namespace) -> int:
    project = Project.at(args.root)
    hall_path = Path(args.hall) if args.hall else None
    if hall_path is not None and not hall_path.exists():
        raise ExhibitError(f"no hall file '{hall_path}'")
    loaded = project.load_hall(hall_path)
    if loaded.model is None or any(d.is_error for d in loaded.diagnostics):
        raise ContentError(loaded.diagnostics)
    hall = loaded.model
    size = None
    if args.size:
        from exhibit.cli.common import parse_size

        size = parse_size(args.size)
    from exhibit.narration.show import prepare_show
    from exhibit.render.player import Player, stderr_progress

    if args.follow:
        if args.scene:
            raise ExhibitError("--follow plays what the master plays: leave out the scene")
        from exhibit.render.follow import run_follow

        display = None if args.display == "hall" else args.display
        return run_follow(project, hall, args.follow, display=display, size=size, report=stderr_progress)
    if not args.scene:
        raise ExhibitError("which scene? e.g. 'exhibit play nanhu_red_boat' (or --follow HOST:PORT)")

    display = hall.display.mode if args.display == "hall" else args.display or "window"
    # The display first: a missing display is reported before any narration is built.
    with Player(
        project,
        hall,
        display=display,
        size=size,
        audio=True,
        progress=stderr_progress,
        on_reload_error=_report_reload_error,
        # Asked for on the command line, a missing headset is an error; from hall.yaml the
        # show goes on in a window instead.
        xr_fallback=args.display != "xr",
    ) as player:
        player.audio_description = args.audio_description  # reloads keep it
        player.accessible_quiz = args.accessible_quiz
        show = prepare_show(
            project, args.scene, args.lang, hall, progress=stderr_progress, audio_description=args.audio_description
        )
        if args.audio_description and not show.scene.description:
            print(f"exhibit: warning: {show.scene.scene_id} has no description: lines", file=sys.stderr)
        start = show.timeline.at(args.start, "--from")
        player.load(show)
        backend = player.app.backend.describe() if player.app.backend else "unknown renderer"
        print(
            f"exhibit: playing {show.scene.scene_id} ({show.lang}, "
            f"{show.timeline.duration:.1f} s) on {player.displays.mode}, "
            f"{backend}",
            file=sys.stderr,
        )
        if show.mix is None or player.mix is None or not player.mix.live:
            print(
                "exhibit: warning: no narration audio is playing (no mix or no sound device); "
                "time follows the wall clock",
                file=sys.stderr,
            )
        print(f"exhibit: {CONTROLS}", file=sys.stderr)
        player.play(start)
        player.run()
    return 0
