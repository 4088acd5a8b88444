"""The safety layer: the hall's limits win over whatever a scene or an operator asks."""

from __future__ import annotations

import math

from hypothesis import given, settings
from hypothesis import strategies as st

from exhibit.effects.motion import SeatPose
from exhibit.effects.safety import FLASH_LIMIT, Safety
from exhibit.spec.hall import Channel, SeatLimits

FRAME = 1 / 40


def run(safety: Safety, name: str, request: callable, until: float) -> list[tuple[float, float, str | None]]:  # type: ignore[valid-type]
    """Drive one channel frame by frame; (t, level out, reason) per frame."""
    out = []
    for k in range(int(until / FRAME) + 1):
        t = k * FRAME
        d = safety.decide({name: request(t)}, t)[name]
        out.append((t, d.level, d.reason))
    return out


def on_spans(frames: list[tuple[float, float, str | None]]) -> list[tuple[float, float]]:
    spans, start = [], None
    for t, level, _ in frames:
        if level > 0 and start is None:
            start = t
        elif level == 0 and start is not None:
            spans.append((start, t))
            start = None
    if start is not None:
        spans.append((start, frames[-1][0]))
    return spans


def test_max_on_forces_off_and_holds_until_the_request_lets_go() -> None:
    safety = Safety({"mist": Channel(max_on=8, min_off=20)})
    frames = run(safety, "mist", lambda t: 1.0 if t < 30 else 0.0, 35)
    assert on_spans(frames) == [(0.0, 8.0)]
    held = {reason for t, _, reason in frames if 8 <= t < 30}
    assert held == {"max_on"}


def test_min_off_rests_a_channel_before_it_may_come_on_again() -> None:
    safety = Safety({"mist": Channel(min_off=20)})
    # on 0..5, off, asked again at 10 (too soon: rest until 25) and it holds on until 40
    frames = run(safety, "mist", lambda t: 0.7 if t < 5 or 10 <= t < 40 else 0.0, 45)
    spans = on_spans(frames)
    assert spans[0] == (0.0, 5.0)
    assert math.isclose(spans[1][0], 25.0, abs_tol=FRAME)
    assert {r for t, _, r in frames if 10 <= t < 24.9} == {"min_off"}
    assert all(level == 0.7 for t, level, _ in frames if 25.1 < t < 40)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.floats(0.005, 0.4), st.floats(0.0, 1.0)), min_size=5, max_size=120),
       st.sampled_from([None, 2.0, 3.0, 10.0, 50.0]))
def test_strobe_never_flashes_more_than_three_times_a_second(steps: list[tuple[float, float]],
                                                             hall_rate: float | None) -> None:
    safety = Safety({"strobe": Channel(max_rate=hall_rate)})
    t, was_on, rises = 0.0, False, []
    for dt, level in steps:
        t += dt
        out = safety.decide({"strobe": level}, t)["strobe"].level
        if out > 0 and not was_on:
            rises.append(t)
        was_on = out > 0
    limit = min(hall_rate or FLASH_LIMIT, FLASH_LIMIT)
    assert all(b - a >= 1 / limit - 1e-9 for a, b in zip(rises, rises[1:], strict=False))
    for start in rises:  # any one-second window
        assert sum(1 for r in rises if start <= r < start + 1.0) <= FLASH_LIMIT


def test_a_scene_asking_ten_flashes_a_second_gets_three() -> None:
    safety = Safety({"strobe": Channel(max_rate=10)})
    frames = run(safety, "strobe", lambda t: 1.0 if (t * 10) % 1 < 0.5 else 0.0, 4.0)
    flashes = on_spans(frames)
    assert 11 <= len(flashes) <= 12  # 3 per second over 4 s (the first at t = 0)
    assert {r for _, _, r in frames if r} == {"max_rate"}


def test_an_unmapped_lightning_is_still_limited() -> None:
    safety = Safety({})
    frames = run(safety, "lightning", lambda t: 1.0 if (t * 20) % 1 < 0.5 else 0.0, 2.0)
    assert len(on_spans(frames)) <= 6


