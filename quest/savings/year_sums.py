"""Savings by financial year, kept as a rollup (:class:`quest.savings.models.SavingsByYear`) so that a
year's totals for a division, a force or the country read a few rows a division, never every claim.

The rule is :func:`quest.savings.rules.totals`: the live claims that count (from each double-count group,
its most assured claim alone), each counting its yearly figures times its days in the year, the sums
divided by the year's days and rounded once. Here the same sums are kept per division, year and status:
:func:`year_rows` turns a division's counted claims into rows (pure), :func:`resum_with` replaces a
division's rows (called by :func:`quest.savings.double_counts.regroup_with`, which decides what counts,
in the transaction of every change to a claim), and :func:`sums_by` reads a year's sums back, grouped
as the caller asks. A test holds the rollup's totals to the rule's for every reach and year.
"""

from __future__ import annotations

import dataclasses
import datetime
import decimal
import functools
import uuid
from collections import defaultdict
from collections.abc import Callable, Collection, Hashable, Iterable, Mapping, Sequence
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Connection, Select, and_, case, delete, func, insert, or_, select

from quest.records import filled
from quest.savings.costs import CostFacts, CostRecurrence
from quest.savings.models import CostsByYear, FlaggedByYear, IdeaCost, SavingsByYear, SavingsClaim, YearFigures
from quest.savings.rules import (
    COUNTED_STATUSES,
    GRADE_KEYS,
    ByGrade,
    ByStatus,
    ClaimFacts,
    ClaimStatus,
    DayWeighted,
    Total,
    coverage,
    day_weighted,
    financial_year,
    financial_year_bounds,
    weighted,
    year_total,
)

# The columns a cost's facts are read from.
COST_COLUMNS = tuple(field.name for field in dataclasses.fields(CostFacts))

FIGURES = ("cash", "time", "hours")
NOTHING = DayWeighted()
# The last year of an open-ended period: never.
OPEN = 10**6


Key = TypeVar("Key", bound=Hashable)
# Something spread over financial years: what it is kept under, its period, and its yearly figures for a
# day (``figures(days)``: the figures counted for so many days of a year).
Spread = tuple[Key, datetime.date, datetime.date | None, Callable[[int], DayWeighted]]


def spread_rows(items: Iterable[Spread[Key]]) -> dict[tuple[int, Key], tuple[DayWeighted, DayWeighted]]:
    """A rollup's rows for ``items`` (claims, or costs): for each (year, key), the change in whole-year
    figures from the year before, and the part-year figures times their days."""
    rows: dict[tuple[int, Key], tuple[DayWeighted, DayWeighted]] = {}

    def add(year: int, key: Key, whole: DayWeighted = NOTHING, part: DayWeighted = NOTHING) -> None:
        before_whole, before_part = rows.get((year, key), (NOTHING, NOTHING))
        rows[(year, key)] = (before_whole + whole, before_part + part)

    for key, starts, ends, figures in items:
        covered = coverage(starts, ends)
        for year, days in covered.parts:
            add(year, key, part=figures(days))
        if covered.first_whole is not None:
            yearly = figures(1)
            add(covered.first_whole, key, whole=yearly)
            if covered.last_whole is not None:
                add(covered.last_whole + 1, key, whole=yearly.times(-1))
    return rows


def year_rows(
    claims: Iterable[ClaimFacts],
) -> dict[tuple[int, tuple[ClaimStatus, str, bool]], tuple[DayWeighted, DayWeighted]]:
    """The rollup's rows for the counted ``claims`` of one division, by year, status, evidence grade and
    whether the time they release is not yet redeployed."""
    return spread_rows(
        (
            (claim.status, claim.grade_key, claim.not_redeployed),
            claim.period_start,
            claim.period_end,
            functools.partial(day_weighted, claim),
        )
        for claim in claims
    )


