"""The in-world quiz panel: a card in a 3D scene, answered by pointing or by focus and select."""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from exhibit.quiz.draw import DrawRequest
from exhibit.quiz.session import QuizSession, start_session
from exhibit.quiz.store import QuizStore
from exhibit.spec.quiz import Bank

SIZE = (640, 360)


@dataclass
class World:
    """A 3D scene of our own: a root, a perspective camera at the origin looking along +Y."""

    app: Any
    output: Any
    root: Any
    camera: Any
    capture: Any

    def frame(self) -> np.ndarray:
        self.app.render_frame()
        self.app.render_frame()
        return np.asarray(self.capture.pixels("RGB"), dtype=np.int32)

    def pixel(self, image: np.ndarray, x: float, y: float) -> np.ndarray:
        h, w, _ = image.shape
        return image[int(round((1 - y) / 2 * (h - 1))), int(round((x + 1) / 2 * (w - 1)))]


@pytest.fixture
def world(app: Any) -> Iterator[World]:
    from panda3d.core import Camera, GraphicsOutput, NodePath, PerspectiveLens, Texture

    from exhibit.render.displays import Capture

    output = app.open_output(SIZE, onscreen=False)
    output.setClearColor((0.05, 0.08, 0.12, 1.0))  # a night sky
    output.setClearColorActive(True)
    root = NodePath("world")
    lens = PerspectiveLens()
    lens.setFov(60)
    lens.setAspectRatio(SIZE[0] / SIZE[1])
    camera = root.attachNewNode(Camera("eye", lens))
    region = output.makeDisplayRegion()
    region.setCamera(camera)
    region.setClearDepthActive(True)
    texture = Texture("panel-capture")
    output.addRenderTexture(texture, GraphicsOutput.RTMCopyRam)
    yield World(app, output, root, camera, Capture(output, texture))
    output.clearRenderTextures()
    app.close_output(output)
    root.removeNode()


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


def make_panel(world: World, session: QuizSession, lang: str = "zh", **kw: Any) -> Any:
    from exhibit.render.quiz_panel import InWorldQuizPanel

    anchor = world.root.attachNewNode("anchor")
    anchor.setPos(0, 2.2, 0)
    return InWorldQuizPanel(world.app.base, anchor, session, lang, camera=world.camera, **kw)


def session_of(bank: Bank, ids: list[str], store: QuizStore | None = None, seed: int = 3) -> QuizSession:
    questions = [bank.question(i) for i in ids]
    return start_session(
        Bank(bank="demo", questions=questions),
        DrawRequest(count=len(ids)),  # type: ignore[list-item]
        rng=random.Random(seed),
        kiosk="scene:test",
        sink=store,
    )


def is_green(p: np.ndarray) -> bool:
    return bool(p[1] > p[0] + 40 and p[1] > p[2] + 40)


def is_orange(p: np.ndarray) -> bool:
    return bool(p[0] > 200 and 70 < p[1] < 140 and p[2] < 90)


def is_cream(p: np.ndarray) -> bool:
    return bool(p.min() > 200)


def test_the_panel_is_a_card_in_the_world_with_chinese_text(world: World, bank: Bank) -> None:
    panel = make_panel(world, session_of(bank, ["boat"]))
    assert panel.root.getParent().getName() == "anchor"  # in the scene graph, not an overlay
    assert panel.texts[:2] == ["第 1 / 1 题 · 单选题", "中共一大最后一天的会议转移到了哪里？"]
    image = world.frame()
    assert (world.pixel(image, 0.0, 0.95) < 40).all()  # sky above the card
    x, y = panel.screen_point("opt:0")
    assert is_cream(world.pixel(image, x, y))  # the first option card
    # The stem is drawn: bright pixels on the dark red card between the heading and the options.
    h, w, _ = image.shape
    stem = image[int(h * 0.18) : int(h * 0.30), int(w * 0.2) : int(w * 0.6)]
    assert (stem.min(axis=2) > 200).sum() > 300
    panel.destroy()


