"""E1.31 packets: offsets and values from ANSI E1.31-2018 Table 4-1 (data) and Table 4-3 (universe discovery)."""

from __future__ import annotations

import struct

import pytest

from exhibit.effects.sacn import cid_for, e131_data, multicast_group, next_sequence, universe_discovery


def test_full_universe_packet_layout() -> None:
    cid = cid_for("hall")
    data = bytes([255, 128]) + bytes(510)
    p = e131_data(7, data, sequence=42, cid=cid, source_name="laoshan hall", priority=150)
    assert len(p) == 638
    # Root layer
    assert p[0:2] == b"\x00\x10" and p[2:4] == b"\x00\x00"
    assert p[4:16] == b"ASC-E1.17\x00\x00\x00"
    assert struct.unpack(">H", p[16:18])[0] == 0x7000 | 622
    assert struct.unpack(">I", p[18:22])[0] == 0x00000004
    assert p[22:38] == cid
    # Framing layer
    assert struct.unpack(">H", p[38:40])[0] == 0x7000 | 600
    assert struct.unpack(">I", p[40:44])[0] == 0x00000002
    assert p[44:108].rstrip(b"\x00") == b"laoshan hall" and len(p[44:108]) == 64
    assert p[108] == 150
    assert p[109:111] == b"\x00\x00"
    assert p[111] == 42
    assert p[112] == 0
    assert struct.unpack(">H", p[113:115])[0] == 7
    # DMP layer
    assert struct.unpack(">H", p[115:117])[0] == 0x7000 | 523
    assert p[117] == 0x02 and p[118] == 0xA1
    assert p[119:121] == b"\x00\x00" and p[121:123] == b"\x00\x01"
    assert struct.unpack(">H", p[123:125])[0] == 513
    assert p[125] == 0  # START code
    assert p[126:] == data


def test_stream_terminated_option() -> None:
    p = e131_data(1, bytes(512), 0, cid_for("x"), terminated=True)
    assert p[112] == 0x40


def test_short_frames_shrink_every_length_field() -> None:
    p = e131_data(1, b"\x10\x20", 0, cid_for("x"))
    assert len(p) == 128
    assert struct.unpack(">H", p[16:18])[0] & 0x0FFF == 112
    assert struct.unpack(">H", p[123:125])[0] == 3


def test_cid_is_stable_per_name_and_16_bytes() -> None:
    assert cid_for("a") == cid_for("a") != cid_for("b")
    assert len(cid_for("a")) == 16


def test_multicast_group_per_universe() -> None:
    assert multicast_group(1) == "239.255.0.1"
    assert multicast_group(256 + 7) == "239.255.1.7"


@pytest.mark.parametrize("universe", [0, 64000])
def test_universe_out_of_range(universe: int) -> None:
    with pytest.raises(ValueError, match="outside 1..63999"):
        e131_data(universe, b"\x00", 0, cid_for("x"))


def test_universe_discovery_packet_layout() -> None:
    cid = cid_for("hall")
    (p,) = universe_discovery([9, 2, 300, 2], cid, source_name="laoshan hall")
    assert len(p) == 120 + 3 * 2
    # Root layer: as for data, with the extended vector
    assert p[0:2] == b"\x00\x10" and p[2:4] == b"\x00\x00" and p[4:16] == b"ASC-E1.17\x00\x00\x00"
    assert struct.unpack(">H", p[16:18])[0] == 0x7000 | (len(p) - 16)
    assert struct.unpack(">I", p[18:22])[0] == 0x00000008  # VECTOR_ROOT_E131_EXTENDED
    assert p[22:38] == cid
    # Framing layer
    assert struct.unpack(">H", p[38:40])[0] == 0x7000 | (len(p) - 38)
    assert struct.unpack(">I", p[40:44])[0] == 0x00000002  # VECTOR_E131_EXTENDED_DISCOVERY
    assert p[44:108].rstrip(b"\x00") == b"laoshan hall" and len(p[44:108]) == 64
    assert p[108:112] == b"\x00\x00\x00\x00"  # reserved
    # Universe discovery layer
    assert struct.unpack(">H", p[112:114])[0] == 0x7000 | (len(p) - 112)
    assert struct.unpack(">I", p[114:118])[0] == 0x00000001  # VECTOR_UNIVERSE_DISCOVERY_UNIVERSE_LIST
    assert p[118] == 0 and p[119] == 0  # page 0 of pages 0..0
    assert struct.unpack(">3H", p[120:]) == (2, 9, 300)  # sorted, each once


def test_universe_discovery_pages_hold_512_universes_each() -> None:
    pages = universe_discovery(list(range(1, 1201)), cid_for("x"))
    assert [len(p) for p in pages] == [1144, 1144, 120 + 2 * 176]  # 1144: a full page (the spec's maximum)
    assert [(p[118], p[119]) for p in pages] == [(0, 2), (1, 2), (2, 2)]
    assert struct.unpack(">H", pages[1][120:122])[0] == 513
    (empty,) = universe_discovery([], cid_for("x"))
    assert len(empty) == 120 and empty[118:120] == b"\x00\x00"
    with pytest.raises(ValueError, match="1..63999"):
        universe_discovery([64214], cid_for("x"))


def test_sequence_numbers_use_every_value_and_wrap_to_0() -> None:
    assert [next_sequence(s) for s in (-1, 0, 1, 254, 255)] == [0, 1, 2, 255, 0]
