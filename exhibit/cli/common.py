"""What several subcommands share: the hall file, a frame size, the journal options, diagnostics.

Subcommand modules import these from here, never from one another.
"""

from __future__ import annotations

import argparse
import math
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from exhibit.spec.errors import ContentError, ExhibitError, sort_diagnostics
from exhibit.spec.hall import Hall
from exhibit.spec.project import Project

MAX_SIDE = 8192


def print_diagnostics(diagnostics: Sequence[object]) -> None:
    for d in sort_diagnostics(diagnostics):  # type: ignore[arg-type]
        print(d, file=sys.stderr)


def parse_size(text: str) -> tuple[int, int]:
    """``1280x720`` -> (1280, 720), with a clear message for anything else."""
    m = re.fullmatch(r"\s*(\d+)\s*[xX×]\s*(\d+)\s*", text or "")
    if not m:
        raise ExhibitError(f"size '{text}' is not WIDTHxHEIGHT in pixels, like 1280x720")
    w, h = int(m.group(1)), int(m.group(2))
    if not (16 <= w <= MAX_SIDE and 16 <= h <= MAX_SIDE):
        raise ExhibitError(f"size {w}x{h}: width and height must be between 16 and {MAX_SIDE} pixels")
    return w, h


def load_hall(project: Project, config: str | None) -> tuple[Hall, Path]:
    """The hall of ``--config`` (default: the content root's hall.yaml) and its path; its errors raise."""
    path = Path(config) if config else project.hall_path
    if config and not path.exists():
        raise ExhibitError(f"no hall file '{config}'")
    loaded = project.load_hall(path)
    errors = [d for d in loaded.diagnostics if d.is_error]
    if loaded.model is None or errors:
        raise ContentError(errors or loaded.diagnostics)
    return loaded.model, path


def add_rotation_options(parser: argparse.ArgumentParser) -> None:
    """``--log-max-mb`` and ``--log-keep``: the journal rotation of ``exhibit hall`` and of the effects process."""
    parser.add_argument("--log-max-mb", type=float, default=None, metavar="MB",
                        help="start a new journal file past this size (default 10; 0: only when the date changes)")
    parser.add_argument("--log-keep", type=int, default=None, metavar="N",
                        help="old journal files kept in var/log (default 30)")


def journal_rotation(args: argparse.Namespace) -> dict[str, Any]:
    """The journals' rotation settings (``Journal`` keywords) from ``--log-max-mb`` and ``--log-keep``."""
    from exhibit.effects.journal import DEFAULT_BACKUPS, DEFAULT_MAX_BYTES

    max_bytes: int | None = DEFAULT_MAX_BYTES
    if args.log_max_mb is not None:
        if not math.isfinite(args.log_max_mb) or args.log_max_mb < 0:
            raise ExhibitError(f"--log-max-mb {args.log_max_mb:g} must be 0 (no size limit) or more")
        max_bytes = round(args.log_max_mb * 1024 * 1024) or None
    backups = DEFAULT_BACKUPS if args.log_keep is None else args.log_keep
    if backups < 1:
        raise ExhibitError(f"--log-keep {backups} must be at least 1 (old journal files kept)")
    return {"max_bytes": max_bytes, "backups": backups}


def rotation_arguments(args: argparse.Namespace) -> list[str]:
    """The rotation options as given on this command line, to hand on to ``exhibit effects serve``."""
    out: list[str] = []
    if args.log_max_mb is not None:
        out += ["--log-max-mb", repr(args.log_max_mb)]
    if args.log_keep is not None:
        out += ["--log-keep", str(args.log_keep)]
    return out
