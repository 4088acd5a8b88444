"""The kiosk view, offscreen: touches at screen positions, screens checked by content and pixels."""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from exhibit.quiz.kiosk import MIN_TARGET_PX, Kiosk, KioskSettings, Phase
from exhibit.quiz.store import QuizStore
from exhibit.spec.quiz import Bank

SIZE = (960, 540)  # half of 1080p: sizes are checked as their 1080p equivalents


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def bank(tmp_path: Path) -> Bank:
    from exhibit.quiz.banks import load_bank
    from exhibit.spec.project import Project
    from tests.quiz.banks import write_project

    return load_bank(Project.at(write_project(tmp_path / "content")), "demo")


@pytest.fixture
def store(tmp_path: Path) -> Iterator[QuizStore]:
    with QuizStore(f"sqlite:///{tmp_path / 'quiz.sqlite3'}") as s:
        yield s


@pytest.fixture
def make_view(app: Any, bank: Bank, store: QuizStore) -> Iterator[Any]:
    """``make_view(**settings)``: a kiosk view on an offscreen buffer with a clock the test moves."""
    from exhibit.render.kiosk import KioskView

    made: list[Any] = []

    def make(**settings: Any) -> Any:
        values = {"count": 3, "time_limit": 20.0, "idle_after": 60.0, **settings}
        clock = FakeClock()
        kiosk = Kiosk(bank, KioskSettings(**values), store, rng=random.Random(4), now=0.0)
        view = KioskView(app, kiosk, size=SIZE, clock=clock, capture=True)
        view.test_clock = clock
        made.append(view)
        return view

    yield make
    for view in made:
        view.destroy()


@pytest.fixture
def kiosk_view(make_view: Any) -> Any:
    return make_view()


def frame(view: Any) -> np.ndarray:
    view.render()
    view.render()
    return np.asarray(view.pixels(), dtype=np.int32)


def at(view: Any, image: np.ndarray, x: float, y: float) -> np.ndarray:
    """The pixel at screen coordinates (-1..1, y up)."""
    h, w, _ = image.shape
    col = int(round((x + 1) / 2 * (w - 1)))
    row = int(round((1 - y) / 2 * (h - 1)))
    return image[row, col]


def region(image: np.ndarray, view: Any, rect: tuple[float, float, float, float]) -> np.ndarray:
    """Pixels inside an aspect2d rectangle (left, right, bottom, top)."""
    h, w, _ = image.shape
    left, right, bottom, top = rect
    c0, c1 = int((left / view.ratio + 1) / 2 * w), int((right / view.ratio + 1) / 2 * w)
    r0, r1 = int((1 - top) / 2 * h), int((1 - bottom) / 2 * h)
    return image[r0:r1, c0:c1]


def is_gold(p: np.ndarray) -> bool:
    return bool(p[0] > 220 and 170 < p[1] < 230 and p[2] < 120)


def is_green(p: np.ndarray) -> bool:
    return bool(p[1] > p[0] + 40 and p[1] > p[2] + 40)


def is_orange(p: np.ndarray) -> bool:
    return bool(p[0] > 200 and 70 < p[1] < 140 and p[2] < 90)


def is_background(p: np.ndarray) -> bool:
    return bool(90 < p[0] < 125 and p[1] < 20 and p[2] < 25)


def right_ids(view: Any) -> list[str]:
    return [f"opt:{k}" for k in view.kiosk.round.session.current.correct_shown()]


def test_attract_screen_in_chinese_with_readable_chinese_text(kiosk_view: Any) -> None:
    view = kiosk_view
    assert view.texts()[:2] == ["测试题库", "轻触下方按钮，开始答题"]
    assert [b.label for b in view.buttons()] == ["开始答题", "Start", "无障碍答题：不限时、大字、朗读题目"]
    image = frame(view)
    assert is_gold(at(view, image, *view.center("start:zh")))
    # The title is drawn in the CJK font: many gold pixels where it stands (the default font draws nothing).
    title = region(image, view, (-0.8, 0.8, 0.38, 0.66))
    gold = (title[..., 0] > 200) & (title[..., 1] > 150) & (title[..., 2] < 140)
    assert gold.sum() > 800


