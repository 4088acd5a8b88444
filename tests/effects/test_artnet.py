"""ArtDmx packets: every header field where the Art-Net 4 specification puts it."""

from __future__ import annotations

import struct

import pytest

from exhibit.effects.artnet import artdmx, next_sequence


def test_header_fields_follow_the_specification() -> None:
    data = bytes(range(1, 11)) + bytes(502)
    packet = artdmx(0x1234, data, sequence=7, physical=2)
    assert packet[:8] == b"Art-Net\x00"
    assert struct.unpack("<H", packet[8:10])[0] == 0x5000  # OpDmx, little-endian
    assert packet[10:12] == b"\x00\x0e"  # protocol version 14, high byte first
    assert packet[12] == 7  # sequence
    assert packet[13] == 2  # physical
    assert packet[14] == 0x34  # SubUni: sub-net 3, universe 4
    assert packet[15] == 0x12  # Net
    assert struct.unpack(">H", packet[16:18])[0] == 512
    assert packet[18:] == data
    assert len(packet) == 18 + 512


def test_an_odd_frame_is_padded_to_an_even_length() -> None:
    packet = artdmx(1, b"\xff\x80\x01")
    assert struct.unpack(">H", packet[16:18])[0] == 4
    assert packet[18:] == b"\xff\x80\x01\x00"


def test_sequence_runs_1_to_255_and_skips_0() -> None:
    assert next_sequence(0) == 1
    assert next_sequence(1) == 2
    assert next_sequence(254) == 255
    assert next_sequence(255) == 1


@pytest.mark.parametrize(("universe", "data", "message"), [
    (0x8000, b"\x00", "outside 0..32767"),
    (1, b"", "1..512 slots, not 0"),
    (1, bytes(513), "1..512 slots, not 513"),
])
def test_impossible_frames_are_refused(universe: int, data: bytes, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        artdmx(universe, data)
