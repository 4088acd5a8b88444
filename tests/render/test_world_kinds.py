"""Every built-in kind builds and shows; text follows the language; models load from
glTF, bam and egg; lamps light the night; the bundled scenes build and are not blank."""

from __future__ import annotations

import base64
import json
import os
import struct
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from tests.render.conftest_world import WorldView, scene_from, timeline_of

pytest.importorskip("panda3d")

from exhibit.render.world import Capabilities, build_world  # noqa: E402
from exhibit.spec.errors import ExhibitError  # noqa: E402
from exhibit.spec.project import Project  # noqa: E402

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def view() -> WorldView:
    v = WorldView((320, 180))
    yield v
    v.close()


def blue_fraction(image: np.ndarray) -> float:
    rgb = image.astype(int)
    return float(((rgb[..., 2] > rgb[..., 0] + 40) & (rgb[..., 2] > rgb[..., 1] + 20)).mean())


def red_fraction(image: np.ndarray) -> float:
    rgb = image.astype(int)
    return float(
        ((rgb[..., 0] > 1.8 * rgb[..., 1] + 10) & (rgb[..., 0] > 1.8 * rgb[..., 2] + 10)).mean()
    )


SLOGAN = """
    duration: 30
    environment:
      sky: {zenith: "#dfe6ee", horizon: "#f4f4f0"}
    objects:
      slogan:
        {kind: text, text: {zh: 为人民服务, en: Serve the people}, pos: [0, 20, 2], size: 2.5,
         color: "#b3232b", billboard: true}
    camera:
      keys:
        - {at: 0, pos: [0, 0, 2], look_at: [0, 20, 2]}
"""


def test_text_shows_in_the_visitors_language(view: WorldView) -> None:
    scene = scene_from(SLOGAN)
    world = build_world(scene, view.root, project_root=REPO, capabilities=view.capabilities)
    try:
        zh_state = timeline_of(scene, "zh").state(1.0)
        view.place(zh_state.camera.pos, zh_state.camera.hpr, zh_state.camera.fov)
        world.apply(zh_state)
        zh = view.frame()
        world.apply(timeline_of(scene, "en").state(1.0))
        en = view.frame()
        world.apply(zh_state)
        zh_again = view.frame()
    finally:
        world.destroy()
    assert red_fraction(zh) > 0.01, "the slogan is red and readable"
    assert red_fraction(en) > 0.005
    assert not np.array_equal(zh, en)
    assert np.array_equal(zh, zh_again)


EGG = """<CoordinateSystem> { Z-Up }
<VertexPool> tri {
  <Vertex> 0 { -2 0 0 <RGBA> { 0.1 0.25 0.9 1 } }
  <Vertex> 1 { 2 0 0 <RGBA> { 0.1 0.25 0.9 1 } }
  <Vertex> 2 { 2 0 4 <RGBA> { 0.1 0.25 0.9 1 } }
  <Vertex> 3 { -2 0 4 <RGBA> { 0.1 0.25 0.9 1 } }
}
<Polygon> { <VertexRef> { 0 1 2 3 <Ref> { tri } } }
"""


