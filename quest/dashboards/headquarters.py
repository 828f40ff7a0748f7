"""The headquarters' dashboards: a force's divisions side by side (force headquarters, and validators of
the force), and every force side by side (national headquarters), each on the measures of
:mod:`quest.dashboards.measures`, with the weighted figures of the whole and, nationally, of a chosen
force's similar forces.
"""

from __future__ import annotations

import datetime
import enum
import uuid
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from quest.accounts import access
from quest.accounts.access import Permission
from quest.accounts.identity import CurrentUser
from quest.clock import LONDON
from quest.dashboards.comparison import Level, as_of, unit_figures
from quest.dashboards.forces_figures import ForcesFigures
from quest.dashboards.measures import MeasureComparison, MeasureKey, Size, UnitFigures, compare
from quest.errors import NotFound
from quest.org.models import Division, Force, SimilarForce


class Per(enum.StrEnum):
    """What national headquarters compares forces per: 100 officers, or 1,000 residents."""

    OFFICERS = "officers"
    POPULATION = "population"

    @property
    def size(self) -> Size:
        return Size(self.value)


class FunnelMeasure(enum.StrEnum):
    """The measures that are rates of counts, and so have a funnel plot."""

    IDEAS_RAISED = MeasureKey.IDEAS_RAISED.value
    IMPLEMENTATION_RATE = MeasureKey.IMPLEMENTATION_RATE.value
    SUSTAINED_IMPROVEMENTS = MeasureKey.SUSTAINED_IMPROVEMENTS.value


@dataclass(frozen=True, slots=True)
class Place:
    id: uuid.UUID
    code: str
    name: str


@dataclass(frozen=True, slots=True)
class Dashboard:
    """Units side by side on every measure for a financial year (read as of ``as_of``)."""

    year: int
    as_of: datetime.date
    size: Size
    units: list[UnitFigures]
    comparisons: list[MeasureComparison]
    force: Place | None = None  # the force whose divisions these are
    chosen: Place | None = None  # nationally: the force compared with its similar forces
    similar: tuple[Place, ...] = ()
    # Nationally: when the forces' figures were worked out (they are kept a while); None: just now.
    worked_out_at: datetime.datetime | None = None

    def comparison(self, key: str) -> MeasureComparison:
        return next(found for found in self.comparisons if found.measure.key == key)


async def _force(session: AsyncSession, code: str) -> Place | None:
    row = (await session.execute(select(Force.id, Force.code, Force.name).where(Force.code == code.upper()))).first()
    return None if row is None else Place(*row)


async def force_dashboard(
    session: AsyncSession, viewer: CurrentUser, code: str, year: int, today: datetime.date
) -> Dashboard:
    """The force's divisions side by side: for those who see the whole force (404 for anyone else)."""
    access.require(viewer, Permission.COMPARE_DIVISIONS)
    force = await _force(session, code)
    if force is None or not access.covers(viewer, Permission.COMPARE_DIVISIONS, force_id=force.id):
        raise NotFound("force")
    division_ids = list((await session.execute(select(Division.id).where(Division.force_id == force.id))).scalars())
    units = await unit_figures(session, Level.DIVISION, year, today, division_ids)
    # Savings and waste per officer, ideas per 100 staff (officers and police staff).
    size = Size.OFFICERS
    return Dashboard(year, as_of(year, today), size, units, compare(units, size, Size.WORKFORCE), force=force)


async def national_dashboard(
    session: AsyncSession,
    viewer: CurrentUser,
    year: int,
    size: Size,
    kept: ForcesFigures,
    now: datetime.datetime,
    chosen_code: str | None = None,
) -> Dashboard:
    """Every force side by side, normalised by ``size``, from the figures ``kept`` (or worked out now);
    with ``chosen_code``, that force marked with its similar forces and their weighted figures (404 for a
    code that is no force)."""
    access.require(viewer, Permission.COMPARE_FORCES)
    chosen = similar_places = None
    if chosen_code:
        chosen = await _force(session, chosen_code)
        if chosen is None:
            raise NotFound("force")
        similar_places = tuple(
            Place(*row)
            for row in await session.execute(
                select(Force.id, Force.code, Force.name)
                .join(SimilarForce, SimilarForce.similar_force_id == Force.id)
                .where(SimilarForce.force_id == chosen.id)
                .order_by(SimilarForce.rank)
            )
        )
    today = now.astimezone(LONDON).date()
    figures = await kept.of_year(session, year, today, now)
    units = list(figures.units)
    comparisons = compare(
        units,
        size,
        chosen=chosen.id if chosen else None,
        similar=frozenset(place.id for place in similar_places or ()),
    )
    return Dashboard(
        year,
        as_of(year, today),
        size,
        units,
        comparisons,
        chosen=chosen,
        similar=similar_places or (),
        worked_out_at=figures.at,
    )
