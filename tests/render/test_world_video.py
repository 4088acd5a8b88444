"""Film screens (``kind: video``): the picture is the film's frame for show time.

The test film is made here with ffmpeg (through imageio-ffmpeg, H.264 in MP4): frame
``n`` shows ``n`` in binary as vertical stripes (white is 1) across the picture, so a
rendered frame says which film frame it shows.
"""

from __future__ import annotations

import math
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from tests.render.conftest import frame_at, project_with

pytest.importorskip("panda3d")

FPS = 25
BITS = 10
SIZE = (320, 180)


def numbered_film(
    path: Path, seconds: float, fps: int = FPS, size: tuple[int, int] = SIZE, bits: int = BITS, codec: str = "libx264"
) -> Path:
    """An H.264 film whose frame n shows n in binary: stripe b (from the left) is white for bit b."""
    import imageio_ffmpeg

    width, height = size
    stripe = width // bits
    path.parent.mkdir(parents=True, exist_ok=True)
    writer = imageio_ffmpeg.write_frames(
        str(path), size, fps=fps, codec=codec, quality=8, macro_block_size=2, output_params=["-g", str(fps * 2)]
    )
    writer.send(None)
    for n in range(round(seconds * fps)):
        frame = np.full((height, width, 3), 20, np.uint8)
        for b in range(bits):
            if n >> b & 1:
                frame[:, b * stripe : (b + 1) * stripe] = 235
        writer.send(frame)
    writer.close()
    return path