def test_pointing_at_an_option_answers_it(world: World, bank: Bank, store: QuizStore) -> None:
    done: list[QuizSession] = []
    session = session_of(bank, ["boat"], store)
    panel = make_panel(world, session, on_done=done.append)
    current = session.current
    wrong = next(k for k in range(3) if k not in current.correct_shown())  # type: ignore[union-attr]
    right = current.correct_shown()[0]  # type: ignore[union-attr]
    assert not panel.click(0.0, 0.97)  # the sky: nothing there
    assert panel.click(*panel.screen_point(f"opt:{wrong}"))
    assert panel.texts[-2].startswith("回答错误\n正确答案：")
    assert "解析：会议转移到嘉兴南湖的游船上举行。" in panel.texts[-2]
    image = world.frame()
    assert is_orange(world.pixel(image, *panel.screen_point(f"opt:{wrong}")))
    p = world.pixel(image, *panel.screen_point(f"opt:{right}"))
    assert p[1] > 190 and p[0] < 170  # the missed right answer in light green
    assert panel.focused == "continue"
    assert not panel.click(*panel.screen_point(f"opt:{right}"))  # answered: options are inert
    assert panel.click(*panel.screen_point("continue"))
    assert panel.done and done == [session]
    (row,) = [store.attempt(session.attempt_id)]  # type: ignore[arg-type]
    assert row is not None and row["kiosk"] == "scene:test" and row["completed"] and row["score"] == 0


def test_focus_and_select_answer_without_pointing(world: World, bank: Bank, store: QuizStore) -> None:
    session = session_of(bank, ["boat", "two_cities", "zunyi_year"], store)
    panel = make_panel(world, session, lang="en")
    while not panel.done:
        current = session.current
        assert current is not None
        wanted = [f"opt:{k}" for k in current.correct_shown()]
        for target in wanted:
            while panel.focused != target:
                panel.focus_next()
            assert panel.select()
        if current.multiple:
            assert panel.focused in wanted  # toggling keeps the focus where it was
            while panel.focused != "submit":
                panel.focus_prev()
            panel.select()
        assert panel.texts[-2].startswith("Correct!")
        image = world.frame()
        for target in wanted:
            assert is_green(world.pixel(image, *panel.screen_point(target)))
        assert panel.focused == "continue"
        panel.select()
    assert session.correct_count == 3
    row = store.attempt(session.attempt_id)  # type: ignore[arg-type]
    assert row is not None and row["score"] == 300 and row["correct"] == 3
    assert [a["question_id"] for a in store.answers_of(session.attempt_id)] == [  # type: ignore[arg-type]
        "boat",
        "zunyi_year",
        "two_cities",
    ]


def test_the_focus_is_drawn_and_moves(world: World, bank: Bank) -> None:
    panel = make_panel(world, session_of(bank, ["founding_year"]))
    assert panel.focused == "opt:0"
    from panda3d.core import Point2, Point3

    left, right, bottom, top = panel.items[0].rect
    # Just outside the first option's left edge, where the gold focus frame shows.
    p = world.camera.getRelativePoint(panel.root, Point3(left - 0.008, 0, (bottom + top) / 2))
    edge = Point2()
    world.camera.node().getLens().project(p, edge)

    def gold_at_edge() -> bool:
        q = world.pixel(world.frame(), edge.x, edge.y)
        return bool(q[0] > 220 and 170 < q[1] < 230 and q[2] < 120)

    assert gold_at_edge()
    panel.focus_prev()  # wraps round to the last option
    assert panel.focused == "opt:3"
    assert not gold_at_edge()
    panel.focus_next()
    assert panel.focused == "opt:0" and gold_at_edge()


def test_pointing_works_on_a_turned_and_moved_panel(world: World, bank: Bank) -> None:
    from exhibit.render.quiz_panel import InWorldQuizPanel

    anchor = world.root.attachNewNode("anchor")
    anchor.setPos(0.4, 3.0, -0.2)
    anchor.setHpr(25, 10, 0)
    anchor.setScale(1.2)
    session = session_of(bank, ["founding_year"])
    panel = InWorldQuizPanel(world.app.base, anchor, session, "en", camera=world.camera)
    for k in range(4):
        hit = panel.item_at(*panel.screen_point(f"opt:{k}"))
        assert hit is not None and hit.id == f"opt:{k}"
    assert panel.click(*panel.screen_point("opt:1"))
    assert session.feedback[0].chosen == (1,)


