"""The effects host: heartbeats, sources, PANIC and shutdown, seen in the packets it sends."""

from __future__ import annotations

from pathlib import Path

from exhibit.effects.host import HEARTBEAT_TIMEOUT, EffectsHost
from exhibit.effects.journal import Journal
from exhibit.effects.motion import SeatPose
from exhibit.effects.outputs import DmxOutput, SimOutput
from exhibit.effects.transport import RecordingTransport
from tests.effects.scenes import hall

HALL = hall({"wind": {"output": "dmx", "universe": 1, "channel": 1},
             "mist": {"output": "dmx", "universe": 1, "channel": 2, "max_on": 8},
             "fan": {"output": "dmx", "universe": 1, "channel": 3, "safe": 0.2},
             "seat": {"output": "dmx", "universe": 1, "channel": 10,
                      "limits": {"pitch": 10, "roll": 10, "heave": 0.05}}},
            {"dmx": {"kind": "artnet"}})


def make(tmp_path: Path | None = None) -> tuple[EffectsHost, RecordingTransport, Journal]:
    rec = RecordingTransport()
    journal = Journal(tmp_path / "fx.jsonl" if tmp_path else None)
    host = EffectsHost(HALL, {"dmx": DmxOutput("dmx", HALL.outputs["dmx"], rec)}, journal)
    return host, rec, journal


def wire(rec: RecordingTransport) -> list[int]:
    return list(rec.sent[-1][18:30])


def test_levels_reach_the_wire() -> None:
    host, rec, _ = make()
    host.request("hall", {"wind": 0.5, "mist": 1.0}, {}, 0.0)
    host.refresh(0.0)
    assert wire(rec)[:3] == [128, 255, 51]  # fan rests at its safe 0.2


def test_a_silent_player_lapses_and_everything_goes_safe(tmp_path: Path) -> None:
    host, rec, journal = make(tmp_path)
    host.request("hall", {"wind": 0.8}, {}, 0.0)
    host.refresh(0.0)
    host.refresh(HEARTBEAT_TIMEOUT - 0.01)
    assert wire(rec)[0] == 204
    host.refresh(HEARTBEAT_TIMEOUT + 0.01)
    assert wire(rec)[:3] == [0, 0, 51]
    lost = [r for r in journal.recent if r["event"] == "heartbeat_lost"]
    assert lost and lost[0]["source"] == "hall"


def test_heartbeats_keep_a_source_alive() -> None:
    host, rec, _ = make()
    host.request("cli", {"wind": 0.4}, {}, 0.0)
    for k in range(1, 20):
        host.heartbeat("cli", k * 0.2)
        host.refresh(k * 0.2)
    assert wire(rec)[0] == 102


def test_sources_combine_by_the_highest_level_and_release_alone() -> None:
    host, rec, _ = make()
    host.request("hall", {"wind": 0.3, "mist": 0.6}, {}, 0.0)
    host.request("cli", {"wind": 0.9}, {}, 0.0)
    host.refresh(0.0)
    assert wire(rec)[:2] == [230, 153]
    host.release("cli", 0.1)
    assert wire(rec)[:2] == [76, 153]


def test_panic_overrides_every_source_until_cleared(tmp_path: Path) -> None:
    host, rec, journal = make(tmp_path)
    host.request("hall", {"wind": 1.0, "mist": 1.0, "seat": 1.0}, {"seat": SeatPose(5, 5, 0.02)}, 0.0)
    host.refresh(0.0)
    assert wire(rec)[9:12] != [128, 128, 128]
    count = rec.count
    host.panic(0.05)
    assert rec.count == count + 1  # sent at once, not at the next refresh
    assert wire(rec)[:3] == [0, 0, 51] and wire(rec)[9:12] == [128, 128, 128]
    host.request("hall", {"wind": 1.0}, {}, 0.1)
    host.refresh(0.1)
    assert wire(rec)[0] == 0 and host.status(0.1)["panic"] is True
    host.clear(0.2)
    host.request("hall", {"wind": 1.0}, {}, 0.2)
    host.refresh(0.2)
    assert wire(rec)[0] == 255
    assert [r["event"] for r in journal.recent if r["event"].startswith("panic")] == ["panic", "panic_cleared"]


def test_limits_are_logged_when_they_start_to_hold(tmp_path: Path) -> None:
    host, rec, journal = make(tmp_path)
    for k in range(0, 100):
        host.request("hall", {"mist": 1.0}, {}, k * 0.1)
        host.refresh(k * 0.1)
    held = [r for r in journal.recent if r["event"] == "held"]
    assert len(held) == 1 and held[0]["effect"] == "mist" and held[0]["reason"] == "max_on"
    assert host.status(10.0)["held"] == {"mist": "max_on"} and host.interventions == 1


def test_interlock_and_disable_from_the_host() -> None:
    h = hall({"spray": {"output": "dmx", "universe": 1, "channel": 1, "interlock": ["doors_open"]}},
             {"dmx": {"kind": "artnet"}}, inputs=["doors_open"])
    rec = RecordingTransport()
    host = EffectsHost(h, {"dmx": DmxOutput("dmx", h.outputs["dmx"], rec)})
    host.request("hall", {"spray": 1.0}, {}, 0.0)
    host.set_input("doors_open", True, 0.0)
    assert rec.sent[-1][18] == 0
    host.set_input("doors_open", False, 0.1)
    host.request("hall", {"spray": 1.0}, {}, 0.1)
    host.refresh(0.1)
    assert rec.sent[-1][18] == 255
    host.disable("spray", 0.2)
    assert rec.sent[-1][18] == 0 and host.status(0.2)["disabled"] == ["spray"]


def test_effects_the_hall_does_not_map_are_simulated_and_logged(tmp_path: Path) -> None:
    host, rec, journal = make(tmp_path)
    host.request("hall", {"bubbles": 0.7}, {}, 0.0)
    host.refresh(0.0)
    sim = host.outputs["sim"]
    assert isinstance(sim, SimOutput) and sim.levels["bubbles"] == 0.7
    assert any(r["event"] == "unmapped_effect" and r["effect"] == "bubbles" for r in journal.recent)


def test_shutdown_sends_safe_frames_then_closes() -> None:
    host, rec, _ = make()
    host.request("hall", {"wind": 1.0}, {}, 0.0)
    host.refresh(0.0)
    before = rec.count
    host.shutdown(0.1)
    assert rec.count >= before + 3
    assert all(list(p[18:21]) == [0, 0, 51] for p in list(rec.sent)[before:])
    assert rec.closed
