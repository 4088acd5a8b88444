"""The scene model: exactly what staff write in ``scenes/*.yaml``.

Field names, kinds and defaults follow the scene format contract. Every kind of
object and every cue action is its own small model, selected by ``kind`` or
``do``, so an unknown key is reported against the right set of keys.
"""

from __future__ import annotations

import math
from typing import Annotated, Any, Literal

from pydantic import Field, PlainSerializer, PlainValidator, WithJsonSchema, field_validator, model_validator
from pydantic_core import PydanticCustomError

from exhibit.spec.common import (
    DEFAULT_LANGUAGES,
    Color,
    Id,
    Lang,
    Model,
    NonNegative,
    Positive,
    Scale,
    Size2,
    Size3,
    Text,
    Unit,
    Vec2,
    Vec3,
    describe,
)
from exhibit.spec.timeexpr import TimeExpr

EASINGS = (
    "linear",
    "in_quad",
    "out_quad",
    "in_out_quad",
    "in_cubic",
    "out_cubic",
    "in_out_cubic",
    "in_out_sine",
)
Easing = Literal["linear", "in_quad", "out_quad", "in_out_quad", "in_cubic", "out_cubic", "in_out_cubic", "in_out_sine"]

#: Effect names any scene may use; a hall may define more in ``hall.yaml``.
BUILTIN_EFFECTS = (
    "wind",
    "mist",
    "spray",
    "seat",
    "rumble",
    "heat",
    "scent",
    "strobe",
    "snow",
    "bubbles",
    "lightning",
)

AUDIO_SUFFIXES = (".wav", ".ogg", ".mp3", ".flac")
MODEL_SUFFIXES = (".glb", ".gltf", ".bam", ".egg")
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg")
VIDEO_SUFFIXES = (".mp4", ".m4v", ".mov", ".webm", ".mkv")

ZERO3 = (0.0, 0.0, 0.0)
ONE3 = (1.0, 1.0, 1.0)


# --- environment -----------------------------------------------------------------------------


class Sky(Model):
    zenith: Color = Color.hex("#3a6ea5")
    horizon: Color = Color.hex("#cfdde8")


class Sun(Model):
    azimuth: float = 135.0
    elevation: Annotated[float, Field(ge=-90.0, le=90.0)] = 45.0
    color: Color = Color.hex("#fff4e0")
    intensity: NonNegative = 1.0


class Ambient(Model):
    color: Color = Color.hex("#8fa3bf")
    intensity: NonNegative = 0.4


class Fog(Model):
    color: Color = Color.hex("#c8d2dc")
    density: NonNegative = 0.01


class Environment(Model):
    """Sky, sun, ambient light and fog. Every field has a clear-daytime default."""

    sky: Sky = Sky()
    sun: Sun = Sun()
    ambient: Ambient = Ambient()
    fog: Fog | None = None


class SkyChange(Model):
    zenith: Color | None = None
    horizon: Color | None = None


class SunChange(Model):
    azimuth: float | None = None
    elevation: Annotated[float, Field(ge=-90.0, le=90.0)] | None = None
    color: Color | None = None
    intensity: NonNegative | None = None


class AmbientChange(Model):
    color: Color | None = None
    intensity: NonNegative | None = None


class FogChange(Model):
    color: Color | None = None
    density: NonNegative | None = None


# --- objects ---------------------------------------------------------------------------------


class Info(Model):
    """What a visitor learns by selecting an object (a hotspot): a card with a title, a text
    and optionally a picture; ``pause`` holds the show while it is open, ``timeout`` closes it."""

    title: Text
    text: Text
    image: str | None = None
    pause: bool = False
    timeout: Positive = 20.0


class ObjectBase(Model):
    pos: Vec3 = ZERO3
    hpr: Vec3 = ZERO3
    scale: Scale = ONE3
    visible: bool = True
    opacity: Unit = 1.0
    info: Info | None = None  # a hotspot: selecting the object opens this card


