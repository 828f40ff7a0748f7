"""An XmR chart ("Making Data Count"): the readings as dots coloured by their type, the mean, the process
limits (dashed) and the target, each segment with its own limits, and a line at each rebase labelled with
what caused it. Geometry only; templates/charts/xmr.html draws it as SVG.

The labels above the plot (each rebase's, and a note on each segment that has no limits, saying why) are
laid out so that none overlap, however close the changes: each goes beside its line, to the right or else
to the left, on the lowest row where it fits; the chart grows taller by a row for each extra row needed.
Text width is estimated from the character count at the largest size the stylesheet sets.

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

from quest.charts.canvas import Canvas, Tick, nice_step
from quest.metrics.spc import NoLimits, Number, PointType, Spc

WIDTH, HEIGHT = 800, 360
PHONE_WIDTH, PHONE_HEIGHT = 360, 300
LEFT, RIGHT, TOP, BOTTOM = 64, 24, 28, 40
DATE_LABELS = 4
PHONE_DATE_LABELS = 1
VALUE_TICKS = 5

# Labels above the plot: quest.scss sets .quest-xmr__label at 13 chart units, 15 on a phone; lay out for 15.
LABEL_FONT = 15
CHARACTER_WIDTH = 0.62 * LABEL_FONT  # an average glyph of a sans-serif face, with room to spare
LABEL_ASCENT, LABEL_DESCENT = 0.8 * LABEL_FONT, 0.25 * LABEL_FONT
LABEL_ROW = 20  # baseline to baseline: taller than a line of text, so rows never touch
LABEL_GAP = 8  # between two labels on one row
LABEL_OFFSET = 4  # between a label and its line
LABEL_BASELINE = 12  # the first row's baseline, above the plot
NO_LIMITS = {NoLimits.ONE_POINT: "No limits: one reading", NoLimits.NO_VARIATION: "No limits: no variation"}

# NHS England's Making Data Count colours.
COLOURS = {
    PointType.COMMON_CAUSE: "#a6a6a6",
    PointType.SPECIAL_CAUSE_IMPROVEMENT: "#00b0f0",
    PointType.SPECIAL_CAUSE_CONCERN: "#e46c0a",
    PointType.SPECIAL_CAUSE_NEUTRAL_HIGH: "#490092",
    PointType.SPECIAL_CAUSE_NEUTRAL_LOW: "#490092",
}
TARGET_COLOUR = "#de1b1b"


# Not frozen: a frozen dataclass sets each field through object.__setattr__, three times the cost, and a
# chart of five years' daily readings draws 1,827 dots twice (wide and phone) on every view.
@dataclass(slots=True)
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
class Label:
    """Text above the plot, beside the line or segment start at ``x``: it begins at ``text_x`` (or ends
    there when ``anchor`` is "end") on ``row`` (0 nearest the plot), with its baseline at ``y``."""

    x: float
    label: str
    anchor: str
    text_x: float
    y: float
    row: int
    box: tuple[float, float, float, float]  # left, top, right, bottom: the room the text takes, estimated


@dataclass(frozen=True, slots=True)
class XmrChart(Canvas):
    dots: tuple[Dot, ...]
    radius: float
    line: str  # "x,y x,y ..." joining the dots
    line_width: float
    means: tuple[Level, ...]
    upper_limits: tuple[Level, ...]
    lower_limits: tuple[Level, ...]
    target: Level | None
    rebases: tuple[Label, ...]
    # Where a segment has no process limits, a note at its start saying why.
    notes: tuple[Label, ...]
    value_ticks: tuple[Tick, ...]
    date_ticks: tuple[Tick, ...]
    # Whether every dot has a title (its date and value, on hover), or only those that carry a signal.
    every_dot_named: bool
    phone: XmrChart | None = None  # the same chart for a phone's screen


# A chart of more dots than this names only those that carry a signal (a title each on hover): a title on
# each of 1,827 dots is page weight nobody reads.
NAMED_DOTS = 500


def _number(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() or abs(value) >= 100 else f"{value:,.2g}"


def text_width(text: str) -> float:
    return len(text) * CHARACTER_WIDTH


def _fit(text: str, room: float) -> str:
    """``text``, cut short with an ellipsis if it would be wider than ``room``."""
    if text_width(text) <= room:
        return text
    return text[: max(int(room / CHARACTER_WIDTH) - 1, 1)].rstrip(" ,") + "…"


def rows_needed(labels: list[Label]) -> int:
    return max((label.row + 1 for label in labels), default=0)


def lay_out_labels(wanted: list[tuple[float, str]], *, left: float, right: float) -> list[Label]:
    """Labels for lines at x, in the order given, none overlapping and all between ``left`` and ``right``:
    each to the right of its line or else to the left, on the lowest row where it fits (taken in order of
    x). The top row sits at the top of the chart; the plot starts below the lowest (see ``plot_top_for``)."""
    taken: list[list[tuple[float, float]]] = []
    placements: dict[int, tuple[str, str, float, float, int]] = {}
    for index in sorted(range(len(wanted)), key=lambda position: wanted[position][0]):
        x, text = wanted[index][0], _fit(wanted[index][1], right - left)
        width = text_width(text)
        sides = [
            ("start", x + LABEL_OFFSET, x + LABEL_OFFSET + width),
            ("end", x - LABEL_OFFSET - width, x - LABEL_OFFSET),
        ]
        fitting = [side for side in sides if side[1] >= left and side[2] <= right]
        if not fitting:  # too wide for either side: as near its line as the edges allow
            begin = min(max(x - width / 2, left), right - width)
            fitting = [("start", begin, begin + width)]
        row = 0
        while True:
            if row == len(taken):
                taken.append([])
            free = next(
                (
                    side
                    for side in fitting
                    if all(side[2] + LABEL_GAP <= begin or end + LABEL_GAP <= side[1] for begin, end in taken[row])
                ),
                None,
            )
            if free is not None:
                break
            row += 1
        anchor, begin, end = free
        taken[row].append((begin, end))
        placements[index] = (text, anchor, begin, end, row)
    first_baseline = plot_top_for(len(taken)) - LABEL_BASELINE
    labels = []
    for index, (x, _wanted) in enumerate(wanted):
        text, anchor, begin, end, row = placements[index]
        baseline = first_baseline - row * LABEL_ROW
        labels.append(
            Label(
                x=x,
                label=text,
                anchor=anchor,
                text_x=round(begin if anchor == "start" else end, 1),
                y=round(baseline, 1),
                row=row,
                box=(
                    round(begin, 1),
                    round(baseline - LABEL_ASCENT, 1),
                    round(end, 1),
                    round(baseline + LABEL_DESCENT, 1),
                ),
            )
        )
    return labels


def plot_top_for(rows: int) -> int:
    """Where the plot starts when the labels above it take ``rows`` rows."""
    return TOP + max(rows - 1, 0) * LABEL_ROW


def _rebase_texts(spc: Spc, labels: Mapping[datetime.date, str]) -> list[str]:
    """What each rebase line says: the labels of the change dates it stands for (a change between two
    readings starts the new segment at the next reading), or the date it rebased on."""
    texts = []
    for previous, segment in zip(spc.segments, spc.segments[1:], strict=False):
        causes = [text for day, text in sorted(labels.items()) if previous.end < day <= segment.start]
        texts.append(", ".join(causes) if causes else f"Rebased {segment.start:%d %b %Y}")
    return texts


def xmr_chart(
    spc: Spc,
    *,
    target: Number | None = None,
    rebase_labels: Mapping[datetime.date, str] | None = None,
    size: tuple[int, int, int] | None = None,
    name_dots: bool = True,
) -> XmrChart | None:
    """None when there is nothing to draw. ``size`` (width, height, date labels) draws one chart of that
    size; without it, the chart for a wide screen is drawn, and the phone's with it. Every dot is named
    (a title with its date and value) up to :data:`NAMED_DOTS` of them, unless ``name_dots`` is false (a
    dashboard's small chart): then, as on a crowded chart, only the dots that carry a signal."""
    if not spc.points:
        return None
    labels = rebase_labels or {}
    width, plot_height, date_labels = size or (WIDTH, HEIGHT, DATE_LABELS)
    first, last = spc.points[0].date, spc.points[-1].date
    days = max((last - first).days, 1)
    plot_right = width - RIGHT

    def x_of(day: datetime.date) -> float:
        return (
            round(LEFT + (day - first).days / days * (plot_right - LEFT), 1)
            if last != first
            else (LEFT + plot_right) / 2
        )

    # The labels first: the rows they need push the plot down, and the chart grows to keep its plot.
    rebase_texts = [
        (x_of(segment.start), text) for segment, text in zip(spc.segments[1:], _rebase_texts(spc, labels), strict=True)
    ]
    note_texts = [
        (x_of(segment.start), NO_LIMITS[segment.limits.missing])
        for segment in spc.segments
        if segment.limits.missing is not None
    ]
    placed = lay_out_labels([*rebase_texts, *note_texts], left=0, right=width)
    rebases, notes = tuple(placed[: len(rebase_texts)]), tuple(placed[len(rebase_texts) :])
    plot_top = plot_top_for(rows_needed(placed))
    height = plot_height + plot_top - TOP
    values = [point.number for point in spc.points]
    limits = [
        float(bound)
        for segment in spc.segments
        if (process := segment.limits.process()) is not None
        for bound in process
    ]
    extent = values + limits + ([float(target)] if target is not None else [])
    step = nice_step(max(extent) - min(extent), VALUE_TICKS)
    low, high = math.floor(min(extent) / step) * step, math.ceil(max(extent) / step) * step
    if high == low:
        low, high = low - step, high + step
    plot_bottom = height - BOTTOM

    def y_of(value: float) -> float:
        return round(plot_bottom - (value - low) / (high - low) * (plot_bottom - plot_top), 1)

    count = len(spc.points)
    spacing = (plot_right - LEFT) / max(count - 1, 1)
    dots = tuple(
        Dot(
            x_of(point.date),
            y_of(point.number),
            COLOURS[point.point_type],
            point.point_type,
            point.date,
            point.number,
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
        plot_top=plot_top,
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
        notes=notes,
        value_ticks=value_ticks,
        date_ticks=date_ticks,
        every_dot_named=name_dots and count <= NAMED_DOTS,
        phone=None
        if size
        else xmr_chart(
            spc,
            target=target,
            rebase_labels=rebase_labels,
            size=(PHONE_WIDTH, PHONE_HEIGHT, PHONE_DATE_LABELS),
            name_dots=name_dots,
        ),
    )
