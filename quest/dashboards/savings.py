"""Savings of a financial year by division or by force, for the dashboards: validated, claimed and
forecast apart, double counts counted once (DESIGN §2, Savings ledger), in the totals shape of DESIGN §6.

Read from the savings by year kept for each division (:mod:`quest.savings.year_sums`), so a force's
divisions or the country's forces cost two grouped statements, whatever the number of claims. The
totals of a group are its divisions' day-weighted sums added up, then rounded once: a force's figure is
what its claims give, not the sum of its divisions' rounded figures (which may differ by a penny).
"""

from __future__ import annotations

import decimal
import uuid
from collections import defaultdict
from collections.abc import Mapping
from typing import Any

from sqlalchemy import ColumnElement
from sqlalchemy.ext.asyncio import AsyncSession

from quest.savings.models import CostsByYear, FlaggedByYear, SavingsByYear
from quest.savings.rules import Totals, days_of_year, totals_from
from quest.savings.year_sums import by_status, costs_of, flagged_groups, sums_by

# What a dashboard groups savings by: each division, or each force (in the savings, the flagged groups
# and the costs kept by year).
BY_DIVISION = (SavingsByYear.division_id, FlaggedByYear.division_id, CostsByYear.division_id)
BY_FORCE = (SavingsByYear.force_id, FlaggedByYear.force_id, CostsByYear.force_id)


async def savings_by(
    session: AsyncSession,
    year: int,
    grouping: tuple[Any, Any, Any],
    ids: list[uuid.UUID],
    productive_hours: Mapping[uuid.UUID, decimal.Decimal],
) -> dict[uuid.UUID, Totals]:
    """Financial year ``year``'s totals for each division or force of ``ids`` (``grouping`` is
    :data:`BY_DIVISION` or :data:`BY_FORCE`), each with its FTE at ``productive_hours`` of its own
    (by the same id). Every id has totals, zero where nothing counts."""
    rollup_column, flagged_column, costs_column = grouping
    in_rollup: ColumnElement[bool] = rollup_column.in_(ids)
    rows: dict[uuid.UUID, list[Any]] = defaultdict(list)
    for row in await session.execute(sums_by(year, in_rollup, rollup_column.label("unit"))):
        rows[row.unit].append(row)
    costs: dict[uuid.UUID, list[Any]] = defaultdict(list)
    for row in await session.execute(
        sums_by(year, costs_column.in_(ids), costs_column.label("unit"), rollup=CostsByYear)
    ):
        costs[row.unit].append(row)
    flagged = {
        row.unit: row.flagged
        for row in await session.execute(flagged_groups(year, flagged_column.in_(ids), flagged_column.label("unit")))
    }
    days = days_of_year(year)
    return {
        unit: totals_from(
            *by_status(rows.get(unit, []), days),
            year,
            productive_hours[unit],
            flagged.get(unit, 0),
            costs=costs_of(costs.get(unit, []), days, productive_hours[unit]),
        )
        for unit in ids
    }
