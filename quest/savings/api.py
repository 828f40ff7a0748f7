"""Savings in the JSON API (DESIGN §6): claims on ideas and validators' decisions. (The rate card:
quest.org.settings_api.)"""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass

from litestar import Controller, get, post
from litestar.params import FromPath, JSONBody

from quest import fields
from quest.errors import NotFound, ValidationFailed
from quest.savings import services
from quest.savings.ledger import ClaimRow, claims_for_idea
from quest.web.api_answers import answer, json_value
from quest.web.api_errors import refusals
from quest.web.dependencies import DatabaseSession, Now, Viewer


@dataclass
class ClaimIn(services.ClaimInput):
    """A claim as the API sends it: the form's fields, and perhaps the claim it replaces."""

    # The id of a claim this one corrects (or a forecast it turns into a claim): that one is superseded.
    supersedes: str | None = None

    def replacing(self) -> uuid.UUID | None:
        errors: fields.Errors = {}
        found = fields.identifier(
            self.supersedes, "supersedes", invalid="Give the id of one of this idea's claims", errors=errors
        )
        if errors:
            raise ValidationFailed(errors)
        return found


@dataclass(frozen=True)
class ClaimOut:
    id: str
    idea_id: str
    idea_ref: str
    kind: str
    status: str
    mechanism: str
    cost_line: str
    hours_per_year: float
    grade: str | None
    hourly_rate_gbp: str | None
    amount_gbp_per_year: str
    period_start: datetime.date
    period_end: datetime.date | None
    evidence: str
    redeployed_to: str
    decision_note: str
    flagged_double_count: bool
    # The claims this one may count twice (ids), when it is flagged.
    double_count_with: list[str]
    version: int
    supersedes: str | None
    metric_id: str | None

    @classmethod
    def of(cls, claim: ClaimRow) -> ClaimOut:
        return answer(
            cls,
            claim,
            idea_ref=claim.idea_reference,
            hourly_rate_gbp=f"{claim.hourly_rate:.2f}" if claim.hourly_rate is not None else None,
            amount_gbp_per_year=f"{claim.amount_per_year:.2f}",
            flagged_double_count=claim.flagged,
            double_count_with=[str(other.id) for other in claim.clashes_with],
            supersedes=json_value(claim.supersedes_id),
        )


@dataclass
class DecisionIn:
    decision: str = ""
    note: str = ""
    version: int | None = None


async def _claim_out(db_session: DatabaseSession, viewer: Viewer, idea_id: uuid.UUID, claim_id: uuid.UUID) -> ClaimOut:
    for claim in await claims_for_idea(db_session, viewer, idea_id):
        if claim.id == claim_id:
            return ClaimOut.of(claim)
    raise NotFound("claim")


class SavingsApi(Controller):
    tags = ["Savings"]

    @post(
        "/api/v1/ideas/{idea_id:uuid}/savings",
        summary="Record a saving",
        operation_id="createClaim",
        responses=refusals(404, 422),
        status_code=201,
    )
    async def create(
        self,
        db_session: DatabaseSession,
        viewer: Viewer,
        now: Now,
        idea_id: FromPath[uuid.UUID],
        data: JSONBody[ClaimIn],
    ) -> ClaimOut:
        claim_id = await services.record_claim(db_session, viewer, idea_id, data, now=now, replacing=data.replacing())
        return await _claim_out(db_session, viewer, idea_id, claim_id)

    @get(
        "/api/v1/ideas/{idea_id:uuid}/savings",
        summary="An idea's savings claims",
        operation_id="listClaims",
        responses=refusals(404),
    )
    async def list_claims(
        self, db_session: DatabaseSession, viewer: Viewer, idea_id: FromPath[uuid.UUID]
    ) -> list[ClaimOut]:
        return [ClaimOut.of(claim) for claim in await claims_for_idea(db_session, viewer, idea_id)]

    @post(
        "/api/v1/savings/{claim_id:uuid}/decision",
        summary="Validate or reject a claim",
        operation_id="decideClaim",
        responses=refusals(404, 409, 422),
        status_code=200,
    )
    async def decide(
        self,
        db_session: DatabaseSession,
        viewer: Viewer,
        now: Now,
        claim_id: FromPath[uuid.UUID],
        data: JSONBody[DecisionIn],
    ) -> dict[str, str]:
        outcome = await services.decide_claim(
            db_session,
            viewer,
            claim_id,
            data.decision,
            data.note,
            now=now,
            seen_version=data.version,
        )
        return {"id": str(claim_id), "status": outcome.value}
