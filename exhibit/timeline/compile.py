"""Compiling a scene for one language: every time expression to absolute seconds.

Resolution is a depth-first walk over the references between times, with a
stack to name the whole cycle when one is found. The walk goes at most
:data:`WINDOW` references deep at a time: a longer chain is resolved from the
node where it stopped first, then again from the start, so a chain of any
length takes bounded stack (no ``RecursionError``) and linear time. Times that depend on
``scene.end`` are resolved after the duration, which (for ``duration: auto``)
is the latest end of everything else plus three seconds.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import partial

from exhibit.spec.checks import strip_marks
from exhibit.spec.errors import ContentError, Diagnostic, Location, Severity
from exhibit.spec.limits import MAX_MIXED_SECONDS, MEMORY_BUDGET, megabytes, mix_cost
from exhibit.spec.scene import ChoiceCue, JumpCue, Scene, cue_end_offset
from exhibit.spec.source import Document, PathKey
from exhibit.spec.timeexpr import TimeExpr
from exhibit.timeline.captions import settle, split_caption_text, time_captions
from exhibit.timeline.jumps import cue_targets, endless_loop, unattended
from exhibit.timeline.model import (
    TimedCameraKey,
    TimedCaption,
    TimedCue,
    TimedLine,
    TimedMusic,
    TimedSound,
    Timeline,
)
from exhibit.timeline.moments import evaluate
from exhibit.timeline.timing import LineTiming, estimate_timing, marks_from_shares

AUTO_TAIL = 3.0  # seconds after the last thing when duration is auto
FIRST_LINE_AT = 1.0  # a first line without `at` starts here
EPSILON = 1e-6
#: References followed in one recursive walk (each takes about seven Python frames).
WINDOW = 60


class _Cycle(Exception):
    def __init__(self, members: list[str]) -> None:
        self.members = members


class _TooDeep(Exception):
    """The walk reached :data:`WINDOW` references; resolve ``node`` on its own first."""

    def __init__(self, node: str, compute: Callable[[], float]) -> None:
        self.node = node
        self.compute = compute


class _NeedsEnd(Exception):
    """Raised while the scene's end is not known yet (auto duration)."""


class _Unresolvable(Exception):
    """A reference to something unknown; ``exhibit check`` reports it elsewhere."""


