"""Many PCs, one show: a master (the hall) and followers that draw the same frame.

The end-to-end test runs a master in this process and three followers as
separate processes on 127.0.0.1, each follower with its own clock (offset by
seconds and drifting by a few hundred ppm, as two PCs' clocks do), and measures
every follower's show time against the master's at the same instant.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from pythonosc.osc_message import OscMessage
from pythonosc.osc_message_builder import OscMessageBuilder

from exhibit.hall.sync import SyncMaster
from exhibit.render.follow import FollowPlayer
from exhibit.spec.errors import ExhibitError
from exhibit.sync.clock import LOST_AFTER, FollowerClock, OffsetFilter
from exhibit.sync.wire import PingMessage, PongMessage, StateMessage, decode, encode, parse_master
from exhibit.timeline.clock import JUMP_THRESHOLD, MAX_SLEW

FRAME_60HZ = 1.0 / 60.0
ROOT = Path(__file__).resolve().parents[2]


# -- the wire ---------------------------------------------------------------------------------


def test_state_goes_out_as_osc_with_doubles_for_times() -> None:
    state = StateMessage(
        77, 5, "nanhu_red_boat", "zh", "playing", 123456.789012345, 61.2345678912, 1.0
    )
    msg = OscMessage(encode(state))  # read back by python-osc itself, not by our decoder
    assert msg.address == "/exhibit/sync/state"
    assert b",iisssddd\x00" in msg.dgram  # OSC type tags: int32 x2, strings x3, float64 x3
    assert msg.params == [
        77,
        5,
        "nanhu_red_boat",
        "zh",
        "playing",
        123456.789012345,
        61.2345678912,
        1.0,
    ]
    # A float32 would round 123456.789 to 8 ms; the times keep microseconds.
    assert abs(msg.params[5] - 123456.789012345) < 1e-9


def test_ping_and_pong_round_trip_and_strangers_are_ignored() -> None:
    assert decode(encode(PingMessage("wall-left", 10.5))) == PingMessage("wall-left", 10.5)
    assert decode(encode(PongMessage(3, 1.0, 2.0, 2.5))) == PongMessage(3, 1.0, 2.0, 2.5)
    other = OscMessageBuilder("/seat/level")
    other.add_arg(0.5, "f")
    assert decode(other.build().dgram) is None
    assert decode(b"not osc at all") is None
    assert decode(b"") is None


def test_follow_address_is_host_and_port() -> None:
    assert parse_master("192.168.1.10:53110") == ("192.168.1.10", 53110)
    assert parse_master("hall-pc") == ("hall-pc", 53110)
    assert parse_master("[::1]:9000") == ("::1", 9000)
    with pytest.raises(ExhibitError, match="'abc' in --follow hall:abc is not a port number"):
        parse_master("hall:abc")
    with pytest.raises(ExhibitError, match="port 70000 .* out of range"):
        parse_master("hall:70000")
    with pytest.raises(ExhibitError, match="needs HOST:PORT"):
        parse_master(":9000")


# -- the follower's clock, with simulated time ---------------------------------------------------


def state(
    t: float,
    wall: float,
    *,
    seq: int,
    rate: float = 1.0,
    epoch: int = 1,
    scene: str = "nanhu_red_boat",
    lang: str = "zh",
    status: str = "playing",
) -> StateMessage:
    return StateMessage(epoch, seq, scene, lang, status, wall, t, rate)


def measured(
    clock: FollowerClock,
    offset: float,
    at: float,
    epoch: int = 1,
    delays: tuple[float, ...] = (0.001,) * 3,
) -> None:
    """Feed ping/pong samples for a follower whose clock is ``offset`` behind the master's."""
    for i, d in enumerate(delays):
        t0 = at + i * 0.05
        t1 = t0 + offset + d / 2
        clock.on_pong(PongMessage(epoch, t0, t1, t1 + 0.0001), t0 + d + 0.0001)


