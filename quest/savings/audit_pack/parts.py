"""The rows of an audit pack's parts, read when the pack is written: all from one snapshot of the
database (:func:`quest.db.snapshot`), so that the totals worked out from the rows are those of the rows written,
and a batch at a time (:mod:`quest.savings.audit_pack.batches`), so that a worker holds one batch of a
part, whatever the force's size.

The pack is written after its answer has begun, so it reads through a session of its own, not the
request's (which closes when the answer starts)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from quest.savings.audit_pack.claims import Counting, claim_batches, counting_of
from quest.savings.audit_pack.costs import cost_batches
from quest.savings.audit_pack.evidence import evidence_of
from quest.savings.audit_pack.pack import AuditPack
from quest.savings.audit_pack.rows import PackAuditEntry, PackClaim, PackCost, PackEvidence
from quest.savings.audit_pack.totals import Tally, TotalLine
from quest.savings.audit_pack.trail import audit_batches


@dataclass(frozen=True)
class PackRows:
    """A pack's parts, each a batch of rows at a time, read through ``session``."""

    session: AsyncSession
    pack: AuditPack
    counting: Counting

    @classmethod
    async def of(cls, session: AsyncSession, pack: AuditPack) -> PackRows:
        return cls(session, pack, await counting_of(session, pack))

    def claims(self) -> AsyncIterator[list[PackClaim]]:
        return claim_batches(self.session, self.pack, self.counting)

    async def evidence(self) -> AsyncIterator[list[PackEvidence]]:
        async for claims in self.claims():
            yield await self.evidence_of(claims)

    async def evidence_of(self, claims: list[PackClaim]) -> list[PackEvidence]:
        return await evidence_of(self.session, claims)

    def costs(self) -> AsyncIterator[list[PackCost]]:
        return cost_batches(self.session, self.pack)

    def audit_trail(self) -> AsyncIterator[list[PackAuditEntry]]:
        return audit_batches(self.session, self.pack)

    def tally(self) -> Tally:
        return Tally(self.pack.totals, self.pack.columns)

    async def totals(self) -> tuple[list[TotalLine], dict[str, int]]:
        """Each total worked out from the claims and costs alone, and how many of each there are: for a
        page, whose summary comes before its rows."""
        tally = self.tally()
        async for claims in self.claims():
            tally.add("claims", claims)
        async for costs in self.costs():
            tally.add("costs", costs)
        return tally.lines(), tally.rows