class Terrain(ObjectBase):
    """Heightfield ground; mountains get snow above ``snowline``."""

    kind: Literal["terrain"]
    size: Size2 = (400.0, 400.0)
    height: NonNegative = 40.0
    roughness: Unit = 0.5
    seed: int = 0
    snowline: float | None = None
    color: Color = Color.hex("#6b7a4f")


class Water(ObjectBase):
    kind: Literal["water"]
    size: Size2 = (300.0, 300.0)
    color: Color = Color.hex("#4f6e6a")
    waves: Unit = 0.3


class RedBoat(ObjectBase):
    """The South Lake painted pleasure boat: hull, long cabin, curved roof, red."""

    kind: Literal["red_boat"]
    length: Positive = 16.0


class House(ObjectBase):
    kind: Literal["house"]
    size: Size3 = (6.0, 5.0, 3.2)
    roof: Color = Color.hex("#3a3a3e")


class Schoolhouse(ObjectBase):
    kind: Literal["schoolhouse"]
    size: Size3 = (14.0, 7.0, 4.2)


class Flag(ObjectBase):
    kind: Literal["flag"]
    size: Size2 = (1.5, 1.0)
    color: Color = Color.hex("#c8102e")
    wave: Unit = 0.5


class Marchers(ObjectBase):
    """A column of walking figures following ``path`` (or straight ahead along +y)."""

    kind: Literal["marchers"]
    count: Annotated[int, Field(ge=1, le=2000)] = 24
    path: Annotated[list[Vec3], Field(min_length=2)] | None = None
    spacing: Positive = 1.6
    speed: NonNegative = 0.8


class Sailboats(ObjectBase):
    """A fleet of wooden sailing boats (木帆船) with sails, oars and a red flag at each masthead.

    Boats start spread over ``area`` (x across the front, y in depth) and sail along +y of
    the object at ``speed`` (each boat a little faster or slower), stopping when they have
    gone ``distance``: on the far bank.
    """

    kind: Literal["sailboat"]
    count: Annotated[int, Field(ge=1, le=2000)] = 60
    area: Size2 = (400.0, 60.0)
    length: Positive = 9.0
    speed: NonNegative = 1.5
    distance: Positive = 1000.0
    seed: int = 0


class Trees(ObjectBase):
    kind: Literal["trees"]
    count: Annotated[int, Field(ge=0, le=20000)] = 40
    area: Size2 = (80.0, 80.0)
    seed: int = 0


class Snow(ObjectBase):
    kind: Literal["snow"]
    rate: NonNegative = 400.0
    area: Size3 = (80.0, 80.0, 30.0)
    wind: Vec2 = (0.0, 0.0)


class Mist(ObjectBase):
    kind: Literal["mist"]
    area: Size3 = (120.0, 120.0, 4.0)
    density: Unit = 0.5


class TextObject(ObjectBase):
    """3D text in the world, such as a slogan over the water."""

    kind: Literal["text"]
    text: Text
    size: Positive = 1.0
    color: Color = Color.hex("#c8102e")
    billboard: bool = False


class ModelObject(ObjectBase):
    kind: Literal["model"]
    file: str

    @field_validator("file")
    @classmethod
    def _suffix(cls, value: str) -> str:
        if not value.lower().endswith(MODEL_SUFFIXES):
            raise ValueError(f"a model file must end in one of {', '.join(MODEL_SUFFIXES)}, got '{value}'")
        return value


def _picture_size(value: Any) -> tuple[float | str, float | str]:
    """``[width, height]`` in metres; one of them may be ``auto`` (from the picture's aspect)."""
    if not isinstance(value, (list, tuple)) or len(value) != 2:
        raise PydanticCustomError(
            "picture_size", "expected [width, height] in metres (one may be auto), got {got}", {"got": describe(value)}
        )
    out: list[float | str] = []
    for item in value:
        if item == "auto":
            out.append("auto")
            continue
        if isinstance(item, bool) or not isinstance(item, (int, float)) or not math.isfinite(item) or item <= 0:
            raise PydanticCustomError(
                "picture_size",
                "a picture's width and height are metres greater than 0, or auto; got {got}",
                {"got": describe(item, literal=isinstance(item, (int, float)) and not isinstance(item, bool))},
            )
        if item > MAX_PICTURE_METRES:
            raise PydanticCustomError(
                "picture_size",
                "{got} metres is too large for a picture; at most {most}",
                {"got": item, "most": MAX_PICTURE_METRES},
            )
        out.append(float(item))
    if out == ["auto", "auto"]:
        raise PydanticCustomError(
            "picture_size", "give the width or the height in metres; only one of them may be auto", {}
        )
    return (out[0], out[1])


