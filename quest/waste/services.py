"""Waste observations: logging them, listing them, the Pareto of hours lost, and turning one into an idea."""

from __future__ import annotations

import datetime
import decimal
import uuid
from dataclasses import asdict, dataclass
from typing import Any, Literal

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from quest import fields
from quest.accounts import access
from quest.accounts.access import Permission
from quest.accounts.identity import CurrentUser
from quest.accounts.models import User
from quest.audit.recorder import act_as
from quest.audit.refusals import not_found
from quest.errors import NotFound, refused
from quest.org.models import Division
from quest.org.services import contributing_division
from quest.paging import count_up_to
from quest.rollups import changes
from quest.rollups.models import MINUTE_PARTS, WasteByProcess
from quest.waste.models import WasteObservation
from quest.waste.rules import ParetoBar, hours_a_year_of, hours_per_year, pareto
from quest.waste.types import WasteType

MAX_MINUTES = decimal.Decimal(24 * 60)
MAX_OCCURRENCES = decimal.Decimal(7 * 24 * 60)  # once a minute, all week
PROCESS_LENGTH = 80
# A list of more observations than this is not counted to its end on every page (quest.paging).
COUNT_LIMIT = 10_000
DESCRIPTION_LENGTH = 2000


@dataclass
class WasteInput:
    """An observation as the form or the API gives it (``quest.waste.api.WasteIn``): text as typed, the
    numbers perhaps JSON numbers."""

    division_id: str = ""
    waste_type: str = ""
    process: str = ""
    description: str = ""
    minutes_per_occurrence: float | str = ""
    occurrences_per_week: float | str = ""
    observed_on: str = ""


@dataclass(frozen=True, slots=True)
class CheckedWaste:
    waste_type: WasteType
    process: str
    description: str
    minutes_per_occurrence: decimal.Decimal
    occurrences_per_week: decimal.Decimal
    observed_on: datetime.date


def _amount(
    data: WasteInput, name: str, label: str, most: decimal.Decimal, errors: dict[str, str]
) -> decimal.Decimal | None:
    """The field ``name``: how long each time, or how often; more than nothing, up to ``most``, to two places."""
    raw = getattr(data, name)
    return fields.decimal_number(raw, name, label, more_than=decimal.Decimal(0), most=most, places=2, errors=errors)


async def add_observation(
    session: AsyncSession, checked: CheckedWaste, *, force_id: uuid.UUID, division_id: uuid.UUID, reporter_id: uuid.UUID
) -> WasteObservation:
    """The observation a checked report makes, by whom and where (a person's, or the demo's), added to the
    session and counted in the rollups. The one path by which waste is logged. Flushes."""
    observation = WasteObservation(
        force_id=force_id, division_id=division_id, reporter_id=reporter_id, **asdict(checked)
    )
    session.add(observation)
    await session.flush()
    await changes.waste_observed(session, observation)
    return observation


def check_waste(data: WasteInput, today: datetime.date) -> tuple[CheckedWaste | None, dict[str, str]]:
    errors: dict[str, str] = {}
    waste_type = fields.choice(
        data.waste_type, WasteType, "waste_type", invalid="Choose the kind of waste", errors=errors
    )
    process = fields.text(
        data.process,
        "process",
        "process",
        limit=PROCESS_LENGTH,
        missing="Enter the process, like ‘Custody handover’",
        errors=errors,
    )
    description = fields.text(
        data.description,
        "description",
        "what happened",
        limit=DESCRIPTION_LENGTH,
        missing="Say what happened",
        lines=True,
        errors=errors,
    )
    minutes = _amount(data, "minutes_per_occurrence", "minutes lost each time", MAX_MINUTES, errors)
    occurrences = _amount(data, "occurrences_per_week", "times a week", MAX_OCCURRENCES, errors)
    observed_on = fields.date(data.observed_on, "observed_on", "date seen", required=False, today=today, errors=errors)
    if errors or waste_type is None or minutes is None or occurrences is None:
        return None, errors
    return CheckedWaste(waste_type, process, description, minutes, occurrences, observed_on or today), {}


async def log_waste(
    session: AsyncSession, viewer: CurrentUser, data: WasteInput, now: datetime.datetime, today: datetime.date
) -> uuid.UUID:
    """Record a waste observation in the viewer's division. Commits."""
    access.require(viewer, Permission.CONTRIBUTE)
    checked, errors = check_waste(data, today)
    place = await contributing_division(session, viewer, data.division_id, errors)
    if checked is None or place is None:
        raise refused(errors, references={"division_id"})
    force_id, division_id = place
    act_as(session, viewer.actor)
    observation = await add_observation(
        session, checked, force_id=force_id, division_id=division_id, reporter_id=viewer.id
    )
    await session.commit()
    return observation.id


