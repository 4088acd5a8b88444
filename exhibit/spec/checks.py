"""Checks that relate a scene to the rest of the content: names, files, languages.

One walk over the scene, one small ``check_*`` function per concern, each
reporting located diagnostics. Checks that need resolved times (cycles, times
outside the scene, overlapping lines, camera key order) run in the timeline.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from exhibit.spec.common import Text
from exhibit.spec.errors import Diagnostic, ExhibitError, Severity, did_you_mean
from exhibit.spec.hall import Hall
from exhibit.spec.project import Project
from exhibit.spec.scene import (
    AUDIO_SUFFIXES,
    BUILTIN_EFFECTS,
    IMAGE_SUFFIXES,
    AnimateCue,
    CaptionCue,
    ChoiceCue,
    EffectCue,
    Hotspot,
    ImageObject,
    JumpCue,
    ModelObject,
    NarrationLine,
    Panorama,
    QuizCue,
    Scene,
    SoundCue,
    TextObject,
    TitleCue,
    Video,
)
from exhibit.spec.source import Document, PathKey
from exhibit.spec.timeexpr import MarkRef, Ref, TimeExpr

MARK = re.compile(r"\{mark:([^{}]*)\}")
MARK_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


def marks_in(text: str) -> list[str]:
    """Bookmark names in a line's text, in order."""
    return [m.strip() for m in MARK.findall(text)]


def strip_marks(text: str) -> str:
    """The text as spoken and captioned: bookmarks removed."""
    return re.sub(r"\s{2,}", " ", MARK.sub("", text)).strip()


@dataclass
class SceneContext:
    """What the checks may look at besides the scene itself."""

    scene: Scene
    doc: Document
    project: Project
    hall: Hall | None = None
    banks: dict[str, Path] | None = None
    # Names of objects, lines and cues that exist in the file but were set aside because
    # they have errors of their own: references to them are not reported a second time.
    broken: frozenset[str] = frozenset()


class _Report:
    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.items: list[Diagnostic] = []

    def __call__(self, severity: Severity, path: PathKey, message: str, key: bool = False) -> None:
        self.items.append(Diagnostic(severity, message, self.doc.locate(path, key=key)))

    def error(self, path: PathKey, message: str, key: bool = False) -> None:
        self(Severity.ERROR, path, message, key)

    def warning(self, path: PathKey, message: str, key: bool = False) -> None:
        self(Severity.WARNING, path, message, key)

    def note(self, path: PathKey, message: str, key: bool = False) -> None:
        self(Severity.NOTE, path, message, key)


Check = Callable[[SceneContext, _Report], None]


def _time_fields(scene: Scene) -> Iterable[tuple[PathKey, TimeExpr]]:
    for name, obj in scene.objects.items():
        if isinstance(obj, Video):
            yield ("objects", name, "start"), obj.start
    for i, line in enumerate(scene.narration):
        if line.at is not None:
            yield ("narration", i, "at"), line.at
    for i, line in enumerate(scene.description):
        if line.at is not None:
            yield ("description", i, "at"), line.at
    for i, cue in enumerate(scene.cues):
        yield ("cues", i, "at"), cue.at
        if isinstance(cue, JumpCue):
            yield ("cues", i, "to"), cue.to
        elif isinstance(cue, ChoiceCue):
            for k, option in enumerate(cue.options):
                if option.goto is not None:
                    yield ("cues", i, "options", k, "goto"), option.goto
    for i, key in enumerate(scene.camera.keys):
        yield ("camera", "keys", i, "at"), key.at
    for i, m in enumerate(scene.music):
        yield ("music", i, "at"), m.at
        if m.until is not None:
            yield ("music", i, "until"), m.until
    for i, s in enumerate(scene.sounds):
        yield ("sounds", i, "at"), s.at
    if scene.duration != "auto":
        yield ("duration",), scene.duration


