"""A sparkline: the last few values of a measure as a small line, the latest marked."""

from __future__ import annotations

import decimal
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Sparkline:
    width: int
    height: int
    points: str  # "x,y x,y ..." for a <polyline>
    last_x: float
    last_y: float
    lowest: decimal.Decimal
    highest: decimal.Decimal


def sparkline(values: Sequence[decimal.Decimal], width: int = 120, height: int = 32, pad: int = 3) -> Sparkline | None:
    """None when there is nothing to draw. A flat series is drawn along the middle."""
    if not values:
        return None
    lowest, highest = min(values), max(values)
    spread = highest - lowest
    step = (width - 2 * pad) / (len(values) - 1) if len(values) > 1 else 0
    coordinates = []
    for index, value in enumerate(values):
        x = pad + index * step if len(values) > 1 else width / 2
        y = height / 2 if not spread else pad + float((highest - value) / spread) * (height - 2 * pad)
        coordinates.append((round(x, 1), round(y, 1)))
    return Sparkline(
        width=width,
        height=height,
        points=" ".join(f"{x},{y}" for x, y in coordinates),
        last_x=coordinates[-1][0],
        last_y=coordinates[-1][1],
        lowest=lowest,
        highest=highest,
    )
