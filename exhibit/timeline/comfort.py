"""Comfort in a headset: camera moves that make visitors sick.

On a headset the scene's camera moves the visitor's whole body while their
inner ear says they stand still. Three things make that mismatch hurt, and all
three can be read off the compiled camera path before anyone puts a headset on:

- a rolled horizon (the world tilts around the line of sight);
- fast turns: the rig turning faster than about 30 degrees per second;
- acceleration: speeding up, slowing down or curving harder than about 2 m/s^2
  (steady motion in a straight line is tolerated well; changes of velocity are not).

The limits are the usual guidance for seated VR locomotion (for example Oculus's
"VR Best Practices", locomotion section, and Unity's VR comfort notes); they are
named once here. The path is sampled at :data:`SAMPLE_RATE` and differentiated
numerically, so the numbers in the messages are what a visitor feels over one
sample: a sudden start or stop shows up as a large acceleration at that moment.

``exhibit check`` calls :func:`comfort_warnings` for halls whose display mode is
``xr``; walls and monitors do not get these warnings (a screen in a lit room gives
the eye a fixed frame, so the same moves are comfortable there).
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from exhibit.spec.errors import Diagnostic, Location, Severity
from exhibit.spec.source import Document
from exhibit.timeline.frame import Vec3
from exhibit.timeline.model import Timeline

MAX_TURN_RATE = 30.0  # degrees per second
MAX_ACCELERATION = 2.0  # metres per second squared
MAX_ROLL = 1.0  # degrees; below this a tilt is not noticed
SAMPLE_RATE = 30.0  # samples per second of show time
DARK = 0.95  # fade level from which the view counts as black (nothing moves for the eye)

Matrix = tuple[Vec3, Vec3, Vec3]


@dataclass(frozen=True)
class MotionSample:
    """How the camera moves at time ``t`` (finite differences over one sample each side)."""

    t: float
    speed: float  # m/s
    acceleration: float  # m/s^2, magnitude of the change of velocity (speeding up, braking, curving)
    turn_rate: float  # degrees per second, total rotation of the view (heading, pitch and roll)
    roll: float  # degrees; 0 keeps the horizon level


def _rotation(hpr: Vec3) -> Matrix:
    """Rows are the camera's right, forward and up axes in world space (Panda3D's hpr)."""
    h, p, r = (math.radians(a) for a in hpr)
    ch, sh, cp, sp, cr, sr = (
        math.cos(h),
        math.sin(h),
        math.cos(p),
        math.sin(p),
        math.cos(r),
        math.sin(r),
    )
    # Panda3D composes roll (about forward), then pitch (about right), then heading (about up).
    right = (cr * ch - sr * sp * sh, cr * sh + sr * sp * ch, -sr * cp)
    forward = (-cp * sh, cp * ch, sp)
    up = (sr * ch + cr * sp * sh, sr * sh - cr * sp * ch, cr * cp)
    return (right, forward, up)


def rotation_angle(a: Vec3, b: Vec3) -> float:
    """Degrees of the single rotation that takes orientation ``a`` (hpr) to ``b``."""
    ra, rb = _rotation(a), _rotation(b)
    trace = sum(ra[i][0] * rb[i][0] + ra[i][1] * rb[i][1] + ra[i][2] * rb[i][2] for i in range(3))
    return math.degrees(math.acos(max(-1.0, min(1.0, (trace - 1.0) / 2.0))))


def _sub(a: Vec3, b: Vec3) -> Vec3:
    return (a[0] - b[0], a[1] - b[1], a[2] - b[2])


def _norm(a: Vec3) -> float:
    return math.sqrt(a[0] * a[0] + a[1] * a[1] + a[2] * a[2])


def _wrap(angle: float) -> float:
    return (angle + 180.0) % 360.0 - 180.0


def sample_motion(
    pose: Callable[[float], tuple[Vec3, Vec3]], duration: float, rate: float = SAMPLE_RATE
) -> list[MotionSample]:
    """The camera's motion at every sample from 0 to ``duration`` (``pose(t)`` -> pos, hpr)."""
    dt = 1.0 / rate
    count = int(math.floor(duration * rate + 1e-9)) + 1
    times = [i * dt for i in range(count)]
    poses = [pose(t) for t in times]
    samples: list[MotionSample] = []
    for i, t in enumerate(times):
        pos, hpr = poses[i]
        before = poses[i - 1] if i > 0 else None
        after = poses[i + 1] if i + 1 < count else None
        v_in = _sub(pos, before[0]) if before else None
        v_out = _sub(after[0], pos) if after else None
        speed = _norm(v_out if v_out is not None else v_in or (0.0, 0.0, 0.0)) / dt
        accel = _norm(_sub(v_out, v_in)) / (dt * dt) if v_in is not None and v_out is not None else 0.0
        if before is not None and after is not None:
            turn = rotation_angle(before[1], after[1]) / (2 * dt)
        elif after is not None:
            turn = rotation_angle(hpr, after[1]) / dt
        elif before is not None:
            turn = rotation_angle(before[1], hpr) / dt
        else:
            turn = 0.0
        samples.append(MotionSample(t, speed, accel, turn, _wrap(hpr[2])))
    return samples


