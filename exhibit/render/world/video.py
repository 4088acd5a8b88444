"""A film screen in the world (``kind: video``): the frame shown is the film's for show time.

Each frame the world applies, the screen works out the film's position from the show
time alone (:func:`exhibit.timeline.film.film_position`) and shows that frame, read by a
:class:`~exhibit.render.film.FilmReader`; nothing here counts frames or keeps a clock,
so a still at ``t``, an exported frame, a seek or a reload show the frame of ``t``.
The screen glows by itself (``lit: false``, the default) like a monitor; its colours
are the film's, drawn without the tone curve (the picture shader).
"""

from __future__ import annotations

from panda3d.core import CardMaker, NodePath, SamplerState, Texture

from exhibit.render.film import FilmReader
from exhibit.render.world.piece import BuildContext, Piece, surface
from exhibit.spec.errors import ExhibitError
from exhibit.spec.film import probe
from exhibit.spec.picture import PictureInfo, shown_size
from exhibit.spec.scene import Video
from exhibit.timeline.film import film_position, film_start, frame_index
from exhibit.timeline.frame import FrameState


def build(obj_id: str, obj: Video, ctx: BuildContext) -> Piece:
    path = (ctx.project_root / obj.file).resolve()
    if not path.is_file():
        raise ExhibitError(f"the film file {path} does not exist (object '{obj_id}')")
    try:
        info = probe(path)
    except ExhibitError as exc:
        raise ExhibitError(f"cannot play the film {path} (object '{obj_id}'): {exc}") from None
    reader = FilmReader(path, info)
    width, height = shown_size(PictureInfo(info.width, info.height), obj.size)
    root = NodePath(obj_id)
    cards = CardMaker(f"{obj_id}_screen")
    cards.setFrame(-width / 2, width / 2, -height / 2, height / 2)
    cards.setUvRange((0.0, 1.0), (1.0, 0.0))  # frames arrive top row first
    screen = root.attachNewNode(cards.generate())
    texture = Texture(f"{obj_id}_film")
    texture.setup2dTexture(*reader.size, Texture.T_unsigned_byte, Texture.F_rgb8)
    texture.setMinfilter(SamplerState.FT_linear)
    texture.setMagfilter(SamplerState.FT_linear)
    texture.setWrapU(SamplerState.WM_clamp)
    texture.setWrapV(SamplerState.WM_clamp)
    screen.setTexture(texture, 1)
    screen.setTwoSided(True)
    surface(screen, emissive=0.0 if obj.lit else 1.0)
    ctx.shade(screen, "image", 2)
    if not obj.lit and not ctx.glsl:
        screen.setLightOff(1)
    start = film_start(ctx.show_timeline(), obj_id)
    shown: list[int] = [-1]

    def show(frame: FrameState) -> None:
        index = frame_index(film_position(obj, start, info.duration, frame.t), info.fps, info.frames)
        if index != shown[0]:
            texture.setRamImage(reader.frame(index))
            shown[0] = index

    first = frame_index(film_position(obj, start, info.duration, 0.0), info.fps, info.frames)
    texture.setRamImage(reader.frame(first))  # the poster: the screen is never blank
    return Piece(root, animate=show, close=reader.close)
