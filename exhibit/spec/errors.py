"""Errors and diagnostics.

Every problem with content (a scene, a question bank, the hall file) becomes a
:class:`Diagnostic` that knows where it came from, so the person who wrote the
file can jump straight to it: ``scenes/nanhu.yaml:12:9: error: ...``.
"""

from __future__ import annotations

import difflib
import enum
from collections.abc import Iterable
from dataclasses import dataclass


class Severity(enum.IntEnum):
    """How serious a diagnostic is. Notes never fail a check, not even a strict one."""

    NOTE = 0
    WARNING = 1
    ERROR = 2

    def __str__(self) -> str:
        return self.name.lower()


@dataclass(frozen=True, order=True)
class Location:
    """A place in a source file; ``line`` and ``column`` are 1-based."""

    path: str
    line: int = 0
    column: int = 0

    def __str__(self) -> str:
        if self.line <= 0:
            return self.path
        return f"{self.path}:{self.line}:{self.column}"


@dataclass(frozen=True)
class Diagnostic:
    """One finding about content, with its source location."""

    severity: Severity
    message: str
    location: Location | None = None

    def __str__(self) -> str:
        where = f"{self.location}: " if self.location else ""
        return f"{where}{self.severity}: {self.message}"

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR


class ExhibitError(Exception):
    """Root of every error the engine raises on purpose."""


class ContentError(ExhibitError):
    """Content could not be used; carries every diagnostic found, not just the first."""

    def __init__(self, diagnostics: Iterable[Diagnostic]) -> None:
        self.diagnostics = tuple(diagnostics)
        errors = [d for d in self.diagnostics if d.is_error] or list(self.diagnostics)
        text = str(errors[0]) if errors else "invalid content"
        if len(errors) > 1:
            text += f" (and {len(errors) - 1} more)"
        super().__init__(text)


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """Return `` (did you mean 'x'?)`` for the closest choice, or an empty string."""
    matches = difflib.get_close_matches(str(word), [str(c) for c in choices], n=1, cutoff=0.6)
    return f" (did you mean '{matches[0]}'?)" if matches else ""


def sort_diagnostics(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    """Order diagnostics by file and position, keeping unlocated ones first."""

    def key(d: Diagnostic) -> tuple[str, int, int, int]:
        loc = d.location or Location("")
        return (loc.path, loc.line, loc.column, -int(d.severity))

    return sorted(diagnostics, key=key)