def cost_rows(costs: Iterable[CostFacts]) -> dict[tuple[int, None], tuple[DayWeighted, DayWeighted]]:
    """The rollup's rows for the costs of one division, by year: a recurring cost over its period, a
    one-off cost over the whole financial year it was incurred in (so it counts whole, in that year)."""

    def spread(cost: CostFacts) -> Spread[None]:
        if cost.recurrence is CostRecurrence.ONE_OFF:
            first, last = financial_year_bounds(financial_year(cost.starts))
            return None, first, last, functools.partial(weighted, cost.kind, cost.amount, cost.hours)
        return None, cost.starts, cost.ends, functools.partial(weighted, cost.kind, cost.amount, cost.hours)

    return spread_rows(spread(cost) for cost in costs)


def flagged_changes(groups: Iterable[Sequence[ClaimFacts]]) -> dict[int, int]:
    """For the double-count ``groups`` of one division, the change in how many groups have a claim in each
    financial year, from the year before: a group counts in every year one of its claims touches (from the
    year it starts to the year it ends, or on for ever), once however many of its claims touch it."""
    changes: dict[int, int] = {}
    for group in groups:
        spans = sorted(
            (financial_year(claim.period_start), OPEN if claim.period_end is None else financial_year(claim.period_end))
            for claim in group
        )
        runs: list[tuple[int, int]] = []
        for first, last in spans:  # joined where they touch or overlap
            if runs and first <= runs[-1][1] + 1:
                runs[-1] = (runs[-1][0], max(runs[-1][1], last))
            else:
                runs.append((first, last))
        for first, last in runs:
            changes[first] = changes.get(first, 0) + 1
            if last != OPEN:
                changes[last + 1] = changes.get(last + 1, 0) - 1
    return {year: change for year, change in changes.items() if change}


def resum_with(
    connection: Connection,
    division_ids: Collection[uuid.UUID],
    counted: Mapping[uuid.UUID, list[ClaimFacts]],
    groups: Mapping[uuid.UUID, list[list[ClaimFacts]]],
    force_of: Mapping[uuid.UUID, uuid.UUID],
) -> None:
    """Replace the rollups' rows of ``division_ids``: the savings by year of their ``counted`` claims, and
    how many of their double-count ``groups`` fall in each year (both by division; ``force_of`` each
    division's force)."""
    ids = list(division_ids)
    connection.execute(delete(SavingsByYear).where(SavingsByYear.division_id.in_(ids)))
    connection.execute(delete(FlaggedByYear).where(FlaggedByYear.division_id.in_(ids)))
    flagged = [
        {"division_id": division_id, "year": year, "force_id": force_of[division_id], "change": change}
        for division_id, division_groups in groups.items()
        for year, change in flagged_changes(division_groups).items()
    ]
    if flagged:
        connection.execute(insert(FlaggedByYear), flagged)
    rows = [
        {
            "division_id": division_id,
            "year": year,
            "status": status,
            "grade": grade,
            "not_redeployed": not_redeployed,
            "force_id": force_of[division_id],
            **_figures(whole, part),
        }
        for division_id, claims in counted.items()
        for (year, (status, grade, not_redeployed)), (whole, part) in year_rows(claims).items()
    ]
    if rows:
        connection.execute(insert(SavingsByYear), rows)


def _figures(whole: DayWeighted, part: DayWeighted) -> dict[str, int]:
    return {
        **{f"whole_{name}": getattr(whole, name) for name in FIGURES},
        **{f"part_{name}": getattr(part, name) for name in FIGURES},
    }


