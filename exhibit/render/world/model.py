"""An artist's model: glTF (.glb/.gltf, through panda3d-gltf), Panda3D .bam or .egg.

The file is relative to the content root. Models are lit by the same light and fog
as the procedural world (the ``model`` program reads the model's material colour and
texture); a missing or unreadable file is an error naming it, never a blank.

A model's own animations (glTF skins and morph targets) are played by ``animate``
cues: each frame the model is posed at the clip frame of show time
(:mod:`exhibit.timeline.animation`), so a still at ``t`` shows the pose of ``t``.
"""

from __future__ import annotations

from functools import cache

from panda3d.core import AnimControlCollection, Filename, Loader, LoaderOptions, Material, NodePath, autoBind

from exhibit.render.world.piece import BuildContext, Piece
from exhibit.spec.errors import ExhibitError
from exhibit.spec.scene import AnimateCue, ModelObject
from exhibit.timeline.animation import animate_cues, clip_at, clip_frame
from exhibit.timeline.frame import FrameState


@cache
def _register_python_loaders() -> None:
    """Let the core loader read formats whose loaders are Python packages (panda3d-gltf)."""
    from direct.showbase.Loader import Loader as ShowBaseLoader

    ShowBaseLoader._loadPythonFileTypes()
    _mend_gltf_interpolation()


def _mend_gltf_interpolation() -> None:
    """panda3d-gltf 1.3.0 samples LINEAR animation keys with a lerp factor of
    ``max(f, 1)`` (so always 1: every frame between two keys shows the later one, and
    a clip of two keys is its last pose throughout); clamp it the intended way."""
    try:
        from gltf import _converter
    except ImportError:
        return
    factor = getattr(_converter, "get_lerp_factor", None)
    if factor is not None and factor(0.0, 0.0, 2.0) != 0.0:

        def lerp_factor(currtime: float, lasttime: float, nexttime: float) -> float:
            if nexttime <= lasttime:
                return 1.0
            return min(max((currtime - lasttime) / (nexttime - lasttime), 0.0), 1.0)

        _converter.get_lerp_factor = lerp_factor


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
    cues = animate_cues(ctx.show_timeline(), obj_id) if _animated(ctx, obj_id) else []
    if not cues:
        return Piece(root)
    clips = AnimControlCollection()
    autoBind(model.node(), clips, ~0)
    for _, cue in cues:
        if clips.findAnim(cue.clip) is None:
            known = ", ".join(clips.getAnimName(i) for i in range(clips.getNumAnims())) or "none"
            raise ExhibitError(f"the model {path} has no animation '{cue.clip}' (its clips: {known})")
    return Piece(root, animate=lambda frame: _pose(clips, cues, frame))


def _animated(ctx: BuildContext, obj_id: str) -> bool:
    return any(getattr(c, "do", None) == "animate" and getattr(c, "target", None) == obj_id for c in ctx.scene.cues)


def _pose(clips: AnimControlCollection, cues: list[tuple[float, AnimateCue]], frame: FrameState) -> None:
    """Pose the model at the clip frame of ``frame.t`` (its rest pose before the first cue)."""
    at = clip_at(cues, frame.t)
    if at is None:
        for i in range(clips.getNumAnims()):
            clips.getAnim(i).getPart().clearControlEffects()
        return
    control = clips.findAnim(at.clip)
    control.pose(clip_frame(at, control.getNumFrames(), control.getFrameRate()))