def test_a_scene_cue_starts_a_session_stored_like_a_kiosk_round(world: World, tmp_path: Path) -> None:
    from exhibit.quiz.cue import start_cue_session
    from exhibit.spec.project import Project
    from exhibit.spec.scene import QuizCue
    from tests.quiz.banks import write_project

    project = Project.at(write_project(tmp_path / "scene_content"))
    cue = QuizCue(do="quiz", at=0, bank="demo", count=2, tags=["nanhu"])
    with QuizStore(f"sqlite:///{tmp_path / 'cue.sqlite3'}") as store:
        session = start_cue_session(project, cue, store=store, lang="en", scene="nanhu_red_boat", rng=random.Random(1))
        assert {p.question.id for p in session.questions} <= {"boat", "founding_year", "two_cities"}
        assert all(p.time_limit is None for p in session.questions)  # untimed in scenes
        panel = make_panel(world, session, lang="en")
        while not panel.done:
            multiple = session.current.multiple  # type: ignore[union-attr]
            panel.select()  # the first option, right or wrong
            if multiple:
                panel.focus_prev()  # from the first option round to submit
                assert panel.focused == "submit"
                panel.select()
            assert panel.focused == "continue"
            panel.select()
        row = store.attempt(session.attempt_id)  # type: ignore[arg-type]
        assert row is not None and row["kiosk"] == "scene:nanhu_red_boat" and row["completed"]
        assert len(store.answers_of(session.attempt_id)) == 2  # type: ignore[arg-type]


def test_things_in_front_of_the_panel_hide_it(world: World, bank: Bank) -> None:
    from panda3d.core import CardMaker

    panel = make_panel(world, session_of(bank, ["founding_year"]))
    x, y = panel.screen_point("opt:0")
    maker = CardMaker("pillar")
    maker.setFrame(-0.1, 0.1, -1, 1)
    pillar = world.root.attachNewNode(maker.generate())
    pillar.setColor(0.1, 0.3, 0.9, 1)
    pillar.setPos(x * 1.2 * np.tan(np.radians(30)), 1.2, 0)  # between the eye and option A (60° across)
    image = world.frame()
    p = world.pixel(image, x, y)
    assert p[2] > 200 and p[0] < 60  # the pillar, not the option card
    pillar.removeNode()
    assert is_cream(world.pixel(world.frame(), x, y))


def test_keys_move_the_focus_and_enter_selects(world: World, bank: Bank) -> None:
    panel = make_panel(world, session_of(bank, ["founding_year"]))
    messenger = world.app.base.messenger
    messenger.send("arrow_down")
    messenger.send("arrow_down")
    assert panel.focused == "opt:2"
    messenger.send("arrow_up")
    assert panel.focused == "opt:1"
    messenger.send("enter")
    assert panel.session.feedback[0].chosen == (1,)
    assert panel.focused == "continue"
    messenger.send("enter")
    assert panel.done
    panel.destroy()
    messenger.send("enter")  # a destroyed panel no longer listens
    assert panel.done


def test_a_timed_question_counts_down_and_times_out(world: World, bank: Bank) -> None:
    from exhibit.render.quiz_panel import InWorldQuizPanel

    clock = [100.0]
    session = start_session(
        Bank(bank="demo", questions=[bank.question("boat")]),  # type: ignore[list-item]
        DrawRequest(count=1),
        rng=random.Random(1),
        time_limit=15.0,
    )
    anchor = world.root.attachNewNode("anchor")
    anchor.setPos(0, 2.2, 0)
    panel = InWorldQuizPanel(world.app.base, anchor, session, "zh", camera=world.camera, clock=lambda: clock[0])
    assert "15" in panel.texts
    clock[0] = 107.2
    world.frame()  # the panel's task ticks with the frames
    assert panel._countdown.getText() == "8"
    clock[0] = 115.0
    world.frame()
    assert panel.texts[-2].startswith("时间到")
    assert session.feedback[0].timed_out and panel.focused == "continue"
    panel.destroy()


