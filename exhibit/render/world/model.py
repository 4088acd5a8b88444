"""An artist's model: glTF (.glb/.gltf, through panda3d-gltf), Panda3D .bam or .egg.

The file is relative to the content root. Models are lit by the same light and fog
as the procedural world (the ``model`` program reads the model's material colour and
texture); a missing or unreadable file is an error naming it, never a blank.
"""

from __future__ import annotations

from functools import cache

from panda3d.core import Filename, Loader, LoaderOptions, Material, NodePath

from exhibit.render.world.piece import BuildContext, Piece
from exhibit.spec.errors import ExhibitError
from exhibit.spec.scene import ModelObject


@cache
def _register_python_loaders() -> None:
    """Let the core loader read formats whose loaders are Python packages (panda3d-gltf)."""
    from direct.showbase.Loader import Loader as ShowBaseLoader

    ShowBaseLoader._loadPythonFileTypes()


def load(path: str) -> NodePath:
    _register_python_loaders()
    options = LoaderOptions(LoaderOptions.LF_no_cache | LoaderOptions.LF_report_errors)
    node = Loader.getGlobalPtr().loadSync(Filename.fromOsSpecific(path), options)
    if node is None:
        raise ExhibitError(f"cannot load the model {path}")
    return NodePath(node)


def build(obj_id: str, obj: ModelObject, ctx: BuildContext) -> Piece:
    path = (ctx.project_root / obj.file).resolve()
    if not path.is_file():
        raise ExhibitError(f"the model file {path} does not exist (object '{obj_id}')")
    root = NodePath(obj_id)
    model = load(str(path))
    model.reparentTo(root)
    # the model program reads the material's base colour: give parts without a
    # material plain white (their own materials, lower down, still win)
    plain = Material("plain")
    plain.setBaseColor((1.0, 1.0, 1.0, 1.0))
    plain.setDiffuse((1.0, 1.0, 1.0, 1.0))
    plain.setAmbient((1.0, 1.0, 1.0, 1.0))
    model.setMaterial(plain)
    ctx.shade(model, "model", 2)
    return Piece(root)
