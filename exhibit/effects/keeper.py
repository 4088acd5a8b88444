"""The effects host process, kept alive: started, watched, restarted, and covered while it is down.

Effects hardware is driven only by an effects host process (``exhibit effects serve``),
which turns everything off when its player's heartbeat stops. :func:`start_host` starts
one in its own session, so it outlives whoever started it (the hall, or a standalone
``exhibit effects set``).

:class:`HostKeeper` is the hall's side. Every tick it checks that its host lives; when the
host dies (even by ``kill -9``) the hall sends every output's safe value itself, at once
and on every tick, and starts a new host; when the new host answers, the hall stops
sending. Its :meth:`~HostKeeper.emergency` is a PANIC from any thread that says whether it
was carried out: by the host (it answers that it holds PANIC) or, with no host answering,
by the hall's own safe values; never "ok" when neither happened.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from exhibit.effects.authority import KEY_ENV, HostFiles, new_key
from exhibit.effects.host import EffectsHost, config_digest
from exhibit.effects.journal import Journal
from exhibit.effects.link import UdpLink
from exhibit.effects.outputs import build_outputs
from exhibit.spec.errors import ExhibitError
from exhibit.spec.hall import Hall
from exhibit.spec.project import Project

START_TIMEOUT = 10.0  # seconds for a freshly started host to answer
PROBE = 0.3  # seconds to wait for a host's answer
STOP_WAIT = 10.0  # seconds a stopping hall gives its host to go safe and exit (then kill: fixtures black out)
RESTART_EVERY = 2.0  # seconds between attempts to start a host that keeps failing
ADOPT_PROBE = 0.05  # seconds a restart first waits for another host on the port to answer
ASK_WHILE_COVERING = 0.1  # seconds between questions to a new host, so the hall's own safe values stop soon


@dataclass(frozen=True)
class PanicResult:
    """What became of a PANIC: ``ok`` only when every output is at its safe value."""

    ok: bool
    message: str


def start_host(project: Project, config: Path, port: int, options: Sequence[str] = (),
               key: str | None = None) -> subprocess.Popen[bytes]:
    """``exhibit effects serve`` in its own session (it outlives this process), errors to var/log."""
    log_dir = project.var_dir / "log"
    log_dir.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ)
    if key is not None:
        env[KEY_ENV] = key
    with (log_dir / "effects.stderr.log").open("ab") as err:
        return subprocess.Popen(
            [sys.executable, "-m", "exhibit", "--root", str(project.root), "effects", "serve",
             "--config", str(config), "--port", str(port), *options],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=err, env=env,
            start_new_session=True,
        )


def wait_for_host(probe: UdpLink, process: subprocess.Popen[bytes], log_dir: Path,
                  timeout: float = START_TIMEOUT) -> dict[str, Any]:
    """The status of the host on ``probe``'s port once one answers (``process`` or another that won the port)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status = probe.query(PROBE)
        if status is not None:
            return status
        if process.poll() is not None and process.returncode != 0:
            status = probe.query(PROBE)  # it could not bind: a host slow to answer may hold the port
            if status is not None:
                return status
            raise ExhibitError(f"the effects host exited at start (status {process.returncode}); "
                               f"see {log_dir / 'effects.stderr.log'}")
    process.terminate()
    raise ExhibitError(f"the effects host did not answer on 127.0.0.1:{probe.address[1]} within {timeout:.0f} s")


