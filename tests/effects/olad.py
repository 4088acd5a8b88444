"""A real OLA daemon for the tests: Art-Net and E1.31 (sACN) received on this PC, read back over HTTP.

Debian package ``ola``. olad refuses to run as root, so as root it is started as the
``olad`` user (or ``nobody``) with ``runuser``. Only the Art-Net and E1.31 plugins are
enabled; the ports are patched in ``ola-port.conf`` before the daemon starts:

- Art-Net input port 1 (Art-Net universe 0:0:1) -> OLA universe :data:`ARTNET_UNIVERSE`
- E1.31 input port 0, which then listens to sACN universe 2 -> OLA universe :data:`SACN_UNIVERSE`

The E1.31 plugin binds 0.0.0.0:5568, so unicast to 127.0.0.1 reaches it, and joins the
multicast groups of its universes on one interface: the one its ``ip`` names, but never a
loopback one (olad 0.10.9 logs "Skipping lo because it's a loopback" and takes the first
other interface instead).

The HTTP and RPC ports are free ports chosen per run; Art-Net (6454) and sACN (5568) are
fixed by their standards, so one daemon at a time holds them (a file lock makes parallel
test workers take turns).
"""

from __future__ import annotations

import fcntl
import http.client
import json
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

ARTNET_UNIVERSE = 1
SACN_UNIVERSE = 2
LOCK_PATH = Path("/tmp/exhibit-tests-olad.lock")
START_TIMEOUT = 15.0
OTHER_PLUGINS = ("dummy", "espnet", "ftdidmx", "gpio", "karate", "kinet", "milinst", "opendmx", "openpixelcontrol",
                 "osc", "pathport", "renard", "sandnet", "shownet", "spi", "stageprofi", "uartdmx", "usbdmx",
                 "usbserial", "nanoleaf", "dmx4linux")
ARTNET_CONF = """enabled = true
ip = 127.0.0.1
use_loopback = true
net = 0
subnet = 0
output_ports = 4
short_name = exhibit-test
long_name = exhibit test receiver
always_broadcast = false
use_limited_broadcast = false
"""
E131_CONF = """enabled = true
ip = {ip}
input_ports = 2
output_ports = 0
cid = 7b1f0a52-3c1e-4a9e-9a1d-5e0f6d2c8a11
draft_discovery = false
dscp = 0
ignore_preview = true
prepend_hostname = false
revision = 0.46
"""
# plugin 2 = Art-Net, plugin 11 = E1.31; device 1; I = input port
PORT_CONF = f"""2-1-I-1 = {ARTNET_UNIVERSE}
11-1-I-0 = {SACN_UNIVERSE}
"""


def free_port(kind: int = socket.SOCK_STREAM) -> int:
    with socket.socket(socket.AF_INET, kind) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _run_as() -> list[str]:
    if os.geteuid() != 0:
        return []
    runuser = shutil.which("runuser")
    if runuser is None:
        pytest.skip("running as root and 'runuser' is missing: olad will not run as root")
    for user in ("olad", "nobody"):
        try:
            pwd.getpwnam(user)
        except KeyError:
            continue
        return [runuser, "-u", user, "--"]
    pytest.skip("running as root with neither an 'olad' nor a 'nobody' user to run olad as")


