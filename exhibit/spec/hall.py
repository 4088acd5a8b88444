"""The installation model (``hall.yaml``): displays, 5D hardware, remote, schedule, quiz storage."""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator

from exhibit.spec.common import DEFAULT_LANGUAGES, Id, Lang, Model, NonNegative, Positive, Vec3

#: Flashes per second no strobe may exceed, whatever a hall or scene asks: WCAG 2.2 success
#: criterion 2.3.1 ("Three Flashes or Below Threshold"), the limit broadcasters use too
#: (Ofcom, ITU-R BT.1702).
FLASH_LIMIT = 3.0
#: Effects that flash, and so are held to :data:`FLASH_LIMIT` even without a ``max_rate``.
FLASHING_EFFECTS = frozenset({"strobe", "lightning", "flash"})

DisplayMode = Literal["window", "fullscreen", "sbs", "anaglyph", "wall", "xr", "offscreen"]
DISPLAY_MODES = ("window", "fullscreen", "sbs", "anaglyph", "wall", "xr", "offscreen")

Port = Annotated[int, Field(ge=1, le=65535)]
Pixels = Annotated[tuple[int, int], Field()]


class WallCorners(Model):
    ll: Vec3
    lr: Vec3
    ul: Vec3


class WallWindow(Model):
    origin: tuple[int, int] = (0, 0)
    size: tuple[Annotated[int, Field(ge=16)], Annotated[int, Field(ge=16)]] = (1920, 1080)


class Wall(Model):
    name: Id
    corners: WallCorners
    window: WallWindow = WallWindow()


class Display(Model):
    mode: DisplayMode = "window"
    size: tuple[Annotated[int, Field(ge=16)], Annotated[int, Field(ge=16)]] = (1280, 720)
    iod: Annotated[float, Field(ge=0.0, le=0.2)] = 0.064
    converge: Positive = 10.0
    walls: list[Wall] = []

    @model_validator(mode="after")
    def _walls(self) -> Display:
        if self.mode == "wall" and not self.walls:
            raise ValueError("display mode 'wall' needs at least one entry under 'walls'")
        return self


class SeatLimits(Model):
    """A motion seat's travel: degrees of pitch and roll, metres of heave."""

    pitch: Positive = 10.0
    roll: Positive = 10.0
    heave: Positive = 0.05


ChannelKind = Literal["intensity", "strobe_rate"]


class Channel(Model):
    """One effect mapped to hardware, with the limits the safety layer enforces.

    ``kind`` says what the channel's value means to the fixture: ``intensity`` (how much:
    wind speed, mist output, brightness) or ``strobe_rate`` (how fast a strobe flashes, rising
    in step with the value to ``flashes_at_full`` flashes per second at DMX 255); a rate
    channel is capped so that it never asks for more than :data:`FLASH_LIMIT` flashes a second.
    """

    output: Id = "sim"
    kind: ChannelKind = "intensity"
    flashes_at_full: Positive | None = None  # strobe_rate: the fixture's flashes per second at 255
    universe: Annotated[int, Field(ge=0, le=63999)] = 1
    channel: Annotated[int, Field(ge=1, le=512)] | None = None
    address: str | None = None
    max_on: Positive | None = None  # seconds on before it is forced off
    min_off: NonNegative | None = None  # seconds off before it may come on again
    max_rate: Positive | None = None  # flashes per second (strobe)
    safe: Annotated[float, Field(ge=0.0, le=1.0)] = 0.0
    latency: NonNegative = 0.0  # seconds; fired this much early
    interlock: list[str] = []  # inputs that force this channel safe while active (e.g. doors_open)
    limits: SeatLimits | None = None

    @model_validator(mode="after")
    def _rate(self) -> Channel:
        if self.kind == "strobe_rate" and self.flashes_at_full is None:
            raise ValueError("a 'strobe_rate' channel needs 'flashes_at_full': the fixture's flashes per second "
                             "at DMX 255 (from its manual)")
        if self.kind != "strobe_rate" and self.flashes_at_full is not None:
            raise ValueError("'flashes_at_full' is for 'kind: strobe_rate' channels; add that kind or remove it")
        return self

    @field_validator("address")
    @classmethod
    def _osc_address(cls, value: str | None) -> str | None:
        if value is not None and not re.fullmatch(r"/[^\s#*,?\[\]{}]*", value):
            raise ValueError(
                f"'{value}' is not an OSC address; it starts with / and has no spaces or # * , ? [ ] {{ }}"
            )
        return value


class Output(Model):
    kind: Literal["artnet", "sacn", "osc", "sim"]
    host: str = "127.0.0.1"
    port: Port | None = None
    fps: Annotated[float, Field(gt=0, le=44)] = 40.0  # DMX refresh


#: Addresses only this machine can reach: a remote bound elsewhere needs a token.
LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})
#: A token is a password others can guess at over the network: at least this long, random.
TOKEN_MIN_CHARS = 16
TOKEN_HINT = "make one with: python3 -c 'import secrets; print(secrets.token_urlsafe(24))'"


