"""Art-Net 4 ``ArtDmx`` packets: one DMX512 frame over UDP, encoded by hand.

Pure bytes out; the DMX output adapter owns the socket. Field order and sizes follow the
Art-Net 4 specification (Artistic Licence), section "ArtDmx".
"""

from __future__ import annotations

import struct

ARTNET_PORT = 6454  # UDP port fixed by the specification ("0x1936")
ARTNET_ID = b"Art-Net\x00"  # 8 bytes: "Art-Net" and a terminating zero
OP_DMX = 0x5000  # OpDmx (also called OpOutput)
PROTOCOL_VERSION = 14  # the protocol revision every Art-Net 3/4 node speaks
MAX_PORT_ADDRESS = 0x7FFF  # 15 bits: Net (7) : Sub-Net (4) : Universe (4)
DMX_SLOTS = 512  # channels in one DMX512 universe


def artdmx(universe: int, data: bytes, sequence: int = 0, physical: int = 0) -> bytes:
    """The ArtDmx packet carrying ``data`` (the slots from channel 1) to Port-Address ``universe``."""
    if not 0 <= universe <= MAX_PORT_ADDRESS:
        raise ValueError(f"Art-Net universe {universe} is outside 0..{MAX_PORT_ADDRESS}")
    if not 1 <= len(data) <= DMX_SLOTS:
        raise ValueError(f"a DMX frame has 1..{DMX_SLOTS} slots, not {len(data)}")
    if len(data) % 2:
        data = data + b"\x00"  # the Length field must be even (spec: "an even number 2 - 512")
    return b"".join(
        (
            ARTNET_ID,  # ID[8]
            struct.pack("<H", OP_DMX),  # OpCode: the only little-endian field in the packet
            struct.pack(">H", PROTOCOL_VERSION),  # ProtVerHi, ProtVerLo
            struct.pack("B", sequence & 0xFF),  # Sequence: 1..255 lets receivers reorder; 0 disables
            struct.pack("B", physical & 0xFF),  # Physical: the input port the data came from (information)
            struct.pack("B", universe & 0xFF),  # SubUni: Sub-Net (high nibble), Universe (low nibble)
            struct.pack("B", universe >> 8),  # Net: the top 7 bits of the 15-bit Port-Address
            struct.pack(">H", len(data)),  # LengthHi, LengthLo: number of slots that follow
            data,  # Data[Length]: channel 1 first
        )
    )


def next_sequence(sequence: int) -> int:
    """The sequence number after ``sequence``: 1..255, wrapping past 0 (which means "disabled")."""
    return sequence % 255 + 1
