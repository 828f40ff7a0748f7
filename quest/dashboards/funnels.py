"""Funnel plots for comparing divisions or forces fairly (DESIGN §2, "Comparing divisions and forces
fairly"), after Spiegelhalter, "Funnel plots for comparing institutional performance", Statistics in
Medicine 24 (2005) 1185-1202. Pure: no I/O.

Each unit (a force or a division) has a numerator and a denominator. Its rate is plotted against its size,
with control limits around the overall rate that narrow as the size grows: a small unit is allowed more
chance variation than a large one before it is called unusual. Two kinds of rate:

- a proportion (binomial): ideas answered within the SLA out of ideas answered;
- a count per unit of size (Poisson): ideas per 100 officers (numerator ideas, denominator officer FTE).

The limits are Spiegelhalter's normal approximations (his §3.1): θ ± z·√(θ(1−θ)/n) for a proportion,
clipped to [0, 1], and θ ± z·√(θ/n) for a count per size, clipped at 0. These are statistics for judging
variation, not money, so they are floats throughout.

A unit with too little data (the caller's judgement, such as under 12 months of use, or a denominator below
the minimum) is returned but takes no part: it is left out of the overall rate and is not classified.
"""

from __future__ import annotations

import decimal
import enum
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

# The standard normal quantiles Φ⁻¹(0.975) = 1.9599640 and Φ⁻¹(0.999) = 3.0902323: two-sided 95% and
# 99.8% limits, to 6 decimals as Spiegelhalter (2005) tabulates them.
Z_95 = 1.959964
Z_998 = 3.090232

# How many sizes the limits are worked out at for drawing, spread evenly on a log scale (each unit's own
# size is added to them).
LIMIT_STEPS = 40

# Below this many in its denominator a proportion says too little: 3 of 5 is 60%, but hardly a rate.
MINIMUM_PROPORTION_DENOMINATOR = 10

Number = int | float | decimal.Decimal


class RateKind(enum.StrEnum):
    PROPORTION = "proportion"  # binomial: numerator ≤ denominator
    COUNT_PER_SIZE = "count_per_size"  # Poisson: a count for each unit of size


class Position(enum.StrEnum):
    """Where a unit lies against the 99.8% limits."""

    ABOVE = "above"
    BELOW = "below"
    WITHIN = "within"


@dataclass(frozen=True, slots=True)
class Unit:
    """What the caller knows of one force or division."""

    unit_code: str
    unit_name: str
    numerator: Number
    denominator: Number
    too_little_data: bool = False


@dataclass(frozen=True, slots=True)
class FunnelPoint:
    unit_code: str
    unit_name: str
    numerator: Number
    denominator: Number
    rate: float | None  # scaled by the funnel's ``per``; None when the denominator is 0
    within_95: bool | None  # None when the unit has too little data, or there is no overall rate
    within_998: bool | None
    too_little_data: bool
    position: Position | None  # against the 99.8% limits; None when not classified


class Limits(NamedTuple):
    """The limits at one size, scaled by the funnel's ``per``."""

    denominator: float
    lower_95: float
    upper_95: float
    lower_998: float
    upper_998: float


@dataclass(frozen=True, slots=True)
class Funnel:
    measure: str
    kind: RateKind
    per: int
    overall_rate: float | None  # scaled by ``per``; None when no unit has enough data
    points: tuple[FunnelPoint, ...]
    limits: tuple[Limits, ...]  # by size, smallest first; empty when there is no overall rate

    def as_json(self) -> dict[str, Any]:
        """The funnel as the API gives it (DESIGN §6, /api/v1/dashboards/national/funnels)."""
        return {
            "measure": self.measure,
            "kind": self.kind.value,
            "per": self.per,
            "overall_rate": self.overall_rate,
            "points": [
                {
                    "unit_code": point.unit_code,
                    "unit_name": point.unit_name,
                    "numerator": _plain(point.numerator),
                    "denominator": _plain(point.denominator),
                    "rate": point.rate,
                    "within_95": point.within_95,
                    "within_998": point.within_998,
                    "too_little_data": point.too_little_data,
                    "position": point.position.value if point.position is not None else None,
                }
                for point in self.points
            ],
            "limits": [limits._asdict() for limits in self.limits],
        }


@dataclass(frozen=True, slots=True)
class Outliers:
    above: tuple[FunnelPoint, ...]
    below: tuple[FunnelPoint, ...]
    within: int  # how many classified units are within expected variation


def _plain(value: Number) -> int | float:
    if isinstance(value, int):
        return value
    number = float(value)
    return int(number) if number.is_integer() else number