class Resolver:
    def __init__(self, scene: Scene, lang: str, timings: Mapping[str, LineTiming]) -> None:
        self.scene = scene
        self.lang = lang
        self.timings = timings
        self.line_index = {line.id: i for i, line in enumerate(scene.narration)}
        self.cue_index = {c.id: i for i, c in enumerate(scene.cues) if c.id}
        self.memo: dict[str, float] = {}
        self.stack: list[str] = []
        self.cycles: dict[str, list[str]] = {}  # node -> the cycle it is on, once found
        self.end: float | None = None

    # -- names ------------------------------------------------------------------------------

    def timing(self, line_id: str) -> LineTiming:
        found = self.timings.get(line_id)
        if found is not None:
            return found
        line = self.scene.narration[self.line_index[line_id]]
        return estimate_timing(line.text.get(self.lang) or "", self.lang)

    def _visit(self, node: str, compute: Callable[[], float]) -> float:
        if node in self.memo:
            return self.memo[node]
        if node in self.cycles:
            raise _Cycle(self.cycles[node])
        if node in self.stack:
            members = self.stack[self.stack.index(node) :] + [node]
            self.cycles.update(dict.fromkeys(members, members))
            raise _Cycle(members)
        if len(self.stack) >= WINDOW:
            raise _TooDeep(node, partial(self._visit, node, compute))
        self.stack.append(node)
        try:
            value = compute()
        finally:
            self.stack.pop()
        self.memo[node] = value
        return value

    def settled(self, fn: Callable[[], float]) -> float:
        """``fn()``, resolving a long chain of references from its far end first.

        Each restart begins at the node where the last walk stopped; that sequence of
        nodes is fixed by the references, so a node met twice means a cycle longer
        than one walk.
        """
        todo = [fn]
        restarted: list[str] = []
        while True:
            try:
                value = todo[-1]()
            except _TooDeep as deep:
                if deep.node in restarted:
                    # Walks restart WINDOW steps apart along the loop: one of these nodes is
                    # met within one walk from anywhere on it, so the loop is found once.
                    loop = restarted[restarted.index(deep.node) :]
                    members = [deep.node, "...", deep.node]
                    self.cycles.update(dict.fromkeys(loop, members))
                    raise _Cycle(members) from None
                restarted.append(deep.node)
                todo.append(deep.compute)
                continue
            todo.pop()
            if not todo:
                return value

    def line_start(self, i: int) -> float:
        line = self.scene.narration[i]

        def compute() -> float:
            if line.at is not None:
                return self.expr(line.at)
            if i == 0:
                return FIRST_LINE_AT
            return self.line_end(i - 1) + line.gap

        return self._visit(f"{line.id}.start", compute)

    def line_end(self, i: int) -> float:
        line = self.scene.narration[i]
        return self._visit(f"{line.id}.end", lambda: self.line_start(i) + self.timing(line.id).speech)

    def line_mark(self, i: int, name: str) -> float:
        line = self.scene.narration[i]
        timing = self.timing(line.id)
        marks = timing.marks
        if name not in marks:
            # Measured audio without exact mark times: place marks by their share of the text.
            marks = marks_from_shares(line.text.get(self.lang) or "", timing.speech_start, timing.speech_end)
            if name not in marks:
                raise _Unresolvable(f"{line.id}@{name}")
        return self.line_start(i) + marks[name] - timing.speech_start

    def cue_start(self, i: int) -> float:
        cue = self.scene.cues[i]
        return self._visit(f"{cue.id or f'cue {i + 1}'}.start", lambda: self.expr(cue.at))

    def cue_end(self, i: int) -> float:
        return self.cue_start(i) + cue_end_offset(self.scene.cues[i])

    def expr(self, e: TimeExpr) -> float:
        return evaluate(e, self)

    # -- the references a time expression names (see exhibit.timeline.moments) -------------

    def scene_end(self) -> float:
        if self.end is None:
            if "scene.end" in self.stack:
                raise _Cycle(self.stack[self.stack.index("scene.end") :] + ["scene.end"])
            raise _NeedsEnd()
        return self.end

    def edge(self, name: str, edge: str) -> float:
        if name in self.line_index:
            i = self.line_index[name]
            return self.line_start(i) if edge == "start" else self.line_end(i)
        if name in self.cue_index:
            i = self.cue_index[name]
            return self.cue_start(i) if edge == "start" else self.cue_end(i)
        raise _Unresolvable(name)

    def mark(self, line: str, mark: str) -> float:
        if line not in self.line_index:
            raise _Unresolvable(line)
        return self.line_mark(self.line_index[line], mark)


def _diag(doc: Document | None, path: PathKey, message: str, severity: Severity = Severity.ERROR) -> Diagnostic:
    loc = doc.locate(path) if doc is not None else None
    return Diagnostic(severity, message, loc)


def compile_scene(
    scene: Scene,
    lang: str,
    timings: Mapping[str, LineTiming] | None = None,
    doc: Document | None = None,
) -> tuple[Timeline | None, list[Diagnostic]]:
    """Resolve ``scene`` for ``lang``; returns the timeline (None on errors) and diagnostics.

    ``timings`` gives each line's measured audio timing; lines without one use
    the reading-speed estimate.
    """
    c = _Compilation(scene, lang, timings or {}, doc)
    c.resolve_before_end()
    c.measure_duration()
    c.resolve_after_end()
    c.check_ranges()
    c.check_order()
    c.check_loops()
    return c.timeline(), c.diags


_Span = tuple[float | None, float | None]


