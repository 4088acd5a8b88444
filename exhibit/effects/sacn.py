"""sACN (ANSI E1.31) packets: DMX512 over UDP in the ACN wrapper, encoded by hand.

Pure bytes out. Offsets and vectors from ANSI E1.31-2018, section 4: Table 4-1, "E1.31
Data Packet" (a packet with n slots is 126 + n bytes long, 638 for a full universe), and
Table 4-3, "E1.31 Universe Discovery Packet" (120 bytes and two per universe listed, at
most 512 universes a page). The packets are the same whether they go to a receiver's own
address (unicast) or to the universe's multicast group.
"""

from __future__ import annotations

import struct
import uuid

SACN_PORT = 5568  # ACN-SDT multicast port, E1.31 section 9.3.1
ACN_PACKET_ID = b"ASC-E1.17\x00\x00\x00"  # 12 bytes, E1.31 section 5.3
VECTOR_ROOT_E131_DATA = 0x00000004
VECTOR_E131_DATA_PACKET = 0x00000002
VECTOR_DMP_SET_PROPERTY = 0x02
DMP_ADDRESS_AND_DATA_TYPE = 0xA1  # 1010 0001: relative addresses, 1-byte data (fixed by the spec)
DEFAULT_PRIORITY = 100  # the spec's default source priority (0..200)
OPTION_STREAM_TERMINATED = 0x40  # Options bit 6: "this source stops sending", section 6.2.6
FLAGS = 0x7000  # the high nibble of every Flags & Length field
HEADER_BYTES = 126  # everything before the DMX slots (START code included)
MAX_UNIVERSE = 63999  # 1..63999 are data universes, section 6.2.7
DMX_SLOTS = 512
# Universe discovery (Table 4-3; the constants are from Appendix A, "Defined Parameters")
VECTOR_ROOT_E131_EXTENDED = 0x00000008  # root vector of discovery (and synchronisation) packets
VECTOR_E131_EXTENDED_DISCOVERY = 0x00000002  # framing vector: a universe discovery PDU follows
VECTOR_UNIVERSE_DISCOVERY_UNIVERSE_LIST = 0x00000001
DISCOVERY_UNIVERSE = 64214  # E131_DISCOVERY_UNIVERSE: its group, 239.255.250.214, carries the lists
DISCOVERY_INTERVAL = 10.0  # E131_UNIVERSE_DISCOVERY_INTERVAL, seconds between lists
DISCOVERY_HEADER_BYTES = 120  # everything before the list of universes
UNIVERSES_PER_PAGE = 512


def cid_for(name: str) -> bytes:
    """A stable 16-byte Component Identifier for a source name (receivers track sources by CID)."""
    return uuid.uuid5(uuid.NAMESPACE_URL, f"exhibit:{name}").bytes


def multicast_group(universe: int) -> str:
    """The multicast address a universe is sent to: 239.255.<hi>.<lo> (section 9.3.1)."""
    return f"239.255.{universe >> 8}.{universe & 0xFF}"


def next_sequence(sequence: int) -> int:
    """The sequence number after ``sequence``: one more, 255 wrapping to 0 (every value is valid in E1.31).

    Receivers drop a packet whose number is up to 19 behind the last one (section 6.7.2).
    """
    return (sequence + 1) & 0xFF


