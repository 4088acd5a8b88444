"""Parts of one object grouped by surface: one mesh (so one draw call) per material.

A house is stone walls, a tiled roof, wooden doors and paper windows: four meshes,
each with its texture and shader inputs, whatever the number of walls and windows.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from panda3d.core import NodePath

from exhibit.render.world import textures
from exhibit.render.world.mesh import Mesh
from exhibit.render.world.piece import surface


@dataclass(frozen=True)
class Material:
    texture: str = "white"
    emissive: float = 0.0
    translucent: float = 0.0  # lamplight shines through (paper windows)
    alpha_cut: float = 0.0
    gloss: float = 0.0
    two_sided: bool = False


PLAIN = Material()
TRANSLUCENT_TAG = "translucent"


@dataclass
class Parts:
    meshes: dict[Material, Mesh] = field(default_factory=dict)

    def __getitem__(self, material: Material) -> Mesh:
        mesh = self.meshes.get(material)
        if mesh is None:
            mesh = self.meshes[material] = Mesh()
        return mesh

    def attach(self, parent: NodePath, name: str, glsl: bool) -> list[NodePath]:
        """One node per material under ``parent``; returns them in material order.

        Without GLSL an emissive material simply ignores the lights, and translucent ones
        (paper windows) are tagged so the world can light them from nearby lamps."""
        out = []
        for i, (material, mesh) in enumerate(self.meshes.items()):
            if mesh.count == 0:
                continue
            np_ = parent.attachNewNode(mesh.node(f"{name}_{material.texture}_{i}"))
            if material.texture != "white":
                np_.setTexture(textures.texture(material.texture), 1)
            if material.emissive or material.translucent or material.alpha_cut or material.gloss:
                surface(
                    np_, material.emissive, material.translucent, material.alpha_cut, material.gloss
                )
            if material.emissive and not glsl:
                np_.setLightOff(1)
            if material.two_sided:
                np_.setTwoSided(True)
            if material.translucent and not glsl:
                np_.setLightOff(1)
                np_.setTag(TRANSLUCENT_TAG, "1")
            out.append(np_)
        return out
