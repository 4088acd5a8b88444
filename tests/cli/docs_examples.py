"""The scene examples of docs/writing-scenes.md, as staff copy them: each must pass a strict check."""

from __future__ import annotations

from pathlib import Path

import pytest

from exhibit.cli.main import main
from exhibit.spec.project import Project

GUIDE = Path(__file__).resolve().parents[2] / "docs" / "writing-scenes.md"


def example(heading: str) -> str:
    """The first YAML block under ``heading`` in the guide."""
    docs = GUIDE.read_text(encoding="utf-8")
    section = docs[docs.index(heading) :]
    start = section.index("```yaml\n") + 8
    return section[start : section.index("```\n", start)]


def strict_check(
    project: Project, capsys: pytest.CaptureFixture[str], heading: str, name: str
) -> tuple[int, list[str]]:
    """``exhibit check --strict`` on the example under ``heading`` saved as ``scenes/NAME.yaml``:
    its exit status and every error and warning line."""
    scene = project.root / "scenes" / f"{name}.yaml"
    scene.write_text(example(heading), encoding="utf-8")
    status = main(["--root", str(project.root), "check", "--strict", str(scene)])
    out = capsys.readouterr().out
    return status, [line for line in out.splitlines() if ": error: " in line or ": warning: " in line]
