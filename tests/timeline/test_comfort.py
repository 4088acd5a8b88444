"""Comfort in a headset: camera paths of known speed, turn rate, acceleration and roll."""

from __future__ import annotations

import math
import re

import pytest

from exhibit.spec.errors import Diagnostic, Severity
from exhibit.spec.scene import Scene
from exhibit.spec.source import Document, load_text
from exhibit.timeline.comfort import (
    comfort_warnings,
    comfort_warnings_all,
    rotation_angle,
    sample_motion,
)
from exhibit.timeline.compile import compile
from exhibit.timeline.model import Timeline

FAR_AHEAD = "[0, 100000, 2]"  # a look-at point so far away that moving sideways does not turn the view


def build(body: str, path: str = "scenes/comfort.yaml") -> tuple[Timeline, Document, str]:
    text = "id: comfort\nlanguages: [zh]\n" + body
    doc = load_text(text, path)
    assert not doc.diagnostics
    return compile(Scene.model_validate(doc.data), "zh", None, doc), doc, text


def where(text: str, needle: str) -> tuple[int, int]:
    """1-based line and column of the first ``at:`` value on the line holding ``needle``."""
    for number, line in enumerate(text.splitlines(), start=1):
        if needle in line:
            return number, line.index("at:") + len("at: ") + 1
    raise AssertionError(needle)


def value_in(message: str, unit: str) -> float:
    found = re.search(r"([0-9.]+) " + re.escape(unit), message)
    assert found, message
    return float(found.group(1))


def test_a_gentle_glide_is_comfortable() -> None:
    timeline, doc, _ = build(f"""duration: 24
camera:
  keys:
    - {{at: 2, pos: [0, 0, 2], look_at: {FAR_AHEAD}}}
    - {{at: 22, pos: [10, 0, 2], look_at: {FAR_AHEAD}}}
""")
    assert comfort_warnings(timeline, doc) == []


def quadratic(a: float) -> str:
    """Keys on x = a t^2 / 2, one a second: a uniform Catmull-Rom reproduces a parabola exactly
    between its inner keys, so the camera accelerates at exactly ``a`` there. The ends
    (where the curve has no neighbours) are hidden behind fades to black."""
    keys = "\n".join(
        f"    - {{at: {t}, pos: [{0.5 * a * t * t}, 0, 2], look_at: {FAR_AHEAD}, ease: linear}}" for t in range(9)
    )
    return f"""duration: 9
camera:
  keys:
{keys}
cues:
  - {{at: 0, do: fade, to: black, duration: 0}}
  - {{at: 1.4, do: fade, to: clear, duration: 0.1}}
  - {{at: 6.9, do: fade, to: black, duration: 0.1}}
"""


def test_sampled_acceleration_is_the_paths_own() -> None:
    timeline, _, _ = build(quadratic(3.0))
    inner = [s for s in sample_motion(timeline.camera_path.pose, timeline.duration) if 1.5 <= s.t <= 6.5]
    assert len(inner) == 151
    for s in inner:
        assert s.acceleration == pytest.approx(3.0, abs=0.01)
        assert s.speed == pytest.approx(3.0 * s.t, abs=0.06)  # forward difference: half a sample ahead
        assert s.turn_rate < 0.05  # the far look-at point drifts by speed / 100 km


def test_acceleration_beyond_2_m_s2_is_warned_with_time_and_value() -> None:
    gentle, doc, _ = build(quadratic(1.5))
    assert comfort_warnings(gentle, doc) == []
    harsh, doc, text = build(quadratic(3.0))
    warnings = comfort_warnings(harsh, doc)
    assert [w.severity for w in warnings] == [Severity.WARNING]
    (w,) = warnings
    assert w.message.startswith("the camera accelerates at 3.0 m/s^2 at ")
    at = value_in(w.message, "s (at most")
    assert 1.5 <= at <= 6.9
    assert "(at most 2 m/s^2 is comfortable in a headset)" in w.message
    # Located at the key the camera is moving towards at that moment.
    key = math.ceil(at - 1e-9)
    line, column = where(text, f"at: {key}, pos:")
    assert str(w).startswith(f"scenes/comfort.yaml:{line}:{column}: warning: the camera accelerates")


def turn(seconds: float) -> str:
    # A quarter turn on the spot: between keys given as hpr the view turns between the two
    # directions; with the default in_out_sine easing it turns fastest halfway, at
    # (90/T) * pi/2 degrees per second.
    return f"""duration: {seconds + 2}
camera:
  keys:
    - {{at: 0, pos: [0, 0, 2], hpr: [0, 0, 0]}}
    - {{at: {seconds}, pos: [0, 0, 2], hpr: [90, 0, 0]}}
"""


def test_turning_faster_than_30_degrees_a_second_is_warned_at_its_key() -> None:
    timeline, doc, text = build(turn(3.0))
    samples = sample_motion(timeline.camera_path.pose, timeline.duration)
    peak = max(samples, key=lambda s: s.turn_rate)
    assert peak.t == pytest.approx(1.5, abs=0.05)
    assert peak.turn_rate == pytest.approx(30 * math.pi / 2, abs=0.3)
    assert max(s.turn_rate for s in samples if s.t > 3.1) < 1.0
    line, column = where(text, "hpr: [90, 0, 0]")
    assert [str(d) for d in comfort_warnings(timeline, doc)] == [
        f"scenes/comfort.yaml:{line}:{column}: warning: "
        f"the camera turns at {peak.turn_rate:.1f} degrees/s at {peak.t:.2f} s "
        "(at most 30 degrees/s is comfortable in a headset): "
        "give this move more time or turn less"
    ]


