"""hall.yaml checks that relate channels to each other and to safety limits."""

from __future__ import annotations

from pathlib import Path

from exhibit.spec.errors import Severity
from exhibit.spec.project import Project

HALL = """\
effects:
  seat:   {output: dmx, channel: 10, limits: {pitch: 8, roll: 8, heave: 0.05}}
  wind:   {output: dmx, channel: 12}
  strobe: {output: dmx, channel: 20, max_rate: 10}
  end:    {output: dmx, channel: 511, limits: {pitch: 5}}
outputs:
  dmx: {kind: artnet}
"""


def test_seat_slots_strobe_rate_and_last_channel(tmp_path: Path) -> None:
    (tmp_path / "hall.yaml").write_text(HALL, encoding="utf-8")
    found = Project.at(tmp_path).load_hall().diagnostics
    text = sorted((d.location.line, d.location.column, d.severity, d.message) for d in found if d.location)
    assert text == [
        (3, 34, Severity.ERROR, "effect 'wind' uses DMX channel 12 of universe 1, which 'seat' uses too"),
        (4, 48, Severity.WARNING, "'strobe' may flash at most 3 times a second (photosensitive epilepsy "
                                  "guidance); 10 is lowered to 3"),
        (5, 34, Severity.ERROR, "effect 'end' needs channels 511 to 513, past the last DMX channel (512)"),
    ]


def test_a_strobe_rate_channel_needs_the_fixtures_top_rate(tmp_path: Path) -> None:
    (tmp_path / "hall.yaml").write_text(
        "effects:\n  strobe: {output: dmx, channel: 20, kind: strobe_rate}\n"
        "  wind: {output: dmx, channel: 1, flashes_at_full: 20}\n  rain: {output: dmx, channel: 2, kind: fast}\n"
        "outputs:\n  dmx: {kind: artnet}\n", encoding="utf-8")
    found = Project.at(tmp_path).load_hall().diagnostics
    text = sorted((d.location.line, d.severity, d.message) for d in found if d.location)
    assert [(line, severity) for line, severity, _ in text] == [(2, Severity.ERROR), (3, Severity.ERROR),
                                                                (4, Severity.ERROR)]
    assert "a 'strobe_rate' channel needs 'flashes_at_full': the fixture's flashes per second at DMX 255" in text[0][2]
    assert "'flashes_at_full' is for 'kind: strobe_rate' channels" in text[1][2]
    assert "intensity" in text[2][2] and "strobe_rate" in text[2][2]


def test_a_schedule_entry_in_a_language_the_hall_lacks_is_located(tmp_path: Path) -> None:
    (tmp_path / "scenes").mkdir()
    (tmp_path / "scenes" / "alpha.yaml").write_text(
        "languages: [zh]\nduration: 5\ncamera:\n  keys:\n    - {at: 0, pos: [0, 0, 1], hpr: [0, 0, 0]}\n",
        encoding="utf-8",
    )
    (tmp_path / "hall.yaml").write_text(
        "languages: [zh, en]\nschedule:\n"
        '  - {from: "09:00", to: "10:00", playlist: [alpha], lang: en, audio_description: true}\n'
        '  - {from: "14:00", to: "15:00", playlist: [alpha], lang: fr, accessible_quiz: true}\n',
        encoding="utf-8",
    )
    found = Project.at(tmp_path).load_hall().diagnostics
    text = [(d.location.line, d.location.column, d.message) for d in found if d.location and d.is_error]
    assert text == [(4, 59, "the hall has no language 'fr'; add it to 'languages' or use one of zh, en")]


def test_two_entries_starting_shows_at_the_same_time_are_warned_of(tmp_path: Path) -> None:
    (tmp_path / "hall.yaml").write_text(
        "schedule:\n"
        '  - {from: "09:00", to: "17:00", every: 20, playlist: [alpha]}\n'
        '  - {from: "15:00", to: "15:30", playlist: [alpha], days: [wed], audio_description: true}\n'
        '  - {from: "17:10", to: "18:00", every: 25, playlist: [alpha]}\n',
        encoding="utf-8",
    )
    found = Project.at(tmp_path).load_hall().diagnostics
    warned = [(d.location.line, d.message) for d in found if d.location and d.severity == Severity.WARNING]
    assert warned == [
        (3, "this entry and entry 1 both start a show at 15:00, 15:20 (wed); only entry 1's plays: "
            "give them opening hours that do not overlap")
    ]