def test_long_answers_and_explanations_stay_on_the_card(world: World) -> None:
    """The bundled bank's longest explanation, in English, after five long options."""
    from exhibit.quiz.banks import load_bank
    from exhibit.spec.project import Project

    root = Path(__file__).resolve().parents[2]
    party = load_bank(Project.at(root), "party_history")
    longest = max(
        (q for q in party.questions if len(q.options or []) == 5),
        key=lambda q: len(q.explanation.get("en") or "") if q.explanation else 0,
    )
    session = session_of(party, [longest.id])
    panel = make_panel(world, session, lang="en")
    world.frame()
    assert panel.click(*panel.screen_point("opt:0"))
    if panel.feedback is None:
        assert panel.click(*panel.screen_point("submit"))
    image = world.frame()
    # the card: dark red pixels; text: cream ones. No text outside the card's box.
    card = (image[..., 0] > image[..., 1] + 40) & (image[..., 0] < 140)
    rows, cols = np.flatnonzero(card.any(axis=1)), np.flatnonzero(card.any(axis=0))
    text = image.min(axis=2) > 190
    outside = text.copy()
    outside[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1] = False
    assert text.sum() > 500
    assert outside.sum() == 0, f"{outside.sum()} text pixels off the card"
    # and the explanation's last words are drawn: its text ends near the card's bottom edge,
    # above it, not cut off
    below_options = text[int(rows[-1] - 0.22 * (rows[-1] - rows[0])) : rows[-1] + 1]
    assert below_options.sum() > 50
    # every answer's text lies inside its own row (a long one on two smaller lines)
    from panda3d.core import TextNode

    from exhibit.render.quiz_panel import HEIGHT, WIDTH

    card_node = panel.root.find("**/content")
    for item in panel.items:
        if not item.id.startswith("opt:"):
            continue
        left, right, bottom, top = item.rect
        inside = []
        for found in card_node.findAllMatches("**/+TextNode"):
            low, high = found.getTightBounds(card_node)
            middle = ((low[0] + high[0]) / 2, (low[2] + high[2]) / 2)
            if left <= middle[0] <= right and bottom <= middle[1] <= top:
                assert isinstance(found.node(), TextNode)
                inside.append((low, high))
        assert len(inside) == 1, item.id
        low, high = inside[0]
        assert left <= low[0] and high[0] <= right and bottom - 0.004 <= low[2] and high[2] <= top + 0.004, item.id
    for found in card_node.findAllMatches("**/+TextNode"):
        low, high = found.getTightBounds(card_node)
        assert -WIDTH / 2 <= low[0] and high[0] <= WIDTH / 2 and -HEIGHT / 2 <= low[2] and high[2] <= HEIGHT / 2
    panel.destroy()


# -- several windows: a projection wall's, a side-by-side screen's halves --------------------------

#: Two projectors side by side on the front wall, 3 m ahead, meeting straight ahead of the
#: visitor: the panel (1.6 m ahead) lies across the seam, half of it on each.
TWO_WALLS = """
    display:
      mode: wall
      walls:
        - name: front_left
          corners: {ll: [-3, 3, -1.2], lr: [0, 3, -1.2], ul: [-3, 3, 1.05]}
          window: {origin: [0, 0], size: [200, 150]}
        - name: front_right
          corners: {ll: [0, 3, -1.2], lr: [3, 3, -1.2], ul: [0, 3, 1.05]}
          window: {origin: [200, 0], size: [200, 150]}
"""
DARK = """
    languages: [zh, en]
    environment:
      sky: {zenith: "#101828", horizon: "#101828"}
    camera:
      keys:
        - {at: 0, pos: [0, 0, 0], hpr: [0, 0, 0]}
    duration: 5
"""


