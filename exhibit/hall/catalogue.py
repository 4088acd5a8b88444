"""The scenes the hall may play: names from ``scenes/``, never paths.

Remote control accepts a scene *name*; anything else (a path, ``..``, a file name) is
refused before it reaches the loader, so the show-control network cannot make the hall
read arbitrary files.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from exhibit.spec.common import ID_PATTERN
from exhibit.spec.errors import Diagnostic, ExhibitError, did_you_mean
from exhibit.spec.hall import Hall
from exhibit.spec.project import Project
from exhibit.timeline.model import Timeline

SCENE_NAME = re.compile(ID_PATTERN)
Warn = Callable[[Diagnostic], None]


class Catalogue:
    def __init__(self, project: Project, hall: Hall | None = None) -> None:
        self.project = project
        self.hall = hall

    def names(self) -> list[str]:
        return self.project.scene_names()

    def check(self, name: Any) -> str:
        """``name`` when it names a scene in ``scenes/``; else :class:`ExhibitError` saying why."""
        if not isinstance(name, str) or not SCENE_NAME.match(name):
            shown = name if isinstance(name, str) else type(name).__name__
            raise ExhibitError(f"'{shown}' is not a scene name (lower-case letters, digits and _; no paths)")
        names = self.names()
        if name not in names:
            raise ExhibitError(f"unknown scene '{name}'{did_you_mean(name, names)}")
        return name

    def compile(self, name: str, lang: str | None = None, warn: Warn | None = None) -> Timeline:
        """Load, check and compile a scene, with measured narration timings where audio exists.

        A language the scene lacks is an error; with ``warn`` (the hall's playback, which
        journals it) a located warning, and the scene plays in its first language.
        """
        from exhibit.narration.show import prepare_show  # the narration's audio stack, when first needed

        self.check(name)
        return prepare_show(self.project, name, lang, self.hall, narration="measured", warn=warn).timeline
