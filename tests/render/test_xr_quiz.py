"""The in-scene quiz in a headset: the panel stays put in the hall and is answered by looking."""

from __future__ import annotations

import math
import random
from pathlib import Path
from typing import Any

import pytest

from exhibit.quiz.draw import DrawRequest
from exhibit.quiz.session import QuizSession, start_session
from exhibit.render.xr.interaction import DWELL_SECONDS, Pointer, Ray
from exhibit.render.xr.quiz import panel_targets, place_in_front, select_on_panel
from exhibit.spec.quiz import Bank

pytestmark = pytest.mark.needs_display
FRAME = 1 / 90


@pytest.fixture
def session(tmp_path: Path) -> QuizSession:
    from exhibit.quiz.banks import load_bank
    from exhibit.spec.project import Project
    from tests.quiz.conftest import write_project

    bank = load_bank(Project.at(write_project(tmp_path / "content")), "demo")
    return start_session(
        Bank(bank="demo", questions=[bank.question("boat")]),
        DrawRequest(count=1),
        rng=random.Random(3),
        kiosk="scene:test",
    )


@pytest.fixture
def hall(app: Any) -> Any:
    from panda3d.core import NodePath

    from exhibit.render.rig import Rig

    world = NodePath("world")
    rig = Rig(world)
    rig.origin.setPos(10, -5, 0)  # wherever the scene's camera has taken the visitor
    rig.origin.setH(15)
    rig.set_head(pos=(0.1, 0.0, 1.6), hpr=(40.0, -5.0, 0.0))  # looking left and a little down
    yield rig
    rig.destroy()


def head_ray_to(rig: Any, point: Any) -> Ray:
    """Turn the head to look at a world point; the ray the headset then reports."""
    rig.head.lookAt(rig.world_root, point)
    origin = rig.head.getPos(rig.world_root)
    forward = rig.world_root.getRelativeVector(rig.head, (0, 1, 0))
    return Ray(tuple(origin), tuple(forward))  # type: ignore[arg-type]


def item_centre(panel: Any, rig: Any, item_id: str) -> Any:
    from panda3d.core import Point3

    left, right, bottom, top = next(i for i in panel.items if i.id == item_id).rect
    return rig.world_root.getRelativePoint(
        panel.root, Point3((left + right) / 2, 0, (bottom + top) / 2)
    )


def test_the_panel_stays_in_the_hall_level_where_the_visitor_looked(
    app: Any, hall: Any, session: QuizSession
) -> None:
    from exhibit.render.quiz_panel import InWorldQuizPanel

    anchor = hall.head.attachNewNode("quiz_anchor")  # where the Player puts it for monitors
    place_in_front(anchor, hall)
    panel = InWorldQuizPanel(app.base, anchor, session, "zh")
    assert anchor.getParent() == hall.origin
    assert anchor.getP() == 0 and anchor.getR() == 0
    h = math.radians(40.0)
    assert tuple(anchor.getPos()) == pytest.approx(
        (0.1 - 1.6 * math.sin(h), 1.6 * math.cos(h), 1.6), abs=1e-4
    )
    before = anchor.getPos(hall.world_root)
    hall.set_head(hpr=(-30.0, 10.0, 0.0))  # the visitor looks elsewhere: the panel stays
    assert anchor.getPos(hall.world_root) == before
    panel.destroy()


def test_looking_at_an_answer_for_a_second_and_a_half_answers_it(
    app: Any, hall: Any, session: QuizSession
) -> None:
    from exhibit.render.quiz_panel import InWorldQuizPanel

    anchor = hall.head.attachNewNode("quiz_anchor")
    place_in_front(anchor, hall)
    done: list[QuizSession] = []
    panel = InWorldQuizPanel(app.base, anchor, session, "zh", on_done=done.append)
    right = session.current.correct_shown()[0]  # type: ignore[union-attr]
    pointer = Pointer()
    t = 0.0
    ray = head_ray_to(hall, item_centre(panel, hall, f"opt:{right}"))
    selects = []
    while t < DWELL_SECONDS + 0.3 and not selects:
        select, gaze = pointer.update(t, ray, panel_targets(panel, hall.world_root))
        if select is not None:
            selects.append((t, select))
            assert select_on_panel(panel, select)
        t += FRAME
    assert [(s.target, s.by) for _, s in selects] == [(f"opt:{right}", "gaze")]
    assert selects[0][0] == pytest.approx(DWELL_SECONDS, abs=FRAME)
    assert panel.texts[-2].startswith("回答正确")
    assert panel.focused == "continue"
    # Then the trigger on "continue" closes the quiz and the scene goes on.
    ray = head_ray_to(hall, item_centre(panel, hall, "continue"))
    pointer.update(t, ray, panel_targets(panel, hall.world_root))
    select, _ = pointer.update(t + FRAME, ray, panel_targets(panel, hall.world_root), trigger=True)
    assert select is not None and select.target == "continue"
    assert select_on_panel(panel, select)
    assert panel.done and done == [session] and session.correct_count == 1
    assert panel_targets(panel, hall.world_root) == []
    panel.destroy()
