"""The Player: one scene on the displays, in time with its narration.

Used by ``exhibit play``, ``still`` and ``render`` and by the hall. Each frame:

1. show time ``t`` comes from the :class:`ShowClock`, which follows the mix's
   play position (the voice is the master), or is given (stills, video export);
2. ``timeline.state(t)`` is applied: world objects and environment, the rig
   (from the scene's camera), captions, title and fade;
3. the one-shot events of ``(previous t, t]`` go to the listeners (effects bus,
   quiz) and to the sound player; a seek fires none of the events it skips;
4. Panda3D draws the frame.

The Player never decides timing: it only asks the timeline.
"""

from __future__ import annotations

import hashlib
import math
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from exhibit.render.app import App, shared_app
from exhibit.render.displays import Displays, screen_size, walls_fit
from exhibit.render.overlay import Overlay
from exhibit.render.rig import Rig
from exhibit.spec.errors import ContentError, ExhibitError, did_you_mean
from exhibit.spec.hall import CaptionSettings, Hall
from exhibit.spec.project import Project
from exhibit.timeline.clock import ShowClock
from exhibit.timeline.frame import Event, FrameState

if TYPE_CHECKING:
    from panda3d.core import NodePath

    from exhibit.render.audio import MixTrack, SoundEffects
    from exhibit.spec.scene import Scene
    from exhibit.spec.source import Document
    from exhibit.timeline.model import Timeline

Status = Literal["idle", "playing", "paused", "ended"]
Listener = Callable[[FrameState, list[Event]], None]
Progress = Callable[[str], None]

SEEK_EPSILON = 1e-6  # events exactly at the time played from still fire
RELOAD_POLL = 0.5  # seconds between looks at the scene file while playing
MOUSE_LOOK_DEGREES = (120.0, 70.0)  # heading / pitch for a drag across the whole window
QUIZ_DISTANCE = 1.6  # metres in front of the visitor's head
SEEK_STEP = 5.0  # seconds per arrow key in exhibit play


@dataclass(frozen=True)
class Show:
    """A scene ready to play in one language: its timeline and the mix to play with it."""

    path: Path
    scene: Scene
    doc: Document
    lang: str
    timeline: Timeline
    mix: Path | None  # build/<scene>/mix.<lang>.wav, or None when no narration could be built
    digest: str  # of the scene file's bytes: reload only when the content changed


def _sound_captions(timeline: Timeline) -> tuple[tuple[float, float, str], ...]:
    """The timeline's sound captions ("[风声]"), as the caption files have them."""
    try:
        from exhibit.narration.soundcaptions import sound_captions
    except ImportError:
        return ()
    return tuple((c.start, c.end, c.text) for c in sound_captions(timeline))


def file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def find_scene(project: Project, scene: str | Path) -> Path:
    path = project.scene_path(str(scene))
    if not path.exists():
        names = project.scene_names()
        hint = did_you_mean(str(scene), names)
        listing = f"; scenes: {', '.join(names)}" if names and not hint else ""
        raise ExhibitError(f"no scene '{scene}'{hint}{listing}")
    return path


def load_show(
    project: Project,
    scene: str | Path,
    lang: str | None = None,
    hall: Hall | None = None,
    progress: Progress | None = None,
    narrate: bool = True,
    audio_description: bool = False,
) -> Show:
    """Load, check and compile a scene; build its narration first when missing or stale.
    With ``audio_description`` the show plays the described mix (``mix.<lang>.ad.wav``) when
    the scene has description lines.

    Raises :class:`ContentError` with located diagnostics for broken content.
    """
    from exhibit.spec.checks import load_playable, pick_language

    path = find_scene(project, scene)
    digest = file_digest(path)
    model, doc = load_playable(project, path, hall)
    language = pick_language(model, lang)
    timeline, mix, described = _narrated_timeline(project, model, doc, language, progress, narrate)
    return Show(path, model, doc, language, timeline, described if audio_description and described else mix, digest)