def check_ids(ctx: SceneContext, report: _Report) -> None:
    seen: dict[str, int] = {}
    for i, line in enumerate(ctx.scene.narration):
        if line.id in seen:
            first = ctx.doc.locate(("narration", seen[line.id], "id"))
            report.error(
                ("narration", i, "id"), f"duplicate narration line id '{line.id}' (first used at line {first.line})"
            )
        seen.setdefault(line.id, i)
    cues: dict[str, int] = {}
    for i, cue in enumerate(ctx.scene.cues):
        if cue.id is None:
            continue
        if cue.id in cues:
            first = ctx.doc.locate(("cues", cues[cue.id], "id"))
            report.error(("cues", i, "id"), f"duplicate cue id '{cue.id}' (first used at line {first.line})")
        elif cue.id in seen:
            report.error(
                ("cues", i, "id"), f"cue id '{cue.id}' is also a narration line id; '{cue.id}.end' would be ambiguous"
            )
        cues.setdefault(cue.id, i)
    for i, line in enumerate(ctx.scene.narration):
        if line.id == "scene":
            report.error(("narration", i, "id"), "'scene' is reserved (scene.start, scene.end); choose another id")


def check_object_refs(ctx: SceneContext, report: _Report) -> None:
    objects = list(ctx.scene.objects)

    def need(path: PathKey, name: str) -> None:
        if name not in ctx.scene.objects and name not in ctx.broken:
            hint = did_you_mean(name, objects)
            if not hint:
                hint = f"; the objects are: {', '.join(objects)}" if objects else "; the scene has no objects"
            report.error(path, f"unknown object '{name}'{hint}")

    def need_place(path: PathKey, name: str, what: str) -> None:
        """An object whose place in the scene is used: a part's place is its carrier's frame."""
        need(path, name)
        part = ctx.scene.objects.get(name)
        if isinstance(part, Hotspot) and part.part_of is not None:
            report.error(
                path,
                f"'{name}' is part of '{part.part_of}' (its pos is in that object's frame); "
                f"{what} '{part.part_of}' instead",
            )

    for i, cue in enumerate(ctx.scene.cues):
        target = getattr(cue, "target", None)
        if target is not None:
            need(("cues", i, "target"), target)
        if isinstance(cue, SoundCue) and cue.follow is not None:
            need_place(("cues", i, "follow"), cue.follow, "let the sound follow")
    for i, key in enumerate(ctx.scene.camera.keys):
        if isinstance(key.look_at, str):
            need_place(("camera", "keys", i, "look_at"), key.look_at, "look at")
    for i, sound in enumerate(ctx.scene.sounds):
        if sound.follow is not None:
            need_place(("sounds", i, "follow"), sound.follow, "let the sound follow")
    for name, obj in ctx.scene.objects.items():
        if isinstance(obj, Hotspot) and obj.part_of is not None:
            need(("objects", name, "part_of"), obj.part_of)
            carrier = ctx.scene.objects.get(obj.part_of)
            if isinstance(carrier, Hotspot):
                what = "itself" if carrier is obj else f"'{obj.part_of}', which is a hotspot itself"
                report.error(
                    ("objects", name, "part_of"),
                    f"hotspot '{name}' is part of {what}; make it part of an object that is drawn, or of none",
                )


def check_time_refs(ctx: SceneContext, report: _Report) -> None:
    lines: dict[str, NarrationLine] = {}
    for line in ctx.scene.narration:
        lines.setdefault(line.id, line)  # with a duplicate id, the first line is the one meant
    for line in ctx.scene.description:  # descriptions may follow one another too
        lines.setdefault(line.id, line)
    cue_ids = [c.id for c in ctx.scene.cues if c.id]
    names = list(lines) + cue_ids
    for path, expr in _time_fields(ctx.scene):
        term = expr.term
        if isinstance(term, Ref) and term.name not in lines and term.name not in cue_ids:
            if term.name not in ctx.broken:
                report.error(
                    path, f"unknown narration line or cue '{term.name}' in '{expr}'{did_you_mean(term.name, names)}"
                )
        elif isinstance(term, MarkRef):
            found = lines.get(term.line)
            if found is None and term.line in ctx.broken:
                continue
            if found is None:
                report.error(
                    path, f"unknown narration line '{term.line}' in '{expr}'{did_you_mean(term.line, list(lines))}"
                )
                continue
            known = sorted({m for lang in ctx.scene.languages for m in marks_in(found.text.get(lang) or "")})
            if term.mark not in known:
                where = f"; its marks are: {', '.join(known)}" if known else "; it has no {mark:...} in its text"
                hint = did_you_mean(term.mark, known)
                if term.mark in ("start", "end"):
                    hint = f" (did you mean '{term.line}.{term.mark}'?)"
                report.error(path, f"line '{term.line}' has no mark '{term.mark}'{hint}{where}")