def test_offset_filter_trusts_the_sample_with_least_delay() -> None:
    f = OffsetFilter()
    true_offset = 5.0
    # Queueing delay on the way back only (asymmetric): these samples are wrong by half of it.
    for back in (0.030, 0.012, 0.0004, 0.020):
        t0 = 100.0
        t1 = t0 + true_offset + 0.0002
        t2 = t1 + 0.0001
        f.add(t0, t1, t2, t2 - true_offset + 0.0002 + back)
    best = f.best
    assert best is not None
    assert best.delay == pytest.approx(0.0008, abs=1e-9)
    assert best.offset == pytest.approx(true_offset - 0.0002, abs=1e-9)
    assert f.add(10.0, 12.0, 12.0, 9.0) is None  # the clock went backwards: ignored


def test_late_joiner_jumps_straight_to_the_master() -> None:
    clock = FollowerClock()
    assert clock.read(50.0).mode == "waiting"
    measured(clock, offset=1000.0, at=50.0)
    clock.on_state(state(t=42.0, wall=1050.2, seq=1), wall=50.2)
    r = clock.read(50.3)
    assert r.mode == "following" and r.jumped
    assert r.t == pytest.approx(42.1, abs=1e-3)
    assert (r.scene, r.lang, r.status) == ("nanhu_red_boat", "zh", "playing")
    assert r.locked


def test_small_errors_are_slewed_at_most_five_percent_never_jumped() -> None:
    clock = FollowerClock()
    measured(clock, offset=0.0, at=0.0)
    clock.on_state(state(t=10.0, wall=0.2, seq=1), wall=0.2)
    clock.read(0.2)
    # The master seeks 150 ms ahead: under the jump threshold, so the follower slews.
    clock.on_state(state(t=10.25, wall=0.3, seq=2), wall=0.3)
    rates, errors = [], []
    wall, seq = 0.3, 2
    for _ in range(int(6.0 * 60)):
        wall += FRAME_60HZ
        if round(wall * 60) % 6 == 0:
            seq += 1
            clock.on_state(state(t=10.25 + (wall - 0.3), wall=wall, seq=seq), wall=wall)
        r = clock.read(wall)
        assert not r.jumped
        rates.append(r.rate)
        errors.append(abs(10.25 + (wall - 0.3) - r.t))
    assert max(rates) == pytest.approx(1.0 + MAX_SLEW)
    assert min(rates) >= 1.0 - 1e-12
    assert errors[0] > 0.1
    assert errors[-1] < 0.001


def test_a_seek_beyond_200_ms_jumps() -> None:
    clock = FollowerClock()
    measured(clock, offset=0.0, at=0.0)
    clock.on_state(state(t=10.0, wall=0.2, seq=1), wall=0.2)
    clock.read(0.2)
    clock.on_state(state(t=10.0 + JUMP_THRESHOLD + 0.2, wall=0.3, seq=2), wall=0.3)
    r = clock.read(0.3)
    assert r.jumped and r.t == pytest.approx(10.4)


def test_paused_master_is_matched_exactly_and_a_new_scene_jumps() -> None:
    clock = FollowerClock()
    measured(clock, offset=0.0, at=0.0)
    clock.on_state(state(t=33.0, wall=0.2, seq=1, rate=0.0, status="paused"), wall=0.2)
    first = clock.read(0.2)
    clock.on_state(state(t=33.0, wall=1.9, seq=2, rate=0.0, status="paused"), wall=1.9)
    later = clock.read(2.0)
    assert first.t == later.t == 33.0 and later.rate == 0.0 and later.status == "paused"
    clock.on_state(state(t=0.0, wall=2.0, seq=3, scene="long_march", lang="en"), wall=2.0)
    r = clock.read(2.05)
    assert r.jumped and r.scene == "long_march" and r.lang == "en" and r.t == pytest.approx(0.05)


