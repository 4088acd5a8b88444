"""The console's show and nodes: the playing show's next chapter, and each follower PC with its
state and clock offset, as the console's data and on the tablet's page, updated live."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from exhibit.hall.sync import SyncMaster
from exhibit.sync.peer import Follower
from tests.hall.live import LiveHall, eventually, live_hall
from tests.hall.rig import scene
from tests.web.client import Client
from tests.web.conftest import TABLET_LANDSCAPE

#: The follower's clock runs this far behind the hall's (two PCs booted at different times).
BEHIND_S = 321.5
NARRATED = {**scene("beta", 45.0, []), "narration": [
    {"id": "welcome", "at": 0.5, "text": {"zh": "欢迎。", "en": "Welcome."}},
    {"id": "the_boat", "at": 20.0, "text": {"zh": "这是南湖红船。", "en": "This is the Red Boat on South Lake."}},
]}


@pytest.fixture
def synced(tmp_path: Path) -> Iterator[tuple[LiveHall, Follower]]:
    with live_hall(tmp_path) as hall:
        (tmp_path / "scenes" / "beta.yaml").write_text(yaml.safe_dump(NARRATED, allow_unicode=True), encoding="utf-8")
        master = SyncMaster(("127.0.0.1", 0)).start()
        hall.control.sync = master
        try:
            with Follower(master.address, name="wall-left", clock=lambda: time.monotonic() - BEHIND_S) as follower:
                yield hall, follower
        finally:
            master.close()


def follower_row(client: Client, follower: Follower) -> dict[str, Any] | None:
    follower.read()  # the follower draws a frame; its next ping reports how far it is off
    data = client.json("GET", "/api/console")[1]
    rows = [n for n in data["nodes"] if n["kind"] == "follower"]
    return rows[0] if rows and rows[0]["offset_ms"] is not None and rows[0]["error_ms"] is not None else None


def next_chapter(client: Client, line_id: str) -> dict[str, Any] | None:
    chapter = client.json("GET", "/api/console")[1]["next_chapter"]
    return chapter if chapter is not None and chapter["id"] == line_id else None


def test_the_console_has_the_next_chapter_and_each_followers_offset(synced: tuple[LiveHall, Follower]) -> None:
    hall, follower = synced
    client = Client(hall.http.port)
    assert client.json("GET", "/api/console")[1]["next_chapter"] is None  # nothing plays
    assert client.json("POST", "/go", {"scene": "beta", "lang": "en"})[0] == 202
    first = eventually(lambda: client.json("GET", "/api/console")[1]["next_chapter"], timeout=5.0)
    assert first is not None and first["id"] in ("welcome", "the_boat")  # welcome, until it starts at 0.5 s
    chapter = eventually(lambda: next_chapter(client, "the_boat"), timeout=5.0)
    assert chapter is not None and chapter["at"] == 20.0
    assert chapter["text"] == "This is the Red Boat on South Lake."
    assert 17.0 < chapter["in_s"] <= 20.0
    row = eventually(lambda: follower_row(client, follower), timeout=5.0)
    assert row is not None and row["name"] == "wall-left" and row["state"] == "alive"
    assert row["offset_ms"] == pytest.approx(BEHIND_S * 1000, abs=10)
    assert abs(row["error_ms"]) < 250


@pytest.mark.slow
def test_the_tablet_shows_the_next_chapter_and_the_followers_offset(synced: tuple[LiveHall, Follower],
                                                                     browser: Any) -> None:
    hall, follower = synced
    context = browser.new_context(viewport=TABLET_LANDSCAPE)
    try:
        page = context.new_page()
        page.goto(f"http://127.0.0.1:{hall.http.port}/console")
        page.wait_for_function("() => document.getElementById('scene-select').options.length === 3")
        assert page.inner_text("#next-chapter") == "–"
        page.select_option("#scene-select", "beta")
        page.select_option("#lang-select", "en")
        page.click("#go")
        page.wait_for_function("() => document.getElementById('next-chapter').textContent.includes('Red Boat')",
                               timeout=5000)
        assert page.inner_text("#next-chapter").startswith("0:20 (")
        follower.read()
        page.wait_for_function("() => document.getElementById('nodes').textContent.includes('321500')",
                               timeout=5000)
        assert "wall-left" in page.inner_text("#nodes")
    finally:
        context.close()


def test_the_console_lists_each_kiosks_rounds_today_and_how_long_ago_its_last_was(
    web: LiveHall, tmp_path: Path, browser: Any
) -> None:
    """A kiosk that has gone quiet for an hour while the others play may need a look."""
    from datetime import UTC, datetime, timedelta

    from exhibit.quiz.store import QuizStore
    from tests.quiz.test_store import attempt

    now = datetime.now(UTC)
    midnight = now.astimezone().replace(hour=0, minute=0, second=0, microsecond=0).astimezone(UTC)

    def today(minutes_ago: float, k: int) -> datetime:  # never before midnight: yesterday's would not count
        return max(now - timedelta(minutes=minutes_ago), midnight + timedelta(seconds=k))

    east = today(62, 1)
    with QuizStore(f"sqlite:///{tmp_path / 'var' / 'quiz.sqlite3'}") as store:
        store.record(attempt([100], kiosk="kiosk-east", at=east, bank="party_history"))
        for k, minutes in enumerate((9, 2), start=2):
            store.record(attempt([100], kiosk="kiosk-west", at=today(minutes, k), bank="party_history"))
    client = Client(web.http.port)
    kiosks = client.json("GET", "/api/console")[1]["quiz"]["kiosks"]
    assert [(k["kiosk"], k["rounds"]) for k in kiosks] == [("kiosk-east", 1), ("kiosk-west", 2)]
    ago = (now - east).total_seconds()
    assert kiosks[0]["ago_s"] == pytest.approx(ago, abs=30)
    context = browser.new_context(viewport=TABLET_LANDSCAPE, locale="en-US")
    try:
        page = context.new_page()
        page.goto(f"http://127.0.0.1:{web.http.port}/console")
        page.wait_for_function("() => document.getElementById('kiosks').rows.length === 2")
        east_row = page.inner_text("#kiosks tr:nth-child(1)").split()
        assert east_row[:3] == ["kiosk-east", "1", "rounds"] and east_row[-1] == "ago"
        shown = int(east_row[3]) * (60 if east_row[4] == "min" else 1)
        assert shown == pytest.approx(ago, abs=90)
        assert page.inner_text("#kiosks tr:nth-child(2)").split()[:3] == ["kiosk-west", "2", "rounds"]
    finally:
        context.close()