def test_a_visitor_plays_a_full_round_in_english_and_finds_their_nickname(
    kiosk_view: Any, store: QuizStore
) -> None:
    view = kiosk_view
    clock = view.test_clock
    assert view.click(*view.center("start:en"))
    assert view.kiosk.phase == Phase.QUESTION
    texts = view.texts()
    assert texts[0] == "中文" and texts[1].startswith("Question 1 of 3")
    for _ in range(3):
        clock.now += 3.0
        ids = right_ids(view)
        for b in ids:
            assert view.click_button(b)
        if len(ids) > 1:
            assert view.click_button("submit")
        texts = view.texts()
        assert any(t.startswith("Correct! +") for t in texts)
        assert any("Why: " in t for t in texts)  # the explanation is on screen
        image = frame(view)
        for b in ids:  # the right options turn green
            assert is_green(at(view, image, *view.center(b)))
        assert view.click_button("next")
    assert view.kiosk.phase == Phase.RESULT
    assert "Your score" in view.texts()
    for key in ("key:S", "key:T", "key:A", "key:R"):
        assert view.click_button(key)
    assert "STAR_" in view.texts()
    assert view.click_button("save")
    texts = view.texts()
    assert texts[0] == "Leaderboard"
    assert "Today" in texts and "This week" in texts
    mine = [t for t in texts if t.startswith("1. STAR  ")]
    assert len(mine) == 2  # on today's and this week's board
    image = frame(view)
    rows = [p for p in view.placed if p.texts and p.texts[0].startswith("1. STAR")]
    for row in rows:  # the visitor's row is highlighted in gold
        x, y = row.rect[0], row.rect[2]
        assert is_gold(at(view, image, (x + 0.01) / view.ratio, y + 0.055))
    assert store.attempt(view.kiosk.attempt_id)["nickname"] == "STAR"


def test_wrong_answer_turns_orange_and_the_right_one_green(kiosk_view: Any) -> None:
    view = kiosk_view
    view.click_button("start:zh")
    current = view.kiosk.round.session.current
    wrong = next(k for k in range(len(current.order)) if k not in current.correct_shown())
    view.click_button(f"opt:{wrong}")
    texts = view.texts()
    assert "回答错误" in texts
    assert any(t.startswith("正确答案：") and "解析：" in t for t in texts)
    image = frame(view)
    assert is_orange(at(view, image, *view.center(f"opt:{wrong}")))
    for b in right_ids(view):
        x, y = view.center(b)
        p = at(view, image, x, y)
        assert is_green(p) or (p[1] > 190 and p[0] < 170)  # the missed right answer: light green


def test_timer_ring_shows_the_time_left(kiosk_view: Any) -> None:
    view = kiosk_view
    clock = view.test_clock
    view.click_button("start:zh")
    cx, cy, r = (
        view.ratio - 0.27,
        0.785,
        0.1325,
    )  # the ring's centre and mid radius (aspect2d units)

    def ring_at(image: np.ndarray, degrees: float) -> np.ndarray:
        a = np.radians(degrees)
        return at(view, image, (cx + r * np.cos(a)) / view.ratio, cy + r * np.sin(a))

    image = frame(view)
    assert "20" in view.texts()
    assert is_gold(ring_at(image, 180)) and is_gold(ring_at(image, 0))  # full ring
    clock.now = 10.0  # half the time gone: the arc runs clockwise from the top to the bottom
    view.sync()
    image = frame(view)
    assert "10" in view.texts()
    assert is_gold(ring_at(image, 0))  # 3 o'clock: still there
    assert is_background(ring_at(image, 180))  # 9 o'clock: gone
    clock.now = 20.0
    view.sync()
    assert view.kiosk.phase == Phase.FEEDBACK and "时间到" in view.texts()


def test_idle_warning_counts_down_and_a_touch_anywhere_continues(make_view: Any) -> None:
    view = make_view(time_limit=None)
    clock = view.test_clock
    view.click_button("start:zh")
    clock.now = 59.0
    view.sync()
    assert not any(t.startswith("还在吗") for t in view.texts())
    clock.now = 60.0
    view.sync()
    assert "还在吗？轻触屏幕继续（20 秒）" in view.texts()
    image = frame(view)
    assert at(view, image, 0.9, -0.9).max() < 40  # the screen is dimmed under the warning
    clock.now = 70.0
    view.sync()
    assert "还在吗？轻触屏幕继续（10 秒）" in view.texts()
    assert view.click(0.8, 0.7)  # anywhere
    assert not any(t.startswith("还在吗") for t in view.texts())
    assert view.kiosk.phase == Phase.QUESTION


def test_idle_reset_returns_to_the_attract_loop(kiosk_view: Any, store: QuizStore) -> None:
    view = kiosk_view
    clock = view.test_clock
    view.click_button("start:en")
    for t in (20.0, 80.0, 100.0):  # time out, idle warning, reset
        clock.now = t
        view.sync()
    assert view.kiosk.phase == Phase.ATTRACT
    assert view.texts()[1] == "轻触下方按钮，开始答题"
    assert store.counts() == (1, 1)  # the walked-away round is stored, not completed


