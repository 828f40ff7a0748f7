"""A claim's baseline as its page and the API show it (DESIGN §2, Evidence behind a saving): the readings of
the measure it rests on before the change, how many there are, their mean and process limits, and the
measure's chart with the change marked.

The rules are elsewhere, each in one place: the before-period and its limits in
:class:`quest.metrics.impact.Impact`, how few points are too few and what back-filled means in
:class:`quest.savings.evidence.Baseline`. This only gathers what they found for one change.
"""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass
from fractions import Fraction

from sqlalchemy.ext.asyncio import AsyncSession

from quest.accounts.identity import CurrentUser
from quest.charts.xmr import XmrChart, xmr_chart
from quest.ideas.impact import LinkedMetric, change_judged
from quest.metrics.spc import Point
from quest.savings.claim_evidence import ClaimEvidence, evidence_of
from quest.savings.ledger import ClaimRow, claim_for


@dataclass(frozen=True, slots=True)
class BaselineShown:
    metric_id: uuid.UUID
    name: str
    unit: str
    change_date: datetime.date
    # The before-period's readings, oldest first, each with the baseline's mean and limits.
    readings: list[Point]
    mean: Fraction | None
    # The process limits (None when they cannot be set, and ``no_limits`` says why).
    lower_limit: Fraction | None
    upper_limit: Fraction | None
    no_limits: str | None
    # The measure's whole chart, limits set afresh at each change, this one among them (None: no readings).
    chart: XmrChart | None

    @property
    def first(self) -> datetime.date | None:
        return self.readings[0].date if self.readings else None

    @property
    def last(self) -> datetime.date | None:
        return self.readings[-1].date if self.readings else None

    @classmethod
    def of(cls, linked: LinkedMetric) -> BaselineShown:
        impact = linked.impact
        limits = impact.baseline
        process = None if limits is None else limits.process()
        before, _after = impact.readings_around(impact.points_before)
        return cls(
            metric_id=linked.metric.id,
            name=linked.metric.name,
            unit=linked.metric.unit,
            change_date=linked.change_date,
            readings=before,
            mean=None if limits is None else limits.mean,
            lower_limit=None if process is None else process[0],
            upper_limit=None if process is None else process[1],
            no_limits=None if limits is None or limits.missing is None else limits.missing.reason,
            chart=xmr_chart(impact.chart, target=linked.metric.target, rebase_labels=linked.chart_labels),
        )


@dataclass(frozen=True, slots=True)
class ClaimInFull:
    """One claim as its page and ``GET /api/v1/savings/{id}`` show it."""

    claim: ClaimRow
    evidence: ClaimEvidence
    # None when the claim rests on no measure.
    baseline: BaselineShown | None


async def claim_in_full(
    session: AsyncSession, viewer: CurrentUser, claim_id: uuid.UUID, *, today: datetime.date
) -> ClaimInFull:
    """A claim in the viewer's reach (:class:`quest.errors.NotFound` for any other), its evidence, and the
    baseline of the measure it rests on."""
    claim = await claim_for(session, viewer, claim_id)
    evidence = (await evidence_of(session, [claim]))[claim.id]
    rests_on = evidence.measure
    judged = (
        None
        if rests_on is None
        else await change_judged(session, viewer, claim.idea_id, rests_on.metric_id, rests_on.change_date, today=today)
    )
    return ClaimInFull(claim, evidence, None if judged is None else BaselineShown.of(judged))
