"""Remote control from the show-control desk: OSC and HTTP JSON.

OSC (UDP): ``/exhibit/go [scene [lang]]``, ``/exhibit/stop``, ``/exhibit/panic``,
``/exhibit/reset``, ``/exhibit/seek <seconds>``, ``/exhibit/status [reply_port]``, and for
the safety layer ``/exhibit/input <name> <0|1>`` (an interlock such as doors_open, from a
door contact's OSC bridge) and ``/exhibit/disable <effect>`` / ``/exhibit/enable <effect>``. The
status reply goes to the sender's address (to ``reply_port`` on the sender's host when
given) as ``/exhibit/status`` with the arguments state, scene, show time, next show time,
next scene, effects health and last error, then the whole status as a JSON string.

HTTP: ``GET /status``; ``POST /go`` (body ``{"scene": NAME, "lang": L}``, or empty for the next
scene), ``/stop``, ``/panic``, ``/reset``, ``/seek`` (``{"t": seconds}``), ``/input``
(``{"name": N, "active": true}``), ``/disable`` and ``/enable`` (``{"name": EFFECT}``).
Replies are JSON. A PANIC is sent to the effects host at once from the remote's thread and
answered for what became of it: ``202`` with ``"ok": true`` only when every output is at its
safe value (the effects host holds it, or the hall sent safe values itself), else ``503`` with
``"ok": false`` and why; over OSC the sender gets ``/exhibit/panic`` with ``"ok"`` or
``"failed"`` and the same words.
A show with the audio description: ``/exhibit/go scene lang ad``, or
``"audio_description": true`` in the body of ``POST /go``.

Both bind 127.0.0.1 unless ``hall.yaml`` says otherwise, and refuse to start bound
elsewhere without a token. With a token, OSC messages carry it as their first argument
and HTTP requests as ``Authorization: Bearer TOKEN``. Only scene names from ``scenes/``
are accepted. Anything malformed is logged to the journal and otherwise ignored.
"""

from __future__ import annotations

import hmac
import json
import math
import re
import socket
import struct
import sys
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from pythonosc.osc_bundle import OscBundle
from pythonosc.osc_message import OscMessage, ParseError
from pythonosc.osc_message_builder import OscMessageBuilder

from exhibit.effects.journal import Journal
from exhibit.effects.keeper import PanicResult
from exhibit.hall.control import Command, HallControl
from exhibit.spec.common import ID_PATTERN
from exhibit.spec.errors import ExhibitError, did_you_mean
from exhibit.spec.hall import Endpoint, exposure_problem

OSC_PREFIX = "/exhibit/"
MAX_BODY = 4096
MAX_DATAGRAM = 65507
POLL = 0.2  # seconds the OSC thread waits before looking at its stop flag
SAFE_NAME = re.compile(ID_PATTERN)


def check_exposure(endpoint: Endpoint, what: str) -> None:
    """Refuse to listen beyond this machine without a token."""
    problem = exposure_problem(endpoint, what)
    if problem is not None:
        raise ExhibitError(problem)


def _token_ok(expected: str | None, given: str | None) -> bool:
    if not expected:
        return True
    return given is not None and hmac.compare_digest(expected.encode(), given.encode())


class Rejected(ValueError):
    """A well-formed message the hall will not act on (unknown scene, bad token, bad number)."""