class Mice:
    """A mouse for each window, as Panda3D reads one (mouse and keys, a watcher, a button
    thrower under the data root), fed by hand: where the pointer is and what it presses."""

    def __init__(self, base: Any, sizes: list[tuple[int, int]]) -> None:
        from panda3d.core import ButtonThrower, MouseWatcher, VirtualMouse

        self.base = base
        self.devices, self.watchers, self.nodes = [], [], []
        for i, (w, h) in enumerate(sizes):
            device = VirtualMouse(f"test-mouse-{i}")
            device.setWindowSize(w, h)
            device.setMouseOn(False)
            node = base.dataRoot.attachNewNode(device)
            watcher = node.attachNewNode(MouseWatcher(f"test-watcher-{i}"))
            watcher.attachNewNode(ButtonThrower(f"test-buttons-{i}"))  # throws "mouse1" like every window's
            self.devices.append(device)
            self.watchers.append(watcher.node())
            self.nodes.append(node)
        self.sizes = sizes

    def click(self, index: int, x: float, y: float) -> None:
        """Move the pointer into window ``index`` at (x, y) in -1..1 (out of the others) and click."""
        from panda3d.core import MouseButton

        for i, device in enumerate(self.devices):
            device.setMouseOn(i == index)
        w, h = self.sizes[index]
        self.devices[index].setMousePos(round((x + 1) / 2 * w), round((1 - y) / 2 * h))
        self.base.taskMgr.step()  # the watchers see where the pointer is
        self.devices[index].pressButton(MouseButton.one())
        self.base.taskMgr.step()  # mouse1 is thrown and handled
        self.devices[index].releaseButton(MouseButton.one())
        self.base.taskMgr.step()

    def remove(self) -> None:
        for node in self.nodes:
            node.removeNode()


def test_a_click_on_the_second_wall_answers_through_that_walls_own_camera(
    make_player: Any, tmp_path: Path, bank: Bank
) -> None:
    import yaml
    from panda3d.core import Point2, Point3

    from exhibit.render.quiz_panel import InWorldQuizPanel, Pointer
    from exhibit.spec.hall import Hall
    from tests.render.conftest import project_with

    hall = Hall.model_validate(yaml.safe_load(TWO_WALLS))
    player = make_player(project_with(tmp_path, DARK, "dark"), display="wall", hall=hall, size=None, audio=False)
    player.load("dark")
    player.step(1.0)
    views = player.displays.views
    left, right = (v.camera for v in views)
    mice = Mice(player.app.base, [(o.getXSize(), o.getYSize()) for o in player.displays.outputs])
    session = session_of(bank, ["founding_year"])
    panel = InWorldQuizPanel(
        player.app.base,
        player.quiz_anchor,
        session,
        "en",
        camera=left,  # the first wall's, as before: what click(x, y) goes through
        pointers=[Pointer(watcher, view.camera) for watcher, view in zip(mice.watchers, views, strict=True)],
    )
    try:
        # The last option's right end is on the right-hand wall; the same point of the
        # left-hand wall's picture shows something else (its own lens is off-axis the other way).
        item = panel.items[3]
        toward_right = right.getRelativePoint(panel.root, Point3(item.rect[1] - 0.1, 0, sum(item.rect[2:]) / 2))
        at = Point2()
        assert right.node().getLens().project(toward_right, at)
        x, y = at.x, at.y
        assert -1 < x < 1 and -1 < y < 1
        on_left = panel.item_at(x, y, camera=left)
        assert on_left is None or on_left.id != item.id
        mice.click(1, x, y)
        assert session.feedback and session.feedback[0].chosen == (3,)
        # and the second wall shows it marked: green when right, orange when wrong
        capture = player.displays.capture(1)
        player.app.render_frame()
        player.app.render_frame()
        image = np.asarray(capture.pixels("RGB"), dtype=np.int32)
        h, w, _ = image.shape
        mark = image[int(round((1 - y) / 2 * (h - 1))), int(round((x + 1) / 2 * (w - 1)))]
        assert is_green(mark) if session.feedback[0].correct else is_orange(mark), mark
        # A click where the first wall shows nothing of the panel does nothing.
        mice.click(0, -0.95, 0.95)
        assert len(session.feedback) == 1 and panel.focused == "continue"
    finally:
        panel.destroy()
        mice.remove()


