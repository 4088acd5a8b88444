"""Output adapters: the exact packets each output would put on the network."""

from __future__ import annotations

from pythonosc.osc_message import OscMessage

from exhibit.effects.journal import Journal
from exhibit.effects.motion import SeatPose
from exhibit.effects.outputs import DmxOutput, OscOutput, SimOutput, build_outputs, describe, pose_address
from exhibit.effects.transport import RecordingTransport
from exhibit.spec.hall import Channel, Output, SeatLimits
from tests.effects.scenes import hall


def artnet_frame(packet: bytes) -> tuple[int, bytes]:
    assert packet[:8] == b"Art-Net\x00"
    return packet[14] | packet[15] << 8, packet[18:]


def test_dmx_levels_land_in_their_slots() -> None:
    rec = RecordingTransport()
    out = DmxOutput("dmx", Output(kind="artnet"), rec)
    wind, mist = Channel(output="dmx", universe=1, channel=1), Channel(output="dmx", universe=1, channel=2)
    out.stage("wind", wind, 0.5, None)
    out.stage("mist", mist, 1.0, None)
    out.flush(0.0)
    universe, data = artnet_frame(rec.sent[-1])
    assert universe == 1 and data[0] == 128 and data[1] == 255 and len(data) == 512


def test_dmx_sends_on_change_and_at_the_refresh_rate_only() -> None:
    rec = RecordingTransport()
    out = DmxOutput("dmx", Output(kind="artnet", fps=40), rec)
    ch = Channel(output="dmx", universe=2, channel=10)
    out.patch(ch)
    out.flush(0.0)
    assert rec.count == 1  # the patched universe starts with zeros on the wire
    out.stage("wind", ch, 0.0, None)
    out.flush(0.01)
    assert rec.count == 1  # unchanged, not due
    out.flush(0.026)
    assert rec.count == 2  # refresh (1/40 s)
    out.stage("wind", ch, 0.2, None)
    out.flush(0.03)
    assert rec.count == 3  # changed: at once
    sequences = [p[12] for p in rec.sent]
    assert sequences == [1, 2, 3]


def test_a_motion_seat_takes_three_slots_centred_on_128() -> None:
    rec = RecordingTransport()
    out = DmxOutput("dmx", Output(kind="artnet"), rec)
    seat = Channel(output="dmx", universe=1, channel=20, limits=SeatLimits(pitch=10, roll=10, heave=0.05))
    out.stage("seat", seat, 1.0, SeatPose(10.0, -5.0, 0.0))
    out.flush(0.0)
    data = artnet_frame(rec.sent[-1])[1]
    assert list(data[19:22]) == [255, 64, 128]
    out.stage("seat", seat, 0.0, SeatPose.NEUTRAL)
    out.flush(0.1)
    assert list(artnet_frame(rec.sent[-1])[1][19:22]) == [128, 128, 128]


def test_sacn_output_speaks_e131_and_says_goodbye() -> None:
    rec = RecordingTransport()
    out = DmxOutput("dmx", Output(kind="sacn"), rec, source_name="laoshan")
    ch = Channel(output="dmx", universe=3, channel=5)
    out.stage("heat", ch, 1.0, None)
    out.flush(0.0)
    p = rec.sent[-1]
    assert p[4:16] == b"ASC-E1.17\x00\x00\x00" and p[113:115] == b"\x00\x03" and p[126 + 4] == 255
    out.close()
    assert [q[112] for q in list(rec.sent)[-3:]] == [0x40, 0x40, 0x40] and rec.closed


def test_osc_levels_and_seat_poses() -> None:
    rec = RecordingTransport()
    out = OscOutput("osc", Output(kind="osc", port=9000), rec)
    seat = Channel(output="osc", address="/seat/level")
    out.stage("seat", seat, 0.6, SeatPose(2.5, -1.0, 0.01))
    out.flush(0.0)
    messages = {m.address: m.params for m in (OscMessage(p) for p in rec.sent)}
    assert messages["/seat/level"] == [0.6000000238418579]
    assert [round(x, 4) for x in messages["/seat/pose"]] == [2.5, -1.0, 0.01]
    before = rec.count
    out.stage("seat", seat, 0.6, SeatPose(2.5, -1.0, 0.01))
    out.flush(0.5)
    assert rec.count == before  # nothing changed
    out.flush(1.1)
    assert rec.count == before + 2  # the once-a-second repeat


def test_pose_address_is_the_sibling_of_the_level_address() -> None:
    assert pose_address("/seat/level") == "/seat/pose"
    assert pose_address("/seat") == "/seat/pose"
    assert pose_address("/hall/row1/seat") == "/hall/row1/pose"


def test_a_broken_link_shows_in_health_and_is_logged_once(tmp_path) -> None:  # type: ignore[no-untyped-def]
    journal = Journal(tmp_path / "fx.jsonl")
    out = DmxOutput("dmx", Output(kind="artnet"), RecordingTransport(fail=OSError(101, "Network is unreachable")),
                    journal)
    ch = Channel(output="dmx", universe=1, channel=1)
    for k in range(3):
        out.stage("wind", ch, k / 10, None)
        out.flush(k * 0.1)
    health = out.health()
    assert health["ok"] is False and health["errors"] == 3
    assert health["last_error"] == "artnet output 'dmx': Network is unreachable"
    assert [r["event"] for r in journal.recent] == ["output_error"]


def test_the_simulator_logs_edges(tmp_path) -> None:  # type: ignore[no-untyped-def]
    journal = Journal(tmp_path / "fx.jsonl")
    sim = SimOutput("sim", journal)
    for t, level in [(0.0, 0.0), (1.0, 0.4), (1.1, 0.8), (2.0, 0.0)]:
        sim.stage("wind", Channel(), level, None)
        sim.flush(t)
    assert list(sim.edges) == [(1.0, "wind", 0.4), (2.0, "wind", 0.0)]
    assert [(r["effect"], r["level"]) for r in journal.recent] == [("wind", 0.4), ("wind", 0.0)]


def test_build_outputs_and_describe() -> None:
    h = hall({"wind": {"output": "dmx", "universe": 1, "channel": 1},
              "seat": {"output": "osc", "address": "/seat/level"}, "smoke": {}},
             {"dmx": {"kind": "artnet", "host": "127.0.0.1"}, "osc": {"kind": "osc", "port": 9000}})
    sent = []
    outputs = build_outputs(h, lambda name, spec: sent.append((name, spec.kind)) or RecordingTransport())
    assert {n: o.kind for n, o in outputs.items()} == {"dmx": "artnet", "osc": "osc", "sim": "sim"}
    assert sent == [("dmx", "artnet"), ("osc", "osc")]
    assert describe(h.effects["wind"], h) == "artnet 127.0.0.1 universe 1 channel 1"
    assert describe(h.effects["seat"], h) == "osc 127.0.0.1:9000 /seat/level"
    assert describe(h.effects["smoke"], h) == "the simulator (no hardware)"
