"""The follower sync port against spoofed, unsigned and flooding senders (loopback, real sockets)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import pytest
from pythonosc.osc_message_builder import OscMessageBuilder

from exhibit.hall.sync import FOLLOWER_TIMEOUT, PINGS_PER_SECOND, SyncMaster
from exhibit.spec.errors import ExhibitError
from exhibit.sync.peer import Follower
from exhibit.sync.wire import PingMessage, PongMessage, StateMessage, decode, encode

KEY = "q8Vd2LxR5nTz7WbK3mHc9PfJ"


def received(sock: socket.socket, seconds: float) -> list[bytes]:
    sock.settimeout(0.05)
    out: list[bytes] = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            out.append(sock.recvfrom(4096)[0])
        except TimeoutError:
            continue
    return out


@pytest.fixture
def keyed() -> Iterator[SyncMaster]:
    with SyncMaster(("127.0.0.1", 0), key=KEY) as master:
        master.update("nanhu_red_boat", "en", "playing", 5.0, 1.0)
        yield master


@pytest.fixture
def client() -> Iterator[socket.socket]:
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", 0))
    yield sock
    sock.close()


def test_the_master_listens_on_loopback_unless_told_otherwise() -> None:
    with SyncMaster(("127.0.0.1", 0)) as master:
        assert master.address[0] == "127.0.0.1"
    assert SyncMaster().bind == ("127.0.0.1", 53110)


def test_listening_beyond_loopback_needs_a_key() -> None:
    with pytest.raises(ExhibitError, match="follower sync is bound to 0.0.0.0, which other machines can reach"):
        SyncMaster(("0.0.0.0", 0)).start()
    with SyncMaster(("0.0.0.0", 0), key=KEY) as master:
        assert master.address[0] == "0.0.0.0"


def test_unsigned_or_wrongly_signed_pings_get_nothing(keyed: SyncMaster, client: socket.socket) -> None:
    client.sendto(encode(PingMessage("spoof", 1.0)), keyed.address)
    client.sendto(encode(PingMessage("spoof", 1.0), b"another key of 24 chars!"), keyed.address)
    assert received(client, 0.5) == []
    assert keyed.followers == [] and keyed.pongs_sent == 0


def test_a_signed_ping_gets_a_signed_pong_and_the_show(keyed: SyncMaster, client: socket.socket) -> None:
    client.sendto(encode(PingMessage("wall", 1.0), KEY.encode()), keyed.address)
    got = [decode(d, KEY.encode()) for d in received(client, 0.35)]
    assert isinstance(got[0], PongMessage) and got[0].t0 == 1.0
    assert any(isinstance(m, StateMessage) and m.scene == "nanhu_red_boat" for m in got)
    assert [f.name for f in keyed.followers] == ["wall"]


def test_no_answer_is_larger_than_the_ping_from_an_unknown_peer(client: socket.socket) -> None:
    with SyncMaster(("127.0.0.1", 0)) as master:
        master.update("nanhu_red_boat", "en", "playing", 5.0, 1.0)
        ping = encode(PingMessage("w", 1.0))
        builder = OscMessageBuilder("/exhibit/sync/ping")  # the same ping without its padding
        builder.add_arg("w", "s")
        builder.add_arg(1.0, "d")
        short = bytes(builder.build().dgram)
        assert decode(short) == PingMessage("w", 1.0) and len(short) < len(ping)
        client.sendto(short, master.address)
        assert received(client, 0.3) == []
        client.sendto(ping, master.address)
        answers = received(client, 0.05)
        assert answers and len(answers[0]) <= len(ping)


def test_a_flood_of_pings_is_answered_at_the_rate_limit_and_a_real_follower_still_follows(
    keyed: SyncMaster, client: socket.socket
) -> None:
    flood = encode(PingMessage("flood", 1.0), KEY.encode())
    stop = threading.Event()

    def attack() -> None:
        sent = 0
        while not stop.is_set() and sent < 6000:
            client.sendto(flood, keyed.address)
            sent += 1
            if sent % 50 == 0:
                time.sleep(0.05)  # about 1,000 a second

    attacker = threading.Thread(target=attack)
    attacker.start()
    try:
        with Follower(keyed.address, name="real", key=KEY) as follower:
            deadline = time.monotonic() + 5
            while time.monotonic() < deadline and follower.received < 10:
                time.sleep(0.05)
            assert follower.received >= 10, "the real follower starved"
            reading = follower.read()
            assert reading.scene == "nanhu_red_boat"
    finally:
        stop.set()
        attacker.join()
    pongs_to_flood = len([d for d in received(client, 0.3) if isinstance(decode(d, KEY.encode()), PongMessage)])
    seconds = 6.0
    assert pongs_to_flood <= PINGS_PER_SECOND * (seconds + 1)
    assert keyed.refused > 0


def test_silent_followers_are_forgotten() -> None:
    now = [100.0]
    with SyncMaster(("127.0.0.1", 0), clock=lambda: now[0]) as master:
        socks = [socket.socket(socket.AF_INET, socket.SOCK_DGRAM) for _ in range(20)]
        try:
            for i, sock in enumerate(socks):
                sock.sendto(encode(PingMessage(f"f{i}", 1.0)), master.address)
            deadline = time.monotonic() + 2
            while len(master.followers) < 20 and time.monotonic() < deadline:
                time.sleep(0.01)
            assert len(master.followers) == 20
            now[0] += FOLLOWER_TIMEOUT + 0.1
            assert master.followers == []
            assert len(master._followers) == 0  # pruned, not only hidden
        finally:
            for sock in socks:
                sock.close()
