"""Panoramas (``kind: panorama``) in rendered frames: compass points where they belong,
objects in front, a cross-fade, each eye its half of a stereo panorama, and walls
that meet without a seam.

The panoramas are made here: a colour ramp round the horizon with a red mark at north
and a green one at east, and flat two-colour stereo pairs.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import yaml
from PIL import Image

from exhibit.spec.hall import Hall
from tests.render.conftest import frame_at, project_with
from tests.render.conftest_world import WorldView, scene_from, timeline_of

pytest.importorskip("panda3d")

from exhibit.render.world import build_world  # noqa: E402

RED, GREEN = (255, 0, 0), (0, 255, 0)

COMPASS = """
    duration: 10
    objects:
      pano: {{kind: panorama, file: pictures/compass.png, yaw: {yaw}}}
{extra}
    camera:
      keys:
        - {{at: 0, pos: [0, 0, 1.6], hpr: [{heading}, 0, 0]}}
"""


def compass(root: Path, width: int = 1024) -> Path:
    """A 2:1 panorama: red and green ramps round the horizon, a red mark at north (the
    centre column), a green one at east (three quarters across)."""
    height = width // 2
    x = np.arange(width)
    ramp = np.stack([x * 200 // width + 30, 230 - x * 200 // width, np.full(width, 80)], -1)
    pixels = np.repeat(ramp[None], height, 0).astype(np.uint8)
    mark = width // 40
    pixels[height // 2 - mark : height // 2 + mark, width // 2 - mark : width // 2 + mark] = RED
    pixels[height // 2 - mark : height // 2 + mark, 3 * width // 4 - mark : 3 * width // 4 + mark] = GREEN
    path = root / "pictures" / "compass.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(pixels).save(path)
    return path


@pytest.fixture(scope="module")
def view() -> WorldView:
    v = WorldView((320, 180))
    yield v
    v.close()


def centre(view: WorldView, root: Path, yaw: float, heading: float, extra: str = "") -> np.ndarray:
    scene = scene_from(COMPASS.format(yaw=yaw, heading=heading, extra=extra))
    world = build_world(scene, view.root, project_root=root, capabilities=view.capabilities)
    try:
        state = timeline_of(scene).state(1.0)
        world.apply(state)
        view.place(state.camera.pos, state.camera.hpr, state.camera.fov)
        image = view.frame()
    finally:
        world.destroy()
    return image[85:95, 155:165].reshape(-1, 3).astype(int).mean(axis=0)


@pytest.mark.parametrize(
    ("yaw", "heading", "seen"),
    [
        (0, 0, RED),  # looking north: the picture's centre
        (0, -90, GREEN),  # looking east (Panda3D's heading turns counter-clockwise)
        (90, -90, RED),  # turned 90 degrees: the centre faces east
        (-90, 0, GREEN),  # turned back: the centre faces west, the picture's east north
    ],
)
def test_the_compass_points_are_where_yaw_puts_them(
    view: WorldView, tmp_path: Path, yaw: float, heading: float, seen: tuple[int, int, int]
) -> None:
    compass(tmp_path)
    colour = centre(view, tmp_path, yaw, heading)
    assert np.abs(colour - np.array(seen)).max() < 40, f"looking {heading} with yaw {yaw}: {colour}"


def test_objects_stand_in_front_of_the_panorama(view: WorldView, tmp_path: Path) -> None:
    compass(tmp_path)
    house = "      house: {kind: house, pos: [0, 12, 0], size: [3, 3, 3]}"
    colour = centre(view, tmp_path, 0, 0, house)
    assert np.abs(colour - np.array(RED)).max() > 100, f"the house hides the north mark: {colour}"


def flat(root: Path, name: str, top: tuple[int, int, int], bottom: tuple[int, int, int], size: tuple[int, int]) -> None:
    pixels = np.zeros((size[1], size[0], 3), np.uint8)
    pixels[: size[1] // 2] = top
    pixels[size[1] // 2 :] = bottom
    (root / "pictures").mkdir(exist_ok=True)
    Image.fromarray(pixels).save(root / "pictures" / name)


CROSSFADE = """
    languages: [zh]
    duration: 10
    objects:
      dawn: {kind: panorama, file: pictures/red.png}
      dusk: {kind: panorama, file: pictures/blue.png, visible: false}
    camera:
      keys:
        - {at: 0, pos: [0, 0, 1.6], hpr: [0, 0, 0]}
    cues:
      - {at: 2, do: show, target: dusk, fade: 2}
