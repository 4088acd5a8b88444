"""The link between a player (the hall) and the effects host, in-process or across processes.

The effects hardware is driven by its own small process (``exhibit effects serve``): it
keeps the DMX refresh going and turns everything off when the player's frames stop, even
if the player was killed outright. The player talks to it with one JSON object per UDP
datagram on 127.0.0.1:

=====================  ============================================================
``levels``             ``{"op": "levels", "src": S, "levels": {name: 0..1},
                       "poses": {name: [pitch, roll, heave]}}``; also a heartbeat
``heartbeat``          ``{"op": "heartbeat", "src": S}``
``release``            ``{"op": "release", "src": S}``: this source's effects off now
``panic`` / ``clear``  all channels safe, latched / unlatched (``clear`` needs ``"key"``)
``input``              ``{"op": "input", "name": N, "active": true, "key": K}`` (interlocks)
``disable``/``enable`` ``{"op": "disable", "name": N}`` (``enable`` needs ``"key"``)
``status``             ``{"op": "status", "id": K}``; answered to the sender with the
                       host's status and the same ``id``
=====================  ============================================================

Operations that make the hall less safe (``clear``, ``input``, ``enable``) are obeyed only
with the host's key (:mod:`exhibit.effects.authority`); without it they are logged as
refused. Malformed datagrams are logged and ignored. :class:`LocalLink` offers the same calls on
an in-process host (the simulator, tests, the soak run).
"""

from __future__ import annotations

import itertools
import json
import math
import os
import select
import socket
import time
from collections.abc import Callable, Mapping
from typing import Any, Protocol

from exhibit.effects.authority import AUTHORISED_OPS, HostFiles, key_matches
from exhibit.effects.host import EffectsHost
from exhibit.effects.journal import Journal
from exhibit.effects.motion import SeatPose
from exhibit.spec.errors import ExhibitError

DEFAULT_PORT = 53120  # the host's control port on 127.0.0.1 (53100: remote OSC, 53110: follower sync)
MAX_DATAGRAM = 65507
MAX_NAME = 64
QUESTION_KEPT = 10.0  # seconds an unanswered status question is remembered
OPS = frozenset({"levels", "heartbeat", "release", "panic", "clear", "input", "disable", "enable", "status"})


class HostLink(Protocol):
    def send(self, levels: Mapping[str, float], poses: Mapping[str, SeatPose]) -> None: ...

    def release(self) -> None: ...

    def panic(self) -> None: ...

    def clear(self) -> None: ...

    def set_input(self, name: str, active: bool) -> None: ...

    def disable(self, name: str) -> None: ...

    def enable(self, name: str) -> None: ...

    def status(self) -> dict[str, Any] | None: ...

    def close(self) -> None: ...


# -- messages ----------------------------------------------------------------------------------


class Malformed(ValueError):
    """A control datagram that does not follow the protocol."""


def _name(value: Any, what: str) -> str:
    if not isinstance(value, str) or not 0 < len(value) <= MAX_NAME:
        raise Malformed(f"'{what}' must be a name of 1..{MAX_NAME} characters")
    return value


