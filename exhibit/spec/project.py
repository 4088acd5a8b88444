"""The content root: the folder that holds ``scenes/``, ``quiz/``, ``audio/`` and ``hall.yaml``.

All paths written in content are relative to it. Loading here means parsing and
validating one file; checks that relate files to each other live in
:mod:`exhibit.spec.checks`.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from exhibit.spec.common import ID_PATTERN
from exhibit.spec.errors import Diagnostic, ExhibitError, Location, Severity, did_you_mean
from exhibit.spec.hall import FLASH_LIMIT, FLASHING_EFFECTS, Hall, ScheduleEntry, default_hall
from exhibit.spec.quiz import Bank, check_bank
from exhibit.spec.scene import Scene
from exhibit.spec.source import Document, load_file
from exhibit.spec.validate import Loaded, validate_document

YAML_SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True)
class Project:
    root: Path

    @classmethod
    def at(cls, root: str | os.PathLike[str] | None = None) -> Project:
        return cls(Path(root or ".").resolve())

    @property
    def scenes_dir(self) -> Path:
        return self.root / "scenes"

    @property
    def quiz_dir(self) -> Path:
        return self.root / "quiz"

    @property
    def hall_path(self) -> Path:
        return self.root / "hall.yaml"

    @property
    def build_dir(self) -> Path:
        return self.root / "build"

    @property
    def var_dir(self) -> Path:
        return self.root / "var"

    def display(self, path: Path) -> str:
        """A path as shown in messages: relative to the current folder when possible."""
        try:
            rel = os.path.relpath(path)
        except ValueError:
            return str(path)
        return str(path) if rel.startswith("..") else rel

    def resolve(self, relative: str) -> Path:
        return (self.root / relative).resolve()

    def scene_paths(self) -> list[Path]:
        return _yaml_files(self.scenes_dir)

    def bank_paths(self) -> list[Path]:
        return _yaml_files(self.quiz_dir)

    def scene_names(self) -> list[str]:
        return [p.stem for p in self.scene_paths()]

    def bank_names(self) -> dict[str, Path]:
        """Bank name -> file. The name is the file's ``bank:`` key, else its stem."""
        names: dict[str, Path] = {}
        for path in self.bank_paths():
            names[path.stem] = path
            declared = _declared_name(path, "bank")
            if declared:
                names[declared] = path
        return names

    def bank_files(self) -> dict[str, list[Path]]:
        """Bank name -> the files in quiz/ that define it; more than one is an error."""
        files: dict[str, list[Path]] = {}
        for path in self.bank_paths():
            files.setdefault(_declared_name(path, "bank") or path.stem, []).append(path)
        return files

    def bank_conflict(self, path: Path, name: str | None = None) -> tuple[str, str] | None:
        """The bank ``path`` defines (or would, as ``name``) and another file defining it, if any."""
        name = name or _declared_name(path, "bank") or path.stem
        others = [p for p in self.bank_files().get(name, []) if p.resolve() != path.resolve()]
        return (name, self.display(others[0])) if others else None

    def scene_path(self, name_or_path: str) -> Path:
        """A scene given as a name (``nanhu_red_boat``) or a path to its file."""
        candidate = Path(name_or_path)
        if candidate.suffix in YAML_SUFFIXES or os.sep in name_or_path or "/" in name_or_path:
            return candidate if candidate.is_absolute() else (Path.cwd() / candidate)
        for suffix in YAML_SUFFIXES:
            path = self.scenes_dir / f"{name_or_path}{suffix}"
            if path.exists():
                return path
        return self.scenes_dir / f"{name_or_path}.yaml"

    def find_scene(self, name_or_path: str | os.PathLike[str]) -> Path:
        """The file of a scene given as a name or a path: the one lookup every command and the
        hall use, so a mistyped name gets the same "did you mean" everywhere."""
        shown = os.fspath(name_or_path)
        path = self.scene_path(shown)
        if not path.is_file():
            names = self.scene_names()
            hint = did_you_mean(shown, names)
            listing = f"; scenes: {', '.join(names)}" if names and not hint else ""
            raise ExhibitError(f"no scene '{shown}'{hint}{listing}")
        return path

    def load_scene(self, path: Path) -> Loaded[Scene]:
        loaded = validate_document(load_file(path, self.display(path)), Scene, "scene")
        if loaded.model is not None and loaded.model.id is None:
            stem = path.stem
            if not re.match(ID_PATTERN, stem):
                loaded.diagnostics.append(
                    Diagnostic(
                        Severity.ERROR,
                        f"the file name '{stem}' is not a valid scene id; rename the file "
                        "(lower-case letters, digits and _) or give the scene an 'id'",
                        Location(loaded.doc.path, 1, 1),
                    )
                )
            loaded.model = loaded.model.model_copy(update={"id": stem})
        return loaded

    def load_bank(self, path: Path) -> Loaded[Bank]:
        loaded = validate_document(load_file(path, self.display(path)), Bank, "question bank")
        if loaded.model is not None:
            if loaded.model.bank is None:
                loaded.model = loaded.model.model_copy(update={"bank": path.stem})
            loaded.diagnostics.extend(check_bank(loaded.model, loaded.doc))
        return loaded

    def load_hall(self, path: Path | None = None) -> Loaded[Hall]:
        """The hall file, or the built-in default hall when there is none."""
        path = path or self.hall_path
        if not path.exists():
            return Loaded(Document(self.display(path), None), default_hall(), [])
        loaded = validate_document(load_file(path, self.display(path)), Hall, "hall file")
        if loaded.model is not None:
            loaded.diagnostics.extend(check_hall(loaded.model, loaded.doc, self))
        return loaded


