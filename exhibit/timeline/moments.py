"""Moments of a scene: a time expression's value, and the same moment in another language.

One evaluation of a time expression (:func:`evaluate`) serves both sides of the timeline:
compiling a scene asks it while the times are still being resolved
(``compile.Resolver``), and a compiled timeline asks it for a time typed by a person
(``exhibit still --at intro.end + 2``: :meth:`Timeline.at`). Only where the
referenced times come from differs: the :class:`References` each side gives.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from exhibit.spec.errors import ExhibitError, did_you_mean
from exhibit.spec.timeexpr import MarkRef, Ref, SceneRef, Seconds, TimeExpr, TimeSyntaxError, parse_time

if TYPE_CHECKING:
    from exhibit.timeline.model import Timeline

OUTSIDE = 1e-9  # seconds a typed time may lie past either end of the scene (rounding)


class References(Protocol):
    """The times a time expression may name."""

    def scene_end(self) -> float: ...

    def edge(self, name: str, edge: str) -> float:
        """``name.start`` or ``name.end`` of a narration line or a cue."""
        ...

    def mark(self, line: str, mark: str) -> float:
        """``line@mark``: a mark spoken in a narration line."""
        ...


def evaluate(expr: TimeExpr, refs: References) -> float:
    """The seconds ``expr`` stands for, with the times it names taken from ``refs``."""
    term = expr.term
    if isinstance(term, Seconds):
        base = term.value
    elif isinstance(term, SceneRef):
        base = 0.0 if term.edge == "start" else refs.scene_end()
    elif isinstance(term, Ref):
        base = refs.edge(term.name, term.edge)
    elif isinstance(term, MarkRef):
        base = refs.mark(term.line, term.mark)
    else:  # pragma: no cover - the grammar has no other terms
        raise TypeError(f"not a time term: {term!r}")
    return base + expr.offset


class _Resolved:
    """The references of a compiled timeline; unknown names are errors for the person who typed them."""

    def __init__(self, timeline: Timeline, shown: str) -> None:
        self.timeline = timeline
        self.shown = shown  # "--at 'intro@bot'": how the messages name the time
        self.lines = {line.id: line for line in timeline.lines}
        self.cues = {tc.cue.id: tc for tc in timeline.cues if tc.cue.id}

    def scene_end(self) -> float:
        return self.timeline.duration

    def edge(self, name: str, edge: str) -> float:
        found = self.lines.get(name) or self.cues.get(name)
        if found is None:
            names = list(self.lines) + list(self.cues)
            raise ExhibitError(f"{self.shown}: no narration line or cue '{name}'{did_you_mean(name, names)}")
        return found.start if edge == "start" else found.end

    def mark(self, line: str, mark: str) -> float:
        timed = self.lines.get(line)
        if timed is None:
            raise ExhibitError(f"{self.shown}: no narration line '{line}'{did_you_mean(line, self.lines)}")
        if mark not in timed.marks:
            raise ExhibitError(f"{self.shown}: line '{line}' has no mark '{mark}'{did_you_mean(mark, timed.marks)}")
        return timed.marks[mark]


def moment(timeline: Timeline, text: str | float, what: str = "time") -> float:
    """A time a person typed, in ``timeline``'s language; see :meth:`Timeline.at`."""
    try:
        expr = parse_time(text)
    except TimeSyntaxError as exc:
        reason = str(exc).removeprefix(f"'{text}': ")  # said once: "--at 'intro.ned': after 'intro.' ..."
        raise ExhibitError(f"{what} '{text}': {reason}") from None
    t = evaluate(expr, _Resolved(timeline, f"{what} '{text}'"))
    if t < -OUTSIDE or t > timeline.duration + OUTSIDE:
        raise ExhibitError(
            f"{what} '{text}' is {t:.2f} s, outside the scene (0 to {timeline.duration:.2f} s in {timeline.lang})"
        )
    return max(0.0, min(t, timeline.duration))


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
