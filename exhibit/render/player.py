"""The Player: one scene on the displays, in time with its narration.

Used by ``exhibit play``, ``still`` and ``render`` and by the hall. Each frame:

1. show time ``t`` comes from the transport's :class:`ShowClock`, which follows the
   mix's play position (the voice is the master), or is given (stills, video export);
2. ``timeline.state(t)`` is applied: world objects and environment, the rig
   (from the scene's camera), captions, title and fade;
3. the one-shot events of ``(previous t, t]`` go to the listeners (effects bus,
   quiz) and to the sound player; a seek fires none of the events it skips;
4. Panda3D draws the frame.

The Player never decides timing: it only asks the timeline. Its parts, each in its own
module: the show it plays comes from :func:`exhibit.narration.show.prepare_show`; where
the show is and which events were read, from :class:`exhibit.timeline.transport.Transport`
(the hall's headless playback uses the same); the displays are any
:class:`exhibit.render.displays.Displays`; the keys and mouse look of ``exhibit play`` are
:mod:`exhibit.render.controls`; the in-scene quiz is :mod:`exhibit.render.quiz_host`; hot
reload is :mod:`exhibit.render.reload`.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from exhibit.narration.show import Show, prepare_show
from exhibit.narration.soundcaptions import sound_captions
from exhibit.render.app import App, shared_app
from exhibit.render.choice_panel import ChoiceHost
from exhibit.render.displays import Displays, ScreenDisplays, screen_size, walls_fit
from exhibit.render.hotspots import HotspotHost
from exhibit.render.overlay import Overlay
from exhibit.render.quiz_host import QuizHost
from exhibit.render.reload import SceneWatch
from exhibit.render.rig import Rig
from exhibit.spec.errors import ContentError, Diagnostic, ExhibitError
from exhibit.spec.hall import CaptionSettings, Hall
from exhibit.spec.project import Project
from exhibit.timeline.frame import Event, FrameState
from exhibit.timeline.transport import Status, Transport

if TYPE_CHECKING:
    from panda3d.core import NodePath

    from exhibit.render.audio import MixTrack, SoundEffects
    from exhibit.render.controls import Controls
    from exhibit.timeline.model import Timeline

Listener = Callable[[FrameState, list[Event]], None]
Progress = Callable[[str], None]

__all__ = ["Player", "Show", "Status", "stderr_progress"]


def _sound_captions(timeline: Timeline) -> tuple[tuple[float, float, str], ...]:
    """The timeline's sound captions ("[风声]"), as the caption files have them."""
    return tuple((c.start, c.end, c.text) for c in sound_captions(timeline))


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
        self.narrate = narrate
        self.audio_description = False  # play the described mix (set before load; per show in a hall)
        self.accessible_quiz = False  # the in-scene quiz with larger type and no time limit, ranked apart
        #: a choice's option that leaves for another scene: True, the player starts it itself
        #: (``exhibit play``); False, whoever drives the player takes it (the hall)
        self.follows_choices = True
        self.progress = progress
        self.on_reload_error = on_reload_error
        self.scene_root: NodePath = NodePath("scene")
        self.rig = Rig(self.scene_root, self.hall.display.iod, self.hall.display.converge)
        self.displays: Displays = self._open_displays(display or self.hall.display.mode, size, xr_fallback)
        self.caption_style = self.hall.captions  # per show: set_caption_style
        self.overlay = Overlay(self.displays.overlay_aspect, style=self.caption_style)
        self.displays.attach_overlay(self.overlay.camera)
        self.transport = Transport(time.perf_counter)
        self.quiz = QuizHost(self)
        self.quiz.enabled = quiz
        self.choices = ChoiceHost(self)  # the options of a choice cue, while it is offered
        self.hotspots: HotspotHost | None = None  # selecting objects with info: made by bind_controls
        self.watch = SceneWatch(self)
        self.show: Show | None = None
        self.world: Any = None
        self.mix: MixTrack | None = None
        self.muted = False
        self.sounds: SoundEffects | None = None
        self.listeners: list[Listener] = []
        self._warnings: list[str] = []  # side problems not yet taken by the hall
        self._visits: list[dict[str, Any]] = []  # selections and choices not yet taken by the hall
        self._last_frame: FrameState | None = None
        self._controls: Controls | None = None
        self._closed = False

    def _open_displays(self, mode: str, size: tuple[int, int] | None, xr_fallback: bool) -> Displays:
        """The displays of ``mode``; a headset (``xr``) through its own module, which falls
        back to a window when the headset cannot be used (unless ``xr_fallback`` is off)."""
        if mode == "wall" and self.app.display_available:
            screen = screen_size(self.app)
            need = walls_fit(self.hall.display, screen)
            if need is not None and screen is not None:
                self.say(f"the hall's display ({need}) does not fit this screen ({screen[0]}x{screen[1]}): "
                         "playing in a window instead")
                mode = "window"
        if mode != "xr":
            return ScreenDisplays(self.app, self.rig, mode, size, self.hall.display)
        from exhibit.render.xr.fallback import open_displays

        return open_displays(self.app, self.rig, mode, size, self.hall.display, report=self.say, fallback=xr_fallback)

    # -- messages ----------------------------------------------------------------------------

    def say(self, message: str) -> None:
        """A message for the operator (warnings must be seen even when progress is quiet)."""
        (self.progress or stderr_progress)(message)

    def warn(self, message: str) -> None:
        """A side problem the show goes on through: said, and kept for the hall's journal."""
        self._warnings.append(message)
        self.say(f"warning: {message}")

    def _warn_located(self, warning: Diagnostic) -> None:
        self._warnings.append(str(warning))
        self.say(str(warning))

    def tell(self, message: str) -> None:
        """What a key or a reload did, for the operator at the console (``exhibit play``)."""
        if self.progress is not None:
            self.progress(message)

    def take_warnings(self) -> list[str]:
        """The warnings since the last call (the hall writes them to its journal)."""
        taken, self._warnings = self._warnings, []
        return taken

    def record_visit(self, event: str, **fields: Any) -> None:
        """A visitor selected something here (``hotspot``) or picked an option (``choice``):
        kept with the show time and this player's display for the hall's journal; no personal data."""
        self._visits.append({"event": event, **fields, "display": self.displays.mode})

    def take_visits(self) -> list[dict[str, Any]]:
        """The selections and choices since the last call (the hall writes them to its journal)."""
        taken, self._visits = self._visits, []
        return taken

    def take_leaving(self) -> str | None:
        """The scene a choice has left this show for, once (with ``follows_choices`` off)."""
        return self.transport.take_leaving()

    # -- what is playing ---------------------------------------------------------------------

    @property
    def timeline(self) -> Timeline:
        if self.show is None:
            raise ExhibitError("no scene is loaded")
        return self.show.timeline

    @property
    def t(self) -> float:
        return self.transport.t

    @property
    def status(self) -> Status:
        return self.transport.status

    @property
    def lang(self) -> str | None:
        return self.show.lang if self.show is not None else None

    @property
    def frame(self) -> FrameState | None:
        """The FrameState shown now."""
        return self._last_frame

    @property
    def headset(self) -> bool:
        return self.displays.mode == "xr"

    @property
    def quiz_panel(self) -> Any:
        """The quiz panel shown now, or None."""
        return self.quiz.panel

    @property
    def quiz_anchor(self) -> NodePath:
        return self.quiz.anchor

    @property
    def quiz_waiting(self) -> int:
        """Finished quiz rounds that wait for the database (0 when it takes them)."""
        return self.quiz.waiting

    # -- loading -----------------------------------------------------------------------------

    def load(self, scene: str | Path | Show, lang: str | None = None, *, lenient_language: bool = False) -> Show:
        """Load a scene (name, path, or a :class:`Show`); the player is then idle at t = 0.

        ``lenient_language`` (the hall): a language the scene lacks plays in its first
        language, with a located warning, instead of an error.
        """
        show = scene if isinstance(scene, Show) else self._prepare(scene, lang, lenient_language)
        self._install(show)
        return show

    def _prepare(self, scene: str | Path, lang: str | None, lenient: bool = False) -> Show:
        return prepare_show(
            self.project,
            scene,
            lang,
            self.hall,
            narration="build" if self.narrate else "estimated",
            progress=self.progress,
            audio_description=self.audio_description,
            warn=self._warn_located if lenient else None,
        )

    def _install(self, show: Show, at: float | None = None) -> None:
        """Swap in a (new or reloaded) show, idle at the start or (``at``) going on there;
        the old world and mix go."""
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
        self.transport.load(show.timeline, self.mix.position if self.mix is not None else None, at)
        self.apply(show.timeline.state(self.transport.t), [])
        name = show.scene.title.get(show.lang) if show.scene.title is not None else None
        self.displays.set_title(f"{name or show.scene.scene_id} - exhibit")

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
        self.quiz.close()
        self.choices.close()
        if self.hotspots is not None:
            self.hotspots.close()
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
        duration = self.timeline.duration
        if (self.t if from_t is None else self.transport.clamp(from_t)) >= duration:
            from_t = 0.0  # played to the end: play again from the start
        if self.status != "playing":
            self._draw_ready(self.t if from_t is None else self.transport.clamp(from_t))
        self.transport.play(from_t)
        if self.mix is not None:
            self.mix.play(self.t)

    resume = play

    def _draw_ready(self, t: float) -> None:
        """Draw the picture of ``t`` before the sound starts from it: the first frame of a
        show compiles shaders, uploads textures and starts film decoders (measured: 114 ms
        at 416x234), which would otherwise show the visitor a picture late for the voice."""
        if self.show is None:
            return
        self.apply(self.show.timeline.state(t))
        self.app.render_frame()

    def pause(self) -> None:
        if not self.transport.pause():
            return
        if self.mix is not None:
            self.mix.pause()
        if self.sounds is not None:
            self.sounds.pause_all()

    def seek(self, t: float, inclusive: bool = False) -> None:
        """Jump to ``t``; events between here and there do not fire, continuous state is re-derived.

        ``inclusive``: events that start exactly at ``t`` fire on the next frame
        (a video rendered from ``t`` starts with them).
        """
        self.transport.seek(t, inclusive)  # "no scene is loaded" before anything moves
        if self.status == "playing" and self.mix is not None:
            self.mix.play(self.t)

    def pick(self, option: int) -> float:
        """Answer the choice offered now with ``option`` (from 1): the show and its sound go on
        from the option's ``goto``; returns that time."""
        t = self.transport.pick(option)
        if self.status == "playing" and self.mix is not None:
            self.mix.play(t)
        return t

    def stop(self) -> None:
        """Stop playing and silence the mix; the picture stays at the current moment."""
        if self.mix is not None:
            self.mix.stop()
        if self.sounds is not None:
            self.sounds.pause_all()
        self.quiz.close()
        self.transport.stop()

    # -- frames ----------------------------------------------------------------------------

    def step(self, t: float | None = None) -> FrameState:
        """Advance one frame and draw it; returns the FrameState applied.

        With ``t`` the frame is at exactly that time (stills, video export: the
        events from the previous frame's time up to ``t`` fire, quizzes do not
        interrupt). Without it, time comes from the show clock while playing
        and stands still otherwise.
        """
        timeline = self.timeline
        interactive = t is None
        playing = self.status == "playing"
        target, events = self.transport.advance(t, self._quiz_stop if interactive else None)
        if self.transport.jumped and self.mix is not None:
            self.mix.play(target)  # a jump is a seek: the sound goes on from the target too
        frame = timeline.state(target)
        self.apply(frame, events)
        if playing and self.status == "ended" and self.mix is not None:
            self.mix.stop()
        leaving = self.transport.take_leaving() if self.follows_choices and self.status == "ended" else None
        if leaving is not None:
            self._leave_for(leaving)
            return self.step() if interactive else frame
        if interactive:
            self.watch.poll()
            self._fit_window()
        if self.displays.lost:
            from exhibit.render.xr.fallback import keep_showing

            keep_showing(self, self.say)  # a lost headset: the show goes on in a window
        self.app.render_frame()
        return frame

    def _leave_for(self, name: str) -> None:
        """The visitors chose another scene: play it from its start, in this show's language."""
        assert self.show is not None
        lang = self.show.lang
        self.say(f"chose {name}: playing it from the start")
        self.load(name, lang, lenient_language=True)
        self.play(0.0)

    def _quiz_stop(self, events: list[Event]) -> float | None:
        """Where the first quiz among ``events`` pauses the show, when its panel is shown."""
        quiz = next((e for e in events if e.kind == "quiz"), None)
        return quiz.t if quiz is not None and self.quiz.start(quiz) else None

    def apply(self, frame: FrameState, events: Sequence[Event] = ()) -> None:
        """Show ``frame`` (world, rig, overlay) and hand ``events`` to the listeners; no drawing."""
        if self.world is not None:
            self.world.apply(frame)
        self.rig.apply(frame.camera)
        self.overlay.apply(frame)
        self.choices.offer(frame.t)
        self.displays.set_clear_color(frame.environment.sky_horizon)
        self._last_frame = frame
        if events:
            self._play_sounds(events)
        self.displays.on_frame(frame, list(events))
        for listener in list(self.listeners):
            listener(frame, list(events))

    def add_listener(self, listener: Listener) -> Callable[[], None]:
        """Call ``listener(frame, events)`` after every frame; returns its remover."""
        self.listeners.append(listener)
        return lambda: self.listeners.remove(listener) if listener in self.listeners else None

    def _play_sounds(self, events: Sequence[Event]) -> None:
        """One-shot sounds from events, at the object they ``follow``.

        The mix already carries every sound at its place in time, so sounds are
        played here only when there is no mix (no narration build): then they
        are still heard, positioned at their object; never twice.
        """
        if self.sounds is None or self.show is None or self.mix is not None or self.status != "playing":
            return
        if self.muted:
            return
        for event in events:
            if event.kind != "sound":
                continue
            found = self.show.timeline.sound_of(event)
            if found is None:
                continue
            file, gain, follow = found
            node = self.world.nodes.get(follow) if (follow and self.world is not None) else None
            self.sounds.play(file, gain, node)

    # -- displays and captions ---------------------------------------------------------------

    def swap_displays(self, open_displays: Callable[[], Displays]) -> None:
        """Show on other displays from now on (a lost headset's window): the old ones close first,
        the captions are laid out again for the new shape; the scene, its time and audio go on."""
        self.displays.close()
        self.displays = open_displays()
        self._new_overlay()
        self.rig.set_head(pos=(0.0, 0.0, 0.0), hpr=(0.0, 0.0, 0.0))

    def _fit_window(self) -> None:
        """Follow the window's real size (a window manager's, a visitor's resize): the views
        take its shape, and captions are laid out again for it."""
        if self.displays.follow_window_size():
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

    def toggle_captions(self) -> bool:
        self.overlay.captions_enabled = not self.overlay.captions_enabled
        if self._last_frame is not None:
            self.overlay.apply(self._last_frame)
        return self.overlay.captions_enabled

    # -- language and reload -----------------------------------------------------------------

    def set_language(self, lang: str) -> None:
        """Switch language, staying at the same moment of the same narration line."""
        if self.show is None or lang == self.show.lang:
            return
        old = self.show.timeline
        show = self._prepare(self.show.path, lang)
        self._go_on_with(show, show.timeline.same_moment(old, self.t))

    def next_language(self) -> None:
        if self.show is None:
            return
        langs = list(self.show.scene.languages)
        self.set_language(langs[(langs.index(self.show.lang) + 1) % len(langs)])

    def reload(self) -> bool:
        """Re-read the scene file and go on at the same t; False (old show kept) on errors."""
        if self.show is None:
            return False
        try:
            show = self._prepare(self.show.path, self.show.lang)
        except ExhibitError as exc:
            if self.on_reload_error is not None:
                self.on_reload_error(exc)
            return False
        self._go_on_with(show, self.t)
        return True

    def _go_on_with(self, show: Show, t: float) -> None:
        """``show`` in place of the one playing, at ``t``, playing on if it was."""
        playing = self.status == "playing"
        self._install(show, t)
        if playing:
            self.play()

    def check_for_changes(self) -> bool:
        """Reload if the scene file's content changed; True when a new version is now playing.

        A broken save is reported once (``on_reload_error``) and the last good
        version keeps playing until the file changes again.
        """
        return self.watch.check()

    # -- exhibit play ------------------------------------------------------------------------

    def bind_controls(self, on_quit: Callable[[], None]) -> None:
        """Keys of ``exhibit play``: space, left/right, L, C, Esc; mouse look on monitors."""
        from exhibit.render.controls import Controls

        self._controls = Controls(self, on_quit)
        self.enable_hotspots()

    def enable_hotspots(self) -> HotspotHost:
        """Let a click in a window select objects with ``info`` (their cards open)."""
        if self.hotspots is None:
            self.hotspots = HotspotHost(self)
        return self.hotspots

    def run(self) -> None:
        """Play until Esc (``exhibit play``). At the end the last frame stays on screen until
        the visitor leaves or seeks back; with no screen to look at (offscreen) the run ends."""
        quit_asked: list[bool] = []
        self.bind_controls(lambda: quit_asked.append(True))
        if self.status != "playing":
            self.play()
        while not quit_asked:
            self.step()
            if self.status == "ended":
                if not self.displays.onscreen:
                    break
                time.sleep(1 / 30)

    # -- the end -----------------------------------------------------------------------------

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        if self._controls is not None:
            self._controls.close()
        self._drop_show()
        if self.hotspots is not None:
            self.hotspots.destroy()
        self.quiz.close_store()
        self.overlay.destroy()
        self.displays.close()
        self.rig.destroy()
        self.scene_root.removeNode()
        self.app.trim_memory()

    def __enter__(self) -> Player:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()
