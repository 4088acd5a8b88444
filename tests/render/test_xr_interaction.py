"""Select in a headset: rays hit panels and objects; 1.5 s of gaze or a trigger press selects."""

from __future__ import annotations

import math

import pytest

from exhibit.render.xr.interaction import (
    DWELL_SECONDS,
    DwellTracker,
    Pointer,
    Ray,
    Rectangle,
    Sphere,
    TriggerEdge,
    nearest_hit,
)

FRAME = 1 / 90  # a headset's frame


def ahead(heading_deg: float = 0.0, pitch_deg: float = 0.0) -> Ray:
    """The head ray of a visitor at eye height 1.6 m, turned ``heading`` left, ``pitch`` up."""
    h, p = math.radians(heading_deg), math.radians(pitch_deg)
    return Ray(
        (0.0, 0.0, 1.6), (-math.sin(h) * math.cos(p), math.cos(h) * math.cos(p), math.sin(p))
    )


#: A quiz panel 1.6 m ahead, 1.2 m wide and 0.8 m high, centred at eye height, as two buttons.
PANEL_Y = 1.6
BUTTON_A = Rectangle("A", (-0.6, PANEL_Y, 1.2), (0.6, 0, 0), (0, 0, 0.8))
BUTTON_B = Rectangle("B", (0.0, PANEL_Y, 1.2), (0.6, 0, 0), (0, 0, 0.8))


def test_a_ray_hits_a_panel_where_it_points() -> None:
    panel = Rectangle("panel", (-0.6, PANEL_Y, 1.2), (1.2, 0, 0), (0, 0, 0.8))
    hit = panel.hit(ahead())
    assert hit is not None
    assert hit.distance == pytest.approx(PANEL_Y)
    assert hit.point == pytest.approx((0.0, PANEL_Y, 1.6))
    assert hit.uv == pytest.approx((0.5, 0.5))
    # 10 degrees to the left: 1.6 tan(10) = 0.28 m left of centre, u = (0.6 - 0.28) / 1.2.
    hit = panel.hit(ahead(10))
    assert hit is not None and hit.uv is not None
    assert hit.uv[0] == pytest.approx((0.6 - PANEL_Y * math.tan(math.radians(10))) / 1.2)
    assert panel.hit(ahead(40)) is None  # past its edge
    assert panel.hit(ahead(180)) is None  # behind the visitor


def test_the_nearest_target_hides_the_ones_behind() -> None:
    boat = Sphere("boat", (0, 30, 1.6), 3.0)
    hit = nearest_hit(ahead(), [boat.hit, BUTTON_A.hit, BUTTON_B.hit])
    assert hit is not None and hit.target in ("A", "B")  # the panel is in front of the boat
    hit = nearest_hit(ahead(0, 20), [boat.hit, BUTTON_A.hit, BUTTON_B.hit])
    assert hit is None  # above the panel, above the boat
    hit = nearest_hit(ahead(0, 3), [boat.hit])
    assert hit is not None and hit.target == "boat"
    along, off = 30 * math.cos(math.radians(3)), 30 * math.sin(math.radians(3))
    assert hit.distance == pytest.approx(along - math.sqrt(3.0**2 - off**2))


def look(
    tracker: DwellTracker, target: str | None, start: float, seconds: float
) -> list[tuple[float, bool, float]]:
    """Feed ``seconds`` of frames looking at ``target``; (t, selected, progress) per frame."""
    out = []
    n = round(seconds / FRAME)
    for i in range(n):
        t = start + i * FRAME
        gaze = tracker.update(t, target)
        out.append((t, gaze.selected, gaze.progress))
    return out


def test_gazing_for_one_and_a_half_seconds_selects_once() -> None:
    tracker = DwellTracker()
    frames = look(tracker, "A", 0.0, 3.0)
    selects = [t for t, selected, _ in frames if selected]
    assert len(selects) == 1
    assert selects[0] == pytest.approx(DWELL_SECONDS, abs=FRAME)
    assert selects[0] >= DWELL_SECONDS - 1e-9
    # The ring fills linearly: half way at 0.75 s.
    assert next(p for t, _, p in frames if t >= 0.75) == pytest.approx(0.5, abs=0.01)