def _narrated_timeline(
    project: Project,
    scene: Scene,
    doc: Document,
    lang: str,
    progress: Progress | None,
    narrate: bool,
) -> tuple[Timeline, Path | None, Path | None]:
    """The timeline against the voices' real timings, and the mix, from ``exhibit.narration``.

    The narration is built first when it is missing or stale (cached by content,
    so this is quick when nothing changed). With ``narrate=False`` (or without the
    narration package) the timeline uses estimated timings and there is no mix:
    the show still plays, silently, on the wall clock.
    """
    from exhibit.timeline.compile import compile as compile_timeline

    if not narrate:
        return compile_timeline(scene, lang, {}, doc), None, None
    try:
        from exhibit import narration
    except ImportError:
        return compile_timeline(scene, lang, {}, doc), None, None
    if progress is not None and narration.is_stale(project, scene, lang):
        progress(f"building the narration of {scene.scene_id} ({lang}) ...")
    result = narration.build(project, scene, lang, progress=_stage_progress(progress), doc=doc)
    if progress is not None:
        for warning in result.warnings:
            progress(f"warning: {warning}")
    return result.timeline, Path(result.mix_path), result.ad_mix_path


def _stage_progress(progress: Progress | None) -> Callable[[str, int, int], None] | None:
    """The narration's ``progress(stage, done, total)`` as one line per finished stage."""
    if progress is None:
        return None

    def report(stage: str, done: int, total: int) -> None:
        if total and done >= total:
            progress(f"  {stage}: {done}/{total}")

    return report


def stderr_progress(message: str) -> None:
    print(f"exhibit: {message}", file=sys.stderr, flush=True)


