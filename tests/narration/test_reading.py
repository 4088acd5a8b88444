"""Reading-speed warnings for ``exhibit check``, located at the line's text."""

from __future__ import annotations

from exhibit.narration import reading_speed_warnings
from exhibit.narration.reading import count_characters
from exhibit.spec.errors import Severity
from exhibit.timeline.timing import LineTiming
from tests.narration.conftest import Content

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
