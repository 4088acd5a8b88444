"""The hall as sync master: tells every follower PC what to show and when.

The hall's main loop calls :meth:`SyncMaster.update` with what it plays (scene,
language, status, show time and rate, read from its show clock); a background
thread answers followers' pings at once (their offset measurement depends on
it) and sends the state to every follower 10 times a second, and immediately
when the scene, language or status changes or the show time jumps. Followers
are the addresses that pinged in the last :data:`FOLLOWER_TIMEOUT` seconds; the others
are forgotten. It binds 127.0.0.1 unless told otherwise, and anywhere else only with a
shared key (every datagram then carries an HMAC); each host's pings are answered at most
:data:`PINGS_PER_SECOND` times a second, and never with more bytes than the ping had.

The protocol and the follower's side are in :mod:`exhibit.sync`.
Effects, narration and the quiz are never sent: only the master drives them.
"""

from __future__ import annotations

import random
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from exhibit.hall.show import ShowFrame
from exhibit.spec.errors import ExhibitError
from exhibit.spec.hall import TOKEN_HINT
from exhibit.sync.peer import RECEIVE_TIMEOUT, UdpPeer
from exhibit.sync.wire import STATE_INTERVAL, SYNC_PORT, PingMessage, PongMessage, StateMessage, decode, encode

FOLLOWER_TIMEOUT = 5.0  # seconds without a ping before a follower is dropped
JUMP_NOTICE = 0.05  # seconds; a show time this far off its own extrapolation is sent at once
#: Pings answered per second from one host; a follower sends at most 20 while it measures.
PINGS_PER_SECOND = 40.0
#: Followers served at once; pings from more new addresses are not answered.
MAX_FOLLOWERS = 256
#: Hosts whose ping rate is tracked; the quietest are forgotten first.
MAX_SOURCES = 4096
LOOPBACK = ("127.0.0.1", "::1", "localhost")


@dataclass(frozen=True)
class FollowerInfo:
    """A follower as the operator's status page shows it."""

    name: str
    address: tuple[str, int]
    last_seen: float  # master clock, seconds
    offset: float | None = None  # as the follower reports it (master minus follower clock), seconds
    error: float | None = None  # the follower's show-time error at its last frame, seconds

    @property
    def offset_ms(self) -> float | None:
        return None if self.offset is None else round(self.offset * 1000, 1)

    @property
    def error_ms(self) -> float | None:
        return None if self.error is None else round(self.error * 1000, 1)


@dataclass(frozen=True)
class _Show:
    scene: str
    lang: str
    status: str
    t: float
    rate: float
    wall: float

    def at(self, wall: float) -> float:
        return self.t + (wall - self.wall) * self.rate


