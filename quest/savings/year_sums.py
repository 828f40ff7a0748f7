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

import uuid
from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import ColumnElement, Connection, Select, and_, case, delete, func, insert, or_, select

from quest.savings.models import FlaggedByYear, SavingsByYear, SavingsClaim
from quest.savings.rules import (
    COUNTED_STATUSES,
    ByStatus,
    ClaimFacts,
    ClaimStatus,
    DayWeighted,
    coverage,
    day_weighted,
    financial_year,
    financial_year_bounds,
)

FIGURES = ("cash", "time", "hours")
NOTHING = DayWeighted()
# The last year of an open-ended period: never.
OPEN = 10**6


def year_rows(claims: Iterable[ClaimFacts]) -> dict[tuple[int, ClaimStatus], tuple[DayWeighted, DayWeighted]]:
    """The rollup's rows for the counted ``claims`` of one division: for each (year, status), the change
    in whole-year figures from the year before, and the part-year figures times their days."""
    rows: dict[tuple[int, ClaimStatus], tuple[DayWeighted, DayWeighted]] = {}

    def add(year: int, status: ClaimStatus, whole: DayWeighted = NOTHING, part: DayWeighted = NOTHING) -> None:
        before_whole, before_part = rows.get((year, status), (NOTHING, NOTHING))
        rows[(year, status)] = (before_whole + whole, before_part + part)

    for claim in claims:
        covered = coverage(claim.period_start, claim.period_end)
        for year, days in covered.parts:
            add(year, claim.status, part=day_weighted(claim, days))
        if covered.first_whole is not None:
            yearly = day_weighted(claim, 1)
            add(covered.first_whole, claim.status, whole=yearly)
            if covered.last_whole is not None:
                add(covered.last_whole + 1, claim.status, whole=yearly.times(-1))
    return rows


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
            "force_id": force_of[division_id],
            **{f"whole_{name}": getattr(whole, name) for name in FIGURES},
            **{f"part_{name}": getattr(part, name) for name in FIGURES},
        }
        for division_id, claims in counted.items()
        for (year, status), (whole, part) in year_rows(claims).items()
    ]
    if rows:
        connection.execute(insert(SavingsByYear), rows)


def sums_by(year: int, where: ColumnElement[bool], *groups: ColumnElement[Any]) -> Select[Any]:
    """Financial year ``year``'s day-weighted sums of the rows ``where`` selects, by ``groups`` and
    status: the whole-year figures (the running total of their changes up to the year) and the part-year
    ones, each column named ``whole_cash``, ``part_cash`` and so on."""
    rollup = SavingsByYear
    columns = [
        func.coalesce(func.sum(getattr(rollup, f"whole_{name}")), 0).label(f"whole_{name}") for name in FIGURES
    ] + [
        func.coalesce(func.sum(case((rollup.year == year, getattr(rollup, f"part_{name}")), else_=0)), 0).label(
            f"part_{name}"
        )
        for name in FIGURES
    ]
    return select(*groups, rollup.status, *columns).where(where, rollup.year <= year).group_by(*groups, rollup.status)


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


def by_status(rows: Iterable[Any], days_of_year: int) -> ByStatus:
    """Rows of :func:`sums_by` (of one group) added up by status."""
    sums = dict.fromkeys(COUNTED_STATUSES, DayWeighted())
    for row in rows:
        sums[ClaimStatus(row.status)] += day_weighted_of(row, days_of_year)
    return sums