def check_narration_text(ctx: SceneContext, report: _Report) -> None:
    for i, line in enumerate(ctx.scene.narration):
        per_lang: dict[str, list[str]] = {}
        for lang in ctx.scene.languages:
            text = line.text.get(lang, fallback=False)
            if text is None:
                report.error(
                    ("narration", i, "text"),
                    f"line '{line.id}' has no '{lang}' text; every language in 'languages' needs one",
                )
                continue
            where: PathKey = ("narration", i, "text") if line.text.universal else ("narration", i, "text", lang)
            if not strip_marks(text):
                report.error(where, f"line '{line.id}' has empty '{lang}' text")
            names = marks_in(text)
            if lang == ctx.scene.languages[0] or not line.text.universal:
                # A text for all languages is checked once, not once per language.
                for m in MARK.finditer(text):
                    name = m.group(1).strip()
                    if not MARK_NAME.match(name):
                        report.items.append(
                            Diagnostic(
                                Severity.ERROR,
                                f"'{{mark:{name}}}' is not a valid mark name: use lower-case letters, digits and _",
                                ctx.doc.locate_in(where, m.start()),
                            )
                        )
                seen_marks: set[str] = set()
                for m in MARK.finditer(text):
                    name = m.group(1).strip()
                    if name in seen_marks:
                        report.items.append(
                            Diagnostic(
                                Severity.ERROR,
                                f"mark '{name}' appears twice in the '{lang}' text of line '{line.id}'",
                                ctx.doc.locate_in(where, m.start()),
                            )
                        )
                    seen_marks.add(name)
                rest = MARK.sub(lambda m: " " * len(m.group(0)), text)
                unclosed = re.search(r"\{\s*mark", rest)
                if unclosed:
                    report.items.append(
                        Diagnostic(
                            Severity.ERROR,
                            f"a bookmark in the '{lang}' text of line '{line.id}' is not closed; write {{mark:NAME}}",
                            ctx.doc.locate_in(where, unclosed.start()),
                        )
                    )
            per_lang[lang] = names
        if len(per_lang) > 1:
            langs = list(per_lang)
            ref = set(per_lang[langs[0]])
            for lang in langs[1:]:
                if set(per_lang[lang]) != ref:
                    only_a = sorted(ref - set(per_lang[lang]))
                    only_b = sorted(set(per_lang[lang]) - ref)
                    detail = "; ".join(
                        part
                        for part in (
                            f"only in {langs[0]}: {', '.join(only_a)}" if only_a else "",
                            f"only in {lang}: {', '.join(only_b)}" if only_b else "",
                        )
                        if part
                    )
                    report.error(
                        ("narration", i, "text"),
                        f"line '{line.id}' has different marks in {langs[0]} and {lang} ({detail})",
                    )
        for lang in line.text.languages:
            if lang not in ctx.scene.languages:
                report.warning(
                    ("narration", i, "text", lang),
                    f"'{lang}' is not in the scene's languages ({', '.join(ctx.scene.languages)}); it is never played",
                    key=True,
                )


