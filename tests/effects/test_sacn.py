"""E1.31 data packets: offsets and values from ANSI E1.31-2018 Table 4-1."""

from __future__ import annotations

import struct

import pytest

from exhibit.effects.sacn import cid_for, e131_data, multicast_group


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