def recost_with(connection: Connection, division_ids: Collection[uuid.UUID]) -> None:
    """Replace the costs by year of ``division_ids`` from their ideas' costs (in the transaction of each
    change to a cost)."""
    ids = list(division_ids)
    costs: dict[tuple[uuid.UUID, uuid.UUID], list[CostFacts]] = defaultdict(list)
    for row in connection.execute(
        select(IdeaCost.division_id, IdeaCost.force_id, *(getattr(IdeaCost, name) for name in COST_COLUMNS)).where(
            IdeaCost.division_id.in_(ids)
        )
    ):
        costs[(row.division_id, row.force_id)].append(filled(CostFacts, row))
    connection.execute(delete(CostsByYear).where(CostsByYear.division_id.in_(ids)))
    rows = [
        {"division_id": division_id, "year": year, "force_id": force_id, **_figures(whole, part)}
        for (division_id, force_id), division_costs in costs.items()
        for (year, _key), (whole, part) in cost_rows(division_costs).items()
    ]
    if rows:
        connection.execute(insert(CostsByYear), rows)


def sums_by(
    year: int, where: ColumnElement[bool], *groups: ColumnElement[Any], rollup: type[YearFigures] = SavingsByYear
) -> Select[Any]:
    """Financial year ``year``'s day-weighted sums of the ``rollup``'s rows ``where`` selects, by
    ``groups`` (and, of savings, by status and grade): the whole-year figures (the running total of their
    changes up to the year) and the part-year ones, each column named ``whole_cash``, ``part_cash`` and
    so on."""
    table: Any = rollup
    columns = [
        func.coalesce(func.sum(getattr(table, f"whole_{name}")), 0).label(f"whole_{name}") for name in FIGURES
    ] + [
        func.coalesce(func.sum(case((table.year == year, getattr(table, f"part_{name}")), else_=0)), 0).label(
            f"part_{name}"
        )
        for name in FIGURES
    ]
    keys = (*groups, SavingsByYear.status, SavingsByYear.grade) if rollup is SavingsByYear else groups
    return select(*keys, *columns).where(where, table.year <= year).group_by(*keys)


def falls_in_year(year: int) -> ColumnElement[bool]:
    """The claims whose period falls in financial year ``year``, at least in part."""
    first_day, last_day = financial_year_bounds(year)
    return and_(
        SavingsClaim.period_start <= last_day,
        or_(SavingsClaim.period_end.is_(None), SavingsClaim.period_end >= first_day),
    )


def flagged_groups(year: int, where: ColumnElement[bool], *groups: ColumnElement[Any]) -> Select[Any]:
    """How many double-count groups have a claim in financial year ``year`` (at least in part), of the
    divisions ``where`` selects (of :class:`FlaggedByYear`'s columns: its force and division), by
    ``groups``, as ``flagged``: the running total of the changes up to the year."""
    return (
        select(*groups, func.coalesce(func.sum(FlaggedByYear.change), 0).label("flagged"))
        .where(where, FlaggedByYear.year <= year)
        .group_by(*groups)
    )


def day_weighted_of(row: Any, days_of_year: int) -> DayWeighted:
    """A row of :func:`sums_by` as the year's day-weighted sums (whole years count every day)."""
    values = row._mapping
    return DayWeighted(
        **{name: int(values[f"whole_{name}"]) * days_of_year + int(values[f"part_{name}"]) for name in FIGURES}
    )


def by_status(rows: Iterable[Any], days_of_year: int) -> tuple[ByStatus, ByGrade]:
    """Rows of :func:`sums_by` (of one group) added up by status, and the validated ones by grade."""
    sums = dict.fromkeys(COUNTED_STATUSES, DayWeighted())
    graded = dict.fromkeys(GRADE_KEYS, DayWeighted())
    for row in rows:
        figures = day_weighted_of(row, days_of_year)
        sums[ClaimStatus(row.status)] += figures
        if row.grade:
            graded[row.grade] += figures
    return sums, graded


def costs_of(rows: Iterable[Any], days_of_year: int, productive_hours: decimal.Decimal) -> Total:
    """Rows of :func:`sums_by` of the costs (of one group) as the year's costs."""
    sums = DayWeighted()
    for row in rows:
        sums += day_weighted_of(row, days_of_year)
    return year_total(sums, days_of_year, productive_hours)