class Player:
    """Plays one scene at a time on the displays of one hall.

    ``display``: window, fullscreen, sbs, anaglyph, wall or offscreen (default:
    the hall's mode). ``audio``: play the mix through OpenAL and follow its
    position; without it (or without a sound device) time follows the wall clock.
    """

    def __init__(
        self,
        project: Project | str | Path,
        hall: Hall | None = None,
        display: str | None = None,
        size: tuple[int, int] | None = None,
        audio: bool = True,
        app: App | None = None,
        quiz: bool = True,
        narrate: bool = True,
        progress: Progress | None = stderr_progress,
        on_reload_error: Callable[[ContentError | ExhibitError], None] | None = None,
        xr_fallback: bool = True,
    ) -> None:
        from panda3d.core import NodePath

        self.project = project if isinstance(project, Project) else Project.at(project)
        self.hall = hall if hall is not None else (self.project.load_hall().model or Hall())
        self.app = app or shared_app(audio=audio)
        self.audio = audio and self.app.audio_enabled
        self.quiz_enabled = quiz
        self.narrate = narrate
        self.audio_description = False  # play the described mix (set before load; per show in a hall)
        self.progress = progress
        self.on_reload_error = on_reload_error
        mode = display or self.hall.display.mode
        self.scene_root: NodePath = NodePath("scene")
        self.rig = Rig(self.scene_root, self.hall.display.iod, self.hall.display.converge)
        self.displays: Any = self._open_displays(mode, size, xr_fallback)
        self.caption_style = self.hall.captions  # per show: set_caption_style
        self.overlay = Overlay(self.displays.overlay_aspect, style=self.caption_style)
        self.displays.attach_overlay(self.overlay.camera)
        self.quiz_anchor: NodePath = self.rig.head.attachNewNode("quiz_anchor")
        self.quiz_anchor.setPos(0, QUIZ_DISTANCE, 0)
        self.show: Show | None = None
        self.world: Any = None
        self.mix: MixTrack | None = None
        self.muted = False
        self.sounds: SoundEffects | None = None
        self.clock = ShowClock(None)
        self.listeners: list[Listener] = []
        on_frame = getattr(self.displays, "on_frame", None)  # a headset's whole-view fade
        if on_frame is not None:
            self.listeners.append(on_frame)
        self.quiz_panel: Any = None
        self._quiz_store: Any = None  # the quiz's AttemptSpool, made when the first quiz cue fires
        self._warnings: list[str] = []  # side problems not yet taken by the hall
        self._status: Status = "idle"
        self._t = 0.0
        self._events_from = -math.inf
        self._last_frame: FrameState | None = None
        self._watch_next = 0.0
        self._failed_digest: str | None = None
        self._controls: Any = None
        self._closed = False

    def _open_displays(self, mode: str, size: tuple[int, int] | None, xr_fallback: bool) -> Any:
        """The displays of ``mode``; a headset (``xr``) through its own module, which falls
        back to a window when the headset cannot be used (unless ``xr_fallback`` is off)."""
        if mode == "wall" and self.app.display_available:
            screen = screen_size(self.app)
            need = walls_fit(self.hall.display, screen)
            if need is not None and screen is not None:
                self._say(f"the hall's display ({need}) does not fit this screen ({screen[0]}x{screen[1]}): "
                          "playing in a window instead")
                mode = "window"
        if mode != "xr":
            return Displays(self.app, self.rig, mode, size, self.hall.display)
        from exhibit.render.xr.fallback import open_displays

        return open_displays(
            self.app,
            self.rig,
            mode,
            size,
            self.hall.display,
            report=self._say,
            fallback=xr_fallback,
        )

    def _say(self, message: str) -> None:
        """A message for the operator (warnings must be seen even when progress is quiet)."""
        (self.progress or stderr_progress)(message)

    def _warn(self, message: str) -> None:
        """A side problem the show goes on through: said, and kept for the hall's journal."""
        self._warnings.append(message)
        self._say(f"warning: {message}")

    def take_warnings(self) -> list[str]:
        """The warnings since the last call (the hall writes them to its journal)."""
        taken, self._warnings = self._warnings, []
        return taken

    @property
    def quiz_waiting(self) -> int:
        """Finished quiz rounds that wait for the database (0 when it takes them)."""
        return self._quiz_store.waiting if self._quiz_store is not None else 0

    @property
    def headset(self) -> bool:
        return hasattr(self.displays, "lost")

    # -- loading ---------------------------------------------------------------------------

    @property
    def timeline(self) -> Timeline:
        if self.show is None:
            raise ExhibitError("no scene is loaded")
        return self.show.timeline

    @property
    def t(self) -> float:
        return self._t

    @property
    def status(self) -> Status:
        return self._status

    @property
    def lang(self) -> str | None:
        return self.show.lang if self.show is not None else None

    def load(self, scene: str | Path | Show, lang: str | None = None) -> Show:
        """Load a scene (name, path, or a :class:`Show`); the player is then idle at t = 0."""
        show = scene if isinstance(scene, Show) else self._load_show(scene, lang)
        self._install(show, 0.0)
        self._status = "idle"
        self._events_from = -math.inf
        return show

    def _load_show(self, scene: str | Path, lang: str | None) -> Show:
        return load_show(
            self.project, scene, lang, self.hall, self.progress, self.narrate, self.audio_description
        )

    def _install(self, show: Show, t: float) -> None:
        """Swap in a (new or reloaded) show; the old world and mix go."""
        from exhibit.render.world import build_world

        backend = self.app.backend
        assert backend is not None  # the displays opened an output, which named the backend
        world = build_world(
            show.scene,
            self.scene_root,
            project_root=self.project.root,
            capabilities=backend.capabilities(),
            timeline=show.timeline,
        )
        self._drop_show()
        self.world = world
        self.show = show
        self.overlay.sound_captions = _sound_captions(show.timeline)
        if self.audio:
            self._open_audio(show)
        self.clock = ShowClock(self.mix.position if self.mix is not None else None, start=t)
        self._t = max(0.0, min(t, show.timeline.duration))
        self.apply(show.timeline.state(self._t), [])
        set_title = getattr(self.displays, "set_title", None)
        if set_title is not None:
            name = show.scene.title.get(show.lang) if show.scene.title is not None else None
            set_title(f"{name or show.scene.scene_id} - exhibit")

    def _open_audio(self, show: Show) -> None:
        from exhibit.render.audio import MixTrack, SoundEffects, manager_is_live

        managers = getattr(self.app.base, "sfxManagerList", None) or []
        manager = managers[0] if managers else None
        if manager is None or not manager_is_live(manager):
            return
        if show.mix is not None and show.mix.exists():
            self.mix = MixTrack(manager, show.mix)
            self.mix.set_volume(0.0 if self.muted else 1.0)
        self.sounds = SoundEffects(manager, self.rig.head, self.scene_root, self.project.resolve)

    def set_muted(self, muted: bool) -> None:
        """Silence the scene (the hall's attract loop), keeping the mix as its clock."""
        self.muted = muted
        if self.mix is not None:
            self.mix.set_volume(0.0 if muted else 1.0)

    def _drop_show(self) -> None:
        self._close_quiz()
        if self.mix is not None:
            self.mix.close()
            self.mix = None
        if self.sounds is not None:
            self.sounds.close()
            self.sounds = None
        if self.world is not None:
            self.world.destroy()
            self.world = None

    # -- transport -------------------------------------------------------------------------

    def play(self, from_t: float | None = None) -> None:
        """Play from ``from_t``, where events starting exactly then fire too; without it,
        go on from where the player is (after a pause or a quiz nothing fires twice)."""
        if self.show is None:
            raise ExhibitError("no scene is loaded")
        t = self._t if from_t is None else self._clamp(from_t)
        if t >= self.timeline.duration:
            t, from_t = 0.0, 0.0  # played to the end: play again from the start
        wall = time.perf_counter()
        self._t = t
        if from_t is not None:
            self._events_from = t - SEEK_EPSILON
        else:
            self._events_from = min(self._events_from, t)
        self.clock.seek(t, wall)
        self.clock.resume(wall)
        if self.mix is not None:
            self.mix.play(t)
        self._status = "playing"

    resume = play

    def pause(self) -> None:
        if self._status != "playing":
            return
        wall = time.perf_counter()
        self._t = self._clamp(self.clock.now(wall))
        self.clock.pause(wall)
        self.clock.seek(self._t)
        if self.mix is not None:
            self.mix.pause()
        if self.sounds is not None:
            self.sounds.pause_all()
        self._status = "paused"

    def seek(self, t: float, inclusive: bool = False) -> None:
        """Jump to ``t``; events between here and there do not fire, continuous state is re-derived.

        ``inclusive``: events that start exactly at ``t`` fire on the next frame
        (a video rendered from ``t`` starts with them).
        """
        if self.show is None:
            raise ExhibitError("no scene is loaded")
        t = self._clamp(t)
        self._t = t
        self._events_from = t - SEEK_EPSILON if inclusive else t
        wall = time.perf_counter()
        self.clock.seek(t, wall)
        if self._status == "ended" and t < self.timeline.duration:
            self._status = "paused"
        if self._status == "playing" and self.mix is not None:
            self.mix.play(t)

    def stop(self) -> None:
        """Stop playing and silence the mix; the picture stays at the current moment."""
        if self.mix is not None:
            self.mix.stop()
        if self.sounds is not None:
            self.sounds.pause_all()
        self._close_quiz()
        self.clock.pause(time.perf_counter())
        self._status = "idle"

    def _clamp(self, t: float) -> float:
        return max(0.0, min(float(t), self.timeline.duration))

    # -- frames ----------------------------------------------------------------------------

    def step(self, t: float | None = None) -> FrameState:
        """Advance one frame and draw it; returns the FrameState applied.

        With ``t`` the frame is at exactly that time (stills, video export: the
        events from the previous frame's time up to ``t`` fire, quizzes do not
        interrupt). Without it, time comes from the show clock while playing
        and stands still otherwise.
        """
        if self.show is None:
            raise ExhibitError("no scene is loaded")
        timeline = self.show.timeline
        interactive = t is None
        if t is not None:
            target = self._clamp(t)
        elif self._status == "playing":
            target = self._clamp(self.clock.now(time.perf_counter()))
        else:
            target = self._t
        events: list[Event] = []
        if target > self._events_from and (self._status == "playing" or not interactive):
            events = timeline.events(self._events_from, target)
            quiz = next((e for e in events if e.kind == "quiz"), None) if interactive else None
            if quiz is not None and self._start_quiz(quiz):
                target = quiz.t
                events = [e for e in events if e.t <= quiz.t]
            self._events_from = target
        frame = timeline.state(target)
        self._t = target
        self.apply(frame, events)
        if self._status == "playing" and target >= timeline.duration:
            self._status = "ended"
            if self.mix is not None:
                self.mix.stop()
        if interactive:
            self._watch()
            self._fit_window()
        if self.headset:
            from exhibit.render.xr.fallback import keep_showing

            keep_showing(self, self._say)  # a lost headset: the show goes on in a window
        self.app.render_frame()
        return frame

    def apply(self, frame: FrameState, events: Sequence[Event] = ()) -> None:
        """Show ``frame`` (world, rig, overlay) and hand ``events`` to the listeners; no drawing."""
        if self.world is not None:
            self.world.apply(frame)
        self.rig.apply(frame.camera)
        self.overlay.apply(frame)
        self.displays.set_clear_color(frame.environment.sky_horizon)
        self._last_frame = frame
        if events:
            self._play_sounds(events)
        for listener in list(self.listeners):
            listener(frame, list(events))

    def _fit_window(self) -> None:
        """Follow the window's real size (a window manager's, a visitor's resize): the views
        take its shape, and captions are laid out again for it."""
        follow = getattr(self.displays, "follow_window_size", None)
        if follow is None or not follow():
            return
        self._new_overlay()

    def set_caption_style(self, style: CaptionSettings | None) -> None:
        """Captions for the shows from now on: ``style``, or the hall's with None (per show)."""
        style = style or self.hall.captions
        if style != self.caption_style:
            self.caption_style = style
            self._new_overlay()

    def _new_overlay(self) -> None:
        enabled, sounds = self.overlay.captions_enabled, self.overlay.sound_captions
        self.displays.detach_overlay()
        self.overlay.destroy()
        self.overlay = Overlay(self.displays.overlay_aspect, self.overlay.font, self.caption_style)
        self.overlay.captions_enabled = enabled
        self.overlay.sound_captions = sounds
        self.displays.attach_overlay(self.overlay.camera)
        if self._last_frame is not None:
            self.overlay.apply(self._last_frame)

    def _play_sounds(self, events: Sequence[Event]) -> None:
        """One-shot sounds from events, at the object they ``follow``.

        The mix already carries every sound at its place in time, so sounds are
        played here only when there is no mix (no narration build): then they
        are still heard, positioned at their object; never twice.
        """
        if self.sounds is None or self.show is None or self.mix is not None or self._status != "playing":
            return
        if self.muted:
            return
        for event in events:
            if event.kind != "sound":
                continue
            found = sound_of(self.show.timeline, event)
            if found is None:
                continue
            file, gain, follow = found
            node = self.world.nodes.get(follow) if (follow and self.world is not None) else None
            self.sounds.play(file, gain, node)

    def add_listener(self, listener: Listener) -> Callable[[], None]:
        """Call ``listener(frame, events)`` after every frame; returns its remover."""
        self.listeners.append(listener)
        return lambda: self.listeners.remove(listener) if listener in self.listeners else None

    @property
    def frame(self) -> FrameState | None:
        """The FrameState shown now."""
        return self._last_frame

    # -- quiz ------------------------------------------------------------------------------

    def _start_quiz(self, event: Event) -> bool:
        """Pause and show the in-world quiz panel; False when there is no quiz to show."""
        if not self.quiz_enabled or self.show is None or self._status != "playing":
            return False
        from exhibit.render.quiz_panel import InWorldQuizPanel, window_pointers

        session = self._quiz_session(event)
        if session is None:
            return False
        self.pause()
        self._t = event.t
        self.clock.seek(event.t)
        pointer = self.displays.views[0].camera if self.displays.views else None
        if self.headset:
            from exhibit.render.xr.quiz import place_in_front

            place_in_front(self.quiz_anchor, self.rig)  # fixed in the hall where the visitor looks
        self.quiz_panel = InWorldQuizPanel(
            self.app.base,
            self.quiz_anchor,
            session,
            self.show.lang,
            font=self.overlay.font,
            on_done=self._quiz_done,
            camera=pointer,
            pointers=window_pointers(self.displays.views),  # a click in any wall's window, through its camera
        )
        if self.headset:
            from exhibit.render.xr.quiz import point_at_quiz

            point_at_quiz(self.displays, self.quiz_panel, self.rig.world_root)
        return True

    def _quiz_session(self, event: Event) -> Any:
        """Draw the cue's questions from its bank; None (and a message) when it cannot be asked.

        Answers are stored like a kiosk's round (hall.yaml's ``quiz.db``); a quiz whose
        database cannot be opened is still asked, just not recorded.
        """
        assert self.show is not None
        from exhibit.quiz.cue import open_spool, start_cue_session
        from exhibit.spec.scene import QuizCue

        cue = self.show.scene.cues[event.index]
        if not isinstance(cue, QuizCue):
            return None
        if self._quiz_store is None:
            # Rounds wait in memory while the database cannot be written: the quiz is asked anyway.
            self._quiz_store = open_spool(self.project, self.hall.quiz.db, warn=self._warn)
        store = self._quiz_store
        try:
            return start_cue_session(
                self.project, cue, store=store, lang=self.show.lang, scene=self.show.scene.scene_id
            )
        except ExhibitError as exc:
            stderr_progress(f"quiz skipped: {exc}")
            return None

    def _quiz_done(self, *_: Any) -> None:
        self._close_quiz()
        if self._status == "paused":
            self.play()

    def _close_quiz(self) -> None:
        if self.quiz_panel is None:
            return
        self.quiz_panel.destroy()
        self.quiz_panel = None
        if self.headset:
            from exhibit.render.xr.quiz import stop_pointing

            stop_pointing(self.displays)
        # Back in front of the head for the next quiz (a headset's panel was fixed in the hall).
        self.quiz_anchor.reparentTo(self.rig.head)
        self.quiz_anchor.setPosHpr(0, QUIZ_DISTANCE, 0, 0, 0, 0)

    # -- language, captions, reload --------------------------------------------------------

    def set_language(self, lang: str) -> None:
        """Switch language, staying at the same moment of the same narration line."""
        if self.show is None or lang == self.show.lang:
            return
        old = self.show.timeline
        show = self._load_show(self.show.path, lang)
        t = same_moment(old, show.timeline, self._t)
        status = self._status
        self._install(show, t)
        self._events_from = self._t
        if status == "playing":
            self.play()

    def next_language(self) -> None:
        if self.show is None:
            return
        langs = list(self.show.scene.languages)
        self.set_language(langs[(langs.index(self.show.lang) + 1) % len(langs)])

    def toggle_captions(self) -> bool:
        self.overlay.captions_enabled = not self.overlay.captions_enabled
        if self._last_frame is not None:
            self.overlay.apply(self._last_frame)
        return self.overlay.captions_enabled

    def reload(self) -> bool:
        """Re-read the scene file and go on at the same t; False (old show kept) on errors."""
        if self.show is None:
            return False
        try:
            show = self._load_show(self.show.path, self.show.lang)
        except ExhibitError as exc:
            if self.on_reload_error is not None:
                self.on_reload_error(exc)
            return False
        status, t = self._status, self._t
        self._install(show, t)
        self._events_from = self._t
        if status == "playing":
            self.play()
        else:
            self._status = status
        return True

    def check_for_changes(self) -> bool:
        """Reload if the scene file's content changed; True when a new version is now playing.

        A broken save is reported once (``on_reload_error``) and the last good
        version keeps playing until the file changes again.
        """
        if self.show is None:
            return False
        try:
            digest = file_digest(self.show.path)
        except OSError:
            return False  # an editor saving by rename: the file is back on the next look
        if digest in (self.show.digest, self._failed_digest):
            return False
        if self.reload():
            self._tell(f"reloaded {self.show.path.name}, {self._status} at {clock_text(self._t)}")
            return True
        self._failed_digest = digest
        return False

    def _watch(self) -> None:
        now = time.perf_counter()
        if now >= self._watch_next:
            self._watch_next = now + RELOAD_POLL
            self.check_for_changes()

    # -- controls (exhibit play) -------------------------------------------------------------

    def bind_controls(self, on_quit: Callable[[], None]) -> None:
        """Keys of ``exhibit play``: space, left/right, L, C, Esc; mouse look on monitors."""
        from direct.showbase.DirectObject import DirectObject

        controls = DirectObject()
        controls.accept("space", self._toggle_pause)
        for key in ("arrow_left", "arrow_left-repeat"):
            controls.accept(key, self._seek_by, [-SEEK_STEP])
        for key in ("arrow_right", "arrow_right-repeat"):
            controls.accept(key, self._seek_by, [SEEK_STEP])
        controls.accept("l", self._next_language_key)
        controls.accept("c", self._captions_key)
        controls.accept("escape", on_quit)
        if self.displays.mode in ("window", "fullscreen", "sbs", "anaglyph"):
            controls.accept("mouse1", self._look_start)
            controls.accept("mouse1-up", self._look_end)
            self.app.base.taskMgr.add(self._look_task, "exhibit-mouse-look")
        self._controls = controls
        self._look_from: tuple[float, float, float, float] | None = None

    def _tell(self, message: str) -> None:
        """What a key did, for the operator at the console (``exhibit play``)."""
        if self.progress is not None:
            self.progress(message)

    def _seek_by(self, seconds: float) -> None:
        if self.quiz_panel is None:  # while a quiz is up, the arrows move its focus
            self.seek(self._t + seconds)
            self._tell(f"at {clock_text(self._t)}")

    def _toggle_pause(self) -> None:
        if self._status == "playing":
            self.pause()
            self._tell(f"paused at {clock_text(self._t)}")
        elif self.quiz_panel is None:
            self.play()
            self._tell(f"playing from {clock_text(self._t)}")

    def _next_language_key(self) -> None:
        self.next_language()
        self._tell(f"language {self.lang} at {clock_text(self._t)}")

    def _captions_key(self) -> None:
        self._tell(f"captions {'on' if self.toggle_captions() else 'off'}")

    def _look_start(self) -> None:
        watcher = self.app.base.mouseWatcherNode
        if self.quiz_panel is None and watcher is not None and watcher.hasMouse():
            m = watcher.getMouse()
            self._look_from = (m.getX(), m.getY(), self.rig.head.getH(), self.rig.head.getP())

    def _look_end(self) -> None:
        self._look_from = None

    def _look_task(self, task: Any) -> Any:
        watcher = self.app.base.mouseWatcherNode
        if self._look_from is not None and watcher is not None and watcher.hasMouse():
            m = watcher.getMouse()
            x0, y0, h0, p0 = self._look_from
            h = h0 - (m.getX() - x0) / 2 * MOUSE_LOOK_DEGREES[0]
            p = max(-80.0, min(80.0, p0 + (m.getY() - y0) / 2 * MOUSE_LOOK_DEGREES[1]))
            self.rig.set_head(hpr=(h, p, 0.0))
        return task.cont

    def run(self) -> None:
        """Play until Esc (``exhibit play``). At the end the last frame stays on screen until
        the visitor leaves or seeks back; with no screen to look at (offscreen) the run ends."""
        self._quit = False

        def quit_() -> None:
            self._quit = True

        self.bind_controls(quit_)
        if self._status != "playing":
            self.play()
        while not self._quit:
            self.step()
            if self._status == "ended":
                if not self.displays.onscreen:
                    break
                time.sleep(1 / 30)

    # -- the end -----------------------------------------------------------------------------

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        if self._controls is not None:
            self._controls.ignoreAll()
            self.app.base.taskMgr.remove("exhibit-mouse-look")
        self._drop_show()
        if self._quiz_store:
            self._quiz_store.close()
        self.overlay.destroy()
        self.displays.close()
        self.rig.destroy()
        self.scene_root.removeNode()
        self.app.trim_memory()

    def __enter__(self) -> Player:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


