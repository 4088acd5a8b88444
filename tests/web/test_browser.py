"""The console, the phone quiz and the board in a real browser (Debian's chromium, headless)."""

from __future__ import annotations

import io
import re
import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import zxingcpp
from PIL import Image

from tests.effects.olad import ARTNET_UNIVERSE, Olad, free_port, wait_until
from tests.effects.processes import EXHIBIT, write_project
from tests.effects.test_wire import HALL as WIRE_HALL
from tests.effects.test_wire import SCENE as WIRE_SCENE
from tests.hall.live import LiveHall, eventually
from tests.web.conftest import PHONE, TABLET_LANDSCAPE, TABLET_PORTRAIT
from tests.web.test_phone_api import correct_choice

pytestmark = pytest.mark.slow


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport=TABLET_LANDSCAPE)
    try:
        yield context.new_page()
    finally:
        context.close()


def seconds(text: str) -> int:
    m, s = text.split(":")
    return int(m) * 60 + int(s)


def test_go_on_the_console_and_the_show_time_moves(web: LiveHall, page: Any) -> None:
    page.goto(f"http://127.0.0.1:{web.http.port}/console")
    page.wait_for_function("() => document.getElementById('scene-select').options.length === 3")
    bars = "() => Object.fromEntries([...document.querySelectorAll('.channel')].map(" \
           "c => [c.dataset.name, c.querySelector('.bar div').getBoundingClientRect().width]))"
    page.wait_for_function("() => document.querySelectorAll('.channel').length === 4")
    assert set(page.evaluate(bars).values()) == {0}  # nothing on: every bar empty
    page.select_option("#scene-select", "beta")
    page.select_option("#lang-select", "en")
    page.click("#go")
    page.wait_for_function("() => document.getElementById('show-time').textContent === '0:02'", timeout=5000)
    assert page.inner_text("#scene") == "beta" and page.inner_text("#lang") == "(en)"
    first = seconds(page.inner_text("#show-time"))
    page.wait_for_timeout(1300)
    assert seconds(page.inner_text("#show-time")) > first
    assert float(page.eval_on_selector("#progress", "e => parseFloat(e.style.width)")) > 0
    page.wait_for_function("() => Number(document.querySelector('.channel[data-name=mist]').dataset.level) > 0.4")
    widths = page.evaluate(bars)
    assert widths["mist"] > 0 and widths["wind"] == 0  # the mist cue at 2 s, at half its channel's bar
    # STOP during a show asks first
    page.click("#stop")
    assert page.is_visible("#confirm")
    page.click("#confirm-no")
    assert web.control.status()["state"] == "show"
    page.click("#stop")
    page.click("#confirm-yes")
    assert eventually(lambda: web.control.status()["state"] == "postshow")
    page.wait_for_function("() => document.getElementById('state').textContent.startsWith('散场')"
                           " || document.getElementById('state').textContent.startsWith('Postshow')")


def test_go_with_the_audio_description_and_the_accessible_quiz_from_the_console(web: LiveHall, page: Any) -> None:
    page.goto(f"http://127.0.0.1:{web.http.port}/console")
    page.wait_for_function("() => document.getElementById('scene-select').options.length === 3")
    page.select_option("#scene-select", "beta")
    page.select_option("#lang-select", "en")
    page.check("#ad")
    page.check("#accessible")
    page.click("#go")
    page.wait_for_function("() => document.getElementById('lang').textContent.startsWith('(en, AD, ')", timeout=5000)
    assert page.inner_text("#lang") in ("(en, AD, 无障碍答题)", "(en, AD, Accessible quiz)")
    status = web.control.status()
    assert (status["audio_description"], status["accessible_quiz"]) == (True, True)
    assert web.control.playback.accessible_quiz is True  # what the show's quiz is asked in
    page.click("#stop")
    page.click("#confirm-yes")
    assert eventually(lambda: web.control.status()["state"] == "postshow")


