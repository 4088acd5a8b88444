"""Reading-speed warnings for ``exhibit check``, located at the line's text."""

from __future__ import annotations

import numpy as np
import pytest

from exhibit.cli.main import main
from exhibit.narration import reading_speed_warnings
from exhibit.narration.reading import count_characters
from exhibit.spec.errors import Severity
from exhibit.timeline.timing import LineTiming
from tests.narration.conftest import Content, silence, syllables

SCENE = """
    id: speed
    narration:
      - id: calm
        at: 1
        text: {zh: 南湖的游船静静停着。, en: The boat lies quietly.}
      - id: rushed
        text:
          zh: 一九二一年七月，中国共产党第一次全国代表大会在上海召开。
          en: In July 1921 the First National Congress of the Communist Party of China opened.
"""


def _timing(speech: float, source: str = "recording") -> LineTiming:
    return LineTiming(speech + 0.4, 0.2, 0.2 + speech, {}, source)


def test_fast_lines_are_warned_about_at_their_text(content: Content) -> None:
    path = content.scene("speed", SCENE)
    loaded = content.project.load_scene(path)
    scene, doc = loaded.model, loaded.doc
    assert scene is not None
    # 26 Chinese characters in 2.5 s = 10.4/s (limit 9);
    # 80 English characters in 3.5 s = 22.9/s (limit 20)
    zh = reading_speed_warnings(scene, "zh", {"calm": _timing(3.0), "rushed": _timing(2.5)}, doc)
    en = reading_speed_warnings(scene, "en", {"calm": _timing(3.0), "rushed": _timing(3.5)}, doc)
    for found, lang, speed, limit in ((zh, "zh", "10.4", "9"), (en, "en", "22.9", "20")):
        assert len(found) == 1
        d = found[0]
        assert d.severity is Severity.WARNING
        assert d.location is not None and d.location.line == 8 and d.location.column == 7
        assert f"line 'rushed' reads at {speed} characters/s in {lang}" in d.message
        assert f"above {limit}/s" in d.message


def test_slow_enough_lines_and_estimates_are_not_warned_about(content: Content) -> None:
    loaded = content.project.load_scene(content.scene("speed", SCENE))
    assert loaded.model is not None
    ok = {"calm": _timing(3.0), "rushed": _timing(3.0)}  # 26 / 3.0 = 8.7/s
    assert reading_speed_warnings(loaded.model, "zh", ok, loaded.doc) == []
    estimated = {"rushed": _timing(1.0, "estimate")}
    assert reading_speed_warnings(loaded.model, "zh", estimated, loaded.doc) == []


def test_characters_are_counted_as_readers_see_them() -> None:
    assert (
        count_characters("湖面上，{mark:a}静静地停着。") == 8
    )  # punctuation and marks not counted
    assert count_characters("The boat,  {mark:a}quietly.") == len("The boat, quietly.")


def test_exhibit_check_warns_about_a_recording_too_fast_to_read(
    content: Content, capsys: pytest.CaptureFixture[str]
) -> None:
    content.scene("speed", SCENE)
    # 26 characters spoken in 2.0 s: 13 characters/s
    take = np.concatenate([silence(0.3), syllables(2.0), silence(0.3)])
    content.wav("audio/voice/zh/speed/rushed.wav", take)
    assert main(["--root", str(content.root), "check", "-q"]) == 0  # a warning, not an error
    out = capsys.readouterr().out
    assert "speed.yaml:8:7: warning: line 'rushed' reads at 13.0 characters/s in zh" in out
    assert main(["--root", str(content.root), "check", "-q", "--strict"]) == 1
