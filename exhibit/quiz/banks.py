"""Finding and loading the question bank a kiosk, a scene or a command asks for."""

from __future__ import annotations

from exhibit.spec.errors import ContentError, ExhibitError, did_you_mean
from exhibit.spec.hall import Hall
from exhibit.spec.project import Project
from exhibit.spec.quiz import Bank


def bank_name(project: Project, name: str | None, hall: Hall | None = None) -> str:
    """The bank to use: the one named, else the hall's, else the only one there is."""
    names = project.bank_names()
    if name:
        return name
    if hall is not None and hall.quiz.bank:
        return hall.quiz.bank
    stems = sorted({p.stem for p in names.values()})
    if len(stems) == 1:
        return stems[0]
    if not stems:
        raise ExhibitError(
            f"no question banks in {project.display(project.quiz_dir)}; add quiz/NAME.yaml "
            "or import one with 'exhibit quiz import'"
        )
    raise ExhibitError(f"several question banks ({', '.join(stems)}); choose one with --bank")


def load_bank(project: Project, name: str) -> Bank:
    """The bank's model; a bank with errors is refused with its located diagnostics."""
    names = project.bank_names()
    path = names.get(name)
    if path is None:
        known = sorted(names)
        hint = did_you_mean(name, known) or (f" (banks: {', '.join(known)})" if known else "")
        raise ExhibitError(f"unknown question bank '{name}'{hint}")
    loaded = project.load_bank(path)
    if loaded.model is None or any(d.is_error for d in loaded.diagnostics):
        raise ContentError(loaded.diagnostics)
    return loaded.model
