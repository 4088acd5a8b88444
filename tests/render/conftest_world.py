"""An offscreen view for the world tests: a small buffer, a camera, pixels back.

The world is tested on its own, without a Player: a scene is built into a fresh
root, a FrameState is applied, one frame is drawn into a small buffer and read back
as an RGB array. The buffer comes from the process's one ShowBase (Panda3D allows
only one), the application's ``shared_app`` when it is there.
"""

from __future__ import annotations

import math
import os
import textwrap
from pathlib import Path
from typing import Any

import numpy as np

os.environ.setdefault("ALSOFT_DRIVERS", "null")

SIZE = (320, 180)


def _base() -> Any:
    try:
        from exhibit.render.app import shared_app
    except ImportError:  # the application is not there: a bare offscreen ShowBase
        import builtins

        if getattr(builtins, "base", None) is not None:
            return builtins.base, None
        from panda3d.core import loadPrcFileData

        loadPrcFileData(
            "world-tests",
            "window-type none\nload-display p3headlessgl\naux-display p3tinydisplay\n"
            "audio-library-name null\nprint-pipe-types #f\nnotify-level-device fatal\n"
            "notify-level-egldisplay error\n",
        )
        from direct.showbase.ShowBase import ShowBase

        base = ShowBase(windowType="none")
        return base, None
    app = shared_app(audio=True)
    return app.base, app


class WorldView:
    """An offscreen buffer of ``size`` pixels looking into its own scene graph."""

    def __init__(self, size: tuple[int, int] = SIZE) -> None:
        from panda3d.core import (
            Camera,
            FrameBufferProperties,
            GraphicsOutput,
            NodePath,
            PerspectiveLens,
            WindowProperties,
        )

        self.base, self.app = _base()
        self.size = size
        if self.app is not None:
            self.buffer = self.app.open_output(size, onscreen=False)
        else:
            fb = FrameBufferProperties()
            fb.setRgbColor(True)
            fb.setRgbaBits(8, 8, 8, 8)
            fb.setDepthBits(24)
            props = WindowProperties()
            props.setSize(*size)
            self.buffer = self.base.openWindow(
                props=props, fbprops=fb, type="offscreen", makeCamera=False, requireWindow=True
            )
        assert isinstance(self.buffer, GraphicsOutput)
        self.buffer.setClearColorActive(True)
        self.buffer.setClearColor((0.0, 0.0, 0.0, 1.0))
        self.root = NodePath("world_test_root")
        self.lens = PerspectiveLens()
        self.lens.setNearFar(0.3, 20000.0)
        self.camera = self.root.attachNewNode(Camera("world_test_camera", self.lens))
        self.region = self.buffer.makeDisplayRegion()
        self.region.setCamera(self.camera)

    @property
    def capabilities(self) -> Any:
        from exhibit.render.world import Capabilities

        return Capabilities.detect(self.buffer.getGsg())

    def place(
        self, pos: tuple[float, float, float], hpr: tuple[float, float, float], fov: float
    ) -> None:
        """Camera pose as a CameraState gives it (fov: horizontal degrees)."""
        aspect = self.size[0] / self.size[1]
        vfov = math.degrees(2 * math.atan(math.tan(math.radians(fov) / 2) / aspect))
        self.lens.setFov(fov, vfov)
        self.camera.setPosHpr(*pos, *hpr)

    def look_at(
        self, pos: tuple[float, float, float], target: tuple[float, float, float], fov: float = 60.0
    ) -> None:
        self.camera.setPos(*pos)
        self.camera.lookAt(*target)
        self.place(pos, tuple(self.camera.getHpr()), fov)  # type: ignore[arg-type]

    def frame(self) -> np.ndarray:
        """Draw once and return the picture as (rows, cols, 3) uint8, top row first."""
        engine = self.base.graphicsEngine
        engine.renderFrame()
        engine.renderFrame()
        texture = self.buffer.getScreenshot()
        assert texture is not None
        w, h = texture.getXSize(), texture.getYSize()
        data = np.frombuffer(bytes(texture.getRamImageAs("RGB")), dtype=np.uint8)
        return data.reshape(h, w, 3)[::-1].copy()

    def save(self, path: str | Path) -> None:
        from panda3d.core import PNMImage

        image = PNMImage()
        self.buffer.getScreenshot(image)
        image.write(str(path))

    def close(self) -> None:
        self.buffer.removeDisplayRegion(self.region)
        if self.app is not None:
            self.app.close_output(self.buffer)
        else:
            self.base.closeWindow(self.buffer)
        self.root.removeNode()


def scene_from(text: str) -> Any:
    """A Scene model from YAML text (validated like a scene file)."""
    import yaml

    from exhibit.spec.scene import Scene

    return Scene.model_validate(yaml.safe_load(textwrap.dedent(text)))


def timeline_of(scene: Any, lang: str = "zh") -> Any:
    from exhibit.timeline.compile import compile as compile_timeline

    return compile_timeline(scene, lang)