#: the universes sACN (E1.31) can carry: 0 and 64000 upwards are reserved
SACN_UNIVERSES = (1, 63999)


def check_hall(hall: Hall, doc: Document, project: Project) -> list[Diagnostic]:
    """What is wrong in a hall beyond its fields' own checks: outputs, DMX addresses, scenes, walls."""
    return [
        *_check_effects(hall, doc),
        *_check_dmx_addresses(hall, doc),
        *_check_flashing(hall, doc),
        *_check_schedule(hall, doc, project.scene_names()),
        *_check_walls(hall, doc),
    ]


def _check_effects(hall: Hall, doc: Document) -> list[Diagnostic]:
    """Each effect's output exists and the effect says what that output needs; its interlocks exist."""
    from exhibit.spec.errors import did_you_mean

    out: list[Diagnostic] = []
    for name, channel in hall.effects.items():
        if channel.output != "sim" and channel.output not in hall.outputs:
            out.append(
                Diagnostic(
                    Severity.ERROR,
                    f"effect '{name}' uses output '{channel.output}', which is not under 'outputs'"
                    f"{did_you_mean(channel.output, list(hall.outputs))}",
                    doc.locate(("effects", name, "output")),
                )
            )
            continue
        output = hall.outputs.get(channel.output)
        if output is not None and output.kind in ("artnet", "sacn") and channel.channel is None:
            out.append(
                Diagnostic(
                    Severity.ERROR,
                    f"effect '{name}' on DMX output '{channel.output}' needs a 'channel' (1..512)",
                    doc.locate(("effects", name), key=True),
                )
            )
        if output is not None and output.kind == "sacn" and not 1 <= channel.universe <= SACN_UNIVERSES[1]:
            out.append(
                Diagnostic(
                    Severity.ERROR,
                    f"effect '{name}' on sACN output '{channel.output}' has universe {channel.universe}; "
                    f"sACN (E1.31) numbers universes {SACN_UNIVERSES[0]}..{SACN_UNIVERSES[1]}",
                    doc.locate(("effects", name, "universe")),
                )
            )
        if output is not None and output.kind == "osc" and channel.address is None:
            out.append(
                Diagnostic(
                    Severity.ERROR,
                    f"effect '{name}' on OSC output '{channel.output}' needs an 'address' like /seat/level",
                    doc.locate(("effects", name), key=True),
                )
            )
        for i, inp in enumerate(channel.interlock):
            if hall.inputs and inp not in hall.inputs:
                out.append(
                    Diagnostic(
                        Severity.ERROR,
                        f"unknown interlock input '{inp}'{did_you_mean(inp, hall.inputs)}",
                        doc.locate(("effects", name, "interlock", i)),
                    )
                )
    return out


def _check_dmx_addresses(hall: Hall, doc: Document) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    # Two effects on the same DMX address would fight over it. A motion seat with
    # `limits` takes three slots: pitch, roll and heave.
    used: dict[tuple[str, int, int], str] = {}
    for name, channel in hall.effects.items():
        if channel.channel is None:
            continue
        slots = 3 if channel.limits is not None else 1
        if channel.channel + slots - 1 > 512:
            out.append(
                Diagnostic(
                    Severity.ERROR,
                    f"effect '{name}' needs channels {channel.channel} to "
                    f"{channel.channel + slots - 1}, past the last DMX channel (512)",
                    doc.locate(("effects", name, "channel")),
                )
            )
        for slot in range(channel.channel, channel.channel + slots):
            key = (channel.output, channel.universe, slot)
            if key in used and used[key] != name:
                out.append(
                    Diagnostic(
                        Severity.ERROR,
                        f"effect '{name}' uses DMX channel {slot} of universe {channel.universe}, "
                        f"which '{used[key]}' uses too",
                        doc.locate(("effects", name, "channel")),
                    )
                )
                break
            used.setdefault(key, name)
    return out


