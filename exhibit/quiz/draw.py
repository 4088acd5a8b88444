"""Choosing the questions of one session fairly.

A hall runs the same bank all day at several kiosks. Visitors who play twice should not
see the same questions again, and every question should get its turn, so the draw takes:
the ready questions matching the request (category, any of the tags), minus those asked
in the last few sessions at that kiosk; among them the least-shown first (ties broken at
random); and a mix of difficulties when one is asked for. Only when the bank is too
small does it fall back to recently asked questions, least-shown first again.

Questions that share a ``fact`` are never drawn into one session: they ask about the same
thing, and one would answer the other. A session may then hold fewer questions than
asked for when the pool has fewer facts than that.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass, field

from exhibit.spec.errors import ExhibitError
from exhibit.spec.quiz import Bank, Question


@dataclass(frozen=True)
class DrawRequest:
    """What a kiosk or a scene asks for."""

    count: int
    category: str | None = None
    tags: tuple[str, ...] = ()
    #: Difficulty (1..5) -> share of the questions, e.g. {1: 2, 2: 2, 3: 1}; None: any.
    mix: Mapping[int, float] | None = None


@dataclass(frozen=True)
class History:
    """What the store remembers that matters to a draw."""

    shown: Mapping[str, int] = field(default_factory=dict)  # question id -> times shown
    recent: frozenset[str] = frozenset()  # asked in the last sessions at this kiosk


def matching(bank: Bank, request: DrawRequest) -> list[Question]:
    """Ready questions of the requested category having any of the requested tags."""
    wanted = set(request.tags)
    return [
        q
        for q in bank.ready()
        if (request.category is None or q.category == request.category)
        and (not wanted or wanted.intersection(q.tags))
    ]


def quotas(count: int, mix: Mapping[int, float]) -> dict[int, int]:
    """Split ``count`` over difficulties by weight (largest remainder, ties to the easier)."""
    weights = {d: float(w) for d, w in mix.items() if w > 0}
    total = sum(weights.values())
    if total <= 0:
        return {}
    exact = {d: count * w / total for d, w in weights.items()}
    out = {d: int(v) for d, v in exact.items()}
    left = count - sum(out.values())
    for d in sorted(exact, key=lambda d: (-(exact[d] - out[d]), d))[:left]:
        out[d] += 1
    return out


def draw(bank: Bank, request: DrawRequest, history: History, rng: random.Random) -> list[Question]:
    """The questions of one session, easiest first."""
    pool = matching(bank, request)
    if not pool:
        what = []
        if request.category:
            what.append(f"category '{request.category}'")
        if request.tags:
            what.append("tags " + ", ".join(request.tags))
        where = f" with {' and '.join(what)}" if what else ""
        raise ExhibitError(f"bank '{bank.bank}' has no ready questions{where}")
    tiebreak = {q.id: rng.random() for q in pool}

    def key(q: Question) -> tuple[int, float]:
        return (history.shown.get(q.id, 0), tiebreak[q.id])

    fresh = sorted((q for q in pool if q.id not in history.recent), key=key)
    stale = sorted((q for q in pool if q.id in history.recent), key=key)
    count = min(request.count, len(pool))
    chosen: list[Question] = []
    facts: set[str] = set()

    def take(candidates: list[Question], n: int) -> None:
        """Add up to ``n`` of ``candidates`` in order, skipping facts already in the session."""
        for q in candidates:
            if n <= 0:
                return
            fact = fact_of(q)
            if q in chosen or fact in facts:
                continue
            chosen.append(q)
            facts.add(fact)
            n -= 1

    if request.mix:
        for difficulty, n in sorted(quotas(count, request.mix).items()):
            take([q for q in fresh if q.difficulty == difficulty], n)
        # Levels the bank cannot fill are made up from the nearest difficulties.
        if len(chosen) < count:
            wanted = sorted(request.mix, key=lambda d: -request.mix[d])  # type: ignore[index]
            centre = wanted[0] if wanted else 3
            take(sorted(fresh, key=lambda q: (abs(q.difficulty - centre), key(q))), count - len(chosen))
    else:
        take(fresh, count)
    if len(chosen) < count:
        take(stale, count - len(chosen))
    return sorted(chosen, key=lambda q: (q.difficulty, tiebreak[q.id]))


def fact_of(question: Question) -> str:
    """The fact a question asks about: its ``fact``, or itself when it names none."""
    return question.fact if question.fact is not None else f"question:{question.id}"


def shuffled_order(question: Question, rng: random.Random) -> tuple[int, ...]:
    """The order the options are shown in: shown position -> original index.

    True/false keeps its fixed order (true first), as visitors expect.
    """
    n = 2 if question.type == "truefalse" else len(question.options or [])
    order = list(range(n))
    if question.type != "truefalse":
        rng.shuffle(order)
    return tuple(order)


def parse_mix(text: str) -> dict[int, float]:
    """``"1:2,2:2,3:1"`` -> {1: 2.0, 2: 2.0, 3: 1.0} (for the command line)."""
    out: dict[int, float] = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        level, _, weight = part.partition(":")
        try:
            d, w = int(level), float(weight or 1)
        except ValueError:
            raise ExhibitError(
                f"'{part}' is not a difficulty share; write it like 1:2,2:2,3:1"
            ) from None
        if not 1 <= d <= 5 or w < 0:
            raise ExhibitError(f"'{part}': difficulty is 1..5 and the share is not negative")
        out[d] = w
    return out
