"""Where packets go: a UDP socket, or a fake that records what would have been sent.

The output adapters hand finished packets to a transport, so the same adapter drives
real hardware, the tests' OLA daemon, or a recording for unit tests. A packet goes to the
transport's host, or to the address ``send`` names (sACN sends each universe to its own
multicast group).
"""

from __future__ import annotations

import socket
import time
from collections import deque
from collections.abc import Callable
from typing import Protocol

from exhibit.effects.multicast import MulticastRoute, choose_route, is_multicast, set_multicast_options

ROUTE_RECHECK = 10.0  # seconds between looks at which interface multicast should leave by


class Transport(Protocol):
    #: The interface multicast leaves by, once something was multicast (None before, and for unicast).
    route: MulticastRoute | None

    def send(self, data: bytes, to: str | None = None) -> None: ...

    def close(self) -> None: ...


class UdpTransport:
    """Datagrams to ``port`` on ``host`` (or on the address a send names): unicast or multicast.

    Multicast leaves by the interface :func:`~exhibit.effects.multicast.choose_route` picks,
    with TTL 1 and loopback on. The choice is looked at again every ``recheck`` seconds, so
    a hall PC that started before its network came up moves to it.
    """

    def __init__(self, host: str | None, port: int,
                 choose: Callable[[str], MulticastRoute] = choose_route, recheck: float = ROUTE_RECHECK,
                 monotonic: Callable[[], float] = time.monotonic) -> None:
        self.host = host
        self.port = port
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.route: MulticastRoute | None = None
        self._choose = choose
        self._recheck = recheck
        self._monotonic = monotonic
        self._next_check = float("-inf")
        self._multicast: dict[str, bool] = {}

    def send(self, data: bytes, to: str | None = None) -> None:
        host = to or self.host
        if host is None:
            raise ValueError("a send without an address on a transport without a host")
        multicast = self._multicast.get(host)
        if multicast is None:
            multicast = self._multicast[host] = is_multicast(host)
        if multicast:
            self._route(host)
        self.sock.sendto(data, (host, self.port))

    def _route(self, group: str) -> None:
        now = self._monotonic()
        if now < self._next_check:
            return
        self._next_check = now + self._recheck
        route = self._choose(group)
        if route != self.route:
            set_multicast_options(self.sock, route)
            self.route = route

    def close(self) -> None:
        self.sock.close()


class RecordingTransport:
    """A fake transport: keeps the last ``keep`` packets (all of them when ``keep`` is None).

    ``to`` holds each packet's address (None: the transport's own host); ``route`` is what a
    multicast send would report as its interface.
    """

    def __init__(self, keep: int | None = None, fail: BaseException | None = None,
                 route: MulticastRoute | None = None) -> None:
        self.sent: deque[bytes] = deque(maxlen=keep)
        self.to: deque[str | None] = deque(maxlen=keep)
        self.count = 0
        self.closed = False
        self.fail = fail  # raised by send(), to test how adapters report a broken link
        self.route: MulticastRoute | None = None
        self._route = route

    def send(self, data: bytes, to: str | None = None) -> None:
        if self.fail is not None:
            raise self.fail
        if to is not None and is_multicast(to):
            self.route = self._route
        self.sent.append(data)
        self.to.append(to)
        self.count += 1

    def close(self) -> None:
        self.closed = True
