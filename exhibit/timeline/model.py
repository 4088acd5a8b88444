"""The compiled Timeline: absolute times, and ``state(t)`` / ``events(t0, t1)``.

Everything that varies over time is turned into tracks and interval indexes
once, when the timeline is built; ``state(t)`` then only looks things up, so
any t can be evaluated in any order (seeking, stills, export, hot reload).
"""

from __future__ import annotations

import bisect
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from exhibit.spec.common import Color
from exhibit.spec.scene import (
    CameraKey,
    CaptionCue,
    ChoiceCue,
    Cue,
    EffectCue,
    EnvironmentCue,
    FadeCue,
    HideCue,
    JumpCue,
    MoveCue,
    Music,
    QuizCue,
    Scene,
    ShowCue,
    Sound,
    SoundCue,
    TintCue,
    TitleCue,
)
from exhibit.timeline.camera import CameraPath, Key
from exhibit.timeline.frame import (
    CameraState,
    CaptionState,
    EffectState,
    EnvironmentState,
    Event,
    FrameState,
    MusicState,
    ObjectState,
    TitleState,
)
from exhibit.timeline.moments import moment, same_moment
from exhibit.timeline.music import DuckEnvelope, music_gain_db
from exhibit.timeline.tracks import IntervalIndex, Track, lerp_angles

TITLE_FADE = 0.6  # seconds a title card takes to fade in and out


@dataclass(frozen=True)
class TimedLine:
    index: int
    id: str
    start: float  # the voice starts (speech span, absolute)
    end: float  # the voice ends
    audio_start: float  # the audio file starts (may precede `start` by its leading silence)
    audio_end: float
    marks: Mapping[str, float]
    text: str  # as spoken and captioned (marks stripped)
    source: str = "estimate"


@dataclass(frozen=True)
class TimedCue:
    index: int
    cue: Cue
    start: float
    end: float


@dataclass(frozen=True)
class TimedCameraKey:
    index: int
    t: float
    key: CameraKey


@dataclass(frozen=True)
class TimedMusic:
    index: int
    music: Music
    start: float
    end: float


@dataclass(frozen=True)
class TimedSound:
    index: int
    sound: Sound
    start: float


@dataclass(frozen=True)
class TimedCaption:
    start: float
    end: float
    text: str
    position: str = "bottom"
    line_id: str | None = None


def _rgba(c: Color) -> tuple[float, float, float, float]:
    return (c.r, c.g, c.b, c.a)