def test_the_same_turn_over_five_seconds_is_comfortable() -> None:
    timeline, doc, _ = build(turn(5.0))  # peaks at 18 * pi/2 = 28.3 degrees/s
    assert comfort_warnings(timeline, doc) == []


def test_a_rolled_horizon_is_warned() -> None:
    timeline, doc, text = build("""duration: 6
camera:
  keys:
    - {at: 0, pos: [0, 0, 2], hpr: [0, 0, 0]}
    - {at: 4, pos: [0, 0, 2], hpr: [0, 0, 10], ease: linear}
""")
    line, column = where(text, "hpr: [0, 0, 10]")
    assert [str(d) for d in comfort_warnings(timeline, doc)] == [
        f"scenes/comfort.yaml:{line}:{column}: warning: "
        "the camera rolls the horizon by 10.0 degrees at 4.00 s; "
        "in a headset a tilted horizon makes visitors sick: "
        "keep the camera's roll at 0 in headset halls"
    ]


def test_a_move_that_starts_and_stops_dead_is_two_jolts() -> None:
    # Two keys with linear easing: the curve leaves and reaches its keys at L/(2T) = 1 m/s,
    # from and to a standstill, so velocity steps by 1 m/s at both keys.
    timeline, doc, text = build(f"""duration: 9
camera:
  keys:
    - {{at: 2, pos: [0, 0, 2], look_at: {FAR_AHEAD}}}
    - {{at: 7, pos: [10, 0, 2], look_at: {FAR_AHEAD}, ease: linear}}
""")
    warnings = comfort_warnings(timeline, doc)
    assert len(warnings) == 2
    for w, (t, needle) in zip(warnings, [(2.0, "at: 2,"), (7.0, "at: 7,")], strict=True):
        line, column = where(text, needle)
        assert str(w).startswith(
            f"scenes/comfort.yaml:{line}:{column}: warning: the camera changes speed abruptly at {t:.2f} s (by about "
        )
        assert value_in(w.message, "m/s at once") == pytest.approx(1.0, abs=0.15)


def test_moves_in_the_dark_and_cuts_are_not_motion() -> None:
    dark, doc, _ = build("""duration: 8
camera:
  keys:
    - {at: 3, pos: [0, 0, 2], hpr: [0, 0, 0]}
    - {at: 4, pos: [200, 50, 30], hpr: [180, 0, 0], ease: linear}
cues:
  - {at: 2, do: fade, to: black, duration: 0.5}
  - {at: 4.5, do: fade, to: clear, duration: 1}
""")
    assert comfort_warnings(dark, doc) == []
    cut, doc, _ = build("""duration: 8
camera:
  keys:
    - {at: 4, pos: [0, 0, 2], hpr: [0, 0, 0]}
    - {at: 4, pos: [200, 50, 2], hpr: [0, 0, 0]}
""")
    assert comfort_warnings(cut, doc) == []


def test_without_a_document_warnings_have_no_location() -> None:
    timeline, _, _ = build(turn(3.0))
    (w,) = comfort_warnings(timeline)
    assert isinstance(w, Diagnostic) and w.location is None


def test_rotation_angle_matches_known_rotations() -> None:
    assert rotation_angle((0, 0, 0), (90, 0, 0)) == pytest.approx(90.0)
    assert rotation_angle((350, 0, 0), (10, 0, 0)) == pytest.approx(20.0)  # across north, the short way
    assert rotation_angle((0, 0, 0), (0, 30, 0)) == pytest.approx(30.0)
    assert rotation_angle((0, 0, 0), (0, 0, -15)) == pytest.approx(15.0)
    assert rotation_angle((45, 10, 5), (45, 10, 5)) == pytest.approx(0.0, abs=1e-4)


def test_each_language_moves_the_camera_with_its_own_voice() -> None:
    # The second key is anchored to the end of a line: long in Chinese, short in English,
    # so the same quarter turn is quick only in English.
    body = """duration: auto
narration:
  - id: intro
    at: 0
    text:
      zh: 一九二一年七月，中国共产党第一次全国代表大会在上海召开，后来转移到嘉兴南湖的一艘游船上。
      en: July 1921.
camera:
  keys:
    - {at: 0, pos: [0, 0, 2], hpr: [0, 0, 0]}
    - {at: intro.end, pos: [0, 0, 2], hpr: [90, 0, 0], ease: linear}
"""
    text = "id: comfort\nlanguages: [zh, en]\n" + body
    doc = load_text(text, "scenes/comfort.yaml")
    scene = Scene.model_validate(doc.data)
    timelines = [compile(scene, lang, None, doc) for lang in ("zh", "en")]
    zh, en = (comfort_warnings(t, doc) for t in timelines)
    assert zh == [] and len(en) == 1
    (merged,) = comfort_warnings_all(timelines, doc)
    assert merged.location == en[0].location
    assert re.search(
        r"the camera turns at [0-9.]+ degrees/s at [0-9.]+ s \(in en\) \(at most 30",
        merged.message,
    )
    assert comfort_warnings_all(timelines[:1], doc) == zh