"""


def test_a_cue_cross_fades_one_panorama_into_another(make_player, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    flat(tmp_path, "red.png", (220, 30, 30), (220, 30, 30), (256, 128))
    flat(tmp_path, "blue.png", (30, 30, 220), (30, 30, 220), (256, 128))
    player = make_player(project_with(tmp_path, CROSSFADE, "fade"), audio=False)
    player.load("fade")
    means = {t: frame_at(player, t).reshape(-1, 3).astype(float).mean(axis=0) for t in (1.0, 3.0, 5.0, 3.0)}
    assert means[1.0] == pytest.approx((220, 30, 30), abs=6)
    assert means[5.0] == pytest.approx((30, 30, 220), abs=6)
    assert means[3.0] == pytest.approx((125, 30, 125), abs=12), "half way: both, never the sky between"


STEREO = """
    languages: [zh]
    duration: 5
    objects:
      pano: {kind: panorama, file: pictures/pair.png, stereo: top_bottom}
    camera:
      keys:
        - {at: 0, pos: [0, 0, 1.6], hpr: [0, 0, 0]}
"""


def test_each_eye_sees_its_half_of_a_stereo_panorama(make_player, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    flat(tmp_path, "pair.png", (220, 30, 30), (30, 30, 220), (512, 512))
    project = project_with(tmp_path, STEREO, "pair")
    stereo = Hall.model_validate({"display": {"mode": "sbs", "iod": 0.064, "converge": 20}})
    player = make_player(project, display="sbs", size=(640, 180), audio=False, hall=stereo)
    player.load("pair")
    image = frame_at(player, 1.0).astype(float)
    left, right = image[:, :320].reshape(-1, 3).mean(axis=0), image[:, 320:].reshape(-1, 3).mean(axis=0)
    assert left == pytest.approx((220, 30, 30), abs=6), "the top half is the left eye's"
    assert right == pytest.approx((30, 30, 220), abs=6), "the bottom half is the right eye's"
    player.close()
    mono = make_player(project, audio=False)
    mono.load("pair")
    one = frame_at(mono, 1.0).reshape(-1, 3).astype(float).mean(axis=0)
    assert one == pytest.approx((220, 30, 30), abs=6), "one eye's view: the left eye's half"


WALLS = """
    display:
      mode: wall
      walls:
        - name: left
          corners: {ll: [-3, -3, 0], lr: [-3, 3, 0], ul: [-3, -3, 3.4]}
          window: {origin: [0, 0], size: [160, 96]}
        - name: front
          corners: {ll: [-3, 3, 0], lr: [3, 3, 0], ul: [-3, 3, 3.4]}
          window: {origin: [160, 0], size: [160, 96]}
        - name: right
          corners: {ll: [3, 3, 0], lr: [3, -3, 0], ul: [3, 3, 3.4]}
          window: {origin: [320, 0], size: [160, 96]}
"""
ON_WALLS = """
    languages: [zh]
    duration: 5
    objects:
      pano: {kind: panorama, file: pictures/compass.png}
    camera:
      keys:
        - {at: 0, pos: [0, 0, 1.6], hpr: [0, 0, 0]}
