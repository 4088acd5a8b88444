"""The web application: pages, their scripts and styles, and the JSON API, as one Starlette app.

Console (``/console``, behind the token when there is one): ``GET /status``, ``GET /api/console``
(everything the console shows), ``GET /api/events`` (the same, as server-sent events whenever it
changes), and the commands ``POST /go`` (``{"scene": NAME, "lang": L, "audio_description": false,
"accessible_quiz": false}``, or empty for the next scene), ``/stop``, ``/panic``, ``/reset``,
``/seek`` (``{"t": seconds}``), ``/input`` (``{"name": N, "active": true}``), ``/disable`` and
``/enable`` (``{"name": EFFECT}``), answered ``202`` (a PANIC: only when every output is at its
safe value, else ``503``).

Phone quiz (``/quiz``): ``POST /quiz/api/start`` (``{"lang": L, "accessible": false}``),
``/quiz/api/answer`` (``{"round": R, "position": N, "chosen": [0]}``, or ``"timeout": true``),
``/quiz/api/nickname`` (``{"round": R, "nickname": "..."}``), ``GET /quiz/api/speech?round=R``
(the open question read aloud, accessible rounds), ``GET /quiz/qr.png``.
Board (``/board``): ``GET /api/board?lang=L``.

Every refusal is JSON ``{"ok": false, "error": ...}`` with a 4xx status and a journal line.
"""

from __future__ import annotations

import asyncio
import json
import secrets
import threading
from collections.abc import AsyncIterator, Callable
from datetime import datetime
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect, Request
from starlette.responses import FileResponse, JSONResponse, RedirectResponse, Response, StreamingResponse
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from exhibit.effects.journal import Journal
from exhibit.effects.keeper import PanicResult
from exhibit.hall.control import OPS, HallControl, Rejected, parse_command, perform
from exhibit.hall.web.access import COOKIE, Access, View
from exhibit.hall.web.board import Board
from exhibit.hall.web.console import Console
from exhibit.hall.web.phone import PhoneQuiz, QuizRefused
from exhibit.hall.web.qr import qr_png, quiz_url
from exhibit.hall.web.ratelimit import RateLimit
from exhibit.hall.web.speech import Speech
from exhibit.spec.errors import ExhibitError
from exhibit.spec.hall import LOOPBACK, WebEndpoint

MAX_BODY = 4096
DEVICE_COOKIE = "exhibit_phone"
#: Seconds between the console stream's checks for a change (the console promises 0.5 s).
STREAM_EVERY = 0.1
#: A comment line on a quiet stream, so proxies and phones keep it open.
STREAM_KEEPALIVE_S = 10.0
#: Requests a phone may make: a visitor answers at most a question every second or two.
PHONE_RATE, PHONE_BURST = 4.0, 12.0
#: Login tries per client address: slow enough that a token cannot be guessed.
LOGIN_RATE, LOGIN_BURST = 0.2, 5.0
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; media-src 'self'; "
       "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
       "frame-ancestors 'none'")
SECURITY_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-opener-policy", b"same-origin"),
]
PAGES = {"console": "console.html", "quiz": "quiz.html", "board": "board.html", "login": "login.html"}
TYPES = {".html": "text/html; charset=utf-8", ".css": "text/css; charset=utf-8",
         ".js": "text/javascript; charset=utf-8", ".svg": "image/svg+xml"}


def _static() -> dict[str, tuple[bytes, str]]:
    """Every file the hall serves, read once from the package: nothing else can be asked for."""
    folder = resources.files("exhibit.hall.web") / "static"
    out: dict[str, tuple[bytes, str]] = {}
    for item in folder.iterdir():
        suffix = "." + item.name.rsplit(".", 1)[-1]
        if item.is_file() and suffix in TYPES:
            out[item.name] = (item.read_bytes(), TYPES[suffix])
    return out


def bundled_font() -> Path | None:
    try:
        path = Path(str(resources.files("pylopdf_fonts_zh_cn") / "NotoSansSC-Regular.otf"))
    except ModuleNotFoundError:
        return None
    return path if path.is_file() else None


class Refused(Exception):
    def __init__(self, status: int, error: str, **extra: Any) -> None:
        super().__init__(error)
        self.status = status
        self.error = error
        self.extra = extra


