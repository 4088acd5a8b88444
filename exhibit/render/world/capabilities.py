"""What the graphics backend can do, as the application detected it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Capabilities:
    """``glsl``: the engine's shaders run (a real GL or EGL with Mesa). ``fog``: fixed-function
    fog works. Panda3D's software renderer (p3tinydisplay) has neither: the world then uses
    vertex colours, textures and per-vertex light, and moves animated vertices on the CPU."""

    glsl: bool
    fog: bool

    @classmethod
    def detect(cls, gsg: object) -> Capabilities:
        """Read them from a graphics state guardian (``base.win.getGsg()``)."""
        glsl = bool(gsg.getSupportsGlsl())
        kind = str(gsg.getType().getName()).lower()
        renderer = str(gsg.getDriverRenderer()).lower()
        software = kind.startswith("tiny") or "tinydisplay" in renderer
        return cls(glsl=glsl and not software, fog=not software)
