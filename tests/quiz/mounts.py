"""Folders a test cannot write: a read-only tmpfs mount, a small tmpfs to fill (as root)."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest


def mount_tmpfs(where: Path, options: str) -> bool:
    where.mkdir(parents=True, exist_ok=True)
    if os.geteuid() != 0:
        return False
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(where)], capture_output=True)
    return done.returncode == 0


@contextmanager
def readonly_folder(where: Path) -> Iterator[Path]:
    """A folder this process cannot write: a read-only mount, else one without write permission."""
    if mount_tmpfs(where, "ro,size=1m"):
        try:
            yield where
        finally:
            subprocess.run(["umount", str(where)], check=True)
    elif os.geteuid() != 0:
        where.chmod(0o555)
        try:
            yield where
        finally:
            where.chmod(0o755)
    else:
        pytest.skip("root without 'mount': no way to make a folder read-only here")


@contextmanager
def small_tmpfs(where: Path, size: str = "16m") -> Iterator[Path]:
    """A small disk of its own to fill (16 MB leaves room for SQLite's write-ahead log)."""
    if not mount_tmpfs(where, f"size={size}"):
        pytest.skip("needs root and 'mount -t tmpfs' for a small disk")
    try:
        yield where
    finally:
        subprocess.run(["umount", str(where)], check=True)
