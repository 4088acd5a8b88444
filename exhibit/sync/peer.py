"""The sync protocol on UDP sockets: the life cycle every peer shares, and the follower."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable
from typing import Self

from exhibit.spec.errors import ExhibitError
from exhibit.sync.clock import MIN_SAMPLES, FollowerClock, FollowReading
from exhibit.sync.wire import PingMessage, PongMessage, StateMessage, decode, encode, parse_master

PING_INTERVAL = 0.5  # seconds between pings once measured
FAST_PING_INTERVAL = 0.05  # ... and while (re)measuring, for a quick lock
FAST_PINGS = 8  # pings sent fast after joining or after the master returns
LOST_PING_INTERVAL = 0.2  # seconds between pings while no master answers (it registers us)
RECEIVE_TIMEOUT = 0.05  # seconds a network thread blocks, so closing never waits longer


class UdpPeer:
    """A UDP socket served by a background thread: the master's and a follower's common life cycle.

    Subclasses open the socket in ``start`` and hand it to :meth:`_serve`; ``_run`` reads it
    until ``_stop`` is set.
    """

    def __init__(self) -> None:
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._sock: socket.socket | None = None

    def start(self) -> Self:  # pragma: no cover - each peer opens its own socket
        raise NotImplementedError

    def _run(self) -> None:  # pragma: no cover - each peer serves its own protocol
        raise NotImplementedError

    def _serve(self, sock: socket.socket, thread_name: str) -> None:
        self._sock = sock
        self._thread = threading.Thread(target=self._run, name=thread_name, daemon=True)
        self._thread.start()

    def close(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=1.0)
            self._thread = None
        if self._sock is not None:
            self._sock.close()
            self._sock = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()


class Follower(UdpPeer):
    """A :class:`FollowerClock` fed from a master over UDP by one background thread.

    The thread stamps every datagram the moment it arrives (a render loop that
    polled once a frame would add up to a frame of one-way delay to the offset).
    ``clock`` is the follower's monotonic clock in seconds; tests give each
    follower its own offset and drift.
    """

    def __init__(
        self,
        master: tuple[str, int] | str,
        *,
        name: str | None = None,
        clock: Callable[[], float] = time.monotonic,
        bind: tuple[str, int] = ("", 0),
        key: str | None = None,
    ) -> None:
        self.master = parse_master(master) if isinstance(master, str) else master
        self.key = key.encode() if key else None
        self.name = name or socket.gethostname()
        self.clock = clock
        self._bind = bind
        super().__init__()
        self._sync = FollowerClock()
        self._lock = threading.Lock()
        self.sent = 0
        self.received = 0
        self._error: float | None = None  # at the last reading drawn, reported to the master

    def start(self) -> Follower:
        try:
            family = socket.getaddrinfo(self.master[0], self.master[1], type=socket.SOCK_DGRAM)[0][0]
        except socket.gaierror as exc:
            raise ExhibitError(f"cannot find the master '{self.master[0]}': {exc.strerror}") from None
        sock = socket.socket(family, socket.SOCK_DGRAM)
        sock.settimeout(RECEIVE_TIMEOUT)
        sock.bind(self._bind)
        self._serve(sock, "exhibit-follow")
        return self

    def read(self, wall: float | None = None) -> FollowReading:
        """The show time to draw now (or at follower time ``wall``)."""
        with self._lock:
            reading = self._sync.read(self.clock() if wall is None else wall)
            self._error = reading.error if reading.mode == "following" else None
            return reading

    @property
    def recoveries(self) -> int:
        return self._sync.recoveries

    def _ping(self) -> PingMessage:
        """A ping that reports how this follower follows (its offset and show-time error)."""
        with self._lock:
            offset, error = self._sync.offset, self._error
        return PingMessage(self.name, self.clock(), offset, error)

    def _run(self) -> None:
        sock = self._sock
        assert sock is not None
        next_ping = 0.0
        fast_left = FAST_PINGS
        was_lost = True
        while not self._stop.is_set():
            now = self.clock()
            with self._lock:
                lost = self._sync.lost(now)
                measured = self._sync.filter.count
            if was_lost and not lost:
                fast_left, next_ping = FAST_PINGS, now  # the master is back: measure at once
            was_lost = lost
            if measured < MIN_SAMPLES and not lost:
                next_ping = min(next_ping, now + FAST_PING_INTERVAL)
            if now >= next_ping:
                try:
                    sock.sendto(encode(self._ping(), self.key), self.master)
                    self.sent += 1
                except OSError:
                    pass  # no route or refused: the master is away; keep trying
                if lost:
                    interval = LOST_PING_INTERVAL
                elif fast_left > 0 or measured < MIN_SAMPLES:
                    interval = FAST_PING_INTERVAL
                else:
                    interval = PING_INTERVAL
                fast_left = max(0, fast_left - 1)
                next_ping = now + interval
            try:
                data, _ = sock.recvfrom(2048)
            except TimeoutError:
                continue
            except OSError:
                # Linux reports a refused earlier datagram here (ECONNREFUSED): the master is away.
                self._stop.wait(RECEIVE_TIMEOUT)
                continue
            arrived = self.clock()
            message = decode(data, self.key)
            with self._lock:
                if isinstance(message, StateMessage):
                    self._sync.on_state(message, arrived)
                    self.received += 1
                elif isinstance(message, PongMessage):
                    self._sync.on_pong(message, arrived)