def test_losing_the_master_holds_then_recovers() -> None:
    clock = FollowerClock()
    measured(clock, offset=0.0, at=0.0)
    clock.on_state(state(t=0.2, wall=0.2, seq=1), wall=0.2)
    assert clock.read(0.2).mode == "following"
    held = [clock.read(0.2 + LOST_AFTER + k * 0.5) for k in range(1, 4)]
    assert all(r.mode == "holding" and not r.locked for r in held)
    # Holding keeps time running: a frozen picture looks broken.
    assert [round(r.t, 6) for r in held] == [
        round(0.2 + LOST_AFTER + k * 0.5, 6) for k in range(1, 4)
    ]
    clock.on_state(state(t=3.0, wall=3.0, seq=2), wall=3.0)
    back = clock.read(3.0)
    assert back.mode == "following" and back.locked and clock.recoveries == 1


def test_a_restarted_master_is_measured_again() -> None:
    clock = FollowerClock()
    measured(clock, offset=0.0, at=0.0)
    clock.on_state(state(t=1.0, wall=1.0, seq=50), wall=1.0)
    clock.read(1.0)
    # The master PC rebooted: new epoch, its monotonic clock now reads 7000 s behind ours.
    clock.on_state(state(t=1.5, wall=1.5 - 7000.0, seq=1, epoch=2), wall=1.5)
    assert clock.filter.count == 0
    assert clock.offset == pytest.approx(-7000.0)  # first guess from the state's arrival
    measured(clock, offset=-7000.0, at=1.5, epoch=2)
    clock.on_pong(PongMessage(1, 1.0, 2.0, 2.0), 1.7)  # a late answer from the old master: ignored
    assert clock.filter.count == 3
    assert clock.read(1.6).t == pytest.approx(1.6, abs=1e-3)


# -- the master, seen from a plain UDP socket ------------------------------------------------------


@pytest.fixture
def master() -> Iterator[SyncMaster]:
    with SyncMaster(("127.0.0.1", 0)) as m:
        yield m


def test_master_answers_pings_and_then_sends_its_show(master: SyncMaster) -> None:
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.settimeout(1.0)
    try:
        master.update("nanhu_red_boat", "en", "playing", 12.0, 1.0)
        before = master.clock()
        sock.sendto(encode(PingMessage("wall-left", 99.0)), master.address)
        got: list[object] = []
        deadline = time.monotonic() + 1.0
        while time.monotonic() < deadline and not any(isinstance(m, StateMessage) for m in got):
            got.append(decode(sock.recvfrom(2048)[0]))
        pong = next(m for m in got if isinstance(m, PongMessage))
        assert pong.t0 == 99.0 and before <= pong.t1 <= pong.t2 <= master.clock()
        first_state = next(m for m in got if isinstance(m, StateMessage))
        assert (first_state.scene, first_state.lang, first_state.status) == (
            "nanhu_red_boat",
            "en",
            "playing",
        )
        assert first_state.t == pytest.approx(12.0 + (first_state.wall - before), abs=0.05)
        assert [f.name for f in master.followers] == ["wall-left"]
        # The regular states: about 10 per second, each extrapolated to its send time.
        states = []
        deadline = time.monotonic() + 0.55
        while time.monotonic() < deadline:
            message = decode(sock.recvfrom(2048)[0])
            if isinstance(message, StateMessage):
                states.append(message)
        assert 4 <= len(states) <= 7
        assert all(b.seq > a.seq for a, b in zip(states, states[1:], strict=False))
        for s in states:
            assert s.t - s.wall == pytest.approx(first_state.t - first_state.wall, abs=1e-6)
        # A change goes out at once, not at the next tick.
        master.update("nanhu_red_boat", "en", "paused", 30.0, 0.0)
        sent = time.monotonic()
        while True:
            message = decode(sock.recvfrom(2048)[0])
            if isinstance(message, StateMessage) and message.status == "paused":
                break
        assert time.monotonic() - sent < 0.05
        assert message.rate == 0.0 and message.t == 30.0
    finally:
        sock.close()