def check_captions(ctx: SceneContext, report: _Report) -> None:
    for i, cue in enumerate(ctx.scene.cues):
        texts = []
        if isinstance(cue, (CaptionCue, TitleCue)):
            texts.append(("text", cue.text))
        if isinstance(cue, TitleCue) and cue.subtitle is not None:
            texts.append(("subtitle", cue.subtitle))
        for field_name, text in texts:
            for lang in ctx.scene.languages:
                if not text.has(lang):
                    report.warning(
                        ("cues", i, field_name),
                        f"{cue.do} {field_name} has no '{lang}' translation; "
                        f"visitors in '{lang}' see the other language",
                    )
    for name, obj in ctx.scene.objects.items():
        if isinstance(obj, TextObject):
            for lang in ctx.scene.languages:
                if not obj.text.has(lang):
                    report.warning(("objects", name, "text"), f"text object '{name}' has no '{lang}' translation")


def check_choices(ctx: SceneContext, report: _Report) -> None:
    """A choice is read by everyone in the room: every option and the prompt in every language."""
    for i, cue in enumerate(ctx.scene.cues):
        if not isinstance(cue, ChoiceCue):
            continue
        texts: list[tuple[PathKey, str, Text]] = []
        if cue.prompt is not None:
            texts.append((("cues", i, "prompt"), "its prompt", cue.prompt))
        texts += [(("cues", i, "options", k, "label"), f"option {k + 1}", o.label) for k, o in enumerate(cue.options)]
        for path, what, text in texts:
            missing = [lang for lang in ctx.scene.languages if not text.has(lang)]
            if missing:
                report.error(
                    path,
                    f"choice {cue.id or i + 1}: {what} has no label in {', '.join(missing)}; "
                    "write it in every language of the scene",
                )
        for k, option in enumerate(cue.options):
            if option.scene is not None:
                _check_option_scene(ctx, report, ("cues", i, "options", k, "scene"), option.scene)


def _check_option_scene(ctx: SceneContext, report: _Report, path: PathKey, name: str) -> None:
    """An option that leaves for another scene names one of the project's scenes."""
    scenes = ctx.project.scene_names()
    if name == ctx.scene.scene_id:
        report.error(path, f"'{name}' is this scene; to play it again from the start use 'goto: scene.start'")
    elif name not in scenes:
        hint = did_you_mean(name, scenes) or (f"; the scenes are: {', '.join(scenes)}" if scenes else "")
        report.error(path, f"unknown scene '{name}'{hint}")


def check_hotspots(ctx: SceneContext, report: _Report) -> None:
    """An info card is read by visitors in every language; its picture must be there."""
    for name, obj in ctx.scene.objects.items():
        info = obj.info
        if info is None:
            continue
        for field_name, text in (("title", info.title), ("text", info.text)):
            missing = [lang for lang in ctx.scene.languages if not text.has(lang)]
            if missing:
                report.error(
                    ("objects", name, "info", field_name),
                    f"the info card of '{name}' has no {field_name} in {', '.join(missing)}; "
                    "write it in every language of the scene",
                )
        if info.image is not None:
            _file(ctx, report, ("objects", name, "info", "image"), info.image, "image", IMAGE_SUFFIXES)


def check_effects(ctx: SceneContext, report: _Report) -> None:
    hall_effects = list(ctx.hall.effects) if ctx.hall else []
    known = list(BUILTIN_EFFECTS) + [e for e in hall_effects if e not in BUILTIN_EFFECTS]
    for i, cue in enumerate(ctx.scene.cues):
        if not isinstance(cue, EffectCue):
            continue
        if cue.effect not in known:
            report.error(("cues", i, "effect"), f"unknown effect '{cue.effect}'{did_you_mean(cue.effect, known)}")
        elif ctx.hall is not None and ctx.hall.effects and cue.effect not in ctx.hall.effects:
            report.warning(
                ("cues", i, "effect"),
                f"this hall has no channel for effect '{cue.effect}'; the cue is skipped when played here",
            )
        if cue.follow == "camera" and cue.effect != "seat":
            report.warning(
                ("cues", i, "follow"), f"'follow: camera' drives motion seats; effect '{cue.effect}' ignores it"
            )