def test_a_glance_away_does_not_reset_but_looking_away_does() -> None:
    tracker = DwellTracker()
    look(tracker, "A", 0.0, 1.0)
    look(tracker, None, 1.0, 0.1)  # head tremor at the button's edge: 0.1 s off
    frames = look(tracker, "A", 1.1, 1.0)
    assert [t for t, s, _ in frames if s] == [pytest.approx(DWELL_SECONDS, abs=FRAME)]
    # Now away for half a second, and back: a fresh 1.5 s.
    tracker = DwellTracker()
    look(tracker, "A", 0.0, 1.0)
    look(tracker, None, 1.0, 0.5)
    frames = look(tracker, "A", 1.5, 2.0)
    assert [t for t, s, _ in frames if s] == [pytest.approx(1.5 + DWELL_SECONDS, abs=0.21)]


def test_moving_to_another_button_starts_its_own_dwell() -> None:
    tracker = DwellTracker()
    first = look(tracker, "A", 0.0, 1.0)
    second = look(tracker, "B", 1.0, 2.0)
    assert not any(s for _, s, _ in first)
    selects = [t for t, s, _ in second if s]
    assert selects == [pytest.approx(1.0 + DWELL_SECONDS, abs=FRAME)]
    assert tracker.update(3.1, "B").target == "B"


def test_after_a_select_the_same_answer_needs_a_fresh_look() -> None:
    tracker = DwellTracker()
    look(tracker, "A", 0.0, 2.0)
    assert not any(s for _, s, _ in look(tracker, "A", 2.0, 3.0))
    look(tracker, None, 5.0, 0.5)
    assert sum(s for _, s, _ in look(tracker, "A", 5.5, 2.0)) == 1


def test_a_clock_that_goes_back_starts_over() -> None:
    tracker = DwellTracker()
    look(tracker, "A", 100.0, 1.4)
    assert tracker.update(0.0, "A").progress == 0.0


def test_the_trigger_selects_once_per_press() -> None:
    edge = TriggerEdge()
    assert [edge.update(p) for p in (False, True, True, True, False, True)] == [
        False,
        True,
        False,
        False,
        False,
        True,
    ]


def test_pointer_selects_by_trigger_at_once_and_by_gaze_after_the_dwell() -> None:
    pointer = Pointer()
    tests = [BUTTON_A.hit, BUTTON_B.hit]
    # Looking 10 degrees left (button A), pressing the trigger on the third frame.
    got = [pointer.update(i * FRAME, ahead(10), tests, trigger=(i == 2))[0] for i in range(5)]
    assert [s.target if s else None for s in got] == [None, None, "A", None, None]
    assert got[2] is not None and got[2].by == "trigger"
    assert got[2].hit.uv is not None and got[2].hit.uv[0] > 0.5  # the right half of button A
    # Still looking at A: no gaze select of the answer just given.
    later = [
        pointer.update(0.1 + i * FRAME, ahead(10), tests)[0] for i in range(round(2.0 / FRAME))
    ]
    assert not any(later)
    # Turning right to B and holding the gaze there selects B after 1.5 s.
    start = 3.0
    selects = []
    for i in range(round(2.0 / FRAME)):
        select, gaze = pointer.update(start + i * FRAME, ahead(-10), tests)
        if select:
            selects.append((start + i * FRAME, select.target, select.by))
    assert selects == [(pytest.approx(start + DWELL_SECONDS, abs=FRAME), "B", "gaze")]


def test_nothing_to_point_at_selects_nothing() -> None:
    pointer = Pointer()
    results = [pointer.update(i * FRAME, ahead(), [], trigger=True) for i in range(200)]
    assert all(select is None and gaze.target is None for select, gaze in results)