def clock_text(t: float) -> str:
    """Show time as a person reads it: ``1:02.5``."""
    tenths = round(max(0.0, t) * 10)
    return f"{tenths // 600}:{tenths % 600 / 10:04.1f}"


def moment(timeline: Timeline, text: str | float, what: str = "time") -> float:
    """A time given on the command line, in the timeline's language: seconds, ``1:02.5``,
    ``intro.end + 2``, ``move@boat``, ``drift.start``, ``scene.end``."""
    from exhibit.spec.timeexpr import MarkRef, Ref, SceneRef, Seconds, TimeSyntaxError, parse_time

    try:
        expr = parse_time(text)
    except TimeSyntaxError as exc:
        raise ExhibitError(f"{what} '{text}': {exc}") from None
    term = expr.term
    lines = {line.id: line for line in timeline.lines}
    cues = {tc.cue.id: tc for tc in timeline.cues if tc.cue.id}
    if isinstance(term, Seconds):
        base = term.value
    elif isinstance(term, SceneRef):
        base = 0.0 if term.edge == "start" else timeline.duration
    elif isinstance(term, Ref):
        if term.name in lines:
            line = lines[term.name]
            base = line.start if term.edge == "start" else line.end
        elif term.name in cues:
            tc = cues[term.name]
            base = tc.start if term.edge == "start" else tc.end
        else:
            raise ExhibitError(
                f"{what} '{text}': no narration line or cue '{term.name}'"
                f"{did_you_mean(term.name, list(lines) + list(cues))}"
            )
    elif isinstance(term, MarkRef):
        line = lines.get(term.line)
        if line is None:
            raise ExhibitError(f"{what} '{text}': no narration line '{term.line}'{did_you_mean(term.line, lines)}")
        if term.mark not in line.marks:
            raise ExhibitError(
                f"{what} '{text}': line '{term.line}' has no mark '{term.mark}'{did_you_mean(term.mark, line.marks)}"
            )
        base = line.marks[term.mark]
    else:  # pragma: no cover - the grammar has no other terms
        raise ExhibitError(f"{what} '{text}' is not a time")
    t = base + expr.offset
    if t < -1e-9 or t > timeline.duration + 1e-9:
        raise ExhibitError(
            f"{what} '{text}' is {t:.2f} s, outside the scene (0 to {timeline.duration:.2f} s in {timeline.lang})"
        )
    return max(0.0, min(t, timeline.duration))


