"""``exhibit narrate``: build voices, loudness, mixes and captions into ``build/<scene>/``."""

from __future__ import annotations

import argparse
import sys
import time


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "narrate",
        help="build narration voices, mix and captions",
        description="Build each scene's narration into build/<scene>/: mix.L.wav (48 kHz, "
        "-23 LUFS, true peak at most -1 dBTP), captions.L.vtt and .srt, timeline.L.json. "
        "Recorded voices are found under audio/voice/L/<scene>/; other lines get a placeholder "
        "voice (espeak-ng). Unchanged scenes are not rebuilt.",
    )
    p.add_argument(
        "scenes", nargs="*", metavar="SCENE", help="scene names or files (default: every scene)"
    )
    p.add_argument(
        "--lang",
        action="append",
        metavar="L",
        help="only this language (repeatable; default: every language of the scene)",
    )
    p.add_argument(
        "-q", "--quiet", action="store_true", help="no progress, only warnings and errors"
    )
    p.set_defaults(run=run)


class _Progress:
    """One line per stage on stderr; voices report about a quarter of the way at a time."""

    def __init__(self, label: str, quiet: bool) -> None:
        self.label = label
        self.quiet = quiet
        self.last = -1

    def __call__(self, stage: str, done: int, total: int) -> None:
        if self.quiet:
            return
        if stage == "voices":
            if total == 0 or done == self.last:
                return
            step = max(1, -(-total // 4))  # about four lines per scene, whatever its length
            if done not in (0, total) and done % step:
                return
            self.last = done
            print(f"{self.label}: voices {done}/{total}", file=sys.stderr, flush=True)
        elif stage == "mix" and done == 0:
            print(f"{self.label}: mixing", file=sys.stderr, flush=True)


def run(args: argparse.Namespace) -> int:
    from exhibit import narration
    from exhibit.narration.build import load_scene
    from exhibit.spec.errors import ExhibitError
    from exhibit.spec.project import Project

    project = Project.at(args.root)
    names = list(args.scenes) or project.scene_names()
    if not names:
        raise ExhibitError(f"no scenes in {project.display(project.scenes_dir)}")
    for name in names:
        scene, doc = load_scene(project, name)
        langs = args.lang or list(scene.languages)
        for lang in langs:
            if lang not in scene.languages:
                raise ExhibitError(
                    f"scene '{scene.scene_id}' has no language '{lang}' "
                    f"(its languages: {', '.join(scene.languages)})"
                )
        for lang in langs:
            label = f"{scene.scene_id} [{lang}]"
            started = time.perf_counter()
            result = narration.build(project, scene, lang, _Progress(label, args.quiet), doc=doc)
            for warning in result.warnings:
                print(f"exhibit: warning: {warning}", file=sys.stderr)
            counts = {
                kind: list(result.sources.values()).count(kind)
                for kind in ("recording", "placeholder", "silent")
            }
            kinds = ", ".join(f"{n} {kind}" for kind, n in counts.items() if n) or "no lines"
            state = "built" if result.rebuilt else "up to date"
            loud = f"{result.loudness:.1f} LUFS" if result.loudness is not None else "silent"
            peak = (
                f", true peak {result.true_peak:.1f} dBTP" if result.true_peak is not None else ""
            )
            print(
                f"{label}: {state} in {time.perf_counter() - started:.2f} s: "
                f"{result.timeline.duration:.1f} s, {kinds}, {loud}{peak} -> "
                f"{project.display(result.mix_path)}",
                file=sys.stderr if args.quiet else sys.stdout,
            )
    return 0
