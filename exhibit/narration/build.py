"""Building a scene's narration in one language: voices, timeline, mix, captions.

Writes, under ``build/<scene>/``: ``mix.<lang>.wav`` (48 kHz stereo, -23 LUFS,
true peak at most -1 dBTP), ``captions.<lang>.vtt`` and ``.srt``,
``timeline.<lang>.json``, and ``narration.<lang>.json`` (what the build was made
from, so an unchanged scene is recognised without touching audio).

Every cache is keyed by content: the scene, each line's voice key, the bytes of
every music and sound file. An unchanged scene rebuilds by reading one small
JSON file and compiling the timeline.
"""

from __future__ import annotations

import json
import math
import os
import time
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from exhibit.narration import audiofile
from exhibit.narration.clip import MIX_RATE, Clip
from exhibit.narration.description import described_mix, description_lines, description_scene
from exhibit.narration.fingerprint import PIPELINE, digest, file_digest
from exhibit.narration.loudness import LIMIT_DBTP, TARGET_LUFS, normalize_in_place
from exhibit.narration.mix import mix
from exhibit.narration.placeholder import INSTALL_HINT, Espeak, find_espeak
from exhibit.narration.store import VoiceStore, write_text
from exhibit.narration.subtitles import FORMAT as SUBTITLE_FORMAT
from exhibit.narration.subtitles import srt, subtitles, webvtt
from exhibit.narration.voices import SILENT, LineVoice, line_voices, make, timing_of
from exhibit.spec.checks import pick_language
from exhibit.spec.errors import ContentError, ExhibitError
from exhibit.spec.project import Project
from exhibit.spec.scene import Scene, SoundCue, Video
from exhibit.spec.source import Document
from exhibit.timeline.compile import compile as compile_timeline
from exhibit.timeline.model import TimedLine, Timeline
from exhibit.timeline.timing import LineTiming

#: progress(stage, done, total): called as work advances ("voices", "mix", "files").
Progress = Callable[[str, int, int], None]
SceneRef = Scene | str | os.PathLike[str]


@dataclass(frozen=True)
class NarrationBuild:
    """What a build produced (or found up to date) for one scene and language."""

    scene_id: str
    lang: str
    timeline: Timeline
    mix_path: Path
    vtt_path: Path
    srt_path: Path
    timeline_json_path: Path
    line_audio: Mapping[str, Path]
    timings: Mapping[str, LineTiming]
    sources: Mapping[str, str]  # line id -> recording | placeholder | silent
    loudness: float | None  # LUFS of the mix
    true_peak: float | None  # dBTP of the mix
    rebuilt: bool  # anything was made (False: everything was up to date)
    voices_made: int = 0
    mix_rebuilt: bool = False
    warnings: tuple[str, ...] = ()
    seconds: float = 0.0
    manifest_path: Path = field(default=Path(), compare=False)
    ad_mix_path: Path | None = None  # mix.<lang>.ad.wav: the mix with the audio description


class _Named:
    """A file of the build folder named for the language: ``pattern`` with ``{lang}``."""

    def __init__(self, pattern: str) -> None:
        self.pattern = pattern

    def __get__(self, paths: _Paths, owner: type[_Paths]) -> Path:
        return paths.folder / self.pattern.format(lang=paths.lang)


@dataclass(frozen=True)
class _Paths:
    folder: Path
    lang: str

    mix = _Named("mix.{lang}.wav")
    ad_mix = _Named("mix.{lang}.ad.wav")
    vtt = _Named("captions.{lang}.vtt")
    srt = _Named("captions.{lang}.srt")
    timeline = _Named("timeline.{lang}.json")
    manifest = _Named("narration.{lang}.json")

    def outputs(self) -> tuple[Path, ...]:
        return (self.mix, self.vtt, self.srt, self.timeline)


def load_scene(
    project: Project, scene: SceneRef, doc: Document | None = None
) -> tuple[Scene, Document | None]:
    """A scene given as a model, a name (``nanhu_red_boat``) or a path to its file."""
    if isinstance(scene, Scene):
        return scene, doc
    loaded = project.load_scene(project.find_scene(scene))
    if loaded.model is None or any(d.is_error for d in loaded.diagnostics):
        raise ContentError(loaded.diagnostics)
    return loaded.model, loaded.doc


def _media_files(scene: Scene) -> list[str]:
    files = [m.file for m in scene.music] + [s.file for s in scene.sounds]
    files += [c.file for c in scene.cues if isinstance(c, SoundCue)]
    files += [o.file for o in scene.objects.values() if isinstance(o, Video)]  # films' own sound
    return sorted(set(files))


