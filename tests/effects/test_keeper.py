"""The hall's keeper of its effects host, where the outputs themselves cannot be reached."""

from __future__ import annotations

import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

from pythonosc.osc_message import OscMessage
from pythonosc.osc_message_builder import OscMessageBuilder

from exhibit.effects.host import EffectsHost
from exhibit.effects.journal import Journal, read_journal
from exhibit.effects.keeper import HostKeeper
from exhibit.effects.link import HostServer, bind_control
from exhibit.spec.project import Project
from tests.effects.olad import free_port
from tests.effects.processes import write_project
from tests.hall.live import live_hall
from tests.hall.test_remote import http

# Broadcast without SO_BROADCAST: every send fails with "Permission denied", as an unreachable device would.
UNREACHABLE = {"effects": {"wind": {"output": "dmx", "channel": 1}},
               "outputs": {"dmx": {"kind": "artnet", "host": "255.255.255.255"}}}


def test_a_panic_that_could_not_be_carried_out_says_so(tmp_path: Path) -> None:
    write_project(tmp_path, UNREACHABLE, {})
    project = Project.at(tmp_path)
    hall = project.load_hall().model
    assert hall is not None
    keeper = HostKeeper(project, hall, project.hall_path, free_port(2))  # no host answers on this port
    try:
        result = keeper.emergency()
    finally:
        keeper.close()
    assert not result.ok
    assert result.message.startswith("PANIC not carried out: the effects host does not answer and the hall could "
                                     "not send safe values itself (artnet output 'dmx': ")
    assert (tmp_path / "var" / "run").is_dir() and keeper.files.latched(), "latched for the next host"


def test_the_remote_answers_a_panic_not_carried_out_as_such(tmp_path: Path) -> None:
    write_project(tmp_path / "rig", UNREACHABLE, {})
    project = Project.at(tmp_path / "rig")
    hall = project.load_hall().model
    assert hall is not None
    keeper = HostKeeper(project, hall, project.hall_path, free_port(2))
    try:
        with live_hall(tmp_path / "hall", emergency=keeper.emergency) as live:
            code, reply = http(live, "POST", "/panic")
            assert code == 503 and reply["ok"] is False
            assert reply["error"].startswith("PANIC not carried out: the effects host does not answer")
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as desk:  # the desk that sent it hears why
                desk.bind(("127.0.0.1", 0))
                desk.settimeout(5)
                desk.sendto(OscMessageBuilder("/exhibit/panic").build().dgram, ("127.0.0.1", live.osc.port))
                answer = OscMessage(desk.recv(65507))
            assert answer.address == "/exhibit/panic" and answer.params[0] == "failed"
            assert answer.params[1].startswith("PANIC not carried out")
            assert [r["channel"] for r in live.journal("panic_failed")] == ["http", "osc"]
    finally:
        keeper.close()


def test_a_host_that_answers_on_the_port_is_not_fought(tmp_path: Path) -> None:
    """The hall's host died and another one holds the port: the hall takes that one as its host
    (its own safe values stop as soon as it answers) instead of starting hosts that cannot bind."""
    write_project(tmp_path, {"effects": {"wind": {}}}, {})
    project = Project.at(tmp_path)
    hall = project.load_hall().model
    assert hall is not None
    sock = bind_control(0)
    server = HostServer(EffectsHost(hall, {}), sock)
    threading.Thread(target=server.serve, daemon=True).start()
    journal = Journal(tmp_path / "hall.jsonl")
    keeper = HostKeeper(project, hall, project.hall_path, sock.getsockname()[1], journal=journal)
    keeper.process = subprocess.Popen([sys.executable, "-c", "pass"])  # the hall's host, gone
    keeper.process.wait()
    try:
        deadline = time.monotonic() + 20
        while True:
            keeper.check()
            events = [r["event"] for r in read_journal(tmp_path / "hall.jsonl")]
            if "effects_host_back" in events or time.monotonic() > deadline:
                break
            time.sleep(0.02)
        assert events == ["effects_host_lost", "effects_host_adopted", "effects_host_back"], events
        for _ in range(100):  # two seconds of ticks: the other host goes on answering, nothing restarts
            keeper.check()
            time.sleep(0.02)
        assert [r["event"] for r in read_journal(tmp_path / "hall.jsonl")] == events
    finally:
        keeper.close()
        server.stopping = True
        journal.close()
