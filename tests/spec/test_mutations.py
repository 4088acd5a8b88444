"""Whatever a person does to a valid scene, ``exhibit check`` answers with located words.

Valid scenes (the small root's ``mini`` and the bundled ones) are mutated the way
files get broken by hand: a key deleted, a value of the wrong type, random text in a
time expression, random unicode, a list where a map belongs and back, a file cut
short, stray characters typed in. Every outcome must be diagnostics with a line and
a column in the file, in the engine's words (no validator jargon), and never an
exception; through the command line: exit status 1, ``PATH:LINE:COL`` and no
traceback.
"""

from __future__ import annotations

import copy
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from exhibit.cli.check import check_paths
from exhibit.spec.checks import SceneContext, check_scene
from exhibit.spec.errors import Diagnostic, Severity
from exhibit.spec.project import Project
from exhibit.spec.source import load_text, walk
from exhibit.timeline.compile import compile_scene

HERE = Path(__file__).parent
SMALL_ROOT = HERE / "project"
BUNDLED = HERE.parent.parent / "scenes"

# Words of the validator or of Python that must never reach a person.
JARGON = re.compile(
    r"Input should|pydantic|Value error,|Traceback|type=|validation error|\bNoneType\b|"
    r"\bdict\b|\bstr\b|<class|Field required|Extra inputs"
)
TIME_KEYS = {"at", "until", "duration"}


def _bases() -> dict[str, str]:
    texts = {"mini": (SMALL_ROOT / "scenes" / "mini.yaml").read_text(encoding="utf-8")}
    for path in sorted(BUNDLED.glob("*.yaml")):
        texts[path.stem] = path.read_text(encoding="utf-8")
    return texts


BASES = _bases()


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Project:
    folder = tmp_path_factory.mktemp("mutations") / "content"
    shutil.copytree(SMALL_ROOT, folder)
    return Project.at(folder)


def _dump(data: Any) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000)


def _set(data: Any, path: tuple[Any, ...], value: Any) -> None:
    here = data
    for step in path[:-1]:
        here = here[step]
    here[path[-1]] = value


def _delete(data: Any, path: tuple[Any, ...]) -> None:
    here = data
    for step in path[:-1]:
        here = here[step]
    del here[path[-1]]


WRONG_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**6), max_value=10**6),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
    st.lists(st.integers(min_value=-5, max_value=5), max_size=4),
    st.dictionaries(st.sampled_from(["a", "kind", "at", "zh"]), st.integers(), max_size=2),
)
TIME_TEXT = st.one_of(
    st.text(max_size=16),
    st.text(alphabet="0123456789.:+-@ sminted_abcz", max_size=16),
    st.builds(
        lambda a, b: f"{a}{b}",
        st.sampled_from(["intro.", "intro@", "scene.", "1:", "12 ", "x."]),
        st.text(alphabet="0123456789.:+-@ sendtar", max_size=8),
    ),
)


