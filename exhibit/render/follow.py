"""Following a master over the network: one show clock for many PCs.

A hall whose walls or headsets are driven by several PCs has one *master* (the
hall, :mod:`exhibit.hall.sync`) and any number of *followers* (``exhibit play
--follow HOST:PORT``). The master owns the show: which scene, which language,
playing or not, and the show time. Followers only draw it; effects, narration
and the quiz are driven by the master alone, so nothing fires twice.

The wire (OSC 1.0 over UDP, times as 64-bit doubles; ``d`` is OSC's double tag):

====================  ==========================================  =================
address               arguments                                   direction
====================  ==========================================  =================
``/exhibit/sync/state``  epoch i, seq i, scene s, lang s, status s,  master -> follower,
                      master wall d, show time d, rate d          10 per second and
                                                                  at once on a change
``/exhibit/sync/ping``   name s, t0 d (follower wall)             follower -> master
``/exhibit/sync/pong``   epoch i, t0 d, t1 d (master received),   master -> follower
                      t2 d (master sent)
====================  ==========================================  =================

A ping also registers the follower: the master sends its states to every
address it heard a ping from in the last few seconds, so no broadcast or
multicast setup is needed and a follower may start before or after the master.

With a shared key (``sync: key:`` in ``hall.yaml``, the same on every PC) each
datagram ends in a 16-byte tag, HMAC-SHA256 of the OSC bytes before it, cut to
16 bytes; a datagram without the right tag is dropped unread. A ping carries a
padding blob, so that a pong is never larger than the ping it answers: a spoofed
ping cannot make the master send more bytes than it received.

Clock offset, as NTP does it (RFC 5905, section 8): with ``t3`` the follower's
time when the pong arrives, ``offset = ((t1 - t0) + (t2 - t3)) / 2`` and
``delay = (t3 - t0) - (t2 - t1)``; of the last :data:`FILTER_SAMPLES` samples
the one with the smallest delay is trusted (queueing only ever adds delay, and
asymmetric delay is what makes an offset wrong).

The follower's show time then steers towards the master's as the show clock
steers towards the voice (:mod:`exhibit.timeline.clock`): slewing by at most
5 % of the rate, jumping when more than 200 ms off (a late join, a seek, a new
scene). A follower that hears nothing for :data:`LOST_AFTER` seconds *holds*:
it keeps running at the last rate (a frozen wall looks broken; a few seconds of
free running on a PC's quartz clock drift by well under a millisecond) and
slews or jumps back when the master returns; a master that restarted (a new
epoch) is measured afresh.
"""

from __future__ import annotations

import hashlib
import hmac
import socket
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal, Protocol, Self

from pythonosc.osc_message import OscMessage, ParseError
from pythonosc.osc_message_builder import OscMessageBuilder

from exhibit.spec.errors import ExhibitError
from exhibit.timeline.clock import JUMP_THRESHOLD, MAX_SLEW

SYNC_PORT = 53110  # next to the remote control's 53100
STATE_ADDRESS = "/exhibit/sync/state"
PING_ADDRESS = "/exhibit/sync/ping"
PONG_ADDRESS = "/exhibit/sync/pong"

STATE_INTERVAL = 0.1  # seconds between the master's states
PING_INTERVAL = 0.5  # seconds between pings once measured
FAST_PING_INTERVAL = 0.05  # ... and while (re)measuring, for a quick lock
FAST_PINGS = 8  # pings sent fast after joining or after the master returns
LOST_PING_INTERVAL = 0.2  # seconds between pings while no master answers (it registers us)
FILTER_SAMPLES = 8  # offset samples kept; the one with the least delay wins
MIN_SAMPLES = 3  # offset samples before a follower calls itself locked
LOST_AFTER = 1.0  # seconds without a state before a follower holds
CORRECTION_TIME = 0.5  # seconds over which an error is slewed away (before the 5 % limit)
LOCK_TOLERANCE = 0.004  # seconds; a quarter frame at 60 Hz
RECEIVE_TIMEOUT = 0.05  # seconds a network thread blocks, so closing never waits longer

