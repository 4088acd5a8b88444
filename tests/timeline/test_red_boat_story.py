"""The bundled red boat scene's optional segment: the choice after the main story, its default
that goes on with the story, and the history room that comes back to it with a jump.

The scene is compiled as bundled (``scenes/nanhu_red_boat.yaml``, estimated timings) in each
of its languages; the show is followed as an unattended room would see it (nobody picks) and
as a room that picks the history room.
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from exhibit.spec.project import Project
from exhibit.timeline.compile import compile as compile_timeline
from exhibit.timeline.jumps import unattended
from exhibit.timeline.model import Timeline

REPO = Path(__file__).resolve().parents[2]
SCENE = REPO / "scenes" / "nanhu_red_boat.yaml"
LANGUAGES = ("zh", "en", "ko")


def timeline(lang: str) -> Timeline:
    loaded = Project.at(REPO).load_scene(SCENE)
    assert loaded.model is not None
    return compile_timeline(loaded.model, lang)


def event(tl: Timeline, kind: str, name: str) -> object:
    return next(e for e in tl.events(-1.0, tl.duration) if e.kind == kind and e.name == name)


def facing(tl: Timeline, t: float, name: str) -> float:
    """Degrees between the camera's view at ``t`` and the direction to object ``name``."""
    camera = tl.state(t).camera
    h, p = math.radians(camera.hpr[0]), math.radians(camera.hpr[1])
    axis = (-math.sin(h) * math.cos(p), math.cos(h) * math.cos(p), math.sin(p))
    to = [a - b for a, b in zip(tl.state(t).objects[name].pos, camera.pos, strict=True)]
    cos = sum(a * b for a, b in zip(axis, to, strict=True)) / math.hypot(*to)
    return math.degrees(math.acos(max(-1.0, min(1.0, cos))))


@pytest.mark.parametrize("lang", LANGUAGES)
def test_without_a_pick_the_show_goes_on_to_the_questions_and_never_enters_the_room(lang: str) -> None:
    tl = timeline(lang)
    offer = tl.at("more.start")
    assert tl.at("outro.end") < offer  # offered after the main story
    assert tl.choice_at(offer + 1) is not None and tl.choice_at(tl.at("more.end")) is None
    default = tl.jump_target(event(tl, "choice", "more"))  # type: ignore[arg-type]
    assert default == pytest.approx(tl.at("more.end"))
    quiz = event(tl, "quiz", "ask")
    assert default < quiz.t < tl.at("main_end.start")  # type: ignore[attr-defined]
    starts = [tc.start for tc in tl.cues]
    jumps = unattended(tl.scene.cues, starts, tl.targets)
    # nobody picks: the only jump taken before the end is the main story's, to the end
    taken = [j for j in jumps if j.t < tl.at("room.start")]
    assert [(j.t, j.to) for j in taken] == [(pytest.approx(tl.at("main_end.start")), pytest.approx(tl.duration))]
    assert tl.fade_at(tl.at("main_end.start")) == pytest.approx(1.0)  # the story has faded out


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_history_room_shows_its_boards_and_jumps_back_to_the_story(lang: str) -> None:
    tl = timeline(lang)
    room = tl.jump_target(event(tl, "choice", "more"), option=2)  # type: ignore[arg-type]
    assert room == pytest.approx(tl.at("room.start"))
    more = event(tl, "choice", "more")
    assert more is not None and tl.leaves_for(more.index, 3) == "long_march"  # the third: the next scene
    assert tl.leaves_for(more.index, 2) is None and tl.leaves_for(more.index) is None
    assert tl.at("main_end.start") < room  # the segment lies after the main story
    inside = ("history_room", "room_lamp", "board_mission", "board_people")
    for t in (room, room + 4, tl.at("room_out.start") - 1):
        assert all(tl.state(t).objects[name].opacity == 1.0 for name in inside)
    for t in (0.0, tl.at("founding@founding"), tl.at("more.end"), tl.at("main_end.start")):
        assert all(tl.state(t).objects[name].opacity == 0.0 for name in inside)  # not on the lake
    # the view faces the first board, then turns to the second
    assert facing(tl, room + 4, "board_mission") < 5.0 < facing(tl, room + 4, "board_people")
    later = tl.at("room_out.start") - 1
    assert facing(tl, later, "board_people") < 5.0 < facing(tl, later, "board_mission")
    back = next(e for e in tl.events(tl.at("room_out.start"), tl.duration) if e.kind == "jump")
    assert tl.jump_target(back) == pytest.approx(tl.at("more.end"))  # back where the room left
    assert tl.fade_at(tl.at("more.end")) == pytest.approx(0.0)  # the story is in view again
    assert tl.choice_at(tl.at("more.end")) is None  # the offer is not made again
