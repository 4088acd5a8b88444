"""The sync protocol's datagrams: the three messages, their OSC encoding and the shared-key tag.

The addresses and arguments are tabled in :mod:`exhibit.sync`.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import struct
from dataclasses import dataclass
from typing import Any

from pythonosc.osc_message import OscMessage, ParseError
from pythonosc.osc_message_builder import OscMessageBuilder

from exhibit.spec.errors import ExhibitError

SYNC_PORT = 53110  # next to the remote control's 53100
STATE_ADDRESS = "/exhibit/sync/state"
PING_ADDRESS = "/exhibit/sync/ping"
PONG_ADDRESS = "/exhibit/sync/pong"

STATE_INTERVAL = 0.1  # seconds between the master's states


@dataclass(frozen=True)
class StateMessage:
    """The master's show at master time ``wall``: show time ``t``, moving at ``rate`` (0 paused)."""

    epoch: int  # random per master start; a new one means "measure the offset again"
    seq: int
    scene: str  # "" when no scene is loaded
    lang: str
    status: str  # the hall's word: playing, paused, stopped, attract, ...
    wall: float
    t: float
    rate: float


@dataclass(frozen=True)
class PingMessage:
    """A follower's ping; newer followers also report how they follow (None: not known, or an older follower)."""

    name: str
    t0: float
    offset: float | None = None  # master clock minus the follower's, as the follower estimates it
    error: float | None = None  # master's show time minus the follower's, at its last drawn frame


@dataclass(frozen=True)
class PongMessage:
    epoch: int
    t0: float
    t1: float
    t2: float


Message = StateMessage | PingMessage | PongMessage


#: Bytes of the tag a shared key adds to each datagram (HMAC-SHA256, truncated: RFC 2104 5).
TAG_BYTES = 16
#: A ping is padded to this size, at least that of a pong (56 bytes).
PING_BYTES = 64
#: A follower's report rides at the start of the ping's padding blob, so a master that predates
#: it reads the ping as before: this tag, then offset and error as big-endian doubles (NaN: unknown).
REPORT_TAG = b"EXR1"
_REPORT = struct.Struct(">dd")


def sign(data: bytes, key: bytes | None) -> bytes:
    """``data`` with its tag appended (unchanged without a key)."""
    if not key:
        return data
    return data + hmac.new(key, data, hashlib.sha256).digest()[:TAG_BYTES]


def verify(data: bytes, key: bytes | None) -> bytes | None:
    """The OSC bytes of a datagram whose tag is right (any datagram without a key), else None."""
    if not key:
        return data
    body, tag = data[:-TAG_BYTES], data[-TAG_BYTES:]
    if len(data) <= TAG_BYTES or not hmac.compare_digest(tag, hmac.new(key, body, hashlib.sha256).digest()[:TAG_BYTES]):
        return None
    return body


def encode(message: Message, key: bytes | None = None) -> bytes:
    """One OSC datagram (tagged when there is a shared key)."""
    return sign(_osc(message), key)


def _osc(message: Message) -> bytes:
    if isinstance(message, StateMessage):
        builder = OscMessageBuilder(STATE_ADDRESS)
        args: list[tuple[str | int | float | bytes, str]] = [
            (message.epoch, "i"),
            (message.seq, "i"),
            (message.scene, "s"),
            (message.lang, "s"),
            (message.status, "s"),
            (message.wall, "d"),
            (message.t, "d"),
            (message.rate, "d"),
        ]
    elif isinstance(message, PingMessage):
        builder = OscMessageBuilder(PING_ADDRESS)
        args = [(message.name, "s"), (message.t0, "d")]
        unpadded = len(_osc_of(builder, args))
        blob = _report(message)
        if blob or unpadded + 8 < PING_BYTES:  # a blob adds its tag, a length and its bytes
            args.append((blob.ljust(PING_BYTES - unpadded - 8, b"\0"), "b"))
    else:
        builder = OscMessageBuilder(PONG_ADDRESS)
        args = [(message.epoch, "i"), (message.t0, "d"), (message.t1, "d"), (message.t2, "d")]
    return _osc_of(builder, args)


def _report(ping: PingMessage) -> bytes:
    if ping.offset is None and ping.error is None:
        return b""
    known = [math.nan if v is None else v for v in (ping.offset, ping.error)]
    return REPORT_TAG + _REPORT.pack(*known)


def _ping(params: list[Any]) -> PingMessage:
    offset = error = None
    blob = params[2] if len(params) == 3 else b""
    if isinstance(blob, bytes) and blob.startswith(REPORT_TAG) and len(blob) >= len(REPORT_TAG) + _REPORT.size:
        values = _REPORT.unpack_from(blob, len(REPORT_TAG))
        offset, error = (v if math.isfinite(v) else None for v in values)
    return PingMessage(str(params[0]), float(params[1]), offset, error)


def _osc_of(builder: OscMessageBuilder, args: list[tuple[Any, str]]) -> bytes:
    built = OscMessageBuilder(builder.address)
    for value, tag in args:
        built.add_arg(value, tag)
    return bytes(built.build().dgram)


def decode(data: bytes, key: bytes | None = None) -> Message | None:
    """The message in a datagram, or None for anything else (other OSC traffic, garbage, a bad tag)."""
    body = verify(data, key)
    if body is None:
        return None
    try:
        msg = OscMessage(body)
        address, p = msg.address, list(msg.params)
        if address == STATE_ADDRESS and len(p) == 8:
            return StateMessage(
                int(p[0]),
                int(p[1]),
                str(p[2]),
                str(p[3]),
                str(p[4]),
                float(p[5]),
                float(p[6]),
                float(p[7]),
            )
        if address == PING_ADDRESS and len(p) in (2, 3):
            return _ping(p)
        if address == PONG_ADDRESS and len(p) == 4:
            return PongMessage(int(p[0]), float(p[1]), float(p[2]), float(p[3]))
    except (ParseError, ValueError, TypeError, IndexError):
        return None  # not OSC, or not ours
    return None


def parse_master(text: str, default_port: int = SYNC_PORT) -> tuple[str, int]:
    """``HOST:PORT`` (or ``HOST``) as given to ``--follow``."""
    host, sep, port_text = text.strip().rpartition(":")
    if not sep:
        host, port_text = port_text, str(default_port)
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    if not host:
        raise ExhibitError(f"--follow needs HOST:PORT, like 192.168.1.10:{default_port}; got '{text}'")
    try:
        port = int(port_text)
    except ValueError:
        raise ExhibitError(f"'{port_text}' in --follow {text} is not a port number") from None
    if not 1 <= port <= 65535:
        raise ExhibitError(f"port {port} in --follow {text} is out of range (1-65535)")
    return host, port
