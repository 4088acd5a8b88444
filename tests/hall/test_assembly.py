"""The hall put together from a hall file and options, as ``exhibit hall`` does (refusals before anything starts)."""

from __future__ import annotations

from pathlib import Path

import pytest

from exhibit.hall.assembly import HallOptions, run_hall
from exhibit.spec.errors import ExhibitError
from exhibit.spec.project import Project
from tests.hall.rig import HALL, SCENES, write_hall_project


def _hall(root: Path, hall: dict) -> tuple[Project, object, Path]:  # type: ignore[type-arg]
    write_hall_project(root, hall, SCENES)
    project = Project.at(root)
    loaded = project.load_hall()
    assert loaded.model is not None, loaded.diagnostics
    return project, loaded.model, project.hall_path


def test_a_language_the_hall_does_not_have_is_refused_before_anything_starts(tmp_path: Path) -> None:
    project, hall, config = _hall(tmp_path, {**HALL, "schedule": []})
    with pytest.raises(ExhibitError) as refused:
        run_hall(project, hall, config, HallOptions(headless=True, sync=False, lang="fr"))  # type: ignore[arg-type]
    assert str(refused.value) == "the hall has no language 'fr'; it has zh, en"
    assert not (tmp_path / "var" / "log" / "hall.jsonl").exists()


def test_hardware_effects_are_never_driven_in_process(tmp_path: Path) -> None:
    artnet = {**HALL, "schedule": [], "outputs": {"dmx": {"kind": "artnet", "host": "127.0.0.1"}},
              "effects": {"wind": {"output": "dmx", "channel": 1}}}
    project, hall, config = _hall(tmp_path, artnet)
    with pytest.raises(ExhibitError) as refused:
        run_hall(project, hall, config, HallOptions(headless=True, sync=False, effects="local"))  # type: ignore[arg-type]
    assert str(refused.value).startswith("--effects local drives only simulated outputs")
