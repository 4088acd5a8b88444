"""``exhibit schema``: JSON Schemas that accept the real content and reject broken files.

The schemas are written by the command itself, then used with a real validator
(jsonschema, Draft 2020-12) on the bundled scenes, banks and hall file, read the way
the engine reads them (``1:30`` stays text, as the time grammar wants).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from exhibit.spec.source import load_file

REPO = Path(__file__).resolve().parents[2]
SMALL_ROOT = REPO / "tests" / "spec" / "project"
CORPUS = REPO / "tests" / "spec" / "corpus"

BUNDLED = {
    "scene": sorted((REPO / "scenes").glob("*.yaml")) + [SMALL_ROOT / "scenes" / "mini.yaml"],
    "quiz": sorted((REPO / "quiz").glob("*.yaml")) + [SMALL_ROOT / "quiz" / "party.yaml"],
    "hall": [REPO / "hall.yaml", SMALL_ROOT / "hall.yaml"],
}


@pytest.fixture(scope="module")
def schemas(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Draft202012Validator]:
    out = tmp_path_factory.mktemp("schema")
    result = subprocess.run(
        [sys.executable, "-m", "exhibit", "schema", "-o", str(out)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    validators = {}
    for name in ("scene", "quiz", "hall"):
        path = out / f"{name}.schema.json"
        assert str(path) in result.stderr  # the command says what it wrote
        schema = json.loads(path.read_text(encoding="utf-8"))
        Draft202012Validator.check_schema(schema)
        assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
        validators[name] = Draft202012Validator(schema)
    return validators


def _data(path: Path) -> Any:
    doc = load_file(path)
    assert not doc.diagnostics, doc.diagnostics
    return doc.data


def test_there_is_bundled_content_to_validate() -> None:
    assert len(BUNDLED["scene"]) >= 4 and len(BUNDLED["quiz"]) >= 2
    assert all(p.is_file() for paths in BUNDLED.values() for p in paths)


@pytest.mark.parametrize(
    ("kind", "path"),
    [(kind, path) for kind, paths in BUNDLED.items() for path in paths],
    ids=lambda v: v if isinstance(v, str) else str(v.relative_to(REPO)),
)
def test_bundled_content_validates(
    schemas: dict[str, Draft202012Validator], kind: str, path: Path
) -> None:
    errors = [
        f"{list(e.absolute_path)}: {e.message}" for e in schemas[kind].iter_errors(_data(path))
    ]
    assert not errors, "\n".join(errors)


# Broken files from the malformed corpus, with a place each schema must reject.
INVALID = [
    ("scene", "scenes/unknown_key_top.yaml", [], "'titel' was unexpected"),
    ("scene", "scenes/unknown_object_kind.yaml", ["objects", "boat"], ""),
    ("scene", "scenes/colour_malformed.yaml", ["environment", "sky", "zenith"], "does not match"),
    ("scene", "scenes/time_units.yaml", ["duration"], ""),
    ("scene", "scenes/wrong_types.yaml", ["camera", "fov"], "is not of type 'number'"),
    ("scene", "scenes/invalid_ids.yaml", ["objects"], "'Boat', 'red-flag' do not match"),
    ("scene", "scenes/list_instead_of_map.yaml", ["objects"], "is not of type 'object'"),
    (
        "quiz",
        "quiz/bad_fields.yaml",
        ["questions", 0, "difficulty"],
        "7 is greater than the maximum of 5",
    ),
    ("quiz", "quiz/questions_not_a_list.yaml", ["questions"], "is not of type 'array'"),
    ("hall", "hall/bad_values.yaml", ["display", "mode"], "'walls' is not one of"),
    ("hall", "hall/schedule.yaml", ["schedule", 2, "playlist"], "should be non-empty"),
]


@pytest.mark.parametrize(("kind", "name", "where", "words"), INVALID, ids=[i[1] for i in INVALID])
def test_broken_files_fail_validation_where_they_are_broken(
    schemas: dict[str, Draft202012Validator], kind: str, name: str, where: list[Any], words: str
) -> None:
    errors = list(schemas[kind].iter_errors(_data(CORPUS / name)))
    assert errors, f"{name} validates, but it is broken"
    at = [e for e in errors if list(e.absolute_path) == where]
    assert at, [list(e.absolute_path) for e in errors]
    assert any(words in e.message for e in at), [e.message for e in at]


def test_time_expressions_in_the_schema_follow_the_grammar(
    schemas: dict[str, Draft202012Validator],
) -> None:
    def at(value: Any) -> list[str]:
        scene = {"cues": [{"at": value, "do": "fade", "to": "black"}]}
        return [e.message for e in schemas["scene"].iter_errors(scene)]

    for good in (
        0,
        12.5,
        "12.5s",
        "1:02.5",
        "intro.end + 1",
        "intro@boat - 2s",
        "scene.end",
        "drift.start",
    ):
        assert at(good) == [], good
    for bad in ("5x", "intro", "intro.ned", "#12", "", -1):
        assert at(bad), bad


def test_the_scene_schema_knows_pictures(schemas: dict[str, Draft202012Validator]) -> None:
    base = {"camera": {"keys": [{"at": 0, "pos": [0, -1, 1.7]}]}, "duration": 10}
    good = {
        "kind": "image",
        "file": "pictures/a.jpg",
        "size": [2, "auto"],
        "frame": {"style": "wood"},
        "plaque": {"text": {"zh": "会址", "en": "Site"}},
        "lit": False,
        "billboard": True,
    }
    assert list(schemas["scene"].iter_errors({**base, "objects": {"photo": good}})) == []
    for bad in ({"size": [2, "big"]}, {"frame": {"style": "gold"}}, {"lit": "no"}, {"shine": 1}):
        errors = list(schemas["scene"].iter_errors({**base, "objects": {"photo": {**good, **bad}}}))
        assert errors, f"{bad} must be rejected"
