"""docs/reference/: the field and command tables are those of the code, never stale.

The committed pages must equal a fresh render (so a new field, a changed default or
a new option fails here until ``exhibit schema --markdown docs/reference`` is run),
every field of every format and every option of every command is on its page, and
regenerating keeps the prose written above the marker.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from exhibit.cli.main import build_parser
from exhibit.cli.reference import CLI_PAGE, MARKER, PAGES, render
from exhibit.cli.schema import schema_for

REPO = Path(__file__).resolve().parents[2]
DOCS = REPO / "docs" / "reference"


@pytest.mark.parametrize("page", [*PAGES.values(), CLI_PAGE])
def test_the_committed_reference_page_is_what_the_code_generates(page: str) -> None:
    committed = (DOCS / page).read_text(encoding="utf-8")
    assert MARKER in committed, f"docs/reference/{page} lost its marker line"
    assert render(committed, page) == committed, (
        f"docs/reference/{page} is out of date: run 'exhibit schema --markdown docs/reference' and commit it"
    )


@pytest.mark.parametrize("name", list(PAGES))
def test_every_field_of_every_type_is_in_its_table(name: str) -> None:
    text = (DOCS / PAGES[name]).read_text(encoding="utf-8").split(MARKER, 1)[1]
    schema = schema_for(name)
    types = {f"Fields of a {name} file": schema, **schema["$defs"]}
    for title, node in types.items():
        section = text.split(f"### {title}\n", 1)[-1] if title in schema["$defs"] else text
        section = section.split("\n### ", 1)[0]
        for field in node.get("properties", {}):
            assert f"| `{field}` |" in section, f"{PAGES[name]}: {title}.{field} has no row"


def test_a_field_row_gives_its_type_default_and_description() -> None:
    text = (DOCS / "scene.md").read_text(encoding="utf-8")
    move = text.split("### MoveCue\n", 1)[1].split("\n### ", 1)[0]
    assert "| `duration` | number (>= 0.0, <= 100000.0) | `2.0` |" in move
    assert "| `target` | string matching `^[a-z][a-z0-9_]*$` | **required** |" in move
    assert "| `to` | [Transform](#transform) | **required** |" in move
    assert "colour as #rrggbb or #rrggbbaa" in text


def _commands(parser: argparse.ArgumentParser, name: str) -> list[tuple[str, argparse.ArgumentParser]]:
    found = [(name, parser)]
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub, sub_parser in action.choices.items():
                found += _commands(sub_parser, f"{name} {sub}")
    return found


def test_every_command_and_option_is_on_the_cli_page() -> None:
    text = (DOCS / CLI_PAGE).read_text(encoding="utf-8")
    commands = _commands(build_parser(), "exhibit")
    assert {"exhibit still", "exhibit quiz import", "exhibit effects panic"} <= {name for name, _ in commands}
    for name, parser in commands:
        section = text.split(f"`{name}`\n", 1)[1].split("\n#", 1)[0]
        for action in parser._actions:
            for option in action.option_strings:
                if option not in ("-h", "--help"):
                    assert f"`{option}" in section, f"{CLI_PAGE}: {name} {option} is missing"


def test_regenerating_restores_the_tables_and_keeps_the_prose(tmp_path: Path) -> None:
    shutil.copytree(DOCS, tmp_path / "reference")
    page = tmp_path / "reference" / "scene.md"
    prose, tables = page.read_text(encoding="utf-8").split(MARKER, 1)
    stale = prose + "A sentence the writer added.\n\n" + MARKER + tables.replace("| `year` |", "| `yaer` |")
    page.write_text(stale, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "exhibit", "schema", "--markdown", str(tmp_path / "reference")],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    fresh = page.read_text(encoding="utf-8")
    assert "A sentence the writer added." in fresh.split(MARKER, 1)[0]
    assert "| `year` |" in fresh and "`yaer`" not in fresh
    assert fresh.split(MARKER, 1)[1] == tables