@dataclass(frozen=True, slots=True)
class WasteRow:
    id: uuid.UUID
    observed_on: datetime.date
    waste_type: WasteType
    process: str
    description: str
    minutes_per_occurrence: decimal.Decimal
    occurrences_per_week: decimal.Decimal
    division_name: str
    reporter_name: str
    idea_id: uuid.UUID | None

    @property
    def hours_per_year(self) -> decimal.Decimal:
        return hours_per_year(self.minutes_per_occurrence, self.occurrences_per_week)


def _in_reach(viewer: CurrentUser) -> ColumnElement[bool]:
    return access.scope(
        viewer,
        Permission.VIEW_WORK,
        force_column=WasteObservation.force_id,
        division_column=WasteObservation.division_id,
    )


def _waste_rows(viewer: CurrentUser) -> Select[*tuple[Any, ...]]:
    return (
        select(
            WasteObservation.id,
            WasteObservation.observed_on,
            WasteObservation.waste_type,
            WasteObservation.process,
            WasteObservation.description,
            WasteObservation.minutes_per_occurrence,
            WasteObservation.occurrences_per_week,
            Division.name.label("division_name"),
            User.display_name.label("reporter_name"),
            WasteObservation.idea_id,
        )
        .join(Division, Division.id == WasteObservation.division_id)
        .join(User, User.id == WasteObservation.reporter_id)
        .where(_in_reach(viewer))
    )


async def list_waste(session: AsyncSession, viewer: CurrentUser, limit: int = 200, offset: int = 0) -> list[WasteRow]:
    """The observations within reach, newest first: ``limit`` of them after the first ``offset``."""
    access.require(viewer, Permission.VIEW_WORK)
    rows = await session.execute(
        _waste_rows(viewer)
        .order_by(WasteObservation.observed_on.desc(), WasteObservation.created_at.desc(), WasteObservation.id)
        .limit(limit)
        .offset(offset)
    )
    return [WasteRow(**row._asdict()) for row in rows]


async def count_waste(session: AsyncSession, viewer: CurrentUser) -> tuple[int, bool]:
    """How many observations are within reach, counted up to :data:`COUNT_LIMIT` (quest.paging)."""
    access.require(viewer, Permission.VIEW_WORK)
    return await count_up_to(session, select(WasteObservation.id).where(_in_reach(viewer)), COUNT_LIMIT)


async def get_waste(session: AsyncSession, viewer: CurrentUser, waste_id: uuid.UUID) -> WasteRow:
    row = (await session.execute(_waste_rows(viewer).where(WasteObservation.id == waste_id))).first()
    if row is None:
        raise await not_found(session, WasteObservation.id, Permission.VIEW_WORK, WasteObservation.id == waste_id)
    return WasteRow(**row._asdict())


async def hours_lost(
    session: AsyncSession, viewer: CurrentUser, by: Literal["waste_type", "process"]
) -> list[ParetoBar]:
    """Hours lost a year, summed by waste type or by process, over the waste in the viewer's reach: from
    the rollup of waste by division, kind and process (a few thousand rows nationally, not every
    observation)."""
    access.require(viewer, Permission.VIEW_WORK)
    group = WasteByProcess.waste_type if by == "waste_type" else WasteByProcess.process_key
    rows = await session.execute(
        select(
            group.label("key"),
            func.min(WasteByProcess.process).label("shown"),
            func.sum(WasteByProcess.minutes_a_week).label("weekly"),
        )
        .where(
            access.scope(
                viewer,
                Permission.VIEW_WORK,
                force_column=WasteByProcess.force_id,
                division_column=WasteByProcess.division_id,
            )
        )
        .group_by(group)
    )
    totals: dict[str, decimal.Decimal] = {}
    for key, shown, weekly in rows:
        label = WasteType(key).label if by == "waste_type" else shown
        totals[label] = hours_a_year_of(decimal.Decimal(weekly) / MINUTE_PARTS)
    return pareto(totals)


async def link_to_idea(session: AsyncSession, viewer: CurrentUser, waste_id: uuid.UUID, idea_id: uuid.UUID) -> None:
    """Note that an idea was raised from this observation (in the caller's transaction)."""
    observation = (
        await session.execute(select(WasteObservation).where(WasteObservation.id == waste_id, _in_reach(viewer)))
    ).scalar_one_or_none()
    if observation is None:
        raise NotFound("waste")
    observation.idea_id = idea_id