def test_operator_disable_and_enable() -> None:
    safety = Safety({"wind": Channel(), "mist": Channel()})
    safety.disable("wind")
    d = safety.decide({"wind": 0.9, "mist": 0.5}, 0.0)
    assert (d["wind"].level, d["wind"].reason) == (0.0, "disabled")
    assert d["mist"].level == 0.5
    safety.enable("wind")
    assert safety.decide({"wind": 0.9}, 0.1)["wind"].level == 0.9


def test_doors_open_turn_the_spray_off_and_nothing_else() -> None:
    safety = Safety({"spray": Channel(interlock=["doors_open"]), "wind": Channel()})
    safety.set_input("doors_open", True)
    d = safety.decide({"spray": 1.0, "wind": 1.0}, 0.0)
    assert (d["spray"].level, d["spray"].reason) == (0.0, "interlock:doors_open")
    assert d["wind"].level == 1.0
    safety.set_input("doors_open", False)
    assert safety.decide({"spray": 1.0}, 1.0)["spray"].level == 1.0


def test_panic_puts_every_channel_at_its_safe_value_until_cleared() -> None:
    safety = Safety({"wind": Channel(), "fan": Channel(safe=0.2), "mist": Channel()})
    safety.decide({"wind": 1.0, "fan": 1.0, "mist": 1.0}, 0.0)
    safety.panic()
    d = safety.decide({"wind": 1.0, "fan": 1.0, "mist": 1.0}, 0.1)
    assert {k: (v.level, v.reason) for k, v in d.items()} == {
        "wind": (0.0, "panic"), "fan": (0.2, "panic"), "mist": (0.0, "panic")}
    safety.clear()
    assert safety.decide({"wind": 1.0}, 0.2)["wind"].level == 1.0


def test_unrequested_channels_rest_at_their_safe_value() -> None:
    safety = Safety({"fan": Channel(safe=0.3), "wind": Channel()})
    d = safety.decide({}, 0.0)
    assert d["fan"].level == 0.3 and d["wind"].level == 0.0


def test_levels_are_clamped_and_nonsense_is_off() -> None:
    safety = Safety({"wind": Channel()})
    assert safety.decide({"wind": 7.0}, 0.0)["wind"].level == 1.0
    assert safety.decide({"wind": float("nan")}, 0.1)["wind"].level == 0.0
    assert safety.decide({"wind": -1.0}, 0.2)["wind"].level == 0.0


def test_seat_pose_stays_in_its_limits_and_is_neutral_when_held() -> None:
    safety = Safety({"seat": Channel(limits=SeatLimits(pitch=5, roll=4, heave=0.02))})
    d = safety.decide({"seat": 1.0}, 0.0)["seat"]
    assert safety.pose("seat", SeatPose(30, -30, 1.0), d) == SeatPose(5, -4, 0.02)
    safety.panic()
    held = safety.decide({"seat": 1.0}, 0.1)["seat"]
    assert safety.pose("seat", SeatPose(3, 3, 0.01), held) == SeatPose.NEUTRAL


@given(top=st.floats(0.5, 60.0), asked=st.floats(0.0, 1.0), max_rate=st.one_of(st.none(), st.floats(0.1, 20.0)))
@settings(max_examples=200, deadline=None)
def test_a_strobe_rate_channel_never_asks_the_fixture_for_more_than_three_flashes_a_second(
        top: float, asked: float, max_rate: float | None) -> None:
    channel = Channel(kind="strobe_rate", flashes_at_full=top, max_rate=max_rate)
    decision = Safety({"beacon": channel}).decide({"beacon": asked}, 0.0)["beacon"]
    dmx = round(decision.level * 255)
    assert dmx / 255 * top <= min(FLASH_LIMIT, max_rate or FLASH_LIMIT) + 1e-9  # the rate the fixture makes
    if decision.level > 0 and decision.level < asked:
        assert decision.reason == "max_rate"


def test_an_intensity_channel_held_full_is_not_capped() -> None:
    decision = Safety({"strobe": Channel()}).decide({"strobe": 1.0}, 0.0)["strobe"]
    assert (decision.level, decision.reason) == (1.0, None)