def test_a_busy_port_is_a_clear_error(master: SyncMaster) -> None:
    host, port = master.address
    with pytest.raises(
        ExhibitError, match=rf"cannot listen for followers on 127.0.0.1:{port}: .*another hall"
    ):
        SyncMaster((host, port)).start()


# -- a master and three followers on 127.0.0.1 -----------------------------------------------------

FOLLOWER = r"""
import json, sys, time
from exhibit.sync.peer import Follower
host, port, name = sys.argv[1], int(sys.argv[2]), sys.argv[3]
offset, drift, seconds = float(sys.argv[4]), float(sys.argv[5]), float(sys.argv[6])
base = time.monotonic()
def own_clock(mono=None):
    mono = time.monotonic() if mono is None else mono
    return base + offset + (mono - base) * (1.0 + drift)
samples = []
with Follower((host, port), name=name, clock=own_clock) as follower:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        mono = time.monotonic()
        r = follower.read(own_clock(mono))
        samples.append([mono, r.t, r.mode, r.locked, r.scene, r.lang])
        time.sleep(0.02)
print(json.dumps(samples))
"""

SCENE, LANG = "nanhu_red_boat", "en"
MASTER_DOWN, MASTER_BACK = 4.0, 5.8  # seconds after the start
RUN = 8.0


@dataclass
class Run:
    name: str
    started: float  # seconds after T0
    samples: list[
        tuple[float, float, str, bool, str | None, str | None]
    ]  # (since T0, error, mode, ...)


class Hall:
    """The master side: a show clock at rate 1 from T0, published every frame."""

    def __init__(self, port: int, t0: float) -> None:
        self.port, self.t0 = port, t0
        self.master: SyncMaster | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._frames, daemon=True)

    def up(self) -> None:
        self.master = SyncMaster(("127.0.0.1", self.port)).start()

    def down(self) -> None:
        if self.master is not None:
            self.master.close()
            self.master = None

    def _frames(self) -> None:
        while not self._stop.is_set():
            m = self.master
            if m is not None:
                now = time.monotonic()
                m.update(SCENE, LANG, "playing", now - self.t0, 1.0, now)
            time.sleep(FRAME_60HZ)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=1.0)
        self.down()


def _free_udp_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _spawn(
    port: int, name: str, offset: float, drift: float, seconds: float
) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [
            sys.executable,
            "-c",
            FOLLOWER,
            "127.0.0.1",
            str(port),
            name,
            str(offset),
            str(drift),
            str(seconds),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )


@pytest.fixture(scope="module")
def runs() -> dict[str, Run]:
    port = _free_udp_port()
    t0 = time.monotonic()
    hall = Hall(port, t0)
    hall.up()
    hall.start()
    procs: dict[str, subprocess.Popen[str]] = {}
    try:
        # Two followers from the start, with clocks 3.7 s ahead and 12.2 s behind, drifting.
        procs["left"] = _spawn(port, "left", 3.7, 300e-6, RUN)
        procs["right"] = _spawn(port, "right", -12.2, -250e-6, RUN)
        time.sleep(2.0 - (time.monotonic() - t0))
        procs["late"] = _spawn(port, "late", 1000.0, 100e-6, RUN - 2.0)  # joins two seconds late
        time.sleep(MASTER_DOWN - (time.monotonic() - t0))
        hall.down()  # the master goes away ...
        time.sleep(MASTER_BACK - (time.monotonic() - t0))
        hall.up()  # ... and comes back (a restarted hall: new epoch, same port)
        out: dict[str, Run] = {}
        for name, proc in procs.items():
            stdout, stderr = proc.communicate(timeout=RUN + 10.0)
            assert proc.returncode == 0, stderr
            rows = json.loads(stdout)
            samples = [
                (mono - t0, t - (mono - t0), mode, locked, scene, lang)
                for mono, t, mode, locked, scene, lang in rows
            ]
            out[name] = Run(name, samples[0][0], samples)
        return out
    finally:
        for proc in procs.values():
            if proc.poll() is None:
                proc.kill()
        hall.stop()


