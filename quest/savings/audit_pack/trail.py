"""The Audit trail part of the audit pack: every change to the pack's claims and costs, oldest first, a
batch at a time, each by the name of who made it (never their address) and with the idea it was on."""

from __future__ import annotations

from collections.abc import AsyncIterator

from sqlalchemy import select, union_all
from sqlalchemy.ext.asyncio import AsyncSession

from quest.accounts.models import User
from quest.audit.models import AuditEntry
from quest.columns import UuidText
from quest.ideas.models import Idea
from quest.savings.audit_pack.batches import in_batches
from quest.savings.audit_pack.pack import AuditPack
from quest.savings.audit_pack.rows import PackAuditEntry
from quest.savings.models import IdeaCost, SavingsClaim

_RECORDS = {"savings_claims": "Savings claim", "idea_costs": "Cost"}


async def audit_batches(session: AsyncSession, pack: AuditPack) -> AsyncIterator[list[PackAuditEntry]]:
    """The log's entries of the pack's claims and costs, found on the log's index of records (each id as
    the log keeps it, :class:`quest.columns.UuidText`), with their idea's reference."""
    found = union_all(
        select(AuditEntry.id, Idea.reference)
        .join(SavingsClaim, UuidText(SavingsClaim.id) == AuditEntry.entity_id)
        .join(Idea, Idea.id == SavingsClaim.idea_id)
        .where(AuditEntry.entity == "savings_claims", pack.claims_where),
        select(AuditEntry.id, Idea.reference)
        .join(IdeaCost, UuidText(IdeaCost.id) == AuditEntry.entity_id)
        .join(Idea, Idea.id == IdeaCost.idea_id)
        .where(AuditEntry.entity == "idea_costs", pack.costs_where),
    ).subquery("found")
    statement = (
        select(
            AuditEntry.occurred_at,
            AuditEntry.actor_id,
            AuditEntry.actor_label,
            User.display_name,
            AuditEntry.entity,
            AuditEntry.entity_id,
            AuditEntry.action,
            AuditEntry.before,
            AuditEntry.after,
            found.c.reference,
        )
        .join(found, found.c.id == AuditEntry.id)
        .outerjoin(User, User.id == AuditEntry.actor_id)
        .order_by(AuditEntry.occurred_at, AuditEntry.id)
    )
    async for rows in in_batches(session, statement):
        yield [
            PackAuditEntry(
                occurred_at=row.occurred_at,
                # A person by their name; QUEST itself (a seed, a migration) by its label.
                actor=row.display_name or ("a user no longer in QUEST" if row.actor_id else row.actor_label),
                action=row.action,
                record=_RECORDS[row.entity],
                record_id=row.entity_id or "",
                idea_reference=row.reference,
                before=row.before,
                after=row.after,
            )
            for row in rows
        ]