MAX_PICTURE_METRES = 1000.0
PictureSize = Annotated[
    tuple[float | str, float | str],
    PlainValidator(_picture_size),
    PlainSerializer(list, return_type=list),
    WithJsonSchema(
        {
            "type": "array",
            "items": {"anyOf": [{"type": "number", "exclusiveMinimum": 0}, {"const": "auto"}]},
            "minItems": 2,
            "maxItems": 2,
            "description": "[width, height] in metres; one may be auto (from the picture's aspect)",
        }
    ),
]


class PictureFrame(Model):
    """A frame round a picture: moulding ``width`` metres wide, standing ``depth`` proud."""

    style: Literal["wood", "metal"] = "wood"
    width: Annotated[float, Field(gt=0.0, le=10.0)] = 0.06
    depth: Annotated[float, Field(gt=0.0, le=10.0)] = 0.04


class Plaque(Model):
    """A caption board under a picture, set in the CJK font, in the visitor's language."""

    text: Text
    size: Annotated[float, Field(gt=0.0, le=10.0)] = 0.08  # character height, metres
    color: Color = Color.hex("#f2ead8")
    board: Color = Color.hex("#2b2622")


class ImageObject(ObjectBase):
    """A photograph, scanned document or slogan board on a plane in the world.

    The picture stands upright, facing -y of the object, centred on ``pos``.
    """

    kind: Literal["image"]
    file: str
    size: PictureSize = (1.0, "auto")
    frame: PictureFrame | None = None
    plaque: Plaque | None = None
    lit: bool = True
    billboard: bool = False

    @field_validator("file")
    @classmethod
    def _suffix(cls, value: str) -> str:
        if not value.lower().endswith(IMAGE_SUFFIXES):
            raise ValueError(f"a picture file must end in one of {', '.join(IMAGE_SUFFIXES)}, got '{value}'")
        return value


class Panorama(ObjectBase):
    """An equirectangular picture all round the visitor, as the world's backdrop.

    ``file`` is twice as wide as high (``stereo: none``), or two such pictures one above
    the other (``stereo: top_bottom``: the top for the left eye). Its centre column faces
    ``yaw`` degrees clockwise from north (+y); it is drawn behind every 3D object, at
    any distance, and follows the camera (a backdrop has no parallax). Of several shown
    at once, the later in the scene covers the earlier: fade one in over another to
    cross-fade.
    """

    kind: Literal["panorama"]
    file: str
    stereo: Literal["none", "top_bottom"] = "none"
    yaw: float = 0.0

    @field_validator("file")
    @classmethod
    def _suffix(cls, value: str) -> str:
        if not value.lower().endswith(IMAGE_SUFFIXES):
            raise ValueError(f"a panorama file must end in one of {', '.join(IMAGE_SUFFIXES)}, got '{value}'")
        return value


class Video(ObjectBase):
    """A screen in the world playing a film (MP4/H.264, WebM, MOV).

    The picture is a function of show time: at ``t`` the screen shows the film's frame
    for ``from + (t - start)`` seconds (wrapping round from ``from`` with ``loop``), so
    stills, exports and seeks show the same frame as play. Before ``start`` it shows the
    frame at ``from``; after the film ends, its last frame.
    """

    kind: Literal["video"]
    file: str
    size: PictureSize = (1.6, "auto")
    start: TimeExpr = TimeExpr.at(0)
    from_: Annotated[NonNegative, Field(alias="from")] = 0.0
    loop: bool = False
    volume: Unit = 1.0
    lit: bool = False  # a screen gives its own light; true: a projection lit by the room

    @field_validator("file")
    @classmethod
    def _suffix(cls, value: str) -> str:
        if not value.lower().endswith(VIDEO_SUFFIXES):
            raise ValueError(f"a film file must end in one of {', '.join(VIDEO_SUFFIXES)}, got '{value}'")
        return value


