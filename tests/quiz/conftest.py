"""Fixtures for the quiz tests: a small content root, and a real PostgreSQL 15 server.

The server is started once per test session from the Debian binaries, in a temporary
folder, on 127.0.0.1 and a free port; each test gets its own database. initdb refuses
to run as root, so as root the server runs as the unprivileged user 'nobody'.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from exhibit.spec.quiz import Bank
from tests.quiz.banks import write_project

PG_BIN = Path(os.environ.get("EXHIBIT_PG_BIN", "/usr/lib/postgresql/15/bin"))


@pytest.fixture
def project_root(tmp_path: Path) -> Path:
    return write_project(tmp_path / "content")


@pytest.fixture
def bank(project_root: Path) -> Bank:
    from exhibit.quiz.banks import load_bank
    from exhibit.spec.project import Project

    return load_bank(Project.at(project_root), "demo")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """A PostgreSQL server for this test run; yields the URL of its admin database."""
    if not (PG_BIN / "initdb").exists():
        pytest.skip(
            f"PostgreSQL 15 is not installed ({PG_BIN}/initdb missing; apt-get install postgresql)"
        )
    base = Path(tempfile.mkdtemp(prefix="exhibit-pg-"))
    prefix: list[str] = []
    if os.geteuid() == 0:
        user = pwd.getpwnam("nobody")
        os.chown(base, user.pw_uid, user.pw_gid)
        prefix = ["runuser", "-u", "nobody", "--"]
    data = base / "data"
    port = _free_port()
    env = {**os.environ, "LC_ALL": "C"}
    subprocess.run(
        [
            *prefix,
            str(PG_BIN / "initdb"),
            "-D",
            str(data),
            "-U",
            "postgres",
            "--auth=trust",
            "-E",
            "UTF8",
            "--no-locale",
            "--no-sync",
        ],
        check=True,
        capture_output=True,
        env=env,
    )
    options = f"-p {port} -k {base} -c listen_addresses=127.0.0.1 -c max_connections=40"
    subprocess.run(
        [
            *prefix,
            str(PG_BIN / "pg_ctl"),
            "-D",
            str(data),
            "-l",
            str(base / "log"),
            "-w",
            "-t",
            "30",
            "-o",
            options,
            "start",
        ],
        check=True,
        capture_output=True,
        env=env,
    )
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(
            [*prefix, str(PG_BIN / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"],
            capture_output=True,
            env=env,
        )
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture
def pg_url(postgres_server: str) -> Iterator[str]:
    """A fresh, empty database on the test server."""
    import psycopg

    name = f"quiz_{uuid.uuid4().hex[:12]}"
    admin = postgres_server.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield postgres_server.rsplit("/", 1)[0] + f"/{name}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'var' / 'quiz.sqlite3'}"
    return str(request.getfixturevalue("pg_url"))


@pytest.fixture
def readonly(tmp_path: Path) -> Iterator[Path]:
    """A folder the test cannot write (see tests.quiz.mounts)."""
    from tests.quiz.mounts import readonly_folder

    with readonly_folder(tmp_path / "ro") as where:
        yield where


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 16 MB disk of its own, to fill (see tests.quiz.mounts)."""
    from tests.quiz.mounts import small_tmpfs

    with small_tmpfs(tmp_path / "disk") as where:
        yield where