def _locked_from(run: Run) -> float:
    return next(at for at, _, mode, locked, *_ in run.samples if locked and mode == "following")


def test_three_followers_lock_within_a_second_and_match_the_master_within_one_frame(
    runs: dict[str, Run],
) -> None:
    for run in runs.values():
        lock = _locked_from(run)
        assert lock - run.started < 1.0, f"{run.name} took {lock - run.started:.2f} s to lock"
        following = [s for s in run.samples if lock <= s[0] < MASTER_DOWN]
        assert len(following) > 50
        assert all(
            mode == "following" and scene == SCENE and lang == LANG
            for _, _, mode, _, scene, lang in following
        )
        worst = max(abs(err) for _, err, *_ in following)
        print(
            f"{run.name}: joined at {run.started:.2f} s, locked {lock - run.started:.2f} s later, "
            f"worst offset {worst * 1000:.3f} ms over {len(following)} samples"
        )
        assert worst < FRAME_60HZ


def test_the_late_joiner_catches_up(runs: dict[str, Run]) -> None:
    late = runs["late"]
    assert late.started > 2.0
    first = late.samples[0]
    assert first[2] in ("waiting", "following")
    lock = _locked_from(late)
    assert lock < 3.5
    after = [err for at, err, mode, *_ in late.samples if at >= lock and at < MASTER_DOWN]
    assert max(abs(e) for e in after) < FRAME_60HZ


def test_followers_hold_when_the_master_is_lost_and_recover_when_it_returns(
    runs: dict[str, Run],
) -> None:
    for run in runs.values():
        lost = [s for s in run.samples if MASTER_DOWN + LOST_AFTER + 0.1 < s[0] < MASTER_BACK]
        assert lost and all(mode == "holding" for _, _, mode, *_ in lost)
        # Holding keeps the picture running on the follower's own clock, still in step.
        assert max(abs(err) for _, err, *_ in lost) < FRAME_60HZ
        back = [s for s in run.samples if s[0] > MASTER_BACK + 1.0]
        assert back and all(mode == "following" and locked for _, _, mode, locked, *_ in back), (
            run.name
        )
        worst = max(abs(err) for _, err, *_ in back)
        print(f"{run.name}: after the master returned, worst offset {worst * 1000:.3f} ms")
        assert worst < FRAME_60HZ


# -- a follower driving a player -------------------------------------------------------------------


class RecordingPlayer:
    """Stands in for exhibit.render.player.Player: records what the follower asks of it."""

    def __init__(self, scenes: tuple[str, ...] = ("nanhu_red_boat", "long_march")) -> None:
        self.scenes = scenes
        self.calls: list[tuple[str, object, ...]] = []
        self.show: object | None = None

    def load(self, scene: str, lang: str | None = None) -> object:
        self.calls.append(("load", scene, lang))
        if scene not in self.scenes:
            raise ExhibitError(f"no scene '{scene}'")
        self.show = (scene, lang)
        return self.show

    def seek(self, t: float, inclusive: bool = False) -> None:
        self.calls.append(("seek", round(t, 6)))

    def step(self, t: float | None = None) -> None:
        self.calls.append(("step", None if t is None else round(t, 6)))