class Olad:
    """olad with its E1.31 plugin on ``e131_ip``: where it receives unicast and joins the sACN multicast groups."""

    def __init__(self, e131_ip: str = "127.0.0.1") -> None:
        binary = shutil.which("olad")
        if binary is None:
            pytest.skip("olad is not installed (Debian package 'ola')")
        # Not under pytest's own temp folder: that one is private to the user running the tests.
        self.root = Path(tempfile.mkdtemp(prefix="exhibit-olad-"))
        confdir = self.confdir = self.root / "conf"
        confdir.mkdir()
        for plugin in OTHER_PLUGINS:
            (confdir / f"ola-{plugin}.conf").write_text("enabled = false\n")
        (confdir / "ola-artnet.conf").write_text(ARTNET_CONF)
        (confdir / "ola-e131.conf").write_text(E131_CONF.format(ip=e131_ip))
        (confdir / "ola-port.conf").write_text(PORT_CONF)
        prefix = _run_as()
        if prefix:
            user = prefix[2]
            info = pwd.getpwnam(user)
            for path in [self.root, confdir, *confdir.iterdir()]:
                os.chown(path, info.pw_uid, info.pw_gid)
        self.http_port = free_port()
        self.rpc_port = free_port()
        self.command = [*prefix, binary, "-c", str(confdir), "-i", "127.0.0.1", "-p", str(self.http_port),
                        "-r", str(self.rpc_port), "--no-register-with-dns-sd", "--no-http-quit", "-l", "2"]
        self.log = self.root / "olad.log"
        self._log_fh = self.log.open("wb")
        self.process = subprocess.Popen(self.command, stdin=subprocess.DEVNULL, stdout=self._log_fh,
                                        stderr=subprocess.STDOUT, start_new_session=True)
        self._local = threading.local()
        self._wait_ready()

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                if self.get_json("/json/universe_plugin_list") is not None and self.ports_patched():
                    return
            except (OSError, http.client.HTTPException, ValueError):
                pass
            time.sleep(0.1)
        log = self.log.read_text(errors="replace")[-2000:]
        self.stop()
        pytest.fail(f"olad did not start ({' '.join(self.command)}):\n{log}")

    def ports_patched(self) -> bool:
        universes = {u["id"] for u in (self.get_json("/json/universe_plugin_list") or {}).get("universes", [])}
        return {ARTNET_UNIVERSE, SACN_UNIVERSE} <= universes

    def _connection(self) -> http.client.HTTPConnection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._local.conn = http.client.HTTPConnection("127.0.0.1", self.http_port, timeout=2)
        return conn

    def get_json(self, path: str) -> dict | None:  # type: ignore[type-arg]
        conn = self._connection()
        try:
            conn.request("GET", path)
            response = conn.getresponse()
            body = response.read()
        except (OSError, http.client.HTTPException):
            conn.close()
            self._local.conn = None
            raise
        if response.status != 200:
            return None
        return json.loads(body)  # type: ignore[no-any-return]

    def dmx(self, universe: int) -> list[int]:
        """The universe's current slots as OLA holds them (empty before the first packet)."""
        data = self.get_json(f"/get_dmx?u={universe}") or {}
        return list(data.get("dmx", []))

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)  # runuser and olad: the group started here
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(5)
        self._log_fh.close()
        shutil.rmtree(self.root, ignore_errors=True)


class Sampler:
    """Polls one universe as fast as OLA answers, recording (monotonic time, slots)."""

    def __init__(self, olad: Olad, universe: int) -> None:
        self.olad = olad
        self.universe = universe
        self.samples: list[tuple[float, list[int]]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> Sampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(5)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                values = self.olad.dmx(self.universe)
            except (OSError, http.client.HTTPException, ValueError):
                time.sleep(0.01)
                continue
            self.samples.append((time.monotonic(), values))
            time.sleep(0.002)

    def first(self, slot: int, predicate: Callable[[int], bool], after: float = 0.0) -> float | None:
        """Time of the first sample after ``after`` whose ``slot`` (1-based) satisfies ``predicate``."""
        for t, values in self.samples:
            if t >= after and len(values) >= slot and predicate(values[slot - 1]):
                return t
        return None

    def series(self, slot: int) -> list[tuple[float, int]]:
        return [(t, v[slot - 1]) for t, v in self.samples if len(v) >= slot]


def wait_until(predicate: Callable[[], object], timeout: float = 3.0, step: float = 0.005) -> float | None:
    """Monotonic time at which ``predicate()`` first held, or None on timeout."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return time.monotonic()
        time.sleep(step)
    return None


@contextmanager
def running_olad(e131_ip: str = "127.0.0.1") -> Iterator[Olad]:
    with LOCK_PATH.open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # Art-Net and sACN ports are fixed: one daemon at a time
        olad = Olad(e131_ip)
        try:
            yield olad
        finally:
            olad.stop()
