"""The HTTP remote against clients that are careless or hostile: raw sockets on loopback."""

from __future__ import annotations

import json
import os
import socket
import struct
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from exhibit.hall.web import HttpRemote
from exhibit.spec.hall import Endpoint
from tests.effects.olad import free_port
from tests.hall.live import LiveHall, eventually, live_hall
from tests.hall.rig import HALL, SCENES, write_hall_project


@pytest.fixture
def hall(tmp_path: Path) -> Iterator[LiveHall]:
    with live_hall(tmp_path) as live:
        yield live


def exchange(port: int, request: bytes, host: str = "127.0.0.1", family: int = socket.AF_INET) -> bytes:
    """Send raw bytes, then read every byte the server sends until it closes (or 3 s pass)."""
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.settimeout(3)
        sock.connect((host, port))
        sock.sendall(request)
        sock.shutdown(socket.SHUT_WR)
        reply = b""
        try:
            while chunk := sock.recv(65536):
                reply += chunk
        except TimeoutError:
            pass
        return reply


def replies(raw: bytes) -> list[tuple[int, dict]]:  # type: ignore[type-arg]
    """(status, JSON body) of every response in a keep-alive stream."""
    out = []
    while raw:
        head, _, rest = raw.partition(b"\r\n\r\n")
        lines = head.decode().split("\r\n")
        length = next(int(v) for k, _, v in (h.partition(": ") for h in lines[1:]) if k.lower() == "content-length")
        out.append((int(lines[0].split()[1]), json.loads(rest[:length])))
        raw = rest[length:]
    return out


def test_a_chunked_go_plays_the_scene_it_names(hall: LiveHall) -> None:
    body = json.dumps({"scene": "beta"}).encode()
    chunked = b"%x\r\n" % 5 + body[:5] + b"\r\n" + b"%x\r\n" % (len(body) - 5) + body[5:] + b"\r\n0\r\n\r\n"
    request = (
        b"POST /go HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n" + chunked
    )
    [(code, reply)] = replies(exchange(hall.http.port, request))
    assert (code, reply["scene"]) == (202, "beta")
    assert eventually(lambda: hall.control.status()["scene"] == "beta")


def test_a_chunked_body_over_the_limit_is_refused(hall: LiveHall) -> None:
    big = b"x" * 5000
    head = b"POST /go HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n"
    request = head + b"%x\r\n" % len(big) + big + b"\r\n0\r\n\r\n"
    [(code, reply)] = replies(exchange(hall.http.port, request))
    assert (code, reply["error"]) == (400, "the body must be JSON of at most 4096 bytes")
    assert hall.control.status()["state"] == "standby"


@pytest.mark.parametrize("framing", ["chunked", "long"])
def test_a_request_hidden_in_the_body_of_a_404_is_never_run(hall: LiveHall, framing: str) -> None:
    hidden = b'POST /go HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 17\r\n\r\n{"scene": "beta"}'
    if framing == "chunked":
        head = b"POST /nothing HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n"
        request = head + b"%x\r\n" % len(hidden) + hidden + b"\r\n0\r\n\r\n"
    else:
        request = b"POST /nothing HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 9000\r\n\r\n" + hidden
    got = replies(exchange(hall.http.port, request))
    assert [code for code, _ in got] == [404]
    time.sleep(0.3)
    assert hall.control.status()["state"] == "standby"
    assert [r["command"] for r in hall.journal("remote")] == []


def test_a_get_with_a_body_does_not_smuggle_a_request(hall: LiveHall) -> None:
    hidden = b'POST /go HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 17\r\n\r\n{"scene": "beta"}'
    request = b"GET /status HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: %d\r\n\r\n" % len(hidden) + hidden
    assert [code for code, _ in replies(exchange(hall.http.port, request))] == [200]
    time.sleep(0.3)
    assert hall.control.status()["state"] == "standby"


def test_200_parallel_clients_are_all_answered(hall: LiveHall) -> None:
    clients = 200
    start = threading.Barrier(clients)
    results: list[int | str] = []
    lock = threading.Lock()

    def client(i: int) -> None:
        method, data = ("POST", b"{}") if i % 2 else ("GET", None)
        path = "/reset" if i % 2 else "/status"
        request = urllib.request.Request(f"http://127.0.0.1:{hall.http.port}{path}", data=data, method=method)
        start.wait()
        try:
            with urllib.request.urlopen(request, timeout=20) as response:
                outcome: int | str = response.status
        except OSError as exc:
            outcome = f"{type(exc).__name__}: {exc}"
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(map(str, results)) == sorted(["200"] * (clients // 2) + ["202"] * (clients // 2))
    assert time.monotonic() - started < 25


def test_a_client_that_hangs_up_mid_request_is_a_journal_line_not_a_traceback(
    hall: LiveHall, capfd: pytest.CaptureFixture[str]
) -> None:
    sock = socket.create_connection(("127.0.0.1", hall.http.port))
    sock.sendall(b"POST /go HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100\r\n\r\n{")
    time.sleep(0.2)  # the handler is now waiting for the rest of the body
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    sock.close()  # a reset, as a desk that loses power sends
    assert eventually(lambda: hall.journal("http_error"))
    record = hall.journal("http_error")[0]
    assert record["channel"] == "http" and "hung up" in record["error"]
    time.sleep(0.2)
    assert "Traceback" not in capfd.readouterr().err


def test_the_remote_listens_on_ipv6_loopback(hall: LiveHall) -> None:
    if not socket.has_ipv6:
        pytest.skip("no IPv6 on this machine")
    try:
        with socket.socket(socket.AF_INET6) as probe:
            probe.bind(("::1", 0))
    except OSError:
        pytest.skip("no IPv6 loopback on this machine")
    from exhibit.effects.journal import Journal

    journal = Journal(None)
    remote = HttpRemote(Endpoint(bind="::1", port=free_port()), hall.control, journal).start()
    try:
        raw = exchange(remote.port, b"GET /status HTTP/1.1\r\nHost: [::1]\r\nConnection: close\r\n\r\n", "::1",
                       socket.AF_INET6)
        [(code, status)] = replies(raw)
        assert code == 200 and status["hall"] == "test_hall"
    finally:
        remote.close()


def check(root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "exhibit", "check", "--strict", "hall.yaml"],
                          cwd=root, capture_output=True, text=True, timeout=60, env=dict(os.environ))


def test_check_strict_refuses_a_remote_open_to_the_network_without_a_token(tmp_path: Path) -> None:
    write_hall_project(tmp_path, {**HALL, "remote": {"http": {"bind": "0.0.0.0", "port": 8080}}}, SCENES)
    done = check(tmp_path)
    assert done.returncode == 1
    assert (
        "hall.yaml:15:11: error: remote http is bound to 0.0.0.0, which other machines can reach; set a token "
        "in hall.yaml (remote: http: token: ...) or bind 127.0.0.1; make one with: "
        "python3 -c 'import secrets; print(secrets.token_urlsafe(24))'"
    ) in done.stdout


def test_a_short_or_repetitive_token_is_refused_with_how_to_make_one(tmp_path: Path) -> None:
    write_hall_project(tmp_path, {**HALL, "remote": {"http": {"bind": "0.0.0.0", "port": 8080, "token": "x"},
                                                     "osc": {"port": 53100, "token": "abababababababab"}}}, SCENES)
    done = check(tmp_path)
    assert done.returncode == 1
    assert "a token must be at least 16 random characters (got 1, 1 different); make one with: python3 -c" in (
        done.stdout
    )
    assert "a token must be at least 16 random characters (got 16, 2 different)" in done.stdout
