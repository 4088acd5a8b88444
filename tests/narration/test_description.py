"""Audio description as a listener hears it: mix.<lang>.ad.wav has the description voice where
the scene puts it, and the main mix (music, narration) ducked by DUCK_DB under it, only there."""

from __future__ import annotations

import numpy as np
import pytest

from exhibit import narration
from exhibit.narration.description import DUCK_DB, RAMP_S
from exhibit.spec.errors import ContentError
from tests.narration.conftest import (
    RATE,
    Content,
    band_level_db,
    onset,
    read_wav,
    requires_espeak,
    silence,
    syllables,
    tone,
    words,
)

BED, VOICE, DESCRIBED = 220.0, 1000.0, 3000.0  # each sound in its own band: measured apart

SCENE = """
    id: lake
    languages: [en]
    duration: 16
    narration:
      - id: boat
        at: 1
        text: The boat lies on the lake.
    description:
      - id: look
        at: boat.end + 1.5
        text: A red boat, its roof low, on grey water.
    music:
      - {file: audio/music/bed.wav, at: 0, gain: -6, duck: 0, loop: true}
"""


def _content(content: Content, scene: str = SCENE) -> Content:
    content.scene("lake", scene)
    content.wav("audio/music/bed.wav", tone(BED, 4.0, 0.2))
    voice, _ = words(4, 0.4, 0.15, freq=VOICE)
    content.wav("audio/voice/en/lake/boat.wav", voice)
    content.wav("audio/voice/en/lake/look.wav", np.concatenate([silence(0.2), syllables(2.5, DESCRIBED), silence(0.2)]))
    return content


def test_the_description_is_heard_over_the_main_mix_ducked_by_its_depth(content: Content) -> None:
    result = narration.build(_content(content).project, "lake")
    assert result.ad_mix_path is not None and result.ad_mix_path.name == "mix.en.ad.wav"
    main, rate = read_wav(result.mix_path)
    described, ad_rate = read_wav(result.ad_mix_path)
    assert rate == ad_rate == RATE and described.shape == main.shape
    boat = result.timeline.lines[0]
    starts = boat.end + 1.5  # the description's speech starts where the scene says
    heard = onset(described, RATE, DESCRIBED, after=starts - 0.5)
    assert abs(heard - starts) < 0.02, (heard, starts)
    middle = starts + 1.2
    assert band_level_db(described, RATE, DESCRIBED, middle) > -35, "the description is heard"
    assert band_level_db(main, RATE, DESCRIBED, middle) < -80, "and only in the described mix"
    # while it speaks, the music and the rest of the main mix are DUCK_DB lower than in the main mix
    for t in (middle - 0.8, middle, middle + 0.8):
        under = band_level_db(described, RATE, BED, t, 0.2) - band_level_db(main, RATE, BED, t, 0.2)
        assert abs(under - DUCK_DB) < 0.5, (t, under)
    # and at full level away from it (during the narration, and after the ramp back up)
    for t in (boat.start + 0.5, starts + 2.5 + 0.2 + RAMP_S + 1.0):
        level = band_level_db(described, RATE, BED, t, 0.2) - band_level_db(main, RATE, BED, t, 0.2)
        assert abs(level) < 0.3, (t, level)
    spoken = boat.start + 0.2  # the narration too keeps its level
    assert abs(band_level_db(described, RATE, VOICE, spoken) - band_level_db(main, RATE, VOICE, spoken)) < 0.3


def test_an_unchanged_scene_keeps_its_described_mix_and_a_changed_description_remakes_it(content: Content) -> None:
    project = _content(content).project
    first = narration.build(project, "lake")
    assert first.ad_mix_path is not None
    assert narration.build(project, "lake").rebuilt is False
    assert not narration.is_stale(project, "lake")
    first.ad_mix_path.unlink()
    assert narration.is_stale(project, "lake")
    content.scene("lake", SCENE.replace("boat.end + 1.5", "boat.end + 3"))
    again = narration.build(project, "lake")
    described, _ = read_wav(again.ad_mix_path)  # type: ignore[arg-type]
    heard = onset(described, RATE, DESCRIBED, after=again.timeline.lines[0].end + 2)
    assert abs(heard - (again.timeline.lines[0].end + 3)) < 0.02


def test_a_scene_without_description_has_no_described_mix(content: Content) -> None:
    text = SCENE[: SCENE.index("    description:")] + SCENE[SCENE.index("    music:") :]
    result = narration.build(_content(content, text).project, "lake")
    assert result.ad_mix_path is None
    assert not (result.mix_path.parent / "mix.en.ad.wav").exists()


def test_a_description_over_the_narration_is_a_located_error(content: Content) -> None:
    text = SCENE.replace("at: boat.end + 1.5", "at: boat.start + 0.5")
    with pytest.raises(ContentError) as err:
        narration.build(_content(content, text).project, "lake")
    message = str(err.value)
    assert "scenes/lake.yaml:10:9: error:" in message and "overlap" in message
    assert "'boat'" in message and "'look'" in message


def test_a_description_with_the_id_of_a_narration_line_is_a_located_error(content: Content) -> None:
    with pytest.raises(ContentError) as err:
        narration.build(_content(content, SCENE.replace("id: look", "id: boat")).project, "lake")
    assert "scenes/lake.yaml:9:" in str(err.value) and "has the id of a narration line" in str(err.value)


@requires_espeak
def test_a_description_without_a_recording_has_the_placeholder_voice(content: Content) -> None:
    project = _content(content).project
    (content.root / "audio/voice/en/lake/look.wav").unlink()
    result = narration.build(project, "lake")
    assert result.sources["look"] == "placeholder"
    described, _ = read_wav(result.ad_mix_path)  # type: ignore[arg-type]
    main, _ = read_wav(result.mix_path)
    speech = result.timeline.lines[0].end + 2.0
    window = slice(round(speech * RATE), round((speech + 1.0) * RATE))
    extra = described[window].mean(axis=1) - main[window].mean(axis=1) * 10 ** (DUCK_DB / 20)
    assert 20 * np.log10(np.sqrt(np.mean(extra**2)) + 1e-12) > -40, "a voice speaks there"


def test_exhibit_check_locates_an_unknown_name_in_a_description(
    content: Content, capsys: pytest.CaptureFixture[str]
) -> None:
    from exhibit.cli.main import main

    _content(content, SCENE.replace("at: boat.end + 1.5", "at: bota.end + 1.5"))
    assert main(["--root", str(content.root), "check"]) == 1
    captured = capsys.readouterr()
    err = captured.out + captured.err
    assert "scenes/lake.yaml:10:9: error: unknown narration line or cue 'bota' in 'bota.end + 1.5'" in err
    assert "(did you mean 'boat'?)" in err
