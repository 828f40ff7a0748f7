"""The Costs part of the audit pack: the costs of the year (a one-off cost counts whole in the year it was
incurred, a recurring one by its days in it) or of the idea, a batch at a time."""

from __future__ import annotations

from collections.abc import AsyncIterator

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from quest.accounts.models import User
from quest.ideas.models import Idea
from quest.org.models import Division
from quest.savings.audit_pack.batches import in_batches
from quest.savings.audit_pack.pack import AuditPack
from quest.savings.audit_pack.rows import PackCost
from quest.savings.costs import CostFacts, days_counted
from quest.savings.models import IdeaCost


async def cost_batches(session: AsyncSession, pack: AuditPack) -> AsyncIterator[list[PackCost]]:
    """The pack's costs, by division, idea and start, with their days in its year (an idea's: 1, a full
    year)."""
    recorder = aliased(User)
    statement = (
        select(
            IdeaCost.id,
            Idea.reference.label("idea_reference"),
            Division.name.label("division_name"),
            IdeaCost.description,
            IdeaCost.recurrence,
            IdeaCost.kind,
            IdeaCost.hours,
            IdeaCost.grade,
            IdeaCost.hourly_rate,
            IdeaCost.amount,
            IdeaCost.starts,
            IdeaCost.ends,
            recorder.display_name.label("recorded_by_name"),
            IdeaCost.created_at,
        )
        .join(Idea, Idea.id == IdeaCost.idea_id)
        .join(Division, Division.id == IdeaCost.division_id)
        .join(recorder, recorder.id == IdeaCost.recorded_by)
        .where(pack.costs_where)
        .order_by(Division.name, Idea.reference, IdeaCost.starts, IdeaCost.id)
    )
    year, year_days = pack.year, pack.year_days
    async for rows in in_batches(session, statement):
        yield [
            PackCost(
                **row._mapping,
                days=1
                if year is None
                else days_counted(
                    CostFacts(row.recurrence, row.kind, row.amount, row.hours, row.starts, row.ends), year
                ),
                year_days=year_days,
            )
            for row in rows
        ]
