"""Remote control from the show-control desk over OSC.

OSC (UDP): ``/exhibit/go [scene [lang]]``, ``/exhibit/stop``, ``/exhibit/panic``,
``/exhibit/reset``, ``/exhibit/seek <seconds>``, ``/exhibit/status [reply_port]``, and for
the safety layer ``/exhibit/input <name> <0|1>`` (an interlock such as doors_open, from a
door contact's OSC bridge) and ``/exhibit/disable <effect>`` / ``/exhibit/enable <effect>``. The
status reply goes to the sender's address (to ``reply_port`` on the sender's host when
given) as ``/exhibit/status`` with the arguments state, scene, show time, next show time,
next scene, effects health and last error, then the whole status as a JSON string.

HTTP: the web application in :mod:`exhibit.hall.web` (the console, the phone quiz, the board
and the JSON API) takes the same commands through the same checks
(:func:`exhibit.hall.control.parse_command`).
A PANIC is sent to the effects host at once from the remote's thread; over OSC the sender
gets ``/exhibit/panic`` with ``"ok"`` or ``"failed"`` and what became of it.
A show with the audio description: ``/exhibit/go scene lang ad``.

Both bind 127.0.0.1 unless ``hall.yaml`` says otherwise, and refuse to start bound
elsewhere without a token. With a token, OSC messages carry it as their first argument
and HTTP requests as ``Authorization: Bearer TOKEN``. Only scene names from ``scenes/``
are accepted. Anything malformed is logged to the journal and otherwise ignored.
"""

from __future__ import annotations

import hmac
import json
import socket
import struct
import threading
from collections.abc import Callable
from typing import Any

from pythonosc.osc_bundle import OscBundle
from pythonosc.osc_message import OscMessage, ParseError
from pythonosc.osc_message_builder import OscMessageBuilder

from exhibit.effects.journal import Journal
from exhibit.effects.keeper import PanicResult
from exhibit.hall.control import HallControl, Rejected, parse_command, perform
from exhibit.spec.errors import ExhibitError
from exhibit.spec.hall import Endpoint, exposure_problem

OSC_PREFIX = "/exhibit/"
MAX_DATAGRAM = 65507
POLL = 0.2  # seconds the OSC thread waits before looking at its stop flag


def check_exposure(endpoint: Endpoint, what: str) -> None:
    """Refuse to listen beyond this machine without a token."""
    problem = exposure_problem(endpoint, what)
    if problem is not None:
        raise ExhibitError(problem)


def _token_ok(expected: str | None, given: str | None) -> bool:
    if not expected:
        return True
    return given is not None and hmac.compare_digest(expected.encode(), given.encode())


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
            if op == "status":
                self.reply((sender[0], self._reply_port(args, sender[1])))
            else:
                command = parse_command(self.control, op, self._fields(op, args), "osc")
                result = perform(self.control, command, self.emergency)
                if result is not None:
                    self.answer_panic(result, sender)
        except (Rejected, ExhibitError) as exc:
            self._malformed(sender, str(exc), address)
            return
        self.handled += 1
        self.journal.write("remote", channel="osc", command=op, args=args, sender=f"{sender[0]}:{sender[1]}")

    @staticmethod
    def _fields(op: str, args: list[Any]) -> dict[str, Any]:
        """A command's OSC arguments, by position, as the fields :func:`parse_command` takes."""
        if op == "go":
            flags = args[2:]
            if (not all(isinstance(a, str) for a in args) or len(set(flags)) != len(flags)
                    or not set(flags) <= {"ad", "accessible"}):
                raise Rejected("go takes a scene name and, optionally, a language, then ad and/or accessible")
            return {"scene": args[0] if args else None, "lang": args[1] if len(args) >= 2 else None,
                    "audio_description": "ad" in flags, "accessible_quiz": "accessible" in flags}
        if op == "seek":
            if len(args) != 1:
                raise Rejected("seek takes one time in seconds")
            return {"t": args[0]}
        if op == "choose":
            if len(args) != 1:
                raise Rejected("choose takes one option number")
            return {"option": args[0]}
        if op == "input":
            if len(args) != 2:
                raise Rejected("input takes a name and 1 or 0")
            return {"name": args[0], "active": args[1]}
        if op in ("disable", "enable"):
            if len(args) != 1:
                raise Rejected(f"{op} takes one effect name")
            return {"name": args[0]}
        return {}

    @staticmethod
    def _reply_port(args: list[Any], port: int) -> int:
        if not args:
            return port
        if len(args) != 1 or isinstance(args[0], bool) or not isinstance(args[0], int) or not 0 < args[0] < 65536:
            raise Rejected("status takes an optional reply port (an integer)")
        return args[0]

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