def e131_data(
    universe: int,
    data: bytes,
    sequence: int,
    cid: bytes,
    source_name: str = "exhibit",
    priority: int = DEFAULT_PRIORITY,
    terminated: bool = False,
) -> bytes:
    """The E1.31 data packet carrying ``data`` (slots from channel 1) to ``universe``."""
    if not 1 <= universe <= MAX_UNIVERSE:
        raise ValueError(f"sACN universe {universe} is outside 1..{MAX_UNIVERSE}")
    if not 1 <= len(data) <= DMX_SLOTS:
        raise ValueError(f"a DMX frame has 1..{DMX_SLOTS} slots, not {len(data)}")
    if len(cid) != 16:
        raise ValueError("an E1.31 CID is 16 bytes")
    total = HEADER_BYTES + len(data)
    name = source_name.encode("utf-8")[:63].ljust(64, b"\x00")  # UTF-8, null-terminated, padded to 64
    return b"".join(
        (
            # Root layer
            struct.pack(">H", 0x0010),  # Preamble Size
            struct.pack(">H", 0x0000),  # Post-amble Size
            ACN_PACKET_ID,  # ACN Packet Identifier
            struct.pack(">H", FLAGS | (total - 16)),  # Flags & Length: root PDU from here to the end
            struct.pack(">I", VECTOR_ROOT_E131_DATA),  # Vector: E1.31 data follows
            cid,  # CID: this source, 16 bytes
            # Framing layer
            struct.pack(">H", FLAGS | (total - 38)),  # Flags & Length: framing PDU
            struct.pack(">I", VECTOR_E131_DATA_PACKET),  # Vector: a data packet
            name,  # Source Name
            struct.pack("B", priority),  # Priority: 0..200, highest wins at the receiver
            struct.pack(">H", 0),  # Synchronization Address: 0 = not synchronised
            struct.pack("B", sequence & 0xFF),  # Sequence Number: receivers drop out-of-order packets
            struct.pack("B", OPTION_STREAM_TERMINATED if terminated else 0),  # Options
            struct.pack(">H", universe),  # Universe
            # DMP layer
            struct.pack(">H", FLAGS | (total - 115)),  # Flags & Length: DMP PDU
            struct.pack("B", VECTOR_DMP_SET_PROPERTY),  # Vector: set property
            struct.pack("B", DMP_ADDRESS_AND_DATA_TYPE),  # Address Type & Data Type
            struct.pack(">H", 0x0000),  # First Property Address: the START code's slot
            struct.pack(">H", 0x0001),  # Address Increment
            struct.pack(">H", len(data) + 1),  # Property value count: START code + slots
            b"\x00",  # DMX START code 0: dimmer data
            data,  # the slots, channel 1 first
        )
    )


def universe_discovery(universes: list[int], cid: bytes, source_name: str = "exhibit") -> list[bytes]:
    """The universe discovery packets listing ``universes``: one page per 512, sorted, page 0 first.

    A source sends them every :data:`DISCOVERY_INTERVAL` seconds to the discovery universe's
    group, so a console or node can offer the universes it could listen to.
    """
    listed = sorted(set(universes))
    if any(not 1 <= u <= MAX_UNIVERSE for u in listed):
        raise ValueError(f"sACN universes are 1..{MAX_UNIVERSE}, not {listed}")
    if len(cid) != 16:
        raise ValueError("an E1.31 CID is 16 bytes")
    pages = [listed[k:k + UNIVERSES_PER_PAGE] for k in range(0, len(listed), UNIVERSES_PER_PAGE)] or [[]]
    if len(pages) > 256:
        raise ValueError(f"{len(listed)} universes need more than 256 discovery pages")
    name = source_name.encode("utf-8")[:63].ljust(64, b"\x00")
    packets = []
    for number, page in enumerate(pages):
        total = DISCOVERY_HEADER_BYTES + 2 * len(page)
        packets.append(b"".join(
            (
                # Root layer
                struct.pack(">H", 0x0010),  # Preamble Size
                struct.pack(">H", 0x0000),  # Post-amble Size
                ACN_PACKET_ID,  # ACN Packet Identifier
                struct.pack(">H", FLAGS | (total - 16)),  # Flags & Length: root PDU from here to the end
                struct.pack(">I", VECTOR_ROOT_E131_EXTENDED),  # Vector: an extended (discovery) packet
                cid,  # CID: the same source as the data packets
                # Framing layer
                struct.pack(">H", FLAGS | (total - 38)),  # Flags & Length: framing PDU
                struct.pack(">I", VECTOR_E131_EXTENDED_DISCOVERY),  # Vector: universe discovery
                name,  # Source Name, as in the data packets
                b"\x00\x00\x00\x00",  # Reserved: transmitted as 0
                # Universe discovery layer
                struct.pack(">H", FLAGS | (total - 112)),  # Flags & Length: discovery PDU
                struct.pack(">I", VECTOR_UNIVERSE_DISCOVERY_UNIVERSE_LIST),  # Vector: a list of universes
                struct.pack("B", number),  # Page
                struct.pack("B", len(pages) - 1),  # Last Page
                b"".join(struct.pack(">H", u) for u in page),  # List of Universes, sorted
            )
        ))
    return packets