class Light(ObjectBase):
    kind: Literal["light"]
    type: Literal["point", "spot"] = "point"
    color: Color = Color.hex("#ffd9a0")
    intensity: NonNegative = 1.0
    range: Positive = 20.0


def _box_size(value: tuple[float, ...], what: str) -> tuple[float, ...]:
    """A box's ``[width, depth, height]``: metres greater than 0."""
    if any(v <= 0 for v in value):
        shown = ", ".join(f"{v:g}" for v in value)
        raise ValueError(f"{what}'s width, depth and height are metres greater than 0, got [{shown}]")
    return value


class Hotspot(ObjectBase):
    """An invisible box a visitor selects to open its card: a part of an object (the red
    boat's cabin) or a place in a panorama.

    Never drawn; a click, a tap, gaze or the trigger finds it as it finds any object with
    ``info`` (the nearest hit wins). ``size`` is the box in metres, centred on ``pos``.
    With ``part_of``, ``pos`` and ``hpr`` are in that object's frame: the box rides the object,
    following its moves and its sway on the water, and goes when the object is hidden.
    """

    kind: Literal["hotspot"]
    size: Size3 = (1.0, 1.0, 1.0)
    part_of: Id | None = None
    info: Info  # what makes it a hotspot: required

    @field_validator("size")
    @classmethod
    def _size(cls, value: tuple[float, ...]) -> tuple[float, ...]:
        return _box_size(value, "a hotspot")


class Room(ObjectBase):
    """An interior seen from inside: a floor, four walls and a ceiling, facing inwards.

    ``size`` is ``[width, depth, height]`` in metres along x, y and z; ``pos`` is the
    middle of the floor. The walls are plaster over a darker dado band and a skirting
    board; the floor is wooden boards. The sun and the sky's haze do not reach inside:
    the room is lit by a share of the scene's ambient light (daylight from its windows)
    and by the lamps (``kind: light``) placed in it.
    """

    kind: Literal["room"]
    size: Size3 = (8.0, 6.0, 3.2)
    walls: Color = Color.hex("#e6dfcf")
    dado: Color = Color.hex("#7b5a43")
    floor: Color = Color.hex("#9a7352")
    ceiling: Color = Color.hex("#f1eee6")

    @field_validator("size")
    @classmethod
    def _size(cls, value: tuple[float, ...]) -> tuple[float, ...]:
        return _box_size(value, "a room")


SceneObject = Annotated[
    Terrain
    | Water
    | RedBoat
    | House
    | Schoolhouse
    | Flag
    | Marchers
    | Sailboats
    | Trees
    | Snow
    | Mist
    | TextObject
    | ModelObject
    | ImageObject
    | Panorama
    | Video
    | Light
    | Hotspot
    | Room,
    Field(discriminator="kind"),
]

OBJECT_KINDS = (
    "terrain",
    "water",
    "red_boat",
    "house",
    "schoolhouse",
    "flag",
    "marchers",
    "sailboat",
    "trees",
    "snow",
    "mist",
    "text",
    "model",
    "image",
    "panorama",
    "video",
    "light",
    "hotspot",
    "room",
)


# --- camera ----------------------------------------------------------------------------------


class CameraKey(Model):
    at: TimeExpr
    pos: Vec3
    look_at: Id | Vec3 | None = None
    hpr: Vec3 | None = None
    ease: Easing = "in_out_sine"

    @field_validator("look_at", mode="before")
    @classmethod
    def _look_at(cls, value: object) -> object:
        if isinstance(value, (str, list, tuple)) or value is None:
            return value
        raise ValueError(f"look_at takes an object id or [x, y, z], got {value!r}")

    @model_validator(mode="after")
    def _one_direction(self) -> CameraKey:
        if self.look_at is not None and self.hpr is not None:
            raise ValueError("give either look_at or hpr, not both")
        return self