def test_a_click_on_the_right_half_of_a_side_by_side_screen_points_with_the_right_eye(
    make_player: Any, tmp_path: Path, bank: Bank
) -> None:
    from panda3d.core import Point2, Point3

    from exhibit.render.quiz_panel import InWorldQuizPanel, Pointer
    from tests.render.conftest import project_with

    player = make_player(project_with(tmp_path, DARK, "dark"), display="sbs", size=(400, 150), audio=False)
    player.load("dark")
    player.step(1.0)
    out = player.displays.outputs[0]
    mice = Mice(player.app.base, [(out.getXSize(), out.getYSize())])
    frames = [(v.region.getLeft(), v.region.getRight(), v.region.getBottom(), v.region.getTop())
              for v in player.displays.views]
    assert frames == [(0, 0.5, 0, 1), (0.5, 1, 0, 1)]
    left_eye, right_eye = (v.camera for v in player.displays.views)
    session = session_of(bank, ["founding_year"])
    panel = InWorldQuizPanel(
        player.app.base,
        player.quiz_anchor,
        session,
        "en",
        camera=left_eye,
        pointers=[Pointer(mice.watchers[0], v.camera, f) for v, f in zip(player.displays.views, frames, strict=True)],
    )
    try:
        # The right end of the third option, in the right half's own -1..1, and across the window.
        item = panel.items[2]
        at = Point2()
        end = right_eye.getRelativePoint(panel.root, Point3(item.rect[1] - 0.03, 0, sum(item.rect[2:]) / 2))
        assert right_eye.node().getLens().project(end, at)
        x, y = at.x, at.y
        window_x = (x + 1) / 2  # the right half starts at the window's middle (0)
        assert panel.item_at(window_x, y, camera=left_eye) is None  # the window read as one eye: off the card
        mice.click(0, window_x, y)
        assert session.feedback and session.feedback[0].chosen == (2,)
    finally:
        panel.destroy()
        mice.remove()


def test_the_accessible_mode_has_larger_type_and_no_time_limit(world: World, bank: Bank) -> None:
    from exhibit.render.kiosk import ACCESSIBLE_TYPE
    from exhibit.render.quiz_panel import InWorldQuizPanel

    def panel(accessible: bool) -> tuple[Any, QuizSession]:
        session = start_session(
            Bank(bank="demo", questions=[bank.question("boat")]),  # type: ignore[list-item]
            DrawRequest(count=1),
            rng=random.Random(1),
            time_limit=15.0,
        )
        anchor = world.root.attachNewNode("anchor")
        anchor.setPos(0, 2.2, 0)
        made = InWorldQuizPanel(world.app.base, anchor, session, "zh", camera=world.camera,
                                clock=lambda: clock[0], accessible=accessible)
        return made, session

    def heading_height(p: Any) -> float:
        heading = next(n for n in p._base_card.findAllMatches("**/text") if "·" in n.node().getText())
        return float(heading.getScale()[2])

    clock = [100.0]
    timed, _ = panel(False)
    usual = heading_height(timed)
    timed.destroy()
    easy, session = panel(True)
    assert session.accessible, "the round is ranked apart from the timed ones"
    assert "15" not in easy.texts and easy._countdown is None  # no countdown
    assert heading_height(easy) == pytest.approx(usual * ACCESSIBLE_TYPE)
    clock[0] = 200.0  # long past the 15 s
    world.frame()
    assert easy.feedback is None and not session.feedback, "no time-out"
    assert easy.focused == "opt:0"
    easy.destroy()


def test_the_panel_shows_the_code_that_opens_the_phone_quiz(world: World, bank: Bank) -> None:
    import zxingcpp

    panel = make_panel(world, session_of(bank, ["boat"]), quiz_url="http://10.0.0.7:9000/quiz")
    image = world.frame()
    found = zxingcpp.read_barcodes(image.mean(axis=2).astype(np.uint8))
    assert [str(f.text) for f in found] == ["http://10.0.0.7:9000/quiz"]
    x, y = panel.screen_point("opt:0")
    assert is_cream(world.pixel(image, x, y))  # the card is still answered where it is drawn
    assert panel.click(x, y)
    panel.destroy()
    plain = make_panel(world, session_of(bank, ["boat"]))
    assert zxingcpp.read_barcodes(world.frame().mean(axis=2).astype(np.uint8)) == []
    plain.destroy()
