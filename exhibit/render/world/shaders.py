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

#: figures of a marching column drawn by one Geom (marchers.vert.glsl's arrays): two
#: vec4 each, well inside the 1024 uniform components every GL 3 card has for a vertex shader
MARCHERS_PER_GEOM = 64

#: program name -> (vertex file, fragment file[, macros defined for both: NAME or "NAME value"])
PROGRAMS: dict[str, tuple[str, str] | tuple[str, str, tuple[str, ...]]] = {
    "lit": ("lit.vert.glsl", "lit.frag.glsl"),
    "terrain": ("lit.vert.glsl", "terrain.frag.glsl"),
    "flag": ("flag.vert.glsl", "lit.frag.glsl"),
    "water": ("water.vert.glsl", "water.frag.glsl"),
    "sky": ("sky.vert.glsl", "sky.frag.glsl"),
    "snow": ("snow.vert.glsl", "snow.frag.glsl"),
    "mist": ("mist.vert.glsl", "mist.frag.glsl"),
    "model": ("lit.vert.glsl", "lit.frag.glsl", ("MODEL_MATERIAL",)),
    "marchers": ("marchers.vert.glsl", "lit.frag.glsl", (f"FIGURES {MARCHERS_PER_GEOM}",)),
    "text": ("lit.vert.glsl", "text.frag.glsl"),
    "image": ("lit.vert.glsl", "image.frag.glsl"),
    "panorama": ("panorama.vert.glsl", "panorama.frag.glsl"),
    "sway": ("sway.vert.glsl", "lit.frag.glsl"),
    "flag_batch": ("flag.vert.glsl", "lit.frag.glsl", ("BATCHED",)),
}


def source(name: str, defines: tuple[str, ...] = ()) -> str:
    """A shader file's text with its includes expanded (one level is all we use).

    ``defines`` become ``#define`` lines right after ``#version``: one file serves
    programs that differ in a line or two, at no cost per pixel.
    """
    path = SHADER_DIR / name
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ExhibitError(f"shader file {path} cannot be read: {exc.strerror}") from exc
    text = _INCLUDE.sub(lambda m: source(m.group(1)), text)
    if defines:
        version, _, rest = text.partition("\n")
        lines = (f"#define {d}\n" if " " in d else f"#define {d} 1\n" for d in defines)
        text = version + "\n" + "".join(lines) + rest
    return text


@cache
def program(name: str) -> Shader:
    """The compiled-on-first-use program ``name`` (one of :data:`PROGRAMS`)."""
    vertex, fragment, *rest = PROGRAMS[name]
    defines = rest[0] if rest else ()
    shader = Shader.make(Shader.SL_GLSL, vertex=source(vertex, defines), fragment=source(fragment, defines))
    if shader is None:
        raise ExhibitError(f"the {name} shader does not compile; see the messages above")
    return shader
