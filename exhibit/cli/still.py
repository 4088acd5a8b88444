"""``exhibit still``: one frame of a scene as a PNG (works with no display and no GPU)."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from exhibit.cli.common import parse_size
from exhibit.spec.errors import ExhibitError
from exhibit.spec.project import Project

DEFAULT_SIZE = "1280x720"


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "still",
        help="render one frame of a scene to a PNG",
        description="Render the moment T of a scene to a PNG, with captions and titles as a "
        "visitor sees them. Works with no display (offscreen, software GL). "
        "Builds the narration first when it is missing or stale.",
    )
    p.add_argument("scene", help="scene name (from scenes/) or path to its file")
    p.add_argument(
        "--at",
        required=True,
        metavar="T",
        help="the moment: seconds (42.5), a clock (1:02.5) or a reference (intro.end + 2, intro@boat)",
    )
    p.add_argument("-o", "--output", required=True, metavar="FILE.png", help="where to write the PNG")
    p.add_argument("--size", default=DEFAULT_SIZE, metavar="WxH", help=f"image size (default {DEFAULT_SIZE})")
    p.add_argument("--lang", default=None, help="language (default: the scene's first)")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    project = Project.at(args.root)
    size = parse_size(args.size)
    output = Path(args.output)
    if output.suffix.lower() != ".png":
        raise ExhibitError(f"the output '{output}' must be a .png file")
    from exhibit.narration.show import prepare_show
    from exhibit.render.export import still
    from exhibit.render.player import Player, stderr_progress

    hall = project.load_hall().model
    show = prepare_show(project, args.scene, args.lang, hall, progress=stderr_progress)
    t = show.timeline.at(args.at, "--at")
    with Player(project, hall, display="offscreen", size=size, audio=False, quiz=False) as player:
        player.load(show)
        still(player, t, output)
        backend = player.app.backend.describe() if player.app.backend else "unknown renderer"
    print(
        f"wrote {output}: {show.scene.scene_id} at {t:.2f} s ({show.lang}), {size[0]}x{size[1]}, "
        f"{backend}, {time.perf_counter() - started:.2f} s",
        file=sys.stderr,
    )
    return 0
