"""The schedule: shows every N minutes within opening hours, scenes in playlist order."""

from __future__ import annotations

from datetime import date, datetime

from exhibit.hall.schedule import Schedule
from exhibit.spec.hall import ScheduleEntry

MORNING = ScheduleEntry.model_validate({"from": "09:00", "to": "11:30", "every": 20, "playlist": ["a", "b", "c"]})
AFTERNOON = ScheduleEntry.model_validate({"from": "13:30", "to": "17:00", "every": 20, "playlist": ["a", "b", "c"]})
WEEKEND = ScheduleEntry.model_validate({"from": "19:00", "to": "20:00", "every": 30, "playlist": ["night"],
                                        "days": ["sat", "sun"]})
FRIDAY = date(2025, 7, 4)


def test_a_show_every_twenty_minutes_while_open() -> None:
    slots = Schedule([MORNING, AFTERNOON]).slots_on(FRIDAY)
    times = [s.at.strftime("%H:%M") for s in slots]
    assert times[:8] == ["09:00", "09:20", "09:40", "10:00", "10:20", "10:40", "11:00", "11:20"]
    assert times[8:] == ["13:30", "13:50", "14:10", "14:30", "14:50", "15:10", "15:30", "15:50", "16:10", "16:30",
                         "16:50"]
    assert [s.scene for s in slots[:5]] == ["a", "b", "c", "a", "b"]
    assert slots[8].scene == "a" and slots[8].number == 0 and slots[8].entry == 1


def test_next_slot_is_at_or_after_and_crosses_days() -> None:
    schedule = Schedule([MORNING])
    assert schedule.next_slot(datetime(2025, 7, 4, 9, 20)).at == datetime(2025, 7, 4, 9, 20)
    assert schedule.next_slot(datetime(2025, 7, 4, 9, 20), inclusive=False).at == datetime(2025, 7, 4, 9, 40)
    late = schedule.next_slot(datetime(2025, 7, 4, 11, 21))
    assert late is not None and late.at == datetime(2025, 7, 5, 9, 0) and late.scene == "a"


def test_weekday_entries_only_run_on_their_days() -> None:
    schedule = Schedule([WEEKEND])
    assert schedule.slots_on(FRIDAY) == []
    nxt = schedule.next_slot(datetime(2025, 7, 4, 12, 0))
    assert nxt is not None and nxt.at == datetime(2025, 7, 5, 19, 0)
    assert [s.at.strftime("%H:%M") for s in schedule.slots_on(date(2025, 7, 6))] == ["19:00", "19:30"]


def test_opening_hours() -> None:
    schedule = Schedule([MORNING, AFTERNOON])
    assert schedule.is_open(datetime(2025, 7, 4, 9, 0))
    assert schedule.is_open(datetime(2025, 7, 4, 11, 29, 59))
    assert not schedule.is_open(datetime(2025, 7, 4, 11, 30))
    assert not schedule.is_open(datetime(2025, 7, 4, 12, 45))
    assert Schedule([]).is_open(datetime(2025, 7, 4, 3, 0))
    assert Schedule([]).next_slot(datetime(2025, 7, 4)) is None


def test_fractional_intervals() -> None:
    entry = ScheduleEntry.model_validate({"from": "10:00", "to": "10:05", "every": 1.5, "playlist": ["x"]})
    assert [s.at.strftime("%H:%M:%S") for s in Schedule([entry]).slots_on(FRIDAY)] == [
        "10:00:00", "10:01:30", "10:03:00", "10:04:30"]
