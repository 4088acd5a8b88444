"""Show control on simulated time: states, schedule, attract loop, GO / STOP / PANIC / SEEK."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import NoReturn

import pytest

from exhibit.hall.control import Command
from exhibit.hall.show import ShowFrame
from tests.hall.rig import HALL, SCENES, build


def at(hh: int, mm: int, ss: float = 0) -> datetime:
    return datetime(2025, 7, 4, hh, mm, int(ss), int((ss % 1) * 1e6))


def test_a_scheduled_show_goes_through_preshow_show_postshow_and_back_to_attract(tmp_path: Path) -> None:
    rig = build(tmp_path)
    c = rig.control
    rig.advance_to(at(8, 59))
    assert c.state == "standby" and c.status()["attract"] is None  # not open yet: dark
    rig.advance_to(at(8, 59, 30))
    assert c.state == "preshow" and c.status()["scene"] == "alpha" and c.status()["attract"] is None
    rig.advance_to(at(9, 0))
    assert c.state == "show"
    start = rig.journal("show_start")[0]
    assert (start["scene"], start["scheduled"], start["late_s"]) == ("alpha", "2025-07-04T09:00:00", 0.0)
    rig.advance_to(at(9, 0, 10))
    assert rig.level("wind") == pytest.approx(0.8)
    assert c.status()["show_time"] == pytest.approx(10.0, abs=0.3)  # the status is refreshed 4 times a second
    rig.advance_to(at(9, 1, 0.5))
    assert c.state == "postshow" and rig.level("wind") == 0.0
    assert rig.journal("show_end")[0]["reason"] == "ended"
    rig.advance_to(at(9, 1, 21))
    assert c.state == "standby" and c.status()["attract"] == "idle"
    rig.advance(5.0)
    assert rig.level("wind") == 0.0  # the attract loop is silent and without effects
    assert c.status()["next_show"]["scene"] == "beta" and c.status()["next_show"]["at"] == "2025-07-04T09:20:00"


def test_go_starts_at_once_and_stop_makes_the_effects_safe_at_once(tmp_path: Path) -> None:
    rig = build(tmp_path, start=at(8, 0))
    c = rig.control
    c.submit(Command("go", scene="alpha", origin="test"))
    rig.advance(6.0)
    assert c.state == "show" and rig.level("wind") == pytest.approx(0.8)
    c.stop("test")
    assert c.state == "postshow" and rig.level("wind") == 0.0  # in the same call, before any tick
    assert rig.journal("show_end")[0]["reason"] == "stopped"


def test_panic_holds_everything_safe_and_skips_shows_until_go(tmp_path: Path) -> None:
    rig = build(tmp_path, start=at(8, 50))
    c = rig.control
    c.go("alpha", "test")
    rig.advance(7.0)
    assert rig.level("wind") > 0
    c.panic("test")
    assert rig.level("wind") == 0.0 and c.state == "standby" and c.status()["panic"] is True
    rig.advance_to(at(9, 0, 5))
    assert c.state == "standby" and c.status()["attract"] is None  # dark, not on schedule
    missed = rig.journal("show_missed")
    assert missed and missed[0]["scheduled"] == "2025-07-04T09:00:00" and missed[0]["reason"] == "panic"
    assert rig.host.status(rig.clock.monotonic())["panic"] is True
    assert c.go("beta", "test")
    assert c.state == "show" and c.status()["panic"] is False
    rig.advance(3.0)
    assert rig.level("mist") == 0.5


def test_seek_re_derives_levels_and_skips_events(tmp_path: Path) -> None:
    rig = build(tmp_path, start=at(8, 0))
    c = rig.control
    c.go("alpha", "test")
    heard: list = []  # type: ignore[type-arg]
    assert c.show is not None
    c.show.listeners.append(lambda frame: heard.extend(frame.events))
    rig.advance(1.0)
    c.seek(12.0, "test")
    assert c.status()["show_time"] == pytest.approx(12.0, abs=0.01)
    assert rig.level("wind") == pytest.approx(0.8)  # the cue runs 5..15 s: on at once after the jump
    rig.advance(1.0)
    assert not [e for e in heard if 1.0 < e.t < 12.0]  # the sound at 8 s was skipped
    c.seek(7.0, "test")
    rig.advance(1.5)
    assert [e.kind for e in heard if 7.0 < e.t <= 8.5] == ["sound"]


def test_names_that_are_not_scenes_are_refused(tmp_path: Path) -> None:
    rig = build(tmp_path, start=at(8, 0))
    c = rig.control
    assert not c.go("../scenes/alpha.yaml", "test")
    assert c.last_error == "'../scenes/alpha.yaml' is not a scene name (lower-case letters, digits and _; no paths)"
    assert not c.go("alpah", "test")
    assert c.last_error == "unknown scene 'alpah' (did you mean 'alpha'?)"
    assert c.state == "standby"
    assert [r["scene"] for r in rig.journal("go_rejected")] == ["../scenes/alpha.yaml", "alpah"]


def test_go_without_a_scene_plays_the_next_one_in_the_playlist(tmp_path: Path) -> None:
    rig = build(tmp_path, start=at(9, 5))
    assert rig.control.go(None, "test")
    assert rig.control.status()["scene"] == "beta"  # 09:20 is beta's slot


def test_a_scene_that_fails_to_load_is_missed_and_the_hall_carries_on(tmp_path: Path) -> None:
    scenes = dict(SCENES)
    rig = build(tmp_path, scenes=scenes, start=at(8, 59))
    (tmp_path / "scenes" / "alpha.yaml").write_text("id: alpha\nduration: [oops\n", encoding="utf-8")
    rig.advance_to(at(9, 0, 5))
    assert rig.control.state == "standby"
    assert "alpha.yaml" in (rig.control.last_error or "")
    assert rig.journal("show_missed")[0]["reason"] == "the scene failed to load"
    rig.advance_to(at(9, 20, 5))
    assert rig.control.state == "show" and rig.control.status()["scene"] == "beta"
    assert rig.control.status()["last_error"] is not None  # kept for the operator to see


def test_a_go_show_still_running_at_a_slot_makes_that_slot_missed(tmp_path: Path) -> None:
    rig = build(tmp_path, start=at(8, 59, 40))
    rig.control.go("alpha", "test")  # 60 s: runs past 09:00
    rig.advance_to(at(9, 0, 45))
    missed = rig.journal("show_missed")
    assert missed[0]["scheduled"] == "2025-07-04T09:00:00" and missed[0]["reason"] == "the hall was in show"
    rig.advance_to(at(9, 20, 1))
    assert rig.journal("show_start")[-1]["scheduled"] == "2025-07-04T09:20:00"


def test_an_exception_leaves_every_effect_safe(tmp_path: Path) -> None:
    rig = build(tmp_path, start=at(8, 0))
    c = rig.control
    c.go("alpha", "test")
    rig.advance(6.0)
    assert rig.level("wind") > 0
    playback = c.playback

    def broken_step() -> NoReturn:
        raise RuntimeError("renderer died")

    playback.step = broken_step  # type: ignore[method-assign]
    with pytest.raises(RuntimeError, match="renderer died"):
        c.run(until=at(9, 0))
    assert rig.level("wind") == 0.0
    events = [r["event"] for r in rig.journal()]
    assert events[-2:] == ["show_end", "hall_stopped"] and "error" in events


def test_status_reports_what_an_operator_needs(tmp_path: Path) -> None:
    rig = build(tmp_path, start=at(8, 0))
    rig.control.go("alpha", "test")
    rig.advance(3.0)
    status = rig.control.status()
    assert set(status) >= {"state", "scene", "show_time", "next_show", "effects", "last_error", "panic"}
    assert status["state"] == "show" and status["scene"] == "alpha" and status["duration"] == 60.0
    assert status["next_show"]["at"] == "2025-07-04T09:00:00" and status["next_show"]["scene"] == "alpha"
    assert status["next_show"]["in_s"] == pytest.approx(3597.0, abs=0.3)
    assert status["effects"]["ok"] is True and status["effects"]["reachable"] is True
    assert status["last_error"] is None


def test_no_attract_outside_opening_hours(tmp_path: Path) -> None:
    rig = build(tmp_path, start=at(7, 0))
    rig.advance(5.0)
    assert rig.control.status()["attract"] is None
    hall = dict(HALL, schedule=[])
    rig = build(tmp_path / "always", hall=hall, start=at(3, 0))
    rig.advance(5.0)
    assert rig.control.status()["attract"] == "idle"  # no schedule: always open


class RecordingSync:
    """A fake sync master: records what the hall tells follower PCs."""

    def __init__(self) -> None:
        self.updates: list[tuple] = []  # type: ignore[type-arg]

    def listener_for(self, scene: str) -> Callable[[ShowFrame], None]:
        return lambda frame: self.update(scene, frame.timeline.lang, "playing", frame.t, 1.0)

    def update(self, scene: str | None, lang: str, status: str, t: float, rate: float,
               wall: float | None = None) -> None:
        self.updates.append((scene, lang, status, round(t, 2), rate))


def test_followers_are_told_what_plays_and_when_nothing_does(tmp_path: Path) -> None:
    sync = RecordingSync()
    rig = build(tmp_path, start=at(9, 1, 50), sync=sync)
    rig.advance(5.0)
    assert sync.updates[-1][:3] == ("idle", "zh", "playing")  # the attract loop, shown on every wall
    rig.control.go("beta", "test")
    rig.advance(2.0)
    assert sync.updates[-1] == ("beta", "zh", "playing", 2.0, 1.0)
    rig.control.stop("test")
    rig.advance(0.5)
    assert sync.updates[-1] == (None, "zh", "postshow", 0.0, 0.0)


def test_go_in_another_language(tmp_path: Path) -> None:
    rig = build(tmp_path, start=at(8, 0))
    assert not rig.control.go("alpha", "test", lang="fr")
    assert rig.control.last_error == "the hall has no language 'fr'; it has zh, en"
    assert rig.control.go("alpha", "test", lang="en")
    assert rig.control.status()["lang"] == "en" and rig.journal("show_start")[0]["lang"] == "en"
    assert rig.control.show is not None and rig.control.show.timeline is not None
    assert rig.control.show.timeline.lang == "en"


def test_effects_rest_while_the_show_is_held(tmp_path: Path) -> None:
    rig = build(tmp_path, start=at(8, 0))
    rig.control.go("alpha", "test")
    rig.advance(6.0)
    assert rig.level("wind") > 0
    rig.control.playback.transport.status = "paused"  # type: ignore[attr-defined]  # as the player holds for a quiz
    rig.advance(0.5)
    assert rig.level("wind") == 0.0
    rig.control.playback.transport.status = "playing"  # type: ignore[attr-defined]
    rig.advance(0.5)
    assert rig.level("wind") > 0


def test_a_scene_without_the_language_asked_plays_in_its_own_with_a_located_warning(tmp_path) -> None:  # type: ignore[no-untyped-def]
    solo = {**SCENES["alpha"], "id": "solo", "languages": ["zh"]}
    rig = build(tmp_path, scenes={**SCENES, "solo": solo}, start=at(8, 0))
    assert rig.control.go("solo", "test", lang="en")
    assert rig.control.show is not None and rig.control.show.timeline is not None
    assert rig.control.show.timeline.lang == "zh"  # the show goes on, in the scene's language
    rig.advance(1.0)
    path = tmp_path / "scenes" / "solo.yaml"
    lines = path.read_text(encoding="utf-8").splitlines()
    row = lines.index("languages:") + 2  # the list under it, 1-based: "- zh"
    assert lines[row - 1] == "- zh"
    assert [r["warning"] for r in rig.journal("warning")] == [
        f"{path}:{row}:1: warning: scene 'solo' has no language 'en' (its languages: zh); playing it in zh"
    ]