class SecurityHeaders:
    """Security headers on every answer, and the checks a browser's request must pass before
    any route: a loopback hall answers only to its loopback names (no DNS rebinding), and a
    command from another site's page (its Origin) is refused."""

    def __init__(self, app: ASGIApp, loopback: bool) -> None:
        self.app = app
        self.loopback = loopback

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
        host = headers.get("host", "")
        origin = headers.get("origin")
        problem = None
        if self.loopback and host and _host_name(host) not in LOOPBACK:
            problem = f"this hall answers only to its own address, not to '{host[:64]}'"
        elif scope["method"] not in ("GET", "HEAD") and origin not in (None, "null") \
                and origin.split("://", 1)[-1] != host:
            problem = "a request from another site's page is refused"

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = list(message.get("headers", [])) + SECURITY_HEADERS
            await send(message)

        if problem is not None:
            await JSONResponse({"ok": False, "error": problem}, 403)(scope, receive, send_with_headers)
            return
        await self.app(scope, receive, send_with_headers)


def _host_name(host: str) -> str:
    if host.startswith("["):
        return host[1:].split("]", 1)[0]
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


class HallWeb:
    """The application for one hall; ``app`` is what uvicorn serves."""

    def __init__(self, endpoint: WebEndpoint, control: HallControl, journal: Journal,
                 emergency: Callable[[], PanicResult] | None = None) -> None:
        from exhibit.quiz.banks import bank_name, load_bank
        from exhibit.quiz.cue import open_spool, open_store

        self.endpoint = endpoint
        self.control = control
        self.journal = journal
        self.emergency = emergency
        self.access = Access(endpoint)
        self.static = _static()
        self.closing = threading.Event()
        self.handled = 0
        self.malformed = 0
        project, hall = control.project, control.hall

        def bank() -> Any:
            return load_bank(project, bank_name(project, None, hall))

        self.phones = PhoneQuiz(hall, bank, lambda: open_spool(project, warn=self._store_warning), journal)
        self.board = Board(lambda: open_store(project), self.phones.bank, journal)
        self.console = Console(control, self._quiz_today)
        self.speech = Speech(project.var_dir / "cache" / "read-aloud")
        self.phone_limit = RateLimit(PHONE_RATE, PHONE_BURST)
        self.login_limit = RateLimit(LOGIN_RATE, LOGIN_BURST)
        routes = [
            Route("/", self.root), Route("/console", self.page_console), Route("/quiz", self.page_quiz),
            Route("/board", self.page_board), Route("/login", self.login, methods=["GET", "POST"]),
            Route("/static/{name}", self.static_file), Route("/fonts/sans.otf", self.font),
            Route("/status", self.status),
            Route("/api/console", self.console_data), Route("/api/events", self.events),
            Route("/api/board", self.board_data), Route("/quiz/qr.png", self.qr),
            Route("/quiz/api/start", self.quiz_start, methods=["POST"]),
            Route("/quiz/api/answer", self.quiz_answer, methods=["POST"]),
            Route("/quiz/api/nickname", self.quiz_nickname, methods=["POST"]),
            Route("/quiz/api/speech", self.quiz_speech),
            *[Route(f"/{op}", self.command, methods=["POST"]) for op in OPS],
        ]
        app = Starlette(routes=routes, exception_handlers={HTTPException: self._http_error})
        self.app = SecurityHeaders(app, endpoint.bind in LOOPBACK)

    def close(self) -> None:
        self.closing.set()
        self.phones.close()
        self.board.close()

    # -- plumbing ------------------------------------------------------------------------------

    def _sender(self, request: Request) -> str:
        client = request.client
        return f"{client.host}:{client.port}" if client else "?"

    def _refuse(self, request: Request, status: int, error: str, **extra: Any) -> JSONResponse:
        self.malformed += 1
        self.journal.write("malformed", channel="http", sender=self._sender(request), path=request.url.path[:200],
                           error=error)
        return JSONResponse({"ok": False, "error": error, **extra}, status, headers={"Cache-Control": "no-store"})

    async def _http_error(self, request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        what = "command" if request.method == "POST" else "resource"
        error = f"no such {what}: {request.method} {request.url.path[:200]}" if exc.status_code in (404, 405) \
            else exc.detail
        return self._refuse(request, exc.status_code, error)

    def _gate(self, request: Request, view: View) -> JSONResponse | None:
        refusal = self.access.refusal(request, view)
        return None if refusal is None else self._refuse(request, refusal, "missing or wrong token")

    async def _body(self, request: Request) -> dict[str, Any]:
        raw = b""
        try:
            async for chunk in request.stream():
                raw += chunk
                if len(raw) > MAX_BODY:
                    raise Refused(400, f"the body must be JSON of at most {MAX_BODY} bytes")
        except ClientDisconnect:
            self.journal.write("http_error", channel="http", sender=self._sender(request),
                               error="ClientDisconnect: the client hung up before its request was read")
            raise Refused(400, "the client hung up") from None
        if not raw.strip():
            return {}
        try:
            body = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise Refused(400, f"the body is not JSON: {exc}") from None
        if not isinstance(body, dict):
            raise Refused(400, "the body must be a JSON object")
        return body

    def _file(self, name: str, **headers: str) -> Response:
        data, kind = self.static[name]
        return Response(data, media_type=kind, headers={"Cache-Control": "no-cache", **headers})

    # -- pages ---------------------------------------------------------------------------------

    async def root(self, request: Request) -> Response:
        return RedirectResponse("/console", 303)

    async def page_console(self, request: Request) -> Response:
        if self.access.refusal(request, "console") is not None:
            return RedirectResponse("/login", 303)
        return self._file(PAGES["console"])

    async def page_quiz(self, request: Request) -> Response:
        if (gate := self._gate(request, "quiz")) is not None:
            return gate
        response = self._file(PAGES["quiz"])
        if not request.cookies.get(DEVICE_COOKIE):
            response.set_cookie(DEVICE_COOKIE, secrets.token_urlsafe(18), max_age=86400, httponly=True,
                                samesite="strict", path="/quiz")
        return response

    async def page_board(self, request: Request) -> Response:
        return self._gate(request, "board") or self._file(PAGES["board"])

    async def static_file(self, request: Request) -> Response:
        name = request.path_params["name"]
        if name not in self.static or name.endswith(".html"):
            return self._refuse(request, 404, f"no such resource: GET {request.url.path[:200]}")
        return self._file(name)

    async def font(self, request: Request) -> Response:
        """The Chinese font the package installs (Noto Sans SC), for screens without one of their own:
        the pages name it after the common Chinese system fonts, so a phone that has one never fetches it."""
        path = bundled_font()
        if path is None:
            return self._refuse(request, 404, "no bundled font on this hall")
        return FileResponse(path, media_type="font/otf", headers={"Cache-Control": "public, max-age=604800"})

    async def login(self, request: Request) -> Response:
        if request.method == "GET":
            return self._file(PAGES["login"])
        client = request.client.host if request.client else "?"
        if not self.login_limit.allow(client):
            return self._refuse(request, 429, "too many tries; wait a minute")
        try:
            raw = await request.body()
        except ClientDisconnect:
            return Response(status_code=400)
        given = parse_qs(raw[:MAX_BODY].decode("utf-8", "replace")).get("token", [""])[0]
        cookie = self.access.login(given)
        if cookie is None:
            self.journal.write("login_failed", channel="http", sender=self._sender(request))
            return RedirectResponse("/login?wrong=1", 303)
        self.journal.write("login", channel="http", sender=self._sender(request))
        response = RedirectResponse("/console", 303)
        response.set_cookie(COOKIE, cookie, httponly=True, samesite="strict", path="/")
        return response

    # -- the console ---------------------------------------------------------------------------

    async def status(self, request: Request) -> Response:
        return self._gate(request, "console") or JSONResponse(self.control.status(),
                                                              headers={"Cache-Control": "no-store"})

    async def console_data(self, request: Request) -> Response:
        if (gate := self._gate(request, "console")) is not None:
            return gate
        return JSONResponse(await run_in_threadpool(self.console.snapshot), headers={"Cache-Control": "no-store"})

    async def events(self, request: Request) -> Response:
        if (gate := self._gate(request, "console")) is not None:
            return gate
        return StreamingResponse(self._stream(request), media_type="text/event-stream",
                                 headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"})

    async def _stream(self, request: Request) -> AsyncIterator[bytes]:
        last = ""
        quiet = 0.0
        while not self.closing.is_set() and not await request.is_disconnected():
            text = json.dumps(await run_in_threadpool(self.console.snapshot), ensure_ascii=False, default=str)
            if text != last:
                last, quiet = text, 0.0
                yield f"data: {text}\n\n".encode()
            elif quiet >= STREAM_KEEPALIVE_S:
                quiet = 0.0
                yield b": still here\n\n"
            await asyncio.sleep(STREAM_EVERY)
            quiet += STREAM_EVERY

    async def command(self, request: Request) -> Response:
        if (gate := self._gate(request, "console")) is not None:
            return gate
        op = request.url.path[1:]
        try:
            body = await self._body(request)
            command = parse_command(self.control, op, body, "http")
        except Refused as exc:
            return self._refuse(request, exc.status, exc.error)
        except Rejected as exc:
            return self._refuse(request, 400, str(exc))
        result = await run_in_threadpool(perform, self.control, command, self.emergency)
        self.handled += 1
        self.journal.write("remote", channel="http", command=op, scene=command.scene, t=command.t,
                           name=command.name, sender=self._sender(request))
        if result is not None and not result.ok:
            self.journal.write("panic_failed", channel="http", error=result.message)
            return JSONResponse({"ok": False, "command": op, "error": result.message}, 503)
        return JSONResponse({"ok": True, "command": op, "scene": command.scene, "t": command.t,
                             "name": command.name, **({"effects": result.message} if result is not None else {})},
                            202)

    def _quiz_today(self) -> dict[str, Any]:
        data = self.board.data(self.control.hall.languages[0])
        now = self.board.now()
        kiosks = [{"kiosk": k["kiosk"], "rounds": k["rounds"],
                   "ago_s": max(0, round((now - datetime.fromisoformat(k["last"])).total_seconds()))}
                  for k in data["kiosks"]]
        return {"attempts": data["attempts_today"], "mean": data["mean_today"], "error": data["error"],
                "kiosks": kiosks, "rounds_on_phones": len(self.phones.rounds), "refused": self.phones.refused}

    def _store_warning(self, message: str) -> None:
        self.journal.write("warning", warning=message)

    # -- the phone quiz ------------------------------------------------------------------------

    async def _phone(self, request: Request, act: Callable[[str, dict[str, Any]], dict[str, Any]]) -> Response:
        if (gate := self._gate(request, "quiz")) is not None:
            return gate
        device = request.cookies.get(DEVICE_COOKIE)
        if not device or len(device) > 64:
            return self._refuse(request, 400, "open /quiz first: this phone has no quiz cookie")
        if not self.phone_limit.allow(device):
            return self._refuse(request, 429, "too many requests from this phone; slow down")
        try:
            body = await self._body(request)
            reply = await run_in_threadpool(act, device, body)
        except Refused as exc:
            return self._refuse(request, exc.status, exc.error)
        except QuizRefused as exc:
            extra = {"state": exc.state} if exc.state is not None else {}
            return self._refuse(request, exc.status, str(exc), **extra)
        return JSONResponse({"ok": True, **reply}, headers={"Cache-Control": "no-store"})

    async def quiz_start(self, request: Request) -> Response:
        return await self._phone(request, lambda device, body: self.phones.start(
            device, body.get("lang", self.control.hall.languages[0]), body.get("accessible", False)))

    async def quiz_answer(self, request: Request) -> Response:
        return await self._phone(request, lambda device, body: self.phones.answer(
            device, body.get("round"), body.get("position"), body.get("chosen"), body.get("timeout", False)))

    async def quiz_nickname(self, request: Request) -> Response:
        return await self._phone(request, lambda device, body: self.phones.nickname(
            device, body.get("round"), body.get("nickname")))

    async def quiz_speech(self, request: Request) -> Response:
        if (gate := self._gate(request, "quiz")) is not None:
            return gate
        device = request.cookies.get(DEVICE_COOKIE) or ""
        if not device or not self.phone_limit.allow(device):
            return self._refuse(request, 429 if device else 400, "open /quiz first, and ask a question at a time")
        try:
            text, lang = self.phones.spoken(device, request.query_params.get("round"))
            path = await run_in_threadpool(self.speech.wav, text, lang)
        except QuizRefused as exc:
            return self._refuse(request, exc.status, str(exc))
        except ExhibitError as exc:
            return self._refuse(request, 503, str(exc).splitlines()[0])
        return FileResponse(path, media_type="audio/wav", headers={"Cache-Control": "no-store"})

    async def qr(self, request: Request) -> Response:
        if (gate := self._gate(request, "quiz")) is not None:
            return gate
        base = self.endpoint.url or f"{request.url.scheme}://{request.headers.get('host', 'localhost')}"
        try:
            data = qr_png(quiz_url(base))
        except ExhibitError as exc:
            return self._refuse(request, 400, str(exc))
        return Response(data, media_type="image/png", headers={"Cache-Control": "no-cache"})

    # -- the board -----------------------------------------------------------------------------

    async def board_data(self, request: Request) -> Response:
        if (gate := self._gate(request, "board")) is not None:
            return gate
        lang = request.query_params.get("lang") or self.control.hall.languages[0]
        if lang not in self.control.hall.languages:
            return self._refuse(request, 400, f"lang must be one of {', '.join(self.control.hall.languages)}")
        data = await run_in_threadpool(self.board.data, lang)
        return JSONResponse(data, headers={"Cache-Control": "no-store"})