class SyncMaster(UdpPeer):
    """Sends the show to followers and answers their clock pings (one UDP socket, one thread)."""

    def __init__(
        self,
        bind: tuple[str, int] = ("127.0.0.1", SYNC_PORT),
        *,
        clock: Callable[[], float] = time.monotonic,
        interval: float = STATE_INTERVAL,
        key: str | None = None,
    ) -> None:
        super().__init__()
        self.bind = bind
        self.key = key.encode() if key else None
        self._allowance: dict[str, tuple[float, float]] = {}  # host -> (pings it may send, when)
        self.refused = 0  # datagrams dropped: bad tag, over the rate, too small, too many followers
        self.clock = clock
        self.interval = interval
        self.epoch = random.randint(1, 2**31 - 1)
        self._seq = 0
        self._show: _Show | None = None
        self._followers: dict[tuple[str, int], FollowerInfo] = {}
        self._lock = threading.Lock()
        self.states_sent = 0
        self.pongs_sent = 0

    # -- lifecycle -------------------------------------------------------------------------------

    def start(self) -> SyncMaster:
        if self.bind[0] not in LOOPBACK and not self.key:
            raise ExhibitError(
                f"follower sync is bound to {self.bind[0]}, which other machines can reach, without a key; "
                "set sync: key: in hall.yaml (the same on every follower PC) or bind 127.0.0.1; "
                f"{TOKEN_HINT}"
            )
        family = socket.AF_INET6 if ":" in self.bind[0] else socket.AF_INET
        sock = socket.socket(family, socket.SOCK_DGRAM)
        sock.settimeout(RECEIVE_TIMEOUT)
        try:
            sock.bind(self.bind)
        except OSError as exc:
            sock.close()
            raise ExhibitError(
                f"cannot listen for followers on {self.bind[0]}:{self.bind[1]}: {exc.strerror}; "
                "is another hall running on this PC?"
            ) from None
        self._serve(sock, "exhibit-sync-master")
        return self

    @property
    def address(self) -> tuple[str, int]:
        """Where followers reach this master (the bound port, useful when binding port 0)."""
        if self._sock is None:
            return self.bind
        host, port = self._sock.getsockname()[:2]
        return str(host), int(port)

    # -- the hall's side -------------------------------------------------------------------------

    def update(
        self,
        scene: str | None,
        lang: str,
        status: str,
        t: float,
        rate: float,
        wall: float | None = None,
    ) -> None:
        """What the hall plays: show time ``t`` at master time ``wall`` (now), moving at ``rate``.

        Call it every frame (or at least whenever anything changes); pass the show
        clock's current rate (0 when paused) so followers extrapolate the same curve.
        """
        now = self.clock() if wall is None else wall
        show = _Show(scene or "", lang, status, float(t), float(rate), now)
        with self._lock:
            old = self._show
            self._show = show
        changed = (
            old is None
            or (old.scene, old.lang, old.status) != (show.scene, show.lang, show.status)
            or abs(old.at(now) - show.t) > JUMP_NOTICE
            or (old.rate == 0.0) != (show.rate == 0.0)
        )
        if changed:
            self._broadcast()

    def listener_for(self, scene: str) -> Callable[[ShowFrame], None]:
        """A listener for the hall's :class:`~exhibit.hall.show.Show` of ``scene`` that publishes
        every frame.

        Show time that moved since the last frame is sent as playing at rate 1 (the
        master's own slewing to its audio is under 5 % and is resent 10 times a
        second, so followers absorb it); show time that stood still is paused.
        """
        last: list[float] = []

        def publish(frame: ShowFrame) -> None:
            moving = not last or frame.t != last[0]
            last[:] = [frame.t]
            status = "playing" if moving else "paused"
            self.update(scene, frame.timeline.lang, status, frame.t, 1.0 if moving else 0.0)

        return publish

    def idle(self) -> None:
        """Nothing plays: followers keep their last picture and say so."""
        self.update(None, "", "idle", 0.0, 0.0)

    @property
    def followers(self) -> list[FollowerInfo]:
        now = self.clock()
        with self._lock:
            self._prune(now)
            return sorted(self._followers.values(), key=lambda f: f.name)

    # -- the network -----------------------------------------------------------------------------

    def _state(self) -> StateMessage | None:
        with self._lock:
            show = self._show
            if show is None:
                return None
            self._seq += 1
            now = self.clock()
            return StateMessage(
                self.epoch,
                self._seq % 2**31,
                show.scene,
                show.lang,
                show.status,
                now,
                show.at(now),
                show.rate,
            )

    def _broadcast(self) -> None:
        sock = self._sock
        state = self._state()
        if sock is None or state is None:
            return
        data = encode(state, self.key)
        for info in self.followers:
            try:
                sock.sendto(data, info.address)
                self.states_sent += 1
            except OSError:
                pass  # a follower that went away; it drops out after FOLLOWER_TIMEOUT

    def _run(self) -> None:
        sock = self._sock
        assert sock is not None
        next_state = self.clock()
        while not self._stop.is_set():
            now = self.clock()
            if now >= next_state:
                self._broadcast()
                next_state = now + self.interval
            sock.settimeout(max(0.001, min(RECEIVE_TIMEOUT, next_state - now)))
            try:
                data, sender = sock.recvfrom(2048)
            except TimeoutError:
                continue
            except OSError:
                continue  # ICMP errors from followers that left surface on the next receive
            t1 = self.clock()
            self._answer(sock, data, (str(sender[0]), int(sender[1])), t1)

    def _answer(self, sock: socket.socket, data: bytes, address: tuple[str, int], t1: float) -> None:
        """Answer a ping: at once, never with more bytes than it had, within the host's rate."""
        if not self._allowed(address[0], t1):
            self.refused += 1
            return
        message = decode(data, self.key)
        if not isinstance(message, PingMessage):
            self.refused += 1
            return
        with self._lock:
            self._prune(t1)
            known = address in self._followers
            if not known and len(self._followers) >= MAX_FOLLOWERS:
                self.refused += 1
                return
        pong = encode(PongMessage(self.epoch, message.t0, t1, self.clock()), self.key)
        if len(pong) > len(data):  # no reflection amplifier, whoever the sender claims to be
            self.refused += 1
            return
        try:
            sock.sendto(pong, address)
            self.pongs_sent += 1
        except OSError:
            return
        with self._lock:
            self._followers[address] = FollowerInfo(message.name, address, t1, message.offset, message.error)
        if not known:
            self._broadcast()  # a new follower gets the show at once, not within 100 ms

    def _allowed(self, host: str, now: float) -> bool:
        """A token bucket per host: PINGS_PER_SECOND, with a burst of one second's worth."""
        tokens, when = self._allowance.get(host, (PINGS_PER_SECOND, now))
        tokens = min(PINGS_PER_SECOND, tokens + (now - when) * PINGS_PER_SECOND)
        if len(self._allowance) >= MAX_SOURCES and host not in self._allowance:
            quiet = [h for h, (_, seen) in self._allowance.items() if now - seen > 1.0]
            for h in quiet:
                del self._allowance[h]
            if len(self._allowance) >= MAX_SOURCES:
                return False
        if tokens < 1.0:
            self._allowance[host] = (tokens, now)
            return False
        self._allowance[host] = (tokens - 1.0, now)
        return True

    def _prune(self, now: float) -> None:
        """Forget followers silent for FOLLOWER_TIMEOUT (called with the lock held)."""
        for address in [a for a, f in self._followers.items() if now - f.last_seen > FOLLOWER_TIMEOUT]:
            del self._followers[address]
