"""Who may reach what: the console behind the token, the quiz and board public, no way around."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from exhibit.hall.control import OPS
from tests.hall.live import LiveHall
from tests.hall.rig import HALL, SCENES, write_hall_project
from tests.web.client import Client
from tests.web.conftest import TOKEN

CONSOLE_GETS = ["/console", "/status", "/api/console", "/api/events"]


def test_every_console_route_is_refused_to_a_quiz_only_client(public_web: LiveHall) -> None:
    phone = Client(public_web.http.port).phone()
    for path in CONSOLE_GETS[1:]:
        assert phone.json("GET", path) == (403, {"ok": False, "error": "missing or wrong token"}), path
    for op in OPS:
        assert phone.json("POST", f"/{op}", {"scene": "alpha", "t": 1, "name": "wind"})[0] == 403, op
    code, headers, _ = phone.request("GET", "/console")
    assert (code, headers["location"]) == (303, "/login")  # the page itself sends to the login page
    assert public_web.control.status()["state"] == "standby"
    # what the visitor may reach
    assert phone.request("GET", "/board")[0] == 200
    assert phone.json("GET", "/api/board")[0] == 200
    assert phone.json("POST", "/quiz/api/start", {"lang": "zh"})[0] == 200
    # a wrong token is 401, the right one opens everything
    assert Client(public_web.http.port, token="x" * 24).json("GET", "/status")[0] == 401
    assert Client(public_web.http.port, token=TOKEN).json("GET", "/status")[0] == 200


def test_the_login_page_sets_a_strict_http_only_cookie(public_web: LiveHall) -> None:
    desk = Client(public_web.http.port)
    code, headers, _ = desk.request("POST", "/login", raw=b"token=guess")
    assert (code, headers["location"]) == (303, "/login?wrong=1")
    assert desk.json("GET", "/status")[0] == 403
    code, headers, _ = desk.request("POST", "/login", raw=f"token={TOKEN}".encode())
    assert (code, headers["location"]) == (303, "/console")
    cookie = headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie.replace("Strict", "strict") and TOKEN not in cookie
    assert desk.json("GET", "/status")[0] == 200
    code, reply = desk.json("POST", "/go", {"scene": "alpha"})
    assert (code, reply["scene"]) == (202, "alpha")
    events = [r["event"] for r in public_web.journal()]
    assert "login_failed" in events and "login" in events


def test_login_tries_are_rate_limited(public_web: LiveHall) -> None:
    guesser = Client(public_web.http.port)
    codes = [guesser.request("POST", "/login", raw=b"token=guess%d" % i)[0] for i in range(8)]
    assert codes[:5] == [303] * 5 and codes[5:] == [429] * 3


@pytest.mark.parametrize("path", [
    "/static/../../pyproject.toml", "/static/%2e%2e/%2e%2e/pyproject.toml", "/static/..%2f..%2fapp.py",
    "/static/%2e%2e%2fapp.py", "/static/console.html/../../app.py", "/static/console.html", "/static/",
    "/..%2f..%2fhall.yaml", "/quiz/../hall.yaml", "/static/hall.css%00.py",
])
def test_no_route_reads_a_file_it_does_not_serve(web: LiveHall, path: str) -> None:
    code, _, body = Client(web.http.port).request("GET", path)
    assert code == 404
    assert b"import" not in body and b"effects" not in body


def test_every_answer_carries_the_security_headers(web: LiveHall) -> None:
    client = Client(web.http.port)
    for path in ["/console", "/quiz", "/board", "/static/console.js", "/status", "/nothing"]:
        _, headers, _ = client.request("GET", path)
        csp = headers["content-security-policy"]
        assert "default-src 'self'" in csp and "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
        assert headers["x-content-type-options"] == "nosniff" and headers["x-frame-options"] == "DENY"


def test_a_page_of_another_site_cannot_send_commands(web: LiveHall) -> None:
    client = Client(web.http.port)
    code, reply = client.json("POST", "/panic", {}, headers={"Origin": "http://evil.example"})
    assert (code, reply["error"]) == (403, "a request from another site's page is refused")
    code, reply = client.json("GET", "/status", headers={"Host": "evil.example:80"})
    assert code == 403 and "only to its own address" in reply["error"]
    assert web.control.status()["panic"] is False


def test_check_refuses_a_console_open_to_the_lan_without_a_token(tmp_path: Path) -> None:
    hall = {**HALL, "remote": {"http": {"bind": "0.0.0.0", "port": 8080, "public": ["quiz", "board"]}}}
    write_hall_project(tmp_path, hall, SCENES)
    done = subprocess.run([sys.executable, "-m", "exhibit", "check", "hall.yaml"], cwd=tmp_path, capture_output=True,
                          text=True, timeout=60, env=dict(os.environ))
    assert done.returncode == 1
    assert "hall.yaml:" in done.stdout and "remote http is bound to 0.0.0.0, which other machines can reach" in (
        done.stdout)
    assert "Traceback" not in done.stderr


def test_the_pages_use_only_what_the_hall_serves(web: LiveHall) -> None:
    client = Client(web.http.port)
    for page in ["/console", "/quiz", "/board", "/login"]:
        html = client.request("GET", page)[2].decode()
        for link in re.findall(r'(?:src|href)="([^"]+)"', html):
            assert link.startswith("/"), f"{page} loads {link} from elsewhere"
            assert client.request("GET", link)[0] == 200, link
    css = client.request("GET", "/static/hall.css")[2].decode()
    [font] = re.findall(r'url\("([^"]+)"\)', css)
    code, headers, data = client.request("GET", font)
    assert code == 200 and headers["content-type"] == "font/otf" and data[:4] == b"OTTO"


def test_no_page_carries_style_attributes_the_csp_would_refuse() -> None:
    """The CSP allows only the hall's own style sheet: a style="..." attribute is dropped by the
    browser, and the layout it carried with it (the board's QR row once lost its flex layout)."""
    from importlib import resources

    static = resources.files("exhibit.hall.web") / "static"
    pages = [p for p in static.iterdir() if p.name.endswith(".html")]
    assert len(pages) >= 4
    for page in pages:
        assert ' style="' not in page.read_text(encoding="utf-8"), page.name
        assert "<style" not in page.read_text(encoding="utf-8"), page.name