def _media_digests(project: Project, scene: Scene) -> dict[str, str]:
    out: dict[str, str] = {}
    for rel in _media_files(scene):
        path = project.root / rel
        if not path.is_file():
            raise ExhibitError(
                f"audio file '{rel}' used by scene '{scene.scene_id}' does not exist "
                "(run 'exhibit check')"
            )
        out[rel] = file_digest(path)
    return out


def _input_key(scene: Scene, lang: str, voices: list[LineVoice], media: Mapping[str, str]) -> str:
    return digest(
        PIPELINE,
        SUBTITLE_FORMAT,
        lang,
        scene.model_dump(mode="json"),
        [(v.line_id, v.key, v.sidecar_digest) for v in voices],
        sorted(media.items()),
    )


def _read_json(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _timing_json(t: LineTiming) -> dict[str, Any]:
    return {
        "duration": t.duration,
        "speech_start": t.speech_start,
        "speech_end": t.speech_end,
        "marks": dict(t.marks),
        "source": t.source,
    }


def _timing_from_json(d: Mapping[str, Any]) -> LineTiming:
    return LineTiming(
        float(d["duration"]),
        float(d["speech_start"]),
        float(d["speech_end"]),
        {str(k): float(v) for k, v in d.get("marks", {}).items()},
        str(d.get("source", "estimate")),
    )


def _silent_warning(scene: Scene, lang: str, voices: list[LineVoice]) -> tuple[str, ...]:
    silent = [v.line_id for v in voices if v.kind == SILENT]
    if not silent:
        return ()
    return (
        f"espeak-ng is not installed: {len(silent)} line(s) of '{scene.scene_id}' in {lang} "
        f"({', '.join(silent[:5])}{', ...' if len(silent) > 5 else ''}) have no recording and are "
        f"SILENT in the mix, timed by the reading-speed estimate; {INSTALL_HINT}",
    )


def _all_voices(project: Project, model: Scene, lang: str, espeak: Espeak | None) -> list[LineVoice]:
    """The voices of the narration and of the audio description."""
    return line_voices(project, model, lang, espeak) + line_voices(project, description_scene(model), lang, espeak)


def is_stale(project: Project, scene: SceneRef, lang: str | None = None) -> bool:
    """Whether ``build`` would make anything: outputs missing, or any input changed."""
    model, _doc = load_scene(project, scene)
    language = pick_language(model, lang)
    paths = _Paths(project.build_dir / model.scene_id, language)
    manifest = _read_json(paths.manifest)
    if manifest is None or not all(p.is_file() for p in paths.outputs()):
        return True
    if model.description and not paths.ad_mix.is_file():
        return True
    voices = _all_voices(project, model, language, find_espeak())
    try:
        key = _input_key(model, language, voices, _media_digests(project, model))
    except ExhibitError:
        return True
    store = VoiceStore(project.build_dir)
    return manifest.get("key") != key or not all(
        store.wav(language, v.key).is_file() for v in voices
    )


def voices_in_use(project: Project) -> set[tuple[str, str]]:
    """``(lang, voice key)`` of every line of every scene in every language: what a prune keeps.

    Raises ContentError for a scene that does not load: what it needs is then
    unknown, so nothing may be pruned.
    """
    espeak = find_espeak()
    keys: set[tuple[str, str]] = set()
    for name in project.scene_names():
        model, _doc = load_scene(project, name)
        for lang in model.languages:
            keys.update((lang, v.key) for v in _all_voices(project, model, lang, espeak))
    return keys


def timings_for(project: Project, scene: Scene, lang: str) -> dict[str, LineTiming]:
    """Measured timings of lines that already have audio; cheap enough for ``exhibit check``.

    Recordings are measured (from the voice store when built, else from the
    file); placeholder voices only when already built. Nothing is synthesized;
    lines without audio are left out, and the timeline estimates them.
    """
    from exhibit.narration.analysis import speech_span

    store = VoiceStore(project.build_dir)
    out: dict[str, LineTiming] = {}
    for voice in line_voices(project, scene, lang, find_espeak()):
        if voice.kind == SILENT:
            continue
        meta = store.get(lang, voice.key)
        if meta is None and voice.recording is not None:
            try:
                clip = audiofile.read(voice.recording).mono()
            except ExhibitError:
                continue  # unreadable: the file checks report it
            span = speech_span(clip)
            meta = {"duration": clip.duration, "speech_start": span[0], "speech_end": span[1]}
        if meta is not None:
            out[voice.line_id] = timing_of(voice, meta, strict=False)
    return out


def _make_voices(
    missing: list[LineVoice],
    store: VoiceStore,
    espeak: Espeak | None,
    progress: Progress | None,
    total: int,
) -> dict[str, dict[str, Any]]:
    made: dict[str, dict[str, Any]] = {}
    done = total - len(missing)
    if progress:
        progress("voices", done, total)
    if not missing:
        return made
    workers = max(1, min(len(missing), os.cpu_count() or 2))
    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = {pool.submit(make, v, store, espeak): v for v in missing}
        for future in as_completed(futures):
            made[futures[future].line_id] = future.result()
            done += 1
            if progress:
                progress("voices", done, total)
    return made


def _mix_key(timeline: Timeline, voices: list[LineVoice], media: Mapping[str, str]) -> str:
    keys = {v.line_id: v.key for v in voices}
    r = 6
    return digest(
        PIPELINE,
        timeline.lang,
        round(timeline.duration, r),
        [
            (ln.id, keys.get(ln.id), round(ln.audio_start, r), round(ln.start, r), round(ln.end, r))
            for ln in timeline.lines
        ],
        [
            (m.music.model_dump(mode="json"), round(m.start, r), round(m.end, r))
            for m in timeline.music
        ],
        [(s.sound.file, s.sound.gain, round(s.start, r)) for s in timeline.sounds],
        [
            (c.cue.file, c.cue.gain, round(c.start, r))
            for c in timeline.cues
            if isinstance(c.cue, SoundCue)
        ],
        sorted(media.items()),
    )


@dataclass(frozen=True)
class _Plan:
    """What one build starts from: the scene in one language, its voices and media, and the key
    that says whether the outputs of an earlier build still stand."""

    model: Scene
    doc: Document | None
    lang: str
    paths: _Paths
    store: VoiceStore
    espeak: Espeak | None
    voices: list[LineVoice]
    ad_voices: list[LineVoice]  # the audio description's lines
    media: dict[str, str]
    key: str
    line_audio: dict[str, Path]

    @property
    def outputs(self) -> tuple[Path, ...]:
        return self.paths.outputs() + ((self.paths.ad_mix,) if self.ad_voices else ())

    def common(self) -> dict[str, Any]:
        """The fields of :class:`NarrationBuild` that do not depend on what was made."""
        return {
            "scene_id": self.model.scene_id,
            "lang": self.lang,
            "mix_path": self.paths.mix,
            "vtt_path": self.paths.vtt,
            "srt_path": self.paths.srt,
            "timeline_json_path": self.paths.timeline,
            "line_audio": self.line_audio,
            "sources": {v.line_id: v.kind for v in self.voices + self.ad_voices},
            "warnings": _silent_warning(self.model, self.lang, self.voices),
            "manifest_path": self.paths.manifest,
            "ad_mix_path": self.paths.ad_mix if self.ad_voices else None,
        }


def _plan(project: Project, scene: SceneRef, lang: str | None, doc: Document | None) -> _Plan:
    model, doc = load_scene(project, scene, doc)
    language = pick_language(model, lang)
    store = VoiceStore(project.build_dir)
    espeak = find_espeak()
    voices = line_voices(project, model, language, espeak)
    ad_voices = line_voices(project, description_scene(model), language, espeak)
    media = _media_digests(project, model)
    return _Plan(
        model,
        doc,
        language,
        _Paths(project.build_dir / model.scene_id, language),
        store,
        espeak,
        voices,
        ad_voices,
        media,
        _input_key(model, language, voices + ad_voices, media),
        {v.line_id: store.wav(language, v.key) for v in voices + ad_voices},
    )


def build(
    project: Project,
    scene: SceneRef,
    lang: str | None = None,
    progress: Progress | None = None,
    *,
    doc: Document | None = None,
) -> NarrationBuild:
    """Build (or find up to date) the narration of ``scene`` in ``lang``: see the module."""
    started = time.perf_counter()
    plan = _plan(project, scene, lang, doc)
    model, language, paths, store = plan.model, plan.lang, plan.paths, plan.store
    with store.lock():  # shared with other builds; no prune can remove a clip while it is held
        manifest = _read_json(paths.manifest)
        if (
            manifest is not None
            and manifest.get("key") == plan.key
            and all(p.is_file() for p in plan.outputs)
            and all(p.is_file() for p in plan.line_audio.values())
        ):
            timings = {k: _timing_from_json(v) for k, v in manifest.get("timings", {}).items()}
            return NarrationBuild(
                **plan.common(),
                timeline=compile_timeline(model, language, timings, plan.doc),
                timings=timings,
                loudness=manifest.get("loudness"),
                true_peak=manifest.get("true_peak"),
                rebuilt=False,
                seconds=time.perf_counter() - started,
            )

        metas = {v.line_id: store.get(language, v.key) for v in plan.voices}
        missing = [v for v in plan.voices if metas[v.line_id] is None]
        metas.update(_make_voices(missing, store, plan.espeak, progress, len(plan.voices)))
        timings = {v.line_id: timing_of(v, metas[v.line_id]) for v in plan.voices}  # type: ignore[arg-type]
        timeline = compile_timeline(model, language, timings, plan.doc)

        mix_key = _mix_key(timeline, plan.voices, plan.media)
        loudness = manifest.get("loudness") if manifest else None
        peak = manifest.get("true_peak") if manifest else None
        mix_rebuilt = False
        if manifest is None or manifest.get("mix_key") != mix_key or not paths.mix.is_file():
            if progress:
                progress("mix", 0, 1)
            narrated = {v.line_id: plan.line_audio[v.line_id] for v in plan.voices}
            loudness, peak = _render_mix(paths.mix, timeline, narrated, project)
            mix_rebuilt = True
            if progress:
                progress("mix", 1, 1)
        if plan.ad_voices:
            missing += _build_described(plan, timings)

        _write_files(plan, timeline, timings, {"mix_key": mix_key, "loudness": loudness, "true_peak": peak})
        if progress:
            progress("files", 1, 1)
        return NarrationBuild(
            **plan.common(),
            timeline=timeline,
            timings=timings,
            loudness=loudness,
            true_peak=peak,
            rebuilt=True,
            voices_made=len(missing),
            mix_rebuilt=mix_rebuilt,
            seconds=time.perf_counter() - started,
        )


def _build_described(plan: _Plan, timings: Mapping[str, LineTiming]) -> list[LineVoice]:
    """The described mix, over the main one; returns the description voices that were made."""
    ad_metas = {v.line_id: plan.store.get(plan.lang, v.key) for v in plan.ad_voices}
    ad_missing = [v for v in plan.ad_voices if ad_metas[v.line_id] is None]
    ad_metas.update(_make_voices(ad_missing, plan.store, plan.espeak, None, len(plan.ad_voices)))
    ad_timings = {v.line_id: timing_of(v, ad_metas[v.line_id]) for v in plan.ad_voices}  # type: ignore[arg-type]
    ad_lines = description_lines(plan.model, plan.lang, {**timings, **ad_timings}, plan.doc)
    _render_described(plan.paths, ad_lines, plan.line_audio)
    return ad_missing


def _write_files(plan: _Plan, timeline: Timeline, timings: Mapping[str, LineTiming], mix: dict[str, Any]) -> None:
    """Captions, the timeline JSON, and the manifest that says what they were made from."""
    paths = plan.paths
    cues = subtitles(timeline)
    write_text(paths.vtt, webvtt(cues, plan.lang))
    write_text(paths.srt, srt(cues))
    write_text(paths.timeline, json.dumps(timeline.to_json(), ensure_ascii=False, indent=1))
    manifest = {
        "scene": plan.model.scene_id,
        "lang": plan.lang,
        "pipeline": PIPELINE,
        "key": plan.key,
        **mix,  # mix_key, loudness, true_peak
        "lines": {
            v.line_id: {
                "kind": v.kind,
                "key": v.key,
                "audio": os.path.relpath(plan.line_audio[v.line_id], paths.folder),
            }
            for v in plan.voices
        },
        "timings": {k: _timing_json(t) for k, t in timings.items()},
    }
    write_text(paths.manifest, json.dumps(manifest, ensure_ascii=False, indent=1))


class _VoiceFiles(Mapping[str, Clip]):
    """Each line's voice, read from its file when the mix places it: never all at once."""

    def __init__(self, paths: Mapping[str, Path]) -> None:
        self._paths = paths

    def __getitem__(self, line_id: str) -> Clip:
        return audiofile.read(self._paths[line_id])

    def __iter__(self) -> Iterator[str]:
        return iter(self._paths)

    def __len__(self) -> int:
        return len(self._paths)


def _render_described(paths: _Paths, lines: tuple[TimedLine, ...], line_audio: Mapping[str, Path]) -> None:
    """The main mix (just written or up to date) with the description over it."""
    voices = _VoiceFiles({ln.id: line_audio[ln.id] for ln in lines})
    audiofile.write_wav(paths.ad_mix, described_mix(audiofile.read(paths.mix), lines, voices))


def _render_mix(
    path: Path, timeline: Timeline, line_audio: Mapping[str, Path], project: Project
) -> tuple[float | None, float | None]:
    """Mix, normalize and write; returns the mix's loudness (LUFS) and true peak (dBTP)."""
    cache: dict[str, Clip] = {}

    def media(rel: str) -> Clip:
        if rel not in cache:
            cache[rel] = audiofile.read(project.root / rel).resampled(MIX_RATE)
        return cache[rel]

    voices = _VoiceFiles(line_audio)
    # The mix is this function's own buffer: normalized in place, then written a stretch at a time.
    result = normalize_in_place(
        mix(timeline, voices, media), TARGET_LUFS, tolerance=0.2, ceiling_db=LIMIT_DBTP
    )
    audiofile.write_wav(path, result.clip)
    return (
        round(result.lufs, 2) if math.isfinite(result.lufs) else None,
        round(result.true_peak, 2) if math.isfinite(result.true_peak) else None,
    )
