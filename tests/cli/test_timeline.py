"""`exhibit timeline`: the table, the JSON contract, the chart, and errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def exhibit(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "exhibit", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=120)


def test_json_has_exactly_the_contract_keys() -> None:
    out = exhibit("timeline", "nanhu_red_boat", "--lang", "en", "--json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert set(data) == {"scene", "lang", "duration", "narration", "cues", "music"}
    assert data["scene"] == "nanhu_red_boat" and data["lang"] == "en"
    for line in data["narration"]:
        assert set(line) == {"id", "start", "end", "marks"}
        assert 0 <= line["start"] < line["end"] <= data["duration"]
    for index, cue in enumerate(data["cues"]):
        assert set(cue) == {"index", "id", "do", "target", "start", "end"}
        assert cue["index"] == index and cue["start"] <= cue["end"]
    starts = [line["start"] for line in data["narration"]]
    assert starts == sorted(starts)


def test_languages_resolve_differently() -> None:
    zh = json.loads(exhibit("timeline", "long_march", "--lang", "zh", "--json").stdout)
    en = json.loads(exhibit("timeline", "long_march", "--lang", "en", "--json").stdout)
    assert [n["id"] for n in zh["narration"]] == [n["id"] for n in en["narration"]]
    assert zh["duration"] != en["duration"]


def test_table_lists_lines_marks_and_cues() -> None:
    out = exhibit("timeline", "fushanhou")
    assert out.returncode == 0, out.stderr
    assert "line" in out.stdout and "mark" in out.stdout and "cue" in out.stdout
    assert out.stdout.splitlines()[0].startswith("fushanhou (zh)")


def test_chart_is_written(tmp_path: Path) -> None:
    chart = tmp_path / "chart.png"
    out = exhibit("timeline", "long_march", "-o", str(chart))
    assert out.returncode == 0, out.stderr
    assert chart.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert chart.stat().st_size > 10_000


def test_unknown_scene_and_language_are_one_line_errors() -> None:
    out = exhibit("timeline", "nanhu_red_bot")
    assert out.returncode == 1
    assert out.stderr.startswith("exhibit: error: no scene 'nanhu_red_bot' (did you mean 'nanhu_red_boat'?)")
    assert "Traceback" not in out.stderr
    out = exhibit("timeline", "nanhu_red_boat", "--lang", "fr")
    assert out.returncode == 1 and "has no language 'fr'" in out.stderr


def test_broken_scene_gives_located_errors(tmp_path: Path) -> None:
    (tmp_path / "scenes").mkdir()
    (tmp_path / "scenes" / "broken.yaml").write_text(
        "narration:\n  - id: a\n    text: {zh: 一, en: one}\ncues:\n  - {at: a.ennd, do: fade, to: black}\n",
        encoding="utf-8")
    out = exhibit("--root", str(tmp_path), "timeline", "broken")
    assert out.returncode == 1
    assert "broken.yaml:5:" in out.stderr and "did you mean 'end'?" in out.stderr
