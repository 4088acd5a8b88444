"""What the timeline says about one moment: the FrameState, and one-shot Events.

These are plain immutable values. The renderer, the effects bus, the mixer and
the quiz panel only *apply* them; none of them decides timing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

Vec3 = tuple[float, float, float]
RGBA = tuple[float, float, float, float]
CaptionPosition = Literal["bottom", "top", "center"]
EventKind = Literal["line", "sound", "effect", "quiz", "choice", "jump"]


@dataclass(frozen=True)
class ObjectState:
    pos: Vec3
    hpr: Vec3
    scale: Vec3
    opacity: float  # 0..1, including visibility, show/hide fades and the tint's alpha
    tint: RGBA | None = None  # colour multiplier from tint cues; None when never tinted

    @property
    def visible(self) -> bool:
        return self.opacity > 0.0


@dataclass(frozen=True)
class CameraState:
    pos: Vec3
    hpr: Vec3  # heading, pitch, roll in degrees (Panda3D convention: h=0 looks along +y)
    fov: float  # horizontal degrees


@dataclass(frozen=True)
class EnvironmentState:
    sky_zenith: RGBA
    sky_horizon: RGBA
    sun_azimuth: float  # degrees clockwise from north (+y)
    sun_elevation: float
    sun_color: RGBA
    sun_intensity: float
    ambient_color: RGBA
    ambient_intensity: float
    fog_color: RGBA
    fog_density: float  # 0 when there is no fog


@dataclass(frozen=True)
class CaptionState:
    text: str  # at most two lines, joined by "\n"
    position: CaptionPosition
    start: float
    end: float
    line_id: str | None = None  # the narration line it belongs to; None for caption cues


@dataclass(frozen=True)
class TitleState:
    text: str
    subtitle: str | None
    opacity: float
    start: float
    end: float


@dataclass(frozen=True)
class EffectState:
    name: str
    level: float  # 0..1 as the scene asks; the hall's safety layer has the last word
    follow: Literal["camera"] | None = None


@dataclass(frozen=True)
class MusicState:
    index: int
    file: str
    gain_db: float  # base gain + fades + ducking; -inf when silent
    position: float  # seconds into the file (looped where the bed loops)


@dataclass(frozen=True)
class FrameState:
    t: float
    lang: str
    objects: Mapping[str, ObjectState]
    camera: CameraState
    environment: EnvironmentState
    captions: tuple[CaptionState, ...]
    title: TitleState | None
    fade: float  # 0 clear .. 1 black
    effects: Mapping[str, EffectState]
    music: tuple[MusicState, ...]
    speaking: str | None  # id of the narration line whose speech spans t


@dataclass(frozen=True, order=True)
class Event:
    """A one-shot happening that starts at ``t`` (sound, effect burst, quiz, a line's audio)."""

    t: float
    order: int  # position among events at the same time (stable, for sorting)
    kind: EventKind
    index: int  # cue index for cues; index into ``sounds`` or ``narration`` otherwise
    name: str | None = None  # line id, cue id, effect name or file