class _Compilation:
    """One scene compiled for one language: its times resolved in two passes, checked, then timed."""

    def __init__(self, scene: Scene, lang: str, timings: Mapping[str, LineTiming], doc: Document | None) -> None:
        self.scene, self.lang, self.doc = scene, lang, doc
        self.r = Resolver(scene, lang, timings)
        self.diags: list[Diagnostic] = []
        self.tag = f" in {lang}" if len(scene.languages) > 1 else ""
        self._reported_cycles: set[frozenset[str]] = set()
        self._pending: list[tuple[PathKey, Callable[[], float]]] = []  # what waits for scene.end
        self.line_times: dict[int, _Span] = {}
        self.cue_times: dict[int, float | None] = {}
        self.key_times: dict[int, float | None] = {}
        self.music_times: dict[int, _Span] = {}
        self.sound_times: dict[int, float | None] = {}
        self.target_times: dict[tuple[int, int], float | None] = {}  # (cue, option): where it jumps
        self.duration = 0.0
        self.duration_known = True  # False: no usable duration (reported), so no range checks

    def report(self, path: PathKey, message: str) -> None:
        self.diags.append(_diag(self.doc, path, message))

    def attempt(self, path: PathKey, fn: Callable[[], float]) -> float | None:
        try:
            return float(self.r.settled(fn))
        except _Cycle as cyc:
            key = frozenset(cyc.members)
            if key not in self._reported_cycles:
                self._reported_cycles.add(key)
                self.report(path, "reference cycle: " + " -> ".join(cyc.members))
            return None
        except _Unresolvable:
            return None  # an unknown name; reported by the reference checks

    def _first(self, path: PathKey, fn: Callable[[], float]) -> float | None:
        try:
            return self.attempt(path, fn)
        except _NeedsEnd:
            self._pending.append((path, fn))
            return None

    def resolve_before_end(self) -> None:
        """First pass: everything that does not need scene.end."""
        scene, r, first = self.scene, self.r, self._first
        for i in range(len(scene.narration)):
            s = first(_line_place(scene, i), partial(r.line_start, i))
            e = None if s is None else first(("narration", i, "id"), partial(r.line_end, i))
            self.line_times[i] = (s, e)
        for i in range(len(scene.cues)):
            self.cue_times[i] = first(("cues", i, "at"), partial(r.cue_start, i))
            for k in range(cue_targets(scene.cues[i])):
                self.target_times[(i, k)] = first(_target_place(scene, i, k), partial(r.expr, _target(scene, i, k)))
        for i, key in enumerate(scene.camera.keys):
            self.key_times[i] = first(("camera", "keys", i, "at"), partial(r.expr, key.at))
        for i, m in enumerate(scene.music):
            s = first(("music", i, "at"), partial(r.expr, m.at))
            u = first(("music", i, "until"), partial(r.expr, m.until)) if m.until is not None else None
            self.music_times[i] = (s, u)
        for i, snd in enumerate(scene.sounds):
            self.sound_times[i] = first(("sounds", i, "at"), partial(r.expr, snd.at))

    def measure_duration(self) -> None:
        """The scene's length: given, or the latest end of everything plus :data:`AUTO_TAIL`."""
        scene = self.scene
        if scene.duration == "auto":
            ends = [e for _, e in self.line_times.values() if e is not None]
            ends += [t + cue_end_offset(scene.cues[i]) for i, t in self.cue_times.items() if t is not None]
            ends += [t for t in self.key_times.values() if t is not None]
            ends += [
                u if u is not None else s for s, u in self.music_times.values() if s is not None and (u is not None)
            ]
            ends += [t for t in self.sound_times.values() if t is not None]
            self.duration = (max(ends) if ends else 0.0) + AUTO_TAIL
        else:
            d = self._given_duration(scene.duration)
            self.duration = d if d is not None else 0.0
            self.duration_known = d is not None
        if self.duration_known and self.duration > MAX_MIXED_SECONDS:
            where_long: PathKey = (
                ("duration",) if scene.duration != "auto" else _latest(self.line_times, self.cue_times, scene)
            )
            self.report(
                where_long,
                f"the scene would last {self.duration:.0f} s{self.tag}; its sound mix would need about "
                f"{megabytes(mix_cost(self.duration))} to build, more than the {megabytes(MEMORY_BUDGET)} a scene "
                f"may use: a scene lasts at most {MAX_MIXED_SECONDS:.0f} s, so shorten it or split it in two",
            )
            self.duration_known = False
        self.r.end = self.duration

    def _given_duration(self, duration: TimeExpr) -> float | None:
        try:
            self.r.stack.append("scene.end")
            d = self.attempt(("duration",), partial(self.r.expr, duration))
        except _NeedsEnd:
            d = None
            self.report(("duration",), "the scene's duration cannot depend on scene.end")
        finally:
            self.r.stack.pop()
        if d is not None and d <= 0:
            self.report(("duration",), f"the scene's duration must be greater than 0, got {d:g} s")
            d = None
        return d

    def resolve_after_end(self) -> None:
        """Second pass: what waited for scene.end."""
        attempt, r = self.attempt, self.r
        for path, fn in self._pending:
            value = attempt(path, fn)
            idx = path[1] if len(path) > 1 else None
            if path[0] == "narration" and isinstance(idx, int):
                start, end = attempt(path, partial(r.line_start, idx)), attempt(path, partial(r.line_end, idx))
                self.line_times[idx] = (start, end)
            elif path[0] == "cues" and isinstance(idx, int) and path[2] != "at":
                self.target_times[(idx, path[3] if path[2] == "options" else 0)] = value  # type: ignore[index]
            elif path[0] == "cues" and isinstance(idx, int):
                self.cue_times[idx] = value
            elif path[0] == "camera":
                self.key_times[path[2]] = value  # type: ignore[index]
            elif path[0] == "music" and isinstance(idx, int):
                s, u = self.music_times[idx]
                self.music_times[idx] = (value, u) if path[2] == "at" else (s, value)
            elif path[0] == "sounds" and isinstance(idx, int):
                self.sound_times[idx] = value

    def _in_range(self, path: PathKey, t: float | None, what: str) -> None:
        if t is None or not self.duration_known:  # an unusable duration was reported already
            return
        if t < -EPSILON:
            self.report(path, f"{what} resolves to {t:.2f} s{self.tag}, before the scene starts")
        elif t > self.duration + EPSILON:
            self.report(path, f"{what} resolves to {t:.2f} s{self.tag}, after the scene ends at {self.duration:.2f} s")

    def check_ranges(self) -> None:
        """Nothing before 0, nothing after the end."""
        scene, in_range = self.scene, self._in_range
        for i, (s, e) in self.line_times.items():
            line = scene.narration[i]
            in_range(_line_place(scene, i), s, f"line '{line.id}'")
            if s is not None and e is not None and s >= -EPSILON and e > self.duration + EPSILON:
                in_range(("narration", i, "id"), e, f"the end of line '{line.id}'")
        for i, t in self.cue_times.items():
            in_range(("cues", i, "at"), t, f"cue {scene.cues[i].id or i + 1} ({scene.cues[i].do})")
        for (i, k), t in self.target_times.items():
            what = "the jump's target" if isinstance(scene.cues[i], JumpCue) else f"option {k + 1}'s goto"
            in_range(_target_place(scene, i, k), t, f"{what} (cue {scene.cues[i].id or i + 1})")
        for i, t in self.key_times.items():
            in_range(("camera", "keys", i, "at"), t, f"camera key {i + 1}")
        for i, (s, u) in self.music_times.items():
            in_range(("music", i, "at"), s, "music")
            in_range(("music", i, "until"), u, "music 'until'")
            if s is not None and u is not None and u < s:
                self.report(("music", i, "until"), f"music ends ({u:.2f} s) before it starts ({s:.2f} s){self.tag}")
        for i, t in self.sound_times.items():
            in_range(("sounds", i, "at"), t, "sound")

    def check_order(self) -> None:
        """Lines may not overlap; camera keys must be in time order."""
        spans = sorted(
            ((s, e, i) for i, (s, e) in self.line_times.items() if s is not None and e is not None), key=lambda x: x[0]
        )
        for (s1, e1, i1), (s2, _e2, i2) in zip(spans, spans[1:], strict=False):
            if s2 < e1 - EPSILON:
                a, b = self.scene.narration[i1].id, self.scene.narration[i2].id
                self.report(
                    _line_place(self.scene, i2),
                    f"narration lines '{a}' ({s1:.2f} s to {e1:.2f} s) and '{b}' (from {s2:.2f} s) "
                    f"overlap by {e1 - s2:.2f} s{self.tag}",
                )
        ordered_keys = [(i, t) for i, t in self.key_times.items() if t is not None]
        for (i1, t1), (i2, t2) in zip(ordered_keys, ordered_keys[1:], strict=False):
            if t2 < t1 - EPSILON:
                self.report(
                    ("camera", "keys", i2, "at"),
                    f"camera key {i2 + 1} at {t2:.2f} s comes before key {i1 + 1} at {t1:.2f} s{self.tag}; "
                    "keys must be in time order",
                )

    def targets(self) -> dict[int, tuple[float, ...]]:
        """Each jump's or choice's targets, by cue index; cues with an unresolved target left out."""
        found: dict[int, list[float | None]] = {}
        for (i, _k), t in sorted(self.target_times.items()):
            found.setdefault(i, []).append(t)
        return {i: tuple(t for t in ts if t is not None) for i, ts in found.items() if None not in ts}

    def check_loops(self) -> None:
        """An unattended show must end: the jumps it takes with nobody picking may not go round."""
        starts = [t if t is not None else 0.0 for _, t in sorted(self.cue_times.items())]
        if any(t is None for t in self.cue_times.values()):
            return  # unknown names: reported by the scene checks
        loop = endless_loop(self.scene.cues, unattended(self.scene.cues, starts, self.targets()))
        if not loop:
            return
        steps = ", then ".join(f"{j.t:.2f} s jumps to {j.to:.2f} s" for j in loop)
        first = loop[0].cue
        cue = self.scene.cues[first]
        where: PathKey = ("cues", first, "default") if isinstance(cue, ChoiceCue) else ("cues", first, "to")
        self.report(
            where,
            f"without a visitor the show never ends{self.tag}: {steps}; "
            "let a choice's default (or a jump) lead out of the loop",
        )

    def timeline(self) -> Timeline | None:
        """The compiled timeline; None after an error or with times that could not be resolved."""
        if any(d.is_error for d in self.diags):
            return None
        if (
            any(v is None for v in self.cue_times.values())
            or any(s is None for s, _ in self.line_times.values())
            or any(v is None for v in self.key_times.values())
        ):
            # Unknown references: reported by the scene checks; no timeline can be built.
            return None
        scene, duration = self.scene, self.duration
        lines, captions = self._timed_lines()
        cues = [
            TimedCue(i, c, self.cue_times[i] or 0.0, (self.cue_times[i] or 0.0) + cue_end_offset(c))
            for i, c in enumerate(scene.cues)
        ]
        keys = [TimedCameraKey(i, self.key_times[i] or 0.0, k) for i, k in enumerate(scene.camera.keys)]
        music = []
        for i, m in enumerate(scene.music):
            s, u = self.music_times[i]
            music.append(TimedMusic(i, m, s or 0.0, u if u is not None else duration))
        sounds = [TimedSound(i, snd, self.sound_times[i] or 0.0) for i, snd in enumerate(scene.sounds)]
        return Timeline(
            scene, self.lang, duration, tuple(lines), tuple(cues), tuple(keys), tuple(music), tuple(sounds),
            tuple(captions), self.targets(),
        )

    def _timed_lines(self) -> tuple[list[TimedLine], list[TimedCaption]]:
        lang = self.lang
        lines: list[TimedLine] = []
        raw_captions: list[tuple[float, float, str, str]] = []
        for i, line in enumerate(self.scene.narration):
            s, e = self.line_times[i]
            assert s is not None and e is not None
            timing = self.r.timing(line.id)
            audio_start = s - timing.speech_start
            shares = marks_from_shares(line.text.get(lang) or "", timing.speech_start, timing.speech_end)
            marks = {name: audio_start + at for name, at in {**shares, **timing.marks}.items()}
            text = strip_marks(line.text.get(lang) or "")
            lines.append(
                TimedLine(i, line.id, s, e, audio_start, audio_start + timing.duration, marks, text, timing.source)
            )
            for cs, ce, ctext in time_captions(split_caption_text(text), s, e):
                raw_captions.append((cs, ce, ctext, line.id))
        settled = settle(raw_captions, self.duration)
        return lines, [TimedCaption(cs, ce, ct, "bottom", line_id) for cs, ce, ct, line_id in settled]


