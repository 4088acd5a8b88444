"""The ``exhibit`` command: one entry point, one module per subcommand.

Each subcommand module has ``register(subparsers)`` and a ``run(args) -> int``;
heavy imports (Panda3D, audio, databases) happen inside ``run`` so that
``exhibit check`` starts fast.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import traceback
from collections.abc import Sequence
from typing import NoReturn

from exhibit import __version__
from exhibit.cli.common import print_diagnostics
from exhibit.spec.errors import ContentError, ExhibitError

#: Subcommand modules, in the order ``--help`` lists them.
COMMANDS = (
    "check",
    "schema",
    "timeline",
    "narrate",
    "still",
    "render",
    "play",
    "hall",
    "visits",
    "effects",
    "quiz",
    "translate",
    "preflight",
)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # one clear line, exit 2 (argparse's convention)
        self.exit(2, f"exhibit: error: {message}\n(see '{self.prog} --help')\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="exhibit", description="Play and check the scenes of an immersive history hall.")
    parser.add_argument("--version", action="version", version=f"exhibit {__version__}")
    parser.add_argument("--root", default=None, help="content root: the folder that holds scenes/ (default: .)")
    parser.add_argument("--debug", action="store_true", help="show a traceback on internal errors")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name in COMMANDS:
        try:
            module = importlib.import_module(f"exhibit.cli.{name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"exhibit.cli.{name}":
                continue  # not part of this build
            raise
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    if args.root:
        if not os.path.isdir(args.root):
            print(f"exhibit: error: --root '{args.root}' is not a folder", file=sys.stderr)
            return 2
    try:
        return int(args.run(args) or 0)
    except ContentError as exc:
        print_diagnostics(exc.diagnostics)
        return 1
    except ExhibitError as exc:
        print(f"exhibit: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("exhibit: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # noqa: BLE001 - the last line of defence: never a bare traceback
        if args.debug:
            traceback.print_exc()
        print(
            f"exhibit: error: internal error: {type(exc).__name__}: {exc} (run with --debug for details)",
            file=sys.stderr,
        )
        return 70
