"""Who may reach what: the console behind the hall's token, the public views open.

Bound to loopback without a token (the default) everything is open, as the remote always
was. With a token, console pages and commands need it, as ``Authorization: Bearer TOKEN``
(scripts) or as the cookie the login page sets (HttpOnly, SameSite=Strict, so no other site
can send it). The phone quiz and the board need it too unless ``public`` lists them. A
request with no credential at all is refused with 403 (a visitor's phone holds none); one
with a wrong credential with 401. Every comparison takes constant time.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Literal

from starlette.requests import HTTPConnection

from exhibit.spec.hall import WebEndpoint

COOKIE = "exhibit_console"
View = Literal["console", "quiz", "board"]


def same(expected: str, given: str) -> bool:
    return hmac.compare_digest(expected.encode(), given.encode())


class Access:
    def __init__(self, endpoint: WebEndpoint) -> None:
        self.token = endpoint.token
        self.public = frozenset(endpoint.public)
        # The cookie holds a key derived from the token, never the token itself.
        self.cookie_value = (
            hmac.new(self.token.encode(), b"exhibit console login", hashlib.sha256).hexdigest()
            if self.token else None
        )

    def refusal(self, request: HTTPConnection, view: View) -> int | None:
        """None when ``request`` may reach ``view``; else the status to refuse it with."""
        if self.token is None or (view != "console" and view in self.public):
            return None
        header = request.headers.get("authorization", "")
        if header:
            given = header[7:] if header.startswith("Bearer ") else ""
            return None if same(self.token, given) else 401
        cookie = request.cookies.get(COOKIE)
        if cookie is not None and self.cookie_value is not None:
            return None if same(self.cookie_value, cookie) else 401
        return 403

    def login(self, given: str) -> str | None:
        """The cookie value for a correct token, else None."""
        if self.token is None or self.cookie_value is None or not same(self.token, given):
            return None
        return self.cookie_value