def _number(value: Any, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise Malformed(f"'{what}' must be a finite number")
    return float(value)


def parse_message(data: bytes) -> dict[str, Any]:
    """A control datagram as a checked dict, or :class:`Malformed` saying what is wrong."""
    try:
        message = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise Malformed(f"not JSON: {exc}") from None
    if not isinstance(message, dict):
        raise Malformed("not a JSON object")
    op = message.get("op")
    if op not in OPS:
        raise Malformed(f"unknown op {op!r}")
    out: dict[str, Any] = {"op": op}
    if op in ("levels", "heartbeat", "release"):
        out["src"] = _name(message.get("src"), "src")
    if op == "levels":
        levels = message.get("levels", {})
        poses = message.get("poses", {})
        if not isinstance(levels, dict) or not isinstance(poses, dict):
            raise Malformed("'levels' and 'poses' must be objects")
        out["levels"] = {_name(k, "effect"): _number(v, f"levels.{k}") for k, v in levels.items()}
        parsed: dict[str, SeatPose] = {}
        for k, v in poses.items():
            if not isinstance(v, list) or len(v) != 3:
                raise Malformed(f"poses.{k} must be [pitch, roll, heave]")
            parsed[_name(k, "effect")] = SeatPose(*(_number(x, f"poses.{k}") for x in v))
        out["poses"] = parsed
    if op in ("input", "disable", "enable"):
        out["name"] = _name(message.get("name"), "name")
    if op == "input":
        active = message.get("active")
        if not isinstance(active, bool):
            raise Malformed("'active' must be true or false")
        out["active"] = active
    if op == "status":
        out["id"] = message.get("id")
    if op in AUTHORISED_OPS:
        out["key"] = message.get("key")
    return out


def encode(message: Mapping[str, Any]) -> bytes:
    return json.dumps(message, separators=(",", ":"), default=_pose_json).encode("utf-8")


def _pose_json(value: Any) -> Any:
    if isinstance(value, SeatPose):
        return [round(x, 4) for x in value.as_tuple()]
    raise TypeError(f"cannot encode {type(value).__name__}")


# -- the host's side ---------------------------------------------------------------------------


def _status_reply(data: bytes) -> dict[str, Any] | None:
    """A host's status reply in a datagram; None for anything else (not JSON, another op)."""
    try:
        reply = json.loads(data)
    except (ValueError, UnicodeDecodeError):
        return None
    return reply if isinstance(reply, dict) and reply.get("op") == "status" else None


class HostServer:
    """Runs an :class:`EffectsHost` on a UDP control socket, refreshing at the outputs' rate."""

    def __init__(self, host: EffectsHost, sock: socket.socket, clock: Callable[[], float] = time.monotonic,
                 rate: float | None = None, key: str | None = None, files: HostFiles | None = None,
                 idle_exit: float | None = None) -> None:
        self.host = host
        self.sock = sock
        self.clock = clock
        fps = [o.fps for o in host.hall.outputs.values()]
        self.period = 1.0 / (rate or (max(fps) if fps else 40.0))
        self.stopping = False
        self.malformed = 0
        self.refused = 0
        self.key = key  # None: every operation is obeyed (an in-process test host)
        self.files = files  # where a PANIC is latched across restarts
        self.idle_exit = idle_exit  # stop after this many seconds without a source (a host started by 'set')
        self._busy_at = clock()

    def _authorised(self, message: dict[str, Any], sender: tuple[str, int]) -> bool:
        if self.key is None or message["op"] not in AUTHORISED_OPS or key_matches(self.key, message.get("key")):
            return True
        self.refused += 1
        self.host._log("refused", op=message["op"], name=message.get("name"), sender=f"{sender[0]}:{sender[1]}",
                       error="without the effects host's key")
        return False

    def handle(self, data: bytes, sender: tuple[str, int], now: float) -> None:
        try:
            message = parse_message(data)
        except Malformed as exc:
            self.malformed += 1
            self.host._log("malformed", channel="effects", sender=f"{sender[0]}:{sender[1]}", error=str(exc))
            return
        op = message["op"]
        host = self.host
        if not self._authorised(message, sender):
            return
        if op == "levels":
            host.request(message["src"], message["levels"], message["poses"], now)
        elif op == "heartbeat":
            host.heartbeat(message["src"], now)
        elif op == "release":
            host.release(message["src"], now)
        elif op == "panic":
            host.panic(now)
            if self.files is not None and not self.files.latch():
                host._log("latch_failed", path=str(self.files.latch_path))
        elif op == "clear":
            host.clear(now)
            if self.files is not None:
                self.files.unlatch()
        elif op == "input":
            host.set_input(message["name"], message["active"], now)
        elif op == "disable":
            host.disable(message["name"], now)
        elif op == "enable":
            host.enable(message["name"], now)
        elif op == "status":
            reply = {"op": "status", "id": message["id"], **host.status(now), "refused": self.refused}
            try:
                self.sock.sendto(encode(reply), sender)
            except OSError as exc:
                host._log("reply_failed", sender=f"{sender[0]}:{sender[1]}", error=str(exc))

    def serve(self) -> None:
        """Until ``stopping`` is set: handle datagrams as they come, refresh on change and at the rate.

        A PANIC written down by an earlier host on this port holds from the first refresh.
        """
        if self.files is not None and self.files.latched():
            self.host.panic(self.clock(), origin="latched")
        next_refresh = self.clock()
        while not self.stopping:
            timeout = max(0.0, next_refresh - self.clock())
            try:
                ready, _, _ = select.select([self.sock], [], [], timeout)
            except InterruptedError:
                continue
            changed = False
            if ready:
                while True:
                    try:
                        data, sender = self.sock.recvfrom(MAX_DATAGRAM)
                    except (BlockingIOError, InterruptedError):
                        break
                    self.handle(data, sender, self.clock())
                    changed = True
            now = self.clock()
            if changed or now >= next_refresh:
                self.host.refresh(now)
                if now >= next_refresh:
                    next_refresh = max(next_refresh + self.period, now)
            self._idle(now)

    def _idle(self, now: float) -> None:
        """Stop after ``idle_exit`` seconds with no source (the command that started this host is done)."""
        if self.idle_exit is None:
            return
        if self.host.sources:
            self._busy_at = now
        elif now - self._busy_at >= self.idle_exit:
            self.host._log("idle_exit", idle_s=round(now - self._busy_at, 3))
            self.stopping = True


def bind_control(port: int = DEFAULT_PORT) -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        sock.bind(("127.0.0.1", port))
    except OSError as exc:
        sock.close()
        raise ExhibitError(f"cannot listen for effects control on 127.0.0.1:{port}: {exc.strerror or exc} "
                           "(is another effects host running?)") from None
    sock.setblocking(False)
    return sock


# -- the player's side -------------------------------------------------------------------------


class UdpLink:
    """A player's link to an effects host process."""

    def __init__(self, port: int = DEFAULT_PORT, source: str | None = None, host: str = "127.0.0.1",
                 key: str | None = None) -> None:
        self.address = (host, port)
        self.source = source or f"player:{os.getpid()}"
        self.key = key  # the host's key: needed to clear a PANIC, set inputs, enable an effect
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.setblocking(False)
        self._ids = itertools.count(1)
        self._status: dict[str, Any] | None = None
        self._status_at = -math.inf  # when the question the latest status answers was asked
        self._asked_at = -math.inf
        self._questions: dict[int, float] = {}  # status questions not yet answered, and when they were asked
        self.errors = 0

    def _send(self, message: Mapping[str, Any]) -> None:
        try:
            self.sock.sendto(encode(message), self.address)
        except OSError:
            self.errors += 1  # the host is down; the status says so

    def send(self, levels: Mapping[str, float], poses: Mapping[str, SeatPose]) -> None:
        self._send({"op": "levels", "src": self.source, "levels": dict(levels), "poses": dict(poses)})

    def heartbeat(self) -> None:
        self._send({"op": "heartbeat", "src": self.source})

    def release(self) -> None:
        self._send({"op": "release", "src": self.source})

    def _command(self, message: Mapping[str, Any]) -> None:
        """An operator's command; the next :meth:`status` asks the host at once, so that status
        pages (the hall's console) show what became of it without waiting for the next question."""
        self._send(message)
        self._asked_at = -math.inf

    def panic(self) -> None:
        for _ in range(2):  # a lost datagram must not lose a PANIC
            self._command({"op": "panic"})

    def clear(self) -> None:
        self._command({"op": "clear", "key": self.key})

    def set_input(self, name: str, active: bool) -> None:
        self._command({"op": "input", "name": name, "active": active, "key": self.key})

    def disable(self, name: str) -> None:
        self._command({"op": "disable", "name": name})

    def enable(self, name: str) -> None:
        self._command({"op": "enable", "name": name, "key": self.key})

    def _drain(self) -> None:
        while True:
            try:
                data, _ = self.sock.recvfrom(MAX_DATAGRAM)
            except (BlockingIOError, InterruptedError, ConnectionRefusedError):
                return
            reply = _status_reply(data)
            if reply is not None:
                self._status = reply
                self._status_at = self._asked_for(reply)

    def _asked_for(self, reply: dict[str, Any]) -> float:
        ident = reply.get("id")
        asked = self._questions.pop(ident, None) if isinstance(ident, int) else None
        return asked if asked is not None else time.monotonic()

    def _ask(self) -> int:
        """A status question; its answer dates from when it was asked (so an answer still on its
        way from a host that has since died never counts as news of a host alive now)."""
        now = time.monotonic()
        ident = next(self._ids)
        self._questions = {k: v for k, v in self._questions.items() if now - v < QUESTION_KEPT}
        self._questions[ident] = now
        self._send({"op": "status", "id": ident})
        return ident

    def status(self, max_age: float = 2.0, every: float = 1.0) -> dict[str, Any] | None:
        """The host's latest status without waiting (asks for a fresh one ``every`` seconds); None if silent."""
        self._drain()
        now = time.monotonic()
        if now - self._asked_at >= every:
            self._asked_at = now
            self._ask()
        if self._status is None or now - self._status_at > max_age:
            return None
        return self._status

    def query(self, timeout: float = 0.5) -> dict[str, Any] | None:
        """Ask for the host's status and wait for the answer (None when no host answers)."""
        self._drain()
        ident = self._ask()
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            ready, _, _ = select.select([self.sock], [], [], left)
            if not ready:
                return None
            try:
                data, _ = self.sock.recvfrom(MAX_DATAGRAM)
            except (BlockingIOError, ConnectionRefusedError):
                continue
            reply = _status_reply(data)
            if reply is not None:
                self._status, self._status_at = reply, self._asked_for(reply)
                if reply.get("id") == ident:
                    return reply

    def close(self) -> None:
        self.sock.close()


class LocalLink:
    """The same calls on an in-process host, refreshed on every call with ``clock()``."""

    def __init__(self, host: EffectsHost, clock: Callable[[], float] = time.monotonic, source: str = "player") -> None:
        self.host = host
        self.clock = clock
        self.source = source

    def send(self, levels: Mapping[str, float], poses: Mapping[str, SeatPose]) -> None:
        now = self.clock()
        self.host.request(self.source, levels, poses, now)
        self.host.refresh(now)

    def heartbeat(self) -> None:
        now = self.clock()
        self.host.heartbeat(self.source, now)
        self.host.refresh(now)

    def release(self) -> None:
        self.host.release(self.source, self.clock())

    def panic(self) -> None:
        self.host.panic(self.clock())

    def clear(self) -> None:
        self.host.clear(self.clock())

    def set_input(self, name: str, active: bool) -> None:
        self.host.set_input(name, active, self.clock())

    def disable(self, name: str) -> None:
        self.host.disable(name, self.clock())

    def enable(self, name: str) -> None:
        self.host.enable(name, self.clock())

    def status(self) -> dict[str, Any] | None:
        return self.host.status(self.clock())

    def close(self) -> None:
        self.host.shutdown(self.clock())


def local_host(hall: Any, journal: Journal | None = None, **kwargs: Any) -> EffectsHost:
    """An in-process host with real outputs for ``hall`` (the simulator when it maps nothing)."""
    from exhibit.effects.outputs import build_outputs

    return EffectsHost(hall, build_outputs(hall, journal=journal, **kwargs), journal)
