"""Show control: the hall's states, its schedule, the attract loop, and GO / STOP / PANIC.

States:

- ``standby``: between shows. Within opening hours the attract scene loops, silent and
  without effects; outside them (or after a PANIC) the hall is dark;
- ``preshow``: :data:`PRESHOW` seconds before a scheduled show the attract loop stops and
  the show is loaded, so it starts exactly on time;
- ``show``: a scene plays and its effects run;
- ``postshow``: the show is over or stopped; every effect is safe while the house empties
  (:data:`POSTSHOW` seconds, cut short when the next preshow is due).

GO starts a scene at once (stopping whatever plays). STOP ends the show (effects safe at
once). PANIC puts every effect to its safe value first, then stops everything and holds
the hall dark, skipping scheduled shows, until an operator sends GO or RESET. A scheduled
show that cannot start (a GO show still running, a PANIC, a scene that fails to load) is
logged as missed, never started late.

Commands from the remote arrive on other threads through :meth:`HallControl.submit`
and are applied by the loop's own thread at the next tick; the loop wakes for them.
Everything that happens goes to the journal (``var/log/hall.jsonl``).
"""

from __future__ import annotations

import math
import queue
import re
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from typing import Any, Literal, Protocol

from exhibit.effects.bus import EffectsBus
from exhibit.effects.journal import Journal
from exhibit.effects.keeper import PanicResult
from exhibit.hall.catalogue import Catalogue
from exhibit.hall.clock import Clock
from exhibit.hall.description_output import DescriptionOutput
from exhibit.hall.playback import Playback
from exhibit.hall.schedule import Schedule, Slot
from exhibit.hall.show import Listener, Show, ShowFrame
from exhibit.spec.common import ID_PATTERN
from exhibit.spec.errors import ExhibitError, did_you_mean
from exhibit.spec.hall import CaptionSettings, Hall
from exhibit.spec.project import Project
from exhibit.spec.scene import ChoiceCue

State = Literal["standby", "preshow", "show", "postshow"]


class Sync(Protocol):
    """Where the hall tells follower PCs what it plays (:class:`exhibit.hall.sync.SyncMaster`)."""

    def listener_for(self, scene: str) -> Listener: ...

    def update(self, scene: str | None, lang: str, status: str, t: float, rate: float,
               wall: float | None = None) -> None: ...


class Keeper(Protocol):
    """What keeps the effects host alive (:class:`exhibit.effects.keeper.HostKeeper`), checked every tick."""

    def check(self) -> None: ...


Op = Literal["go", "stop", "panic", "reset", "seek", "input", "disable", "enable", "choose"]

PRESHOW = 30.0  # seconds before a scheduled show: attract stops, the show loads
POSTSHOW = 20.0  # seconds after a show with every effect safe
FRAME = 1.0 / 50  # tick while a show plays (effects levels per second)
IDLE_TICK = 0.1  # tick otherwise; well under the effects host's heartbeat timeout
STATUS_EVERY = 0.1  # seconds between refreshes of the status snapshot (the console shows a change within 0.5 s)


@dataclass(frozen=True)
class Command:
    op: Op
    scene: str | None = None
    t: float | None = None
    origin: str = "remote"
    name: str | None = None  # an interlock input (input) or an effect (disable, enable)
    active: bool = False  # for input
    lang: str | None = None  # for go: the show's language (default: the hall's first)
    audio_description: bool = False  # for go: play the mix with the audio description
    accessible_quiz: bool = False  # for go: the quiz in the accessible mode
    option: int | None = None  # for choose: the option picked for the room (from 1)


