"""Effects against their channels' limits: how long each one runs and rests.

The safety layer forces a channel off after ``max_on`` seconds and keeps it off
for ``min_off``: a scene that asks for more is cut short in the hall, so visitors
feel less than the scene was written for. Also the outputs' refresh against what
receivers wait for before they give up on a source (sACN: 2.5 s, E1.31 6.7.1).
"""

from __future__ import annotations

from exhibit.preflight.report import Finding, Status
from exhibit.spec.errors import Location
from exhibit.spec.hall import Hall
from exhibit.spec.scene import EffectCue
from exhibit.spec.source import Document
from exhibit.timeline.model import Timeline

SACN_LOSS_TIMEOUT = 2.5  # s, E1.31 network data loss
DMX_MAX_REFRESH = 44.0  # Hz, DMX512 at full 512 slots


def _runs(timeline: Timeline, effect: str) -> list[tuple[float, float, int]]:
    """(start, end, first cue index) of each stretch the effect is on, overlapping cues merged."""
    spans = sorted(
        (tc.start, tc.end, tc.index)
        for tc in timeline.cues
        if isinstance(tc.cue, EffectCue) and tc.cue.effect == effect and tc.end > tc.start and tc.cue.level > 0
    )
    runs: list[tuple[float, float, int]] = []
    for start, end, index in spans:
        if runs and start <= runs[-1][1]:
            runs[-1] = (runs[-1][0], max(runs[-1][1], end), runs[-1][2])
        else:
            runs.append((start, end, index))
    return runs


def duty_findings(timeline: Timeline, hall: Hall, doc: Document | None) -> list[Finding]:
    subject = f"{timeline.scene.scene_id} ({timeline.lang})"
    found: list[Finding] = []

    def at(index: int) -> Location | None:
        return doc.locate(("cues", index)) if doc is not None else None

    for name, channel in hall.effects.items():
        runs = _runs(timeline, name)
        for start, end, index in runs:
            if channel.max_on is not None and end - start > channel.max_on:
                found.append(
                    Finding(
                        "effects",
                        subject,
                        Status.FAIL,
                        f"{name} is on {end - start:.1f} s from {start:.1f} s; the hall allows {channel.max_on:g} s "
                        f"(max_on), so the safety layer turns it off early",
                        at(index),
                    )
                )
        for (_, end, _), (start, _, index) in zip(runs, runs[1:], strict=False):
            if channel.min_off is not None and start - end < channel.min_off:
                found.append(
                    Finding(
                        "effects",
                        subject,
                        Status.FAIL,
                        f"{name} comes on again at {start:.1f} s, {start - end:.1f} s after it went off; "
                        f"the hall needs {channel.min_off:g} s off (min_off), so this cue is held back",
                        at(index),
                    )
                )
    if not found:
        used = sorted({tc.cue.effect for tc in timeline.cues if isinstance(tc.cue, EffectCue)} & set(hall.effects))
        found.append(
            Finding("effects", subject, Status.PASS, f"within max_on / min_off: {', '.join(used) or 'no effects'}")
        )
    return found


def output_findings(hall: Hall) -> list[Finding]:
    found = []
    for name, out in hall.outputs.items():
        if out.kind not in ("artnet", "sacn"):
            continue
        interval = 1.0 / out.fps
        status = Status.PASS if out.fps <= DMX_MAX_REFRESH else Status.WARN
        text = f"{out.kind} refresh {out.fps:g} Hz ({interval * 1000:.0f} ms a frame)"
        if out.kind == "sacn":
            margin = SACN_LOSS_TIMEOUT / interval
            text += f"; {margin:.0f} frames inside the receivers' {SACN_LOSS_TIMEOUT:g} s loss timeout"
            if margin < 3:
                status = Status.FAIL
        found.append(Finding("effects", f"output {name}", status, text))
    return found
