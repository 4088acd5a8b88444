"""Remote control from the desk: OSC with liblo's oscsend / oscdump, HTTP JSON with urllib."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from exhibit.effects.bus import EffectsBus
from exhibit.effects.host import EffectsHost
from exhibit.effects.journal import Journal
from exhibit.effects.keeper import PanicResult
from exhibit.effects.link import HostServer, UdpLink, bind_control
from exhibit.hall.catalogue import Catalogue
from exhibit.hall.clock import SystemClock
from exhibit.hall.control import Command, HallControl
from exhibit.hall.playback import TimelinePlayback
from exhibit.hall.remote import OscRemote, check_exposure
from exhibit.spec.errors import ExhibitError
from exhibit.spec.hall import Endpoint
from exhibit.spec.project import Project
from exhibit.timeline.frame import Event, FrameState
from tests.effects.olad import free_port
from tests.hall.live import LiveHall, eventually, live_hall
from tests.hall.rig import HALL, SCENES, write_hall_project

TOKEN = "Vb3kQ9xZr7LmN2pT5sWd8yHc"  # 24 random characters, as secrets.token_urlsafe(18) gives


def oscsend(port: int, address: str, types: str = "", *args: object) -> None:
    binary = shutil.which("oscsend")
    if binary is None:
        pytest.skip("oscsend is not installed (Debian package 'liblo-tools')")
    cmd = [binary, "127.0.0.1", str(port), address] + ([types, *map(str, args)] if types else [])
    subprocess.run(cmd, check=True, timeout=5)


def http(hall: LiveHall, method: str, path: str, body: object = None, token: str | None = None,
         raw: bytes | None = None) -> tuple[int, dict]:  # type: ignore[type-arg]
    data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
    request = urllib.request.Request(f"http://127.0.0.1:{hall.http.port}{path}", data=data, method=method)
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


@pytest.fixture
def hall(tmp_path: Path) -> Iterator[LiveHall]:
    with live_hall(tmp_path) as live:
        yield live


def test_osc_go_seek_stop_and_panic(hall: LiveHall) -> None:
    port = hall.osc.port
    oscsend(port, "/exhibit/go", "ss", "alpha", "en")
    assert eventually(lambda: hall.control.status()["state"] == "show" and hall.control.status()["scene"] == "alpha")
    assert hall.control.status()["lang"] == "en"
    oscsend(port, "/exhibit/seek", "f", 6.5)
    assert eventually(lambda: hall.level("wind") == pytest.approx(0.8))  # the wind cue runs 5..15 s
    assert hall.control.status()["show_time"] >= 6.5
    oscsend(port, "/exhibit/stop")
    assert eventually(lambda: hall.control.status()["state"] == "postshow")
    assert hall.level("wind") == 0.0
    oscsend(port, "/exhibit/go", "s", "alpha")
    oscsend(port, "/exhibit/seek", "i", 6)
    assert eventually(lambda: hall.level("wind") > 0)
    oscsend(port, "/exhibit/panic")
    assert eventually(lambda: hall.control.status()["panic"] is True)
    assert hall.level("wind") == 0.0 and hall.control.status()["state"] == "standby"
    commands = [r["command"] for r in hall.journal("remote")]
    assert commands == ["go", "seek", "stop", "go", "seek", "panic"]


def test_osc_status_is_answered_to_oscdump(hall: LiveHall, tmp_path: Path) -> None:
    binary = shutil.which("oscdump")
    if binary is None:
        pytest.skip("oscdump is not installed (Debian package 'liblo-tools')")
    reply_port = free_port(2)
    out = tmp_path / "dump.txt"
    with out.open("w") as fh:
        dump = subprocess.Popen([binary, "-L", str(reply_port)], stdout=fh, stderr=subprocess.STDOUT)
        try:
            time.sleep(0.3)
            oscsend(hall.osc.port, "/exhibit/go", "s", "beta")
            assert eventually(lambda: hall.control.status()["state"] == "show")
            oscsend(hall.osc.port, "/exhibit/status", "i", reply_port)
            assert eventually(lambda: "/exhibit/status" in out.read_text())
        finally:
            dump.terminate()
            dump.wait(5)
    line = next(ln for ln in out.read_text().splitlines() if "/exhibit/status" in ln)
    parts = line.split(None, 3)
    assert parts[1:3] == ["/exhibit/status", "ssfsssss"]
    assert parts[3].startswith('"show" "beta" ')
    assert '"ok"' in parts[3]  # effects health


def test_malformed_osc_is_logged_and_ignored(hall: LiveHall) -> None:
    port = hall.osc.port
    oscsend(port, "/exhibit/go", "s", "../etc/passwd")
    oscsend(port, "/exhibit/go", "i", 3)
    oscsend(port, "/exhibit/seek", "s", "soon")
    oscsend(port, "/exhibit/seek", "f", -4)
    oscsend(port, "/exhibit/launch")
    oscsend(port, "/lights/on")
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.sendto(b"\x00garbage", ("127.0.0.1", port))
    assert eventually(lambda: len(hall.journal("malformed")) == 7)
    errors = [r["error"] for r in hall.journal("malformed")]
    assert errors[0] == "'../etc/passwd' is not a scene name (lower-case letters, digits and _; no paths)"
    assert errors[1] == "go takes a scene name and, optionally, a language, then ad and/or accessible"
    assert errors[2] == "seek needs a time in seconds >= 0, not 'soon'"
    assert errors[3] == "seek needs a time in seconds >= 0, not -4.0"
    assert errors[4:6] == ["unknown command", "unknown address"]
    assert errors[6].startswith("not an OSC packet")
    assert hall.control.status()["state"] == "standby" and hall.journal("remote") == []


def test_http_status_and_commands(hall: LiveHall) -> None:
    code, status = http(hall, "GET", "/status")
    assert code == 200 and status["state"] == "standby" and status["hall"] == "test_hall"
    code, reply = http(hall, "POST", "/go", {"scene": "alpha"})
    assert (code, reply["ok"], reply["scene"]) == (202, True, "alpha")
    assert eventually(lambda: http(hall, "GET", "/status")[1]["state"] == "show")
    code, reply = http(hall, "POST", "/seek", {"t": 7})
    assert code == 202
    assert eventually(lambda: hall.level("wind") > 0)
    code, reply = http(hall, "POST", "/panic")
    assert code == 202
    assert eventually(lambda: http(hall, "GET", "/status")[1]["panic"] is True)
    assert hall.level("wind") == 0.0
    code, _ = http(hall, "POST", "/stop")
    assert code == 202


def test_http_refuses_what_it_cannot_use(hall: LiveHall) -> None:
    refused = "'scenes/alpha.yaml' is not a scene name (lower-case letters, digits and _; no paths)"
    assert http(hall, "POST", "/go", {"scene": "scenes/alpha.yaml"}) == (400, {"ok": False, "error": refused})
    assert http(hall, "POST", "/go", {"scene": "gamma"})[1]["error"] == "unknown scene 'gamma'"
    assert http(hall, "POST", "/go", raw=b"{not json")[0] == 400
    assert http(hall, "POST", "/seek", {"t": "later"})[0] == 400
    assert http(hall, "GET", "/secrets")[0] == 404
    assert http(hall, "POST", "/reboot", {})[0] == 404
    assert len(hall.journal("malformed")) == 6
    assert hall.control.status()["state"] == "standby"


def test_a_token_is_required_where_one_is_set(tmp_path: Path) -> None:
    with live_hall(tmp_path, token=TOKEN) as hall:
        assert http(hall, "GET", "/status")[0] == 403  # no credential at all (a visitor's phone): forbidden
        assert http(hall, "POST", "/go", {"scene": "alpha"}, token="wrong")[0] == 401
        assert http(hall, "GET", "/status", token=TOKEN)[0] == 200
        oscsend(hall.osc.port, "/exhibit/go", "s", "alpha")  # no token: ignored
        oscsend(hall.osc.port, "/exhibit/go", "ss", "guess", "alpha")
        time.sleep(0.3)
        assert hall.control.status()["state"] == "standby"
        oscsend(hall.osc.port, "/exhibit/go", "ss", TOKEN, "beta")
        assert eventually(lambda: hall.control.status()["scene"] == "beta")
        assert [r["error"] for r in hall.journal("malformed")].count("missing or wrong token") == 4


def test_binding_beyond_this_machine_needs_a_token() -> None:
    with pytest.raises(ExhibitError, match="remote osc is bound to 0.0.0.0, which other machines can reach; set a"):
        check_exposure(Endpoint(bind="0.0.0.0", port=53100), "osc")
    check_exposure(Endpoint(bind="0.0.0.0", port=53100, token=TOKEN), "osc")
    check_exposure(Endpoint(bind="127.0.0.1", port=53100), "http")


def test_interlocks_and_disables_from_the_desk(hall: LiveHall) -> None:
    effects = lambda: hall.control.status()["effects"]  # noqa: E731
    oscsend(hall.osc.port, "/exhibit/input", "si", "doors_open", 1)
    assert eventually(lambda: effects()["inputs"] == ["doors_open"])
    assert effects()["held"]["spray"] == "interlock:doors_open"
    oscsend(hall.osc.port, "/exhibit/input", "s", "doors_open")  # active or not?
    oscsend(hall.osc.port, "/exhibit/input", "sF", "doors_open")  # OSC false works too
    assert eventually(lambda: effects()["inputs"] == [])
    oscsend(hall.osc.port, "/exhibit/input", "sT", "doors_open")
    assert eventually(lambda: effects()["inputs"] == ["doors_open"])
    oscsend(hall.osc.port, "/exhibit/input", "si", "door_open", 1)  # a typo is refused
    oscsend(hall.osc.port, "/exhibit/input", "si", "doors_open", 0)
    assert eventually(lambda: effects()["inputs"] == [])
    assert http(hall, "POST", "/disable", {"name": "wind"})[0] == 202
    http(hall, "POST", "/go", {"scene": "alpha"})
    http(hall, "POST", "/seek", {"t": 6})
    assert eventually(lambda: effects()["held"].get("wind") == "disabled")
    assert hall.level("wind") == 0.0
    assert http(hall, "POST", "/enable", {"name": "wind"})[0] == 202
    assert eventually(lambda: hall.level("wind") > 0)
    assert http(hall, "POST", "/disable", {"name": "wnd"}) == (
        400, {"ok": False, "error": "unknown effect 'wnd' (did you mean 'wind'?)"})
    errors = [r["error"] for r in hall.journal("malformed")]
    assert errors == ["input takes a name and 1 or 0", "unknown input 'door_open' (did you mean 'doors_open'?)",
                      "unknown effect 'wnd' (did you mean 'wind'?)"]


def test_panic_reaches_the_effects_host_while_the_show_loop_hangs(tmp_path: Path) -> None:
    """A renderer stuck in one frame must not delay a PANIC: the remote sends it to the host itself."""
    write_hall_project(tmp_path, {**HALL, "schedule": [], "attract": None, "remote": {"osc": {"port": free_port(2)}}},
                       SCENES)
    project = Project.at(tmp_path)
    hall = project.load_hall().model
    assert hall is not None and hall.remote.osc is not None
    host = EffectsHost(hall, {})
    sock = bind_control(0)
    server = HostServer(host, sock)
    threading.Thread(target=server.serve, daemon=True).start()
    port = sock.getsockname()[1]
    clock = SystemClock()
    catalogue = Catalogue(project, hall)
    playback = TimelinePlayback(catalogue, clock)
    hang = threading.Event()
    step = playback.step

    def stuck_step() -> tuple[float, list[Event], FrameState | None]:
        if hang.is_set():
            time.sleep(3.0)  # a frame that takes seconds
        return step()

    playback.step = stuck_step  # type: ignore[method-assign]
    journal = Journal(tmp_path / "hall.jsonl")
    control = HallControl(project, hall, clock=clock, bus=EffectsBus(hall, UdpLink(port, source="hall")),
                          playback=playback, journal=journal, catalogue=catalogue)
    emergency = UdpLink(port, source="hall-panic")

    def panic_to_host() -> PanicResult:
        emergency.panic()
        return PanicResult(True, "sent to the effects host")

    osc = OscRemote(hall.remote.osc, control, journal, panic_to_host).start()
    stop = threading.Event()
    loop = threading.Thread(target=control.run, kwargs={"stop": stop}, daemon=True)
    loop.start()
    try:
        control.submit(Command("go", scene="alpha"))
        assert eventually(lambda: control.state == "show")
        control.submit(Command("seek", t=6.0))
        assert eventually(lambda: host.decisions.get("wind") is not None and host.decisions["wind"].level > 0)
        hang.set()
        time.sleep(0.2)  # the loop is now inside a 3 s frame
        sent = time.monotonic()
        oscsend(osc.port, "/exhibit/panic")
        assert eventually(lambda: host.safety.panicked, timeout=2.0)
        assert time.monotonic() - sent < 1.0
        assert host.decisions["wind"].level == 0.0
        assert control.state == "show"  # the loop itself has not got there yet
    finally:
        hang.clear()
        stop.set()
        control.wake.set()
        loop.join(10)
        osc.close()
        server.stopping = True
        emergency.close()



def test_a_show_with_the_audio_description_from_osc_and_from_http(hall: LiveHall) -> None:
    oscsend(hall.osc.port, "/exhibit/go", "sss", "alpha", "en", "ad")
    assert eventually(lambda: hall.control.status()["audio_description"] is True)
    assert hall.control.status()["scene"] == "alpha" and hall.control.status()["lang"] == "en"
    oscsend(hall.osc.port, "/exhibit/go", "ss", "alpha", "en")  # the next show: without, unless asked
    assert eventually(lambda: hall.control.status()["audio_description"] is False)
    oscsend(hall.osc.port, "/exhibit/go", "sss", "alpha", "en", "loud")  # only ad and accessible may follow
    assert eventually(lambda: [r["error"] for r in hall.journal("malformed")] == [
        "go takes a scene name and, optionally, a language, then ad and/or accessible"])
    code, _ = http(hall, "POST", "/go", {"scene": "beta", "lang": "zh", "audio_description": True})
    assert code == 202
    assert eventually(lambda: hall.control.status()["scene"] == "beta" and hall.control.status()["audio_description"])
    code, reply = http(hall, "POST", "/go", {"scene": "beta", "audio_description": "yes"})
    assert code == 400 and reply["error"] == "audio_description must be true or false"
    starts = hall.journal("show_start")
    assert [r["audio_description"] for r in starts] == [True, False, True]
    oscsend(hall.osc.port, "/exhibit/go", "ssss", "alpha", "en", "accessible", "ad")
    assert eventually(lambda: hall.control.status()["accessible_quiz"] is True)
    assert hall.control.status()["audio_description"] is True
    code, reply = http(hall, "POST", "/go", {"scene": "beta", "accessible_quiz": 1})
    assert code == 400 and reply["error"] == "accessible_quiz must be true or false"