@dataclass(frozen=True)
class _Rule:
    name: str
    value: Callable[[MotionSample], float]
    limit: float
    message: Callable[[MotionSample, float], str]  # the worst sample and its value


JOLT_RATIO = 3.0  # an acceleration this many times its surroundings' is a jolt (a velocity step)
JOLT_REACH = 3  # samples each side that a step in velocity does not touch


def _roll_message(s: MotionSample, value: float) -> str:
    return (
        f"the camera rolls the horizon by {value:.1f} degrees at {s.t:.2f} s; "
        "in a headset a tilted horizon makes visitors sick: "
        "keep the camera's roll at 0 in headset halls"
    )


def _turn_message(s: MotionSample, value: float) -> str:
    return (
        f"the camera turns at {value:.1f} degrees/s at {s.t:.2f} s "
        f"(at most {MAX_TURN_RATE:.0f} degrees/s is comfortable in a headset): "
        "give this move more time or turn less"
    )


def _accel_message(s: MotionSample, value: float) -> str:
    return (
        f"the camera accelerates at {value:.1f} m/s^2 at {s.t:.2f} s "
        f"(at most {MAX_ACCELERATION:.0f} m/s^2 is comfortable in a headset): "
        "give this move more time, or ease it in and out"
    )


def _jolt_message(s: MotionSample, value: float) -> str:
    return (
        f"the camera changes speed abruptly at {s.t:.2f} s (by about {value:.1f} m/s at once; "
        f"at most {MAX_ACCELERATION:.0f} m/s^2 is comfortable in a headset): "
        "ease into and out of this key, "
        "e.g. with ease: in_out_sine on both sides"
    )


RULES: tuple[_Rule, ...] = (
    _Rule("roll", lambda s: abs(s.roll), MAX_ROLL, _roll_message),
    _Rule("turn", lambda s: s.turn_rate, MAX_TURN_RATE, _turn_message),
    _Rule("acceleration", lambda s: s.acceleration, MAX_ACCELERATION, _accel_message),
    # For jolts the "acceleration" field holds the whole step in velocity (m/s), see _split_jolts.
    _Rule("jolt", lambda s: s.acceleration, 0.0, _jolt_message),
)


def _split_jolts(samples: list[MotionSample], dt: float) -> tuple[list[MotionSample], list[MotionSample]]:
    """Separate steps in velocity (a linear move that starts or stops dead) from acceleration.

    A step shows as one spike in the sampled acceleration whose size depends on the
    sample rate, so it is reported as the velocity change itself. Returns the samples
    with the spikes removed, and one sample per spike whose ``acceleration`` is the step.
    """
    accel = [s.acceleration for s in samples]
    n = len(samples)
    smooth = list(samples)
    jolts: list[MotionSample] = []
    for i, a in enumerate(accel):
        if a <= MAX_ACCELERATION:
            continue
        around = max(
            accel[i - JOLT_REACH] if i >= JOLT_REACH else 0.0,
            accel[i + JOLT_REACH] if i + JOLT_REACH < n else 0.0,
        )
        if a < JOLT_RATIO * max(around, MAX_ACCELERATION) or a < max(accel[max(0, i - 1) : i + 2]):
            continue
        near = range(max(0, i - 1), min(n, i + 2))
        step = sum(accel[j] for j in near) * dt
        for j in near:
            smooth[j] = MotionSample(samples[j].t, samples[j].speed, 0.0, samples[j].turn_rate, samples[j].roll)
        s = samples[i]
        jolts.append(MotionSample(s.t, s.speed, step, s.turn_rate, s.roll))
    return smooth, jolts


def _runs(samples: Sequence[MotionSample], rule: _Rule) -> list[list[MotionSample]]:
    """Stretches of consecutive samples over the rule's limit."""
    runs: list[list[MotionSample]] = []
    current: list[MotionSample] = []
    for s in samples:
        if round(rule.value(s), 1) > rule.limit:  # as the message shows it
            current.append(s)
        elif current:
            runs.append(current)
            current = []
    if current:
        runs.append(current)
    return runs


