"""What a builder gets (a BuildContext) and what it gives back (a Piece).

Each built-in kind has one module with ``build(obj_id, obj, ctx) -> Piece``. The
world applies the timeline's ObjectState to ``Piece.node`` and calls
``Piece.animate(frame)`` for motion that depends on show time alone.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from panda3d.core import NodePath, Texture, TransparencyAttrib

from exhibit.render.world import shaders, textures
from exhibit.render.world.capabilities import Capabilities
from exhibit.render.world.ground import Ground, Placement
from exhibit.spec.scene import Scene
from exhibit.timeline.frame import FrameState, ObjectState
from exhibit.timeline.model import Timeline


@dataclass
class Lamp:
    """A point or spot light that the lit shaders and the fixed-function lights both see."""

    node: NodePath  # where the light is (its heading points a spot light)
    color: tuple[float, float, float]
    intensity: float
    range: float
    spot: bool = False
    cone: float = 40.0  # half angle of a spot light, degrees
    level: float = 1.0  # the object's opacity: a hidden lamp is dark
    #: inside a building: its light reaches outside only through the windows, so it
    #: lights paper windows fully and the lane outside faintly
    indoor: bool = False


@dataclass
class Piece:
    """One built object: its root node and its time-dependent behaviour."""

    node: NodePath
    animate: Callable[[FrameState], None] | None = None
    #: kinds whose opacity and tint are not plain transparency and colour (a lamp's
    #: brightness, mist's density): they take the ObjectState themselves
    own_look: Callable[[ObjectState], None] | None = None
    #: kinds whose look depends on the language (text)
    set_lang: Callable[[str], None] | None = None
    lamps: list[Lamp] = field(default_factory=list)
    #: keeps fixed-function transparency off so alpha comes from the object itself
    self_blended: bool = False
    #: the program that moves this piece's parts as ``animate`` does (in the vertex
    #: shader), so that still objects of its kind can be drawn together (world/batch.py)
    sway: str | None = None
    #: what to let go of when the world goes (a film's decoder)
    close: Callable[[], None] | None = None
    #: the node that parts of this object ride (hotspots ``part_of`` it): the object's
    #: own motion (a boat's sway) under the world's transform; None: ``node``
    carrier: NodePath | None = None
    #: an interior (a room): the sun and the haze do not reach it (environment.py)
    interior: bool = False


@dataclass
class BuildContext:
    scene: Scene
    project_root: Path
    capabilities: Capabilities
    ground: Ground
    has_water: bool = False
    lang: str = "zh"
    #: the show's compiled timeline (films start at times it resolves); None: estimated
    timeline: Timeline | None = None

    def show_timeline(self) -> Timeline:
        """The show's timeline, or one compiled with the narration's reading estimates."""
        if self.timeline is None:
            from exhibit.timeline.compile import compile as compile_timeline

            self.timeline = compile_timeline(self.scene, self.lang)
        return self.timeline

    @property
    def glsl(self) -> bool:
        return self.capabilities.glsl

    def shade(self, node: NodePath, program: str, priority: int = 1) -> None:
        """Give ``node`` one of the engine's programs (nothing in the software renderer)."""
        if self.glsl:
            node.setShader(shaders.program(program), priority)

    @staticmethod
    def texture(name: str) -> Texture:
        return textures.texture(name)


def placement_of(obj: object) -> Placement:
    """An object's initial ground placement from its scene fields."""
    pos = obj.pos
    hpr = obj.hpr
    scale = obj.scale
    return Placement(pos[0], pos[1], pos[2], hpr[0], scale[0], scale[1], scale[2])


def surface(
    node: NodePath,
    emissive: float = 0.0,
    translucent: float = 0.0,
    alpha_cut: float = 0.0,
    gloss: float = 0.0,
) -> None:
    """Per-node inputs of the lit shader (harmless without shaders)."""
    node.setShaderInput("u_surface", (emissive, translucent, alpha_cut, gloss))
    if alpha_cut > 0:
        node.setTransparency(TransparencyAttrib.MBinary)