def parse_seconds(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value < 0:
        raise Rejected(f"seek needs a time in seconds >= 0, not {value!r}")
    return float(value)


def check_lang(control: HallControl, lang: Any) -> str:
    if not isinstance(lang, str) or lang not in control.hall.languages:
        raise Rejected(f"the hall has no language {lang!r}; it has {', '.join(control.hall.languages)}")
    return lang


def safety_command(control: HallControl, op: str, name: Any, active: Any, origin: str) -> Command:
    """An input / disable / enable command, with names checked against the hall file."""
    hall = control.hall
    if not isinstance(name, str) or not SAFE_NAME.match(name):
        raise Rejected(f"{op} needs a name (lower-case letters, digits and _), not {name!r}")
    if op == "input":
        if hall.inputs and name not in hall.inputs:
            raise Rejected(f"unknown input '{name}'{did_you_mean(name, hall.inputs)}")
        if isinstance(active, bool) or active in (0, 1):
            return Command("input", name=name, active=bool(active), origin=origin)
        raise Rejected(f"input {name} needs 1 (active) or 0, not {active!r}")
    if hall.effects and name not in hall.effects:
        raise Rejected(f"unknown effect '{name}'{did_you_mean(name, list(hall.effects))}")
    return Command(op, name=name, origin=origin)  # type: ignore[arg-type]


def status_args(status: dict[str, Any]) -> list[Any]:
    """The status as OSC arguments (strings and a float, empty strings for "none")."""
    effects = status.get("effects") or {}
    if not effects.get("reachable", True):
        health = "unreachable"
    elif effects.get("panic"):
        health = "panic"
    else:
        health = "ok" if effects.get("ok") else f"fault: {effects.get('last_error') or 'see status'}"
    nxt = status.get("next_show") or {}
    return [
        status.get("state") or "",
        status.get("scene") or "",
        float(status.get("show_time") or 0.0),
        nxt.get("at") or "",
        nxt.get("scene") or "",
        health,
        status.get("last_error") or "",
        json.dumps(status, ensure_ascii=False, default=str),
    ]


class OscRemote:
    def __init__(self, endpoint: Endpoint, control: HallControl, journal: Journal,
                 emergency: Callable[[], PanicResult] | None = None) -> None:
        check_exposure(endpoint, "osc")
        self.endpoint = endpoint
        self.control = control
        self.journal = journal
        self.emergency = emergency  # thread-safe PANIC straight to the effects host
        family = socket.AF_INET6 if ":" in endpoint.bind else socket.AF_INET
        self.sock = socket.socket(family, socket.SOCK_DGRAM)
        try:
            self.sock.bind((endpoint.bind, endpoint.port))
        except OSError as exc:
            self.sock.close()
            raise ExhibitError(f"cannot listen for OSC on {endpoint.bind}:{endpoint.port}: "
                               f"{exc.strerror or exc}") from None
        self.sock.settimeout(POLL)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.handled = 0
        self.malformed = 0

    @property
    def port(self) -> int:
        return int(self.sock.getsockname()[1])

    def start(self) -> OscRemote:
        self._thread = threading.Thread(target=self._run, name="osc-remote", daemon=True)
        self._thread.start()
        return self

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                data, sender = self.sock.recvfrom(MAX_DATAGRAM)
            except TimeoutError:
                continue
            except OSError:
                return  # closed
            self.handle(data, sender)

    def close(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=2 * POLL + 1)
        self.sock.close()

    def _malformed(self, sender: tuple[str, int], error: str, address: str | None = None) -> None:
        self.malformed += 1
        self.journal.write("malformed", channel="osc", sender=f"{sender[0]}:{sender[1]}", address=address,
                           error=error)

    def handle(self, data: bytes, sender: tuple[str, int]) -> None:
        try:
            messages = list(_messages(data))
        except (ParseError, ValueError, IndexError, struct.error, UnicodeDecodeError) as exc:
            self._malformed(sender, f"not an OSC packet: {exc}")
            return
        for message in messages:
            self.dispatch(message.address, list(message.params), sender)

    def dispatch(self, address: str, args: list[Any], sender: tuple[str, int]) -> None:
        if not address.startswith(OSC_PREFIX):
            self._malformed(sender, "unknown address", address)
            return
        if self.endpoint.token:
            given = args[0] if args and isinstance(args[0], str) else None
            if not _token_ok(self.endpoint.token, given):
                self._malformed(sender, "missing or wrong token", address)
                return
            args = args[1:]
        op = address[len(OSC_PREFIX):]
        try:
            if op == "go":
                if len(args) > 3 or not all(isinstance(a, str) for a in args) or args[2:] not in ([], ["ad"]):
                    raise Rejected("go takes a scene name and, optionally, a language")
                scene = self.control.catalogue.check(args[0]) if args else None
                lang = check_lang(self.control, args[1]) if len(args) >= 2 else None
                described = len(args) == 3
                self.control.submit(Command("go", scene=scene, lang=lang, origin="osc", audio_description=described))
            elif op in ("stop", "reset"):
                self.control.submit(Command(op, origin="osc"))  # type: ignore[arg-type]
            elif op == "panic":
                result = self.emergency() if self.emergency is not None else None
                self.control.submit(Command("panic", origin="osc"))
                if result is not None:
                    self.answer_panic(result, sender)
            elif op == "seek":
                if len(args) != 1:
                    raise Rejected("seek takes one time in seconds")
                self.control.submit(Command("seek", t=parse_seconds(args[0]), origin="osc"))
            elif op == "input":
                if len(args) != 2:
                    raise Rejected("input takes a name and 1 or 0")
                self.control.submit(safety_command(self.control, "input", args[0], args[1], "osc"))
            elif op in ("disable", "enable"):
                if len(args) != 1:
                    raise Rejected(f"{op} takes one effect name")
                self.control.submit(safety_command(self.control, op, args[0], None, "osc"))
            elif op == "status":
                port = sender[1]
                if args:
                    if len(args) != 1 or isinstance(args[0], bool) or not isinstance(args[0], int) \
                            or not 0 < args[0] < 65536:
                        raise Rejected("status takes an optional reply port (an integer)")
                    port = args[0]
                self.reply((sender[0], port))
            else:
                raise Rejected("unknown command")
        except (Rejected, ExhibitError) as exc:
            self._malformed(sender, str(exc), address)
            return
        self.handled += 1
        self.journal.write("remote", channel="osc", command=op, args=args, sender=f"{sender[0]}:{sender[1]}")

    def answer_panic(self, result: PanicResult, to: tuple[str, int]) -> None:
        """What became of a PANIC, to whoever sent it."""
        if not result.ok:
            self.journal.write("panic_failed", channel="osc", error=result.message, sender=f"{to[0]}:{to[1]}")
        builder = OscMessageBuilder("/exhibit/panic")
        builder.add_arg("ok" if result.ok else "failed")
        builder.add_arg(result.message)
        try:
            self.sock.sendto(builder.build().dgram, to)
        except OSError as exc:
            self.journal.write("reply_failed", channel="osc", to=f"{to[0]}:{to[1]}", error=str(exc))

    def reply(self, to: tuple[str, int]) -> None:
        builder = OscMessageBuilder("/exhibit/status")
        for arg in status_args(self.control.status()):
            builder.add_arg(arg)
        try:
            self.sock.sendto(builder.build().dgram, to)
        except OSError as exc:
            self.journal.write("reply_failed", channel="osc", to=f"{to[0]}:{to[1]}", error=str(exc))


def _messages(data: bytes) -> Any:
    if OscBundle.dgram_is_bundle(data):
        stack = [OscBundle(data)]
        while stack:
            for item in stack.pop():
                if isinstance(item, OscBundle):
                    stack.append(item)
                else:
                    yield item
    else:
        yield OscMessage(data)


#: Connections the kernel queues before the server accepts them: a desk, a tablet and a
#: status page each keep a few; 5 (the library's default) reset a burst of clients.
LISTEN_BACKLOG = 256


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = LISTEN_BACKLOG
    remote: HttpRemote

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that hangs up early (a broken pipe) is a journal line, not a traceback on stderr."""
        exc = sys.exc_info()[1]
        self.remote.journal.write("http_error", channel="http", sender=f"{client_address[0]}:{client_address[1]}",
                                  error=f"{type(exc).__name__}: {exc}")


class _Server6(_Server):
    address_family = socket.AF_INET6


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"
    server_version = "exhibit-hall"

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
        pass  # requests go to the journal, not stderr

    def _send(self, code: int, body: dict[str, Any]) -> None:
        data = json.dumps(body, ensure_ascii=False, default=str).encode("utf-8")
        self.send_response(code)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(data)

    def _reject(self, code: int, error: str) -> None:
        # Whatever is left of a refused request's body must never be read as a request.
        self.close_connection = True
        remote = self.server.remote
        remote.malformed += 1
        remote.journal.write("malformed", channel="http", sender=f"{self.client_address[0]}:{self.client_address[1]}",
                             path=self.path, error=error)
        self._send(code, {"ok": False, "error": error})

    def _authorised(self) -> bool:
        token = self.server.remote.endpoint.token
        if not token:
            return True
        header = self.headers.get("Authorization", "")
        given = header[7:] if header.startswith("Bearer ") else self.headers.get("X-Exhibit-Token")
        if _token_ok(token, given):
            return True
        self._reject(401, "missing or wrong token")
        return False

    def do_GET(self) -> None:  # noqa: N802 - the base class's name
        if self.headers.get("Content-Length") or self.headers.get("Transfer-Encoding"):
            self.close_connection = True  # a GET's body is never read: do not read it as the next request
        if not self._authorised():
            return
        if self.path.split("?")[0] == "/status":
            self._send(200, self.server.remote.control.status())
        else:
            self._reject(404, f"no such resource: GET {self.path}")

    def _chunked(self) -> bytes:
        """A ``Transfer-Encoding: chunked`` body (RFC 9112 section 7.1), at most MAX_BODY bytes."""
        raw = b""
        while True:
            size_line = self.rfile.readline(64)
            try:
                size = int(size_line.split(b";", 1)[0].strip(), 16)
            except ValueError:
                raise Rejected("the chunked body is malformed") from None
            if size < 0 or len(raw) + size > MAX_BODY:
                raise Rejected(f"the body must be JSON of at most {MAX_BODY} bytes")
            if size == 0:
                while self.rfile.readline(1024).strip():  # trailer fields, up to the empty line
                    pass
                return raw
            raw += self.rfile.read(size)
            if self.rfile.readline(4).strip():
                raise Rejected("the chunked body is malformed")

    def _body(self) -> dict[str, Any]:
        encoding = (self.headers.get("Transfer-Encoding") or "").strip().lower()
        if encoding and encoding != "chunked":
            raise Rejected(f"unsupported Transfer-Encoding '{encoding}'; send the JSON with a Content-Length")
        if encoding:
            raw = self._chunked()
        else:
            length_text = self.headers.get("Content-Length") or "0"
            if not length_text.isdigit() or int(length_text) > MAX_BODY:
                raise Rejected(f"the body must be JSON of at most {MAX_BODY} bytes")
            raw = self.rfile.read(int(length_text)) if int(length_text) else b""
        if not raw.strip():
            return {}
        try:
            body = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise Rejected(f"the body is not JSON: {exc}") from None
        if not isinstance(body, dict):
            raise Rejected("the body must be a JSON object")
        return body

    def do_POST(self) -> None:  # noqa: N802 - the base class's name
        remote = self.server.remote
        path = self.path.split("?")[0]
        if path not in ("/go", "/stop", "/panic", "/reset", "/seek", "/input", "/disable", "/enable"):
            self._reject(404, f"no such command: POST {self.path}")  # and close: the body is not read
            return
        try:
            body = self._body()
        except Rejected as exc:
            self._reject(400, str(exc))
            return
        if not self._authorised():
            return
        op = path[1:]
        try:
            if op == "go":
                scene = body.get("scene")
                lang = body.get("lang")
                if not isinstance(body.get("audio_description", False), bool):
                    raise Rejected("audio_description must be true or false")
                command = Command("go", scene=remote.control.catalogue.check(scene) if scene is not None else None,
                                  lang=check_lang(remote.control, lang) if lang is not None else None,
                                  origin="http", audio_description=body.get("audio_description", False))
            elif op == "seek":
                command = Command("seek", t=parse_seconds(body.get("t")), origin="http")
            elif op in ("input", "disable", "enable"):
                command = safety_command(remote.control, op, body.get("name"), body.get("active"), "http")
            else:
                command = Command(op, origin="http")  # type: ignore[arg-type]
        except (Rejected, ExhibitError) as exc:
            self._reject(400, str(exc))
            return
        result = remote.emergency() if op == "panic" and remote.emergency is not None else None
        remote.control.submit(command)
        remote.handled += 1
        remote.journal.write("remote", channel="http", command=op, scene=command.scene, t=command.t,
                             name=command.name, sender=f"{self.client_address[0]}:{self.client_address[1]}")
        if result is not None and not result.ok:
            remote.journal.write("panic_failed", channel="http", error=result.message)
            self._send(503, {"ok": False, "command": op, "error": result.message})
            return
        self._send(202, {"ok": True, "command": op, "scene": command.scene, "t": command.t, "name": command.name,
                         **({"effects": result.message} if result is not None else {})})


class HttpRemote:
    def __init__(self, endpoint: Endpoint, control: HallControl, journal: Journal,
                 emergency: Callable[[], PanicResult] | None = None) -> None:
        check_exposure(endpoint, "http")
        self.endpoint = endpoint
        self.control = control
        self.journal = journal
        self.emergency = emergency
        self.handled = 0
        self.malformed = 0
        server = _Server6 if ":" in endpoint.bind else _Server  # ::1 and other IPv6 addresses
        try:
            self.server = server((endpoint.bind, endpoint.port), _Handler)
        except OSError as exc:
            raise ExhibitError(f"cannot listen for HTTP on {endpoint.bind}:{endpoint.port}: "
                               f"{exc.strerror or exc}") from None
        self.server.remote = self
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return int(self.server.server_address[1])

    def start(self) -> HttpRemote:
        self._thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": POLL},
                                        name="http-remote", daemon=True)
        self._thread.start()
        return self

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=2)
