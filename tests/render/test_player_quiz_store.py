"""A scene's quiz when its database cannot be written: asked all the same, and the show ends."""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from tests.quiz.mounts import readonly_folder
from tests.render.conftest import REPO, project_with
from tests.render.test_player import QUIZ_SCENE

pytestmark = pytest.mark.needs_display


@contextmanager
def quiz_without_database(tmp_path: Path) -> Iterator[Any]:
    """A project whose scene asks a quiz and whose hall.yaml keeps the quiz in a read-only folder."""
    with readonly_folder(tmp_path / "ro") as ro:
        hall_yaml = f"hall: test\nquiz:\n  db: sqlite:///{ro / 'var' / 'quiz.sqlite3'}\n"
        project = project_with(tmp_path / "content", QUIZ_SCENE, "quizzed", hall=hall_yaml)
        (tmp_path / "content" / "quiz").mkdir()
        shutil.copy(REPO / "quiz" / "party_history.yaml", tmp_path / "content" / "quiz" / "party_history.yaml")
        yield project


def asked(player: Any, step: Callable[[], None]) -> Any:
    """The quiz panel, once the show has come to its cue (within 5 s)."""
    deadline = time.perf_counter() + 5
    while player.quiz_panel is None and time.perf_counter() < deadline:
        step()
    assert player.quiz_panel is not None, "the quiz was not asked"
    return player.quiz_panel


def answer_the_quiz(player: Any, step: Callable[[], None]) -> None:
    """Wait for the panel, then answer with the focused option, as a gaze or a trigger would."""
    panel = asked(player, step)
    for _ in range(40):
        if player.quiz_panel is None:
            break
        if (panel.focused or "").startswith("opt:") and panel.selected:
            while panel.focused != "submit":
                panel.focus_next()
        panel.select()
        step()
    assert player.quiz_panel is None and panel.done


def test_a_read_only_database_folder_never_stops_the_show(make_player: Any, tmp_path: Path) -> None:
    with quiz_without_database(tmp_path) as project:
        said: list[str] = []
        player = make_player(project, hall=project.load_hall().model, audio=False, progress=said.append)
        player.load("quizzed", "en")
        cue_t = next(tc.start for tc in player.timeline.cues if tc.cue.id == "ask")
        player.play(cue_t - 0.1)
        answer_the_quiz(player, player.step)
        player.seek(player.timeline.duration - 0.05)
        deadline = time.perf_counter() + 5
        while player.status != "ended" and time.perf_counter() < deadline:
            player.step()
        assert player.status == "ended"
        warnings = [m for m in said if "quiz" in m and "database" in m]
        assert len(warnings) == 1, said
        assert "make " in warnings[0] and "writable" in warnings[0]
        assert player.quiz_waiting == 1


def test_the_hall_journals_one_warning_shows_the_waiting_round_and_the_show_ends(
    make_player: Any, tmp_path: Path
) -> None:
    from exhibit.effects.bus import EffectsBus
    from exhibit.effects.host import EffectsHost
    from exhibit.effects.journal import Journal, read_journal
    from exhibit.effects.link import LocalLink
    from exhibit.hall.clock import SystemClock
    from exhibit.hall.control import HallControl
    from exhibit.hall.playback import PlayerPlayback

    with quiz_without_database(tmp_path) as project:
        hall = project.load_hall().model
        player = make_player(project, hall=hall, audio=False, progress=lambda _: None)
        clock = SystemClock()
        bus = EffectsBus(hall, LocalLink(EffectsHost(hall, {}, Journal(None)), clock.monotonic))
        log = tmp_path / "hall.jsonl"
        playback = PlayerPlayback(lambda: player)
        control = HallControl(project, hall, clock=clock, bus=bus, playback=playback,
                              journal=Journal(log, now=clock.now), use_schedule=False, postshow=0.5)
        assert control.go("quizzed", lang="en")
        control.tick()
        answer_the_quiz(player, control.tick)
        deadline = time.perf_counter() + 20
        while control.state == "show" and time.perf_counter() < deadline:
            control.tick()
            time.sleep(0.01)
        status = control.status()
        events = read_journal(log)
        assert [e["reason"] for e in events if e["event"] == "show_end"] == ["ended"]
        assert not [e for e in events if e["event"] == "show_failed"]
        warnings = [e for e in events if e["event"] == "warning"]
        assert len(warnings) == 1 and "quiz answers wait" in warnings[0]["warning"], warnings
        assert warnings[0]["scene"] == "quizzed"
        assert status["quiz_waiting"] == 1 and status["last_warning"] == warnings[0]["warning"]


def test_the_player_asks_its_quiz_in_the_accessible_mode_when_told(make_player: Any, tmp_path: Path) -> None:
    """exhibit play --accessible-quiz: the scene's quiz has larger type and no countdown, and
    its round is ranked apart from the timed ones."""
    from exhibit.render.kiosk import ACCESSIBLE_TYPE

    project = project_with(tmp_path / "content", QUIZ_SCENE, "quizzed")
    (tmp_path / "content" / "quiz").mkdir()
    shutil.copy(REPO / "quiz" / "party_history.yaml", tmp_path / "content" / "quiz" / "party_history.yaml")
    player = make_player(project, audio=False)
    player.accessible_quiz = True
    player.load("quizzed", "en")
    cue_t = next(tc.start for tc in player.timeline.cues if tc.cue.id == "ask")
    player.play(cue_t - 0.1)
    panel = asked(player, player.step)
    assert panel.accessible and panel.type_scale == ACCESSIBLE_TYPE
    assert panel.session.accessible, "the round is stored as an accessible one"
    assert panel._countdown is None
