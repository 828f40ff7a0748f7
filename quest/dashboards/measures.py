"""The measures force and national headquarters compare units by (DESIGN §2, "Comparing divisions and
forces fairly"), as pure functions of what the database added up for each unit (a division or a force).

Every measure is a ratio: a unit's figure is its numerator over its denominator, times the measure's
``per``; a group's figure (the force's divisions, similar forces, the country) is the sum of its units'
numerators over the sum of their denominators (weighted by size), never a mean of the units' ratios. A
unit with too little data (fewer than :data:`MONTHS_OF_USE` months of use, or fewer than the measure's
minimum in its denominator) is marked so, takes no part in group figures, rankings or funnels, and is
never shown as zero.
"""

from __future__ import annotations

import datetime
import decimal
import enum
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from quest.dashboards.funnels import MINIMUM_PROPORTION_DENOMINATOR, Funnel, RateKind, funnel
from quest.dashboards.funnels import Unit as FunnelUnit
from quest.metrics.sustainment import Sustained
from quest.savings.rules import Totals

D = decimal.Decimal
Number = int | decimal.Decimal

# A unit must have used QUEST for a year before its rates are compared (DESIGN §2).
MONTHS_OF_USE = 12


class Size(enum.StrEnum):
    """What a count is normalised by: officers (FTE), residents, or officers and staff together (FTE)."""

    OFFICERS = "officers"
    POPULATION = "population"
    WORKFORCE = "workforce"


SIZE_WORDS = {Size.OFFICERS: "officers", Size.POPULATION: "residents", Size.WORKFORCE: "staff"}


@dataclass(frozen=True, slots=True)
class UnitFigures:
    """What the database added up for one unit and financial year."""

    id: uuid.UUID
    code: str
    name: str
    officers_fte: D
    staff_fte: D
    population: int | None  # forces only
    first_month: datetime.date | None  # the first month it raised an idea
    months_of_use: int  # from that month to the financial year's end (or today), both counted
    ideas_raised: int  # in the financial year
    # Of the ideas decided in the financial year (by the London date of the decision): how many (approved,
    # under way, implemented, declined or a duplicate now), and how many of them are implemented now.
    ideas_decided: int
    ideas_implemented: int
    # The year's savings, validated, claimed and forecast apart, double counts once; the validated by
    # evidence grade, and the costs of the unit's ideas in the year (its net headline: Totals.net_gbp).
    savings: Totals
    waste_hours: D  # hours a year lost to the waste observed in the financial year
    # Of the ideas it decided in the year, how many waited each number of whole days.
    days_to_decision: Mapping[int, int]
    backlog_now: D | None  # the latest 13 weeks' mean, summed over its backlogs
    backlog_year_before: D | None  # the same 13 weeks a year earlier, over the same backlogs
    backlog_recent: D | None  # the latest 13 weeks' mean, over the backlogs with a baseline
    backlog_baseline: D | None  # their baseline means (before their latest change)
    # Its ideas judged by outcome measures, by whether their improvement holds, as last judged (whatever
    # the year: the division dashboard's count, quest.metrics.judgements.improvements_by).
    improvements: Mapping[Sustained, int]
    # Hours released in the year by claimed and validated savings of time, and those not yet redeployed.
    hours_released: D
    hours_not_redeployed: D

    def size(self, size: Size) -> D | None:
        if size is Size.OFFICERS:
            return self.officers_fte
        if size is Size.WORKFORCE:
            return self.officers_fte + self.staff_fte
        return None if self.population is None else D(self.population)

    @property
    def net_savings_gbp(self) -> D:
        return self.savings.net_gbp

    @property
    def improvements_known(self) -> int:
        """Ideas whose improvement is known to hold or to slip."""
        return self.improvements.get(Sustained.SUSTAINED, 0) + self.improvements.get(Sustained.SLIPPING, 0)

    @property
    def validated_gbp(self) -> D:
        return self.savings.validated.total_gbp

    @property
    def claimed_gbp(self) -> D:
        return self.savings.claimed.total_gbp

    @property
    def too_little_use(self) -> bool:
        return self.months_of_use < MONTHS_OF_USE


