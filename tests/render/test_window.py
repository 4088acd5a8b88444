"""``exhibit play`` in a real window, on a virtual X server (Xvfb; Mesa's GLX draws in it).

Panda3D allows one ShowBase per process and the rest of the suite renders
offscreen in this one, so every window here belongs to a child process: the
real ``exhibit play`` command. The test only talks to the X server, as a
visitor would: it finds the window, reads its pixels back from the server,
and presses keys and drags the mouse with real X events (XTest). What the
player did is read from the window's pixels and from what ``exhibit play``
tells the operator on stderr.
"""

from __future__ import annotations

import os
import queue
import re
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

REPO = Path(__file__).resolve().parents[2]
XVFB = shutil.which("Xvfb")
SCREEN = (1280, 720)
WINDOW = (640, 360)
SCENE = "nanhu_red_boat"
NEAR_BOAT = "boat_look.start + 1"  # the camera is close by the boat and looks at it; its line is captioned

pytestmark = pytest.mark.skipif(
    XVFB is None, reason="Xvfb is not installed (Debian package xvfb): no X server to open a window on"
)


# -- the X server and the client side ------------------------------------------------------------


@pytest.fixture(scope="module")
def xserver(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A private X server on a free display number; its name (``:N``)."""
    assert XVFB is not None
    workdir = tmp_path_factory.mktemp("xvfb")
    read, write = os.pipe()
    log = (workdir / "xvfb.log").open("wb")
    proc = subprocess.Popen(
        [XVFB, "-displayfd", str(write), "-noreset", "-screen", "0", f"{SCREEN[0]}x{SCREEN[1]}x24", "-nolisten", "tcp"],
        pass_fds=(write,),
        stdout=log,
        stderr=subprocess.STDOUT,
        cwd=workdir,
    )
    os.close(write)
    try:
        number = _read_display_number(read, proc)
        socket = Path(f"/tmp/.X11-unix/X{number}")
        deadline = time.monotonic() + 10
        while not socket.exists():
            assert proc.poll() is None and time.monotonic() < deadline, (workdir / "xvfb.log").read_text()
            time.sleep(0.02)
        yield f":{number}"
    finally:
        os.close(read)
        proc.terminate()
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


def _read_display_number(fd: int, proc: subprocess.Popen[bytes]) -> int:
    """Xvfb picks a free display number itself and writes it to ``-displayfd``."""
    text = b""
    deadline = time.monotonic() + 10
    while not text.endswith(b"\n"):
        assert proc.poll() is None and time.monotonic() < deadline, "Xvfb did not start"
        chunk = os.read(fd, 16)
        if not chunk:
            break
        text += chunk
    return int(text)


class XClient:
    """The visitor's side: what the X server shows, and the keys and mouse it is given."""

    def __init__(self, name: str) -> None:
        from Xlib import XK, X, display
        from Xlib.ext import xtest

        self.X, self.XK, self.xtest = X, XK, xtest
        self.d = display.Display(name)
        self.root = self.d.screen().root

    def close(self) -> None:
        self.d.close()

    @property
    def screen_size(self) -> tuple[int, int]:
        s = self.d.screen()
        return s.width_in_pixels, s.height_in_pixels

    def window(self, timeout: float = 20.0) -> Any:
        """The one mapped top-level window named by ``exhibit``."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for w in self.root.query_tree().children:
                if "exhibit" in self.title(w) and w.get_attributes().map_state == self.X.IsViewable:
                    return w
            time.sleep(0.05)
        raise AssertionError("no exhibit window appeared on the X server")

    def title(self, win: Any) -> str:
        """The window's title as a window manager shows it (``_NET_WM_NAME``, UTF-8)."""
        prop = win.get_full_property(self.d.intern_atom("_NET_WM_NAME"), self.d.intern_atom("UTF8_STRING"))
        if prop is None:
            return str(win.get_wm_name() or "")
        value = prop.value
        return value.decode("utf-8") if isinstance(value, bytes) else str(value)

    def geometry(self, win: Any) -> tuple[int, int, int, int]:
        g = win.get_geometry()
        return g.x, g.y, g.width, g.height

    def shot(self, win: Any) -> np.ndarray:
        """The window's pixels as the X server holds them (rows top to bottom, RGB)."""
        _, _, w, h = self.geometry(win)
        image = win.get_image(0, 0, w, h, self.X.ZPixmap, 0xFFFFFFFF)
        return np.frombuffer(image.data, np.uint8).reshape(h, w, 4)[:, :, 2::-1].copy()

    def _keycode(self, key: str) -> int:
        return self.d.keysym_to_keycode(self.XK.string_to_keysym(key))

    def press(self, key: str) -> None:
        code = self._keycode(key)
        self.xtest.fake_input(self.d, self.X.KeyPress, code)
        self.d.sync()
        time.sleep(0.05)
        self.xtest.fake_input(self.d, self.X.KeyRelease, code)
        self.d.sync()

    def move(self, x: int, y: int) -> None:
        self.xtest.fake_input(self.d, self.X.MotionNotify, x=int(x), y=int(y))
        self.d.sync()

    def drag(self, start: tuple[int, int], end: tuple[int, int], steps: int = 10) -> None:
        """Press the left button at ``start`` (screen pixels), move to ``end``, let go."""
        self.move(*start)
        time.sleep(0.1)
        self.xtest.fake_input(self.d, self.X.ButtonPress, 1)
        self.d.sync()
        time.sleep(0.1)
        for i in range(1, steps + 1):
            self.move(start[0] + (end[0] - start[0]) * i // steps, start[1] + (end[1] - start[1]) * i // steps)
            time.sleep(0.03)
        time.sleep(0.2)
        self.xtest.fake_input(self.d, self.X.ButtonRelease, 1)
        self.d.sync()

    def close_window(self, win: Any) -> None:
        """What a window manager sends when the visitor clicks the close button."""
        from Xlib import protocol

        protocols = self.d.intern_atom("WM_PROTOCOLS")
        delete = self.d.intern_atom("WM_DELETE_WINDOW")
        event = protocol.event.ClientMessage(window=win, client_type=protocols, data=(32, [delete, 0, 0, 0, 0]))
        win.send_event(event)
        self.d.sync()


@pytest.fixture
def x(xserver: str) -> Iterator[XClient]:
    client = XClient(xserver)
    yield client
    client.close()


# -- content and the player process -------------------------------------------------------------


@pytest.fixture(scope="module")
def content(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A content root with the bundled red boat scene (its own copy, to edit) and its narration.

    Audio and the quiz bank are the repository's; recorded and placeholder voices
    come from the repository's voice store when there is one (a cache by content),
    so only the mix is built here.
    """
    root = tmp_path_factory.mktemp("content")
    (root / "scenes").mkdir()
    shutil.copy(REPO / "scenes" / f"{SCENE}.yaml", root / "scenes")
    for shared in ("audio", "quiz"):
        (root / shared).symlink_to(REPO / shared)
    (root / "build").mkdir()
    if (REPO / "build" / "voice").is_dir():
        (root / "build" / "voice").symlink_to(REPO / "build" / "voice")
    subprocess.run(
        [sys.executable, "-m", "exhibit", "--root", str(root), "narrate", SCENE, "-q"],
        check=True,
        timeout=120,
        env=dict(os.environ, ALSOFT_DRIVERS="null"),
    )
    return root


class Play:
    """``exhibit play`` running in a child process on the X server; its stderr line by line."""

    def __init__(self, xserver: str, root: Path, *args: str) -> None:
        env = dict(os.environ, DISPLAY=xserver, ALSOFT_DRIVERS="null", ALSOFT_LOGLEVEL="0")
        env.pop("WAYLAND_DISPLAY", None)
        env.pop("EXHIBIT_RENDERER", None)
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "exhibit", "--root", str(root), "play", *args],
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
        )
        self.lines: queue.Queue[str | None] = queue.Queue()
        self.seen: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            self.lines.put(line.rstrip("\n"))
        self.lines.put(None)

    def expect(self, pattern: str, timeout: float = 20.0) -> re.Match[str]:
        """The next stderr line that matches ``pattern`` (lines before it are passed over)."""
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            try:
                line = self.lines.get(timeout=max(0.01, left))
            except queue.Empty:
                line = ""
            if line is None:
                raise AssertionError(f"exhibit play ended before {pattern!r}:\n" + "\n".join(self.seen))
            if line:
                self.seen.append(line)
                found = re.search(pattern, line)
                if found:
                    return found
            if time.monotonic() >= deadline:
                raise AssertionError(f"no {pattern!r} from exhibit play within {timeout} s:\n" + "\n".join(self.seen))

    def wait(self, timeout: float = 10.0) -> int:
        return self.proc.wait(timeout)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


@pytest.fixture
def play(xserver: str, content: Path) -> Iterator[Callable[..., Play]]:
    """``play(*args)`` starts ``exhibit play`` on the X server; killed after the test if still running."""
    started: list[Play] = []

    def start(*args: str) -> Play:
        p = Play(xserver, content, *args)
        started.append(p)
        return p

    yield start
    for p in started:
        p.stop()


# -- reading pictures -------------------------------------------------------------------------------


def red_mask(image: np.ndarray) -> np.ndarray:
    """The boat's red lacquer (through the lake's haze)."""
    rgb = image.astype(np.int16)
    r, g, b = rgb[..., 0], rgb[..., 1], rgb[..., 2]
    return (r > g + 40) & (r > b + 40)


def red_spot(image: np.ndarray) -> tuple[float, float, float, float]:
    """Where the red pixels are and how far they spread (centre x, y and spread x, y, as shares
    of the image's width and height). Spreads, not extremes: a ripple in the boat's
    reflection moves a few pixels, not the spread."""
    ys, xs = np.nonzero(red_mask(image))
    assert xs.size > 200, "no red boat in the picture"
    h, w = image.shape[:2]
    return float(xs.mean() / w), float(ys.mean() / h), float(xs.std() / w), float(ys.std() / h)


def shape(image: np.ndarray) -> float:
    """Width over height of the red boat in pixels: stretching the picture changes it."""
    _, _, sx, sy = red_spot(image)
    return sx * image.shape[1] / (sy * image.shape[0])


def differs(a: np.ndarray, b: np.ndarray) -> float:
    """Share of pixels that changed visibly between two frames."""
    return float((np.abs(a.astype(np.int16) - b.astype(np.int16)).max(axis=2) > 12).mean())


def settled(x: XClient, win: Any, timeout: float = 10.0) -> np.ndarray:
    """The window's picture once it stands still (paused: two frames 0.3 s apart agree)."""
    deadline = time.monotonic() + timeout
    last = x.shot(win)
    while time.monotonic() < deadline:
        time.sleep(0.3)
        now = x.shot(win)
        if differs(now, last) == 0.0:
            return now
        last = now
    raise AssertionError("the picture never stood still")


def drawn(x: XClient, win: Any, timeout: float = 10.0) -> np.ndarray:
    """The window's picture once the scene has been drawn into it (not black)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        image = x.shot(win)
        if image.mean() > 20:
            return image
        time.sleep(0.1)
    raise AssertionError("the window stayed black: nothing was drawn in it")


def moving(x: XClient, win: Any) -> float:
    """How much of the picture changes over most of a second (paused: nothing at all)."""
    a = x.shot(win)
    time.sleep(0.8)
    return differs(x.shot(win), a)


def seconds(m: re.Match[str]) -> float:
    return int(m["min"]) * 60 + float(m["sec"])


CLOCK = r"(?P<min>\d+):(?P<sec>\d+\.\d)"
PLAYING = r"exhibit: playing \S+ \((?P<lang>\w+), [\d.]+ s\) on (?P<mode>\w+), (?P<backend>.*)$"


# -- the tests ----------------------------------------------------------------------------------------


def test_a_window_opens_on_the_display_and_shows_the_scene(x, play):
    p = play(SCENE, "--display", "window", "--size", f"{WINDOW[0]}x{WINDOW[1]}", "--from", NEAR_BOAT)
    started = p.expect(PLAYING)
    assert started["mode"] == "window"
    # A real window on the X server (GLX), not the EGL offscreen buffer used without a display.
    assert started["backend"].startswith("OpenGL window (glxGraphicsPipe")
    win = x.window()
    assert x.geometry(win)[2:] == WINDOW
    deadline = time.monotonic() + 5
    while "南湖红船" not in x.title(win) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert x.title(win) == "南湖红船 - exhibit"  # named after the scene, in the language played

    image = drawn(x, win)
    cx, cy, _, _ = red_spot(image)
    # The camera looks at the boat: its red lacquer is near the middle of the window.
    assert 0.35 < cx < 0.65 and 0.3 < cy < 0.7
    # The bottom caption is on: a dark box with light text under the middle.
    strip = image[int(WINDOW[1] * 0.78) :, int(WINDOW[0] * 0.3) : int(WINDOW[0] * 0.7)].astype(int)
    assert (strip.max(axis=2) < 60).mean() > 0.2 and (strip.min(axis=2) > 200).mean() > 0.01

    # The window's close button (the window manager's WM_DELETE_WINDOW) quits like Esc.
    x.close_window(win)
    assert p.wait(10) == 0


def test_fullscreen_fills_the_x_screen_without_stretching(x, play, content):
    p = play(SCENE, "--display", "fullscreen", "--size", "640x480", "--from", NEAR_BOAT)
    assert p.expect(PLAYING)["mode"] == "fullscreen"
    win = x.window()
    assert x.geometry(win) == (0, 0, *x.screen_size)
    drawn(x, win)
    x.move(SCREEN[0] // 2, SCREEN[1] // 2)
    x.press("space")
    at = p.expect(rf"paused at {CLOCK}")
    image = settled(x, win)
    assert image.shape[:2] == (SCREEN[1], SCREEN[0])
    x.press("Escape")
    assert p.wait(10) == 0

    # The same moment drawn offscreen at the screen's size: the boat has the same shape and
    # place (asked for 4:3, a 16:9 screen would stretch it by a third).
    still = content / "still.png"
    subprocess.run(
        [sys.executable, "-m", "exhibit", "--root", str(content), "still", SCENE, "--at", f"{at['min']}:{at['sec']}"]
        + ["--size", f"{SCREEN[0]}x{SCREEN[1]}", "-o", str(still)],
        check=True,
        timeout=60,
        env=dict(os.environ, ALSOFT_DRIVERS="null"),
        capture_output=True,
    )
    from matplotlib.image import imread

    reference = (imread(still)[:, :, :3] * 255).astype(np.uint8)
    got, want = red_spot(image), red_spot(reference)
    assert got[0] == pytest.approx(want[0], abs=0.02) and got[1] == pytest.approx(want[1], abs=0.02)
    assert shape(image) == pytest.approx(shape(reference), rel=0.08)


def test_a_window_resized_by_the_window_manager_keeps_its_proportions(x, play):
    p = play(SCENE, "--display", "window", "--size", f"{WINDOW[0]}x{WINDOW[1]}", "--from", NEAR_BOAT)
    p.expect(PLAYING)
    win = x.window()
    gx, gy, w, h = x.geometry(win)
    drawn(x, win)
    x.move(gx + w // 2, gy + h // 2)
    x.press("space")
    p.expect(r"exhibit: paused at")
    wide = settled(x, win)

    win.configure(width=640, height=480)  # as a tiling or a visitor's window manager would
    x.d.sync()
    deadline = time.monotonic() + 5
    while x.geometry(win)[2:] != (640, 480) or x.shot(win).shape[0] != 480:
        assert time.monotonic() < deadline, "the window did not take its new size"
        time.sleep(0.05)
    narrow = settled(x, win)

    # The boat keeps its shape (a 16:9 picture pulled to 4:3 would be a third taller),
    # stays in the middle, and the caption is laid out again under it.
    assert shape(narrow) == pytest.approx(shape(wide), rel=0.08)
    assert red_spot(narrow)[0] == pytest.approx(red_spot(wide)[0], abs=0.04)
    assert caption_ink(narrow) > 0.2
    x.press("Escape")
    assert p.wait(10) == 0


def caption_ink(image: np.ndarray) -> float:
    """Share of the bottom caption's place covered by its dark box."""
    h, w = image.shape[:2]
    strip = image[int(h * 0.8) :, int(w * 0.3) : int(w * 0.7)]
    return float((strip.max(axis=2) < 60).mean())


def test_the_keys_of_exhibit_play_sent_as_x_events(x, play):
    p = play(SCENE, "--display", "window", "--size", f"{WINDOW[0]}x{WINDOW[1]}", "--from", NEAR_BOAT)
    p.expect(PLAYING)
    win = x.window()
    gx, gy, w, h = x.geometry(win)
    drawn(x, win)
    x.move(gx + w // 2, gy + h // 2)  # keys go to the window under the pointer (no window manager here)
    assert moving(x, win) > 0.001  # playing: the boat drifts, the camera glides, the water moves

    x.press("space")
    t0 = seconds(p.expect(rf"exhibit: paused at {CLOCK}"))
    paused = settled(x, win)
    assert caption_ink(paused) > 0.2

    x.press("Right")
    assert seconds(p.expect(rf"exhibit: at {CLOCK}")) == pytest.approx(t0 + 5, abs=0.11)
    ahead = settled(x, win)
    assert differs(ahead, paused) > 0.05
    x.press("Left")
    assert seconds(p.expect(rf"exhibit: at {CLOCK}")) == pytest.approx(t0, abs=0.11)
    assert differs(settled(x, win), paused) < 0.001  # the same moment: the same picture

    x.press("c")
    p.expect(r"exhibit: captions off")
    bare = settled(x, win)
    assert caption_ink(bare) < 0.02
    x.press("c")
    p.expect(r"exhibit: captions on")
    assert differs(settled(x, win), paused) < 0.001

    x.press("l")
    p.expect(rf"exhibit: language en at {CLOCK}")
    english = settled(x, win)
    assert caption_ink(english) > 0.1
    h0 = int(english.shape[0] * 0.8)
    assert differs(english[h0:], paused[h0:]) > 0.02  # another caption under the boat
    assert x.title(win) == "The Red Boat on South Lake - exhibit"

    x.press("space")
    resumed = seconds(p.expect(rf"exhibit: playing from {CLOCK}"))
    assert moving(x, win) > 0.001
    x.press("space")
    assert seconds(p.expect(rf"exhibit: paused at {CLOCK}")) > resumed

    x.press("Escape")
    assert p.wait(10) == 0


def test_dragging_the_mouse_turns_the_view_the_way_it_is_dragged(x, play):
    p = play(SCENE, "--display", "window", "--size", f"{WINDOW[0]}x{WINDOW[1]}", "--from", NEAR_BOAT)
    p.expect(PLAYING)
    win = x.window()
    gx, gy, w, h = x.geometry(win)
    drawn(x, win)
    middle = (gx + w // 2, gy + h // 2)
    x.move(*middle)
    x.press("space")
    p.expect(r"exhibit: paused at")
    before = settled(x, win)
    x0 = red_spot(before)[0]

    x.drag(middle, (middle[0] + w // 6, middle[1]))  # to the right: look to the right
    right = settled(x, win)
    assert differs(right, before) > 0.1
    assert red_spot(right)[0] < x0 - 0.1  # the boat slid to the left of the picture

    x.drag(middle, (middle[0] - w // 3, middle[1]))  # to the left, twice as far
    left = settled(x, win)
    assert red_spot(left)[0] > x0 + 0.1
    x.press("Escape")
    assert p.wait(10) == 0


def test_saving_the_scene_while_playing_reloads_it_and_play_goes_on_at_the_same_moment(x, play, content):
    edited = content / "scenes" / "nanhu_edit.yaml"
    text = (content / "scenes" / f"{SCENE}.yaml").read_text(encoding="utf-8")
    fog = 'fog: {color: "#d5d8d0"'
    assert fog in text, "the scene's fog changed: update this test's edit"
    edited.write_text(text, encoding="utf-8")
    p = play("nanhu_edit", "--display", "window", "--size", f"{WINDOW[0]}x{WINDOW[1]}", "--from", "30")
    p.expect(PLAYING, timeout=40)
    started = time.monotonic()
    win = x.window()
    before = drawn(x, win)

    time.sleep(1.0)
    saved = time.monotonic()
    edited.write_text(text.replace(fog, 'fog: {color: "#2040d0"'), encoding="utf-8")
    t = seconds(p.expect(rf"exhibit: reloaded nanhu_edit.yaml, playing at {CLOCK}", timeout=30))
    reloaded = time.monotonic()
    # Where play was when the save was noticed (looked for twice a second), not from the start again.
    assert 30 + (saved - started) - 0.5 <= t <= 30 + (reloaded - started) + 0.2

    def blue(image: np.ndarray) -> float:
        return float((image[..., 2].astype(int) - image[..., 0].astype(int)).mean())

    deadline = time.monotonic() + 5
    while blue(x.shot(win)) < blue(before) + 15:  # the lake's haze takes the new colour
        assert time.monotonic() < deadline, "the window still shows the scene as it was before the save"
        time.sleep(0.1)
    assert moving(x, win) > 0.001  # still playing

    x.move(*(v + s // 2 for v, s in zip(x.geometry(win)[:2], WINDOW, strict=True)))
    x.press("space")
    assert seconds(p.expect(rf"exhibit: paused at {CLOCK}")) > t
    x.press("Escape")
    assert p.wait(10) == 0


def test_the_quiz_at_the_end_of_the_scene_is_answered_with_a_click(x, play):
    p = play(SCENE, "--display", "window", "--size", f"{WINDOW[0]}x{WINDOW[1]}", "--from", "outro.end + 1")
    p.expect(PLAYING)
    win = x.window()
    gx, gy, w, h = x.geometry(win)

    def light_rows(image: np.ndarray) -> list[tuple[int, int]]:
        """The answer cards: bands of light rows down the middle of the panel."""
        column = image[:, w // 2].astype(int)
        light = (column.min(axis=1) > 200).tolist() + [False]
        bands, top = [], None
        for y, is_light in enumerate(light):
            if is_light and top is None:
                top = y
            elif not is_light and top is not None:
                if y - top >= 8:
                    bands.append((top, y))
                top = None
        return bands

    deadline = time.monotonic() + 15
    while len(cards := light_rows(x.shot(win))) < 2:  # the scene pauses and the panel opens
        assert time.monotonic() < deadline, "no quiz panel with its answers appeared"
        time.sleep(0.2)
    top, bottom = cards[1]
    x.move(gx + w // 2, gy + (top + bottom) // 2)
    time.sleep(0.2)
    x.xtest.fake_input(x.d, x.X.ButtonPress, 1)
    x.d.sync()
    time.sleep(0.05)
    x.xtest.fake_input(x.d, x.X.ButtonRelease, 1)
    x.d.sync()

    def marked(image: np.ndarray) -> bool:
        """The clicked card shows right (green) or wrong (red) instead of its light face."""
        row = image[(top + bottom) // 2, w // 3 : 2 * w // 3].astype(int)
        return bool((row.max(axis=1) - row.min(axis=1) > 80).mean() > 0.5)

    deadline = time.monotonic() + 5
    while not marked(x.shot(win)):
        assert time.monotonic() < deadline, "the clicked answer was not marked"
        time.sleep(0.1)
    x.press("Escape")
    assert p.wait(10) == 0
