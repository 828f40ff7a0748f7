"""The idea page: everything it shows, asked of the database once for each thing.

The idea (with its people, its waste types, the idea it was adopted from, and whether the viewer
supports and follows it), its timeline, similar ideas, its savings ledger (with its costs), its measures (those linked
with every change to them, and for its managers those that could be linked; then the linked ones'
readings: one statement each, whatever their number), for its managers who may own it, and where it
spread to, once implemented (only an implemented idea can be adopted, and implemented is final). What
the viewer may do is worked out from the viewer, not asked again. The page's handler and the re-render
of each of its forms use this.
"""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from quest.accounts import access
from quest.accounts.access import Permission
from quest.accounts.identity import CurrentUser
from quest.charts.xmr import xmr_chart
from quest.ideas import decisions, services
from quest.ideas.decisions import Adoption, Colleague
from quest.ideas.impact import LinkedMetric, idea_sustainment, measures_of
from quest.ideas.services import IdeaDetail, SimilarIdea
from quest.ideas.status import IdeaStatus
from quest.ideas.workflow import NEEDS_A_REASON, VERBS, allowed_moves
from quest.metrics.services import MetricSummary
from quest.metrics.vocabulary import MetricRole
from quest.savings import claim_workflow, idea_costs
from quest.savings import services as savings
from quest.savings.claim_evidence import ClaimEvidence, evidence_of
from quest.savings.ledger import Ledger, idea_ledger
from quest.savings.rules import Grade

GRADE_OPTIONS = [("", "Choose a grade"), *((grade.value, grade.label) for grade in Grade)]
# Where the idea's managers are offered a measure to link, even before one is: from its approval on.
MEASURED_FROM = frozenset({IdeaStatus.APPROVED, IdeaStatus.IN_PROGRESS, IdeaStatus.IMPLEMENTED})


@dataclass(frozen=True, slots=True)
class IdeaPage:
    idea: IdeaDetail
    similar: list[SimilarIdea]
    ledger: Ledger
    # The evidence behind each of its claims, and the grade QUEST proposes (by claim id).
    evidence: dict[uuid.UUID, ClaimEvidence]
    impact: list[LinkedMetric]
    may_decide: bool
    may_claim: bool
    # Whether the viewer may record (and remove) the idea's costs now.
    may_cost: bool
    may_adopt: bool
    # For those who decide the idea: who may own it, and the division's measures not linked to it yet.
    owners: list[Colleague]
    linkable: list[MetricSummary]
    spread: list[Adoption]

    @property
    def shows_impact(self) -> bool:
        """Whether the page has an impact panel: measures linked, or (for its managers) the way to link one."""
        return bool(self.impact) or (self.may_decide and self.idea.status in MEASURED_FROM)

    def context(self, replace: uuid.UUID | None = None) -> dict[str, Any]:
        """What ``ideas/show.html`` is given; ``replace``: the claim whose correction the savings form
        starts from (``?replace=``), if the viewer may claim."""
        replacing = next((claim for claim in self.ledger.claims if claim.id == replace and self.may_claim), None)
        charted = [
            (linked, xmr_chart(linked.impact.chart, target=linked.metric.target, rebase_labels=linked.chart_labels))
            for linked in self.impact
        ]
        outcomes = [linked for linked in self.impact if not linked.is_balancing]
        return {
            "idea": self.idea,
            "similar": self.similar,
            "errors": {},
            "values": (
                savings.ClaimInput.of(replacing, self.idea.status) | {"supersedes": str(replacing.id)}
                if replacing is not None
                else {}
            ),
            "may_decide": self.may_decide,
            "moves": [(status, VERBS[status]) for status in allowed_moves(self.idea.status)] if self.may_decide else [],
            "needs_a_reason": NEEDS_A_REASON,
            "owners": self.owners,
            "ledger": self.ledger,
            "evidence": self.evidence,
            "open_to_savings": claim_workflow.open_to_savings(self.idea.status),
            "new_claim_status": claim_workflow.new_claim_status(self.idea.status),
            "may_claim": self.may_claim,
            "open_to_costs": idea_costs.open_to_costs(self.idea.status),
            "may_cost": self.may_cost,
            "replacing": replacing,
            "grade_options": GRADE_OPTIONS,
            "may_adopt": self.may_adopt,
            # Outcomes first, as they always were; balancing measures apart, under their own heading.
            "impact": [(linked, chart) for linked, chart in charted if not linked.is_balancing],
            "balancing": [(linked, chart) for linked, chart in charted if linked.is_balancing],
            # Sustainment is shown once the idea is implemented, and only over its outcomes.
            "sustainment": idea_sustainment(outcomes)
            if outcomes and self.idea.status is IdeaStatus.IMPLEMENTED
            else None,
            # A saving rests on an outcome, never on a balancing measure.
            "impact_options": [
                (str(linked.metric.id), linked.metric.name)
                for linked in self.impact
                if linked.role is MetricRole.OUTCOME
            ],
            "linkable": [(str(metric.id), metric.name) for metric in self.linkable],
            "shows_impact": self.shows_impact,
            "spread": self.spread,
            "adopted_from": self.idea.adopted_from,
        }


async def idea_page(session: AsyncSession, viewer: CurrentUser, reference: str, today: datetime.date) -> IdeaPage:
    """The idea page for the viewer on ``today`` (its outcomes' sustainment is judged as of that day);
    :class:`~quest.errors.NotFound` unless they may see the idea."""
    detail = await services.idea_by_reference(session, viewer, reference)
    place = {"force_id": detail.force_id, "division_id": detail.division_id}
    may_decide = access.covers(viewer, Permission.DECIDE_IDEAS, **place)
    ledger = await idea_ledger(session, viewer, detail)
    measures = await measures_of(session, viewer, detail, ledger.claims, today=today, linkable=may_decide)
    return IdeaPage(
        idea=detail,
        similar=await services.similar_ideas(session, viewer, detail.title, exclude=detail.id),
        ledger=ledger,
        evidence=await evidence_of(session, ledger.claims),
        impact=measures.linked,
        may_decide=may_decide,
        may_claim=access.covers(viewer, Permission.CLAIM_SAVINGS, **place)
        and claim_workflow.open_to_savings(detail.status),
        may_cost=access.covers(viewer, Permission.CLAIM_SAVINGS, **place) and idea_costs.open_to_costs(detail.status),
        may_adopt=(
            detail.status is IdeaStatus.IMPLEMENTED
            and access.may(viewer, Permission.CONTRIBUTE)
            and viewer.division_id != detail.division_id
        ),
        owners=await decisions.owners_in(session, detail.division_id) if may_decide else [],
        linkable=measures.linkable,
        spread=await decisions.spread(session, detail.id) if detail.status is IdeaStatus.IMPLEMENTED else [],
    )
