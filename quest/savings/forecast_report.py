"""Forecast against actual for a viewer's reach and a financial year (the rules are
:mod:`quest.savings.forecasts`): each idea with both a forecast and a claim, and the accuracy of the
reach and of each division (of a force) or force (of the country) in it."""

from __future__ import annotations

import decimal
import uuid
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from quest.accounts.identity import CurrentUser
from quest.ideas.models import Idea
from quest.org.models import Division
from quest.records import filled
from quest.savings.forecasts import (
    Accuracy,
    ForecastFacts,
    IdeaInYear,
    RecordedAs,
    Variance,
    accuracy,
    accuracy_by,
    ideas_in_year,
    year_share,
)
from quest.savings.ledger import _in_reach
from quest.savings.models import SavingsClaim
from quest.savings.report_units import grouping, unit_names
from quest.savings.rules import ClaimStatus

_FACTS = ("id", "idea_id", "recorded_as", "status", "supersedes_id", "amount_per_year", "period_start", "period_end")
_ACTUAL = (ClaimStatus.CLAIMED, ClaimStatus.VALIDATED)


@dataclass(frozen=True, slots=True)
class IdeaForecast:
    """An idea with a forecast and an actual in the year: £ a year (its variance), and the year's share
    of each."""

    idea_id: uuid.UUID
    reference: str
    title: str
    division_name: str
    unit_id: uuid.UUID
    variance: Variance
    forecast_in_year: decimal.Decimal
    actual_in_year: decimal.Decimal


@dataclass(frozen=True, slots=True)
class UnitAccuracy:
    id: uuid.UUID
    name: str
    accuracy: Accuracy


@dataclass(frozen=True, slots=True)
class ForecastReport:
    """Forecast against actual in financial ``year`` for a viewer's reach: every idea with both, by
    reference, the reach's accuracy, and (when the reach holds more than one) each division's or force's
    that has such ideas, by name."""

    year: int
    overall: Accuracy
    ideas: list[IdeaForecast]
    grouped_by: str | None = None  # "division" or "force"
    units: list[UnitAccuracy] = field(default_factory=list)
    unit_names: dict[uuid.UUID, str] = field(default_factory=dict)


async def forecast_report(session: AsyncSession, viewer: CurrentUser, year: int) -> ForecastReport:
    """Forecast against actual in financial ``year``, in the viewer's reach (scoped as /savings is; 403 for
    those who see none). Two statements: every claim of the ideas in reach that have both a claim recorded
    as a forecast and a live one recorded as claimed (never every claim in reach), with the idea and its
    division; and the names of the divisions or forces the reach is broken down by."""
    in_reach = _in_reach(viewer)
    grouped_by, unit = grouping(viewer)
    with_actual = select(SavingsClaim.idea_id).where(
        in_reach, SavingsClaim.status.in_(_ACTUAL), SavingsClaim.recorded_as == RecordedAs.CLAIMED
    )
    with_forecast = select(SavingsClaim.idea_id).where(in_reach, SavingsClaim.recorded_as == RecordedAs.FORECAST)
    rows = (
        await session.execute(
            select(
                *(getattr(SavingsClaim, name) for name in _FACTS),
                unit.label("unit"),
                Idea.reference,
                Idea.title,
                Division.name.label("division_name"),
            )
            .join(Idea, Idea.id == SavingsClaim.idea_id)
            .join(Division, Division.id == SavingsClaim.division_id)
            .where(in_reach, SavingsClaim.idea_id.in_(with_actual), SavingsClaim.idea_id.in_(with_forecast))
        )
    ).all()
    facts = [
        filled(
            ForecastFacts,
            row,
            id=str(row.id),
            idea_id=str(row.idea_id),
            supersedes_id=str(row.supersedes_id) if row.supersedes_id else None,
            recorded_as=RecordedAs(row.recorded_as),
            status=ClaimStatus(row.status),
        )
        for row in rows
    ]
    found = ideas_in_year(facts, year)
    about = {str(row.idea_id): row for row in rows}
    ideas = sorted(
        (_idea(idea, about[idea.idea_id], year) for idea in found),
        key=lambda idea: idea.reference,
    )
    overall = accuracy(found, year)
    if grouped_by is None:
        return ForecastReport(year, overall, ideas)
    by_unit = accuracy_by(found, lambda idea: about[idea.idea_id].unit, year)
    names = await unit_names(session, grouped_by, by_unit.keys())
    units = sorted(
        (UnitAccuracy(unit_id, names.get(unit_id, ""), figures) for unit_id, figures in by_unit.items()),
        key=lambda found_unit: found_unit.name,
    )
    return ForecastReport(year, overall, ideas, grouped_by, units, names)


def _idea(idea: IdeaInYear, row: Any, year: int) -> IdeaForecast:
    return IdeaForecast(
        idea_id=uuid.UUID(idea.idea_id),
        reference=row.reference,
        title=row.title,
        division_name=row.division_name,
        unit_id=row.unit,
        variance=idea.variance,
        forecast_in_year=year_share(idea.forecast_weighted, year),
        actual_in_year=year_share(idea.actual_weighted, year),
    )