def write_gltf(path: Path) -> None:
    """A blue square facing -y: positions, normals, one material with a base colour."""
    positions = [(-2, 0, 0), (2, 0, 0), (2, 0, 4), (-2, 0, 4)]
    # glTF is y-up: panda3d-gltf turns it to Panda3D's z-up, so write (x, z, -y)
    gl_positions = [(x, z, -y) for x, y, z in positions]
    normals = [(0.0, 0.0, 1.0)] * 4  # -y in Panda3D is +z in glTF
    indices = [0, 1, 2, 0, 2, 3]
    blob = b"".join(struct.pack("<3f", *p) for p in gl_positions)
    blob += b"".join(struct.pack("<3f", *n) for n in normals)
    blob += b"".join(struct.pack("<H", i) for i in indices)
    doc = {
        "asset": {"version": "2.0"},
        "scene": 0,
        "scenes": [{"nodes": [0]}],
        "nodes": [{"mesh": 0}],
        "meshes": [
            {
                "primitives": [
                    {"attributes": {"POSITION": 0, "NORMAL": 1}, "indices": 2, "material": 0}
                ]
            }
        ],
        "materials": [
            {
                "pbrMetallicRoughness": {
                    "baseColorFactor": [0.1, 0.25, 0.9, 1.0],
                    "metallicFactor": 0.0,
                }
            }
        ],
        "buffers": [
            {
                "byteLength": len(blob),
                "uri": "data:application/octet-stream;base64," + base64.b64encode(blob).decode(),
            }
        ],
        "bufferViews": [
            {"buffer": 0, "byteOffset": 0, "byteLength": 48},
            {"buffer": 0, "byteOffset": 48, "byteLength": 48},
            {"buffer": 0, "byteOffset": 96, "byteLength": 12},
        ],
        "accessors": [
            {
                "bufferView": 0,
                "componentType": 5126,
                "count": 4,
                "type": "VEC3",
                "min": [-2, 0, -0.0],
                "max": [2, 4, 0],
            },
            {"bufferView": 1, "componentType": 5126, "count": 4, "type": "VEC3"},
            {"bufferView": 2, "componentType": 5123, "count": 6, "type": "SCALAR"},
        ],
    }
    path.write_text(json.dumps(doc), encoding="utf-8")


@pytest.mark.parametrize("suffix", ["egg", "bam", "gltf"])
def test_models_load_and_show_in_their_colours(
    view: WorldView, tmp_path: Path, suffix: str
) -> None:
    from panda3d.core import Filename, NodePath

    models = tmp_path / "models"
    models.mkdir()
    (models / "square.egg").write_text(EGG, encoding="utf-8")
    if suffix == "bam":
        from exhibit.render.world.model import load

        egg: NodePath = load(str(models / "square.egg"))
        assert egg.writeBamFile(Filename.fromOsSpecific(str(models / "square.bam")))
    if suffix == "gltf":
        pytest.importorskip("gltf")
        write_gltf(models / "square.gltf")
    scene = scene_from(f"""
        duration: 10
        environment:
          sky: {{zenith: "#dfe6ee", horizon: "#f4f4f0"}}
          ambient: {{color: "#ffffff", intensity: 0.6}}
        objects:
          thing: {{kind: model, file: models/square.{suffix}, pos: [0, 12, -2]}}
        camera:
          keys:
            - {{at: 0, pos: [0, 0, 0], look_at: [0, 12, 0]}}
    """)
    world = build_world(scene, view.root, project_root=tmp_path, capabilities=view.capabilities)
    try:
        state = timeline_of(scene).state(1.0)
        world.apply(state)
        view.place(state.camera.pos, state.camera.hpr, state.camera.fov)
        image = view.frame()
        low, high = world.bounds("thing")
    finally:
        world.destroy()
    assert blue_fraction(image) > 0.05, f"the {suffix} model should show, blue"
    assert high[0] - low[0] == pytest.approx(4.0, abs=0.01)


def test_a_missing_model_file_is_an_error_that_names_it(view: WorldView, tmp_path: Path) -> None:
    scene = scene_from("""
        objects:
          thing: {kind: model, file: models/nothing.glb}
    """)
    before = view.root.getNumChildren()
    with pytest.raises(ExhibitError, match="nothing.glb"):
        build_world(scene, view.root, project_root=tmp_path, capabilities=view.capabilities)
    assert view.root.getNumChildren() == before, "a failed build leaves nothing behind"


NIGHT = """
    duration: 30
    environment:
      sky: {zenith: "#0a1120", horizon: "#26314a"}
      sun: {azimuth: 230, elevation: 28, color: "#9fb0d0", intensity: 0.1}
      ambient: {color: "#2a3246", intensity: 0.2}
    objects:
      ground: {kind: terrain, size: [100, 100], height: 0.5, roughness: 0.1, seed: 1}
      house: {kind: house, pos: [0, 10, 0], size: [6, 5, 3.5]}
      lamp:
        {kind: light, type: point, pos: [-1.4, 6.8, 1.8], color: "#ffa94d", intensity: 0.9,
         range: 9}
    camera:
      keys:
        - {at: 0, pos: [0, -4, 1.7], look_at: [0, 10, 1.6]}
"""