class HostKeeper:
    """The hall's effects host: the link the show talks through, and what keeps a host behind it."""

    def __init__(self, project: Project, hall: Hall, config: Path, port: int, options: Sequence[str] = (),
                 journal: Journal | None = None) -> None:
        self.project = project
        self.hall = hall
        self.config = config
        self.port = port
        self.options = list(options)
        self.journal = journal
        self.files = HostFiles(project.var_dir, port)
        self.key = new_key()
        self.link = UdpLink(port, source=f"hall:{os.getpid()}", key=self.key)
        self._probe = UdpLink(port, source=f"hall-panic:{os.getpid()}", key=self.key)
        self.process: subprocess.Popen[bytes] | None = None
        self.restarts = 0
        self.warning: str | None = None
        self._fallback: EffectsHost | None = None
        self._spawned_at = -float("inf")
        self._dead_since: float | None = None  # when the host this hall started was found dead
        self._lock = threading.Lock()  # the fallback and the probe are used from the remote threads too

    def _log(self, event: str, **fields: Any) -> None:
        if self.journal is not None:
            self.journal.write(event, **fields)

    def start(self) -> str:
        """Find the host running on the port, or start one and wait for it; says which."""
        running = self._probe.query(PROBE)
        if running is None:
            self._spawn()
            assert self.process is not None
            wait_for_host(self._probe, self.process, self.project.var_dir / "log")
            return "started"
        key = self.files.read_key()
        if key is None:
            self.warning = (f"the effects host on 127.0.0.1:{self.port} was not started by this hall and its key "
                            f"({self.files.key_path}) cannot be read: RESET, inputs and enable will be refused")
        else:
            self.key = self.link.key = self._probe.key = key
        self.link.query(PROBE)  # so that the first tick finds it answering
        if running.get("config") != config_digest(self.hall):
            self.warning = (f"the effects host on 127.0.0.1:{self.port} runs another hall configuration "
                            f"('{running.get('hall')}'); restart it to use this one")
        return "running"

    def _spawn(self) -> None:
        self.files.write_key(self.key)
        self.process = start_host(self.project, self.config, self.port, self.options, self.key)
        self._spawned_at = time.monotonic()

    # -- every tick ------------------------------------------------------------------------------

    def _alive(self, now: float) -> bool:
        """Whether a host drives the outputs: the one this hall started runs, or some host answers
        (one this hall did not start; or another that took the port when a restart could not)."""
        if self.process is None:
            return self.link.status() is not None
        if self.process.poll() is None:
            self._dead_since = None
            return True
        if self._dead_since is None:
            self._dead_since = now
        # only an answer since this hall's host died counts: one from before it is no host
        return self.link.status(max_age=now - self._dead_since, every=ASK_WHILE_COVERING) is not None

    def check(self) -> None:
        """Called every tick: cover a lost host with safe values and start another."""
        now = time.monotonic()
        if self._alive(now):
            fresh = self.link.status(max_age=max(0.0, now - self._spawned_at), every=ASK_WHILE_COVERING) \
                if self._fallback is not None else None
            if fresh is not None:
                with self._lock:
                    self._stop_fallback(now)
                self._log("effects_host_back", restarts=self.restarts)
            return
        with self._lock:
            if self._fallback is None:
                code = self.process.returncode if self.process is not None else None
                self._log("effects_host_lost", status=code, note="the hall sends safe values until a new host answers")
            self._safe_now(now)
        if now - self._spawned_at >= RESTART_EVERY:
            with self._lock:
                other = self._probe.query(ADOPT_PROBE)
            if other is not None:  # another host took the port: it drives the outputs from now on
                self.process = None
                self._log("effects_host_adopted", hall=other.get("hall"))
                return
            self.restarts += 1
            self._log("effects_host_restart", attempt=self.restarts)
            self._spawn()

    def _safe_now(self, now: float) -> str | None:
        """Every output's safe values from this process (the lock held); the first output error, if any."""
        if self._fallback is None:
            self._fallback = EffectsHost(self.hall, build_outputs(self.hall, journal=self.journal), self.journal)
            self._fallback.safety.panic()
        self._fallback.refresh(now, force=True)
        errors = [h["last_error"] for h in (o.health() for o in self._fallback.outputs.values()) if not h["ok"]]
        return errors[0] if errors else None

    def _stop_fallback(self, now: float) -> None:
        """The hall's own sending stops (its last frames were safe values); sACN says the stream ends."""
        if self._fallback is not None:
            self._fallback.refresh(now, force=True)
            for out in self._fallback.outputs.values():
                out.close()
            self._fallback = None

    # -- PANIC from any thread -----------------------------------------------------------------------

    def emergency(self) -> PanicResult:
        """PANIC now, from a remote's thread; says whether every output is at its safe value."""
        latched = self.files.latch()
        with self._lock:
            self._probe.panic()
            status = self._probe.query(PROBE)
            if status is not None and status.get("panic"):
                return PanicResult(True, "the effects host holds every effect at its safe value")
            error = self._safe_now(time.monotonic())
        self._log("panic_without_host", error=error, latched=latched)
        if error is not None:
            return PanicResult(False, f"PANIC not carried out: the effects host does not answer and the hall "
                                      f"could not send safe values itself ({error})")
        return PanicResult(True, "the effects host does not answer: the hall sent safe values to every output "
                                 "itself and starts a new host")

    def close(self) -> None:
        """The hall is stopping: its host goes safe and exits; with no host, the hall's own safe values go out."""
        now = time.monotonic()
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()  # the host goes safe and exits on SIGTERM
            try:
                self.process.wait(timeout=STOP_WAIT)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        elif self.process is not None or self.link.status() is None:
            with self._lock:
                self._safe_now(now)
        with self._lock:
            self._stop_fallback(now)
        self.link.close()
        self._probe.close()
