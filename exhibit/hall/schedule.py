"""The show schedule: a show every N minutes within opening hours, scenes in playlist order.

Each ``schedule`` entry of ``hall.yaml`` opens a window (``from`` .. ``to``, optionally on
some weekdays only) with a show at ``from``, ``from + every``, ... while before ``to``;
the k-th show of a window plays ``playlist[k mod len]``. Times are the hall's local time.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from exhibit.spec.hall import ScheduleEntry

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
LOOKAHEAD_DAYS = 8  # a weekly schedule always has a next show within this


@dataclass(frozen=True)
class Slot:
    """One scheduled show."""

    at: datetime
    scene: str
    entry: int  # index of the schedule entry in hall.yaml
    number: int  # k-th show of that entry's window on that day (0-based)


class Schedule:
    def __init__(self, entries: Sequence[ScheduleEntry]) -> None:
        self.entries = list(entries)

    def _applies(self, entry: ScheduleEntry, day: date) -> bool:
        return entry.days is None or WEEKDAYS[day.weekday()] in entry.days

    def slots_on(self, day: date) -> list[Slot]:
        """Every show of one day, in time order."""
        midnight = datetime.combine(day, time())
        slots: list[Slot] = []
        for index, entry in enumerate(self.entries):
            if not self._applies(entry, day):
                continue
            for k, seconds in enumerate(entry.show_starts()):
                scene = entry.playlist[k % len(entry.playlist)]
                slots.append(Slot(midnight + timedelta(seconds=seconds), scene, index, k))
        slots.sort(key=lambda s: (s.at, s.entry))
        return slots

    def next_slot(self, after: datetime, inclusive: bool = True) -> Slot | None:
        """The first show at or after ``after`` (strictly after when not ``inclusive``)."""
        for offset in range(LOOKAHEAD_DAYS):
            for slot in self.slots_on(after.date() + timedelta(days=offset)):
                if slot.at > after or (inclusive and slot.at == after):
                    return slot
        return None

    def is_open(self, at: datetime) -> bool:
        """Within some window's opening hours (always, when there is no schedule)."""
        if not self.entries:
            return True
        minute = at.hour * 60 + at.minute + at.second / 60.0
        for entry in self.entries:
            start, end = entry.minutes()
            if self._applies(entry, at.date()) and start <= minute < end:
                return True
        return False
