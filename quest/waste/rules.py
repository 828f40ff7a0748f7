"""Waste arithmetic (DESIGN §2), pure: the hours a waste costs a year, and the Pareto of hours lost. The
services sum what the database holds and charts draw the bars; both ask these."""

from __future__ import annotations

import decimal
from dataclasses import dataclass

WEEKS_PER_YEAR = 52
_HUNDREDTH = decimal.Decimal("0.01")


def hours_per_year(minutes_per_occurrence: decimal.Decimal, occurrences_per_week: decimal.Decimal) -> decimal.Decimal:
    """Hours lost a year = minutes × occurrences a week × 52 ÷ 60 (DESIGN §2), to the hundredth."""
    return hours_a_year_of(minutes_per_occurrence * occurrences_per_week)


def hours_a_year_of(minutes_a_week: decimal.Decimal) -> decimal.Decimal:
    """The hours a year that ``minutes_a_week`` lost every week come to, to the hundredth."""
    return (minutes_a_week * WEEKS_PER_YEAR / 60).quantize(_HUNDREDTH)


@dataclass(frozen=True, slots=True)
class ParetoBar:
    label: str
    hours: decimal.Decimal
    share: decimal.Decimal  # of the total, 0 to 1
    cumulative: decimal.Decimal  # 0 to 1


def pareto(totals: dict[str, decimal.Decimal]) -> list[ParetoBar]:
    """Bars from the largest down (ties by name), each with its share and the running share."""
    grand = sum(totals.values(), decimal.Decimal(0))
    bars = []
    running = decimal.Decimal(0)
    for label, hours in sorted(totals.items(), key=lambda item: (-item[1], item[0])):
        running += hours
        share = hours / grand if grand else decimal.Decimal(0)
        bars.append(ParetoBar(label, hours, share, running / grand if grand else decimal.Decimal(0)))
    return bars
