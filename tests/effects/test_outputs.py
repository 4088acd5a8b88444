"""Output adapters: the exact packets each output would put on the network."""

from __future__ import annotations

import struct
from pathlib import Path

import pytest
from pythonosc.osc_message import OscMessage

from exhibit.effects.journal import Journal
from exhibit.effects.motion import SeatPose
from exhibit.effects.multicast import MulticastRoute
from exhibit.effects.outputs import DmxOutput, OscOutput, SimOutput, build_outputs, describe, pose_address
from exhibit.effects.transport import RecordingTransport
from exhibit.spec.errors import ExhibitError
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
    out = DmxOutput("dmx", Output(kind="sacn", host="10.0.0.7"), rec, source_name="laoshan")
    ch = Channel(output="dmx", universe=3, channel=5)
    out.stage("heat", ch, 1.0, None)
    out.flush(0.0)
    p = rec.sent[-1]
    assert p[4:16] == b"ASC-E1.17\x00\x00\x00" and p[113:115] == b"\x00\x03" and p[126 + 4] == 255
    out.close()
    assert [q[112] for q in list(rec.sent)[-3:]] == [0x40, 0x40, 0x40] and rec.closed
    assert set(rec.to) == {None}, "a host in hall.yaml: every packet to that host (unicast), no discovery"
    assert rec.count == 4


def test_sacn_without_a_host_goes_to_each_universe_s_multicast_group() -> None:
    rec = RecordingTransport()
    out = DmxOutput("dmx", Output(kind="sacn"), rec, source_name="laoshan")
    heat, snow = Channel(output="dmx", universe=3, channel=5), Channel(output="dmx", universe=259, channel=1)
    out.stage("heat", heat, 1.0, None)
    out.stage("snow", snow, 0.5, None)
    out.flush(0.0)
    data = {q[113] << 8 | q[114]: (to, q) for q, to in zip(rec.sent, rec.to, strict=True) if q[21] == 0x04}
    assert data[3][0] == "239.255.0.3" and data[3][1][126 + 4] == 255
    assert data[259][0] == "239.255.1.3" and data[259][1][126] == 128
    # the packet is the one unicast would carry: same layout, same CID and source name
    unicast = DmxOutput("dmx", Output(kind="sacn", host="10.0.0.7"), RecordingTransport(), source_name="laoshan")
    assert unicast.cid == out.cid and data[3][1][44:108].rstrip(b"\x00") == b"laoshan"
    discovery = [(to, q) for q, to in zip(rec.sent, rec.to, strict=True) if q[21] == 0x08]
    assert [to for to, _ in discovery] == ["239.255.250.214"]
    assert discovery[0][1][120:] == struct.pack(">HH", 3, 259)
    out.close()
    assert list(rec.to)[-6:] == ["239.255.0.3"] * 3 + ["239.255.1.3"] * 3
    assert [q[112] for q in list(rec.sent)[-6:]] == [0x40] * 6


def test_sacn_sequence_numbers_count_per_universe_and_wrap_from_255_to_0() -> None:
    rec = RecordingTransport()
    out = DmxOutput("dmx", Output(kind="sacn", host="10.0.0.7", fps=40), rec)
    a, b = Channel(output="dmx", universe=1, channel=1), Channel(output="dmx", universe=2, channel=1)
    for k in range(300):
        out.stage("a", a, (k % 2) * 1.0, None)
        if k < 5:
            out.stage("b", b, (k % 2) * 1.0, None)
        out.flush(k * 0.001)
    out.close()
    seq = {1: [], 2: []}
    for q in rec.sent:
        seq[q[114]].append(q[111])
    assert seq[1][:3] == [0, 1, 2] and seq[1][255:258] == [255, 0, 1]
    assert all((y - x) % 256 == 1 for x, y in zip(seq[1], seq[1][1:], strict=False)), "one more every packet"
    assert all((y - x) % 256 == 1 for x, y in zip(seq[2], seq[2][1:], strict=False))
    assert len(seq[1]) == 303 and seq[1][-3:] == [(300 + k) % 256 for k in range(3)], "stream-terminated continues"


def test_sacn_universe_discovery_at_the_start_every_ten_seconds_and_when_the_universes_change() -> None:
    rec = RecordingTransport()
    out = DmxOutput("dmx", Output(kind="sacn", fps=40), rec)
    out.patch(Channel(output="dmx", universe=7, channel=1))

    def lists() -> list[tuple[int, ...]]:
        return [struct.unpack(f">{(len(q) - 120) // 2}H", q[120:])
                for q, to in zip(rec.sent, rec.to, strict=True) if to == "239.255.250.214"]

    t = 0.0
    while t < 25.0:
        out.flush(t)
        t += 0.025
    assert lists() == [(7,), (7,), (7,)]  # at 0, 10 and 20 s
    out.patch(Channel(output="dmx", universe=2, channel=1))
    out.flush(25.0)
    assert lists()[-1] == (2, 7)
    out.flush(25.1)
    assert len(lists()) == 4


def test_the_multicast_interface_is_logged_and_shown_in_health(tmp_path: Path) -> None:
    journal = Journal(tmp_path / "fx.jsonl")
    route = MulticastRoute("192.168.10.5", "eth1", "the route to 239.255.0.1")
    out = DmxOutput("dmx", Output(kind="sacn"), RecordingTransport(route=route), journal)
    out.stage("wind", Channel(output="dmx", universe=1, channel=1), 1.0, None)
    out.flush(0.0)
    out.flush(1.0)
    assert out.health()["via"] == "eth1 192.168.10.5 (the route to 239.255.0.1)"
    assert [(r["event"], r["interface"], r["address"]) for r in journal.recent] == [
        ("output_route", "eth1", "192.168.10.5")]


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


def test_a_broken_link_shows_in_health_and_is_logged_once(tmp_path: Path) -> None:
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


def test_the_simulator_logs_edges(tmp_path: Path) -> None:
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


def test_describe_says_where_sacn_goes() -> None:
    h = hall({"snow": {"output": "lx", "universe": 258, "channel": 4}, "heat": {"output": "node", "channel": 2}},
             {"lx": {"kind": "sacn"}, "node": {"kind": "sacn", "host": "10.0.0.7"}})
    assert describe(h.effects["snow"], h) == "sacn multicast 239.255.1.2 universe 258 channel 4"
    assert describe(h.effects["heat"], h) == "sacn 10.0.0.7 universe 1 channel 2"


def test_an_sacn_universe_0_is_refused_before_anything_is_sent() -> None:
    h = hall({"snow": {"output": "lx", "universe": 0, "channel": 1}}, {"lx": {"kind": "sacn"}})
    with pytest.raises(ExhibitError, match=r"^effect 'snow': sACN universes are 1..63999, not 0 \(output 'lx' in "
                                           r"hall.yaml\)$"):
        build_outputs(h, lambda name, spec: pytest.fail("a transport was opened"))
