"""What every chart shares: its size and the box its data is plotted in, in the SVG's own units (the
templates in templates/charts draw the axes along that box)."""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Canvas:
    width: int
    height: int
    plot_left: int
    plot_right: int
    plot_top: int
    plot_bottom: int


@dataclass(frozen=True, slots=True)
class Tick:
    """A mark on an axis: where, and what it says."""

    position: float
    label: str
    anchor: str = "middle"  # the first and last dates keep inside the chart


def nice_step(span: float, ticks: int) -> float:
    """A round step (1, 2 or 5 times a power of ten) giving about ``ticks`` intervals over ``span``."""
    raw = span / ticks if span > 0 else 1.0
    magnitude = 10.0 ** math.floor(math.log10(raw))
    return next(float(step * magnitude) for step in (1, 2, 5, 10) if raw <= step * magnitude)
