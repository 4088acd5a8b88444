"""Serving the web application: uvicorn on its own thread, on a socket bound here.

The socket is bound before the thread starts, so a busy port is an :class:`ExhibitError` at
once; the remote refuses to listen beyond this machine without a token, as the OSC one does.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable

import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol

from exhibit.effects.journal import Journal
from exhibit.effects.keeper import PanicResult
from exhibit.hall.control import HallControl
from exhibit.hall.remote import check_exposure
from exhibit.hall.web.app import HallWeb
from exhibit.spec.errors import ExhibitError
from exhibit.spec.hall import Endpoint, WebEndpoint

#: Connections the kernel queues before the server accepts them: a crowd of phones arrives at once.
LISTEN_BACKLOG = 1024
#: Seconds an open connection (a console's live stream) may take to close at shutdown.
SHUTDOWN_S = 1


class HalfCloseProtocol(H11Protocol):
    """HTTP/1.1 that still answers a client which sends its request and then closes its side
    (``shutdown(SHUT_WR)``, as netcat and some desk scripts do): the answer is written, then
    the connection closed. uvicorn's own protocol drops the answer on the client's EOF."""

    _eof = False

    def _idle(self) -> bool:
        return self.cycle is None or self.cycle.response_complete

    def eof_received(self) -> bool | None:  # type: ignore[override]
        if self._idle():
            return None  # nothing asked: close
        self._eof = True
        return True  # keep the connection to write the answer

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if self._eof and self._idle() and not self.transport.is_closing():
            self.transport.close()


class HttpRemote:
    """The console, the phone quiz, the board and the JSON API on ``endpoint``."""

    def __init__(self, endpoint: Endpoint, control: HallControl, journal: Journal,
                 emergency: Callable[[], PanicResult] | None = None) -> None:
        if not isinstance(endpoint, WebEndpoint):
            endpoint = WebEndpoint(**endpoint.model_dump())
        check_exposure(endpoint, "http")
        self.endpoint = endpoint
        self.journal = journal
        self.web = HallWeb(endpoint, control, journal, emergency)
        family = socket.AF_INET6 if ":" in endpoint.bind else socket.AF_INET
        self.sock = socket.socket(family, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            self.sock.bind((endpoint.bind, endpoint.port))
            self.sock.listen(LISTEN_BACKLOG)
        except OSError as exc:
            self.sock.close()
            raise ExhibitError(f"cannot listen for HTTP on {endpoint.bind}:{endpoint.port}: "
                               f"{exc.strerror or exc}") from None
        config = uvicorn.Config(self.web.app, log_config=None, log_level="critical", access_log=False,
                                lifespan="off", http=HalfCloseProtocol, timeout_graceful_shutdown=SHUTDOWN_S,
                                backlog=LISTEN_BACKLOG, server_header=False, date_header=False)
        self.server = uvicorn.Server(config)
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return int(self.sock.getsockname()[1])

    @property
    def handled(self) -> int:
        return self.web.handled

    @property
    def malformed(self) -> int:
        return self.web.malformed

    def start(self) -> HttpRemote:
        self._thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]},
                                        name="http-remote", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started and self._thread.is_alive() and time.monotonic() < deadline:
            time.sleep(0.01)
        if not self.server.started:
            raise ExhibitError(f"the web console did not start on {self.endpoint.bind}:{self.port}")
        return self

    def close(self) -> None:
        self.web.closing.set()
        self.server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=SHUTDOWN_S + 3)
        self.sock.close()
        self.web.close()
