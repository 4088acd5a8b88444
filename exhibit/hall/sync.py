"""The hall as sync master: tells every follower PC what to show and when.

The hall's main loop calls :meth:`SyncMaster.update` with what it plays (scene,
language, status, show time and rate, read from its show clock); a background
thread answers followers' pings at once (their offset measurement depends on
it) and sends the state to every follower 10 times a second, and immediately
when the scene, language or status changes or the show time jumps. Followers
are the addresses that pinged in the last :data:`FOLLOWER_TIMEOUT` seconds.

The protocol and the follower's side are in :mod:`exhibit.render.follow`.
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
from exhibit.render.follow import (
    RECEIVE_TIMEOUT,
    STATE_INTERVAL,
    SYNC_PORT,
    PingMessage,
    PongMessage,
    StateMessage,
    UdpPeer,
    decode,
    encode,
)
from exhibit.spec.errors import ExhibitError

FOLLOWER_TIMEOUT = 5.0  # seconds without a ping before a follower is dropped
JUMP_NOTICE = 0.05  # seconds; a show time this far off its own extrapolation is sent at once


@dataclass(frozen=True)
class FollowerInfo:
    """A follower as the operator's status page shows it."""

    name: str
    address: tuple[str, int]
    last_seen: float  # master clock, seconds


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
        bind: tuple[str, int] = ("0.0.0.0", SYNC_PORT),
        *,
        clock: Callable[[], float] = time.monotonic,
        interval: float = STATE_INTERVAL,
    ) -> None:
        super().__init__()
        self.bind = bind
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
            return sorted(
                (f for f in self._followers.values() if now - f.last_seen <= FOLLOWER_TIMEOUT),
                key=lambda f: f.name,
            )

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
        data = encode(state)
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
            message = decode(data)
            if not isinstance(message, PingMessage):
                continue
            address = (str(sender[0]), int(sender[1]))
            try:
                t2 = self.clock()
                sock.sendto(encode(PongMessage(self.epoch, message.t0, t1, t2)), address)
                self.pongs_sent += 1
            except OSError:
                continue
            with self._lock:
                known = address in self._followers
                self._followers[address] = FollowerInfo(message.name, address, t1)
            if not known:
                self._broadcast()  # a new follower gets the show at once, not within 100 ms
