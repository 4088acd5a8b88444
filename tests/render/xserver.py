"""A virtual X server (Xvfb) and ``exhibit play`` on it, seen and driven as a visitor would.

Panda3D allows one ShowBase per process and the rest of the suite renders
offscreen in this one, so every window here belongs to a child process: the
real ``exhibit play`` command. Tests only talk to the X server: they find the
windows, read their pixels back from the server, and press keys and drag the
mouse with real X events (XTest). What the player did is read from the
windows' pixels and from what ``exhibit play`` tells the operator on stderr.

The window tests import its fixtures ``xserver``, ``x``, ``content`` and ``play``.
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
SCENE = "nanhu_red_boat"

needs_xvfb = pytest.mark.skipif(
    XVFB is None, reason="Xvfb is not installed (Debian package xvfb): no X server to open a window on"
)


# -- the X server and the client side ------------------------------------------------------------


@pytest.fixture(scope="module")
def xserver(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A private X server on a free display number; its name (``:N``)."""
    yield from xvfb(tmp_path_factory, SCREEN)


def xvfb(tmp_path_factory: pytest.TempPathFactory, screen: tuple[int, int]) -> Iterator[str]:
    """Xvfb with one screen of ``screen`` pixels, running while the generator is; its name (``:N``)."""
    assert XVFB is not None
    workdir = tmp_path_factory.mktemp("xvfb")
    read, write = os.pipe()
    log = (workdir / "xvfb.log").open("wb")
    proc = subprocess.Popen(
        [XVFB, "-displayfd", str(write), "-noreset", "-screen", "0", f"{screen[0]}x{screen[1]}x24", "-nolisten", "tcp"],
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

    def windows(self, count: int, timeout: float = 20.0) -> list[Any]:
        """The ``count`` mapped top-level windows named by ``exhibit``, left to right."""
        deadline = time.monotonic() + timeout
        found: list[Any] = []
        while time.monotonic() < deadline:
            found = [
                w
                for w in self.root.query_tree().children
                if "exhibit" in self.title(w) and w.get_attributes().map_state == self.X.IsViewable
            ]
            if len(found) >= count:
                return sorted(found, key=lambda w: self.geometry(w)[:2])
            time.sleep(0.05)
        raise AssertionError(f"{len(found)} exhibit windows appeared on the X server, not {count}")

    def window_types(self, win: Any) -> list[str]:
        """The window's ``_NET_WM_WINDOW_TYPE`` hints: ``_NET_WM_WINDOW_TYPE_SPLASH`` asks a
        window manager for no frame (Panda3D's way of asking for an undecorated window)."""
        prop = win.get_full_property(self.d.intern_atom("_NET_WM_WINDOW_TYPE"), self.X.AnyPropertyType)
        return [self.d.get_atom_name(atom) for atom in prop.value] if prop is not None else []

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

    def click(self, x: int, y: int) -> None:
        """Point at (x, y) (screen pixels) and click the left button there."""
        self.move(x, y)
        time.sleep(0.2)
        self.xtest.fake_input(self.d, self.X.ButtonPress, 1)
        self.d.sync()
        time.sleep(0.05)
        self.xtest.fake_input(self.d, self.X.ButtonRelease, 1)
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


@pytest.fixture(scope="session")
def content(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A content root with the bundled red boat scene (its own copy, to edit) and its narration
    (and the Long March, which one of its options leaves for).

    Audio, pictures and the quiz bank are the repository's; recorded and placeholder voices
    come from the repository's voice store when there is one (a cache by content),
    so only the mix is built here, once for every module that imports this fixture.
    """
    root = tmp_path_factory.getbasetemp() / "window-content"
    if all((root / "build" / SCENE / f"mix.{lang}.wav").is_file() for lang in ("zh", "en")):
        return root
    shutil.rmtree(root, ignore_errors=True)  # a build that failed half-way
    (root / "scenes").mkdir(parents=True)
    shutil.copy(REPO / "scenes" / f"{SCENE}.yaml", root / "scenes")
    shutil.copy(REPO / "scenes" / "long_march.yaml", root / "scenes")  # where the boat's choice may lead
    for shared in ("audio", "pictures", "quiz"):
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


def caption_ink(image: np.ndarray) -> float:
    """Share of the bottom caption's place covered by its dark box."""
    h, w = image.shape[:2]
    strip = image[int(h * 0.8) :, int(w * 0.3) : int(w * 0.7)]
    return float((strip.max(axis=2) < 60).mean())


def answer_cards(image: np.ndarray, left: int, right: int, probe: int) -> list[tuple[int, int]]:
    """The quiz panel's answer cards in a window's picture: bands of rows (at least 8 high)
    that are light across most of columns ``left:right``, searched only between the top and
    bottom of the dark red panel found in column ``probe`` (so neither the sky above the panel
    nor a line of its text counts)."""
    rgb = image[:, probe].astype(int)
    panel = np.flatnonzero((rgb[:, 0] > rgb[:, 1] + 40) & (rgb[:, 0] < 140))
    if panel.size < 2:
        return []
    span = image[:, left:right].astype(int)
    light = ((span.min(axis=2) > 200).mean(axis=1) > 0.6).tolist()
    bands: list[tuple[int, int]] = []
    top: int | None = None
    for row in range(int(panel[0]), int(panel[-1]) + 2):
        is_light = row < len(light) and light[row]
        if is_light and top is None:
            top = row
        elif not is_light and top is not None:
            if row - top >= 8:
                bands.append((top, row))
            top = None
    return bands