def check_quiz(ctx: SceneContext, report: _Report) -> None:
    banks = ctx.banks if ctx.banks is not None else ctx.project.bank_names()
    for i, cue in enumerate(ctx.scene.cues):
        if isinstance(cue, QuizCue) and cue.bank not in banks:
            hint = did_you_mean(cue.bank, list(banks))
            known = (
                f"; the banks in quiz/ are: {', '.join(sorted(banks))}" if banks else "; there are no banks in quiz/"
            )
            report.error(("cues", i, "bank"), f"unknown question bank '{cue.bank}'{hint}{'' if hint else known}")


def _file(
    ctx: SceneContext, report: _Report, path: PathKey, relative: str, what: str, suffixes: tuple[str, ...]
) -> None:
    if not relative.strip():
        report.error(path, f"the {what} file name is empty")
        return
    if Path(relative).is_absolute() or ".." in Path(relative).parts:
        report.error(path, f"'{relative}': write {what} paths relative to the content root, without '..'")
        return
    if not relative.lower().endswith(suffixes):
        report.error(path, f"'{relative}' is not a {what} file; use one of {', '.join(suffixes)}")
        return
    if not (ctx.project.root / relative).is_file():
        folder = (ctx.project.root / relative).parent
        nearby = [str(Path(relative).parent / p.name) for p in folder.glob("*")] if folder.is_dir() else []
        report.error(path, f"{what} file '{relative}' does not exist{did_you_mean(relative, nearby)}")


def check_files(ctx: SceneContext, report: _Report) -> None:
    for name, obj in ctx.scene.objects.items():
        if isinstance(obj, ModelObject):
            from exhibit.spec.scene import MODEL_SUFFIXES

            _file(ctx, report, ("objects", name, "file"), obj.file, "model", MODEL_SUFFIXES)
    for i, cue in enumerate(ctx.scene.cues):
        if isinstance(cue, SoundCue):
            _file(ctx, report, ("cues", i, "file"), cue.file, "sound", AUDIO_SUFFIXES)
    for i, m in enumerate(ctx.scene.music):
        _file(ctx, report, ("music", i, "file"), m.file, "music", AUDIO_SUFFIXES)
    for i, s in enumerate(ctx.scene.sounds):
        _file(ctx, report, ("sounds", i, "file"), s.file, "sound", AUDIO_SUFFIXES)
    for i, line in enumerate(ctx.scene.narration):
        for lang, rel in (line.audio or {}).items():
            _file(ctx, report, ("narration", i, "audio", lang), rel, "audio", AUDIO_SUFFIXES)


def check_pictures(ctx: SceneContext, report: _Report) -> None:
    """Every picture and panorama is a readable PNG or JPEG of the right shape; plaques are translated."""
    from exhibit.spec.scene import IMAGE_SUFFIXES

    for name, obj in ctx.scene.objects.items():
        if isinstance(obj, Video):
            _film(ctx, report, name, obj)
        if not isinstance(obj, (ImageObject, Panorama)):
            continue
        what = "picture" if isinstance(obj, ImageObject) else "panorama"
        if isinstance(obj, ImageObject) and obj.plaque is not None and not obj.plaque.text.universal:
            for lang in ctx.scene.languages:
                if not obj.plaque.text.has(lang):
                    report.warning(("objects", name, "plaque", "text"), f"the plaque of '{name}' has no '{lang}' text")
        before = len(report.items)
        _file(ctx, report, ("objects", name, "file"), obj.file, what, IMAGE_SUFFIXES)
        if len(report.items) == before:  # the file is there: is it a picture of the right shape?
            _picture_shape(ctx, report, name, obj)