class Camera(Model):
    fov: Annotated[float, Field(gt=1.0, lt=179.0)] = 70.0
    keys: Annotated[list[CameraKey], Field(min_length=1)] = [
        CameraKey(at=TimeExpr.at(0), pos=(0.0, -40.0, 8.0), look_at=(0.0, 0.0, 2.0))
    ]


# --- narration -------------------------------------------------------------------------------


class NarrationLine(Model):
    id: Id
    at: TimeExpr | None = None
    gap: NonNegative = 0.6
    speaker: str | None = None
    text: Text
    audio: dict[Lang, str] | None = None


# --- cues ------------------------------------------------------------------------------------


class CueBase(Model):
    at: TimeExpr
    id: Id | None = None


class ShowCue(CueBase):
    do: Literal["show"]
    target: Id
    fade: NonNegative = 1.0


class HideCue(CueBase):
    do: Literal["hide"]
    target: Id
    fade: NonNegative = 1.0


class Transform(Model):
    pos: Vec3 | None = None
    hpr: Vec3 | None = None
    scale: Scale | None = None

    @model_validator(mode="after")
    def _something(self) -> Transform:
        if self.pos is None and self.hpr is None and self.scale is None:
            raise ValueError("'to' needs at least one of pos, hpr or scale")
        return self


class MoveCue(CueBase):
    do: Literal["move"]
    target: Id
    to: Transform
    duration: NonNegative = 2.0
    ease: Easing = "in_out_sine"


class TintCue(CueBase):
    do: Literal["tint"]
    target: Id
    color: Color
    duration: NonNegative = 1.0


class EnvironmentCue(CueBase):
    do: Literal["environment"]
    sky: SkyChange | None = None
    sun: SunChange | None = None
    ambient: AmbientChange | None = None
    fog: FogChange | None = None
    duration: NonNegative = 3.0


class EffectCue(CueBase):
    do: Literal["effect"]
    effect: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]
    level: Unit = 1.0
    duration: NonNegative = 2.0
    fade: NonNegative = 0.5
    follow: Literal["camera"] | None = None
    label: Text | None = None  # the sound caption ("[wind rises]"); "" leaves it out


class CaptionCue(CueBase):
    do: Literal["caption"]
    text: Text
    duration: Positive = 4.0
    position: Literal["bottom", "top", "center"] = "bottom"


class TitleCue(CueBase):
    do: Literal["title"]
    text: Text
    subtitle: Text | None = None
    duration: Positive = 5.0


class FadeCue(CueBase):
    do: Literal["fade"]
    to: Literal["black", "clear"]
    duration: NonNegative = 1.5


class SoundCue(CueBase):
    do: Literal["sound"]
    file: str
    gain: float = 0.0
    follow: Id | None = None
    label: Text | None = None  # the sound caption ("[a bell rings]"); none: not captioned


class QuizCue(CueBase):
    do: Literal["quiz"]
    bank: str
    count: Annotated[int, Field(ge=1, le=20)] = 3
    tags: list[str] = []
    category: str | None = None


class AnimateCue(CueBase):
    """Play clip ``clip`` of a model's own animations (glTF skins or morphs) from ``at``:
    the pose at show time t is the clip's at ``(t - at) * speed``, wrapping round with
    ``loop``, else held at its last frame, until the model's next animate cue."""

    do: Literal["animate"]
    target: Id
    clip: str
    loop: bool = False
    speed: Annotated[float, Field(gt=0.0, le=100.0)] = 1.0


class JumpCue(CueBase):
    """Go on from ``to`` while the show plays: a seek of the show clock, so narration,
    captions, effects and sound are those of ``to``. Stills and export show scene time."""

    do: Literal["jump"]
    to: TimeExpr