def shown_number(image: np.ndarray, bits: int = BITS) -> int:
    """The film frame number a rendered picture shows (the screen fills the view)."""
    height, width = image.shape[:2]
    row = image[height // 2].astype(int).mean(axis=-1)
    columns = [int((b + 0.5) * width / bits) for b in range(bits)]
    return sum(1 << b for b, c in enumerate(columns) if row[c] > 128)


#: The screen exactly fills a 16:9 view: 16 m wide at 8 / tan(30 degrees) metres, fov 60.
SCREEN = """
    languages: [zh]
    duration: {duration}
    environment:
      sky: {{zenith: "#000000", horizon: "#000000"}}
    objects:
      screen: {{kind: video, file: films/numbers.mp4, size: [16, auto], pos: [0, 13.8564, 0], {fields}}}
    camera:
      fov: 60
      keys:
        - {{at: 0, pos: [0, 0, 0], hpr: [0, 0, 0]}}
"""


def player_for(make_player, tmp_path: Path, fields: str, seconds: float = 8.0, duration: float = 20.0):  # type: ignore[no-untyped-def]
    numbered_film(tmp_path / "films" / "numbers.mp4", seconds)
    player = make_player(project_with(tmp_path, SCREEN.format(fields=fields, duration=duration), "film"), audio=False)
    player.load("film")
    return player


def expected(t: float, start: float, offset: float, frames: int, loop: bool = False) -> int:
    position = offset if t <= start else offset + (t - start)
    if loop:
        position = offset + math.fmod(max(0.0, t - start), frames / FPS - offset)
    return max(0, min(frames - 1, math.floor(position * FPS + 1e-6)))


def test_the_screen_shows_the_frame_of_show_time_in_any_order(make_player, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    player = player_for(make_player, tmp_path, "start: 2, from: 1")
    frames = 8 * FPS
    # forwards, backwards, far ahead, before the start, after the end, and again
    times = [2.5, 3.02, 3.06, 2.1, 7.77, 0.5, 1.99, 6.0, 9.5, 15.0, 4.4, 4.4]
    shown = [shown_number(frame_at(player, t)) for t in times]
    assert shown == [expected(t, 2.0, 1.0, frames) for t in times]


def test_played_frame_by_frame_every_film_frame_shows_in_turn(make_player, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    player = player_for(make_player, tmp_path, "start: 0")
    capture = player.displays.capture()
    shown = []
    for k in range(60):  # 2.4 s of play at the film's own rate, then steps of 0.7 frame
        t = k / FPS if k < 40 else 1.6 + (k - 40) * 0.7 / FPS
        player.step(t)
        shown.append(shown_number(capture.pixels("RGB")))
    times = [k / FPS if k < 40 else 1.6 + (k - 40) * 0.7 / FPS for k in range(60)]
    assert shown == [expected(t, 0.0, 0.0, 8 * FPS) for t in times]


def test_a_looping_film_wraps_round_to_from(make_player, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    player = player_for(make_player, tmp_path, "start: 1, from: 2, loop: true", seconds=4.0)
    times = [1.5, 2.9, 3.1, 4.7, 9.3]
    shown = [shown_number(frame_at(player, t)) for t in times]
    assert shown == [expected(t, 1.0, 2.0, 4 * FPS, loop=True) for t in times]


def test_a_still_at_t_shows_the_films_frame_for_t(tmp_path: Path) -> None:
    numbered_film(tmp_path / "films" / "numbers.mp4", 8.0)
    project_with(tmp_path, SCREEN.format(fields="start: 0", duration=10), "film")
    out = tmp_path / "still.png"
    done = subprocess.run(
        [sys.executable, "-m", "exhibit", "still", "film", "--at", "3.37", "-o", str(out), "--size", "320x180"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert shown_number(np.asarray(Image.open(out).convert("RGB"))) == math.floor(3.37 * FPS)


SPOKEN = SCREEN.replace("languages: [zh]", "languages: [zh, en]") + """
    narration:
      - {{id: one, at: 1, text: {{zh: {zh}, en: {en}}}}}
"""


def test_after_a_pause_a_language_switch_and_a_reload_the_screen_shows_the_frame_of_show_time(  # type: ignore[no-untyped-def]
    make_player, tmp_path: Path
) -> None:
    numbered_film(tmp_path / "films" / "numbers.mp4", 8.0)
    zh, en = "这是当年的新闻影片，请大家仔细看一看。", "This is a newsreel of the time."
    text = SPOKEN.format(duration=20, fields="start: 0", zh=zh, en=en)
    project = project_with(tmp_path, text, "film")
    player = make_player(project, audio=False, narrate=False)
    player.load("film", "zh")
    capture = player.displays.capture()

    def on_screen() -> tuple[int, int]:
        player.step()
        return shown_number(capture.pixels("RGB")), math.floor(player.t * FPS + 1e-6)

    player.play(2.0)
    for _ in range(5):
        shown, due = on_screen()
        assert shown == due
    player.pause()
    paused_at = player.t
    for _ in range(3):  # held: the same frame, however long the pause
        time.sleep(0.1)
        assert on_screen() == (math.floor(paused_at * FPS + 1e-6),) * 2
    player.set_language("en")  # the same moment of the line in English: another show time
    assert player.t != pytest.approx(paused_at, abs=0.2)
    shown, due = on_screen()
    assert shown == due
    scene = tmp_path / "scenes" / "film.yaml"
    scene.write_text(scene.read_text(encoding="utf-8").replace("newsreel", "film"), encoding="utf-8")
    before = player.t
    assert player.reload()
    shown, due = on_screen()
    assert player.t == pytest.approx(before) and shown == due
    player.play()
    for _ in range(5):
        shown, due = on_screen()
        assert shown == due


@pytest.mark.parametrize(("suffix", "codec"), [(".webm", "libvpx"), (".mov", "libx264")])
def test_webm_and_quicktime_films_show_the_frame_of_show_time(  # type: ignore[no-untyped-def]
    make_player, tmp_path: Path, suffix: str, codec: str
) -> None:
    numbered_film(tmp_path / "films" / f"numbers{suffix}", 4.0, codec=codec)
    scene = SCREEN.format(fields="start: 0", duration=10).replace("numbers.mp4", f"numbers{suffix}")
    player = make_player(project_with(tmp_path, scene, "film"), audio=False)
    player.load("film")
    times = [0.5, 2.37, 1.02, 3.9]
    assert [shown_number(frame_at(player, t)) for t in times] == [math.floor(t * FPS) for t in times]