def _check_flashing(hall: Hall, doc: Document) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    for name, channel in hall.effects.items():
        if name in FLASHING_EFFECTS and channel.max_rate is not None and channel.max_rate > FLASH_LIMIT:
            out.append(
                Diagnostic(
                    Severity.WARNING,
                    f"'{name}' may flash at most {FLASH_LIMIT:g} times a second (photosensitive "
                    f"epilepsy guidance); {channel.max_rate:g} is lowered to {FLASH_LIMIT:g}",
                    doc.locate(("effects", name, "max_rate")),
                )
            )
    return out


def _check_schedule(hall: Hall, doc: Document, scenes: list[str]) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    for i, entry in enumerate(hall.schedule):
        start, end = entry.minutes()
        if end <= start:
            out.append(
                Diagnostic(
                    Severity.ERROR,
                    f"the schedule ends ({entry.to}) before it starts ({entry.from_})",
                    doc.locate(("schedule", i, "to")),
                )
            )
        if entry.lang is not None and entry.lang not in hall.languages:
            out.append(
                Diagnostic(
                    Severity.ERROR,
                    f"the hall has no language '{entry.lang}'; add it to 'languages' or use one of "
                    f"{', '.join(hall.languages)}",
                    doc.locate(("schedule", i, "lang")),
                )
            )
        for j, name in enumerate(entry.playlist):
            if name not in scenes:
                out.append(
                    Diagnostic(
                        Severity.ERROR,
                        f"unknown scene '{name}'{_scene_hint(name, scenes)}",
                        doc.locate(("schedule", i, "playlist", j)),
                    )
                )
    out += _same_times(hall, doc)
    if hall.attract is not None and hall.attract not in scenes:
        out.append(
            Diagnostic(
                Severity.ERROR,
                f"unknown scene '{hall.attract}'{_scene_hint(hall.attract, scenes)}",
                doc.locate(("attract",)),
            )
        )
    return out


def _same_times(hall: Hall, doc: Document) -> list[Diagnostic]:
    """Two entries that start a show at the same moment of a day: only the first plays."""
    days = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
    out: list[Diagnostic] = []
    for i, entry in enumerate(hall.schedule):
        for j, earlier in enumerate(hall.schedule[:i]):
            shared = [d for d in days if (entry.days is None or d in entry.days)
                      and (earlier.days is None or d in earlier.days)]
            common = sorted(_show_seconds(entry) & _show_seconds(earlier)) if shared else []
            if common:
                at = ", ".join(f"{t // 3600:02d}:{t // 60 % 60:02d}" for t in common[:3])
                at += ", ..." if len(common) > 3 else ""
                out.append(Diagnostic(
                    Severity.WARNING,
                    f"this entry and entry {j + 1} both start a show at {at} "
                    f"({', '.join(shared) if len(shared) < 7 else 'every day'}); only entry {j + 1}'s plays: "
                    "give them opening hours that do not overlap",
                    doc.locate(("schedule", i)),
                ))
    return out


def _show_seconds(entry: ScheduleEntry) -> set[int]:
    """When the entry's shows start, to the second after midnight."""
    return {round(seconds) for seconds in entry.show_starts()}


def _check_walls(hall: Hall, doc: Document) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    for i, wall in enumerate(hall.display.walls):
        c = wall.corners
        u = [c.lr[k] - c.ll[k] for k in range(3)]
        v = [c.ul[k] - c.ll[k] for k in range(3)]
        cross = (u[1] * v[2] - u[2] * v[1], u[2] * v[0] - u[0] * v[2], u[0] * v[1] - u[1] * v[0])
        if sum(x * x for x in cross) < 1e-9:
            out.append(
                Diagnostic(
                    Severity.ERROR,
                    f"wall '{wall.name}': its corners lie on one line; give ll, lr and ul of the screen",
                    doc.locate(("display", "walls", i, "corners")),
                )
            )
    return out


def _scene_hint(name: str, scenes: list[str]) -> str:
    from exhibit.spec.errors import did_you_mean

    hint = did_you_mean(name, scenes)
    if hint:
        return hint
    return f"; the scenes are: {', '.join(scenes)}" if scenes else "; there are no scenes in scenes/"


def _yaml_files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.suffix in YAML_SUFFIXES and p.is_file())


def _declared_name(path: Path, key: str) -> str | None:
    """Read ``key: value`` from the top of a file without parsing all of it."""
    try:
        with path.open(encoding="utf-8-sig") as fh:
            for _, line in zip(range(40), fh, strict=False):
                m = re.match(rf"^{key}:\s*([a-z][a-z0-9_]*)\s*(?:#.*)?$", line)
                if m:
                    return m.group(1)
    except (OSError, UnicodeDecodeError):
        return None
    return None
