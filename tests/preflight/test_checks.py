"""The preflight checks one by one: flash counting, loudness, effect duty cycles, the hall."""

from __future__ import annotations

import wave
from pathlib import Path

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from exhibit.narration.clip import Clip
from exhibit.narration.loudness import lufs
from exhibit.preflight.duty import duty_findings
from exhibit.preflight.flashes import transitions, worst_second
from exhibit.preflight.loudness import GY_T_282, loudness_findings
from exhibit.preflight.report import Status
from exhibit.preflight.site import database_findings, disk_findings, effects_host_findings, schedule_findings
from exhibit.spec.hall import Hall
from exhibit.spec.project import Project
from exhibit.spec.scene import Scene
from exhibit.spec.source import load_text
from exhibit.spec.validate import validate_document
from exhibit.timeline.compile import compile as compile_timeline


@given(st.integers(min_value=1, max_value=10), st.sampled_from([20.0, 25.0, 30.0]))
def test_a_square_wave_of_f_hz_counts_f_flashes_a_second(hz: int, fps: float) -> None:
    times = [i / fps for i in range(int(3 * fps))]
    values = [0.9 if int(t * hz * 2 + 1e-9) % 2 else 0.05 for t in times]
    if hz * 2 > fps / 2:  # beyond what the sampling can see
        return
    count, _ = worst_second(transitions(times, values))
    assert count in (hz, hz - 1) if hz > 1 else count <= 1


def test_changes_among_bright_images_are_not_flashes() -> None:
    times = [i / 20 for i in range(40)]
    values = [0.95 if i % 2 else 0.84 for i in range(40)]  # the darker state is above 0.80
    assert transitions(times, values) == []


def _wav(path: Path, samples: np.ndarray, rate: int = 48000) -> None:
    pcm = (np.clip(samples, -1, 1) * 32767).astype(np.int16)
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(pcm.tobytes())


def _noise_at(target: float, seconds: float = 20.0) -> np.ndarray:
    rng = np.random.default_rng(3)
    x = rng.standard_normal(int(48000 * seconds)).astype(np.float32) * 0.05
    level = lufs(Clip(x.reshape(-1, 1), 48000))
    return x * 10 ** ((target - level) / 20)


def test_a_mix_at_minus_23_lufs_passes_and_one_at_minus_16_fails(tmp_path: Path) -> None:
    good, loud = tmp_path / "good.wav", tmp_path / "loud.wav"
    _wav(good, _noise_at(-23.0))
    _wav(loud, _noise_at(-16.0))
    found, measured = loudness_findings("s (zh)", good)
    assert [f.status for f in found] == [Status.PASS] and measured is not None
    assert abs(measured.integrated + 23) < 0.2 and measured.curve
    found, _ = loudness_findings("s (zh)", loud)
    assert found[0].status is Status.FAIL
    assert found[0].message.startswith("the mix measures -16.0 LUFS, +7.0 LU from the EBU R 128 target -23 LUFS")
    found, _ = loudness_findings("s (zh)", good, GY_T_282)  # -24 +-2: -23 passes there too
    assert found[0].status is Status.PASS and "GY/T 282" in found[0].message


def _scene(text: str) -> tuple[Scene, object]:
    doc = load_text(text, "scenes/s.yaml")
    loaded = validate_document(doc, Scene, "scene")
    assert loaded.model is not None, loaded.diagnostics
    return loaded.model.model_copy(update={"id": "s"}), doc


def test_mist_on_longer_than_max_on_and_back_before_min_off_fails_at_its_cues() -> None:
    scene, doc = _scene(
        "languages: [zh]\nduration: 60\n"
        "cues:\n"
        "  - {at: 1, do: effect, effect: mist, duration: 12}\n"
        "  - {at: 20, do: effect, effect: mist, duration: 2}\n"
        "  - {at: 30, do: effect, effect: wind, duration: 10}\n"
    )
    hall = Hall.model_validate({"effects": {"mist": {"max_on": 8, "min_off": 20}, "wind": {"max_on": 60}}})
    timeline = compile_timeline(scene, "zh", {}, doc)  # type: ignore[arg-type]
    found = duty_findings(timeline, hall, doc)  # type: ignore[arg-type]
    texts = [(str(f.location), f.message) for f in found if f.status is Status.FAIL]
    assert texts == [
        (
            "scenes/s.yaml:4:5",
            "mist is on 12.0 s from 1.0 s; the hall allows 8 s (max_on), so the safety layer turns it off early",
        ),
        (
            "scenes/s.yaml:5:5",
            "mist comes on again at 20.0 s, 7.0 s after it went off; the hall needs 20 s off (min_off), "
            "so this cue is held back",
        ),
    ]


def test_a_scheduled_scene_that_is_missing_or_not_built_fails(project: Project) -> None:
    hall = Hall.model_validate(
        {"schedule": [{"from": "09:00", "to": "17:00", "playlist": ["mini", "ghost"]}], "languages": ["zh"]}
    )
    found = {f.subject: f for f in schedule_findings(project, hall)}
    assert found["scene ghost"].status is Status.FAIL
    assert found["scene ghost"].message.startswith("scheduled but there is no ")
    assert found["scene ghost"].message.endswith("scenes/ghost.yaml")
    assert found["scene mini"].status is Status.FAIL
    assert found["scene mini"].message.startswith("not built in zh")


def test_the_quiz_database_must_take_a_write(project: Project, tmp_path: Path) -> None:
    ok = Hall.model_validate({"quiz": {"db": f"sqlite:///{tmp_path / 'q.sqlite3'}"}})
    assert [f.status for f in database_findings(project, ok)] == [Status.PASS]
    blocked = tmp_path / "a_file"
    blocked.write_text("not a folder", encoding="utf-8")  # no one, not even root, makes a database inside it
    found = database_findings(project, Hall.model_validate({"quiz": {"db": f"sqlite:///{blocked / 'q.sqlite3'}"}}))
    assert found[0].status is Status.FAIL and "does not take a write" in found[0].message


def test_no_effects_host_answering_fails_when_the_hall_drives_hardware() -> None:
    hall = Hall.model_validate({"outputs": {"dmx": {"kind": "artnet"}}, "effects": {"wind": {"output": "dmx"}}})
    found = effects_host_findings(hall, port=1)
    assert found[0].status is Status.FAIL
    assert found[0].message.startswith("no effects host answers on 127.0.0.1:1")
    assert effects_host_findings(Hall(), port=1)[0].status is Status.PASS


def test_disk_space_for_a_week_of_journals_is_measured(project: Project) -> None:
    found = disk_findings(project)
    assert found[0].subject == "disk" and "a week of journals needs about 350 MB" in found[0].message


def test_korean_captions_are_held_to_12_characters_a_second() -> None:
    from exhibit.preflight.captions import caption_findings
    from exhibit.timeline.timing import LineTiming

    scene, doc = _scene(
        "languages: [ko]\nnarration:\n  - {id: one, at: 1, text: 남호의 작은 배가 당의 탄생을 지켜보았습니다.}\n"
    )
    fast = {"one": LineTiming(1.6, 0.0, 1.6, source="recording")}
    found = caption_findings(compile_timeline(scene, "ko", fast, doc), doc)  # type: ignore[arg-type]
    assert found[0].status is Status.FAIL and "(limit 12/s)" in found[0].message, found
    slow = {"one": LineTiming(4.0, 0.0, 4.0, source="recording")}
    found = caption_findings(compile_timeline(scene, "ko", slow, doc), doc)  # type: ignore[arg-type]
    assert [f.status for f in found] == [Status.PASS], found