def _film(ctx: SceneContext, report: _Report, name: str, obj: Video) -> None:
    """A film ffmpeg can read, shown at its shape, started inside its length."""
    from exhibit.spec.film import probe
    from exhibit.spec.picture import ASPECT_TOLERANCE, PictureInfo, shown_size
    from exhibit.spec.scene import VIDEO_SUFFIXES

    where: PathKey = ("objects", name, "file")
    before = len(report.items)
    _file(ctx, report, where, obj.file, "film", VIDEO_SUFFIXES)
    if len(report.items) > before:
        return
    try:
        info = probe(ctx.project.root / obj.file)
    except ExhibitError as exc:
        report.error(where, f"cannot use the film '{obj.file}': {exc}")
        return
    if obj.from_ >= info.duration:
        report.error(
            ("objects", name, "from"),
            f"'from: {obj.from_:g}' is past the end of '{obj.file}', which lasts {info.duration:.2f} s",
        )
    if "auto" not in obj.size:
        width, height = shown_size(PictureInfo(info.width, info.height), obj.size)
        if abs((width / height) / info.aspect - 1.0) > ASPECT_TOLERANCE:
            report.warning(
                ("objects", name, "size"),
                f"'{obj.file}' is {info.width}x{info.height} pixels but size is {width:g} x {height:g} m: "
                f"the film is stretched; write [{width:g}, auto] to keep its shape",
            )


def _picture_shape(ctx: SceneContext, report: _Report, name: str, obj: ImageObject | Panorama) -> None:
    from exhibit.spec.picture import ASPECT_TOLERANCE, MAX_PICTURE_SIDE, probe, shown_size

    where: PathKey = ("objects", name, "file")
    what = "picture" if isinstance(obj, ImageObject) else "panorama"
    try:
        info = probe(ctx.project.root / obj.file)
    except ExhibitError as exc:
        report.error(where, f"cannot use the {what} '{obj.file}': {exc}")
        return
    pixels = f"'{obj.file}' is {info.width}x{info.height} pixels"
    if info.downscaled:
        report.note(where, f"{pixels}; it is shown downscaled to {MAX_PICTURE_SIDE} pixels on its longest side")
    if isinstance(obj, Panorama):
        stereo = obj.stereo == "top_bottom"
        wanted = 1.0 if stereo else 2.0
        if abs(info.aspect / wanted - 1.0) > ASPECT_TOLERANCE:
            shape = (
                "two equirectangular pictures one above the other, as wide as high (1:1)"
                if stereo
                else "an equirectangular picture twice as wide as high (2:1)"
            )
            report.error(where, f"{pixels}; a panorama{' with stereo: top_bottom' if stereo else ''} is {shape}")
        return
    if "auto" not in obj.size:
        width, height = shown_size(info, obj.size)
        if abs((width / height) / info.aspect - 1.0) > ASPECT_TOLERANCE:
            report.warning(
                ("objects", name, "size"),
                f"{pixels} but size is {width:g} x {height:g} m: the picture is stretched; "
                f"write [{width:g}, auto] to keep its shape",
            )


def check_animations(ctx: SceneContext, report: _Report) -> None:
    """An ``animate`` cue names a model, and a clip that model has."""
    from exhibit.spec.modelfile import clip_names

    for i, cue in enumerate(ctx.scene.cues):
        if not isinstance(cue, AnimateCue) or cue.target not in ctx.scene.objects:
            continue  # an unknown target is check_object_refs's to say
        obj = ctx.scene.objects[cue.target]
        if not isinstance(obj, ModelObject):
            report.error(("cues", i, "target"), f"'{cue.target}' is a {obj.kind}; only a model has animation clips")
            continue
        path = ctx.project.root / obj.file
        if not path.is_file():
            continue  # said by check_files
        try:
            clips = clip_names(path)
        except ExhibitError as exc:
            report.error(("objects", cue.target, "file"), f"cannot use the model '{obj.file}': {exc}")
            continue
        if clips is not None and cue.clip not in clips:
            hint = did_you_mean(cue.clip, clips)
            known = f"; its clips are: {', '.join(clips)}" if clips else "; it has no animations"
            report.error(
                ("cues", i, "clip"), f"model '{obj.file}' has no clip '{cue.clip}'{hint}{'' if hint else known}"
            )


