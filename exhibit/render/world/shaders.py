"""The engine's own GLSL programs (``exhibit/render/shaders/*.glsl``).

Shaders are small and written for GLSL 1.30 so that Mesa's llvmpipe (EGL, no GPU)
runs them as well as a real card. ``#include "common.glsl"`` is expanded here rather
than by Panda3D, so the files load the same from a source checkout and a wheel.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from panda3d.core import Shader

from exhibit.spec.errors import ExhibitError

SHADER_DIR = Path(__file__).resolve().parent.parent / "shaders"
_INCLUDE = re.compile(r'^\s*#include\s+"([^"]+)"\s*$', re.MULTILINE)

#: program name -> (vertex file, fragment file)
PROGRAMS: dict[str, tuple[str, str]] = {
    "lit": ("lit.vert.glsl", "lit.frag.glsl"),
    "terrain": ("lit.vert.glsl", "terrain.frag.glsl"),
    "flag": ("flag.vert.glsl", "lit.frag.glsl"),
    "water": ("water.vert.glsl", "water.frag.glsl"),
    "sky": ("sky.vert.glsl", "sky.frag.glsl"),
    "snow": ("snow.vert.glsl", "snow.frag.glsl"),
    "mist": ("mist.vert.glsl", "mist.frag.glsl"),
    "model": ("lit.vert.glsl", "model.frag.glsl"),
    "marchers": ("marchers.vert.glsl", "lit.frag.glsl"),
    "text": ("lit.vert.glsl", "text.frag.glsl"),
}


def source(name: str) -> str:
    """A shader file's text with its includes expanded (one level is all we use)."""
    path = SHADER_DIR / name
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ExhibitError(f"shader file {path} cannot be read: {exc.strerror}") from exc
    return _INCLUDE.sub(lambda m: source(m.group(1)), text)


@cache
def program(name: str) -> Shader:
    """The compiled-on-first-use program ``name`` (one of :data:`PROGRAMS`)."""
    vertex, fragment = PROGRAMS[name]
    shader = Shader.make(Shader.SL_GLSL, vertex=source(vertex), fragment=source(fragment))
    if shader is None:
        raise ExhibitError(f"the {name} shader does not compile; see the messages above")
    return shader
