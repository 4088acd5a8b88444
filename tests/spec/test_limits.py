"""Bounded work: what a scene file may ask for, and the located error past each bound."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from exhibit.spec.budget import check_budget
from exhibit.spec.limits import ALIAS_FLOOR, MAX_FILE_ENV, MAX_LINE_CHARS
from exhibit.spec.scene import Scene
from exhibit.spec.source import load_file, load_text
from exhibit.spec.validate import validate_document


def billion_laughs(levels: int = 9) -> str:
    lines = ["languages: [en]", "a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, levels):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]")
    return "\n".join(lines) + "\n"


def errors(text: str) -> list[str]:
    loaded = validate_document(load_text(text, "s.yaml"), Scene, "scene")
    found = [str(d) for d in loaded.diagnostics if d.is_error]
    if loaded.model is not None:
        found += [str(d) for d in check_budget(loaded.model, loaded.doc) if d.is_error]
    return found


def test_a_billion_laughs_is_refused_at_the_alias_that_overflows_quickly() -> None:
    started = time.perf_counter()
    doc = load_text(billion_laughs(), "laughs.yaml")
    assert time.perf_counter() - started < 2.0
    assert doc.data is None
    assert [str(d) for d in doc.diagnostics] == [
        f"laughs.yaml:5:5: error: YAML aliases here expand the file to more than {ALIAS_FLOOR:,} values "
        "(an alias of the block at line 4); a content file may repeat anchored blocks at most 10 times "
        "its own size: write the values out, or use fewer aliases"
    ]


def test_aliases_reused_a_few_times_are_still_fine() -> None:
    text = "base: &b {kind: house, size: [6, 5, 3]}\nobjects:\n" + "".join(
        f"  h{i}: {{<<: *b, pos: [{i}, 0, 0]}}\n" for i in range(50)
    )
    doc = load_text(text, "s.yaml")
    assert doc.diagnostics == []
    assert doc.data["objects"]["h49"]["size"] == [6, 5, 3]


def test_a_file_over_the_size_limit_is_not_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "big.yaml"
    path.write_text("languages: [en]\n" + ("# " + "x" * 1022 + "\n") * 7 * 1024)
    doc = load_file(path, "scenes/big.yaml")
    assert [str(d) for d in doc.diagnostics] == [
        "scenes/big.yaml:1:1: error: the file is 7.0 MB, more than the 5.0 MB a content file may hold; "
        f"split it (or set {MAX_FILE_ENV} to a larger number of megabytes)"
    ]
    monkeypatch.setenv(MAX_FILE_ENV, "8")
    raised = load_file(path, "scenes/big.yaml")
    assert raised.diagnostics == [] and raised.data == {"languages": ["en"]}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "cues: [{at: 1e308, do: fade, to: black}]",
            "s.yaml:1:13: error: '1e+308' is more than a scene can last (4 hours, 14400 s); "
            "times are seconds from the start of the scene",
        ),
        (
            "cues: [{at: 'intro.end + 20000', do: fade, to: black}]",
            "s.yaml:1:14: error: 'intro.end + 20000' is more than a scene can last (4 hours, 14400 s); "
            "times are seconds from the start of the scene",
        ),
        (
            "objects: {h: {kind: house, scale: 1e308}}",
            "s.yaml:1:35: error: a scale of 1e+308 is out of range; a scale is between 0.001 and 1000",
        ),
        (
            "objects: {t: {kind: trees, area: [1e308, 1e308]}}",
            "s.yaml:1:34: error: 1e+308 is too large in [width, depth]: positions and sizes are metres, at most 100000",
        ),
        (
            "objects: {b: {kind: red_boat, length: 1e308}}",
            "s.yaml:1:39: error: 'length' must be at most 100000, got 1e+308",
        ),
    ],
)
def test_numbers_past_any_sane_range_are_located_errors(text: str, message: str) -> None:
    assert errors(text) == [message]


def test_a_scene_whose_objects_would_not_render_in_600_mb_is_refused_at_the_largest() -> None:
    text = (
        "objects:\n"
        + "".join(f"  column{i}: {{kind: marchers, count: 2000}}\n" for i in range(3))
        + "  forest: {kind: trees, count: 20000}\n"
    )
    assert errors(text) == [
        "s.yaml:5:3: error: the scene's objects need about 1600 MB to render, more than the 600 MB a scene "
        "may use; the largest: 'forest' (trees) 704 MB, 'column0' (marchers) 188 MB, 'column1' (marchers) "
        "188 MB; use fewer instances ('count')"
    ]


def test_two_thousand_marchers_and_two_thousand_trees_fit() -> None:
    assert errors("objects:\n  m: {kind: marchers, count: 2000}\n  t: {kind: trees, count: 2000}\n") == []


def test_a_line_longer_than_the_limit_is_refused_in_its_language() -> None:
    long = "字" * (MAX_LINE_CHARS + 1)
    assert errors(f"narration:\n  - id: a\n    text: {{zh: {long}, en: Short.}}\n") == [
        f"s.yaml:3:16: error: this text ('zh') has {MAX_LINE_CHARS + 1:,} characters; a line, caption or "
        f"title may have at most {MAX_LINE_CHARS:,}: split it into several"
    ]
