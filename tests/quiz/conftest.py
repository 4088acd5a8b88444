"""Fixtures for the quiz tests: small banks, and a real PostgreSQL 15 server.

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
import textwrap
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

PG_BIN = Path(os.environ.get("EXHIBIT_PG_BIN", "/usr/lib/postgresql/15/bin"))

BANK_YAML = textwrap.dedent("""\
    bank: demo
    title: {zh: 测试题库, en: Test bank}
    questions:
      - id: boat
        type: single
        category: 建党
        difficulty: 1
        tags: [nanhu, "1921"]
        stem: {zh: 中共一大最后一天的会议转移到了哪里？, en: Where did the last day of the First Congress move to?}
        options:
          - {zh: 嘉兴南湖的一艘游船上, en: A boat on South Lake}
          - {zh: 杭州西湖, en: West Lake}
          - {zh: 上海博文女校, en: Bowen Girls' School}
        answer: A
        explanation: {zh: 会议转移到嘉兴南湖的游船上举行。, en: The meeting moved to a boat on South Lake.}
        source: test
      - id: founding_year
        type: single
        category: 建党
        difficulty: 2
        tags: [nanhu]
        stem: {zh: 中国共产党成立于哪一年？, en: In which year was the Party founded?}
        options: ["1919", "1921", "1927", "1949"]
        answer: B
        explanation: {zh: 1921年。, en: In 1921.}
        source: test
      - id: two_cities
        type: multiple
        category: 建党
        difficulty: 3
        tags: [nanhu]
        stem: {zh: 中共一大在哪两座城市举行？, en: In which two cities did the First Congress meet?}
        options:
          - {zh: 上海, en: Shanghai}
          - {zh: 北京, en: Beijing}
          - {zh: 嘉兴, en: Jiaxing}
          - {zh: 广州, en: Guangzhou}
        answer: [A, C]
        explanation: {zh: 上海和嘉兴。, en: Shanghai and Jiaxing.}
        source: test
      - id: zunyi_year
        type: truefalse
        category: 长征
        difficulty: 2
        tags: [long_march]
        stem: {zh: 遵义会议于1935年召开。, en: The Zunyi Conference was held in 1935.}
        answer: true
        explanation: {zh: 1935年1月。, en: In January 1935.}
        source: test
      - id: luding
        type: single
        category: 长征
        difficulty: 4
        tags: [long_march]
        stem: {zh: 飞夺泸定桥发生在哪一年？, en: In which year was the Luding Bridge taken?}
        options: ["1934", "1935", "1936"]
        answer: B
        explanation: {zh: 1935年5月。, en: In May 1935.}
        source: test
      - id: draft_one
        type: single
        stem: {zh: 草稿, en: Draft}
        options: [a, b]
        answer: A
        status: draft
        source: test
        explanation: x
    """)


def write_project(root: Path, bank: str = BANK_YAML, hall: str | None = None) -> Path:
    (root / "quiz").mkdir(parents=True, exist_ok=True)
    (root / "scenes").mkdir(exist_ok=True)
    (root / "quiz" / "demo.yaml").write_text(bank, encoding="utf-8")
    if hall is not None:
        (root / "hall.yaml").write_text(hall, encoding="utf-8")
    return root


@pytest.fixture
def project_root(tmp_path: Path) -> Path:
    return write_project(tmp_path / "content")


@pytest.fixture
def bank(project_root: Path):  # type: ignore[no-untyped-def]
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