def median_of(counts: Mapping[int, int]) -> float | None:
    """The median of whole days given as how many ideas waited each number of days (the mean of the middle
    two for an even number of ideas); None for no ideas."""
    total = sum(counts.values())
    if not total:
        return None
    wanted = ((total + 1) // 2, total // 2 + 1)  # the places of the middle one or two, from 1
    found: list[int] = []
    seen = 0
    for days in sorted(counts):
        seen += counts[days]
        while len(found) < 2 and seen >= wanted[len(found)]:
            found.append(days)
    return (found[0] + found[1]) / 2


class MeasureKey(enum.StrEnum):
    """The measures, as addresses, downloads and the API name them."""

    NET_SAVINGS = "net_savings"
    IDEAS_RAISED = "ideas_raised"
    IMPLEMENTATION_RATE = "implementation_rate"
    DAYS_TO_DECISION = "days_to_decision"
    VALIDATED_SHARE = "validated_share"
    SUSTAINED_IMPROVEMENTS = "sustained_improvements"
    NOT_REDEPLOYED = "not_redeployed"
    WASTE_HOURS = "waste_hours"
    BACKLOG_CHANGE_YEAR = "backlog_change_year"
    BACKLOG_CHANGE_BASELINE = "backlog_change_baseline"


class Format(enum.StrEnum):
    MONEY = "money"
    NUMBER = "number"
    PERCENT = "percent"
    DAYS = "days"


@dataclass(frozen=True, slots=True)
class Measure:
    key: MeasureKey
    label: str  # with the size, e.g. "Validated savings per officer"
    description: str
    better: str | None  # "higher", "lower", or None when neither is better
    format: Format
    numerator: Callable[[UnitFigures], Number | None]
    denominator: Callable[[UnitFigures], Number | None]
    per: int  # the figure is numerator / denominator * per
    funnel: RateKind | None  # how its funnel plot's limits are drawn; None: no count model, no funnel
    minimum_denominator: Number = 0  # below it, a unit says too little about this measure
    # Whether the figure is a change (numerator over denominator, less one): backlog changes.
    change: bool = False
    # For a median: the distribution it is the median of (its numerator is then how many there are). A
    # group's median is the median of its units' distributions together, never a mean of medians.
    distribution: Callable[[UnitFigures], Mapping[int, int]] | None = None


def _size_of(size: Size) -> Callable[[UnitFigures], Number | None]:
    return lambda figures: figures.size(size)


def _per(size: Size, per_head: int) -> int:
    """A count per 100 officers or staff, or per 1,000 residents."""
    return 1000 if size is Size.POPULATION else per_head


def measures(size: Size, ideas_size: Size | None = None) -> tuple[Measure, ...]:
    """The measures, normalised by ``size`` where they are counts or money per head (ideas by
    ``ideas_size`` when given: a force's divisions compare ideas per 100 staff, savings per officer)."""
    ideas_size = ideas_size or size
    head = "1,000 residents" if ideas_size is Size.POPULATION else f"100 {SIZE_WORDS[ideas_size]}"
    money_head = "1,000 residents" if size is Size.POPULATION else SIZE_WORDS[size].rstrip("s")
    return (
        Measure(
            MeasureKey.NET_SAVINGS,
            f"Net headline savings per {money_head}",
            "The headline, net: savings validated in the financial year whose evidence a validator graded"
            " fairly stated (with or without measurement issues), cash and time released, double counts once,"
            " less the costs of the ideas in the year. Savings graded not shown, or not graded yet, are left out.",
            "higher",
            Format.MONEY,
            lambda figures: figures.net_savings_gbp,
            _size_of(size),
            _per(size, 1),
            None,
        ),
        Measure(
            MeasureKey.IDEAS_RAISED,
            f"Ideas per {head}",
            "Ideas raised in the financial year.",
            "higher",
            Format.NUMBER,
            lambda figures: figures.ideas_raised,
            _size_of(ideas_size),
            _per(ideas_size, 100),
            RateKind.COUNT_PER_SIZE,
        ),
        Measure(
            MeasureKey.IMPLEMENTATION_RATE,
            "Implementation rate",
            "Of the ideas decided in the financial year (approved, declined or a duplicate), the share that"
            " are implemented now.",
            "higher",
            Format.PERCENT,
            lambda figures: figures.ideas_implemented,
            lambda figures: figures.ideas_decided,
            100,
            RateKind.PROPORTION,
            minimum_denominator=10,
        ),
        Measure(
            MeasureKey.DAYS_TO_DECISION,
            "Median days to a decision",
            "Of the ideas decided in the financial year, the median whole days from being raised to the decision.",
            "lower",
            Format.DAYS,
            lambda figures: sum(figures.days_to_decision.values()),
            lambda figures: 1,
            1,
            None,
            minimum_denominator=0,
            distribution=lambda figures: figures.days_to_decision,
        ),
        Measure(
            MeasureKey.VALIDATED_SHARE,
            "Claimed savings validated",
            "Of the savings claimed for the financial year, the share a validator has confirmed (of every"
            " evidence grade, before costs).",
            "higher",
            Format.PERCENT,
            lambda figures: figures.validated_gbp,
            lambda figures: figures.validated_gbp + figures.claimed_gbp,
            100,
            None,
        ),
        Measure(
            MeasureKey.SUSTAINED_IMPROVEMENTS,
            "Improvements sustained",
            "Of the ideas judged by outcome measures whose improvement is known to hold or to slip (checked 3, 6"
            " and 12 months after the change), the share that holds, as last judged. Ideas not yet known are"
            " left out.",
            "higher",
            Format.PERCENT,
            lambda figures: figures.improvements.get(Sustained.SUSTAINED, 0),
            lambda figures: figures.improvements_known,
            100,
            RateKind.PROPORTION,
            minimum_denominator=MINIMUM_PROPORTION_DENOMINATOR,
        ),
        Measure(
            MeasureKey.NOT_REDEPLOYED,
            "Released time not yet redeployed",
            "Of the hours that claimed and validated savings of time release in the financial year, the share"
            " not yet redeployed.",
            "lower",
            Format.PERCENT,
            lambda figures: figures.hours_not_redeployed,
            lambda figures: figures.hours_released,
            100,
            None,
        ),
        Measure(
            MeasureKey.WASTE_HOURS,
            f"Waste hours a year per {money_head}",
            "Hours a year lost to the waste observed in the financial year.",
            None,
            Format.NUMBER,
            lambda figures: figures.waste_hours,
            _size_of(size),
            _per(size, 1),
            None,
        ),
        Measure(
            MeasureKey.BACKLOG_CHANGE_YEAR,
            "Backlog change on a year earlier",
            "The latest 13 weeks' mean of the backlogs against the same 13 weeks a year earlier.",
            "lower",
            Format.PERCENT,
            lambda figures: figures.backlog_now,
            lambda figures: figures.backlog_year_before,
            100,
            None,
            change=True,
        ),
        Measure(
            MeasureKey.BACKLOG_CHANGE_BASELINE,
            "Backlog change on its baseline",
            "The latest 13 weeks' mean of the backlogs changed by an idea, against their mean before the change.",
            "lower",
            Format.PERCENT,
            lambda figures: figures.backlog_recent,
            lambda figures: figures.backlog_baseline,
            100,
            None,
            change=True,
        ),
    )


@dataclass(frozen=True, slots=True)
class Value:
    """One unit's figure for a measure."""

    numerator: Number | None
    denominator: Number | None
    value: D | None  # None: nothing to show (too little data, or no denominator)
    too_little_data: bool


def ratio(numerator: Number | None, denominator: Number | None, measure: Measure) -> D | None:
    if numerator is None or denominator is None or not denominator:
        return None
    value = D(numerator) / D(denominator)
    return (value - 1 if measure.change else value) * measure.per


def value_of(figures: UnitFigures, measure: Measure) -> Value:
    numerator, denominator = measure.numerator(figures), measure.denominator(figures)
    if measure.distribution is not None:
        median = median_of(measure.distribution(figures))
        too_little = figures.too_little_use or median is None
        return Value(numerator, None, None if too_little or median is None else D(str(median)), too_little)
    too_little = figures.too_little_use or (
        denominator is not None and bool(measure.minimum_denominator) and denominator < measure.minimum_denominator
    )
    # A unit with too little data has no figure to show: never a zero that is not true.
    return Value(numerator, denominator, None if too_little else ratio(numerator, denominator, measure), too_little)


def weighted(units: Sequence[UnitFigures], measure: Measure, found: Sequence[Value] | None = None) -> D | None:
    """The group's figure: its units' numerators over their denominators (those with enough data), so a
    big unit weighs as much as it is big; for a median, the median of their distributions together.
    ``found``: the units' values for the measure, when the caller has them already."""
    values = found if found is not None else [value_of(figures, measure) for figures in units]
    counted = [(figures, value) for figures, value in zip(units, values, strict=True) if value.value is not None]
    if measure.distribution is not None:
        together: dict[int, int] = {}
        for figures, _value in counted:
            for days, count in measure.distribution(figures).items():
                together[days] = together.get(days, 0) + count
        median = median_of(together)
        return None if median is None else D(str(median))
    numerators: D = D(0)
    denominators: D = D(0)
    for _figures, value in counted:
        assert value.numerator is not None
        assert value.denominator is not None
        numerators += D(value.numerator)
        denominators += D(value.denominator)
    return ratio(numerators, denominators, measure)


@dataclass(frozen=True, slots=True)
class Row:
    """One unit's figure for a measure, and how the page marks it: the unit chosen, or one it is compared
    with (a similar force)."""

    unit: UnitFigures
    found: Value
    chosen: bool = False
    similar: bool = False


@dataclass(frozen=True, slots=True)
class MeasureComparison:
    """One measure across the units: their rows, best first (those with too little data, or nothing to
    show, last), the weighted figure of them all and of the similar units, and the funnel plot of the
    measure if it is a rate of counts."""

    measure: Measure
    rows: tuple[Row, ...]
    overall: D | None
    similar: D | None  # the chosen unit's similar units, weighted; None when there is no choice
    funnel: Funnel | None


def _best_first(measure: Measure) -> Callable[[Row], tuple[int, D]]:
    def key(row: Row) -> tuple[int, D]:
        value = row.found.value
        if value is None or row.found.too_little_data:
            return (1, D(0))
        return (0, -value if measure.better != "lower" else value)

    return key


def compare(
    units: Sequence[UnitFigures],
    size: Size,
    ideas_size: Size | None = None,
    *,
    chosen: uuid.UUID | None = None,
    similar: frozenset[uuid.UUID] = frozenset(),
) -> list[MeasureComparison]:
    """Every measure across ``units``, normalised by ``size`` (ideas by ``ideas_size``); the ``chosen``
    unit and its ``similar`` ones marked, and the similar ones' weighted figure beside the overall one."""
    compared = []
    for measure in measures(size, ideas_size):
        rows = [
            Row(unit, value_of(unit, measure), chosen=unit.id == chosen, similar=unit.id in similar) for unit in units
        ]
        of_similar = [row for row in rows if row.similar]
        best_first = _best_first(measure)
        rows.sort(key=lambda row: (*best_first(row), row.unit.name))
        compared.append(
            MeasureComparison(
                measure,
                tuple(rows),
                weighted([row.unit for row in rows], measure, [row.found for row in rows]),
                weighted([row.unit for row in of_similar], measure, [row.found for row in of_similar])
                if chosen is not None
                else None,
                _funnel_of(measure, rows),
            )
        )
    return compared


def _funnel_of(measure: Measure, rows: Sequence[Row]) -> Funnel | None:
    if measure.funnel is None:
        return None
    return funnel(
        measure.label,
        [
            FunnelUnit(
                row.unit.code,
                row.unit.name,
                row.found.numerator or 0,
                row.found.denominator or 0,
                too_little_data=row.found.too_little_data or row.found.denominator is None,
            )
            for row in rows
        ],
        measure.funnel,
        per=measure.per,
        minimum_denominator=measure.minimum_denominator or None,
    )


def shown(measure: Measure, value: D | None) -> str:
    """A figure as the pages and downloads write it: £1,234, 12.5, 23.1% or −6.7% for a change."""
    if value is None:
        return "–"
    if measure.format is Format.MONEY:
        return f"£{value.quantize(D(1), rounding=decimal.ROUND_HALF_UP):,}"
    if measure.format is Format.PERCENT:
        rounded = value.quantize(D("0.1"), rounding=decimal.ROUND_HALF_UP)
        text = f"{abs(rounded):,}%"
        if measure.change and rounded > 0:
            return "+" + text
        return ("−" + text) if rounded < 0 else text
    if measure.format is Format.DAYS:
        return f"{value.quantize(D('0.1'), rounding=decimal.ROUND_HALF_UP).normalize():f} days"
    return f"{value.quantize(D('0.01'), rounding=decimal.ROUND_HALF_UP):,}"