Mode = Literal["waiting", "following", "holding"]


# -- the wire -------------------------------------------------------------------------------------


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
    name: str
    t0: float


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
        args: list[tuple[str | int | float, str]] = [
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
        if unpadded + 8 < PING_BYTES:  # a blob adds its tag, a length and its bytes
            args.append((b"\0" * (PING_BYTES - unpadded - 8), "b"))
    else:
        builder = OscMessageBuilder(PONG_ADDRESS)
        args = [(message.epoch, "i"), (message.t0, "d"), (message.t1, "d"), (message.t2, "d")]
    return _osc_of(builder, args)


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
            return PingMessage(str(p[0]), float(p[1]))
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
        raise ExhibitError(
            f"--follow needs HOST:PORT, like 192.168.1.10:{default_port}; got '{text}'"
        )
    try:
        port = int(port_text)
    except ValueError:
        raise ExhibitError(f"'{port_text}' in --follow {text} is not a port number") from None
    if not 1 <= port <= 65535:
        raise ExhibitError(f"port {port} in --follow {text} is out of range (1-65535)")
    return host, port


# -- the clock (pure) ------------------------------------------------------------------------------


@dataclass(frozen=True)
class OffsetSample:
    offset: float  # master clock minus follower clock, seconds
    delay: float  # round trip minus the master's own processing, seconds
    at: float  # follower time when measured


class OffsetFilter:
    """NTP's clock filter, reduced: trust the recent sample with the least delay."""

    def __init__(self, size: int = FILTER_SAMPLES) -> None:
        self._samples: deque[OffsetSample] = deque(maxlen=size)

    def add(self, t0: float, t1: float, t2: float, t3: float) -> OffsetSample | None:
        delay = (t3 - t0) - (t2 - t1)
        if delay < 0 or t3 < t0:
            return None  # a clock stepped between send and receive: no information
        sample = OffsetSample(((t1 - t0) + (t2 - t3)) / 2.0, delay, t3)
        self._samples.append(sample)
        return sample

    def reset(self) -> None:
        self._samples.clear()

    @property
    def count(self) -> int:
        return len(self._samples)

    @property
    def best(self) -> OffsetSample | None:
        return min(self._samples, key=lambda s: s.delay) if self._samples else None


@dataclass(frozen=True)
class FollowReading:
    """What a follower shows at one moment."""

    t: float  # show time to draw
    rate: float  # the follower's current rate (0 when paused)
    mode: Mode
    scene: str | None  # None until the master has been heard
    lang: str | None
    status: str | None
    locked: bool  # following, measured, and within LOCK_TOLERANCE of the master
    jumped: bool  # this reading jumped (a seek, a new scene, a late join): do not tween
    error: float  # master's show time minus ours at this reading (0 when holding or waiting)
    offset: float | None  # master clock minus ours, as estimated
    delay: float | None  # round-trip delay of the sample trusted


class FollowerClock:
    """A follower's show time from the master's states and ping/pong samples.

    Pure arithmetic on the times it is given (the follower's own monotonic clock
    as ``wall``), so the steering can be tested without a network.
    """

    def __init__(self) -> None:
        self.filter = OffsetFilter()
        self._state: StateMessage | None = None
        self._heard: float | None = None  # our wall when the last state arrived
        self._bootstrap: float | None = None  # offset from a state's arrival, before any pong
        self._measured_epoch: int | None = None  # the master the offset samples came from
        self._t = 0.0
        self._w: float | None = None
        self._rate = 0.0
        self._show: tuple[str, str] | None = None
        self.jumps = 0
        self.recoveries = 0
        self._holding = False

    # -- input ---------------------------------------------------------------------------------

    def on_state(self, state: StateMessage, wall: float) -> None:
        previous = self._state
        if previous is not None and state.epoch == previous.epoch and state.seq <= previous.seq:
            return  # reordered or duplicated datagram
        if state.epoch != self._measured_epoch:
            self.filter.reset()  # samples from a master that has since restarted
            self._measured_epoch = state.epoch
        self._state = state
        self._heard = wall
        if self.filter.count == 0:
            self._bootstrap = state.wall - wall

    def on_pong(self, pong: PongMessage, t3: float) -> None:
        if self._measured_epoch is None:
            self._measured_epoch = pong.epoch  # pongs usually arrive before the first state
        if pong.epoch != self._measured_epoch:
            if not self.lost(t3):
                return  # an answer from another master than the one we follow
            # The master we followed is gone and a restarted one answers: measure it.
            self.filter.reset()
            self._measured_epoch = pong.epoch
        self.filter.add(pong.t0, pong.t1, pong.t2, t3)

    # -- reading -------------------------------------------------------------------------------

    @property
    def offset(self) -> float | None:
        best = self.filter.best
        return best.offset if best is not None else self._bootstrap

    def master_time(self, wall: float) -> float | None:
        """The master's show time at our ``wall``, as best we know it."""
        state, offset = self._state, self.offset
        if state is None or offset is None:
            return None
        return state.t + (wall + offset - state.wall) * state.rate

    def lost(self, wall: float) -> bool:
        return self._heard is None or wall - self._heard > LOST_AFTER

    def read(self, wall: float) -> FollowReading:
        state = self._state
        best = self.filter.best
        delay = best.delay if best is not None else None
        if state is None:
            return FollowReading(
                0.0, 0.0, "waiting", None, None, None, False, False, 0.0, None, None
            )
        if self._w is None:
            self._w = wall
        estimate = self._t + (wall - self._w) * self._rate
        if self.lost(wall):
            # Hold: keep going at the master's last rate, without steering.
            self._holding = True
            self._t, self._w, self._rate = estimate, wall, state.rate
            return FollowReading(
                estimate,
                self._rate,
                "holding",
                state.scene,
                state.lang,
                state.status,
                False,
                False,
                0.0,
                self.offset,
                delay,
            )
        if self._holding:
            self._holding = False
            self.recoveries += 1
        target = self.master_time(wall)
        assert target is not None  # a state is known and an offset came with it
        show = (state.scene, state.lang)
        error = target - estimate
        jumped = show != self._show or abs(error) > JUMP_THRESHOLD or state.rate == 0.0
        if jumped:
            # A new show, a seek, a late join; or paused, where a still picture must match exactly.
            if abs(error) > 1e-9 or show != self._show:
                self.jumps += 1
            else:
                jumped = False
            self._t, self._rate = target, state.rate
            self._show = show
            error = 0.0
        else:
            slew = max(-MAX_SLEW, min(MAX_SLEW, error / CORRECTION_TIME))
            self._t, self._rate = estimate, state.rate * (1.0 + slew)
        self._w = wall
        locked = self.filter.count >= MIN_SAMPLES and abs(target - self._t) < LOCK_TOLERANCE
        return FollowReading(
            self._t,
            self._rate,
            "following",
            state.scene,
            state.lang,
            state.status,
            locked,
            jumped,
            target - estimate if not jumped else 0.0,
            self.offset,
            delay,
        )


# -- the network (thin adapter) -------------------------------------------------------------------


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

    def start(self) -> Follower:
        try:
            family = socket.getaddrinfo(self.master[0], self.master[1], type=socket.SOCK_DGRAM)[0][
                0
            ]
        except socket.gaierror as exc:
            raise ExhibitError(
                f"cannot find the master '{self.master[0]}': {exc.strerror}"
            ) from None
        sock = socket.socket(family, socket.SOCK_DGRAM)
        sock.settimeout(RECEIVE_TIMEOUT)
        sock.bind(self._bind)
        self._serve(sock, "exhibit-follow")
        return self

    def read(self, wall: float | None = None) -> FollowReading:
        """The show time to draw now (or at follower time ``wall``)."""
        with self._lock:
            return self._sync.read(self.clock() if wall is None else wall)

    @property
    def recoveries(self) -> int:
        return self._sync.recoveries

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
                    sock.sendto(encode(PingMessage(self.name, self.clock()), self.key), self.master)
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


# -- driving a player (exhibit play --follow) ---------------------------------------------------


class FollowTarget(Protocol):
    """What a follower drives: :class:`exhibit.render.player.Player` (or a recording fake)."""

    @property
    def show(self) -> Any: ...

    def load(self, scene: str, lang: str | None = None) -> Any: ...

    def seek(self, t: float, inclusive: bool = False) -> None: ...

    def step(self, t: float | None = None) -> Any: ...


class FollowPlayer:
    """Each frame: read the follower, load what the master plays, draw the master's moment.

    The player is driven with explicit times (``step(t)``), never played: it opens
    no audio and starts no effects or quiz, because the master drives those. A
    scene this PC cannot load (content not copied, a broken file) is reported
    once and the last picture stays until the master moves on.
    """

    def __init__(
        self,
        player: FollowTarget,
        source: Callable[[], FollowReading],
        report: Callable[[str], None] | None = None,
    ) -> None:
        self.player = player
        self.source = source
        self.report = report
        self.showing: tuple[str, str] | None = None
        self._failed: tuple[str, str] | None = None
        self._mode: Mode | None = None
        self.drew = False  # the last frame drew the show (else the caller keeps the window alive)

    def frame(self) -> FollowReading:
        reading = self.source()
        if reading.mode != self._mode:
            self._say(_MODE_WORDS[reading.mode])
            self._mode = reading.mode
        if reading.scene and reading.lang:
            wanted = (reading.scene, reading.lang)
            if wanted != self.showing and wanted != self._failed:
                try:
                    self.player.load(reading.scene, reading.lang)
                except ExhibitError as exc:
                    self._failed = wanted
                    self._say(f"cannot show {reading.scene} ({reading.lang}): {exc}")
                else:
                    self.showing, self._failed = wanted, None
                    self.player.seek(reading.t)
            elif reading.jumped and wanted == self.showing:
                self.player.seek(reading.t)  # a seek on the master: skipped events do not fire
        if (
            self.showing is not None
            and self.player.show is not None
            and self.showing == (reading.scene, reading.lang)
        ):
            self.player.step(reading.t)
            self.drew = True
        else:
            self.drew = False
        return reading

    def _say(self, message: str) -> None:
        if self.report is not None:
            self.report(message)


_MODE_WORDS: dict[Mode, str] = {
    "waiting": "waiting for the master ...",
    "following": "following the master",
    "holding": f"lost the master (nothing for {LOST_AFTER:.0f} s); holding on this PC's clock",
}


def run_follow(
    project: Any,
    hall: Any,
    master: str,
    display: str | None = None,
    size: tuple[int, int] | None = None,
    report: Callable[[str], None] | None = None,
    frames: int | None = None,
) -> int:
    """``exhibit play --follow HOST:PORT``: show what the master plays until Esc (or ``frames``).

    ``project``/``hall`` are the content root and hall as for ``exhibit play``; the
    follower needs the same scenes (and narration builds) as the master.
    """
    from direct.showbase.DirectObject import DirectObject

    from exhibit.render.player import Player

    address = parse_master(master)
    quit_requested: list[bool] = []
    with (
        Player(
            project, hall, display=display, size=size, audio=False, quiz=False, progress=None
        ) as player,
        Follower(address, key=getattr(getattr(hall, "sync", None), "key", None)) as follower,
    ):
        keys = DirectObject()
        keys.accept("escape", lambda: quit_requested.append(True))
        driver = FollowPlayer(player, follower.read, report)
        if report is not None:
            report(f"following {address[0]}:{address[1]} on {player.displays.mode}")
        count = 0
        try:
            while not quit_requested and (frames is None or count < frames):
                driver.frame()
                if not driver.drew:
                    player.app.render_frame()  # keep the window alive while waiting
                    time.sleep(1 / 60)
                count += 1
        finally:
            keys.ignoreAll()
    return 0
