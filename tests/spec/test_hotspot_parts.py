"""A hotspot's ``part_of`` and a room's ``size``, checked for any value a person may write:
an object's id passes; any other id is one error at the value, naming the id (and the
nearest object when one is close); a room's size is three lengths greater than 0."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from exhibit.cli.check import check_paths
from exhibit.spec.errors import Severity
from exhibit.spec.project import Project

OBJECTS = ("boat", "pavilion_lower", "history_room")
SCENE = """languages: [zh]
duration: 10
objects:
  boat: {{kind: red_boat}}
  pavilion_lower: {{kind: house}}
  history_room: {{kind: room, size: {size}}}
  cabin:
    kind: hotspot
    part_of: {part_of}
    info: {{title: {{zh: 船舱}}, text: {{zh: 船舱}}}}
"""
IDS = st.from_regex(r"[a-z][a-z0-9_]{0,15}", fullmatch=True)
LENGTHS = st.floats(min_value=0.1, max_value=500.0, allow_nan=False)
SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def errors(root: Path, part_of: str, size: str = "[12, 8, 4]") -> list[tuple[int, int, str]]:
    (root / "scenes").mkdir(parents=True, exist_ok=True)
    path = root / "scenes" / "parts.yaml"
    path.write_text(SCENE.format(part_of=part_of, size=size), encoding="utf-8")
    found, _ = check_paths(Project.at(root), [str(path)])
    return [
        (d.location.line, d.location.column, d.message)
        for d in found
        if d.severity is Severity.ERROR and d.location is not None
    ]


@SETTINGS
@given(part_of=IDS)
def test_part_of_any_id_is_an_object_or_one_located_error(tmp_path: Path, part_of: str) -> None:
    found = errors(tmp_path, part_of)
    if part_of in OBJECTS:
        assert found == []
    elif part_of == "cabin":
        assert [(line, col) for line, col, _ in found] == [(9, 14)] and "part of itself" in found[0][2]
    else:
        assert [(line, col) for line, col, _ in found] == [(9, 14)]
        assert found[0][2].startswith(f"unknown object '{part_of}'")


@SETTINGS
@given(part_of=st.sampled_from(OBJECTS), at=st.integers(0, 12))
def test_a_mistyped_object_id_suggests_the_object(tmp_path: Path, part_of: str, at: int) -> None:
    at = min(at, len(part_of) - 1)
    typo = part_of[:at] + part_of[at + 1 :] if len(part_of) > 3 else part_of + "x"
    [(_, _, message)] = errors(tmp_path, typo)
    assert message == f"unknown object '{typo}' (did you mean '{part_of}'?)"


@SETTINGS
@given(size=st.tuples(LENGTHS, LENGTHS, LENGTHS), bad=st.integers(0, 2), value=st.sampled_from(["0", "-1", "wide"]))
def test_a_room_is_three_lengths_greater_than_0(tmp_path: Path, size: tuple[float, ...], bad: int, value: str) -> None:
    good = "[" + ", ".join(repr(v) for v in size) + "]"
    assert errors(tmp_path, "boat", good) == []
    wrong = [repr(v) for v in size]
    wrong[bad] = value
    found = errors(tmp_path, "boat", "[" + ", ".join(wrong) + "]")
    assert len(found) == 1 and found[0][0] == 6, found
    if value != "wide":
        assert found[0][2].startswith("a room's width, depth and height are metres greater than 0, got [")