@st.composite
def mutated_scene(draw: st.DrawFn, bases: dict[str, str] | None = None) -> tuple[str, str]:
    """(what was done, the broken file's text)."""
    bases = bases or BASES
    name = draw(st.sampled_from(sorted(bases)))
    text = bases[name]
    data = copy.deepcopy(load_text(text).data)
    paths = [p for p, _ in walk(data) if p]
    how = draw(
        st.sampled_from(
            ["delete", "retype", "time", "unicode", "swap", "truncate", "insert", "replace"]
        )
    )
    if how == "delete":
        where = draw(st.sampled_from(paths))
        _delete(data, where)
        return f"{name}: delete {where}", _dump(data)
    if how == "retype":
        where = draw(st.sampled_from(paths))
        _set(data, where, draw(WRONG_VALUES))
        return f"{name}: retype {where}", _dump(data)
    if how == "time":
        times = [p for p in paths if p[-1] in TIME_KEYS] or paths
        where = draw(st.sampled_from(times))
        _set(data, where, draw(TIME_TEXT))
        return f"{name}: time {where}", _dump(data)
    if how == "unicode":
        texts = [p for p, v in walk(data) if p and isinstance(v, str)]
        where = draw(st.sampled_from(texts))
        _set(data, where, draw(st.text(max_size=20)))
        return f"{name}: unicode {where}", _dump(data)
    if how == "swap":
        shaped = [p for p, v in walk(data) if p and isinstance(v, (list, dict))]
        where = draw(st.sampled_from(shaped))
        here = data
        for step in where:
            here = here[step]
        swapped = (
            list(here.values())
            if isinstance(here, dict)
            else {f"item{i}": v for i, v in enumerate(here)}
        )
        _set(data, where, swapped)
        return f"{name}: swap {where}", _dump(data)
    if how == "truncate":
        cut = draw(st.integers(min_value=0, max_value=len(text)))
        return f"{name}: truncate at {cut}", text[:cut]
    at = draw(st.integers(min_value=0, max_value=len(text)))
    typed = draw(
        st.text(
            alphabet=st.characters(codec="utf-8") | st.sampled_from("\t{}[]:#'\"-&*!|>%@`,\n"),
            min_size=1,
            max_size=4,
        )
    )
    if how == "insert":
        return f"{name}: insert {typed!r} at {at}", text[:at] + typed + text[at:]
    return f"{name}: replace at {at} with {typed!r}", text[:at] + typed + text[at + len(typed) :]


def _assert_located(diagnostics: list[Diagnostic], shown_path: str, text: str, what: str) -> None:
    lines = text.count("\n") + 2
    for d in diagnostics:
        assert isinstance(d, Diagnostic), what
        assert d.location is not None, f"{what}: unlocated {d}"
        assert d.location.path == shown_path, f"{what}: {d}"
        assert 1 <= d.location.line <= lines, f"{what}: line out of the file: {d}"
        assert d.location.column >= 1, f"{what}: {d}"
        assert d.message and not JARGON.search(d.message), f"{what}: jargon in {d}"


def _write(project: Project, text: str) -> Path:
    path = project.root / "scenes" / "broken.yaml"
    path.write_bytes(text.encode("utf-8", errors="surrogatepass"))
    return path


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=mutated_scene())
def test_api_answers_every_mutation_with_located_diagnostics(
    root: Project, case: tuple[str, str]
) -> None:
    what, text = case
    path = _write(root, text)
    shown_path = root.display(path)
    loaded = root.load_scene(path)
    diagnostics = list(loaded.diagnostics)
    if loaded.model is None:
        assert any(d.severity is Severity.ERROR for d in diagnostics), (
            f"{what}: no model and no error"
        )
    else:
        diagnostics += check_scene(
            SceneContext(loaded.model, loaded.doc, root, None, root.bank_names())
        )
        for lang in loaded.model.languages:
            timeline, found = compile_scene(loaded.model, lang, None, loaded.doc)
            diagnostics += found
    _assert_located(diagnostics, shown_path, text, what)
    # The whole command, salvage of broken files included.
    everything, counts = check_paths(root, [str(path)])
    assert counts["scene"] == 1
    _assert_located(everything, shown_path, text, what)
    if loaded.model is None:
        assert any(d.severity is Severity.ERROR for d in everything), what


OTHER_FILES = {
    "bank": ("quiz/party.yaml", (SMALL_ROOT / "quiz" / "party.yaml").read_text(encoding="utf-8")),
    "hall": ("hall.yaml", (SMALL_ROOT / "hall.yaml").read_text(encoding="utf-8")),
}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    case=st.sampled_from(sorted(OTHER_FILES)).flatmap(
        lambda kind: st.tuples(st.just(kind), mutated_scene({kind: OTHER_FILES[kind][1]}))
    )
)
def test_banks_and_halls_answer_every_mutation_with_located_diagnostics(
    root: Project, case: tuple[str, tuple[str, str]]
) -> None:
    kind, (what, text) = case
    path = root.root / OTHER_FILES[kind][0]
    original = path.read_bytes()
    try:
        path.write_bytes(text.encode("utf-8", errors="surrogatepass"))
        diagnostics, counts = check_paths(root, [str(path)])
    finally:
        path.write_bytes(original)
    assert counts[kind] == 1
    _assert_located(diagnostics, root.display(path), text, what)


