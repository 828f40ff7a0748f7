"""A funnel plot (Spiegelhalter, "Funnel plots for comparing institutional performance", Statistics in
Medicine 2005): each unit's rate against its size, the overall rate, and the 95% (dashed) and 99.8% limits
around it, which narrow as the size grows. Geometry only; templates/charts/funnel.html draws it as SVG,
with the figures in a table beside it. The statistics are quest.dashboards.funnels'.

Dots take the Making Data Count colours: grey within the 99.8% limits; outside them blue where that is
better, orange where it is worse, purple when neither way is better. The chosen unit is a larger dot with
its name; the units it is compared with (its similar forces) are ringed. Units with too little data are not
plotted: the table lists them apart.

Like the XmR chart it is drawn twice, wide and for a phone (narrower and taller, with fewer ticks), and the
stylesheet shows the one that suits the screen; text is sized in the chart's own units.
"""

from __future__ import annotations

import math
from collections.abc import Collection
from dataclasses import dataclass
from typing import Literal

from quest.charts.canvas import Canvas, Tick, nice_step
from quest.charts.xmr import COLOURS, text_width
from quest.dashboards.funnels import Funnel, FunnelPoint, Position, named_outliers
from quest.metrics.spc import PointType

Better = Literal["higher", "lower"] | None

WIDTH, HEIGHT = 800, 360
PHONE_WIDTH, PHONE_HEIGHT = 360, 320
LEFT, RIGHT, TOP, BOTTOM = 64, 24, 16, 48
TICKS, PHONE_TICKS = 5, 3
RADIUS, HIGHLIGHT_RADIUS, RING_RADIUS = 4.0, 6.5, 8.0

# What each kind of dot is, as a class the tests and the stylesheet can find, and its MDC colour.
KINDS = {
    "common": COLOURS[PointType.COMMON_CAUSE],
    "improvement": COLOURS[PointType.SPECIAL_CAUSE_IMPROVEMENT],
    "concern": COLOURS[PointType.SPECIAL_CAUSE_CONCERN],
    "neutral": COLOURS[PointType.SPECIAL_CAUSE_NEUTRAL_HIGH],
}


@dataclass(frozen=True, slots=True)
class FunnelDot:
    x: float
    y: float
    radius: float
    kind: str  # a key of KINDS
    colour: str
    point: FunnelPoint
    highlighted: bool
    marked: bool
    label_x: float
    label_anchor: str


@dataclass(frozen=True, slots=True)
class FunnelChart(Canvas):
    dots: tuple[FunnelDot, ...]
    overall_y: float
    # "x,y x,y ..." at every size in the funnel's limits, smallest first.
    lower_95: str
    upper_95: str
    lower_998: str
    upper_998: str
    x_ticks: tuple[Tick, ...]
    y_ticks: tuple[Tick, ...]
    description: str
    phone: FunnelChart | None = None


def dot_kind(position: Position | None, better: Better) -> str:
    """A dot's kind from where it lies and which way is better."""
    if position is None or position is Position.WITHIN:
        return "common"
    if better is None:
        return "neutral"
    return "improvement" if (position is Position.ABOVE) == (better == "higher") else "concern"


def _axis(low: float, high: float, ticks: int) -> tuple[float, float, float]:
    step = nice_step(high - low, ticks)
    bottom, top = math.floor(low / step) * step, math.ceil(high / step) * step
    if top == bottom:
        bottom, top = bottom - step, top + step
    return bottom, top, step


def tick_label(value: float, step: float) -> str:
    places = max(0, -math.floor(math.log10(step))) if step < 1 else 0
    return f"{value:,.{places}f}"


def describe(funnel: Funnel, better: Better, unit_word: str = "unit") -> str:
    """The chart in words, for its <desc>: what is plotted, the overall rate, and who lies outside."""
    outliers = named_outliers(funnel)
    plotted = sum(1 for point in funnel.points if point.position is not None)
    little = [point.unit_name for point in funnel.points if point.too_little_data]
    scale = f" per {funnel.per:,}" if funnel.per != 1 else ""
    units = unit_word if plotted == 1 else f"{unit_word}s"
    parts = [f"Funnel plot of {funnel.measure}{scale} against size for {plotted} {units}."]
    if funnel.overall_rate is not None:
        parts.append(f"The overall rate is {funnel.overall_rate:,.3g}.")
    for side, points in (("above", outliers.above), ("below", outliers.below)):
        if points:
            judged = ""
            if better is not None:
                judged = ", better" if (side == "above") == (better == "higher") else ", worse"
            names = ", ".join(point.unit_name for point in points)
            parts.append(f"Outside the 99.8% limits, {side}{judged}: {names}.")
    if plotted:
        rest = "All are" if not outliers.above and not outliers.below else f"The other {outliers.within} are"
        parts.append(f"{rest} within expected variation.")
    if little:
        parts.append(f"Too little data to plot: {', '.join(little)}.")
    return " ".join(parts)