def limits_at(overall: float, denominator: float, kind: RateKind) -> tuple[float, float, float, float]:
    """Lower and upper 95%, then lower and upper 99.8% limits around the overall rate ``overall``
    (unscaled) at size ``denominator`` > 0. When the overall rate is 0, or a proportion's is 1, the
    variance is 0 and every limit collapses onto it."""
    spread = overall * (1 - overall) if kind is RateKind.PROPORTION else overall
    error = math.sqrt(max(spread, 0.0) / denominator)
    ceiling = 1.0 if kind is RateKind.PROPORTION else math.inf

    def clipped(value: float) -> float:
        return min(max(value, 0.0), ceiling)

    return (
        clipped(overall - Z_95 * error),
        clipped(overall + Z_95 * error),
        clipped(overall - Z_998 * error),
        clipped(overall + Z_998 * error),
    )


def limit_sizes(sizes: Iterable[float], steps: int = LIMIT_STEPS) -> list[float]:
    """About ``steps`` sizes evenly spread on a log scale from the smallest of ``sizes`` to the largest,
    with each of ``sizes`` itself; sorted, without repeats."""
    given = sorted({size for size in sizes if size > 0})
    if not given:
        return []
    smallest, largest = given[0], given[-1]
    if smallest == largest:
        return given
    ratio = math.log(largest / smallest)
    spread = [smallest * math.exp(ratio * step / (steps - 1)) for step in range(1, steps - 1)]
    return sorted({smallest, largest, *given, *spread})


def _check(unit: Unit, kind: RateKind) -> None:
    if unit.numerator < 0 or unit.denominator < 0:
        raise ValueError(f"{unit.unit_code}: a negative numerator or denominator")
    if kind is RateKind.PROPORTION and unit.numerator > unit.denominator:
        raise ValueError(f"{unit.unit_code}: a proportion's numerator exceeds its denominator")


def funnel(
    measure: str,
    units: Sequence[Unit],
    kind: RateKind,
    *,
    per: int = 1,
    minimum_denominator: Number | None = None,
) -> Funnel:
    """The funnel of ``units``: their rates, each scaled by ``per`` (100 for a percentage, or ideas per 100
    officers), the overall rate of those with enough data, weighted by size (Σ numerators / Σ
    denominators, never a mean of their rates), and where each lies against the limits.

    A unit has too little data when the caller says so, when its denominator is 0, or when it is below
    ``minimum_denominator`` (by default 10 for a proportion; for a count, any size above 0 will do).

    When the overall rate is 0 (nothing counted anywhere), or a proportion's is 1 (every one of them), the
    limits collapse onto it: every unit with enough data then has that same rate, and so lies within them.

    Raises ValueError for a negative numerator or denominator, or a proportion above 1: the caller's
    query is wrong, and no funnel of such figures means anything.
    """
    if minimum_denominator is None:
        minimum_denominator = MINIMUM_PROPORTION_DENOMINATOR if kind is RateKind.PROPORTION else 0
    for unit in units:
        _check(unit, kind)
    too_little = [
        unit.too_little_data or unit.denominator <= 0 or unit.denominator < minimum_denominator for unit in units
    ]
    included = [unit for unit, little in zip(units, too_little, strict=True) if not little]
    total_denominator = sum(float(unit.denominator) for unit in included)
    overall = sum(float(unit.numerator) for unit in included) / total_denominator if included else None

    points = []
    for unit, little in zip(units, too_little, strict=True):
        rate = float(unit.numerator) / float(unit.denominator) if unit.denominator > 0 else None
        within_95 = within_998 = position = None
        if not little and overall is not None and rate is not None:
            lower_95, upper_95, lower_998, upper_998 = limits_at(overall, float(unit.denominator), kind)
            within_95 = lower_95 <= rate <= upper_95
            within_998 = lower_998 <= rate <= upper_998
            position = Position.ABOVE if rate > upper_998 else Position.BELOW if rate < lower_998 else Position.WITHIN
        points.append(
            FunnelPoint(
                unit_code=unit.unit_code,
                unit_name=unit.unit_name,
                numerator=unit.numerator,
                denominator=unit.denominator,
                rate=rate * per if rate is not None else None,
                within_95=within_95,
                within_998=within_998,
                too_little_data=little,
                position=position,
            )
        )
    limits: list[Limits] = []
    if overall is not None:
        for size in limit_sizes(float(unit.denominator) for unit in included):
            lower_95, upper_95, lower_998, upper_998 = limits_at(overall, size, kind)
            limits.append(Limits(size, lower_95 * per, upper_95 * per, lower_998 * per, upper_998 * per))
    return Funnel(
        measure=measure,
        kind=kind,
        per=per,
        overall_rate=overall * per if overall is not None else None,
        points=tuple(points),
        limits=tuple(limits),
    )


def named_outliers(funnel: Funnel) -> Outliers:
    """The units outside the 99.8% limits, highest rate first above and lowest first below, for a page to
    name; the rest of those with enough data are "within expected variation"."""
    above = sorted(
        (point for point in funnel.points if point.position is Position.ABOVE),
        key=lambda point: -(point.rate or 0.0),
    )
    below = sorted(
        (point for point in funnel.points if point.position is Position.BELOW),
        key=lambda point: point.rate or 0.0,
    )
    within = sum(1 for point in funnel.points if point.position is Position.WITHIN)
    return Outliers(above=tuple(above), below=tuple(below), within=within)