# A few mutations through the real command: exit status, format, no traceback.
CLI_CASES = {
    "cut short": lambda t: t[: t.index("do: title") + 6],
    "tab indent": lambda t: t.replace("\n  ", "\n\t", 1),
    "list for a map": lambda t: t.replace("objects:\n", "objects:\n  - lake\n", 1),
    "time garbage": lambda t: t.replace("at: 2\n", "at: 2 o'clock\n", 1),
    "unknown kind": lambda t: t.replace("kind: red_boat", "kind: redboat", 1),
    "stray brace": lambda t: t.replace("year: 1921", "year: {1921", 1),
}


@pytest.mark.parametrize("case", sorted(CLI_CASES))
def test_command_line_reports_mutations_with_path_line_and_column(
    project: Project, case: str
) -> None:
    text = CLI_CASES[case]((project.root / "scenes" / "mini.yaml").read_text(encoding="utf-8"))
    path = project.root / "scenes" / "mini.yaml"
    path.write_text(text, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "exhibit", "--root", str(project.root), "check", "scenes/mini.yaml"],
        cwd=project.root,
        capture_output=True,
        text=True,
        timeout=60,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "Traceback" not in output and "internal error" not in output, output
    assert re.search(r"^scenes/mini\.yaml:\d+:\d+: error: ", result.stdout, re.M), output


@st.composite
def reference_webs(draw: st.DrawFn) -> str:
    """A scene whose lines, cues and camera keys refer to each other at random (cycles included)."""
    lines = [f"l{i}" for i in range(draw(st.integers(min_value=1, max_value=4)))]
    cues = [f"c{i}" for i in range(draw(st.integers(min_value=0, max_value=4)))]
    names = lines + cues

    def time() -> str:
        kind = draw(st.sampled_from(["const", "edge", "mark", "scene", "none"]))
        offset = draw(st.sampled_from(["", " + 1", " - 2", " + 0.5"]))
        if kind == "const":
            return str(draw(st.integers(min_value=-3, max_value=200))) + offset
        if kind == "edge":
            edge = draw(st.sampled_from(["start", "end"]))
            return f"{draw(st.sampled_from(names))}.{edge}{offset}"
        if kind == "mark":
            return f"{draw(st.sampled_from(lines))}@m{offset}"
        if kind == "scene":
            return f"scene.{draw(st.sampled_from(['start', 'end']))}{offset}"
        return ""

    out = ["objects:", "  boat: {kind: red_boat}"]
    duration = time()
    if duration:
        out.insert(0, f"duration: {duration}")
    out.append("narration:")
    for name in lines:
        at = time()
        out.append(f"  - id: {name}")
        if at:
            out.append(f"    at: {at}")
        out.append('    text: {zh: "一二三{mark:m}四五六。", en: "One two {mark:m} three."}')
    out.append("cues:")
    for name in cues:
        out.append(f"  - {{id: {name}, at: {time() or 0}, do: show, target: boat, fade: 1}}")
    out.append("camera:\n  keys:")
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        out.append(f"    - {{at: {time() or 0}, pos: [0, -50, 10]}}")
    return "\n".join(out) + "\n"


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=reference_webs())
def test_timeline_checks_of_any_web_of_references_are_located(root: Project, text: str) -> None:
    path = _write(root, text)
    diagnostics, _ = check_paths(root, [str(path)])
    _assert_located(diagnostics, root.display(path), text, text)
    for d in diagnostics:
        if "reference cycle" in d.message:
            members = d.message.split(": ", 1)[1].split(" -> ")
            assert members[0] == members[-1] and len(members) >= 2, d.message