def _key_for(timeline: Timeline, t: float) -> int | None:
    """Index (in the scene's ``camera.keys``) of the key the camera is moving towards at ``t``."""
    keys = sorted(timeline.camera_keys, key=lambda k: (k.t, k.index))
    if not keys:
        return None
    i = bisect.bisect_left([k.t for k in keys], t - 1e-9)
    return keys[min(i, len(keys) - 1)].index


def _cut_times(timeline: Timeline) -> list[float]:
    """Times where two keys share one moment: the camera jumps (a cut), it does not move."""
    times = sorted(k.t for k in timeline.camera_keys)
    return [b for a, b in zip(times, times[1:], strict=False) if b - a <= 1e-9]


def _fade(timeline: Timeline, t: float) -> float:
    # The fade alone: building a whole FrameState per sample would cost 20 times more.
    return timeline.fade_at(t)


def _worst_moves(timeline: Timeline, rate: float) -> dict[tuple[int, int | None], MotionSample]:
    """Per (rule, camera key): the sample where that key's move is worst."""
    dt = 1.0 / rate
    cuts = _cut_times(timeline)
    samples = sample_motion(timeline.camera_path.pose, timeline.duration, rate)
    dark = [_fade(timeline, s.t) >= DARK for s in samples]
    seen: list[MotionSample] = []
    for i, s in enumerate(samples):
        window = dark[max(0, i - 1) : i + 2]
        if any(window) or any(abs(s.t - c) <= dt + 1e-9 for c in cuts):
            seen.append(MotionSample(s.t, s.speed, 0.0, 0.0, 0.0))
        else:
            seen.append(s)
    seen, jolts = _split_jolts(seen, dt)
    worst_by_key: dict[tuple[int, int | None], MotionSample] = {}
    for order, rule in enumerate(RULES):
        runs = [[j] for j in jolts] if rule.name == "jolt" else _runs(seen, rule)
        for run in runs:
            worst = max(run, key=rule.value)
            slot = (order, _key_for(timeline, worst.t))
            held = worst_by_key.get(slot)
            if held is None or rule.value(worst) > rule.value(held):
                worst_by_key[slot] = worst
    return worst_by_key


def _diagnostic(order: int, key: int | None, worst: MotionSample, doc: Document | None, suffix: str = "") -> Diagnostic:
    rule = RULES[order]
    where: Location | None = None
    if doc is not None:
        path = ("camera", "keys", key, "at") if key is not None else ("camera",)
        where = doc.locate(path)
    message = rule.message(worst, rule.value(worst))
    if suffix:
        moment = f"at {worst.t:.2f} s"  # "... at 12.30 s (in zh) ..."
        head, sep, tail = message.partition(moment)
        message = f"{head}{sep} {suffix}{tail}" if sep else f"{message} {suffix}"
    return Diagnostic(Severity.WARNING, message, where)


def _ordered(found: list[Diagnostic]) -> list[Diagnostic]:
    return sorted(found, key=lambda d: (d.location or Location(""), d.message))


def comfort_warnings(timeline: Timeline, doc: Document | None = None, rate: float = SAMPLE_RATE) -> list[Diagnostic]:
    """Warnings for camera moves that are uncomfortable in a headset: per rule, one per camera key.

    Each names the moment and the value at its worst point, and is located at
    the ``at`` of the camera key the camera is moving towards then (the key whose
    time, position and easing shape that move). Moments when the view is faded to
    black, and cuts (two keys at one time), are not motion anyone sees.
    """
    worst = _worst_moves(timeline, rate)
    return _ordered([_diagnostic(order, key, s, doc) for (order, key), s in worst.items()])


def comfort_warnings_all(
    timelines: Sequence[Timeline], doc: Document | None = None, rate: float = SAMPLE_RATE
) -> list[Diagnostic]:
    """:func:`comfort_warnings` over a scene's languages, one warning per rule and key.

    Camera keys anchored to narration move with each language's voice, so a move
    can be too fast in one language only; the worst language is named, e.g.
    ``at 63.07 s (in en)``. With one timeline this is :func:`comfort_warnings`.
    """
    if len(timelines) == 1:
        return comfort_warnings(timelines[0], doc, rate)
    best: dict[tuple[int, int | None], tuple[MotionSample, str]] = {}
    for timeline in timelines:
        for slot, sample in _worst_moves(timeline, rate).items():
            held = best.get(slot)
            rule = RULES[slot[0]]
            if held is None or rule.value(sample) > rule.value(held[0]):
                best[slot] = (sample, timeline.lang)
    return _ordered(
        [_diagnostic(order, key, sample, doc, f"(in {lang})") for (order, key), (sample, lang) in best.items()]
    )
