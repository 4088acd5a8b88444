"""The scenes the hall may play: names from ``scenes/``, never paths.

Remote control accepts a scene *name*; anything else (a path, ``..``, a file name) is
refused before it reaches the loader, so the show-control network cannot make the hall
read arbitrary files.
"""

from __future__ import annotations

import re
from typing import Any

from exhibit.spec.common import ID_PATTERN
from exhibit.spec.errors import ExhibitError, did_you_mean
from exhibit.spec.hall import Hall
from exhibit.spec.project import Project
from exhibit.timeline.model import Timeline

SCENE_NAME = re.compile(ID_PATTERN)


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

    def compile(self, name: str, lang: str | None = None) -> Timeline:
        """Load, check and compile a scene, with measured narration timings where audio exists."""
        from exhibit.spec.checks import load_playable
        from exhibit.timeline.compile import compile as compile_timeline

        self.check(name)
        scene, doc = load_playable(self.project, self.project.scene_path(name), self.hall)
        language = lang if lang in scene.languages else scene.languages[0]
        try:
            from exhibit.narration import timings_for

            timings = dict(timings_for(self.project, scene, language))
        except ImportError:
            timings = {}
        return compile_timeline(scene, language, timings, doc)
