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
from quest.savings.claim_evidence import ClaimEvidence, evidence_of
from quest.savings.ledger import ClaimRow, claims_for_idea
from quest.savings.rules import Total, Totals
from quest.web.api_answers import answer, json_value
from quest.web.api_errors import refusals
from quest.web.dependencies import DatabaseSession, Now, Viewer


@dataclass(frozen=True)
class TotalOut:
    cashable_gbp: str
    non_cashable_gbp: str
    total_gbp: str
    hours: float
    fte: float

    @classmethod
    def of(cls, total: Total) -> TotalOut:
        return cls(**total.as_json())  # type: ignore[arg-type]


@dataclass(frozen=True)
class ByGradeOut:
    """Validated savings by evidence grade, and those not graded yet."""

    fairly_stated: TotalOut
    fairly_stated_measurement_issues: TotalOut
    not_shown: TotalOut
    ungraded: TotalOut


@dataclass(frozen=True)
class TotalsOut:
    """The savings totals shape of DESIGN §6, wherever totals appear: validated, claimed and forecast
    apart; the headline's gross (validated, graded fairly stated with or without measurement issues),
    the costs set against it, and net; and validated savings by grade."""

    validated: TotalOut
    claimed: TotalOut
    forecast: TotalOut
    flagged_double_counts: int
    gross_gbp: str
    costs_gbp: str
    net_gbp: str
    by_grade: ByGradeOut

    @classmethod
    def of(cls, totals: Totals) -> TotalsOut:
        return cls(
            validated=TotalOut.of(totals.validated),
            claimed=TotalOut.of(totals.claimed),
            forecast=TotalOut.of(totals.forecast),
            flagged_double_counts=totals.flagged_double_counts,
            gross_gbp=f"{totals.gross_gbp:.2f}",
            costs_gbp=f"{totals.costs.total_gbp:.2f}",
            net_gbp=f"{totals.net_gbp:.2f}",
            by_grade=ByGradeOut(**{key: TotalOut.of(total) for key, total in totals.by_grade.items()}),
        )


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
    # What it was recorded as: forecast or claimed (a superseded forecast still says forecast).
    recorded_as: str
    metric_id: str | None
    # A validated claim's evidence grade (fairly_stated, fairly_stated_measurement_issues, not_shown; null
    # until graded), the grade QUEST proposed when it was graded, the validator's reason, and when.
    evidence_grade: str | None
    proposed_grade: str | None
    grade_reason: str
    graded_at: datetime.datetime | None
    # The facts behind the claim as they stand now, and the grade they support.
    evidence_check: EvidenceCheckOut

    @classmethod
    def of(cls, claim: ClaimRow, evidence: ClaimEvidence) -> ClaimOut:
        return answer(
            cls,
            claim,
            idea_ref=claim.idea_reference,
            hourly_rate_gbp=f"{claim.hourly_rate:.2f}" if claim.hourly_rate is not None else None,
            amount_gbp_per_year=f"{claim.amount_per_year:.2f}",
            flagged_double_count=claim.flagged,
            double_count_with=[str(other.id) for other in claim.clashes_with],
            supersedes=json_value(claim.supersedes_id),
            evidence_check=EvidenceCheckOut.of(evidence),
        )


@dataclass(frozen=True)
class CheckOut:
    asks: str
    holds: bool
    found: str


@dataclass(frozen=True)
class BaselineOut:
    # The measure the claim rests on, and the date of the change it is judged from.
    metric_id: str
    change_date: datetime.date
    points: int
    back_filled: int
    warning: str | None


@dataclass(frozen=True)
class EvidenceCheckOut:
    proposed_grade: str
    why: str
    checks: list[CheckOut]
    # Null when the claim rests on no measure.
    baseline: BaselineOut | None
    worsened_balancing: list[str]
    costs_recorded: bool

    @classmethod
    def of(cls, evidence: ClaimEvidence) -> EvidenceCheckOut:
        measure, facts = evidence.measure, evidence.facts
        return cls(
            proposed_grade=evidence.proposal.grade.value,
            why=evidence.proposal.why,
            checks=[CheckOut(check.asks, check.holds, check.found) for check in evidence.proposal.checks],
            baseline=None
            if measure is None or facts.baseline is None
            else BaselineOut(
                str(measure.metric_id),
                measure.change_date,
                facts.baseline.points,
                facts.baseline.back_filled,
                facts.baseline.warning,
            ),
            worsened_balancing=list(facts.worsened_balancing),
            costs_recorded=facts.costs_recorded,
        )


@dataclass
class DecisionIn:
    decision: str = ""
    note: str = ""
    version: int | None = None
    # Optional, when validating: the evidence grade, and why it differs from QUEST's proposal if it does.
    grade: str = ""
    grade_reason: str = ""


@dataclass
class GradeIn:
    grade: str = ""
    reason: str = ""
    version: int | None = None


async def _claims_out(db_session: DatabaseSession, viewer: Viewer, idea_id: uuid.UUID) -> list[ClaimOut]:
    claims = await claims_for_idea(db_session, viewer, idea_id)
    evidence = await evidence_of(db_session, claims)
    return [ClaimOut.of(claim, evidence[claim.id]) for claim in claims]


async def _claim_out(db_session: DatabaseSession, viewer: Viewer, idea_id: uuid.UUID, claim_id: uuid.UUID) -> ClaimOut:
    for claim in await _claims_out(db_session, viewer, idea_id):
        if claim.id == str(claim_id):
            return claim
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
        return await _claims_out(db_session, viewer, idea_id)

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
            grade=data.grade,
            grade_reason=data.grade_reason,
        )
        return {"id": str(claim_id), "status": outcome.value}

    @post(
        "/api/v1/savings/{claim_id:uuid}/grade",
        summary="Grade the evidence of a validated claim",
        description="A validator of the claim's force, never its claimant, grades a validated claim in the "
        "National Audit Office's words: fairly_stated, fairly_stated_measurement_issues or not_shown. A grade "
        "that differs from the one QUEST proposes (the claim's evidence_check) needs a reason.",
        operation_id="gradeClaim",
        responses=refusals(404, 409, 422),
        status_code=200,
    )
    async def grade(
        self,
        db_session: DatabaseSession,
        viewer: Viewer,
        now: Now,
        claim_id: FromPath[uuid.UUID],
        data: JSONBody[GradeIn],
    ) -> dict[str, str]:
        graded = await services.grade_claim(
            db_session, viewer, claim_id, data.grade, data.reason, now=now, seen_version=data.version
        )
        return {"id": str(claim_id), "evidence_grade": graded.value}
