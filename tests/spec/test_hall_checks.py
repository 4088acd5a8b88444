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
