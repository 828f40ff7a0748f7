"""What an idea cost to put in place (DESIGN §2, Evidence behind a saving), as pure functions: the costs
netted off its savings, so a headline figure is what a force actually gained.

A cost is, like a claim, cash (£, off a budget line) or time (hours at a grade, valued at the force's rate
card in force on the day it starts, as a claim's time is). It is either:

- **one-off**: the whole amount, counted in the financial year of the day it was incurred; or
- **recurring**: an amount a year from a start to an optional end, counted in each financial year by its
  days in it, exactly as a claim is (:func:`quest.savings.rules.day_weighted`).

Net savings are the headline's gross savings less the costs of the same reach and year. For one idea, a
full year's worth: its yearly savings less its yearly recurring costs, with its one-off costs paid back
over :func:`payback_months`.
"""

from __future__ import annotations

import datetime
import decimal
import enum
from collections.abc import Iterable
from dataclasses import dataclass

from quest.savings.rules import (
    ZERO,
    ClaimKind,
    D,
    DayWeighted,
    Total,
    days_in_year,
    days_of_year,
    financial_year,
    weighted,
    year_total,
)


class CostRecurrence(enum.StrEnum):
    ONE_OFF = "one_off"
    RECURRING = "recurring"

    @property
    def label(self) -> str:
        return "One-off" if self is CostRecurrence.ONE_OFF else "Recurring, a year"


@dataclass(frozen=True, slots=True)
class CostFacts:
    """What the arithmetic needs of a cost. ``amount`` is £ (the cash, or the hours valued at the rate):
    the whole of a one-off cost, a year's worth of a recurring one; ``hours`` likewise (0 for cash)."""

    recurrence: CostRecurrence
    kind: ClaimKind
    amount: decimal.Decimal
    hours: decimal.Decimal
    starts: datetime.date
    ends: datetime.date | None = None


def days_counted(cost: CostFacts, year: int) -> int:
    """The days a cost counts in financial year ``year``: a one-off cost every day of the year it was
    incurred in (its whole amount, once the sum is divided by the year's days) and none of any other; a
    recurring one its days in the year, as a claim does."""
    if cost.recurrence is CostRecurrence.ONE_OFF:
        return days_of_year(year) if financial_year(cost.starts) == year else 0
    return days_in_year(cost.starts, cost.ends, year)


def cost_weighted(cost: CostFacts, year: int) -> DayWeighted:
    """A cost's figures in financial year ``year``, day-weighted as :class:`DayWeighted` holds them
    (:func:`days_counted`)."""
    return weighted(cost.kind, cost.amount, cost.hours, days_counted(cost, year))


def costs_in_year(costs: Iterable[CostFacts], year: int, productive_hours: decimal.Decimal) -> Total:
    """The costs of financial year ``year``: one-off costs incurred in it, and recurring ones by their days
    in it, rounded to the penny once."""
    sums = DayWeighted()
    for cost in costs:
        sums += cost_weighted(cost, year)
    return year_total(sums, days_of_year(year), productive_hours)


def yearly_recurring(costs: Iterable[CostFacts], productive_hours: decimal.Decimal) -> Total:
    """A full year's worth of the recurring costs (an idea's impact sets them against its yearly savings)."""
    sums = DayWeighted()
    for cost in costs:
        if cost.recurrence is CostRecurrence.RECURRING:
            sums += weighted(cost.kind, cost.amount, cost.hours, 1)
    return year_total(sums, 1, productive_hours)


def one_off_total(costs: Iterable[CostFacts]) -> decimal.Decimal:
    return sum((cost.amount for cost in costs if cost.recurrence is CostRecurrence.ONE_OFF), ZERO)


def payback_months(
    one_off: decimal.Decimal, yearly_saving: decimal.Decimal, yearly_recurring: decimal.Decimal
) -> decimal.Decimal | None:
    """How many months of net saving pay back the one-off costs, to one decimal place (rounded up, so a
    payback is never shown sooner than it comes): 0 with no one-off costs; None when the saving does
    not exceed the recurring costs, so it never pays back."""
    net = yearly_saving - yearly_recurring
    if net <= 0:
        return None
    if one_off <= 0:
        return ZERO
    return (one_off * 12 / net).quantize(D("0.1"), rounding=decimal.ROUND_CEILING)