@dataclass(frozen=True)
class Timeline:
    scene: Scene
    lang: str
    duration: float
    lines: tuple[TimedLine, ...]
    cues: tuple[TimedCue, ...]
    camera_keys: tuple[TimedCameraKey, ...]
    music: tuple[TimedMusic, ...]
    sounds: tuple[TimedSound, ...]
    captions: tuple[TimedCaption, ...]
    targets: Mapping[int, tuple[float, ...]] = field(default_factory=dict)  # jump/choice cue -> where to
    _cache: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    # -- building the evaluators (once) -------------------------------------------------------

    @cached_property
    def _objects(self) -> dict[str, dict[str, Track]]:
        tracks: dict[str, dict[str, Track]] = {}
        for name, obj in self.scene.objects.items():
            tracks[name] = {
                "pos": Track(tuple(obj.pos)),
                "hpr": Track(tuple(obj.hpr), lerp_angles),
                "scale": Track(tuple(obj.scale)),
                "presence": Track((1.0 if obj.visible else 0.0,)),
                "tint": Track((1.0, 1.0, 1.0, 1.0)),
            }
        tinted: set[str] = set()
        for tc in sorted(self.cues, key=lambda c: (c.start, c.index)):
            cue = tc.cue
            target = getattr(cue, "target", None)
            if target not in tracks:
                continue
            tr = tracks[target]
            if isinstance(cue, ShowCue):
                tr["presence"].add(tc.start, tc.start + cue.fade, (1.0,))
            elif isinstance(cue, HideCue):
                tr["presence"].add(tc.start, tc.start + cue.fade, (0.0,))
            elif isinstance(cue, MoveCue):
                if cue.to.pos is not None:
                    tr["pos"].add(tc.start, tc.end, tuple(cue.to.pos), cue.ease)
                if cue.to.hpr is not None:
                    tr["hpr"].add(tc.start, tc.end, tuple(cue.to.hpr), cue.ease)
                if cue.to.scale is not None:
                    tr["scale"].add(tc.start, tc.end, tuple(cue.to.scale), cue.ease)
            elif isinstance(cue, TintCue):
                tr["tint"].add(tc.start, tc.end, _rgba(cue.color))
                tinted.add(target)
        self._cache["tinted"] = tinted
        return tracks

    @cached_property
    def _environment(self) -> dict[str, Track]:
        env = self.scene.environment
        fog = env.fog
        tr = {
            "sky_zenith": Track(_rgba(env.sky.zenith)),
            "sky_horizon": Track(_rgba(env.sky.horizon)),
            "sun_azimuth": Track((env.sun.azimuth,), lerp_angles),
            "sun_elevation": Track((env.sun.elevation,)),
            "sun_color": Track(_rgba(env.sun.color)),
            "sun_intensity": Track((env.sun.intensity,)),
            "ambient_color": Track(_rgba(env.ambient.color)),
            "ambient_intensity": Track((env.ambient.intensity,)),
            "fog_color": Track(_rgba(fog.color) if fog else (0.78, 0.82, 0.86, 1.0)),
            "fog_density": Track((fog.density if fog else 0.0,)),
        }
        for tc in sorted(self.cues, key=lambda c: (c.start, c.index)):
            cue = tc.cue
            if not isinstance(cue, EnvironmentCue):
                continue
            changes: list[tuple[str, tuple[float, ...]]] = []
            if cue.sky:
                if cue.sky.zenith:
                    changes.append(("sky_zenith", _rgba(cue.sky.zenith)))
                if cue.sky.horizon:
                    changes.append(("sky_horizon", _rgba(cue.sky.horizon)))
            if cue.sun:
                if cue.sun.azimuth is not None:
                    changes.append(("sun_azimuth", (cue.sun.azimuth,)))
                if cue.sun.elevation is not None:
                    changes.append(("sun_elevation", (cue.sun.elevation,)))
                if cue.sun.color:
                    changes.append(("sun_color", _rgba(cue.sun.color)))
                if cue.sun.intensity is not None:
                    changes.append(("sun_intensity", (cue.sun.intensity,)))
            if cue.ambient:
                if cue.ambient.color:
                    changes.append(("ambient_color", _rgba(cue.ambient.color)))
                if cue.ambient.intensity is not None:
                    changes.append(("ambient_intensity", (cue.ambient.intensity,)))
            if cue.fog:
                if cue.fog.color:
                    changes.append(("fog_color", _rgba(cue.fog.color)))
                if cue.fog.density is not None:
                    changes.append(("fog_density", (cue.fog.density,)))
            for name, value in changes:
                tr[name].add(tc.start, tc.end, value, "in_out_sine")
        return tr

    @cached_property
    def _fade(self) -> Track:
        track = Track((0.0,))
        for tc in sorted(self.cues, key=lambda c: (c.start, c.index)):
            if isinstance(tc.cue, FadeCue):
                track.add(tc.start, tc.end, (1.0 if tc.cue.to == "black" else 0.0,), "in_out_sine")
        return track

    @cached_property
    def camera_path(self) -> CameraPath:
        keys = []
        for tk in self.camera_keys:
            look = tk.key.look_at
            fn = None
            if isinstance(look, str):
                fn = self._object_pos_fn(look)
            elif look is not None:
                point = tuple(look)
                fn = lambda _t, p=point: p  # noqa: E731
            keys.append(Key(tk.t, tuple(tk.key.pos), fn, tuple(tk.key.hpr) if tk.key.hpr else None, tk.key.ease))
        keys.sort(key=lambda k: k.t)
        return CameraPath(keys, self.scene.camera.fov)

    def _object_pos_fn(self, name: str):  # type: ignore[no-untyped-def]
        tracks = self._objects.get(name)
        if tracks is None:
            return lambda _t: (0.0, 0.0, 0.0)
        pos = tracks["pos"]
        return lambda t: pos.value(t)

    @cached_property
    def _captions(self) -> IntervalIndex[CaptionState]:
        items: list[tuple[float, float, CaptionState]] = [
            (c.start, c.end, CaptionState(c.text, "bottom", c.start, c.end, c.line_id)) for c in self.captions
        ]
        for tc in self.cues:
            if isinstance(tc.cue, CaptionCue):
                text = tc.cue.text.get(self.lang) or ""
                items.append((tc.start, tc.end, CaptionState(text, tc.cue.position, tc.start, tc.end, None)))
        return IntervalIndex(items)

    @cached_property
    def _titles(self) -> IntervalIndex[TimedCue]:
        return IntervalIndex([(tc.start, tc.end, tc) for tc in self.cues if isinstance(tc.cue, TitleCue)])

    @cached_property
    def _effects(self) -> IntervalIndex[TimedCue]:
        items = []
        for tc in self.cues:
            if isinstance(tc.cue, EffectCue):
                items.append((tc.start, max(tc.end, tc.start + 1e-6), tc))
        return IntervalIndex(items)

    @cached_property
    def effect_names(self) -> tuple[str, ...]:
        return tuple(sorted({tc.cue.effect for tc in self.cues if isinstance(tc.cue, EffectCue)}))

    @cached_property
    def _speech(self) -> IntervalIndex[TimedLine]:
        return IntervalIndex([(ln.start, ln.end, ln) for ln in self.lines])

    @cached_property
    def duck(self) -> DuckEnvelope:
        return DuckEnvelope([(ln.start, ln.end) for ln in self.lines])

    @cached_property
    def _events(self) -> tuple[list[float], list[Event]]:
        events: list[Event] = []
        for ln in self.lines:
            events.append(Event(max(0.0, ln.audio_start), 0, "line", ln.index, ln.id))
        for tc in self.cues:
            cue = tc.cue
            if isinstance(cue, SoundCue):
                events.append(Event(tc.start, 1, "sound", tc.index, cue.file))
            elif isinstance(cue, EffectCue):
                events.append(Event(tc.start, 2, "effect", tc.index, cue.effect))
            elif isinstance(cue, QuizCue):
                events.append(Event(tc.start, 9, "quiz", tc.index, cue.id or cue.bank))
            elif isinstance(cue, ChoiceCue) and tc.index in self.targets:
                events.append(Event(tc.start, 9, "choice", tc.index, cue.id))
                events.append(Event(tc.end, 10, "jump", tc.index, cue.id))  # nobody picked: the default
            elif isinstance(cue, JumpCue) and tc.index in self.targets:
                events.append(Event(tc.start, 10, "jump", tc.index, cue.id))
        for ts in self.sounds:
            events.append(Event(ts.start, 1, "sound", ts.index, ts.sound.file))
        events.sort()
        return [e.t for e in events], events

    # -- evaluating ----------------------------------------------------------------------------

    @cached_property
    def _still_states(self) -> dict[str, ObjectState]:
        """The one state of each object that no cue changes: a village of a thousand
        still houses costs a dictionary lookup each per frame, not five track reads."""
        still = {}
        for name, tracks in self._objects.items():
            if not any(track.segments for track in tracks.values()):
                still[name] = self._object_state(name, 0.0)
        return still

    def object_state(self, name: str, t: float) -> ObjectState:
        still = self._still_states.get(name)
        return still if still is not None else self._object_state(name, t)

    def _object_state(self, name: str, t: float) -> ObjectState:
        tr = self._objects[name]
        obj = self.scene.objects[name]
        tint = tr["tint"].value(t)
        presence = tr["presence"].value(t)[0]
        opacity = max(0.0, min(1.0, obj.opacity * presence * tint[3]))
        tinted = name in self._cache.get("tinted", ())
        return ObjectState(
            tr["pos"].value(t),  # type: ignore[arg-type]
            tr["hpr"].value(t),  # type: ignore[arg-type]
            tr["scale"].value(t),  # type: ignore[arg-type]
            opacity,
            (tint[0], tint[1], tint[2], 1.0) if tinted else None,
        )

    def environment_state(self, t: float) -> EnvironmentState:
        e = self._environment
        return EnvironmentState(
            e["sky_zenith"].value(t),  # type: ignore[arg-type]
            e["sky_horizon"].value(t),  # type: ignore[arg-type]
            e["sun_azimuth"].value(t)[0] % 360.0,
            e["sun_elevation"].value(t)[0],
            e["sun_color"].value(t),  # type: ignore[arg-type]
            e["sun_intensity"].value(t)[0],
            e["ambient_color"].value(t),  # type: ignore[arg-type]
            e["ambient_intensity"].value(t)[0],
            e["fog_color"].value(t),  # type: ignore[arg-type]
            e["fog_density"].value(t)[0],
        )

    def camera_state(self, t: float) -> CameraState:
        pos, hpr = self.camera_path.pose(t)
        return CameraState(pos, hpr, self.scene.camera.fov)

    def effect_levels(self, t: float) -> dict[str, EffectState]:
        levels: dict[str, EffectState] = {}
        for tc in self._effects.at(t):
            cue = tc.cue
            assert isinstance(cue, EffectCue)
            level = cue.level * effect_envelope(t - tc.start, tc.end - tc.start, cue.fade)
            current = levels.get(cue.effect)
            if current is None or level > current.level:
                levels[cue.effect] = EffectState(cue.effect, level, cue.follow)
        return levels

    def music_states(self, t: float) -> tuple[MusicState, ...]:
        out = []
        for tm in self.music:
            if tm.start <= t < tm.end:
                gain = music_gain_db(tm.music, tm.start, tm.end, t, self.duck)
                out.append(MusicState(tm.index, tm.music.file, gain, t - tm.start))
        return tuple(out)

    def title_state(self, t: float) -> TitleState | None:
        active = self._titles.at(t)
        if not active:
            return None
        tc = active[-1]
        cue = tc.cue
        assert isinstance(cue, TitleCue)
        fade = min(TITLE_FADE, (tc.end - tc.start) / 2)
        opacity = min(1.0, (t - tc.start) / fade, (tc.end - t) / fade) if fade > 0 else 1.0
        subtitle = cue.subtitle.get(self.lang) if cue.subtitle else None
        return TitleState(cue.text.get(self.lang) or "", subtitle, max(0.0, opacity), tc.start, tc.end)

    def fade_at(self, t: float) -> float:
        """The whole-view fade at t: 0 clear .. 1 black."""
        return self._fade.value(t)[0]

    def state(self, t: float) -> FrameState:
        """Everything visible and audible at show time ``t`` (pure: same t, same answer)."""
        speaking = self._speech.at(t)
        return FrameState(
            t=t,
            lang=self.lang,
            objects={name: self.object_state(name, t) for name in self.scene.objects},
            camera=self.camera_state(t),
            environment=self.environment_state(t),
            captions=tuple(self._captions.at(t)),
            title=self.title_state(t),
            fade=self.fade_at(t),
            effects=self.effect_levels(t),
            music=self.music_states(t),
            speaking=speaking[-1].id if speaking else None,
        )

    def events(self, t0: float, t1: float) -> list[Event]:
        """One-shot events whose start lies in (t0, t1]; a start at exactly 0 fires for t0 < 0."""
        times, events = self._events
        lo = bisect.bisect_right(times, t0)
        hi = bisect.bisect_right(times, t1)
        return events[lo:hi]

    @cached_property
    def _choices(self) -> IntervalIndex[TimedCue]:
        return IntervalIndex([(tc.start, tc.end, tc) for tc in self.cues if isinstance(tc.cue, ChoiceCue)])

    def choice_at(self, t: float) -> TimedCue | None:
        """The choice offered at ``t`` (from its start until its timeout), or None."""
        found = [tc for tc in self._choices.at(t) if tc.start <= t < tc.end and tc.index in self.targets]
        return found[-1] if found else None

    def jump_target(self, event: Event, option: int | None = None) -> float:
        """Where a jump or choice event goes on from: a jump's ``to``; a choice's option ``option``
        (counted from 1), or its default when nobody picked."""
        cue = self.scene.cues[event.index]
        targets = self.targets[event.index]
        if isinstance(cue, ChoiceCue):
            return targets[(option or cue.default) - 1]
        return targets[0]

    def leaves_for(self, index: int, option: int | None = None) -> str | None:
        """The scene cue ``index``'s option ``option`` (its default when None) leaves this one
        for, or None (a jump, or an option that goes on in this scene)."""
        cue = self.scene.cues[index]
        if isinstance(cue, ChoiceCue):
            return cue.options[(option or cue.default) - 1].scene
        return None

    def sound_of(self, event: Event) -> tuple[str, float, str | None] | None:
        """(file, gain dB, followed object) of a sound event: a ``sound`` cue or an entry of ``sounds``.

        Both kinds share the event kind ``sound`` and number their index in their own
        list, so the event's file and time pick the one it came from.
        """
        if 0 <= event.index < len(self.cues):
            tc = self.cues[event.index]
            if isinstance(tc.cue, SoundCue) and tc.cue.file == event.name and abs(tc.start - event.t) < 1e-9:
                return tc.cue.file, tc.cue.gain, tc.cue.follow
        if 0 <= event.index < len(self.sounds):
            ts = self.sounds[event.index]
            if ts.sound.file == event.name and abs(ts.start - event.t) < 1e-9:
                return ts.sound.file, ts.sound.gain, ts.sound.follow
        return None

    # -- moments ---------------------------------------------------------------------------------

    def at(self, text: str | float, what: str = "time") -> float:
        """A time a person typed, in this timeline's language: seconds, ``1:02.5``,
        ``intro.end + 2``, ``move@boat``, ``drift.start``, ``scene.end``.

        Raises :class:`ExhibitError` naming ``what`` (``--at``) for a time that is not one,
        names nothing in the scene ("did you mean"), or lies outside it.
        """
        return moment(self, text, what)

    def same_moment(self, old: Timeline, t: float) -> float:
        """The moment of this timeline that matches ``t`` of ``old`` (the scene in another
        language): the same share of the same narration line, or of the gap between lines."""
        return same_moment(old, self, t)

    # -- export ----------------------------------------------------------------------------------

    def to_json(self) -> dict[str, Any]:
        """The resolved timeline with exactly the keys of the CLI contract (``exhibit timeline --json``)."""

        def r(x: float) -> float:
            return round(x, 3)

        return {
            "scene": self.scene.scene_id,
            "lang": self.lang,
            "duration": r(self.duration),
            "narration": [
                {"id": ln.id, "start": r(ln.start), "end": r(ln.end), "marks": {k: r(v) for k, v in ln.marks.items()}}
                for ln in self.lines
            ],
            "cues": [
                {
                    "index": tc.index,
                    "id": tc.cue.id,
                    "do": tc.cue.do,
                    "target": getattr(tc.cue, "target", None),
                    "start": r(tc.start),
                    "end": r(tc.end),
                }
                for tc in self.cues
            ],
            "music": [{"file": m.music.file, "start": r(m.start), "end": r(m.end)} for m in self.music],
        }

    def details(self) -> dict[str, Any]:
        """:meth:`to_json` plus what a person reading the timeline wants: effect names, sounds, captions."""
        data = self.to_json()
        for item, tc in zip(data["cues"], self.cues, strict=True):
            if isinstance(tc.cue, EffectCue):
                item["effect"] = tc.cue.effect
        for item, ln in zip(data["narration"], self.lines, strict=True):
            item["text"] = ln.text
            item["timing"] = ln.source
        data["sounds"] = [{"file": s.sound.file, "start": round(s.start, 3)} for s in self.sounds]
        data["captions"] = [
            {"start": round(c.start, 3), "end": round(c.end, 3), "text": c.text, "line": c.line_id}
            for c in self.captions
        ]
        return data


def effect_envelope(elapsed: float, length: float, fade: float) -> float:
    """0..1: up over ``fade`` from the start, down over ``fade`` to the end."""
    if elapsed < 0 or elapsed >= length:
        return 0.0
    fade = min(fade, length / 2)
    if fade <= 0:
        return 1.0
    return max(0.0, min(1.0, elapsed / fade, (length - elapsed) / fade))


__all__ = ["Timeline", "TimedLine", "TimedCue", "TimedMusic", "TimedSound", "TimedCaption", "effect_envelope"]
