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
from exhibit.spec.scene import Scene, cue_end_offset
from exhibit.spec.source import Document, PathKey
from exhibit.spec.timeexpr import TimeExpr
from exhibit.timeline.captions import settle, split_caption_text, time_captions
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
    r = Resolver(scene, lang, timings or {})
    diags: list[Diagnostic] = []
    reported_cycles: set[frozenset[str]] = set()
    tag = f" in {lang}" if len(scene.languages) > 1 else ""

    def attempt(path: PathKey, fn: Callable[[], float]) -> float | None:
        try:
            return float(r.settled(fn))
        except _Cycle as cyc:
            key = frozenset(cyc.members)
            if key not in reported_cycles:
                reported_cycles.add(key)
                diags.append(_diag(doc, path, "reference cycle: " + " -> ".join(cyc.members)))
            return None
        except _Unresolvable:
            return None  # an unknown name; reported by the reference checks

    # First pass: everything that does not need scene.end.
    pending: list[tuple[PathKey, Callable[[], float]]] = []

    def first(path: PathKey, fn: Callable[[], float]) -> float | None:
        try:
            return attempt(path, fn)
        except _NeedsEnd:
            pending.append((path, fn))
            return None

    line_times: dict[int, tuple[float | None, float | None]] = {}
    for i in range(len(scene.narration)):
        s = first(
            ("narration", i, "at") if scene.narration[i].at is not None else ("narration", i, "id"),
            partial(r.line_start, i),
        )
        e = None if s is None else first(("narration", i, "id"), partial(r.line_end, i))
        line_times[i] = (s, e)
    cue_times: dict[int, float | None] = {}
    for i in range(len(scene.cues)):
        cue_times[i] = first(("cues", i, "at"), partial(r.cue_start, i))
    key_times: dict[int, float | None] = {}
    for i, key in enumerate(scene.camera.keys):
        key_times[i] = first(("camera", "keys", i, "at"), partial(r.expr, key.at))
    music_times: dict[int, tuple[float | None, float | None]] = {}
    for i, m in enumerate(scene.music):
        s = first(("music", i, "at"), partial(r.expr, m.at))
        u = first(("music", i, "until"), partial(r.expr, m.until)) if m.until is not None else None
        music_times[i] = (s, u)
    sound_times: dict[int, float | None] = {}
    for i, snd in enumerate(scene.sounds):
        sound_times[i] = first(("sounds", i, "at"), partial(r.expr, snd.at))

    # The scene's length.
    duration_known = True
    if scene.duration == "auto":
        ends = [e for _, e in line_times.values() if e is not None]
        ends += [t + cue_end_offset(scene.cues[i]) for i, t in cue_times.items() if t is not None]
        ends += [t for t in key_times.values() if t is not None]
        ends += [u if u is not None else s for s, u in music_times.values() if s is not None and (u is not None)]
        ends += [t for t in sound_times.values() if t is not None]
        duration = (max(ends) if ends else 0.0) + AUTO_TAIL
    else:
        try:
            r.stack.append("scene.end")
            d = attempt(("duration",), partial(r.expr, scene.duration))
        except _NeedsEnd:
            d = None
            diags.append(_diag(doc, ("duration",), "the scene's duration cannot depend on scene.end"))
        finally:
            r.stack.pop()
        if d is not None and d <= 0:
            diags.append(_diag(doc, ("duration",), f"the scene's duration must be greater than 0, got {d:g} s"))
            d = None
        duration = d if d is not None else 0.0
        duration_known = d is not None
    if duration_known and duration > MAX_MIXED_SECONDS:
        where_long: PathKey = ("duration",) if scene.duration != "auto" else _latest(line_times, cue_times, scene)
        diags.append(
            _diag(
                doc,
                where_long,
                f"the scene would last {duration:.0f} s{tag}; its sound mix would need about "
                f"{megabytes(mix_cost(duration))} to build, more than the {megabytes(MEMORY_BUDGET)} a scene may use: "
                f"a scene lasts at most {MAX_MIXED_SECONDS:.0f} s, so shorten it or split it in two",
            )
        )
        duration_known = False
    r.end = duration

    for path, fn in pending:
        value = attempt(path, fn)
        idx = path[1] if len(path) > 1 else None
        if path[0] == "narration" and isinstance(idx, int):
            line_times[idx] = (attempt(path, partial(r.line_start, idx)), attempt(path, partial(r.line_end, idx)))
        elif path[0] == "cues" and isinstance(idx, int):
            cue_times[idx] = value
        elif path[0] == "camera":
            key_times[path[2]] = value  # type: ignore[index]
        elif path[0] == "music" and isinstance(idx, int):
            s, u = music_times[idx]
            music_times[idx] = (value, u) if path[2] == "at" else (s, value)
        elif path[0] == "sounds" and isinstance(idx, int):
            sound_times[idx] = value

    # Range checks: nothing before 0, nothing after the end.
    def in_range(path: PathKey, t: float | None, what: str) -> None:
        if t is None or not duration_known:  # an unusable duration was reported already
            return
        if t < -EPSILON:
            diags.append(_diag(doc, path, f"{what} resolves to {t:.2f} s{tag}, before the scene starts"))
        elif t > duration + EPSILON:
            diags.append(
                _diag(doc, path, f"{what} resolves to {t:.2f} s{tag}, after the scene ends at {duration:.2f} s")
            )

    for i, (s, e) in line_times.items():
        line = scene.narration[i]
        where: PathKey = ("narration", i, "at") if line.at is not None else ("narration", i, "id")
        in_range(where, s, f"line '{line.id}'")
        if s is not None and e is not None and s >= -EPSILON and e > duration + EPSILON:
            in_range(("narration", i, "id"), e, f"the end of line '{line.id}'")
    for i, t in cue_times.items():
        in_range(("cues", i, "at"), t, f"cue {scene.cues[i].id or i + 1} ({scene.cues[i].do})")
    for i, t in key_times.items():
        in_range(("camera", "keys", i, "at"), t, f"camera key {i + 1}")
    for i, (s, u) in music_times.items():
        in_range(("music", i, "at"), s, "music")
        in_range(("music", i, "until"), u, "music 'until'")
        if s is not None and u is not None and u < s:
            diags.append(_diag(doc, ("music", i, "until"), f"music ends ({u:.2f} s) before it starts ({s:.2f} s){tag}"))
    for i, t in sound_times.items():
        in_range(("sounds", i, "at"), t, "sound")

    # Lines may not overlap.
    spans = sorted(
        ((s, e, i) for i, (s, e) in line_times.items() if s is not None and e is not None), key=lambda x: x[0]
    )
    for (s1, e1, i1), (s2, _e2, i2) in zip(spans, spans[1:], strict=False):
        if s2 < e1 - EPSILON:
            a, b = scene.narration[i1].id, scene.narration[i2].id
            where = ("narration", i2, "at") if scene.narration[i2].at is not None else ("narration", i2, "id")
            diags.append(
                _diag(
                    doc,
                    where,
                    f"narration lines '{a}' ({s1:.2f} s to {e1:.2f} s) and '{b}' (from {s2:.2f} s) "
                    f"overlap by {e1 - s2:.2f} s{tag}",
                )
            )
    # Camera keys must be in time order.
    ordered_keys = [(i, t) for i, t in key_times.items() if t is not None]
    for (i1, t1), (i2, t2) in zip(ordered_keys, ordered_keys[1:], strict=False):
        if t2 < t1 - EPSILON:
            diags.append(
                _diag(
                    doc,
                    ("camera", "keys", i2, "at"),
                    f"camera key {i2 + 1} at {t2:.2f} s comes before key {i1 + 1} at {t1:.2f} s{tag}; "
                    "keys must be in time order",
                )
            )

    if any(d.is_error for d in diags):
        return None, diags
    if (
        any(v is None for v in cue_times.values())
        or any(s is None for s, _ in line_times.values())
        or any(v is None for v in key_times.values())
    ):
        # Unknown references: reported by the scene checks; no timeline can be built.
        return None, diags

    lines: list[TimedLine] = []
    raw_captions: list[tuple[float, float, str, str]] = []
    for i, line in enumerate(scene.narration):
        s, e = line_times[i]
        assert s is not None and e is not None
        timing = r.timing(line.id)
        audio_start = s - timing.speech_start
        shares = marks_from_shares(line.text.get(lang) or "", timing.speech_start, timing.speech_end)
        marks = {name: audio_start + at for name, at in {**shares, **timing.marks}.items()}
        text = strip_marks(line.text.get(lang) or "")
        lines.append(
            TimedLine(i, line.id, s, e, audio_start, audio_start + timing.duration, marks, text, timing.source)
        )
        for cs, ce, ctext in time_captions(split_caption_text(text), s, e):
            raw_captions.append((cs, ce, ctext, line.id))
    captions = [TimedCaption(cs, ce, ct, "bottom", line_id) for cs, ce, ct, line_id in settle(raw_captions, duration)]
    cues = [
        TimedCue(i, c, cue_times[i] or 0.0, (cue_times[i] or 0.0) + cue_end_offset(c)) for i, c in enumerate(scene.cues)
    ]
    keys = [TimedCameraKey(i, key_times[i] or 0.0, k) for i, k in enumerate(scene.camera.keys)]
    music = []
    for i, m in enumerate(scene.music):
        s, u = music_times[i]
        music.append(TimedMusic(i, m, s or 0.0, u if u is not None else duration))
    sounds = [TimedSound(i, snd, sound_times[i] or 0.0) for i, snd in enumerate(scene.sounds)]
    timeline = Timeline(
        scene, lang, duration, tuple(lines), tuple(cues), tuple(keys), tuple(music), tuple(sounds), tuple(captions)
    )
    return timeline, diags


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