@pytest.mark.parametrize("glsl", [True, False], ids=["glsl", "fixed-function"])
def test_a_lamp_lights_the_night_and_fades_with_opacity(view: WorldView, glsl: bool) -> None:
    caps = view.capabilities if glsl else Capabilities(glsl=False, fog=True)
    if glsl and not caps.glsl:
        pytest.skip("this renderer has no GLSL")
    scene = scene_from(NIGHT)
    world = build_world(scene, view.root, project_root=REPO, capabilities=caps)
    try:
        state = timeline_of(scene).state(1.0)
        view.place(state.camera.pos, state.camera.hpr, state.camera.fov)
        world.apply(state)
        lit = view.frame().astype(float)[80:160, 60:260]  # the house front and the lane
        dark_lamp = replace(state.objects["lamp"], opacity=0.0)
        world.apply(replace(state, objects={**state.objects, "lamp": dark_lamp}))
        dark = view.frame().astype(float)[80:160, 60:260]
    finally:
        world.destroy()
    # per-pixel light in GLSL; per-vertex fixed-function light is coarser on big walls
    assert lit.mean() > dark.mean() + (4 if glsl else 0.5), (
        "the lamp brightens the house front and the lane"
    )
    warm = lit[..., 0] - lit[..., 2]
    assert (warm > 30).mean() > 0.01, "lamplight is warm"


@pytest.mark.parametrize("name", ["nanhu_red_boat", "long_march", "fushanhou", "dujiang"])
def test_bundled_scenes_build_and_are_not_blank(view: WorldView, name: str) -> None:
    project = Project.at(REPO)
    path = project.scenes_dir / f"{name}.yaml"
    if not path.is_file():
        pytest.skip(f"{name}.yaml is not in this checkout")
    loaded = project.load_scene(path)
    if loaded.model is None:
        pytest.skip(f"{name}.yaml does not load: {loaded.diagnostics[:1]}")
    timeline = timeline_of(loaded.model, loaded.model.languages[0])
    world = build_world(loaded.model, view.root, project_root=REPO, capabilities=view.capabilities)
    try:
        for t in (timeline.duration * 0.3, timeline.duration * 0.6):
            state = timeline.state(t)
            world.apply(state)
            view.place(state.camera.pos, state.camera.hpr, state.camera.fov)
            image = view.frame().astype(float)
            assert image.std() > 6.0, (
                f"{name} at {t:.1f} s should show something, not a flat colour"
            )
    finally:
        world.destroy()


SOFTWARE_SCRIPT = r"""
import sys
from panda3d.core import loadPrcFileData
loadPrcFileData("", "window-type none\nload-display p3tinydisplay\naudio-library-name null\n")
from direct.showbase.ShowBase import ShowBase
from panda3d.core import FrameBufferProperties, WindowProperties, NodePath, Camera, PerspectiveLens
import numpy as np
base = ShowBase(windowType="none")
fb = FrameBufferProperties(); fb.setRgbColor(True); fb.setRgbaBits(8, 8, 8, 8); fb.setDepthBits(24)
props = WindowProperties(); props.setSize(160, 90)
buf = base.openWindow(props=props, fbprops=fb, type="offscreen", makeCamera=False,
                      requireWindow=True)
from exhibit.render.world import Capabilities, build_world
caps = Capabilities.detect(buf.getGsg())
print("caps", caps.glsl, caps.fog)
sys.path.insert(0, sys.argv[1])
from tests.render.conftest_world import scene_from, timeline_of
scene = scene_from(sys.argv[2])
root = NodePath("root")
lens = PerspectiveLens(); lens.setFov(60, 36); lens.setNearFar(0.3, 5000)
cam = root.attachNewNode(Camera("cam", lens))
buf.makeDisplayRegion().setCamera(cam)
world = build_world(scene, root, project_root=sys.argv[1], capabilities=caps)
tl = timeline_of(scene)
frames = []
for t in (1.0, 3.0):
    st = tl.state(t); world.apply(st); cam.setPosHpr(*st.camera.pos, *st.camera.hpr)
    base.graphicsEngine.renderFrame(); base.graphicsEngine.renderFrame()
    tex = buf.getScreenshot()
    img = np.frombuffer(bytes(tex.getRamImageAs("RGB")), np.uint8).reshape(90, 160, 3).astype(int)
    frames.append(img)
f = frames[0]
red = ((f[..., 0] > 1.8 * f[..., 1] + 10) & (f[..., 0] > 1.8 * f[..., 2] + 10)).mean()
print("red", red)
print("moved", float(np.abs(frames[0] - frames[1]).mean()))
world.destroy()
print("left", root.getNumChildren() - 1)  # the camera stays
"""


