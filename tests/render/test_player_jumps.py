"""Jumps while the player plays: a seek of the show clock, so the mix, the caption, the camera
and the picture after a jump are those of the target time, and a picked option goes on from
its ``goto`` in sound and picture alike."""

from __future__ import annotations

import dataclasses
import time
from typing import Any

import numpy as np
import pytest

from tests.render.conftest import frame_at, project_with
from tests.render.test_player import tone

pytestmark = pytest.mark.needs_display

JUMPY = """
    languages: [en]
    duration: 12
    objects:
      boat: {kind: red_boat, pos: [0, 30, 0]}
    camera:
      keys:
        - {at: 0, pos: [0, 0, 3], look_at: boat}
        - {at: 12, pos: [25, 10, 6], look_at: boat}
    cues:
      - {at: 0.2, do: effect, id: gust, effect: wind, level: 0.8, duration: 2, fade: 0}
      - {at: 0.5, do: choice, id: pick, timeout: 0.6, options: [{label: Stay, goto: pick.end}, {label: More, goto: 8}]}
      - {at: 1.3, do: jump, id: skip, to: 6}
      - {at: 6, do: caption, id: later, text: After the jump, duration: 5}
"""


def played(make_player: Any, tmp_path: Any) -> Any:
    player = make_player(project_with(tmp_path, JUMPY, "jumpy"), audio=True, narrate=False)
    show = player.load("jumpy", "en")
    tone(tmp_path / "mix.wav", show.timeline.duration)
    player.load(dataclasses.replace(show, mix=tmp_path / "mix.wav"))
    assert player.mix is not None and player.mix.live
    return player


def run_for(player: Any, seconds: float) -> None:
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline and player.status == "playing":
        player.step()


def test_after_a_jump_mix_caption_camera_and_picture_are_those_of_the_target(make_player: Any, tmp_path: Any) -> None:
    player = played(make_player, tmp_path)
    player.play(1.0)
    run_for(player, 0.6)  # passes 1.3 s: the jump to 6 s
    time.sleep(0.05)
    frame = player.step()
    assert 6.0 <= player.t < 6.5
    assert player.mix.position() == pytest.approx(player.t, abs=0.06)
    assert player.overlay.shown()["captions"] == {"bottom": "After the jump"}
    assert tuple(player.rig.origin.getPos()) == pytest.approx(player.timeline.camera_state(player.t).pos, abs=1e-4)
    assert "wind" not in frame.effects  # the gust ends at 2.2 s, in the skipped range: released
    player.pause()
    seen = player.displays.capture()
    player.step()
    after_jump = seen.pixels("RGB").copy()
    still = frame_at(player, player.t)  # the same moment reached by a seek, as a still shows it
    assert np.abs(after_jump.astype(int) - still.astype(int)).mean() < 1.0


def test_a_picked_option_moves_the_show_and_its_sound(make_player: Any, tmp_path: Any) -> None:
    player = played(make_player, tmp_path)
    player.play(0.5)
    player.step()
    assert player.timeline.choice_at(player.t) is not None
    assert player.pick(2) == 8.0
    time.sleep(0.1)
    player.step()
    assert 8.0 <= player.t < 8.3 and player.mix.position() == pytest.approx(player.t, abs=0.06)
    assert player.overlay.shown()["captions"] == {"bottom": "After the jump"}


def test_the_offered_choice_is_a_card_in_view_picked_by_key_or_click(make_player: Any, tmp_path: Any) -> None:
    from exhibit.render.quiz_panel import PANEL_COLOR

    player = played(make_player, tmp_path)
    capture = player.displays.capture()
    before = frame_at(player, 0.4)
    assert player.choices.panel is None
    offered = frame_at(player, 0.8)  # a still inside the offer shows the card, as play does
    panel = player.choices.panel
    assert panel is not None and panel.texts == ["1. Stay", "2. More"]
    red = np.array(PANEL_COLOR[:3]) * 255

    def card_share(image: np.ndarray) -> float:
        h, w, _ = image.shape
        middle = image[h // 3 : 2 * h // 3, w // 3 : 2 * w // 3].reshape(-1, 3).astype(float)
        return float((np.abs(middle - red).max(axis=1) < 12).mean())

    assert card_share(offered) > 0.2 and card_share(before) < 0.01
    player.play(0.8)
    player.step()
    player.app.base.messenger.send("2")  # the key 2 picks the second option
    assert 8.0 <= player.t < 8.2
    [visit] = player.take_visits()  # for the hall's journal
    assert visit["event"] == "choice" and (visit["choice"], visit["option"], visit["origin"]) == ("pick", 2, "window")
    assert 0.8 <= visit["t"] < 1.0 and visit["display"] == "offscreen"
    player.step()
    assert player.choices.panel is None and player.mix.position() == pytest.approx(player.t, abs=0.06)
    player.seek(0.8)
    player.step()
    camera = player.displays.views[0].camera
    point = player.choices.panel.option_point(1, camera)
    assert point is not None
    x, y = point
    assert player.choices.panel.option_at(x, y, camera) == 1
    assert player.choices.panel.option_at(x, 0.99, camera) is None
    del capture


ELSEWHERE = """
    languages: [en]
    duration: 8
    environment: {sky: {zenith: "#1040c0", horizon: "#1040c0"}}
    camera:
      keys:
        - {at: 0, pos: [0, 0, 3], hpr: [0, 30, 0]}
    cues:
      - {at: 0, do: caption, text: The other scene, duration: 8}
"""


def test_an_option_that_leaves_for_another_scene_plays_it_from_its_start(make_player: Any, tmp_path: Any) -> None:
    leaving = JUMPY.replace("{label: More, goto: 8}", "{label: Elsewhere, scene: elsewhere}")
    project_with(tmp_path, ELSEWHERE, "elsewhere")
    player = make_player(project_with(tmp_path, leaving, "jumpy"), audio=False, narrate=False)
    player.load("jumpy", "en")
    capture = player.displays.capture()
    player.play(0.0)
    run_for(player, 0.7)  # the choice is offered from 0.5 s
    player.pick(2)
    player.step()
    assert player.show.scene.scene_id == "elsewhere" and player.status == "playing" and player.t < 0.5
    assert player.overlay.shown()["captions"] == {"bottom": "The other scene"}
    sky = capture.pixels("RGB")[5:20].reshape(-1, 3).mean(axis=0)
    assert sky == pytest.approx((0x10, 0x40, 0xC0), abs=12)  # its sky, not the lake's
