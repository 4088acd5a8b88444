"""``exhibit render``: a scene as an MP4 video (H.264 + AAC with the narration mix)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from exhibit.cli.common import parse_size
from exhibit.spec.errors import ExhibitError
from exhibit.spec.project import Project

DEFAULT_FPS = 30.0
MAX_FPS = 120.0


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "render",
        help="render a scene to a video with its narration",
        description="Render a scene, frame by frame at exact times (not in real time), to an "
        "MP4 with H.264 video and the narration mix as AAC. Works with no display. "
        "Builds the narration first when it is missing or stale.",
    )
    p.add_argument("scene", help="scene name (from scenes/) or path to its file")
    p.add_argument("-o", "--output", required=True, metavar="FILE.mp4", help="where to write the video")
    p.add_argument("--size", default="1280x720", metavar="WxH", help="frame size (default 1280x720)")
    p.add_argument("--fps", default=DEFAULT_FPS, type=float, metavar="N", help="frames per second (default 30)")
    p.add_argument("--from", dest="start", default="0", metavar="T", help="start time (default 0)")
    p.add_argument("--to", dest="end", default=None, metavar="T", help="end time (default: the scene's end)")
    p.add_argument("--lang", default=None, help="language (default: the scene's first)")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    project = Project.at(args.root)
    size = parse_size(args.size)
    if not (0 < args.fps <= MAX_FPS):
        raise ExhibitError(f"--fps {args.fps:g}: give a frame rate between 1 and {MAX_FPS:g}")
    if size[0] % 2 or size[1] % 2:
        raise ExhibitError(f"size {size[0]}x{size[1]}: H.264 video needs an even width and height")
    output = Path(args.output)
    if output.suffix.lower() not in (".mp4", ".m4v", ".mov"):
        raise ExhibitError(f"the output '{output}' must be an .mp4 file")
    from exhibit.narration.show import prepare_show
    from exhibit.render.export import VideoSpec, export_video
    from exhibit.render.player import Player, stderr_progress

    hall = project.load_hall().model
    show = prepare_show(project, args.scene, args.lang, hall, progress=stderr_progress)
    start = show.timeline.at(args.start, "--from")
    end = show.timeline.at(args.end, "--to") if args.end is not None else show.timeline.duration
    if end <= start:
        raise ExhibitError(f"--to ({end:.2f} s) must come after --from ({start:.2f} s)")
    spec = VideoSpec(size, args.fps, start, end)
    with Player(project, hall, display="offscreen", size=size, audio=False, quiz=False) as player:
        player.load(show)
        result = export_video(player, output, spec, progress=True)
    print(
        f"wrote {output}: {result.frames} frames {size[0]}x{size[1]} at {args.fps:g} fps "
        f"({start:.2f}-{end:.2f} s, {show.lang}) in {result.seconds:.1f} s "
        f"({result.frames_per_second:.1f} frames/s)",
        file=sys.stderr,
    )
    return 0