def recording_for(project: Project, scene_id: str, line_id: str, lang: str, override: str | None = None) -> Path | None:
    """The recorded voice file for a line, by the scene format's lookup rule, or None."""
    if override:
        path = project.root / override
        return path if path.is_file() else None
    folder = project.root / "audio" / "voice" / lang / scene_id
    for suffix in AUDIO_SUFFIXES:
        path = folder / f"{line_id}{suffix}"
        if path.is_file():
            return path
    return None


def check_recordings(ctx: SceneContext, report: _Report) -> None:
    for i, line in enumerate(ctx.scene.narration):
        missing = [
            lang
            for lang in ctx.scene.languages
            if recording_for(ctx.project, ctx.scene.scene_id, line.id, lang, (line.audio or {}).get(lang)) is None
        ]
        if missing:
            report.note(
                ("narration", i, "id"),
                f"line '{line.id}' has no recording yet in {', '.join(missing)}; a placeholder voice is used",
            )


def check_size(ctx: SceneContext, report: _Report) -> None:
    """Totals and render memory within the scene's budget (see :mod:`exhibit.spec.budget`)."""
    from exhibit.spec.budget import check_budget
    from exhibit.spec.picture import probe, render_bytes

    measured: dict[str, int] = {}
    for name, obj in ctx.scene.objects.items():
        if isinstance(obj, (ImageObject, Panorama)) and (ctx.project.root / obj.file).is_file():
            try:
                measured[name] = render_bytes(probe(ctx.project.root / obj.file), isinstance(obj, ImageObject))
            except ExhibitError:
                continue  # said by check_pictures
    report.items += check_budget(ctx.scene, ctx.doc, measured)


CHECKS: tuple[Check, ...] = (
    check_size,
    check_ids,
    check_object_refs,
    check_time_refs,
    check_narration_text,
    check_captions,
    check_choices,
    check_hotspots,
    check_effects,
    check_quiz,
    check_files,
    check_pictures,
    check_animations,
    check_recordings,
)


def check_scene(ctx: SceneContext) -> list[Diagnostic]:
    report = _Report(ctx.doc)
    for check in CHECKS:
        check(ctx, report)
    return report.items


def load_playable(project: Project, path: Path, hall: Hall | None = None) -> tuple[Scene, Document]:
    """Load and check a scene that is about to be compiled and played.

    Raises :class:`ContentError` with every located error; warnings and notes do
    not stop a show. The player, the hall and ``exhibit timeline`` all start here.
    """
    from exhibit.spec.errors import ContentError

    loaded = project.load_scene(path)
    if loaded.model is None or any(d.is_error for d in loaded.diagnostics):
        raise ContentError(loaded.diagnostics)
    ctx = SceneContext(loaded.model, loaded.doc, project, hall, project.bank_names())
    errors = [d for d in check_scene(ctx) if d.is_error]
    if errors:
        raise ContentError(errors)
    return loaded.model, loaded.doc


def pick_language(
    scene: Scene,
    lang: str | None,
    doc: Document | None = None,
    warn: Callable[[Diagnostic], None] | None = None,
) -> str:
    """The one rule for the language a scene plays in: ``lang``, or the scene's first when None.

    A language the scene does not have is an :class:`ExhibitError`. With ``warn`` (the hall,
    whose show goes on) it is instead a warning located at the scene's ``languages``, and the
    scene plays in its first language.
    """
    from exhibit.spec.errors import ExhibitError

    if lang is None:
        return scene.languages[0]
    if lang in scene.languages:
        return lang
    problem = f"scene '{scene.scene_id}' has no language '{lang}' (its languages: {', '.join(scene.languages)})"
    if warn is None:
        raise ExhibitError(problem)
    first = scene.languages[0]
    where = doc.locate(("languages",)) if doc is not None else None
    warn(Diagnostic(Severity.WARNING, f"{problem}; playing it in {first}", where))
    return first