def _line_place(scene: Scene, i: int) -> PathKey:
    """Where line ``i``'s start is written: its ``at``, or its id when it follows the line before."""
    return ("narration", i, "at") if scene.narration[i].at is not None else ("narration", i, "id")


def _target(scene: Scene, i: int, k: int) -> TimeExpr:
    cue = scene.cues[i]
    if isinstance(cue, ChoiceCue):
        return cue.options[k].target
    assert isinstance(cue, JumpCue)
    return cue.to


def _target_place(scene: Scene, i: int, k: int) -> PathKey:
    cue = scene.cues[i]
    if isinstance(cue, ChoiceCue):
        return ("cues", i, "options", k, "goto" if cue.options[k].goto is not None else "scene")
    return ("cues", i, "to")


def _latest(
    line_times: Mapping[int, tuple[float | None, float | None]], cue_times: Mapping[int, float | None], scene: Scene
) -> PathKey:
    """Where the item that ends last is written: what makes an automatic duration long."""
    best: tuple[float, PathKey] = (float("-inf"), ("duration",))
    for i, (_, e) in line_times.items():
        if e is not None and e > best[0]:
            best = (e, ("narration", i, "id"))
    for i, t in cue_times.items():
        if t is not None and t + cue_end_offset(scene.cues[i]) > best[0]:
            best = (t + cue_end_offset(scene.cues[i]), ("cues", i, "at"))
    return best[1]


def compile(  # noqa: A001 - the verb the design names
    scene: Scene,
    lang: str | None = None,
    timings: Mapping[str, LineTiming] | None = None,
    doc: Document | None = None,
) -> Timeline:
    """Compile or raise :class:`ContentError` with every problem found."""
    language = lang or scene.languages[0]
    timeline, diags = compile_scene(scene, language, timings, doc)
    if timeline is None:
        if not any(d.is_error for d in diags):
            where = Location(doc.path) if doc is not None else None
            diags.append(
                Diagnostic(Severity.ERROR, "the scene refers to names that do not exist; run 'exhibit check'", where)
            )
        raise ContentError(diags)
    return timeline
