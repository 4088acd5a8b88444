"""Fixtures for every test area.

- Any test that logs a warning (or worse) fails, unless it is marked
  ``@pytest.mark.logs_warnings``: a warning in the log is a problem someone
  would have to read, so tests say when they expect one.
- ``project``: a copy of a small, valid content root (``tests/spec/project``:
  one scene ``mini``, one bank ``party``, a ``hall.yaml``, a sound, a music
  file and a model) in a temporary folder, free to be changed by the test.
- The bundled scenes' procedural pictures (``scripts/make-media``, not kept in git) are
  made once when they are missing, as ``scripts/setup`` makes them.
"""

from __future__ import annotations

import logging
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from exhibit.spec.project import Project

SMALL_ROOT = Path(__file__).parent / "spec" / "project"
REPO = Path(__file__).resolve().parent.parent


def pytest_sessionstart(session: pytest.Session) -> None:
    pictures = REPO / "pictures"
    if not all((pictures / name).is_file() for name in ("slogan_mission.png", "slogan_people.png")):
        subprocess.run([sys.executable, str(REPO / "scripts" / "make-media")], check=True, capture_output=True)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "logs_warnings: the test expects warnings in the log")


@pytest.fixture(autouse=True)
def _no_logged_warnings(
    request: pytest.FixtureRequest, caplog: pytest.LogCaptureFixture
) -> Iterator[None]:
    yield
    if request.node.get_closest_marker("logs_warnings"):
        return
    logged = [r for r in caplog.get_records("call") if r.levelno >= logging.WARNING]
    if logged:
        lines = "\n".join(f"  {r.levelname} {r.name}: {r.getMessage()}" for r in logged)
        pytest.fail(f"the test logged {len(logged)} warning(s):\n{lines}", pytrace=False)


@pytest.fixture
def project(tmp_path: Path) -> Project:
    """A fresh copy of the small content root."""
    root = tmp_path / "content"
    shutil.copytree(SMALL_ROOT, root)
    return Project.at(root)