def test_the_software_renderer_shows_the_boat_and_moves_the_water(tmp_path: Path) -> None:
    """Panda3D's software renderer has no GLSL: the fallback still shows a red boat on
    moving water (checked in a separate process: one ShowBase per process)."""
    lake = """
        duration: 30
        environment:
          sky: {zenith: "#9aabb8", horizon: "#e0ded2"}
          sun: {azimuth: 120, elevation: 38, intensity: 0.8}
        objects:
          lake: {kind: water, size: [400, 400], waves: 1.0}
          boat: {kind: red_boat, pos: [0, 30, 0], hpr: [90, 0, 0]}
          flag: {kind: flag, pos: [4, 20, 2]}
          haze: {kind: mist, pos: [0, 60, 0], area: [100, 60, 8], density: 0.3}
          flakes: {kind: snow, area: [60, 60, 20], rate: 100}
        camera:
          keys:
            - {at: 0, pos: [0, 0, 3], look_at: [0, 30, 1]}
    """
    env = dict(os.environ, EXHIBIT_RENDERER="software")
    done = subprocess.run(
        [sys.executable, "-c", SOFTWARE_SCRIPT, str(REPO), lake],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    lines = dict(line.split(" ", 1) for line in done.stdout.splitlines() if " " in line)
    assert lines["caps"] == "False False", "tinydisplay: no GLSL, no fog"
    assert float(lines["red"]) > 0.01, "the boat is red in the software renderer too"
    assert float(lines["moved"]) > 0.1, "water, flag and snow move between t = 1 and t = 3"
    assert lines["left"] == "0"


LANE = """
    duration: 30
    environment:
      sky: {zenith: "#0a1120", horizon: "#26314a"}
      sun: {azimuth: 230, elevation: 28, color: "#9fb0d0", intensity: 0.1}
      ambient: {color: "#2a3246", intensity: 0.2}
    objects:
      ground: {kind: terrain, size: [100, 100], height: 0.5, roughness: 0.1, seed: 1}
      west: {kind: house, pos: [-4, 12, 0], hpr: [90, 0, 0], size: [6, 5, 3.5]}
      east: {kind: house, pos: [4, 12, 0], hpr: [-90, 0, 0], size: [6, 5, 3.5]}
      lamp:  # inside the east house, behind its front wall
        {kind: light, type: point, pos: [1.9, 12, 1.5], color: "#ffa94d", intensity: 0.9, range: 9}
"""


@pytest.mark.parametrize("glsl", [True, False], ids=["glsl", "fixed-function"])
def test_a_lamp_indoors_lights_its_own_windows_not_the_house_across_the_lane(
    view: WorldView, glsl: bool
) -> None:
    caps = view.capabilities if glsl else Capabilities(glsl=False, fog=True)
    if glsl and not caps.glsl:
        pytest.skip("this renderer has no GLSL")
    scene = scene_from(LANE)
    world = build_world(scene, view.root, project_root=REPO, capabilities=caps)
    gains = {}
    try:
        state = timeline_of(scene).state(1.0)
        off = replace(state.objects["lamp"], opacity=0.0)
        dark_state = replace(state, objects={**state.objects, "lamp": off})
        # from the middle of the lane, look at each house's front in turn
        for side, camera, target in (
            ("own", (-1.0, 12.0, 1.7), (4.0, 12.0, 1.7)),
            ("across", (1.0, 12.0, 1.7), (-4.0, 12.0, 1.7)),
        ):
            view.look_at(camera, target, 70.0)
            world.apply(state)
            lit = view.frame().astype(float)
            world.apply(dark_state)
            dark = view.frame().astype(float)
            gains[side] = float(((lit - dark).sum(axis=2) > 90).mean())
    finally:
        world.destroy()
    assert gains["own"] > 0.02, "the lamp's own paper windows glow"
    assert gains["across"] < gains["own"] / 4, "the house across the lane stays dark"