class HallControl:
    def __init__(self, project: Project, hall: Hall, *, clock: Clock, bus: EffectsBus, playback: Playback,
                 journal: Journal, catalogue: Catalogue | None = None, lang: str | None = None,
                 preshow: float = PRESHOW, postshow: float = POSTSHOW, frame: float = FRAME,
                 idle_tick: float = IDLE_TICK, attract_tick: float | None = None, use_schedule: bool = True,
                 sync: Sync | None = None, keeper: Keeper | None = None) -> None:
        self.project = project
        self.hall = hall
        self.clock = clock
        self.bus = bus
        self.playback = playback
        self.journal = journal
        self.catalogue = catalogue or Catalogue(project, hall)
        self.lang = lang or hall.languages[0]
        self.preshow = preshow
        self.postshow = postshow
        self.frame = frame
        self.idle_tick = idle_tick
        self.attract_tick = attract_tick or idle_tick
        self.schedule = Schedule(hall.schedule if use_schedule else [])
        self.sync = sync  # follower PCs (exhibit.hall.sync.SyncMaster), told what plays
        self.keeper = keeper  # restarts a lost effects host, and covers for it meanwhile
        #: the audio description's own output (headphones), when hall.yaml routes it
        self.description_output = (
            DescriptionOutput(project, hall.audio.description) if hall.audio.description is not None else None
        )
        self.state: State = "standby"
        self.show: Show | None = None  # what plays now: a show, or a pass of the attract loop
        self.pending: Show | None = None  # the show loaded during preshow
        self.slot: Slot | None = None  # the scheduled slot of the pending or current show
        self.next_slot = self.schedule.next_slot(clock.now())
        self.panicked = False
        self.last_error: str | None = None
        self.last_warning: str | None = None
        self.shows_started = 0
        self.wake = threading.Event()
        self._commands: queue.SimpleQueue[Command] = queue.SimpleQueue()
        self._phase_since = clock.monotonic()
        self._status: dict[str, Any] = {}
        self._status_at = -math.inf
        self._status_lock = threading.Lock()
        self._changed = False
        self._publish(force=True)

    # -- commands --------------------------------------------------------------------------------

    def submit(self, command: Command) -> None:
        """Queue a command from another thread; the loop applies it at once (it is woken)."""
        self._commands.put(command)
        self.wake.set()

    def _drain(self) -> None:
        while True:
            try:
                command = self._commands.get_nowait()
            except queue.Empty:
                return
            self.apply(command)

    def apply(self, command: Command) -> None:
        if command.op == "go":
            self.go(command.scene, command.origin, command.lang, command.audio_description,
                    command.accessible_quiz)
        elif command.op == "stop":
            self.stop(command.origin)
        elif command.op == "panic":
            self.panic(command.origin)
        elif command.op == "reset":
            self.reset(command.origin)
        elif command.op == "seek" and command.t is not None:
            self.seek(command.t, command.origin)
        elif command.op == "choose" and command.option is not None:
            self.choose(command.option, command.origin)
        elif command.op in ("input", "disable", "enable") and command.name is not None:
            self.safety(command.op, command.name, command.active, command.origin)

    def go(self, scene: str | None = None, origin: str = "operator", lang: str | None = None,
           audio_description: bool = False, accessible_quiz: bool = False,
           captions: CaptionSettings | None = None) -> bool:
        """Start ``scene`` now (the next playlist scene when None), in ``lang`` (default: the hall's
        language), with the audio description and the accessible quiz when asked; False when it cannot."""
        try:
            if lang is not None and lang not in self.hall.languages:
                raise ExhibitError(f"the hall has no language '{lang}'; it has {', '.join(self.hall.languages)}")
            name = self.catalogue.check(scene) if scene is not None else self._next_scene()
        except ExhibitError as exc:
            self._error("go_rejected", str(exc), origin=origin, scene=scene)
            self._publish(force=True)
            return False
        if self.panicked or self._effects_panicked():
            self.reset(origin)
        self._stop_everything("go")
        show = Show(self.playback, name, lang or self.lang, "show", None, self._listeners(name))
        show.audio_description = audio_description
        show.accessible_quiz = accessible_quiz
        show.captions = captions
        show.description_output = self.description_output
        if not self._load(show, origin):
            self._enter("standby")
            self._publish(force=True)
            return False
        self._begin(show, None, origin)
        self._publish(force=True)
        return True

    def stop(self, origin: str = "operator") -> None:
        if self.state == "show" and self.show is not None:
            self._end_show("stopped", origin)
        elif self.state == "preshow" and self.pending is not None:
            self.journal.write("show_cancelled", scene=self.pending.scene, origin=origin,
                               scheduled=self.slot.at.isoformat() if self.slot else None)
            self.pending.stop()
            self.pending = None
            self.slot = None
            self._enter("standby")
        else:
            self.journal.write("ignored", command="stop", state=self.state, origin=origin)
        self._publish(force=True)

    def panic(self, origin: str = "operator") -> None:
        """Every effect safe first; then stop everything and hold the hall dark."""
        self.bus.panic()
        self.panicked = True
        self.journal.write("panic", origin=origin, state=self.state,
                           scene=self.show.scene if self.show is not None else None)
        self._stop_everything("panic")
        self._enter("standby")
        self._publish(force=True)

    def reset(self, origin: str = "operator") -> None:
        if self.panicked:
            self.journal.write("panic_cleared", origin=origin)
        self.panicked = False
        self.bus.clear()
        self._publish(force=True)

    def safety(self, op: str, name: str, active: bool = False, origin: str = "operator") -> None:
        """Operator holds on the effects: an interlock input (doors open), or one effect disabled."""
        link = self.bus.link
        if op == "input":
            link.set_input(name, active)
        elif op == "disable":
            link.disable(name)
        else:
            link.enable(name)
        self.journal.write(op, name=name, active=active if op == "input" else None, origin=origin)
        self._publish(force=True)

    def seek(self, t: float, origin: str = "operator") -> None:
        if self.state == "show" and self.show is not None and math.isfinite(t) and t >= 0:
            self.journal.write("seek", scene=self.show.scene, t=round(t, 3), origin=origin)
            self.show.seek(t)
            self._step_show()
        else:
            self.journal.write("ignored", command="seek", state=self.state, origin=origin)
        self._publish(force=True)

    def choose(self, option: int, origin: str = "operator") -> None:
        """Pick ``option`` of the choice the show offers now, for the whole room."""
        show = self.show
        timeline = show.playback.timeline if show is not None and self.state == "show" else None
        offered = timeline.choice_at(show.t) if timeline is not None and show is not None else None
        if show is None or offered is None:
            self.journal.write("ignored", command="choose", state=self.state, origin=origin)
        else:
            try:
                t = show.t
                show.pick(option)
                self.journal.write("choice", scene=show.scene, choice=offered.cue.id or f"cue {offered.index + 1}",
                                   option=option, t=round(t, 3), display="hall", origin=origin)
                self._step_show()
            except ExhibitError as exc:
                self._error("choose_rejected", str(exc), origin=origin, scene=show.scene)
        self._publish(force=True)

    # -- the loop ----------------------------------------------------------------------------------

    def tick(self) -> None:
        if self.keeper is not None:
            self.keeper.check()
        self._drain()
        now = self.clock.now()
        self._schedule(now)
        if self.state == "standby":
            self._attract(now)
        elif self.state == "preshow":
            if self.slot is not None and self.pending is not None and now >= self.slot.at:
                show, self.pending = self.pending, None
                self._begin(show, self.slot, "schedule")
        elif self.state == "show":
            self._step_show()
        elif self.state == "postshow" and self.clock.monotonic() - self._phase_since >= self.postshow:
            self._enter("standby")
            self._attract(now)
        self._take_warnings()
        if self.state != "show":
            self.bus.idle()  # the heartbeat: the player is alive, nothing is asked
        if self.show is None and self.sync is not None:
            self.sync.update(None, self.lang, self.state, 0.0, 0.0)  # followers keep their last picture
        self._publish(force=self._changed)

    def interval(self) -> float:
        """Seconds until the next tick: a frame while a show plays, else the idle tick, never
        past the next thing due (so a scheduled show starts on time)."""
        if self.state == "show":
            return self.frame
        step = self.attract_tick if self.show is not None else self.idle_tick
        now = self.clock.now()
        due: float | None = None
        if self.state == "preshow" and self.slot is not None:
            due = (self.slot.at - now).total_seconds()
        elif self.next_slot is not None and not self.panicked:
            due = (self.next_slot.at - now).total_seconds() - self.preshow
        if self.state == "postshow":
            left = self.postshow - (self.clock.monotonic() - self._phase_since)
            due = left if due is None else min(due, left)
        if due is not None:
            step = min(step, max(0.0, due))
        return step

    def run(self, until: datetime | None = None, stop: threading.Event | None = None) -> None:
        """Tick until ``stop`` is set or the clock reaches ``until``. Whatever ends the loop (a
        signal, an exception), every effect goes to its safe value on the way out."""
        self.journal.write("hall_started", hall=self.hall.hall,
                           next_show=self._slot_json(self.next_slot))
        try:
            while stop is None or not stop.is_set():
                self.tick()
                if until is not None and self.clock.now() >= until:
                    break
                self.clock.wait(self.interval(), self.wake)
                self.wake.clear()
        except BaseException as exc:
            self.journal.write("error", error=f"{type(exc).__name__}: {exc}", fatal=True)
            raise
        finally:
            self.shutdown()

    def shutdown(self) -> None:
        self.bus.release()
        self._stop_everything("shutdown")
        if self.description_output is not None:
            self.description_output.close()
        self.journal.write("hall_stopped")

    # -- transitions -------------------------------------------------------------------------------

    def _enter(self, state: State) -> None:
        if state != self.state:
            self.journal.write("state", state=state, was=self.state)
            self._changed = True
        self.state = state
        self._phase_since = self.clock.monotonic()

    def _schedule(self, now: datetime) -> None:
        """Enter preshow when the next slot is near; log slots that cannot be played as missed."""
        while self.next_slot is not None:
            slot = self.next_slot
            if self.state in ("standby", "postshow") and not self.panicked and now >= slot.at - _seconds(self.preshow):
                if now >= slot.at + _seconds(self.frame):
                    self._missed(slot, "the hall was not running at its time")
                    continue
                self._preshow(slot)
                return
            if now >= slot.at:
                reason = "panic" if self.panicked else f"the hall was in {self.state}"
                self._missed(slot, reason)
                continue
            return

    def _missed(self, slot: Slot, reason: str, advance: bool = True) -> None:
        self.journal.write("show_missed", scene=slot.scene, scheduled=slot.at.isoformat(), reason=reason)
        if advance:
            self.next_slot = self.schedule.next_slot(slot.at, inclusive=False)

    def _preshow(self, slot: Slot) -> None:
        self.next_slot = self.schedule.next_slot(slot.at, inclusive=False)
        self._stop_everything("preshow")
        entry = self.hall.schedule[slot.entry] if slot.entry < len(self.hall.schedule) else None
        lang = entry.lang if entry is not None and entry.lang is not None else self.lang
        show = Show(self.playback, slot.scene, lang, "show", slot.at, self._listeners(slot.scene))
        if entry is not None:  # the entry's options: a slot for a group that needs them
            show.captions = entry.captions
            show.audio_description = entry.audio_description
            show.accessible_quiz = entry.accessible_quiz
        show.description_output = self.description_output
        self._enter("preshow")
        self.journal.write("preshow", scene=slot.scene, scheduled=slot.at.isoformat())
        if self._load(show, "schedule"):
            self.pending = show
            self.slot = slot
        else:
            self._missed(slot, "the scene failed to load", advance=False)
            self._enter("standby")

    def _load(self, show: Show, origin: str) -> bool:
        try:
            show.load()
        except (ExhibitError, OSError) as exc:
            self._error("load_failed", _one_line(exc), scene=show.scene, origin=origin)
            show.stop()
            return False
        return True

    def _begin(self, show: Show, slot: Slot | None, origin: str) -> None:
        now = self.clock.now()
        show.start(now, self.clock.monotonic())
        self.show = show
        self.slot = slot
        self.shows_started += 1
        self._enter("show")
        late = (now - slot.at).total_seconds() if slot is not None else None
        self.journal.write("show_start", scene=show.scene, lang=show.lang, origin=origin,
                           audio_description=show.audio_description, accessible_quiz=show.accessible_quiz,
                           scheduled=slot.at.isoformat() if slot else None,
                           late_s=round(late, 3) if late is not None else None,
                           duration=round(show.timeline.duration, 3) if show.timeline else None)
        self._step_show()

    def _step_show(self) -> None:
        show = self.show
        if show is None:
            return
        try:
            show.step()
        except (ExhibitError, OSError) as exc:
            self._error("show_failed", _one_line(exc), scene=show.scene)
            self._end_show("failed", "hall")
            return
        leaving = show.take_leaving()
        if leaving is not None:  # the visitors chose another scene: it follows as a show of its own
            self._end_show("choice", "visitors")
            self.go(leaving, "choice", show.lang, show.audio_description, show.accessible_quiz, show.captions)
            return
        if show.ended:
            self._end_show("ended", "show")

    def _to_effects(self, frame: ShowFrame) -> None:
        if self.playback.status == "paused":
            self.bus.idle()  # held (an in-world quiz): nothing runs while the show stands still
        else:
            self.bus.update(frame.timeline, frame.t)

    def _record_defaults(self, scene: str, frame: ShowFrame) -> None:
        """A choice nobody answered takes its default: journalled like a pick, from ``timeout``."""
        for event in frame.events:
            cue = frame.timeline.scene.cues[event.index] if event.kind == "jump" else None
            if isinstance(cue, ChoiceCue):
                self.journal.write("choice", scene=scene, choice=cue.id or f"cue {event.index + 1}",
                                   option=cue.default, t=round(event.t, 3), display="hall", origin="timeout")

    def _listeners(self, scene: str, effects: bool = True) -> list[Listener]:
        listeners: list[Listener] = [self._to_effects] if effects else []
        if effects:  # a show, not the attract loop
            listeners.append(partial(self._record_defaults, scene))
        if self.sync is not None:
            listeners.append(self.sync.listener_for(scene))
        return listeners

    def _end_show(self, reason: str, origin: str) -> None:
        show = self.show
        self.bus.release()  # effects safe first
        if show is not None:
            self.journal.write("show_end", scene=show.scene, reason=reason, origin=origin,
                               played_s=round(show.t, 3), frames=show.frames)
            show.stop()
        self.show = None
        self.slot = None
        self._enter("postshow")

    def _stop_everything(self, why: str) -> None:
        if self.show is not None:
            if self.show.kind == "show":
                self.bus.release()
                self.journal.write("show_end", scene=self.show.scene, reason=why, played_s=round(self.show.t, 3),
                                   frames=self.show.frames)
            self.show.stop()
            self.show = None
        if self.pending is not None:
            self.journal.write("show_cancelled", scene=self.pending.scene, reason=why,
                               scheduled=self.slot.at.isoformat() if self.slot else None)
            self.pending.stop()
            self.pending = None
        self.slot = None

    def _attract(self, now: datetime) -> None:
        """The attract loop: silent, no effects, within opening hours, never after a PANIC."""
        name = self.hall.attract
        wanted = name is not None and not self.panicked and self.schedule.is_open(now)
        if not wanted:
            if self.show is not None:
                self._stop_everything("closed")
            return
        assert name is not None
        if self.show is None:
            show = Show(self.playback, name, self.lang, "attract", None, self._listeners(name, effects=False))
            if not self._load(show, "attract"):
                self.hall = self.hall.model_copy(update={"attract": None})  # do not retry every tick
                return
            show.start(now, self.clock.monotonic())
            self.show = show
            self._changed = True
            self.journal.write("attract", scene=name)
        show = self.show
        show.step()
        if show.ended:
            show.start(now, self.clock.monotonic())  # loop

    def _next_scene(self) -> str:
        """For a GO without a scene: the next scheduled show's scene, else the first in a playlist."""
        if self.next_slot is not None:
            return self.next_slot.scene
        for entry in self.hall.schedule:
            return entry.playlist[0]
        raise ExhibitError("GO needs a scene name: the hall has no schedule to take one from")

    def _take_warnings(self) -> None:
        """Side problems of the playback (the quiz database is out): journalled, the show goes on."""
        side = self.show.warnings if self.show is not None else []
        for warning in [*self.playback.take_warnings(), *side]:
            self.last_warning = warning
            self.journal.write("warning", warning=warning, scene=self.show.scene if self.show else None)
            self._changed = True
        side.clear()
        for visit in self.playback.take_visits():  # what visitors selected and chose in the windows
            fields = {k: v for k, v in visit.items() if k != "event"}
            self.journal.write(str(visit.get("event")), scene=self.show.scene if self.show else None, **fields)

    def _error(self, event: str, message: str, **fields: Any) -> None:
        self.last_error = message
        self.journal.write(event, error=message, **fields)

    # -- status ------------------------------------------------------------------------------------

    @staticmethod
    def _slot_json(slot: Slot | None) -> dict[str, Any] | None:
        return {"at": slot.at.isoformat(), "scene": slot.scene} if slot is not None else None

    def _effects_panicked(self) -> bool:
        """The effects host holds a PANIC this hall did not see (latched before it started, or from the CLI)."""
        found = self.bus.status()
        return bool(found is not None and found.get("panic"))

    def _effects_health(self) -> dict[str, Any]:
        found = self.bus.status()
        if found is None:
            return {"ok": False, "reachable": False, "error": "the effects host does not answer"}
        return {
            "ok": bool(found.get("ok")),
            "reachable": True,
            "panic": found.get("panic"),
            "held": found.get("held", {}),
            "inputs": found.get("inputs", []),
            "disabled": found.get("disabled", []),
            "interventions": found.get("interventions", 0),
            "outputs": {name: h.get("ok") for name, h in found.get("outputs", {}).items()},
            "levels": found.get("levels", {}),
            "sources": found.get("sources", {}),
            "last_error": found.get("last_error"),
        }

    def _publish(self, force: bool = False) -> None:
        mono = self.clock.monotonic()
        if not force and mono - self._status_at < STATUS_EVERY:
            return
        self._status_at = mono
        self._changed = False
        now = self.clock.now()
        show = self.show
        playing = show is not None and show.kind == "show"
        upcoming = self.pending if self.state == "preshow" else None
        next_slot = self.slot if self.state == "preshow" else self.next_slot
        status = {
            "hall": self.hall.hall,
            "time": now.isoformat(timespec="seconds"),
            "state": self.state,
            "scene": show.scene if playing and show else (upcoming.scene if upcoming else None),
            "lang": show.lang if playing and show else None,
            "audio_description": show.audio_description if playing and show else None,
            "accessible_quiz": show.accessible_quiz if playing and show else None,
            "attract": show.scene if show is not None and show.kind == "attract" else None,
            "show_time": round(show.t, 3) if playing and show else None,
            "duration": round(show.timeline.duration, 3) if playing and show and show.timeline else None,
            "next_show": None if next_slot is None else {
                **(self._slot_json(next_slot) or {}), "in_s": round((next_slot.at - now).total_seconds(), 1)},
            "panic": self.panicked,
            "effects": self._effects_health(),
            "last_error": self.last_error,
            "last_warning": self.last_warning,
            "quiz_waiting": self.playback.quiz_waiting,
            "shows_started": self.shows_started,
        }
        with self._status_lock:
            self._status = status

    def status(self) -> dict[str, Any]:
        """The latest status snapshot (safe to call from any thread)."""
        with self._status_lock:
            return dict(self._status)


