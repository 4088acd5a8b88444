"""Choices in the hall: the remote (OSC and HTTP, one command) picks for the room, an unanswered
choice takes its default; both are journalled (scene, choice, option, time, display), and
effects follow the jump."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import yaml

from exhibit.hall.control import Command, Rejected, parse_command
from exhibit.hall.playback import TimelinePlayback
from tests.effects.scenes import effect
from tests.hall.live import LiveHall, eventually, live_hall
from tests.hall.rig import SCENES, build, scene
from tests.hall.test_remote import http, oscsend

CHOICE = {
    "at": 2.0,
    "do": "choice",
    "id": "detour",
    "timeout": 5.0,
    "options": [
        {"label": {"zh": "继续", "en": "Go on"}, "goto": "detour.end"},
        {"label": {"zh": "看风", "en": "The wind"}, "goto": 30.0},
    ],
}
CHOOSY = scene("choosy", 40.0, [CHOICE, effect(30.0, "wind", 0.6, 5.0), {"at": 20.0, "do": "jump", "to": "scene.end"}])


def test_the_remote_picks_for_the_room_and_the_effects_follow(tmp_path: Path) -> None:
    rig = build(tmp_path, scenes={**SCENES, "choosy": CHOOSY}, start=datetime(2025, 7, 4, 8, 0))
    c = rig.control
    c.go("choosy", "test")
    rig.advance(3.0)
    c.apply(parse_command(c, "choose", {"option": 2}, "osc"))
    assert c.status()["show_time"] == pytest.approx(30.0, abs=0.05)
    rig.advance(1.0)
    assert rig.level("wind") == pytest.approx(0.6)  # the segment's wind blows at once
    [picked] = rig.journal("choice")
    assert {k: picked[k] for k in ("scene", "choice", "option", "display", "origin")} == {
        "scene": "choosy",
        "choice": "detour",
        "option": 2,
        "display": "hall",
        "origin": "osc",
    }
    assert picked["t"] == pytest.approx(3.0, abs=0.05)


def test_an_unanswered_choice_is_journalled_with_its_default(tmp_path: Path) -> None:
    rig = build(tmp_path, scenes={**SCENES, "choosy": CHOOSY}, start=datetime(2025, 7, 4, 8, 0))
    c = rig.control
    c.go("choosy", "test")
    rig.advance(21.0)  # the choice times out at 7 s, the main story ends (jumps to the end) at 20 s
    assert c.state == "postshow" and rig.level("wind") == 0.0  # the segment's wind never blew
    [default] = rig.journal("choice")
    assert (default["option"], default["t"], default["origin"]) == (1, 7.0, "timeout")
    c.apply(Command("choose", option=1, origin="http"))  # nothing is offered now
    assert rig.journal("ignored")[-1]["command"] == "choose"


def test_bad_options_are_refused_with_the_reason(tmp_path: Path) -> None:
    rig = build(tmp_path, scenes={**SCENES, "choosy": CHOOSY}, start=datetime(2025, 7, 4, 8, 0))
    for bad in (0, 5, "2", True, None):
        with pytest.raises(Rejected, match=r"choose needs an option number from 1 to 4, not "):
            parse_command(rig.control, "choose", {"option": bad}, "http")
    c = rig.control
    c.go("choosy", "test")
    rig.advance(3.0)
    c.apply(Command("choose", option=3, origin="http"))
    assert c.last_error == "option 3 does not exist; this choice has options 1 to 2"
    assert c.status()["show_time"] == pytest.approx(3.0, abs=0.1)


@pytest.fixture
def hall(tmp_path: Path) -> Any:
    with live_hall(tmp_path) as live:
        (tmp_path / "scenes" / "choosy.yaml").write_text(yaml.safe_dump(CHOOSY, allow_unicode=True), "utf-8")
        yield live


def test_osc_and_http_pick_the_same_way(hall: LiveHall) -> None:
    oscsend(hall.osc.port, "/exhibit/go", "s", "choosy")
    assert eventually(lambda: hall.control.status()["state"] == "show")
    assert eventually(lambda: hall.control.status()["show_time"] > 2.2)
    oscsend(hall.osc.port, "/exhibit/choose", "i", 2)
    assert eventually(lambda: hall.level("wind") == pytest.approx(0.6))
    code, reply = http(hall, "POST", "/seek", {"t": 2.5})
    assert code == 202 and eventually(lambda: hall.level("wind") == 0.0)
    code, reply = http(hall, "POST", "/choose", {"option": 2})
    assert code == 202, json.dumps(reply)
    assert eventually(lambda: hall.level("wind") == pytest.approx(0.6))
    assert [r["origin"] for r in hall.journal("choice")] == ["osc", "http"]


def test_exhibit_visits_counts_the_picks_and_defaults_of_the_journal(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from exhibit.cli.main import main

    rig = build(tmp_path, scenes={**SCENES, "choosy": CHOOSY}, start=datetime(2025, 7, 4, 8, 0))
    c = rig.control
    for pick in (2, 2, None):  # two rooms pick the wind, one lets the choice time out
        c.go("choosy", "test")
        rig.advance(3.0)
        if pick is not None:
            c.apply(Command("choose", option=pick, origin="http"))
        rig.advance(40.0)
    with (tmp_path / "var" / "log" / "hall.jsonl").open("a", encoding="utf-8") as journal:
        journal.write('{"event": "choice", "option": "x"}\n{cut off by a power loss\n')
    assert main(["--root", str(tmp_path), "visits", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["choices"] == [
        {"scene": "choosy", "choice": "detour", "option": 1, "picked": 0, "by_default": 1},
        {"scene": "choosy", "choice": "detour", "option": 2, "picked": 2, "by_default": 0},
    ]
    assert report["unreadable_lines"] == 2
    assert main(["--root", str(tmp_path), "visits"]) == 0
    table = capsys.readouterr().out.splitlines()
    assert table[1].split() == ["choosy", "detour", "1", "0", "1"]
    assert table[-1] == "2 line(s) of the journal were not records and were skipped"


class WindowPlayback(TimelinePlayback):
    """Headless playback with what a window's visitors did waiting for the hall's journal."""

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.visits: list[dict[str, Any]] = []

    def take_visits(self) -> list[dict[str, Any]]:
        taken, self.visits = self.visits, []
        return taken


def test_selections_in_a_window_reach_the_journal_and_the_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from exhibit.cli.main import main

    rig = build(tmp_path, scenes={**SCENES, "choosy": CHOOSY}, start=datetime(2025, 7, 4, 8, 0))
    c = rig.control
    playback = WindowPlayback(c.catalogue, rig.clock)
    c.playback = playback
    c.go("choosy", "test")
    rig.advance(1.0)
    playback.visits += [{"event": "hotspot", "object": "boat", "t": 0.9, "origin": "window", "display": "wall"}] * 2
    rig.advance(1.0)
    opened = rig.journal("hotspot")
    assert len(opened) == 2 and opened[0]["scene"] == "choosy" and opened[0]["display"] == "wall"
    assert main(["--root", str(tmp_path), "visits", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["hotspots"] == [{"scene": "choosy", "object": "boat", "opened": 2}]


ELSEWHERE = {"label": {"zh": "去另一场", "en": "Elsewhere"}, "scene": "alpha"}
LEAVING = {**CHOICE, "options": [CHOICE["options"][0], ELSEWHERE]}


@pytest.mark.parametrize(("how", "at"), [("picked", 3.0), ("by default", 8.0)])
def test_an_option_that_leaves_for_another_scene_ends_the_show_and_starts_that_scene(
    tmp_path: Path, how: str, at: float
) -> None:
    chooser = {**LEAVING, "default": 2} if how == "by default" else LEAVING
    rig = build(tmp_path, scenes={**SCENES, "choosy": scene("choosy", 40.0, [chooser])},
                start=datetime(2025, 7, 4, 8, 0))
    c = rig.control
    assert c.go("choosy", "test", lang="en", audio_description=True)
    rig.advance(3.0)
    if how == "picked":
        c.apply(parse_command(c, "choose", {"option": 2}, "http"))
    rig.advance(at - 2.5)
    status = c.status()
    assert (status["state"], status["scene"], status["lang"], status["audio_description"]) == (
        "show", "alpha", "en", True)  # the same language and options
    assert status["show_time"] < 1.5
    ended, started = rig.journal("show_end")[-1], rig.journal("show_start")[-1]
    assert (ended["scene"], ended["reason"]) == ("choosy", "choice")
    assert (started["scene"], started["origin"]) == ("alpha", "choice")
