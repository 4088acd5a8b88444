"""The web tests: a hall with the web application on a free port, a question bank, and one
headless chromium (Debian's, driven by playwright) for the whole session."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.effects.conftest import olad  # noqa: F401 - the effects tests' real olad, for PANIC on the wire
from tests.hall.live import LiveHall, live_hall
from tests.quiz.banks import BANK_YAML

CHROMIUM = "/usr/bin/chromium"
TOKEN = "Vb3kQ9xZr7LmN2pT5sWd8yHc"  # 24 random characters, as secrets.token_urlsafe(18) gives
PHONE = {"width": 390, "height": 844}
TABLET_LANDSCAPE = {"width": 1280, "height": 800}
TABLET_PORTRAIT = {"width": 800, "height": 1280}


def with_bank(root: Path) -> None:
    (root / "quiz").mkdir(parents=True, exist_ok=True)
    (root / "quiz" / "demo.yaml").write_text(BANK_YAML, encoding="utf-8")


@pytest.fixture
def web(tmp_path: Path) -> Iterator[LiveHall]:
    """A hall on loopback with no token (the default), a bank of five questions, 20 s each."""
    with_bank(tmp_path)
    with live_hall(tmp_path, quiz={"questions": 3, "time_limit": 20}) as hall:
        yield hall


@pytest.fixture
def public_web(tmp_path: Path) -> Iterator[LiveHall]:
    """A hall open to its LAN: the console behind the token, the quiz and the board public."""
    with_bank(tmp_path)
    with live_hall(tmp_path, token=TOKEN, http={"bind": "0.0.0.0", "public": ["quiz", "board"]},
                   quiz={"questions": 3, "time_limit": 1}) as hall:
        yield hall


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists() and shutil.which("chromium") is None:
        pytest.skip("chromium is not installed (Debian package 'chromium'; scripts/setup installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, headless=True)
        try:
            yield chromium
        finally:
            chromium.close()
