"""Where packets go: a UDP socket, or a fake that records what would have been sent.

The output adapters hand finished packets to a transport, so the same adapter drives
real hardware, the tests' OLA daemon, or a recording for unit tests.
"""

from __future__ import annotations

import socket
from collections import deque
from typing import Protocol


class Transport(Protocol):
    def send(self, data: bytes) -> None: ...

    def close(self) -> None: ...


class UdpTransport:
    """Datagrams to one host and port (unicast, or a multicast group with a TTL of one hop)."""

    def __init__(self, host: str, port: int) -> None:
        self.address = (host, port)
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        first = int(host.split(".")[0]) if host.split(".")[0].isdigit() else 0
        if 224 <= first <= 239:
            # Multicast: stay on the hall's own network segment.
            self.sock.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, 1)

    def send(self, data: bytes) -> None:
        self.sock.sendto(data, self.address)

    def close(self) -> None:
        self.sock.close()


class RecordingTransport:
    """A fake transport: keeps the last ``keep`` packets (all of them when ``keep`` is None)."""

    def __init__(self, keep: int | None = None, fail: BaseException | None = None) -> None:
        self.sent: deque[bytes] = deque(maxlen=keep)
        self.count = 0
        self.closed = False
        self.fail = fail  # raised by send(), to test how adapters report a broken link

    def send(self, data: bytes) -> None:
        if self.fail is not None:
            raise self.fail
        self.sent.append(data)
        self.count += 1

    def close(self) -> None:
        self.closed = True
