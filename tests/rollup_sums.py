"""Each rollup beside the same figures computed from the records themselves, for the tests that check
they agree: after every kind of change, after the demos, after a rebuild. The double-count groups kept
beside the rule's groups, likewise."""

from __future__ import annotations

import datetime
import decimal
from collections import defaultdict
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from quest.clock import LONDON
from quest.ideas.models import Idea
from quest.metrics.models import Reading
from quest.records import filled
from quest.rollups.models import (
    MINUTE_PARTS,
    VALUE_PARTS,
    DecisionsByYear,
    IdeasByStatus,
    IdeasRaisedByMonth,
    ReadingsByWeek,
    ResponseDays,
    ResponseKind,
    WasteByMonth,
    WasteByProcess,
)
from quest.savings.costs import CostFacts
from quest.savings.double_counts import claim_facts, double_count_pairs, facts_of
from quest.savings.models import CostsByYear, DoubleCountMember, FlaggedByYear, IdeaCost, SavingsByYear, SavingsClaim
from quest.savings.rules import ClaimStatus, counted, double_counts, financial_year
from quest.savings.year_sums import COST_COLUMNS, FIGURES, cost_rows, flagged_changes, year_rows
from quest.waste.models import WasteObservation

Figures = dict[str, dict[tuple[Any, ...], tuple[Any, ...]]]


async def from_rollups(session: AsyncSession) -> Figures:
    """What the rollups hold (rows whose counts came back to zero are left out: nothing is there)."""
    waste = await session.execute(
        select(
            WasteByProcess.division_id,
            WasteByProcess.waste_type,
            WasteByProcess.process_key,
            WasteByProcess.force_id,
            WasteByProcess.process,
            WasteByProcess.observations,
            WasteByProcess.minutes_a_week,
        )
    )
    months = await session.execute(
        select(
            WasteByMonth.division_id,
            WasteByMonth.month,
            WasteByMonth.waste_type,
            WasteByMonth.force_id,
            WasteByMonth.observations,
            WasteByMonth.minutes_a_week,
        )
    )
    ideas = await session.execute(
        select(IdeasByStatus.division_id, IdeasByStatus.status, IdeasByStatus.force_id, IdeasByStatus.ideas)
    )
    return {
        "waste_by_month": {
            (division, month, kind): (force, observations, decimal.Decimal(minutes) / MINUTE_PARTS)
            for division, month, kind, force, observations, minutes in months
            if observations
        },
        "waste_by_process": {
            (division, kind, key): (force, shown, observations, decimal.Decimal(minutes) / MINUTE_PARTS)
            for division, kind, key, force, shown, observations, minutes in waste
            if observations
        },
        "ideas_by_status": {(division, status): (force, count) for division, status, force, count in ideas if count},
        "ideas_raised_by_month": {
            (division, month): (force, count)
            for division, month, force, count in await session.execute(
                select(
                    IdeasRaisedByMonth.division_id,
                    IdeasRaisedByMonth.month,
                    IdeasRaisedByMonth.force_id,
                    IdeasRaisedByMonth.ideas,
                )
            )
            if count
        },
        "readings_by_week": {
            (metric, week): (force, readings, total)
            for metric, week, force, readings, total in await session.execute(
                select(
                    ReadingsByWeek.metric_id,
                    ReadingsByWeek.week,
                    ReadingsByWeek.force_id,
                    ReadingsByWeek.readings,
                    ReadingsByWeek.total,
                )
            )
        },
        "response_days": {
            (division, ResponseKind(kind), year, days): (force, count)
            for division, kind, year, days, force, count in await session.execute(
                select(
                    ResponseDays.division_id,
                    ResponseDays.kind,
                    ResponseDays.year,
                    ResponseDays.days,
                    ResponseDays.force_id,
                    ResponseDays.ideas,
                )
            )
            if count
        },
        "decisions_by_year": {
            (division, year, status): (force, count)
            for division, year, status, force, count in await session.execute(
                select(
                    DecisionsByYear.division_id,
                    DecisionsByYear.year,
                    DecisionsByYear.status,
                    DecisionsByYear.force_id,
                    DecisionsByYear.ideas,
                )
            )
            if count
        },
    }


