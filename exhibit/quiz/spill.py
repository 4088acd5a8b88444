"""Waiting attempts on disk, so that a process that exits while the database is out loses none.

:class:`~exhibit.quiz.spool.AttemptSpool` keeps the rounds the database could not take
in memory; a kiosk closed for the night, a show that ends or a process killed would
lose them there. A :class:`SpillFile` writes each waiting round to a JSON-lines file
as it starts to wait and marks it done once the store has it, so the next spool for the
same database (the next kiosk start, the next show) picks up what was left.

The file goes to the first of several folders that takes a write: the content root's
``var/spool`` first, then the user's state folder, then ``/var/tmp``; a full or
read-only disk under the database is usually not the disk of the others. Each process
writes a file of its own and holds an exclusive lock on it while it lives; a file whose
lock can be taken belongs to a process that is gone, and is read back and then removed.

A round written to the database in the instant before a crash, and not yet marked done
in the file, would be stored twice; a round is never lost.
"""

from __future__ import annotations

import contextlib
import dataclasses
import fcntl
import hashlib
import json
import os
import tempfile
import typing
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from exhibit.quiz.attempt import AnswerRecord, AttemptRecord

SUFFIX = ".waiting.jsonl"


def spill_folders(root: Path, url: str) -> list[Path]:
    """Where waiting rounds for the database ``url`` may be written, best first."""
    key = hashlib.sha256(url.encode("utf-8")).hexdigest()[:16]
    state = Path(os.environ.get("XDG_STATE_HOME") or Path.home() / ".local" / "state")
    return [
        root / "var" / "spool" / key,
        state / "exhibit" / "spool" / key,
        Path("/var/tmp") / f"exhibit-spool-{os.getuid()}" / key,
    ]


def _encode(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return [_encode(v) for v in value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _encode(getattr(value, f.name)) for f in dataclasses.fields(value)}
    return value


def _decode_fields(cls: type, data: dict[str, Any]) -> dict[str, Any]:
    hints = typing.get_type_hints(cls)
    out: dict[str, Any] = {}
    for f in dataclasses.fields(cls):
        if f.name not in data:
            continue  # a field added since the file was written keeps its default
        value = data[f.name]
        if hints[f.name] is datetime and value is not None:
            value = datetime.fromisoformat(value)
        elif f.name == "answers":
            value = tuple(AnswerRecord(**_decode_fields(AnswerRecord, a)) for a in value)
        elif isinstance(value, list):
            value = tuple(value)
        out[f.name] = value
    return out


def decode_attempt(data: dict[str, Any]) -> AttemptRecord:
    """The attempt that ``_encode(attempt)`` wrote."""
    return AttemptRecord(**_decode_fields(AttemptRecord, data))


class SpillFile:
    """This process's file of waiting rounds, and the rounds other processes left behind."""

    def __init__(self, folders: Sequence[Path]) -> None:
        self.folders = list(folders)
        self.path: Path | None = None  # where this process writes, once something waits
        self._file: IO[str] | None = None
        # Files adopted, or filled before moving on to the next folder: kept open and
        # locked (so no other process adopts rounds this one holds) until nothing waits.
        self._held: list[tuple[Path, IO[str]]] = []
        self.problem: str | None = None  # why the last folder refused the file

    def adopt(self) -> list[AttemptRecord]:
        """Rounds left waiting by processes that are gone.

        Their files are held from then on like this process's own, and removed when
        nothing waits; if this process dies first, the next one adopts them again.
        """
        found: list[AttemptRecord] = []
        for folder in self.folders:
            try:
                names = sorted(folder.glob(f"*{SUFFIX}"))
            except OSError:
                continue
            for path in names:
                found.extend(self._adopt_file(path))
        return found

    def _adopt_file(self, path: Path) -> list[AttemptRecord]:
        try:
            handle = path.open("r", encoding="utf-8")
        except OSError:
            return []
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.close()
            return []  # its process still lives and writes it
        waiting: dict[int, AttemptRecord] = {}
        for raw in handle:
            try:
                entry = json.loads(raw)
                if "done" in entry:
                    waiting.pop(int(entry["done"]), None)
                else:
                    waiting[int(entry["id"])] = decode_attempt(entry["attempt"])
            except (ValueError, KeyError, TypeError):
                continue  # a line torn by a crash: the rounds before it are whole
        # Held, locked, like a file of this process's own: it goes when nothing waits.
        self._held.append((path, handle))
        return list(waiting.values())

    def add(self, ident: int, attempt: AttemptRecord) -> bool:
        """Write a round that starts to wait; False if no folder would take it."""
        return self._append(json.dumps({"id": ident, "attempt": _encode(attempt)}, ensure_ascii=False))

    def done(self, ident: int) -> None:
        """The store has round ``ident``."""
        if self._file is not None:
            self._append(json.dumps({"done": ident}))

    def empty(self) -> None:
        """Nothing waits any more: the files go."""
        if self._file is not None and self.path is not None:
            self._held.append((self.path, self._file))
        for path, handle in self._held:
            with contextlib.suppress(OSError):
                path.unlink()
            with contextlib.suppress(OSError):
                handle.close()
        self._held = []
        self._file = None
        self.path = None

    def _append(self, line: str) -> bool:
        while True:
            handle = self._file or self._open()
            if handle is None:
                return False
            try:
                handle.write(line + "\n")
                handle.flush()
                os.fsync(handle.fileno())
                return True
            except OSError as exc:
                self.problem = f"{self.path}: {exc.strerror or exc}"
                self._move_on()

    def _move_on(self) -> None:
        """The current folder filled up: keep its file locked, write on in the next folder."""
        if self._file is not None and self.path is not None:
            self._held.append((self.path, self._file))
            if self.path.parent in self.folders:
                self.folders.remove(self.path.parent)
        self._file = None
        self.path = None

    def _open(self) -> IO[str] | None:
        for folder in list(self.folders):
            try:
                folder.mkdir(parents=True, exist_ok=True)
                fd, name = tempfile.mkstemp(prefix=f"{os.getpid()}-", suffix=SUFFIX, dir=folder)
                handle = os.fdopen(fd, "w", encoding="utf-8")
                fcntl.flock(handle, fcntl.LOCK_EX)
            except OSError as exc:
                self.problem = f"{folder}: {exc.strerror or exc}"
                self.folders.remove(folder)
                continue
            self._file, self.path = handle, Path(name)
            return handle
        return None

    def close(self) -> None:
        """Let go of the files (what waits in them stays, for the next spool); ``path`` still
        names the last one."""
        for _, handle in self._held:
            with contextlib.suppress(OSError):
                handle.close()
        if self._file is not None:
            with contextlib.suppress(OSError):
                self._file.close()
        self._held = []
        self._file = None
