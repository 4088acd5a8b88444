"""The Panda3D application starts on whatever renderer the machine has, and says which."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from exhibit.render.app import Backend, pipe_config
from exhibit.spec.errors import ExhibitError
from tests.render.conftest import REPO, STILL_LIFE, write_project

pytestmark = pytest.mark.needs_display


def test_without_a_display_rendering_is_offscreen_egl_with_glsl_and_fog(app, make_player, tmp_path):
    # This machine has Mesa EGL (llvmpipe) and no display: the second choice of the design.
    player = make_player(write_project(tmp_path, {"s": STILL_LIFE}))
    backend = app.backend
    assert isinstance(backend, Backend)
    assert backend.kind == "egl", backend
    assert backend.glsl and backend.fog
    assert "llvmpipe" in backend.renderer or backend.renderer  # the driver names itself
    caps = backend.capabilities()
    assert (caps.glsl, caps.fog) == (True, True)
    assert player.displays.primary.getXSize() == 320 and player.displays.primary.getYSize() == 180


def test_the_order_of_renderers_is_window_then_egl_then_software():
    assert pipe_config(display=True, software=False).split() == [
        "load-display",
        "pandagl",
        "aux-display",
        "p3headlessgl",
        "aux-display",
        "p3tinydisplay",
    ]
    assert pipe_config(display=False, software=False).split() == [
        "load-display",
        "p3headlessgl",
        "aux-display",
        "p3tinydisplay",
    ]
    assert pipe_config(display=False, software=True).split() == ["load-display", "p3tinydisplay"]


def test_a_window_without_a_display_is_a_clear_error(app, monkeypatch):
    monkeypatch.setattr(app, "display_available", False)
    with pytest.raises(ExhibitError, match="no display") as err:
        app.open_output((320, 180), onscreen=True)
    assert "--display offscreen" in str(err.value)


def test_the_software_renderer_draws_a_still_without_glsl(tmp_path: Path):
    """EXHIBIT_RENDERER=software: Panda3D's tinydisplay (no GLSL, no fog) still gives a picture."""
    write_project(tmp_path, {"s": STILL_LIFE})
    out = tmp_path / "soft.png"
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env["EXHIBIT_RENDERER"] = "software"
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "exhibit",
            "--root",
            str(tmp_path),
            "still",
            "s",
            "--at",
            "2",
            "-o",
            str(out),
            "--size",
            "160x90",
        ],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert "software renderer" in proc.stderr
    from panda3d.core import PNMImage

    image = PNMImage()
    assert image.read(str(out))
    assert (image.getXSize(), image.getYSize()) == (160, 90)
    pixels = np.array([[image.getXel(x, y) for x in range(0, 160, 4)] for y in range(0, 90, 4)])
    assert pixels.std() > 0.02  # not one flat colour
