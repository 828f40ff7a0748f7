"""A Pareto chart: bars from the largest down, and the running share as a line, with the 80% mark.

Drawn for a phone first: narrow and tall, so that shrunk to a 320 px screen its text (sized in the chart's
own units, in templates/charts/pareto.html) stays readable; the stylesheet caps its width on a wide screen.
The bars' names slope steeply, so a dozen fit side by side.
"""

from __future__ import annotations

import decimal
import math
from collections.abc import Sequence
from dataclasses import dataclass

from quest.charts.canvas import Canvas
from quest.waste.rules import ParetoBar

LEFT, RIGHT, TOP, BOTTOM = 64, 48, 16, 124
SHORT_LABEL = 16


@dataclass(frozen=True, slots=True)
class DrawnBar:
    number: int
    label: str
    short_label: str
    hours: decimal.Decimal
    cumulative_percent: decimal.Decimal
    x: float
    y: float
    width: float
    height: float
    centre: float


@dataclass(frozen=True, slots=True)
class Tick:
    value: int
    y: float


@dataclass(frozen=True, slots=True)
class ParetoChart(Canvas):
    bars: tuple[DrawnBar, ...]
    cumulative_points: str
    eighty_percent_y: float
    hour_ticks: tuple[Tick, ...]
    percent_ticks: tuple[Tick, ...]


def _nice_ceiling(value: float) -> int:
    """A round number at or above ``value`` for the top of the axis: 1, 2 or 5 times a power of ten."""
    if value <= 0:
        return 1
    magnitude = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 5, 10):
        if value <= step * magnitude:
            return int(step * magnitude)
    return int(10 * magnitude)


def pareto_chart(bars: Sequence[ParetoBar], width: int = 360, height: int = 400) -> ParetoChart | None:
    if not bars:
        return None
    plot_width = width - LEFT - RIGHT
    plot_height = height - TOP - BOTTOM
    top_value = _nice_ceiling(float(bars[0].hours))
    slot = plot_width / len(bars)
    bar_width = slot * 0.7
    drawn = []
    points = []
    for index, bar in enumerate(bars):
        bar_height = float(bar.hours) / top_value * plot_height
        x = LEFT + index * slot + (slot - bar_width) / 2
        centre = LEFT + index * slot + slot / 2
        drawn.append(
            DrawnBar(
                number=index + 1,
                label=bar.label,
                short_label=bar.label if len(bar.label) <= SHORT_LABEL else bar.label[: SHORT_LABEL - 1] + "…",
                hours=bar.hours,
                cumulative_percent=(bar.cumulative * 100).quantize(decimal.Decimal("0.1")),
                x=round(x, 1),
                y=round(TOP + plot_height - bar_height, 1),
                width=round(bar_width, 1),
                height=round(bar_height, 1),
                centre=round(centre, 1),
            )
        )
        points.append(f"{round(centre, 1)},{round(TOP + plot_height * (1 - float(bar.cumulative)), 1)}")
    return ParetoChart(
        width=width,
        height=height,
        plot_left=LEFT,
        plot_right=width - RIGHT,
        plot_top=TOP,
        plot_bottom=TOP + plot_height,
        bars=tuple(drawn),
        cumulative_points=" ".join(points),
        eighty_percent_y=round(TOP + plot_height * 0.2, 1),
        hour_ticks=tuple(
            Tick(top_value * step // 4, round(TOP + plot_height * (1 - step / 4), 1)) for step in range(5)
        ),
        percent_ticks=tuple(Tick(25 * step, round(TOP + plot_height * (1 - step / 4), 1)) for step in range(5)),
    )