async def from_records(session: AsyncSession) -> Figures:
    """The same figures from the records: grouped by the database (its own lower(), and min() in its
    collation), and the minutes summed here, exactly, from each observation's two numbers."""
    key = func.lower(WasteObservation.process)
    groups = await session.execute(
        select(
            WasteObservation.division_id,
            WasteObservation.waste_type,
            key,
            WasteObservation.force_id,
            func.min(WasteObservation.process),
            func.count(),
        ).group_by(WasteObservation.division_id, WasteObservation.waste_type, key, WasteObservation.force_id)
    )
    minutes: dict[tuple[Any, ...], decimal.Decimal] = defaultdict(decimal.Decimal)
    months: dict[tuple[Any, ...], tuple[Any, int, decimal.Decimal]] = {}
    for division, force, kind, folded, observed_on, each, per_week in await session.execute(
        select(
            WasteObservation.division_id,
            WasteObservation.force_id,
            WasteObservation.waste_type,
            key,
            WasteObservation.observed_on,
            WasteObservation.minutes_per_occurrence,
            WasteObservation.occurrences_per_week,
        )
    ):
        lost = decimal.Decimal(each) * decimal.Decimal(per_week)
        minutes[division, kind, folded] += lost
        month = (division, observed_on.replace(day=1), kind)
        _force, observations, total = months.get(month, (force, 0, decimal.Decimal(0)))
        months[month] = (force, observations + 1, total + lost)
    ideas = await session.execute(
        select(Idea.division_id, Idea.status, Idea.force_id, func.count()).group_by(
            Idea.division_id, Idea.status, Idea.force_id
        )
    )
    # Each idea's month by its London date, worked out here (the rollups' SQL works it out in the database).
    raised: dict[tuple[Any, ...], tuple[Any, int]] = {}
    for division, force, created_at in await session.execute(select(Idea.division_id, Idea.force_id, Idea.created_at)):
        month = (division, created_at.astimezone(LONDON).date().replace(day=1))
        raised[month] = (force, raised.get(month, (force, 0))[1] + 1)
    # Each answer's financial year by its London date, and the whole days the idea waited for it; each
    # decided idea by its decision's year and its status now.
    answered: dict[tuple[Any, ...], tuple[Any, int]] = {}
    decisions: dict[tuple[Any, ...], tuple[Any, int]] = {}
    for division, force, status, created_at, *moments in await session.execute(
        select(Idea.division_id, Idea.force_id, Idea.status, Idea.created_at, Idea.first_response_at, Idea.decided_at)
    ):
        decided_at = moments[1]
        if decided_at is not None:
            decision = (division, financial_year(decided_at.astimezone(LONDON).date()), status)
            decisions[decision] = (force, decisions.get(decision, (force, 0))[1] + 1)
        for kind, moment in zip((ResponseKind.FIRST_RESPONSE, ResponseKind.DECISION), moments, strict=True):
            if moment is not None:
                key = (
                    division,
                    kind,
                    financial_year(moment.astimezone(LONDON).date()),
                    (moment - created_at) // datetime.timedelta(days=1),
                )
                answered[key] = (force, answered.get(key, (force, 0))[1] + 1)
    # Each reading in its week (Monday), its value in whole parts.
    weeks: dict[tuple[Any, ...], tuple[Any, int, int]] = {}
    for metric, force, day, value in await session.execute(
        select(Reading.metric_id, Reading.force_id, Reading.period_date, Reading.value)
    ):
        key = (metric, day - datetime.timedelta(days=day.weekday()))
        _force, readings, total = weeks.get(key, (force, 0, 0))
        weeks[key] = (force, readings + 1, total + int(decimal.Decimal(value) * VALUE_PARTS))
    return {
        "waste_by_month": months,
        "waste_by_process": {
            (division, kind, folded): (force, shown, observations, minutes[division, kind, folded])
            for division, kind, folded, force, shown, observations in groups
        },
        "ideas_by_status": {(division, status): (force, count) for division, status, force, count in ideas},
        "ideas_raised_by_month": raised,
        "readings_by_week": weeks,
        "response_days": answered,
        "decisions_by_year": decisions,
    }


async def compared(session_maker: Any) -> tuple[Figures, Figures]:
    """The rollups' figures and the records', read in one session."""
    async with session_maker() as session:
        return await from_rollups(session), await from_records(session)


