"""``exhibit translate``: export, then import, on the bundled content and on small files.

The round trip is checked on every scene, question bank and hall file found in the
repository when the tests run, in every format: exporting and importing the file
unchanged leaves the YAML byte for byte as it was; importing new text adds it and
changes nothing else (comments, order, alignment).
"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest
import yaml
from hypothesis import example, given, settings
from hypothesis import strategies as st

from exhibit.cli.main import main
from exhibit.spec.checks import marks_in, strip_marks
from exhibit.spec.project import Project
from exhibit.translate import catalog
from exhibit.translate.yamlpatch import render_scalar

REPO = Path(__file__).resolve().parents[2]
BUNDLED = sorted([*REPO.glob("scenes/*.yaml"), *REPO.glob("quiz/*.yaml"), REPO / "hall.yaml"])
FORMATS = ("csv", "xlsx", "xlf")


@pytest.fixture
def bundled(tmp_path: Path) -> Project:
    """A copy of the repository's own content (scenes, banks, hall, audio)."""
    root = tmp_path / "hall"
    for name in ("scenes", "quiz", "audio"):
        if (REPO / name).is_dir():
            shutil.copytree(REPO / name, root / name)
    shutil.copy(REPO / "hall.yaml", root / "hall.yaml")
    return Project.at(root)


def _bytes(project: Project) -> dict[str, bytes]:
    return {str(p.relative_to(project.root)): p.read_bytes() for p in BUNDLED_IN(project)}


def BUNDLED_IN(project: Project) -> list[Path]:  # noqa: N802 - reads as the constant above
    return [project.root / p.relative_to(REPO) for p in BUNDLED]


def translate(project: Project, *args: str) -> int:
    return main(["--root", str(project.root), "translate", *args])


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("lang", ["ko", "en"])
def test_export_then_import_unchanged_leaves_every_bundled_file_byte_identical(
    bundled: Project, tmp_path: Path, fmt: str, lang: str, capsys: pytest.CaptureFixture[str]
) -> None:
    before = _bytes(bundled)
    assert set(before) == {str(p.relative_to(REPO)) for p in BUNDLED}
    sheet = tmp_path / f"{lang}.{fmt}"
    assert translate(bundled, "export", "--lang", lang, "-o", str(sheet)) == 0
    assert translate(bundled, "import", str(sheet)) == 0
    assert _bytes(bundled) == before
    err = capsys.readouterr().err
    assert " 0 written," in err and " 0 stale, 0 orphan(s), 0 refused" in err


def test_every_string_has_an_id_that_names_what_it_belongs_to(bundled: Project) -> None:
    cat = catalog(bundled, "ko", "zh")
    ids = [e.id for e in cat.entries]
    assert len(ids) == len(set(ids))
    scenes = {p.stem for p in bundled.scene_paths()}
    for e in cat.entries:
        kind, _, rest = e.id.partition(":")
        assert kind in ("scene", "bank")
        if kind == "scene":
            assert rest.split("/")[0] in scenes
    for path in bundled.scene_paths():
        scene = yaml.safe_load(path.read_text(encoding="utf-8"))
        for line in scene.get("narration", []):
            assert f"scene:{path.stem}/narration/{line['id']}/text" in ids


def _fill(sheet: Path, out: Path, text: str) -> int:
    rows = list(csv.reader(sheet.open(encoding="utf-8-sig", newline="")))
    for r in rows[1:]:
        r[2] = text.format(id=r[0]) + "".join(f"{{mark:{m}}}" for m in marks_in(r[1]))
    with out.open("w", encoding="utf-8-sig", newline="") as f:
        csv.writer(f).writerows(rows)
    return len(rows) - 1


def test_importing_a_new_language_adds_it_and_changes_nothing_else(bundled: Project, tmp_path: Path) -> None:
    # Japanese: a language no bundled file has yet (the scenes and the question bank have Korean)
    before = {p: p.read_text(encoding="utf-8") for p in BUNDLED_IN(bundled)}
    export = tmp_path / "ja.csv"
    assert translate(bundled, "export", "--lang", "ja", "-o", str(export)) == 0
    filled = tmp_path / "ja_done.csv"
    count = _fill(export, filled, "翻訳: {id}")
    assert translate(bundled, "import", str(filled)) == 0
    for path, old in before.items():
        new = path.read_text(encoding="utf-8")
        # every comment and every line that held no text stays, in order
        old_comments = [ln for ln in old.splitlines() if ln.lstrip().startswith("#")]
        assert [ln for ln in new.splitlines() if ln.lstrip().startswith("#")] == old_comments
        old_data, new_data = yaml.safe_load(old), yaml.safe_load(new)
        assert _without_lang(new_data, "ja") == old_data
    cat = catalog(bundled, "ja", "zh")
    assert len(cat.entries) == count and not cat.missing()
    assert all(strip_marks(e.target or "") == f"翻訳: {e.id}" or e.universal for e in cat.entries)


def _without_lang(data: object, lang: str) -> object:
    if isinstance(data, dict):
        return {k: _without_lang(v, lang) for k, v in data.items() if k != lang}
    if isinstance(data, list):
        return [_without_lang(v, lang) for v in data]
    return data


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=40))
def test_a_written_value_reads_back_as_the_same_text_in_block_and_flow_maps(value: str) -> None:
    scalar = render_scalar(value)
    assert yaml.safe_load(f"k: {scalar}\n") == {"k": value}
    assert yaml.safe_load(f"t: {{zh: 一, ko: {scalar}}}\n") == {"t": {"zh": "一", "ko": value}}


@settings(max_examples=200, deadline=None)
@given(
    st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")), min_size=1, max_size=30),
    st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=20),
)
@example("Visit the room?", "갈까요?")
@example("a: b?", "x")
def test_a_language_added_to_a_flow_map_keeps_the_value_before_it(last: str, value: str) -> None:
    """``{zh: ..., en: Visit the room?}`` plus ``ko``: a plain value that read well before a
    closing brace must still read the same before the new comma (``room?,`` did not)."""
    from ruamel.yaml import YAML

    from exhibit.translate.yamlpatch import apply, set_text

    written = render_scalar(last)
    plain = last.strip()
    for shown in {written, plain}:  # as this tool writes it, and bare as staff type it
        text = f"prompt: {{zh: 一, en: {shown}}}\n"
        try:
            before = yaml.safe_load(text)
        except yaml.YAMLError:
            continue  # not a file staff could have had
        if not isinstance(before["prompt"], dict):
            continue
        node = YAML(typ="rt").compose(text).value[0][1]
        edit = set_text(text, node, "ko", value, ["zh", "en"])
        assert edit is not None
        after = yaml.safe_load(apply(text, [edit]))
        assert after == {"prompt": {**before["prompt"], "ko": value}}


def test_a_question_mark_ending_the_last_plain_value_is_quoted_when_a_language_follows() -> None:
    from ruamel.yaml import YAML

    from exhibit.translate.yamlpatch import apply, set_text

    text = "prompt: {zh: 去历史展室看看标语吗？, en: Visit the history room and its slogans?}  # asked\n"
    node = YAML(typ="rt").compose(text).value[0][1]
    edit = set_text(text, node, "ko", "역사 전시실의 표어를 보러 갈까요?", ["zh", "en"])
    assert edit is not None
    assert apply(text, [edit]) == (
        'prompt: {zh: 去历史展室看看标语吗？, en: "Visit the history room and its slogans?", '
        'ko: "역사 전시실의 표어를 보러 갈까요?"}  # asked\n'
    )
