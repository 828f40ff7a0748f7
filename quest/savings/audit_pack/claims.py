"""The Claims part of the audit pack: every claim the pack holds, a batch at a time, each marked with
whether it counts in the totals and why not, and its days in the pack's year.

Which claim of a possible double count counts is :func:`quest.savings.rules.counted` over the whole
group, other years' claims too: the groups the pack's claims are in are read first (a force's year: the
groups kept in ``double_count_members``; an idea's: the pairs among its own claims, as its page counts
them), a few claims each, and then the pack's claims stream past them."""

from __future__ import annotations

import dataclasses
import uuid
from collections import defaultdict
from collections.abc import AsyncIterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from quest.accounts.models import User
from quest.ideas.models import Idea
from quest.org.models import Division
from quest.savings.audit_pack.batches import in_batches
from quest.savings.audit_pack.pack import AuditPack
from quest.savings.audit_pack.rows import PackClaim
from quest.savings.models import DoubleCountMember, SavingsClaim
from quest.savings.rules import ClaimStatus, counted, days_in_year, double_counts


def claims_select() -> Select[*tuple[Any, ...]]:
    """Claims with their idea, division and people's names (the caller adds what it selects by)."""
    claimant, decider, grader = aliased(User), aliased(User), aliased(User)
    return (
        select(
            SavingsClaim.id,
            SavingsClaim.idea_id,
            Idea.reference.label("idea_reference"),
            Idea.title.label("idea_title"),
            SavingsClaim.division_id,
            Division.name.label("division_name"),
            SavingsClaim.status,
            SavingsClaim.kind,
            SavingsClaim.mechanism,
            SavingsClaim.cost_line,
            SavingsClaim.hours_per_year,
            SavingsClaim.grade,
            SavingsClaim.hourly_rate,
            SavingsClaim.amount_per_year,
            SavingsClaim.period_start,
            SavingsClaim.period_end,
            SavingsClaim.redeployed_to,
            SavingsClaim.evidence,
            SavingsClaim.metric_id,
            claimant.display_name.label("claimed_by_name"),
            SavingsClaim.created_at,
            decider.display_name.label("decided_by_name"),
            SavingsClaim.decided_at,
            SavingsClaim.decision_note,
            SavingsClaim.evidence_grade,
            SavingsClaim.proposed_grade,
            SavingsClaim.grade_reason,
            grader.display_name.label("graded_by_name"),
            SavingsClaim.graded_at,
            SavingsClaim.supersedes_id,
        )
        .join(Idea, Idea.id == SavingsClaim.idea_id)
        .join(Division, Division.id == SavingsClaim.division_id)
        .join(claimant, claimant.id == SavingsClaim.claimed_by)
        .outerjoin(decider, decider.id == SavingsClaim.decided_by)
        .outerjoin(grader, grader.id == SavingsClaim.graded_by)
    )


_CLAIM_FIELDS = tuple(
    name
    for name in PackClaim.__dataclass_fields__
    if name not in {"counted", "not_counted_because", "double_count_group", "days", "year_days"}
)


def pack_claim(row: Any) -> PackClaim:
    values = row._mapping
    return PackClaim(**{name: values[name] for name in _CLAIM_FIELDS})


@dataclass(frozen=True)
class Counting:
    """Which claims of the double-count groups count (by :func:`quest.savings.rules.counted`, over each
    whole group), each group's claims by its oldest claim's id; a claim in no group counts if it is live."""

    group_of: Mapping[uuid.UUID, uuid.UUID]
    counting: frozenset[uuid.UUID]
    kept: Mapping[uuid.UUID, PackClaim | None]

    @classmethod
    def of(cls, groups: Mapping[uuid.UUID, Sequence[PackClaim]]) -> Counting:
        ordered = [sorted(members, key=lambda claim: (claim.created_at, str(claim.id))) for members in groups.values()]
        every = {member.id: member for members in ordered for member in members}
        counts = counted(
            [member.facts() for member in every.values()], [[member.facts() for member in group] for group in ordered]
        )
        counting = frozenset(uuid.UUID(fact.id) for fact in counts)
        return cls(
            group_of={member.id: group_id for group_id, members in groups.items() for member in members},
            counting=counting,
            kept={
                group_id: next((member for member in members if member.id in counting), None)
                for group_id, members in groups.items()
            },
        )

    def mark(self, claim: PackClaim, year: int | None, year_days: int) -> PackClaim:
        """``claim`` with whether it counts, why not, its group, and its days in ``year`` (None: an idea's
        pack, a full year)."""
        group_id = self.group_of.get(claim.id)
        counts = claim.id in self.counting if group_id is not None else claim.status.live
        return dataclasses.replace(
            claim,
            counted=counts,
            not_counted_because="" if counts else _why_not(claim, self.kept.get(group_id) if group_id else None),
            double_count_group=group_id,
            days=1 if year is None else days_in_year(claim.period_start, claim.period_end, year),
            year_days=year_days,
        )


def _why_not(claim: PackClaim, counts_for_group: PackClaim | None) -> str:
    if claim.status is ClaimStatus.REJECTED:
        return "Rejected"
    if claim.status is ClaimStatus.SUPERSEDED:
        return "Superseded by a later claim"
    if counts_for_group is not None:
        return (
            f"A possible double count: its group counts claim {counts_for_group.id} "
            f"({counts_for_group.idea_reference}, {counts_for_group.status.value}) alone"
        )
    return ""


async def counting_of(session: AsyncSession, pack: AuditPack) -> Counting:
    """The double-count groups the pack's claims are in, and which claim of each counts: a force's year,
    the groups kept (one statement, a few claims a group); an idea's, the pairs among its own claims (its
    claims, one statement), as its page counts them."""
    if pack.idea_id is not None:
        own = [pack_claim(row) for row in await session.execute(claims_select().where(pack.claims_where))]
        by_id = {str(claim.id): claim for claim in own}
        return Counting.of(
            {
                uuid.UUID(group[0].id): [by_id[member.id] for member in group]
                for group in double_counts([claim.facts() for claim in own])
            }
        )
    member = DoubleCountMember
    their_groups = select(member.group_id).where(member.claim_id.in_(select(SavingsClaim.id).where(pack.claims_where)))
    groups: dict[uuid.UUID, list[PackClaim]] = defaultdict(list)
    for row in await session.execute(
        claims_select()
        .add_columns(member.group_id.label("group_id"))
        .join(member, member.claim_id == SavingsClaim.id)
        .where(member.group_id.in_(their_groups))
    ):
        groups[row.group_id].append(pack_claim(row))
    return Counting.of(groups)


async def claim_batches(session: AsyncSession, pack: AuditPack, counting: Counting) -> AsyncIterator[list[PackClaim]]:
    """The pack's claims, a batch at a time, by division, idea and age, each marked by ``counting``."""
    year_days = pack.year_days
    statement = (
        claims_select()
        .where(pack.claims_where)
        .order_by(Division.name, Idea.reference, SavingsClaim.created_at, SavingsClaim.id)
    )
    async for rows in in_batches(session, statement):
        yield [counting.mark(pack_claim(row), pack.year, year_days) for row in rows]