@pytest.mark.parametrize("viewport", [TABLET_LANDSCAPE, TABLET_PORTRAIT], ids=["landscape", "portrait"])
def test_panic_is_always_on_screen_in_both_languages(web: LiveHall, browser: Any, viewport: dict[str, int]) -> None:
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    try:
        page.goto(f"http://127.0.0.1:{web.http.port}/console")
        page.wait_for_function("() => document.getElementById('hall-name').textContent === 'test_hall'")
        page.mouse.wheel(0, 3000)  # scrolled to the journal: PANIC stays in reach
        page.wait_for_timeout(200)
        box = page.locator("#panic").bounding_box()
        assert box is not None and box["width"] >= 160 and box["height"] >= 64
        assert 0 <= box["x"] and box["x"] + box["width"] <= viewport["width"]
        assert 0 <= box["y"] and box["y"] + box["height"] <= viewport["height"]
        texts = {page.inner_text("#panic")}
        page.click("#ui-lang")
        texts.add(page.inner_text("#panic"))
        assert texts == {"紧急停止", "PANIC"}
    finally:
        context.close()


@pytest.fixture
def wired_hall(tmp_path: Path, olad: Olad) -> Iterator[int]:
    """``exhibit hall`` with its effects host on Art-Net to a real olad, a show of wind playing."""
    http_port, effects_port = free_port(), free_port()
    write_project(tmp_path, {**WIRE_HALL, "remote": {"http": {"port": http_port}}}, {"gale": WIRE_SCENE})
    hall = subprocess.Popen([*EXHIBIT, "--root", str(tmp_path), "hall", "--headless", "--no-sync", "--no-schedule",
                             "--go", "gale", "--effects-port", str(effects_port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        assert wait_until(lambda: (olad.dmx(ARTNET_UNIVERSE) or [0])[0] == 204, timeout=20), "no show on the wire"
        yield http_port
    finally:
        hall.send_signal(signal.SIGTERM)
        hall.wait(15)
        if hall.stderr is not None:
            hall.stderr.close()


def test_panic_on_the_console_is_safe_on_the_wire_and_on_the_screen(wired_hall: int, olad: Olad, page: Any) -> None:
    page.goto(f"http://127.0.0.1:{wired_hall}/console")
    page.wait_for_function("() => document.querySelector('.channel[data-name=wind]')"
                           " && Number(document.querySelector('.channel[data-name=wind]').dataset.level) > 0.7")
    # the page notes when the PANIC button is pressed and when every channel first shows it held safe
    page.evaluate("""() => {
        const safe = () => [...document.querySelectorAll('.channel')].every(
            c => Number(c.dataset.level) === 0 && c.textContent.includes('PANIC'));
        document.getElementById('panic').addEventListener('pointerdown', () => { window.pressed = performance.now(); });
        new MutationObserver(() => { if (window.pressed && !window.shown && safe()) window.shown = performance.now(); })
            .observe(document.getElementById('channels'), {childList: true, subtree: true});
    }""")
    page.click("#panic")
    # on the wire: every Art-Net slot the hall drives at its safe value (0)
    assert wait_until(lambda: olad.dmx(ARTNET_UNIVERSE)[:5] == [0] * 5, timeout=1.0)
    # on the console: every channel at 0, held by the PANIC, the banner up, within half a second of the press
    page.wait_for_function("() => window.shown !== undefined", timeout=3000)
    assert page.evaluate("() => window.shown - window.pressed") < 500
    assert page.locator(".channel").count() == len(WIRE_HALL["effects"])
    assert page.is_visible("#banner") and "PANIC" in page.inner_text("#state")


def decode_qr(png: bytes) -> str:
    image = np.asarray(Image.open(io.BytesIO(png)).convert("L"))
    [found] = zxingcpp.read_barcodes(image)
    return str(found.text)


def test_scan_the_qr_answer_on_a_phone_and_see_the_board(web: LiveHall, browser: Any) -> None:
    base = f"http://127.0.0.1:{web.http.port}"
    big_screen = browser.new_context(viewport={"width": 1920, "height": 1080})
    phone = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    try:
        board = big_screen.new_page()
        board.goto(f"{base}/board")
        board.wait_for_function("() => document.getElementById('attempts').textContent === '0'")
        url = decode_qr(board.request.get(f"{base}/quiz/qr.png").body())
        assert url == f"{base}/quiz"
        page = phone.new_page()
        page.goto(url)
        page.click("[data-lang=en]")
        page.click("#start")
        answer_every_question(page, web)
        page.fill("#nickname", "红星")  # 红 is in no font of this machine's: the hall's own font draws it
        page.click("#save")
        page.wait_for_function("() => document.getElementById('saved').textContent.includes('红星')")
        board.wait_for_function("() => document.getElementById('ranking').textContent.includes('红星')",
                                timeout=10000)
        assert board.inner_text("#attempts") == "1"
        assert two_glyphs_differ(board.locator("#ranking td", has_text="红星")), "the nickname is two empty boxes"
        assert re.search(r"Score \d+ / \d+", page.inner_text("#result"))
    finally:
        phone.close()
        big_screen.close()


def two_glyphs_differ(cell: Any) -> bool:
    """Whether the two characters in ``cell`` are drawn as two different glyphs: characters
    that no font has are the same empty box, side by side."""
    import io

    import numpy as np
    from PIL import Image

    image = np.asarray(Image.open(io.BytesIO(cell.screenshot())).convert("L"), dtype=int)
    ink = image > image.mean() + 60
    cols = np.nonzero(ink.any(axis=0))[0]
    rows = np.nonzero(ink.any(axis=1))[0]
    glyphs = ink[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1]
    half = glyphs.shape[1] // 2
    left, right = glyphs[:, :half], glyphs[:, glyphs.shape[1] - half :]
    return int((left != right).sum()) > 0.1 * left.size


def answer_every_question(page: Any, hall: LiveHall) -> None:
    for _ in range(3):
        page.wait_for_selector("#question-screen:not([hidden]) .option")
        question = page.evaluate("({stem: document.getElementById('stem').textContent,"
                                 " options: [...document.querySelectorAll('.option')].map("
                                 "  b => b.textContent.slice(3))})")
        choice = correct_choice(hall, question)
        for k in choice:
            page.click(f".option[data-index='{k}']")
        if page.is_visible("#submit"):
            page.click("#submit")
        page.wait_for_selector("#next:not([hidden])")
        assert page.inner_text("#feedback").startswith("Correct")
        page.click("#next")
    page.wait_for_selector("#result-screen:not([hidden])")


def test_the_accessible_mode_on_a_phone(web: LiveHall, browser: Any) -> None:
    phone = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    try:
        page = phone.new_page()
        page.goto(f"http://127.0.0.1:{web.http.port}/quiz")
        page.click("[data-lang=en]")
        normal = page.eval_on_selector("body", "b => parseFloat(getComputedStyle(b).fontSize)")
        page.check("#accessible")
        page.click("#start")
        page.wait_for_selector(".option")
        style = page.eval_on_selector("body", "b => [parseFloat(getComputedStyle(b).fontSize),"
                                              " getComputedStyle(b).backgroundColor, getComputedStyle(b).color]")
        assert style[0] >= 1.4 * normal and style[1:] == ["rgb(0, 0, 0)", "rgb(255, 255, 255)"]
        assert page.is_hidden("#timer") and page.is_visible("#read-aloud")
        round_id = page.evaluate("round")
        spoken = page.request.get(f"http://127.0.0.1:{web.http.port}/quiz/api/speech?round={round_id}")
        if spoken.status != 503:  # 503: no espeak-ng on this machine
            assert spoken.status == 200 and spoken.body()[:4] == b"RIFF"
    finally:
        phone.close()
