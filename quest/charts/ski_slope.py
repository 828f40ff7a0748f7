"""A "ski slope": one bar per unit, sorted from the highest value to the lowest, in the style of HMICFRS's
Value for Money dashboards, with the weighted averages (the unit's group, and the whole force or nation) as
labelled lines across it. DESIGN §2 shows it only beside a funnel plot (Spiegelhalter 2005), which says
whether the differences it ranks are more than chance. Geometry only; templates/charts/ski_slope.html
draws it, with the figures in a table sorted the same way.

The chosen unit's bar is a stronger colour; the units it is compared with (its similar forces) are
outlined and hatched. Units with too little data are never drawn as zero bars: they are listed under the
chart instead. It serves three divisions and 43 forces alike, wide and for a phone (drawn twice, as the XmR
chart is); when the bars are too narrow for their names, the names are left to the table.
"""

from __future__ import annotations

import decimal
import math
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Literal

from quest.charts.canvas import Canvas, Tick, nice_step
from quest.charts.xmr import text_width

Better = Literal["higher", "lower"] | None
Value = decimal.Decimal | float | int

WIDTH, HEIGHT = 800, 360
PHONE_WIDTH, PHONE_HEIGHT = 360, 340
LEFT, RIGHT, TOP, BOTTOM = 72, 24, 16, 116
UPRIGHT_BOTTOM = 32  # below the axis when the names are written across, not sloping
TICKS, PHONE_TICKS = 5, 3
SHORT_LABEL = 12
# A sloping name needs about this much of the axis (in chart units) to keep clear of its neighbours.
LABEL_SLOT = 16


@dataclass(frozen=True, slots=True)
class SlopeUnit:
    """One unit as the caller knows it; ``label`` is its value as the page writes it ("£1,234", "12.5")."""

    unit_code: str
    unit_name: str
    value: Value | None
    label: str
    too_little_data: bool = False


@dataclass(frozen=True, slots=True)
class Reference:
    """A line across the bars: a weighted average, named ("Similar forces", "National")."""

    name: str
    value: Value
    label: str


@dataclass(frozen=True, slots=True)
class DrawnBar:
    unit: SlopeUnit
    rank: int
    x: float
    y: float
    width: float
    height: float
    centre: float
    highlighted: bool
    marked: bool
    short_label: str


@dataclass(frozen=True, slots=True)
class DrawnReference:
    reference: Reference
    y: float
    text_y: float


@dataclass(frozen=True, slots=True)
class SkiSlopeChart(Canvas):
    bars: tuple[DrawnBar, ...]  # highest value first
    references: tuple[DrawnReference, ...]
    zero_y: float
    value_ticks: tuple[Tick, ...]
    show_labels: bool  # whether the bars are wide enough for their names
    upright_labels: bool  # whether every name fits, unabridged, across its bar's slot
    too_little_data: tuple[SlopeUnit, ...]
    description: str
    phone: SkiSlopeChart | None = None


def ranked(units: Sequence[SlopeUnit]) -> tuple[list[SlopeUnit], list[SlopeUnit]]:
    """Those with a value, highest first (ties by name, so the order never wavers), and those with too
    little data (or no value), in the order given."""
    drawn = [unit for unit in units if not unit.too_little_data and unit.value is not None]
    drawn.sort(key=lambda unit: (-float(unit.value or 0), unit.unit_name))
    left_out = [unit for unit in units if unit.too_little_data or unit.value is None]
    return drawn, left_out


def describe(
    measure: str,
    units: Sequence[SlopeUnit],
    references: Sequence[Reference],
    better: Better,
    highlighted: Collection[str],
    unit_word: str = "unit",
) -> str:
    """The chart in words, for its <desc>."""
    drawn, left_out = ranked(units)
    plural = unit_word if len(drawn) == 1 else f"{unit_word}s"
    parts = [f"{measure} for {len(drawn)} {plural}, sorted from highest to lowest."]
    if better is not None:
        parts.append(f"{'Higher' if better == 'higher' else 'Lower'} is better.")
    if drawn:
        highest, lowest = drawn[0], drawn[-1]
        parts.append(f"Highest: {highest.unit_name}, {highest.label}. Lowest: {lowest.unit_name}, {lowest.label}.")
    for rank, unit in enumerate(drawn, start=1):
        if unit.unit_code in highlighted:
            parts.append(f"{unit.unit_name} is {rank} of {len(drawn)}, at {unit.label}.")
    for reference in references:
        parts.append(f"{reference.name}: {reference.label}.")
    if left_out:
        parts.append(f"Too little data: {', '.join(unit.unit_name for unit in left_out)}.")
    return " ".join(parts)


