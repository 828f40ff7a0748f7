"""How long ideas wait for a first response and for a decision (DESIGN §2, the response SLA): the median
days for each division of a force (force headquarters' settings page), and over a manager's reach (their
triage list). One statement each: the database works out every span and picks each group's middle ones
(:mod:`quest.dashboards.spans`); :func:`median_days` turns those into days."""

from __future__ import annotations

import statistics
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, String, Subquery, cast, func, literal_column, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession

from quest.dashboards.spans import microseconds_between, middle_of
from quest.ideas.models import Idea
from quest.org.models import Division
from quest.rollups.models import ResponseDays, ResponseKind

FIRST_RESPONSE, DECISION = 1, 2


def median_days(middle: Sequence[int]) -> float | None:
    """The median, in days to the tenth, of spans whose middle one or two are ``middle`` (microseconds):
    what ``statistics.median`` of every span's ``total_seconds() / 86400`` gives; None for no spans."""
    if not middle:
        return None
    return round(statistics.median(span / 10**6 / 86400 for span in middle), 1)


def _spans(where: ColumnElement[bool], unit: Any = Idea.division_id) -> Subquery:
    """The time each idea ``where`` holds took to its first response and to its decision, if it had them:
    its ``unit`` (its division, or its force), which span (``FIRST_RESPONSE`` or ``DECISION``) and how
    long (microseconds)."""
    return union_all(
        *(
            select(
                unit.label("unit"),
                literal_column(str(kind)).label("kind"),
                microseconds_between(moment, Idea.created_at).label("span"),
            ).where(where, moment.is_not(None))
            for kind, moment in ((FIRST_RESPONSE, Idea.first_response_at), (DECISION, Idea.decided_at))
        )
    ).subquery("spans")


@dataclass(frozen=True, slots=True)
class Medians:
    median_days_to_first_response: float | None
    median_days_to_decision: float | None


def _medians(middles: dict[int, list[int]]) -> Medians:
    return Medians(median_days(middles.get(FIRST_RESPONSE, [])), median_days(middles.get(DECISION, [])))


async def medians(session: AsyncSession, where: ColumnElement[bool]) -> Medians:
    """The median days to a first response and to a decision of the ideas ``where`` holds (the caller's
    reach), all together."""
    spans = _spans(where)
    middles: dict[int, list[int]] = {}
    for row in await session.execute(middle_of(spans, spans.c.kind)):
        middles.setdefault(row.kind, []).append(row.span)
    return _medians(middles)


@dataclass(frozen=True, slots=True)
class DivisionResponse:
    division_id: uuid.UUID
    division_name: str
    median_days_to_first_response: float | None
    median_days_to_decision: float | None


async def response_times(session: AsyncSession, force_id: uuid.UUID) -> list[DivisionResponse]:
    """Median days to first response and to decision, for each division of a force by name, those with no
    ideas answered yet included (for HQ)."""
    spans = _spans(Idea.division_id.in_(select(Division.id).where(Division.force_id == force_id)))
    middle = middle_of(spans, spans.c.unit, spans.c.kind).subquery("middle")
    rows = await session.execute(
        select(Division.id, Division.name, middle.c.kind, middle.c.span)
        .outerjoin(middle, middle.c.unit == Division.id)
        .where(Division.force_id == force_id)
        .order_by(Division.name, Division.id)
    )
    divisions: dict[tuple[uuid.UUID, str], dict[int, list[int]]] = {}
    for division_id, name, kind, span in rows:
        middles = divisions.setdefault((division_id, name), {})
        if kind is not None:
            middles.setdefault(kind, []).append(span)
    found = []
    for (division_id, name), middles in divisions.items():
        times = _medians(middles)
        found.append(
            DivisionResponse(division_id, name, times.median_days_to_first_response, times.median_days_to_decision)
        )
    return found


async def days_waited_in_year(
    session: AsyncSession, year: int, where: ColumnElement[bool], unit: Any
) -> dict[uuid.UUID, dict[ResponseKind, dict[int, int]]]:
    """How many ideas answered in financial year ``year`` waited each number of whole days for a first
    response and for a decision, for each ``unit`` (a column of :class:`ResponseDays`: its division or its
    force) of the rows ``where`` selects. One statement over the kept distribution; a median of it is
    :func:`quest.dashboards.measures.median_of`.

    Nationally a year's distribution holds thousands of (force, days) pairs: the database writes each unit's
    as one text of ``days:ideas`` pairs, which costs a fraction of bringing every pair back as a row."""
    waited = (
        select(unit.label("unit"), ResponseDays.kind, ResponseDays.days, func.sum(ResponseDays.ideas).label("ideas"))
        .where(where, ResponseDays.year == year)
        .group_by(unit, ResponseDays.kind, ResponseDays.days)
        .subquery("waited")
    )
    pair = cast(waited.c.days, String) + literal_column("':'") + cast(waited.c.ideas, String)
    counts: dict[uuid.UUID, dict[ResponseKind, dict[int, int]]] = {}
    for unit_id, kind, pairs in await session.execute(
        select(waited.c.unit, waited.c.kind, func.aggregate_strings(pair, ",")).group_by(waited.c.unit, waited.c.kind)
    ):
        counts.setdefault(unit_id, {})[ResponseKind(kind)] = distribution_of(pairs)
    return counts


def distribution_of(pairs: str) -> dict[int, int]:
    """``"3:12,5:1"`` as ``{3: 12, 5: 1}``."""
    found: dict[int, int] = {}
    for days, ideas in (pair.split(":") for pair in pairs.split(",")):
        found[int(days)] = int(ideas)
    return found