def test_every_touch_target_is_at_least_44_px_at_1080p(kiosk_view: Any) -> None:
    view = kiosk_view
    clock = view.test_clock
    scale = 1080 / SIZE[1]
    seen_phases = set()

    def check() -> None:
        seen_phases.add(view.kiosk.phase)
        for b in view.buttons():
            w, h = view.size_px(b.id)
            assert w * scale >= MIN_TARGET_PX and h * scale >= MIN_TARGET_PX, (
                b.id,
                w * scale,
                h * scale,
            )

    check()
    view.click_button("start:zh")
    while view.kiosk.phase in (Phase.QUESTION, Phase.FEEDBACK):
        check()
        if view.kiosk.phase == Phase.QUESTION:
            clock.now += 30.0
            view.sync()
        else:
            view.click_button("next")
    check()
    view.click_button("key:A")
    view.click_button("save")
    check()
    assert seen_phases == set(Phase)


def test_disabled_buttons_ignore_touches(make_view: Any) -> None:
    view = make_view(count=1, category="建党", mix={3: 1})
    view.click_button("start:en")
    assert view.kiosk.round.session.current.multiple
    assert not view.click_button("submit")  # nothing chosen yet
    assert view.kiosk.phase == Phase.QUESTION
    assert not view.click(0.0, -0.99)  # no button there


def _text_height(image: np.ndarray, view: Any, rect: tuple[float, float, float, float]) -> int:
    """Rows from the top of the light text in ``rect`` to its bottom."""
    lit = np.flatnonzero((region(image, view, rect).min(axis=2) > 200).any(axis=1))
    assert lit.size, "no text there"
    return int(lit[-1] - lit[0] + 1)


def test_the_accessible_mode_is_untimed_large_high_contrast_and_read_aloud(make_view: Any) -> None:
    import shutil

    timed, calm = make_view(), make_view()
    calm.click_button("access")
    for view in (timed, calm):
        view.click_button("start:zh")
    assert timed.kiosk.screen().heading == calm.kiosk.screen().heading and timed.kiosk.timer(0.0) is not None
    assert calm.kiosk.timer(0.0) is None and calm._ring_text is None, "no ring, no time limit"
    usual, image = frame(timed), frame(calm)
    assert (image[5, 5] == 0).all() and is_background(usual[5, 5]), "black behind everything"
    # the question (one line here), white on black, in type 1.3 times the usual height
    stem = (-timed.ratio + 0.12, 0.0, 0.45, 0.78)  # left of the timed view's ring
    ratio = _text_height(image, calm, stem) / _text_height(usual, timed, stem)
    assert 1.15 < ratio < 1.45, ratio
    # answers: black on white cards
    card = region(image, calm, calm.rect("opt:0"))
    light = card.min(axis=2) > 240
    dark = card.max(axis=2) < 15
    assert light.mean() > 0.6 and dark.mean() > 0.01
    # read aloud with the placeholder voice
    if shutil.which("espeak-ng") is None:
        pytest.skip("espeak-ng is not installed")
    from exhibit.narration import audiofile

    assert calm.reader is not None and timed.reader is None
    text, wav = calm.reader.said[0]
    assert text.startswith(calm.kiosk.screen().title)
    clip = audiofile.read(wav)
    assert clip.duration > 1.0 and float(np.sqrt(np.mean(clip.samples**2))) > 0.01
    calm.click_button("opt:0")
    assert len(calm.reader.said) == 1, "said once per question, not on every touch"


def decode_frame(image: np.ndarray) -> list[str]:
    import zxingcpp

    grey = image[..., :3].mean(axis=2).astype(np.uint8)
    return [str(found.text) for found in zxingcpp.read_barcodes(grey)]


@pytest.mark.parametrize("size", [SIZE, (1024, 768)])  # 16:9, and a 4:3 screen where the code is smaller
def test_the_start_screen_shows_the_code_that_opens_the_phone_quiz(app: Any, bank: Bank, store: QuizStore,
                                                                   size: tuple[int, int]) -> None:
    from exhibit.render.kiosk import KioskView

    kiosk = Kiosk(bank, KioskSettings(count=3), store, rng=random.Random(4), now=0.0)
    view = KioskView(app, kiosk, size=size, clock=FakeClock(), capture=True, quiz_url="http://192.168.10.2:8080/quiz")
    try:
        image = frame(view)
        assert decode_frame(image) == ["http://192.168.10.2:8080/quiz"]
        assert "扫码用手机答题" in view.texts()
    finally:
        view.destroy()


def test_without_an_address_the_start_screen_has_no_code(kiosk_view: Any) -> None:
    assert decode_frame(frame(kiosk_view)) == []
