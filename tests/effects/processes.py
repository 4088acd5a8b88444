"""Processes the wire tests start: the effects host (``exhibit effects serve``) and a hall."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import yaml

from exhibit.effects.authority import HostFiles
from exhibit.effects.link import UdpLink

EXHIBIT = [sys.executable, "-m", "exhibit"]


def write_project(root: Path, hall: dict[str, Any], scenes: dict[str, dict[str, Any]]) -> Path:
    """A content root with ``hall.yaml`` and ``scenes/NAME.yaml``; returns the hall file."""
    (root / "scenes").mkdir(parents=True, exist_ok=True)
    for name, scene in scenes.items():
        (root / "scenes" / f"{name}.yaml").write_text(yaml.safe_dump(scene, allow_unicode=True), encoding="utf-8")
    path = root / "hall.yaml"
    path.write_text(yaml.safe_dump(hall, allow_unicode=True), encoding="utf-8")
    return path


def exhibit(root: Path, *args: str, timeout: float = 30) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*EXHIBIT, "--root", str(root), *args], capture_output=True, text=True, timeout=timeout)


def host_key(root: Path, port: int) -> str:
    """The key of the effects host on ``port`` (written to the content root's var/run), which an
    operator's link needs to clear a PANIC, set an input or enable an effect."""
    key = HostFiles(root / "var", port).read_key()
    assert key is not None, f"no key file for the effects host on port {port}"
    return key


@contextmanager
def effects_host(root: Path, hall_path: Path, port: int) -> Iterator[subprocess.Popen[bytes]]:
    """``exhibit effects serve`` on ``port``, answering before the block starts; SIGTERM after."""
    process = subprocess.Popen([*EXHIBIT, "--root", str(root), "effects", "serve", "--config", str(hall_path),
                                "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    link = UdpLink(port)
    try:
        deadline = time.monotonic() + 15
        while link.query(0.2) is None:
            if process.poll() is not None or time.monotonic() > deadline:
                err = process.stderr.read().decode() if process.stderr else ""
                raise AssertionError(f"the effects host did not start: {err}")
        yield process
    finally:
        link.close()
        if process.poll() is None:
            os.kill(process.pid, signal.SIGTERM)
            process.wait(10)
        if process.stderr is not None:
            process.stderr.close()
