"""The evidence behind each claim, read for a validator (DESIGN §2, Evidence behind a saving): the facts of
:mod:`quest.savings.evidence`, gathered from what each idea's links to measures show as last judged
(:class:`quest.metrics.models.LinkJudgement`, kept as readings and links change) and whether the idea's
costs are recorded, so a list of fifty claims proposes fifty grades from one statement, whatever the
number of readings behind them.

A claim rests on the outcome measure it names, or else on the outcome measure linked to its idea whose
name is its mechanism (:func:`quest.savings.rules.rests_on`); a claim that rests on none has no baseline.
Every balancing measure of the claim's idea counts against it, whichever measure the claim rests on.
"""

from __future__ import annotations

import datetime
import uuid
from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy import exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from quest.ideas.models import Idea
from quest.metrics.models import IdeaMetric, LinkJudgement, Metric
from quest.metrics.vocabulary import MetricRole
from quest.savings.evidence import Baseline, EvidenceFacts, Proposal, proposed_grade
from quest.savings.models import IdeaCost
from quest.savings.rules import rests_on


class Claimed(Protocol):
    """What the evidence needs to know of a claim (a claim's row, or the claim itself)."""

    @property
    def id(self) -> uuid.UUID: ...
    @property
    def idea_id(self) -> uuid.UUID: ...
    @property
    def metric_id(self) -> uuid.UUID | None: ...
    @property
    def mechanism(self) -> str: ...


@dataclass(frozen=True, slots=True)
class LinkShown:
    """What one of an idea's links to a measure shows, as last judged."""

    metric_id: uuid.UUID
    name: str
    role: MetricRole
    change_date: datetime.date
    baseline_points: int
    back_filled: int
    improvement: bool
    worsened: bool


@dataclass(frozen=True, slots=True)
class ClaimEvidence:
    # The measure the claim rests on, and the date of the change it is judged from (None: none).
    measure: LinkShown | None
    facts: EvidenceFacts
    proposal: Proposal

    @property
    def baseline_warning(self) -> str | None:
        return self.facts.baseline.warning if self.facts.baseline else None


def evidence_from(claim: Claimed, links: Sequence[LinkShown], costs_recorded: bool) -> ClaimEvidence:
    """A claim's evidence from its idea's links (pure; the rules in the module's docstring)."""
    outcomes = [link for link in links if link.role is MetricRole.OUTCOME]
    measure = next((link for link in outcomes if link.metric_id == claim.metric_id), None) or next(
        (link for link in outcomes if rests_on(claim.metric_id, claim.mechanism, link.metric_id, link.name)), None
    )
    facts = EvidenceFacts(
        baseline=None if measure is None else Baseline(measure.baseline_points, measure.back_filled),
        improvement=measure is not None and measure.improvement,
        worsened_balancing=tuple(link.name for link in links if link.role is MetricRole.BALANCING and link.worsened),
        costs_recorded=costs_recorded,
    )
    return ClaimEvidence(measure, facts, proposed_grade(facts))


async def evidence_of(session: AsyncSession, claims: Iterable[Claimed]) -> dict[uuid.UUID, ClaimEvidence]:
    """The evidence of each of ``claims``, by claim id. One statement: their ideas, each with whether its
    costs are recorded and the judgements of its links."""
    wanted = list(claims)
    if not wanted:
        return {}
    links, costed = await links_shown(session, {claim.idea_id for claim in wanted})
    return {claim.id: evidence_from(claim, links.get(claim.idea_id, []), claim.idea_id in costed) for claim in wanted}


async def links_shown(
    session: AsyncSession, idea_ids: Collection[uuid.UUID]
) -> tuple[dict[uuid.UUID, list[LinkShown]], set[uuid.UUID]]:
    """What each idea's links show, as last judged, by idea (links in the order they were made); and
    which of the ideas have costs recorded."""
    found: dict[uuid.UUID, list[LinkShown]] = defaultdict(list)
    costed: set[uuid.UUID] = set()
    rows = await session.execute(
        select(
            Idea.id.label("idea_id"),
            exists().where(IdeaCost.idea_id == Idea.id).label("costed"),
            LinkJudgement.metric_id,
            Metric.name,
            LinkJudgement.role,
            IdeaMetric.change_date,
            LinkJudgement.baseline_points,
            LinkJudgement.back_filled,
            LinkJudgement.improvement,
            LinkJudgement.worsened,
        )
        .outerjoin(LinkJudgement, LinkJudgement.idea_id == Idea.id)
        .outerjoin(IdeaMetric, IdeaMetric.id == LinkJudgement.link_id)
        .outerjoin(Metric, Metric.id == LinkJudgement.metric_id)
        .where(Idea.id.in_(idea_ids))
        .order_by(Idea.id, IdeaMetric.created_at, IdeaMetric.id)
    )
    for row in rows:
        if row.costed:
            costed.add(row.idea_id)
        if row.metric_id is not None:
            found[row.idea_id].append(
                LinkShown(
                    row.metric_id,
                    row.name,
                    row.role,
                    row.change_date,
                    row.baseline_points,
                    row.back_filled,
                    row.improvement,
                    row.worsened,
                )
            )
    return found, costed