def sound_of(timeline: Timeline, event: Event) -> tuple[str, float, str | None] | None:
    """(file, gain dB, followed object) of a sound event: a ``sound`` cue or an entry of ``sounds``.

    Both kinds share the event kind ``sound`` and number their index in their own
    list, so the event's file and time pick the one it came from.
    """
    from exhibit.spec.scene import SoundCue

    if 0 <= event.index < len(timeline.cues):
        tc = timeline.cues[event.index]
        if isinstance(tc.cue, SoundCue) and tc.cue.file == event.name and abs(tc.start - event.t) < 1e-9:
            return tc.cue.file, tc.cue.gain, tc.cue.follow
    if 0 <= event.index < len(timeline.sounds):
        ts = timeline.sounds[event.index]
        if ts.sound.file == event.name and abs(ts.start - event.t) < 1e-9:
            return ts.sound.file, ts.sound.gain, ts.sound.follow
    return None


def same_moment(old: Timeline, new: Timeline, t: float) -> float:
    """The moment of ``new`` that matches ``t`` of ``old`` (another language).

    Inside a narration line: the same share of the same line. Elsewhere: the same
    share of the gap between the surrounding lines, so a switch never skips a line.
    """
    new_lines = {line.id: line for line in new.lines}
    anchors: list[tuple[float, float]] = [(0.0, 0.0)]
    for line in old.lines:
        other = new_lines.get(line.id)
        if other is None:
            continue
        anchors.append((line.start, other.start))
        anchors.append((line.end, other.end))
    anchors.append((old.duration, new.duration))
    anchors.sort()
    for (a0, b0), (a1, b1) in zip(anchors, anchors[1:], strict=False):
        if a0 <= t <= a1:
            share = 0.0 if a1 <= a0 else (t - a0) / (a1 - a0)
            return max(0.0, min(new.duration, b0 + share * (b1 - b0)))
    return max(0.0, min(new.duration, t))