def _seconds(s: float) -> timedelta:
    return timedelta(seconds=s)


def _one_line(exc: BaseException) -> str:
    diagnostics = getattr(exc, "diagnostics", None)
    if diagnostics:
        return "; ".join(str(d) for d in diagnostics[:3])
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__


# -- the remote's commands, one implementation for every transport (OSC, the web console) ---------

OPS: tuple[Op, ...] = ("go", "stop", "panic", "reset", "seek", "input", "disable", "enable", "choose")
SAFE_NAME = re.compile(ID_PATTERN)


class Rejected(ValueError):
    """A well-formed request the hall will not act on (unknown scene, bad token, bad number)."""


def parse_seconds(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value < 0:
        raise Rejected(f"seek needs a time in seconds >= 0, not {value!r}")
    return float(value)


def check_lang(control: HallControl, lang: Any) -> str:
    if not isinstance(lang, str) or lang not in control.hall.languages:
        raise Rejected(f"the hall has no language {lang!r}; it has {', '.join(control.hall.languages)}")
    return lang


def safety_command(control: HallControl, op: str, name: Any, active: Any, origin: str) -> Command:
    """An input / disable / enable command, with names checked against the hall file."""
    hall = control.hall
    if not isinstance(name, str) or not SAFE_NAME.match(name):
        raise Rejected(f"{op} needs a name (lower-case letters, digits and _), not {name!r}")
    if op == "input":
        if hall.inputs and name not in hall.inputs:
            raise Rejected(f"unknown input '{name}'{did_you_mean(name, hall.inputs)}")
        if isinstance(active, bool) or active in (0, 1):
            return Command("input", name=name, active=bool(active), origin=origin)
        raise Rejected(f"input {name} needs 1 (active) or 0, not {active!r}")
    if hall.effects and name not in hall.effects:
        raise Rejected(f"unknown effect '{name}'{did_you_mean(name, list(hall.effects))}")
    return Command(op, name=name, origin=origin)  # type: ignore[arg-type]


def parse_command(control: HallControl, op: str, fields: Mapping[str, Any], origin: str) -> Command:
    """A remote command from its name and fields (``scene``, ``lang``, ``audio_description``,
    ``accessible_quiz``, ``t``, ``option``, ``name``, ``active``), checked against the hall;
    :class:`Rejected` says why not."""
    try:
        if op == "go":
            scene, lang = fields.get("scene"), fields.get("lang")
            described, accessible = fields.get("audio_description", False), fields.get("accessible_quiz", False)
            for name, value in (("audio_description", described), ("accessible_quiz", accessible)):
                if not isinstance(value, bool):
                    raise Rejected(f"{name} must be true or false")
            return Command("go", scene=control.catalogue.check(scene) if scene is not None else None,
                           lang=check_lang(control, lang) if lang is not None else None,
                           origin=origin, audio_description=described, accessible_quiz=accessible)
        if op == "seek":
            return Command("seek", t=parse_seconds(fields.get("t")), origin=origin)
        if op == "choose":
            option = fields.get("option")
            if isinstance(option, bool) or not isinstance(option, int) or not 1 <= option <= 4:
                raise Rejected(f"choose needs an option number from 1 to 4, not {option!r}")
            return Command("choose", option=option, origin=origin)
        if op in ("input", "disable", "enable"):
            return safety_command(control, op, fields.get("name"), fields.get("active"), origin)
        if op in ("stop", "panic", "reset"):
            return Command(op, origin=origin)  # type: ignore[arg-type]
    except ExhibitError as exc:
        raise Rejected(str(exc)) from None
    raise Rejected("unknown command")


def perform(control: HallControl, command: Command,
            emergency: Callable[[], PanicResult] | None = None) -> PanicResult | None:
    """Carry out a checked command. A PANIC goes to the effects host at once, from the caller's
    thread (``emergency``), before the show loop hears of it; what became of it is returned."""
    result = emergency() if command.op == "panic" and emergency is not None else None
    control.submit(command)
    return result