async def double_count_groups_kept_and_computed(session_maker: Any) -> tuple[dict[str, str], dict[str, str]]:
    """Each claim in a double-count group and its group's oldest claim: as double_count_members keeps them,
    and as the rule finds them from every claim and every pair."""
    async with session_maker() as session:
        kept = {
            str(claim_id): str(group_id)
            for claim_id, group_id in await session.execute(
                select(DoubleCountMember.claim_id, DoubleCountMember.group_id)
            )
        }
        facts = [claim_facts(row) for row in await session.execute(facts_of(SavingsClaim.id.is_not(None)))]
        every_pair = await session.execute(double_count_pairs(SavingsClaim.id.is_not(None)))
        pairs = {(min(str(a), str(b)), max(str(a), str(b))) for a, b in every_pair}
    computed = {claim.id: group[0].id for group in double_counts(facts, pairs) for claim in group}
    return kept, computed


async def savings_by_year_kept_and_computed(session_maker: Any) -> tuple[Figures, Figures]:
    """The savings by year: as savings_by_year keeps them, and as the rule's counted claims make them
    (rows that add nothing left out of both)."""
    async with session_maker() as session:
        kept_rows = await session.execute(select(SavingsByYear))
        kept = {
            (str(row.division_id), row.year, ClaimStatus(row.status), row.grade, row.not_redeployed): tuple(
                getattr(row, f"{part}_{name}") for part in ("whole", "part") for name in FIGURES
            )
            for row in kept_rows.scalars()
        }
        kept_flagged = {
            (str(division_id), year): change
            for division_id, year, change in await session.execute(
                select(FlaggedByYear.division_id, FlaggedByYear.year, FlaggedByYear.change)
            )
        }
        facts = [claim_facts(row) for row in await session.execute(facts_of(SavingsClaim.id.is_not(None)))]
        every_pair = await session.execute(double_count_pairs(SavingsClaim.id.is_not(None)))
        pairs = {(min(str(a), str(b)), max(str(a), str(b))) for a, b in every_pair}
    by_division: dict[str, list[Any]] = defaultdict(list)
    for claim in counted(facts, double_counts(facts, pairs)):
        by_division[claim.division_id].append(claim)
    computed = {
        (division_id, year, status, grade, not_redeployed): tuple(
            getattr(part, name) for part in (whole, part_year) for name in FIGURES
        )
        for division_id, claims in by_division.items()
        for (year, (status, grade, not_redeployed)), (whole, part_year) in year_rows(claims).items()
    }
    groups: dict[str, list[Any]] = defaultdict(list)
    for group in double_counts(facts, pairs):
        groups[group[0].division_id].append(group)
    computed_flagged = {
        (division_id, year): change
        for division_id, division_groups in groups.items()
        for year, change in flagged_changes(division_groups).items()
    }
    nothing = (0,) * 2 * len(FIGURES)
    return (
        {
            "savings_by_year": {key: value for key, value in kept.items() if value != nothing},
            "flagged_by_year": {key: value for key, value in kept_flagged.items() if value},
        },
        {
            "savings_by_year": {key: value for key, value in computed.items() if value != nothing},
            "flagged_by_year": computed_flagged,
        },
    )


async def costs_by_year_kept_and_computed(session_maker: Any) -> tuple[Figures, Figures]:
    """The costs by year: as costs_by_year keeps them, and as the rule spreads every idea's costs over
    their years (rows that add nothing left out of both)."""
    async with session_maker() as session:
        kept = {
            (str(row.division_id), row.year): (
                str(row.force_id),
                *(getattr(row, f"{part}_{name}") for part in ("whole", "part") for name in FIGURES),
            )
            for row in (await session.execute(select(CostsByYear))).scalars()
        }
        costs: dict[tuple[str, str], list[CostFacts]] = defaultdict(list)
        for row in await session.execute(
            select(IdeaCost.division_id, IdeaCost.force_id, *(getattr(IdeaCost, name) for name in COST_COLUMNS))
        ):
            costs[str(row.division_id), str(row.force_id)].append(filled(CostFacts, row))
    computed = {
        (division_id, year): (force_id, *(getattr(part, name) for part in (whole, part_year) for name in FIGURES))
        for (division_id, force_id), division_costs in costs.items()
        for (year, _key), (whole, part_year) in cost_rows(division_costs).items()
    }
    return (
        {"costs_by_year": {key: value for key, value in kept.items() if any(value[1:])}},
        {"costs_by_year": {key: value for key, value in computed.items() if any(value[1:])}},
    )
