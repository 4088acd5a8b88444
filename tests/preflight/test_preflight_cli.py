"""``exhibit preflight`` end to end on small scenes written for the purpose.

The flash check renders the scene and measures luminance on the frames; the
reading-speed check uses a recording (generated noise) far too short for its text.
"""

from __future__ import annotations

import re
import wave
from pathlib import Path

import numpy as np
import pytest

from exhibit.cli.main import main
from exhibit.spec.project import Project

pytestmark = pytest.mark.slow

CAMERA = "camera:\n  keys:\n    - {at: 0, pos: [0, -40, 6], look_at: [0, 0, 2]}\n"
CALM = """\
languages: [zh]
duration: 4
environment:
  sky: {zenith: "#d0d8e0", horizon: "#f0f0e8"}
objects:
  lake: {kind: water, size: [200, 200]}
CAMERA
narration:
  - id: one
    at: 0.5
    text: 夜色安静。
"""


def _flashing(hz: float, seconds: float = 2.0) -> str:
    """Whole-view fades to black and back, ``hz`` times a second, from 1 s on."""
    half = 1.0 / hz / 2
    cues = []
    for k in range(int(seconds * hz)):
        t = 1.0 + k / hz
        cues.append(f"  - {{at: {t:.3f}, do: fade, to: black, duration: 0.01}}")
        cues.append(f"  - {{at: {t + half:.3f}, do: fade, to: clear, duration: 0.01}}")
    return CALM + "cues:\n" + "\n".join(cues) + "\n"


@pytest.fixture
def hall_in_zh(project: Project, monkeypatch: pytest.MonkeyPatch) -> Project:
    monkeypatch.chdir(project.root)
    monkeypatch.setenv("ALSOFT_DRIVERS", "null")
    hall = project.root / "hall.yaml"
    hall.write_text(hall.read_text(encoding="utf-8") + "languages: [zh]\n", encoding="utf-8")
    return project


def _scene(project: Project, name: str, text: str) -> None:
    (project.root / "scenes" / f"{name}.yaml").write_text(text.replace("CAMERA\n", CAMERA), encoding="utf-8")


def _preflight(project: Project, *args: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, Path]:
    html = project.root / "build" / "report.html"
    status = main(["--root", str(project.root), "preflight", *args, "--html", str(html)])
    return status, capsys.readouterr().out, html


@pytest.mark.needs_display
def test_a_scene_written_to_flash_at_5_hz_fails_on_its_rendered_frames(
    hall_in_zh: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    from exhibit.render.app import shared_app

    # Panda3D has one app per process, set up on first use: made here with sound, like the
    # render tests make it, so that the tests after this one still have OpenAL.
    shared_app(audio=True)
    _scene(hall_in_zh, "flash5", _flashing(5.0))
    _scene(hall_in_zh, "flash2", _flashing(2.0))
    status, out, html = _preflight(hall_in_zh, "flash5", "flash2", "--fps", "20", "--size", "64x36", capsys=capsys)
    assert status == 1
    fails = [ln for ln in out.splitlines() if "[flashing]" in ln]
    five = [ln for ln in fails if "flash5" in ln]
    assert len(five) == 1 and five[0].startswith("fail: [flashing] flash5 (zh): 5 flashes in the second from 1."), out
    assert "measured on frames rendered at 20 fps" in five[0]
    assert not [ln for ln in fails if "flash2" in ln], out  # 2 a second is allowed (at most 3)
    page = html.read_text(encoding="utf-8")
    assert "flash2 (zh)</td><td>at most 2 flash(es) in any second" in page
    assert page.count("data:image/png;base64,") >= 4  # stills, timeline charts, loudness curves
    assert not re.search(r"(src|href)=['\"]https?:", page)  # self-contained


def _noise_wav(path: Path, seconds: float) -> None:
    rng = np.random.default_rng(7)
    rate = 48000
    samples = (rng.standard_normal(int(rate * seconds)) * 0.1 * 32767).astype(np.int16)
    path.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(samples.tobytes())


def test_a_line_written_too_fast_for_its_recording_fails_the_reading_speed(
    hall_in_zh: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    _noise_wav(hall_in_zh.root / "audio" / "voice" / "zh" / "fast" / "one.wav", 1.0)
    text = CALM.replace("text: 夜色安静。", "text: 一九二一年七月二十三日中国共产党第一次全国代表大会在上海开幕")
    _scene(hall_in_zh, "fast", text)
    status, out, _ = _preflight(hall_in_zh, "fast", "--no-render", capsys=capsys)
    assert status == 1
    line = next(ln for ln in out.splitlines() if "[captions]" in ln)
    assert re.match(
        r"scenes/fast\.yaml:\d+:\d+: fail: \[captions\] fast \(zh\): caption at 0\.\d+ s reads at "
        r"\d+\.\d characters/s \(limit 9/s\)",
        line,
    ), out
    speed = float(re.search(r"reads at (\d+\.\d)", line).group(1))  # type: ignore[union-attr]
    assert speed > 9


def test_a_calm_scene_passes_and_exits_0(hall_in_zh: Project, capsys: pytest.CaptureFixture[str]) -> None:
    _scene(hall_in_zh, "calm", CALM)
    status, out, html = _preflight(hall_in_zh, "calm", "--no-render", "-v", capsys=capsys)
    assert status == 0, out
    assert "pass: [loudness] calm (zh): -23." in out
    assert re.match(r"preflight (pass|note): 0 failed, 0 warning\(s\)", out.splitlines()[-1]), out
    assert html.is_file()


def test_a_character_the_caption_font_lacks_fails_with_the_character_named(
    hall_in_zh: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    from exhibit.preflight.glyphs import font_characters
    from exhibit.render.fonts import font_choice

    hall = hall_in_zh.root / "hall.yaml"
    hall.write_text(
        hall.read_text(encoding="utf-8").replace("languages: [zh]", "languages: [zh, ko]"), encoding="utf-8"
    )
    text = CALM.replace("languages: [zh]", "languages: [zh, ko]").replace(
        "text: 夜色安静。", "text: {zh: 夜色安静。, ko: 고요한 밤 𓀀}"
    )
    _scene(hall_in_zh, "night", text)
    status, out, _ = _preflight(hall_in_zh, "night", "--no-render", capsys=capsys)
    assert status == 1
    line = next(ln for ln in out.splitlines() if "no glyph" in ln)
    assert line.startswith("fail: [content] night (ko): 1 string(s) use characters the font ")
    assert "𓀀" in line and "(first at scenes/night.yaml:" in line
    font, face = font_choice(lang="ko")  # Korean is drawn in the Korean font
    assert ("고" in line) == (ord("고") not in font_characters(font, face))