def test_a_follower_loads_what_the_master_plays_and_draws_the_masters_moments() -> None:
    clock = FollowerClock()
    measured(clock, offset=0.0, at=0.0)
    wall = [0.0]
    player = RecordingPlayer()
    said: list[str] = []
    driver = FollowPlayer(player, lambda: clock.read(wall[0]), said.append)
    driver.frame()
    assert player.calls == [] and said == ["waiting for the master ..."]

    clock.on_state(state(t=20.0, wall=0.2, seq=1, lang="en"), wall=0.2)
    wall[0] = 0.2
    driver.frame()
    wall[0] = 0.25
    driver.frame()
    assert player.calls == [
        ("load", "nanhu_red_boat", "en"),
        ("seek", 20.0),
        ("step", 20.0),
        ("step", 20.05),
    ]
    # The master changes language: load again, at the master's moment.
    player.calls.clear()
    clock.on_state(state(t=31.0, wall=0.3, seq=2, lang="zh"), wall=0.3)
    wall[0] = 0.3
    driver.frame()
    assert player.calls == [("load", "nanhu_red_boat", "zh"), ("seek", 31.0), ("step", 31.0)]
    # A scene this PC does not have: said once, nothing drawn, no retry every frame.
    player.calls.clear()
    clock.on_state(state(t=0.0, wall=0.4, seq=3, scene="missing"), wall=0.4)
    for k in range(3):
        wall[0] = 0.4 + k / 60
        driver.frame()
    assert player.calls == [("load", "missing", "zh")]
    assert said[-1] == "cannot show missing (zh): no scene 'missing'"
    assert not driver.drew


def test_a_follower_seeks_when_the_master_jumps_and_keeps_drawing_while_holding() -> None:
    clock = FollowerClock()
    measured(clock, offset=0.0, at=0.0)
    player = RecordingPlayer()
    said: list[str] = []
    wall = [0.1]
    driver = FollowPlayer(player, lambda: clock.read(wall[0]), said.append)
    clock.on_state(state(t=5.0, wall=0.1, seq=1), wall=0.1)
    driver.frame()
    player.calls.clear()
    clock.on_state(state(t=60.0, wall=0.2, seq=2), wall=0.2)  # the operator sought ahead
    wall[0] = 0.2
    driver.frame()
    assert player.calls == [("seek", 60.0), ("step", 60.0)]
    player.calls.clear()
    wall[0] = 0.2 + LOST_AFTER + 0.5
    reading = driver.frame()
    assert reading.mode == "holding"
    assert player.calls == [("step", round(60.0 + LOST_AFTER + 0.5, 6))]
    assert said[-1].startswith("lost the master")


def test_the_halls_show_frames_reach_followers_as_states(master: SyncMaster) -> None:
    from exhibit.hall.show import ShowFrame
    from exhibit.timeline.compile import compile as compile_timeline
    from tests.timeline.scenes import scene

    timeline = compile_timeline(scene(), "en", None)
    publish = master.listener_for("test_scene")
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.settimeout(1.0)
    try:
        sock.sendto(encode(PingMessage("front", 1.0)), master.address)

        def next_state() -> StateMessage:
            while True:
                message = decode(sock.recvfrom(2048)[0])
                if isinstance(message, StateMessage):
                    return message

        publish(ShowFrame(timeline, 4.0, [], None))
        got = next_state()
        while got.t < 4.0 - 1e-6:  # a state sent before the first frame came in
            got = next_state()
        assert (got.scene, got.lang, got.status, got.rate) == ("test_scene", "en", "playing", 1.0)
        publish(ShowFrame(timeline, 4.0, [], None))  # show time stood still: paused
        got = next_state()
        assert (got.status, got.rate, got.t) == ("paused", 0.0, 4.0)
        master.idle()
        got = next_state()
        assert (got.scene, got.status) == ("", "idle")
    finally:
        sock.close()


def test_a_restarted_master_answering_before_its_first_state_is_measured() -> None:
    clock = FollowerClock()
    measured(clock, offset=0.0, at=0.0)
    clock.on_state(state(t=1.0, wall=1.0, seq=9), wall=1.0)
    clock.read(1.0)
    # The master went away; while we hold, a restarted master (epoch 2) answers a ping.
    assert clock.read(1.0 + LOST_AFTER + 0.5).mode == "holding"
    measured(clock, offset=-300.0, at=2.6, epoch=2)
    assert clock.filter.count == 3 and clock.offset == pytest.approx(-300.0)
    clock.on_state(state(t=2.8, wall=2.8 - 300.0, seq=1, epoch=2), wall=2.8)
    assert clock.filter.count == 3  # its own samples are kept
    r = clock.read(2.8)
    assert r.mode == "following" and r.locked
