"""``exhibit narrate``: build voices, loudness, mixes and captions into ``build/<scene>/``.

``--prune`` clears the voice store of clips that no line uses any more (each edit of
a line's text leaves its old clip behind).
"""

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
    p.add_argument(
        "--prune",
        action="store_true",
        help="build nothing; remove voices in build/voice/ that no line of any scene uses any "
        "more (files older than a minute, while no build runs)",
    )
    p.add_argument(
        "--dry-run", action="store_true", help="with --prune: list what would go, remove nothing"
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


def _prune(args: argparse.Namespace) -> int:
    from exhibit.narration.build import voices_in_use
    from exhibit.narration.store import PRUNE_MIN_AGE, VoiceStore
    from exhibit.spec.errors import ExhibitError
    from exhibit.spec.project import Project

    if args.scenes or args.lang:
        raise ExhibitError(
            "--prune looks at every scene in every language; it takes no SCENE or --lang"
        )
    project = Project.at(args.root)
    if not project.scene_names():  # a wrong --root: everything would look unused
        raise ExhibitError(f"no scenes in {project.display(project.scenes_dir)}; nothing pruned")
    store = VoiceStore(project.build_dir)
    result = store.prune(voices_in_use(project), dry_run=args.dry_run)
    if args.dry_run:
        for path in result.removed:
            print(project.display(path))
    verb = "would free" if args.dry_run else "freed"
    young = (
        f"; {result.young} unused files younger than {PRUNE_MIN_AGE:g} s left for now"
        if result.young
        else ""
    )
    print(
        f"{project.display(store.root)}: {verb} {len(result.removed)} files, "
        f"{result.bytes / 2**20:.1f} MB no scene uses; kept {result.kept} files in use{young}"
    )
    return 0


def run(args: argparse.Namespace) -> int:
    from exhibit import narration
    from exhibit.narration.build import load_scene
    from exhibit.spec.checks import pick_language
    from exhibit.spec.errors import ExhibitError
    from exhibit.spec.project import Project

    if args.prune:
        return _prune(args)
    if args.dry_run:
        raise ExhibitError("--dry-run goes with --prune")
    project = Project.at(args.root)
    names = list(args.scenes) or project.scene_names()
    if not names:
        raise ExhibitError(f"no scenes in {project.display(project.scenes_dir)}")
    for name in names:
        scene, doc = load_scene(project, name)
        langs = args.lang or list(scene.languages)
        for lang in langs:
            pick_language(scene, lang)  # every language asked for exists before any is built
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
