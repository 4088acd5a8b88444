"""Jumps of the show clock: ``do: jump`` cues and the defaults of ``do: choice`` cues.

A jump is a seek: whatever plays (narration, captions, effects, sound) is that of the
target time, because every view evaluates ``state(t)``. This module lists the jumps a
show takes when no visitor picks anything, and finds the loops that would then never end.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from exhibit.spec.scene import ChoiceCue, Cue, JumpCue

EPSILON = 1e-6


@dataclass(frozen=True, order=True)
class Jump:
    """At ``t`` (no visitor picking) the show goes on from ``to``; ``cue`` is its index."""

    t: float
    cue: int
    to: float


def cue_targets(cue: Cue) -> int:
    """How many targets a cue names: one for a jump, one per option for a choice."""
    if isinstance(cue, JumpCue):
        return 1
    if isinstance(cue, ChoiceCue):
        return len(cue.options)
    return 0


def unattended(cues: Sequence[Cue], starts: Sequence[float], targets: Mapping[int, tuple[float, ...]]) -> list[Jump]:
    """The jumps taken when nobody picks: each jump cue at its start, each choice's default at
    its end; a jump to its own time is none."""
    jumps = []
    for i, cue in enumerate(cues):
        if isinstance(cue, JumpCue) and i in targets:
            jumps.append(Jump(starts[i], i, targets[i][0]))
        elif isinstance(cue, ChoiceCue) and i in targets:
            jumps.append(Jump(starts[i] + cue.timeout, i, targets[i][cue.default - 1]))
    return sorted(j for j in jumps if abs(j.to - j.t) > EPSILON)


def endless_loop(cues: Sequence[Cue], jumps: Sequence[Jump]) -> list[Jump] | None:
    """The jumps of a loop an unattended show never leaves, in the order taken; None when it ends.

    The show runs from 0; after a jump to ``to`` the next jump is the first at or after
    ``to`` (events at the target fire, but not a choice's default). Taking a jump twice
    means it goes round for ever.
    """
    ordered = sorted(j for j in jumps if abs(j.to - j.t) > EPSILON)
    taken: list[Jump] = []
    t = -1.0
    while True:
        nxt = next(
            (j for j in ordered if j.t > t + EPSILON or (j.t >= t - EPSILON and not lands_past(cues, j.cue))), None
        )
        if nxt is None:
            return None
        if nxt in taken:
            return taken[taken.index(nxt) :]
        taken.append(nxt)
        t = nxt.to


def lands_past(cues: Sequence[Cue], there: int) -> bool:
    """Whether a show that jumps to the very time of cue ``there``'s jump goes on past it: so
    does a choice's default at the choice's end, as the choice was offered to nobody (an
    optional segment that returns to ``choice.end``, an option that goes on from there)."""
    return isinstance(cues[there], ChoiceCue)