def random_secret(value: str | None, what: str) -> str | None:
    """``value`` when it is long and varied enough to be a password on a network."""
    if value is not None and (len(value) < TOKEN_MIN_CHARS or len(set(value)) < TOKEN_MIN_CHARS // 2):
        raise ValueError(
            f"{what} must be at least {TOKEN_MIN_CHARS} random characters (got {len(value)}, "
            f"{len(set(value))} different); {TOKEN_HINT}"
        )
    return value


def exposure_problem(endpoint: Endpoint, what: str) -> str | None:
    """Why a remote endpoint must not start: bound beyond this machine without a token."""
    if endpoint.bind in LOOPBACK or endpoint.token:
        return None
    return (
        f"remote {what} is bound to {endpoint.bind}, which other machines can reach; set a token in hall.yaml "
        f"(remote: {what}: token: ...) or bind 127.0.0.1; {TOKEN_HINT}"
    )


class Endpoint(Model):
    bind: str = "127.0.0.1"
    port: Port
    token: str | None = None

    @field_validator("token")
    @classmethod
    def _random_enough(cls, value: str | None) -> str | None:
        return random_secret(value, "a token")


#: Views of the hall's web application that visitors may reach without the console's token.
PublicView = Literal["quiz", "board"]


class WebEndpoint(Endpoint):
    """The web application's address: the console (always behind the token when there is one),
    and the phone quiz and big-screen board, open to the hall's network when listed in ``public``."""

    public: list[PublicView] = []
    #: The address visitors' phones open (the QR codes point there), e.g. http://192.168.10.2:8080
    url: Annotated[str, Field(pattern=r"^https?://[^\s/?#]+/?$")] | None = None


class Remote(Model):
    osc: Endpoint | None = None
    http: WebEndpoint | None = None


class SyncSettings(Model):
    """Where the hall serves follower PCs (``exhibit play --follow``), and their shared key."""

    bind: str = "127.0.0.1"
    port: Port = 53110
    key: str | None = None  # the same on the hall and every follower; needed beyond loopback

    @field_validator("key")
    @classmethod
    def _random_enough(cls, value: str | None) -> str | None:
        return random_secret(value, "a key")


_CLOCK = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


class CaptionSettings(Model):
    """How captions look on this hall's screens: bigger letters and a solid box for low-vision visitors."""

    size: Literal["S", "M", "L", "XL"] = "M"
    box: Literal["translucent", "solid"] = "translucent"
    position: Literal["bottom", "top"] = "bottom"  # where narration captions go (other captions swap)
    sounds: bool = False  # sound captions ("[风声]", "[wind rises]") on screen too, opposite the narration


class ScheduleEntry(Model):
    from_: Annotated[str, Field(alias="from")]
    to: str
    every: Annotated[float, Field(gt=0)] = 20.0  # minutes
    playlist: Annotated[list[Id], Field(min_length=1)]
    days: list[Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]] | None = None
    captions: CaptionSettings | None = None  # these shows' captions (default: the hall's)
    lang: Lang | None = None  # these shows' language (default: the hall's first)
    audio_description: bool = False  # these shows with the audio description (a group's visit)
    accessible_quiz: bool = False  # their quiz in the accessible mode: larger type, no time limit

    @field_validator("from_", "to")
    @classmethod
    def _clock(cls, value: str) -> str:
        if not _CLOCK.match(str(value)):
            raise ValueError(f'\'{value}\' is not a time of day; write it as "HH:MM" in quotes, like "09:00"')
        return str(value)

    def minutes(self) -> tuple[int, int]:
        def conv(text: str) -> int:
            h, m = text.split(":")
            return int(h) * 60 + int(m)

        return conv(self.from_), conv(self.to)

    def show_starts(self) -> list[float]:
        """When this entry's shows start on a day it applies to, in seconds after midnight."""
        start, end = self.minutes()
        every = self.every * 60.0
        starts: list[float] = []
        while start * 60.0 + len(starts) * every < end * 60.0:
            starts.append(start * 60.0 + len(starts) * every)
        return starts


class QuizSettings(Model):
    db: str = "sqlite:///var/quiz.sqlite3"
    bank: str | None = None
    questions: Annotated[int, Field(ge=1, le=50)] = 5
    time_limit: Positive | None = 20.0
    idle_reset: Annotated[float, Field(ge=20.0)] = 60.0



AudioDriver = Literal["alsa", "pulse", "wave", "null"]


class AudioOutput(Model):
    """A sound output of its own: an OpenAL Soft backend and the device on it.

    ``alsa``: ``device`` is an ALSA PCM (``plughw:CARD=Headset,DEV=0``, or a PCM of your
    ``asound.conf`` that routes to channels 3-4 of the main interface); ``pulse``: the sink's
    name; ``wave``: a WAV file that records what is played (rehearsals, tests); ``null``:
    nothing is heard, the position still runs.
    """

    driver: AudioDriver = "alsa"
    device: str | None = None

    @model_validator(mode="after")
    def _device(self) -> AudioOutput:
        if self.driver == "wave" and not self.device:
            raise ValueError("driver 'wave' needs 'device': the WAV file to record to")
        return self


class HallAudio(Model):
    """Where the hall's sound goes besides the main output."""

    description: AudioOutput | None = None  # the audio description (headphones); None: it replaces the main mix


class Hall(Model):
    hall: Id = "default_hall"
    languages: Annotated[list[Lang], Field(min_length=1)] = list(DEFAULT_LANGUAGES)
    display: Display = Display()
    effects: dict[Id, Channel] = {}
    outputs: dict[Id, Output] = {}
    remote: Remote = Remote()
    sync: SyncSettings = SyncSettings()
    schedule: list[ScheduleEntry] = []
    attract: Id | None = None
    quiz: QuizSettings = QuizSettings()
    captions: CaptionSettings = CaptionSettings()
    audio: HallAudio = HallAudio()
    inputs: list[Id] = []  # interlock inputs the hall knows, e.g. doors_open


def default_hall() -> Hall:
    """The hall used without a ``hall.yaml``: one window, simulated effects, SQLite quiz."""
    return Hall()