class ChoiceOption(Model):
    """One option: go on from a time of this scene (``goto``), or leave it for another
    scene (``scene``), played from its start in the same language."""

    label: Text
    goto: TimeExpr | None = None
    scene: Id | None = None

    @model_validator(mode="after")
    def _one_way(self) -> ChoiceOption:
        if (self.goto is None) == (self.scene is None):
            raise ValueError("an option needs 'goto' (a time of this scene) or 'scene' (another scene), one of them")
        return self

    @property
    def target(self) -> TimeExpr:
        """Where this scene goes on from: ``goto``, or its end when the option leaves it."""
        return self.goto if self.goto is not None else TimeExpr.parse("scene.end")


class ChoiceCue(CueBase):
    """Offer 2 to 4 options for ``timeout`` seconds while the show goes on; a pick jumps to
    its ``goto`` at once, no pick jumps to option ``default`` (counted from 1) at the end."""

    do: Literal["choice"]
    prompt: Text | None = None
    options: Annotated[list[ChoiceOption], Field(min_length=2, max_length=4)]
    timeout: Positive = 10.0
    default: Annotated[int, Field(ge=1, le=4)] = 1

    @model_validator(mode="after")
    def _default_exists(self) -> ChoiceCue:
        if self.default > len(self.options):
            raise ValueError(f"'default' is option {self.default}, but there are only {len(self.options)} options")
        return self

    @property
    def duration(self) -> float:
        return self.timeout


Cue = Annotated[
    ShowCue
    | HideCue
    | MoveCue
    | TintCue
    | EnvironmentCue
    | EffectCue
    | CaptionCue
    | TitleCue
    | FadeCue
    | SoundCue
    | QuizCue
    | AnimateCue
    | JumpCue
    | ChoiceCue,
    Field(discriminator="do"),
]

CUE_ACTIONS = (
    "show",
    "hide",
    "move",
    "tint",
    "environment",
    "effect",
    "caption",
    "title",
    "fade",
    "sound",
    "quiz",
    "animate",
    "jump",
    "choice",
)


def cue_end_offset(cue: Cue) -> float:
    """A cue's end relative to its start: ``at + duration`` (or ``+ fade``, or 0)."""
    duration = getattr(cue, "duration", None)
    if duration is not None:
        return float(duration)
    fade = getattr(cue, "fade", None)
    return float(fade) if fade is not None else 0.0


# --- music and sounds ------------------------------------------------------------------------


class Music(Model):
    file: str
    at: TimeExpr = TimeExpr.at(0)
    until: TimeExpr | None = None
    gain: float = -14.0
    fade_in: NonNegative = 0.0
    fade_out: NonNegative = 0.0
    duck: Annotated[float, Field(le=0.0)] = -10.0
    loop: bool = False
    label: Text | None = None  # the sound caption at its start ("[music]"); "" leaves it out


class Sound(Model):
    at: TimeExpr
    file: str
    gain: float = 0.0
    follow: Id | None = None
    label: Text | None = None  # the sound caption ("[a bell rings]"); none: not captioned


# --- the scene -------------------------------------------------------------------------------


class Scene(Model):
    id: Id | None = None
    title: Text | None = None
    year: Annotated[int, Field(ge=1800, le=2200)] | None = None
    languages: Annotated[list[Lang], Field(min_length=1)] = list(DEFAULT_LANGUAGES)
    duration: TimeExpr | Literal["auto"] = "auto"
    environment: Environment = Environment()
    objects: dict[Id, SceneObject] = {}
    camera: Camera = Camera()
    narration: list[NarrationLine] = []
    description: list[NarrationLine] = []  # audio description: what is seen, said in a second track
    cues: list[Cue] = []
    music: list[Music] = []
    sounds: list[Sound] = []

    @field_validator("duration", mode="before")
    @classmethod
    def _duration(cls, value: object) -> object:
        if value == "auto":
            return value
        return TimeExpr.parse(value)

    @property
    def scene_id(self) -> str:
        return self.id or "scene"

    def line(self, line_id: str) -> NarrationLine | None:
        return next((n for n in self.narration if n.id == line_id), None)