"""


def corners(root: Path, width: int = 2048) -> None:
    """Grey all round, with a red band 6 degrees wide centred on the direction of the
    left-front corner of the walls (azimuth -45) and a green one on the front-right
    corner (+45)."""
    az = (np.arange(width) + 0.5) / width * 360.0 - 180.0
    ramp = np.full((width, 3), 120.0)
    ramp[np.abs(az + 45) < 3] = RED
    ramp[np.abs(az - 45) < 3] = GREEN
    (root / "pictures").mkdir(exist_ok=True)
    Image.fromarray(np.repeat(ramp[None], width // 2, 0).astype(np.uint8)).save(root / "pictures" / "compass.png")


def band(image: np.ndarray, colour: tuple[int, int, int]) -> np.ndarray:
    """Columns where the middle rows are ``colour``."""
    rows = image[30:66].astype(int)
    return np.nonzero((np.abs(rows - np.array(colour)).max(axis=-1) < 60).mean(axis=0) > 0.9)[0]


def test_on_walls_the_panorama_runs_on_across_the_seams(make_player, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    corners(tmp_path)
    player = make_player(
        project_with(tmp_path, ON_WALLS, "walls"),
        display="wall",
        hall=Hall.model_validate(yaml.safe_load(WALLS)),
        size=None,
        audio=False,
    )
    player.load("walls")
    captures = [player.displays.capture(i) for i in range(3)]
    player.seek(1.0)
    player.step(1.0)
    left, front, right = (c.pixels("RGB") for c in captures)
    for a, b, colour in ((left, front, RED), (front, right, GREEN)):
        ends, starts = band(a, colour), band(b, colour)
        # the band straddles the corner: it runs to the edge of one wall and on from the
        # edge of the next, as wide on each (the walls are alike about the corner)
        assert len(ends) > 3 and ends.max() == a.shape[1] - 1, ends
        assert len(starts) > 3 and starts.min() == 0, starts
        assert abs(len(ends) - len(starts)) <= 2, (ends, starts)
        assert len(band(a, colour)) + len(band(b, colour)) < 40, "and nowhere else"


SOFTWARE = r"""
import sys
from panda3d.core import loadPrcFileData
loadPrcFileData("", "window-type none\nload-display p3tinydisplay\naudio-library-name null\n")
from direct.showbase.ShowBase import ShowBase
from panda3d.core import Camera, FrameBufferProperties, NodePath, PerspectiveLens, WindowProperties
import numpy as np
base = ShowBase(windowType="none")
fb = FrameBufferProperties(); fb.setRgbColor(True); fb.setRgbaBits(8, 8, 8, 8); fb.setDepthBits(24)
props = WindowProperties(); props.setSize(160, 90)
buf = base.openWindow(props=props, fbprops=fb, type="offscreen", makeCamera=False, requireWindow=True)
sys.path.insert(0, sys.argv[1])
from exhibit.render.world import Capabilities, build_world
from tests.render.conftest_world import scene_from, timeline_of
caps = Capabilities.detect(buf.getGsg())
root = NodePath("root")
lens = PerspectiveLens(); lens.setFov(60, 36); lens.setNearFar(0.3, 5000)
cam = root.attachNewNode(Camera("cam", lens))
buf.makeDisplayRegion().setCamera(cam)
for heading in (0, -90):
    scene = scene_from(sys.argv[2].replace("HEADING", str(heading)))
    world = build_world(scene, root, project_root=sys.argv[3], capabilities=caps)
    st = timeline_of(scene).state(1.0); world.apply(st); cam.setPosHpr(*st.camera.pos, *st.camera.hpr)
    base.graphicsEngine.renderFrame(); base.graphicsEngine.renderFrame()
    img = np.frombuffer(bytes(buf.getScreenshot().getRamImageAs("RGB")), np.uint8).reshape(90, 160, 3)
    print(heading, caps.glsl, *img[40:50, 75:85].reshape(-1, 3).mean(axis=0).round())
    world.destroy()
"""


def test_the_software_renderer_shows_the_panorama_round_the_camera(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    compass(tmp_path)
    scene = COMPASS.format(yaw=0, heading="HEADING", extra="")
    repo = Path(__file__).resolve().parents[2]
    env = dict(os.environ, EXHIBIT_RENDERER="software")
    done = subprocess.run(
        [sys.executable, "-c", SOFTWARE, str(repo), scene, str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    seen = {int(line.split()[0]): np.array([float(v) for v in line.split()[2:]]) for line in done.stdout.splitlines()}
    assert "False" in done.stdout, "tinydisplay: no GLSL"
    assert np.abs(seen[0] - RED).max() < 40, seen
    assert np.abs(seen[-90] - GREEN).max() < 40, seen
