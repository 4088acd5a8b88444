"""The player plays the described mix when asked: from `exhibit play --audio-description` and per
show from the hall (what the mix holds is tested in tests/narration/test_description.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from exhibit.hall.playback import PlayerPlayback
from exhibit.hall.show import Show
from tests.render.conftest import project_with

DESCRIBED = """
    languages: [en]
    objects:
      boat: {kind: red_boat, pos: [0, 30, 0]}
    camera:
      keys:
        - {at: 0, pos: [0, 0, 3], look_at: boat}
    narration:
      - {id: intro, at: 0.5, text: The boat on South Lake.}
    description:
      - {id: look, at: intro.end + 0.5, text: A red boat with a low roof.}
"""


def test_the_player_plays_the_described_mix_only_when_asked(make_player: Any, tmp_path: Path) -> None:
    player = make_player(project_with(tmp_path, DESCRIBED, "lake"), audio=False)
    player.load("lake", "en")
    assert player.show.mix.name == "mix.en.wav"
    player.audio_description = True
    player.load("lake", "en")
    assert player.show.mix.name == "mix.en.ad.wav" and player.show.mix.is_file()


def test_a_hall_show_with_the_audio_description_loads_the_described_mix(make_player: Any, tmp_path: Path) -> None:
    project = project_with(tmp_path, DESCRIBED, "lake")
    player = make_player(project, audio=False)
    playback = PlayerPlayback(lambda: player)
    show = Show(playback, "lake", "en", "show")
    show.audio_description = True
    show.load()
    assert player.show.mix.name == "mix.en.ad.wav"
    plain = Show(playback, "lake", "en", "show")
    plain.load()
    assert player.show.mix.name == "mix.en.wav"


def test_a_routed_description_leaves_the_main_mix_on_the_main_output(make_player: Any, tmp_path: Path) -> None:
    from exhibit.hall.description_output import DescriptionOutput
    from exhibit.spec.hall import AudioOutput

    project = project_with(tmp_path, DESCRIBED, "lake")
    player = make_player(project, audio=False)
    output = DescriptionOutput(project, AudioOutput(driver="null"))
    show = Show(PlayerPlayback(lambda: player), "lake", "en", "show")
    show.audio_description = True
    show.description_output = output  # hall.yaml: audio.description
    try:
        show.load()
        assert player.show.mix.name == "mix.en.wav", "the speakers keep the main mix"
        assert output.mix is not None and output.mix.name == "mix.en.ad.wav", "the headphones get the described one"
    finally:
        show.stop()
        output.close()
