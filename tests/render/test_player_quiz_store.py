"""A scene's quiz when its database cannot be written: asked all the same, and the show ends."""

from __future__ import annotations

import shutil
import time
from pathlib import Path
from typing import Any

import pytest

from tests.quiz.mounts import readonly_folder
from tests.render.conftest import REPO, project_with
from tests.render.test_player import QUIZ_SCENE

pytestmark = pytest.mark.needs_display


def test_a_read_only_database_folder_never_stops_the_show(make_player: Any, tmp_path: Path) -> None:
    with readonly_folder(tmp_path / "ro") as ro:
        hall_yaml = f"hall: test\nquiz:\n  db: sqlite:///{ro / 'var' / 'quiz.sqlite3'}\n"
        project = project_with(tmp_path / "content", QUIZ_SCENE, "quizzed", hall=hall_yaml)
        (tmp_path / "content" / "quiz").mkdir()
        shutil.copy(REPO / "quiz" / "party_history.yaml", tmp_path / "content" / "quiz" / "party_history.yaml")
        said: list[str] = []
        player = make_player(project, hall=project.load_hall().model, audio=False, progress=said.append)
        player.load("quizzed", "en")
        cue_t = next(tc.start for tc in player.timeline.cues if tc.cue.id == "ask")
        player.play(cue_t - 0.1)
        deadline = time.perf_counter() + 5
        while player.quiz_panel is None and time.perf_counter() < deadline:
            player.step()
        panel = player.quiz_panel
        assert panel is not None, "the quiz was not asked"
        for _ in range(40):
            if player.quiz_panel is None:
                break
            if (panel.focused or "").startswith("opt:") and panel.selected:
                while panel.focused != "submit":
                    panel.focus_next()
            panel.select()
            player.step()
        assert player.quiz_panel is None and panel.done
        player.seek(player.timeline.duration - 0.05)
        deadline = time.perf_counter() + 5
        while player.status != "ended" and time.perf_counter() < deadline:
            player.step()
        assert player.status == "ended"
        warnings = [m for m in said if "quiz" in m and "database" in m]
        assert len(warnings) == 1, said
        assert "make " in warnings[0] and "writable" in warnings[0]
