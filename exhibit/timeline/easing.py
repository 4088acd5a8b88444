"""Easing functions: tiny pure maps from progress u in [0, 1] to eased progress."""

from __future__ import annotations

import math
from collections.abc import Callable

Ease = Callable[[float], float]


def linear(u: float) -> float:
    return u


def in_quad(u: float) -> float:
    return u * u


def out_quad(u: float) -> float:
    return 1.0 - (1.0 - u) * (1.0 - u)


def in_out_quad(u: float) -> float:
    return 2.0 * u * u if u < 0.5 else 1.0 - (-2.0 * u + 2.0) ** 2 / 2.0


def in_cubic(u: float) -> float:
    return u * u * u


def out_cubic(u: float) -> float:
    return 1.0 - (1.0 - u) ** 3


def in_out_cubic(u: float) -> float:
    return 4.0 * u * u * u if u < 0.5 else 1.0 - (-2.0 * u + 2.0) ** 3 / 2.0


def in_out_sine(u: float) -> float:
    return -(math.cos(math.pi * u) - 1.0) / 2.0


EASINGS: dict[str, Ease] = {
    "linear": linear,
    "in_quad": in_quad,
    "out_quad": out_quad,
    "in_out_quad": in_out_quad,
    "in_cubic": in_cubic,
    "out_cubic": out_cubic,
    "in_out_cubic": in_out_cubic,
    "in_out_sine": in_out_sine,
}


def ease(name: str, u: float) -> float:
    """Eased progress, with u clamped to [0, 1]."""
    return EASINGS[name](0.0 if u <= 0.0 else 1.0 if u >= 1.0 else u)
