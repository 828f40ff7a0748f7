"""An XmR chart ("Making Data Count"): the readings as dots coloured by their type, the mean, the process
limits (dashed) and the target, each segment with its own limits, and a line at each rebase labelled with
what caused it. Geometry only; templates/charts/xmr.html draws it as SVG.

It stays readable from 10 points to 2,000: dots shrink as they crowd, the line joining them thins, and the
date axis labels five dates whatever the span. A phone gets the same chart drawn narrower and taller, with
two dates, so that shrunk to the width of a 320 px screen its text stays readable; the page shows the one
that suits the screen (text is sized by the stylesheet, in the chart's own units).
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Mapping
from dataclasses import dataclass

from quest.metrics.spc import Number, PointType, Spc

WIDTH, HEIGHT = 800, 360
PHONE_WIDTH, PHONE_HEIGHT = 360, 300
LEFT, RIGHT, TOP, BOTTOM = 64, 24, 28, 40
DATE_LABELS = 4
PHONE_DATE_LABELS = 1
VALUE_TICKS = 5

# NHS England's Making Data Count colours.
COLOURS = {
    PointType.COMMON_CAUSE: "#a6a6a6",
    PointType.SPECIAL_CAUSE_IMPROVEMENT: "#00b0f0",
    PointType.SPECIAL_CAUSE_CONCERN: "#e46c0a",
    PointType.SPECIAL_CAUSE_NEUTRAL_HIGH: "#490092",
    PointType.SPECIAL_CAUSE_NEUTRAL_LOW: "#490092",
}
TARGET_COLOUR = "#de1b1b"


@dataclass(frozen=True, slots=True)
class Dot:
    x: float
    y: float
    colour: str
    point_type: PointType
    date: datetime.date
    value: float


@dataclass(frozen=True, slots=True)
class Level:
    """A horizontal line across one segment: its mean or a limit."""

    x1: float
    x2: float
    y: float
    value: float


@dataclass(frozen=True, slots=True)
class Rebase:
    x: float
    label: str
    anchor: str  # near the right edge the label goes to the left of its line


@dataclass(frozen=True, slots=True)
class Tick:
    position: float
    label: str
    anchor: str = "middle"  # the first and last dates keep inside the chart


@dataclass(frozen=True, slots=True)
class XmrChart:
    width: int
    height: int
    plot_left: int
    plot_right: int
    plot_top: int
    plot_bottom: int
    dots: tuple[Dot, ...]
    radius: float
    line: str  # "x,y x,y ..." joining the dots
    line_width: float
    means: tuple[Level, ...]
    upper_limits: tuple[Level, ...]
    lower_limits: tuple[Level, ...]
    target: Level | None
    rebases: tuple[Rebase, ...]
    value_ticks: tuple[Tick, ...]
    date_ticks: tuple[Tick, ...]
    phone: XmrChart | None = None  # the same chart for a phone's screen


def _nice_step(span: float, ticks: int) -> float:
    """A round step (1, 2 or 5 times a power of ten) giving about ``ticks`` intervals over ``span``."""
    raw = span / ticks if span > 0 else 1.0
    magnitude = 10.0 ** math.floor(math.log10(raw))
    return next(float(step * magnitude) for step in (1, 2, 5, 10) if raw <= step * magnitude)


def _number(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() or abs(value) >= 100 else f"{value:,.2g}"


def xmr_chart(
    spc: Spc,
    *,
    target: Number | None = None,
    rebase_labels: Mapping[datetime.date, str] | None = None,
    size: tuple[int, int, int] | None = None,
) -> XmrChart | None:
    """None when there is nothing to draw. ``size`` (width, height, date labels) draws one chart of that
    size; without it, the chart for a wide screen is drawn, and the phone's with it."""
    if not spc.points:
        return None
    labels = rebase_labels or {}
    values = [float(point.value) for point in spc.points]
    limits = [
        float(bound)
        for segment in spc.segments
        if (process := segment.limits.process()) is not None
        for bound in process
    ]
    extent = values + limits + ([float(target)] if target is not None else [])
    step = _nice_step(max(extent) - min(extent), VALUE_TICKS)
    low, high = math.floor(min(extent) / step) * step, math.ceil(max(extent) / step) * step
    if high == low:
        low, high = low - step, high + step
    width, height, date_labels = size or (WIDTH, HEIGHT, DATE_LABELS)
    plot_right, plot_bottom = width - RIGHT, height - BOTTOM
    first, last = spc.points[0].date, spc.points[-1].date
    days = max((last - first).days, 1)

    def x_of(day: datetime.date) -> float:
        return (
            round(LEFT + (day - first).days / days * (plot_right - LEFT), 1)
            if last != first
            else (LEFT + plot_right) / 2
        )

    def y_of(value: float) -> float:
        return round(plot_bottom - (value - low) / (high - low) * (plot_bottom - TOP), 1)

    count = len(spc.points)
    spacing = (plot_right - LEFT) / max(count - 1, 1)
    dots = tuple(
        Dot(
            x_of(point.date),
            y_of(float(point.value)),
            COLOURS[point.point_type],
            point.point_type,
            point.date,
            float(point.value),
        )
        for point in spc.points
    )

    def level(segment_index: int, value: float) -> Level:
        segment = spc.segments[segment_index]
        return Level(x_of(segment.start), x_of(segment.end), y_of(value), value)

    means, uppers, lowers = [], [], []
    for index, segment in enumerate(spc.segments):
        means.append(level(index, float(segment.limits.mean)))
        process = segment.limits.process()
        if process is not None:
            lowers.append(level(index, float(process[0])))
            uppers.append(level(index, float(process[1])))
    rebases = tuple(
        Rebase(
            x_of(segment.start),
            labels.get(segment.start, f"Rebased {segment.start:%d %b %Y}"),
            "end" if x_of(segment.start) > plot_right - 120 else "start",
        )
        for segment in spc.segments[1:]
    )
    value_ticks = tuple(
        Tick(y_of(low + index * step), _number(low + index * step)) for index in range(round((high - low) / step) + 1)
    )
    tick_days = list(
        dict.fromkeys(
            first + datetime.timedelta(days=round(days * step / date_labels)) for step in range(date_labels + 1)
        )
    )
    date_ticks = tuple(
        Tick(
            x_of(day),
            f"{day:%d %b %Y}" if days > 60 else f"{day:%d %b}",
            anchor="start" if index == 0 else "end" if index == len(tick_days) - 1 else "middle",
        )
        for index, day in enumerate(tick_days)
    )
    return XmrChart(
        width=width,
        height=height,
        plot_left=LEFT,
        plot_right=plot_right,
        plot_top=TOP,
        plot_bottom=plot_bottom,
        dots=dots,
        radius=round(min(4.0, max(1.2, spacing * 0.45)), 1),
        line=" ".join(f"{dot.x},{dot.y}" for dot in dots),
        line_width=1.5 if count <= 200 else 0.75,
        means=tuple(means),
        upper_limits=tuple(uppers),
        lower_limits=tuple(lowers),
        target=Level(LEFT, plot_right, y_of(float(target)), float(target)) if target is not None else None,
        rebases=rebases,
        value_ticks=value_ticks,
        date_ticks=date_ticks,
        phone=None
        if size
        else xmr_chart(
            spc, target=target, rebase_labels=rebase_labels, size=(PHONE_WIDTH, PHONE_HEIGHT, PHONE_DATE_LABELS)
        ),
    )
