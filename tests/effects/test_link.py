"""The player-to-host protocol over real UDP sockets on 127.0.0.1."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from exhibit.effects.host import EffectsHost
from exhibit.effects.journal import Journal
from exhibit.effects.link import HostServer, Malformed, UdpLink, bind_control, parse_message
from exhibit.effects.motion import SeatPose
from exhibit.effects.outputs import DmxOutput
from exhibit.effects.transport import RecordingTransport
from exhibit.spec.errors import ExhibitError
from tests.effects.scenes import hall

HALL = hall({"wind": {"output": "dmx", "universe": 1, "channel": 1}}, {"dmx": {"kind": "artnet"}})
Served = tuple[HostServer, RecordingTransport, Journal, int]  # the server, what it sent, its journal, its port


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    rec = RecordingTransport(keep=100)
    journal = Journal(tmp_path / "effects.jsonl")
    host = EffectsHost(HALL, {"dmx": DmxOutput("dmx", HALL.outputs["dmx"], rec)}, journal)
    sock = bind_control(0)
    server = HostServer(host, sock)
    thread = threading.Thread(target=server.serve, daemon=True)
    thread.start()
    yield server, rec, journal, sock.getsockname()[1]
    server.stopping = True
    thread.join(2)
    sock.close()


def wait_for(predicate: Callable[[], object], timeout: float = 2.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.005)
    return False


def test_levels_sent_by_a_player_go_out_as_dmx(served: Served) -> None:
    server, rec, _, port = served
    link = UdpLink(port, source="hall:1")
    link.send({"wind": 0.6}, {})
    assert wait_for(lambda: rec.sent and rec.sent[-1][18] == 153)
    status = link.query()
    assert status is not None and status["levels"]["wind"] == 0.6 and "hall:1" in status["sources"]
    link.release()
    assert wait_for(lambda: rec.sent[-1][18] == 0)
    link.close()


def test_the_host_keeps_refreshing_while_nobody_talks(served: Served) -> None:
    _, rec, _, _ = served
    start = rec.count
    time.sleep(0.3)
    assert rec.count - start >= 8  # 40 frames per second, give or take a busy machine


def test_malformed_datagrams_are_logged_and_ignored(served: Served) -> None:
    server, rec, journal, port = served
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    junk_datagrams = (b"\xff\xfe", b"[1, 2]", b'{"op": "explode"}',
                      b'{"op": "levels", "src": "x", "levels": {"wind": "lots"}}')
    for junk in junk_datagrams:
        s.sendto(junk, ("127.0.0.1", port))
    s.close()
    assert wait_for(lambda: server.malformed == 4)
    errors = [r["error"] for r in journal.recent if r["event"] == "malformed"]
    assert errors[1:] == ["not a JSON object", "unknown op 'explode'", "'levels.wind' must be a finite number"]
    link = UdpLink(port)
    assert link.query() is not None  # still serving
    link.close()


def test_no_host_means_no_answer() -> None:
    free = bind_control(0)
    port = free.getsockname()[1]
    free.close()
    link = UdpLink(port)
    assert link.query(0.2) is None
    link.send({"wind": 1.0}, {})  # and sending to nobody does not raise
    link.close()


def test_a_taken_port_is_a_clear_error() -> None:
    taken = bind_control(0)
    with pytest.raises(ExhibitError, match="is another effects host running"):
        bind_control(taken.getsockname()[1])
    taken.close()


def test_parse_message_checks_every_field() -> None:
    ok = parse_message(b'{"op":"levels","src":"hall","levels":{"wind":0.5},"poses":{"seat":[1,2,0.01]}}')
    assert ok["levels"] == {"wind": 0.5} and ok["poses"] == {"seat": SeatPose(1, 2, 0.01)}
    for bad, message in [
        (b'{"op":"levels","levels":{}}', "'src' must be a name"),
        (b'{"op":"levels","src":"h","poses":{"seat":[1,2]}}', r"poses.seat must be \[pitch, roll, heave\]"),
        (b'{"op":"input","name":"doors_open","active":"yes"}', "'active' must be true or false"),
        (b'{"op":"levels","src":"h","levels":{"wind":NaN}}', "'levels.wind' must be a finite number"),
    ]:
        with pytest.raises(Malformed, match=message):
            parse_message(bad)