def ski_slope_chart(
    measure: str,
    units: Sequence[SlopeUnit],
    *,
    references: Sequence[Reference] = (),
    better: Better = None,
    highlighted: Collection[str] = (),
    marked: Collection[str] = (),
    unit_word: str = "unit",
    size: tuple[int, int, int] | None = None,
) -> SkiSlopeChart | None:
    """The chart of ``units``, or None when none has a value to draw. ``highlighted`` and ``marked`` are
    unit codes: the chosen unit, and those it is compared with. ``size`` (width, height, ticks) draws one
    chart of that size; without it the wide chart is drawn, and the phone's with it."""
    drawn, left_out = ranked(units)
    if not drawn:
        return None
    width, plot_height, ticks = size or (WIDTH, HEIGHT, TICKS)
    plot_left, plot_right, plot_top = LEFT, width - RIGHT, TOP
    slot = (plot_right - plot_left) / len(drawn)
    # A few bars (a force's divisions on a wide screen) have room for their names written across, and the
    # chart is shorter by the room sloping names would take; more bars need them sloping, cut short.
    upright = all(text_width(unit.unit_name) + 8 <= slot for unit in drawn)
    height = plot_height - (BOTTOM - UPRIGHT_BOTTOM if upright else 0)
    plot_bottom = height - (UPRIGHT_BOTTOM if upright else BOTTOM)
    values = [float(unit.value or 0) for unit in drawn] + [float(reference.value) for reference in references]
    low, high = min([0.0, *values]), max([0.0, *values])
    step = nice_step(high - low, ticks)
    bottom, top = math.floor(low / step) * step, math.ceil(high / step) * step
    if top == bottom:
        top = bottom + step

    def y_of(value: float) -> float:
        return round(plot_bottom - (value - bottom) / (top - bottom) * (plot_bottom - plot_top), 1)

    bar_width = slot * (0.8 if len(drawn) > 12 else 0.6)
    zero_y = y_of(0.0)
    bars = []
    for index, unit in enumerate(drawn):
        value_y = y_of(float(unit.value or 0))
        name = unit.unit_name
        bars.append(
            DrawnBar(
                unit=unit,
                rank=index + 1,
                x=round(plot_left + index * slot + (slot - bar_width) / 2, 1),
                y=min(value_y, zero_y),
                width=round(bar_width, 1),
                height=round(abs(zero_y - value_y), 1),
                centre=round(plot_left + index * slot + slot / 2, 1),
                highlighted=unit.unit_code in highlighted,
                marked=unit.unit_code in marked,
                short_label=name if upright or len(name) <= SHORT_LABEL else name[: SHORT_LABEL - 1].rstrip() + "…",
            )
        )
    # Each reference's name sits above its line at the right, or below it when another line is close above.
    drawn_references: list[DrawnReference] = []
    for reference in sorted(references, key=lambda reference: -float(reference.value)):
        y = y_of(float(reference.value))
        crowded = any(abs(other.y - y) < 18 and other.text_y < other.y for other in drawn_references)
        drawn_references.append(DrawnReference(reference, y, round(y + 15 if crowded else y - 4, 1)))
    value_ticks = tuple(
        Tick(y_of(bottom + index * step), f"{bottom + index * step:,.{max(0, -math.floor(math.log10(step)))}f}")
        for index in range(round((top - bottom) / step) + 1)
    )
    return SkiSlopeChart(
        width=width,
        height=height,
        plot_left=plot_left,
        plot_right=plot_right,
        plot_top=plot_top,
        plot_bottom=plot_bottom,
        bars=tuple(bars),
        references=tuple(drawn_references),
        zero_y=zero_y,
        value_ticks=value_ticks,
        show_labels=slot >= LABEL_SLOT,
        upright_labels=upright,
        too_little_data=tuple(left_out),
        description=describe(measure, units, references, better, highlighted, unit_word),
        phone=None
        if size
        else ski_slope_chart(
            measure,
            units,
            references=references,
            better=better,
            highlighted=highlighted,
            marked=marked,
            unit_word=unit_word,
            size=(PHONE_WIDTH, PHONE_HEIGHT, PHONE_TICKS),
        ),
    )
