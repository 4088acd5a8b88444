"""The safety layer: the hall's limits have the last word over what scenes and operators ask.

Scenes say how much wind or mist they want; ``hall.yaml`` says what each device may do.
Every request, from a scene or from ``exhibit effects set``, passes through here:

- ``max_on``: seconds a channel may stay on; then it is forced off and stays off until the
  request lets go (a scene that asks for 30 s of mist gets the hall's 8 s, not 8 s, a pause
  and 8 s more);
- ``min_off``: seconds a channel must rest after going off before it may come on again;
- ``max_rate``: flashes (off-to-on edges) per second; strobes and lightning never exceed
  :data:`FLASH_LIMIT` whatever the hall file says. A channel whose value sets the flash
  *speed* (``kind: strobe_rate``) is also capped at the value that gives that rate, since
  holding it on is flashing;
- operator disable per effect, and interlock inputs (doors open: spray off);
- PANIC: every channel at its safe value until cleared.

Pure: time is passed in, so tests drive it at any speed.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from exhibit.effects.motion import SeatPose
from exhibit.spec.hall import FLASH_LIMIT, FLASHING_EFFECTS, Channel, SeatLimits

#: Below this a level is "off": it rounds to DMX value 0.
ON_THRESHOLD = 0.5 / 255


@dataclass(frozen=True)
class Decision:
    """What one channel gets this refresh, and why it is not what was asked (``reason``)."""

    name: str
    requested: float
    level: float
    reason: str | None = None  # panic, disabled, interlock:<input>, max_on, min_off, max_rate

    @property
    def held(self) -> bool:
        return self.reason is not None


def max_rate_for(name: str, channel: Channel) -> float | None:
    """The flash-rate limit of a channel: the hall's ``max_rate``, never above 3/s for flashing effects."""
    rate = channel.max_rate
    if name in FLASHING_EFFECTS or channel.kind == "strobe_rate":
        return min(rate, FLASH_LIMIT) if rate is not None else FLASH_LIMIT
    return rate


def rate_cap(channel: Channel, max_rate: float | None) -> float:
    """The highest level of a ``strobe_rate`` channel: its flash rate at most ``max_rate`` (1.0 otherwise).

    Rounded down to a whole DMX step, so the value on the wire never rounds up past the rate.
    """
    if channel.kind != "strobe_rate" or channel.flashes_at_full is None:
        return 1.0
    allowed = min(max_rate or FLASH_LIMIT, FLASH_LIMIT) / channel.flashes_at_full
    return min(1.0, math.floor(allowed * 255 + 1e-9) / 255)


class ChannelGuard:
    """One channel's limits, with the little state they need (when it came on, when it went off)."""

    def __init__(self, name: str, channel: Channel) -> None:
        self.name = name
        self.channel = channel
        self.max_rate = max_rate_for(name, channel)
        self.cap = rate_cap(channel, self.max_rate)
        self._on_since: float | None = None  # following an "on" request since then
        self._off_since = -math.inf
        self._last_rise = -math.inf
        self._latched = False  # forced off by max_on; stays off until the request lets go

    @property
    def on(self) -> bool:
        return self._on_since is not None

    def decide(self, requested: float, now: float, block: str | None = None) -> Decision:
        level = min(1.0, max(0.0, requested)) if math.isfinite(requested) else 0.0
        safe = self.channel.safe
        if block is not None:
            self._go_off(now)
            return Decision(self.name, requested, safe, block)
        if level < ON_THRESHOLD:
            self._latched = False
            self._go_off(now)
            return Decision(self.name, requested, 0.0)  # off is exactly off, not a level DMX rounds away
        limits = self.channel
        if self._on_since is not None:
            if limits.max_on is not None and now - self._on_since >= limits.max_on:
                self._latched = True
                self._go_off(now)
                return Decision(self.name, requested, safe, "max_on")
            return self._capped(requested, level)
        if self._latched:
            return Decision(self.name, requested, safe, "max_on")
        if limits.min_off is not None and now - self._off_since < limits.min_off:
            return Decision(self.name, requested, safe, "min_off")
        if self.max_rate is not None and now - self._last_rise < 1.0 / self.max_rate:
            return Decision(self.name, requested, safe, "max_rate")
        self._on_since = now
        self._last_rise = now
        return self._capped(requested, level)

    def _capped(self, requested: float, level: float) -> Decision:
        if level > self.cap:
            return Decision(self.name, requested, self.cap, "max_rate")
        return Decision(self.name, requested, level)

    def rest_left(self, now: float) -> float:
        """Seconds until ``min_off`` lets the channel come on again (0 when it may)."""
        if self.channel.min_off is None or self._on_since is not None:
            return 0.0
        return max(0.0, self.channel.min_off - (now - self._off_since))

    def _go_off(self, now: float) -> None:
        if self._on_since is not None:
            self._on_since = None
            self._off_since = now


class Safety:
    """The guards of every channel, plus the hall-wide holds: PANIC, disables and interlocks.

    Effects the hall does not map get a default (simulated) channel on first use, so a
    scene's new effect is still limited and logged.
    """

    def __init__(self, channels: Mapping[str, Channel]) -> None:
        self._guards: dict[str, ChannelGuard] = {name: ChannelGuard(name, ch) for name, ch in channels.items()}
        self.disabled: set[str] = set()
        self.inputs: set[str] = set()  # interlock inputs that are active now (e.g. doors_open)
        self.panicked = False

    # -- holds ---------------------------------------------------------------------------------

    def panic(self) -> None:
        self.panicked = True

    def clear(self) -> None:
        self.panicked = False

    def disable(self, name: str) -> None:
        self.disabled.add(name)

    def enable(self, name: str) -> None:
        self.disabled.discard(name)

    def set_input(self, name: str, active: bool) -> None:
        if active:
            self.inputs.add(name)
        else:
            self.inputs.discard(name)

    # -- deciding ------------------------------------------------------------------------------

    def guard(self, name: str) -> ChannelGuard:
        found = self._guards.get(name)
        if found is None:
            found = self._guards[name] = ChannelGuard(name, Channel())
        return found

    @property
    def names(self) -> list[str]:
        return list(self._guards)

    def block_for(self, name: str) -> str | None:
        if self.panicked:
            return "panic"
        if name in self.disabled:
            return "disabled"
        for inp in self.guard(name).channel.interlock:
            if inp in self.inputs:
                return f"interlock:{inp}"
        return None

    def decide(self, requested: Mapping[str, float], now: float) -> dict[str, Decision]:
        """A decision for every channel; a channel nobody asks for is asked for its safe value."""
        for name in requested:
            self.guard(name)
        return {name: guard.decide(requested.get(name, guard.channel.safe), now, self.block_for(name))
                for name, guard in self._guards.items()}

    def safe_levels(self, names: Iterable[str] | None = None) -> dict[str, float]:
        return {name: self.guard(name).channel.safe for name in (names if names is not None else self._guards)}

    def pose(self, name: str, pose: SeatPose | None, decision: Decision) -> SeatPose | None:
        """A seat's pose within its limits; neutral whenever its level is held or off."""
        if pose is None:
            return None
        if decision.held or decision.level < ON_THRESHOLD:
            return SeatPose.NEUTRAL
        return pose.clamped(self.guard(name).channel.limits or SeatLimits())