def funnel_chart(
    funnel: Funnel,
    *,
    better: Better = None,
    highlighted: Collection[str] = (),
    marked: Collection[str] = (),
    unit_word: str = "unit",
    size: tuple[int, int, int] | None = None,
) -> FunnelChart | None:
    """The chart of ``funnel``, or None when no unit has enough data to plot. ``highlighted`` and
    ``marked`` are unit codes: the chosen unit, and those it is compared with. ``size`` (width, height,
    ticks) draws one chart of that size; without it the wide chart is drawn, and the phone's with it."""
    plotted = [point for point in funnel.points if point.position is not None and point.rate is not None]
    if funnel.overall_rate is None or not plotted or not funnel.limits:
        return None
    width, height, ticks = size or (WIDTH, HEIGHT, TICKS)
    plot_left, plot_right, plot_top, plot_bottom = LEFT, width - RIGHT, TOP, height - BOTTOM
    sizes = [float(point.denominator) for point in plotted] + [row.denominator for row in funnel.limits]
    x_low, x_high, x_step = _axis(0.0, max(sizes), ticks)
    rates = [point.rate for point in plotted if point.rate is not None]
    extent = [*rates, funnel.overall_rate]
    for row in funnel.limits:
        extent.extend((row.lower_998, row.upper_998))
    y_low, y_high, y_step = _axis(min(extent), max(extent), ticks)

    def x_of(value: float) -> float:
        return round(plot_left + (value - x_low) / (x_high - x_low) * (plot_right - plot_left), 1)

    def y_of(value: float) -> float:
        return round(plot_bottom - (value - y_low) / (y_high - y_low) * (plot_bottom - plot_top), 1)

    def line(values: list[tuple[float, float]]) -> str:
        return " ".join(f"{x_of(size)},{y_of(value)}" for size, value in values)

    dots = []
    for point in plotted:
        assert point.rate is not None
        x, y = x_of(float(point.denominator)), y_of(point.rate)
        kind = dot_kind(point.position, better)
        is_highlighted = point.unit_code in highlighted
        radius = HIGHLIGHT_RADIUS if is_highlighted else RADIUS
        # The chosen unit's name goes beside its dot, on the side with room.
        room_right = plot_right - (x + radius + 4)
        anchor = "start" if room_right >= text_width(point.unit_name) else "end"
        dots.append(
            FunnelDot(
                x=x,
                y=y,
                radius=radius,
                kind=kind,
                colour=KINDS[kind],
                point=point,
                highlighted=is_highlighted,
                marked=point.unit_code in marked,
                label_x=round(x + radius + 4 if anchor == "start" else x - radius - 4, 1),
                label_anchor=anchor,
            )
        )
    # The chosen unit last, so it is drawn on top.
    dots.sort(key=lambda dot: (dot.highlighted, dot.marked))
    limits = funnel.limits
    return FunnelChart(
        width=width,
        height=height,
        plot_left=plot_left,
        plot_right=plot_right,
        plot_top=plot_top,
        plot_bottom=plot_bottom,
        dots=tuple(dots),
        overall_y=y_of(funnel.overall_rate),
        lower_95=line([(row.denominator, row.lower_95) for row in limits]),
        upper_95=line([(row.denominator, row.upper_95) for row in limits]),
        lower_998=line([(row.denominator, row.lower_998) for row in limits]),
        upper_998=line([(row.denominator, row.upper_998) for row in limits]),
        x_ticks=tuple(
            Tick(x_of(x_low + index * x_step), tick_label(x_low + index * x_step, x_step))
            for index in range(round((x_high - x_low) / x_step) + 1)
        ),
        y_ticks=tuple(
            Tick(y_of(y_low + index * y_step), tick_label(y_low + index * y_step, y_step))
            for index in range(round((y_high - y_low) / y_step) + 1)
        ),
        description=describe(funnel, better, unit_word),
        phone=None
        if size
        else funnel_chart(
            funnel,
            better=better,
            highlighted=highlighted,
            marked=marked,
            unit_word=unit_word,
            size=(PHONE_WIDTH, PHONE_HEIGHT, PHONE_TICKS),
        ),
    )
