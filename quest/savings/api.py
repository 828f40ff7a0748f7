"""Savings in the JSON API (DESIGN §6): claims on ideas and validators' decisions, and the costs of
putting an idea in place. (The rate card: quest.org.settings_api.)"""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass
from fractions import Fraction
from typing import Annotated, Any, ClassVar

from litestar import Controller, Request, Response, delete, get, post
from litestar.params import FromPath, FromQuery, JSONBody

from quest import fields
from quest.errors import NotFound, ValidationFailed
from quest.paging import Paged
from quest.savings import claim_workflow, idea_costs, services
from quest.savings.baselines import BaselineShown, claim_in_full
from quest.savings.claim_evidence import ClaimEvidence, evidence_of
from quest.savings.costs import CostRecurrence
from quest.savings.evidence import EvidenceGrade
from quest.savings.idea_costs import CostRow, IdeaCosts
from quest.savings.ledger import (
    CLAIMS_PER_PAGE,
    GROUPS_PER_PAGE,
    ClaimRow,
    DoubleCountGroup,
    claims_for_idea,
    double_count_groups,
    ledger_for_force,
    ledger_for_idea,
)
from quest.savings.rules import ClaimKind, ClaimStatus, Grade, Total, Totals, financial_year
from quest.savings.valuation import MAX_AMOUNT, MAX_HOURS
from quest.web import api_schema
from quest.web.api_answers import PerPage, answer, json_value, list_page, page_answer
from quest.web.api_errors import refusals
from quest.web.dependencies import DatabaseSession, Now, Today, Viewer
from quest.web.pages import FinancialYear, PageNumber


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

    # What the schema cannot say field by field: cash needs its amount and cost line; time its hours,
    # grade and where it goes; a claimed saving its evidence. (And period_end is on or after period_start.)
    SCHEMA_RULES: ClassVar[list[dict[str, Any]]] = [
        api_schema.when("kind", ClaimKind.CASHABLE, filled=["cost_line"], given=["amount_gbp_per_year"]),
        api_schema.when("kind", ClaimKind.NON_CASHABLE, filled=["redeployed_to"], given=["hours_per_year", "grade"]),
        api_schema.when("status", ClaimStatus.CLAIMED, filled=["evidence"]),
    ]

    kind: Annotated[
        str,
        api_schema.choice(ClaimKind, required=True, description="cashable: £ off a budget line; non_cashable: time"),
    ] = ""
    mechanism: Annotated[
        str,
        api_schema.text(
            services.MECHANISM_LENGTH,
            required=True,
            description="How the saving happens: the metric, cost line or process",
            example="Overtime for exhibit runs",
        ),
    ] = ""
    status: Annotated[
        str,
        api_schema.choice(
            claim_workflow.CLAIMABLE,
            description="forecast (an approved idea) or claimed (an implemented one): another is refused with 409",
        ),
    ] = ClaimStatus.CLAIMED.value
    hours_per_year: Annotated[
        float | str | None,
        api_schema.number(
            nullable=True,
            exclusive_minimum=0,
            maximum=float(MAX_HOURS),
            places=2,
            description="Time released: hours a year",
            example=1200,
        ),
    ] = None
    grade: Annotated[str, api_schema.choice(Grade, description="Time released: whose, valued at the rate card")] = ""
    amount_gbp_per_year: Annotated[
        float | str | None, api_schema.money(nullable=True, most=MAX_AMOUNT, description="Cash: £ a year")
    ] = None
    cost_line: Annotated[
        str, api_schema.text(services.COST_LINE_LENGTH, description="Cash: the budget line the money comes off")
    ] = ""
    period_start: Annotated[
        str,
        api_schema.date(
            required=True, description="When the saving starts: from 2000 to the end of the next financial year"
        ),
    ] = ""
    period_end: Annotated[
        str | None,
        api_schema.date(nullable=True, blank=True, description="When it ends (optional): on or after period_start"),
    ] = None
    evidence: Annotated[
        str, api_schema.text(services.EVIDENCE_LENGTH, description="What shows it: required when claimed")
    ] = ""
    redeployed_to: Annotated[
        str, api_schema.text(services.REDEPLOYED_LENGTH, description="Time released: where it goes")
    ] = ""
    metric_id: Annotated[
        str | None,
        api_schema.identifier(nullable=True, description="An outcome measure linked to the idea that shows it"),
    ] = None
    # The id of a claim this one corrects (or a forecast it turns into a claim): that one is superseded.
    supersedes: Annotated[
        str | None,
        api_schema.identifier(nullable=True, description="A claim of this idea's that this one replaces"),
    ] = None

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


@dataclass(frozen=True)
class ReadingOut:
    date: datetime.date
    value: float


@dataclass(frozen=True)
class BaselineFiguresOut:
    """The baseline of the measure a claim rests on: its readings before the change, their mean and
    process limits (null, with ``no_limits`` saying why, when they cannot be set)."""

    metric_id: str
    name: str
    unit: str
    change_date: datetime.date
    points: int
    first_date: datetime.date | None
    last_date: datetime.date | None
    mean: float | None
    lower_limit: float | None
    upper_limit: float | None
    no_limits: str | None
    readings: list[ReadingOut]

    @classmethod
    def of(cls, baseline: BaselineShown) -> BaselineFiguresOut:
        def number(value: Fraction | None) -> float | None:
            return None if value is None else float(value)

        return cls(
            metric_id=str(baseline.metric_id),
            name=baseline.name,
            unit=baseline.unit,
            change_date=baseline.change_date,
            points=len(baseline.readings),
            first_date=baseline.first,
            last_date=baseline.last,
            mean=number(baseline.mean),
            lower_limit=number(baseline.lower_limit),
            upper_limit=number(baseline.upper_limit),
            no_limits=baseline.no_limits,
            readings=[ReadingOut(point.date, point.number) for point in baseline.readings],
        )


@dataclass(frozen=True)
class ClaimInFullOut:
    claim: ClaimOut
    # Null when the claim rests on no measure.
    baseline: BaselineFiguresOut | None


@dataclass
class DecisionIn:
    decision: Annotated[str, api_schema.choice(sorted(claim_workflow.DECISIONS), required=True)] = ""
    note: Annotated[
        str,
        api_schema.text(claim_workflow.NOTE_LENGTH, required=True, description="Why: the division sees it"),
    ] = ""
    version: Annotated[int | None, api_schema.version()] = None
    # Optional, when validating: the evidence grade, and why it differs from QUEST's proposal if it does.
    grade: Annotated[
        str, api_schema.choice(["", *EvidenceGrade], description="When validating: the evidence grade (optional)")
    ] = ""
    grade_reason: Annotated[str, api_schema.text(claim_workflow.NOTE_LENGTH)] = ""


@dataclass
class GradeIn:
    grade: Annotated[str, api_schema.choice(EvidenceGrade, required=True)] = ""
    reason: Annotated[
        str,
        api_schema.text(claim_workflow.NOTE_LENGTH, description="Why, when it differs from QUEST's proposal"),
    ] = ""
    version: Annotated[int | None, api_schema.version()] = None


async def _claims_out(db_session: DatabaseSession, viewer: Viewer, idea_id: uuid.UUID) -> list[ClaimOut]:
    claims = await claims_for_idea(db_session, viewer, idea_id)
    evidence = await evidence_of(db_session, claims)
    return [ClaimOut.of(claim, evidence[claim.id]) for claim in claims]


async def _claim_out(db_session: DatabaseSession, viewer: Viewer, idea_id: uuid.UUID, claim_id: uuid.UUID) -> ClaimOut:
    for claim in await _claims_out(db_session, viewer, idea_id):
        if claim.id == str(claim_id):
            return claim
    raise NotFound("claim")


@dataclass(frozen=True)
class DoubleCountClaimOut:
    """A claim of a group of possible double counts, as the page of double counts lists it."""

    id: str
    idea_id: str
    idea_ref: str
    division_id: str
    division_name: str
    kind: str
    status: str
    mechanism: str
    amount_gbp_per_year: str
    period_start: datetime.date
    period_end: datetime.date | None

    @classmethod
    def of(cls, claim: ClaimRow) -> DoubleCountClaimOut:
        return answer(cls, claim, idea_ref=claim.idea_reference, amount_gbp_per_year=f"{claim.amount_per_year:.2f}")


@dataclass(frozen=True)
class DoubleCountGroupOut:
    """Claims that may count one saving twice, chained: live claims in one division over overlapping
    periods, with the same mechanism or resting on one change to a measure two ideas share. The group's id
    is its oldest claim's; ``claims`` are its first 20, oldest first, and ``size`` how many it holds."""

    id: str
    size: int
    claims: list[DoubleCountClaimOut]

    @classmethod
    def of(cls, group: DoubleCountGroup) -> DoubleCountGroupOut:
        return cls(str(group.id), group.size, [DoubleCountClaimOut.of(claim) for claim in group.claims])


class SavingsApi(Controller):
    tags = ["Savings"]

    @get(
        "/api/v1/savings",
        summary="The savings ledger of a financial year",
        description="The claims in your reach (your division's, your force's, or every force's) whose period "
        "falls in the financial year ``fy`` (by default this one), at least in part, or that were recorded in "
        "it, oldest first: of one ``status``, or of every status when none is given. Each claim says whether it "
        "may count a saving twice, and the evidence behind it.",
        operation_id="listSavings",
        responses=refusals(),
    )
    async def list_savings(
        self,
        request: Request[Any, Any, Any],
        db_session: DatabaseSession,
        viewer: Viewer,
        today: Today,
        fy: FinancialYear = None,
        status: FromQuery[ClaimStatus | None] = None,
        page_number: PageNumber = 1,
        per_page: PerPage = None,
    ) -> Response[list[ClaimOut]]:
        ledger = await ledger_for_force(
            db_session,
            viewer,
            fy or financial_year(today),
            status=status,
            page=page_number,
            per_page=per_page or CLAIMS_PER_PAGE,
        )
        evidence = await evidence_of(db_session, ledger.claims)
        paged = Paged(total=ledger.listed, page=ledger.page, per_page=ledger.per_page)
        return page_answer([ClaimOut.of(claim, evidence[claim.id]) for claim in ledger.claims], paged, request)

    @get(
        "/api/v1/savings/double-counts",
        summary="Possible double counts, as groups",
        description="The groups of claims in your reach that may count one saving twice, oldest first (by their "
        "oldest claims). Totals count each group once, its most assured claim, until a validator resolves it.",
        operation_id="listDoubleCounts",
        responses=refusals(),
    )
    async def list_double_counts(
        self,
        request: Request[Any, Any, Any],
        db_session: DatabaseSession,
        viewer: Viewer,
        page_number: PageNumber = 1,
        per_page: PerPage = None,
    ) -> Response[list[DoubleCountGroupOut]]:
        chosen = per_page or GROUPS_PER_PAGE
        found = await double_count_groups(db_session, viewer, page_number, chosen)
        paged = Paged(total=found.count, page=page_number, per_page=chosen)
        return page_answer([DoubleCountGroupOut.of(group) for group in found.groups], paged, request)

    @post(
        "/api/v1/ideas/{idea_id:uuid}/savings",
        summary="Record a saving",
        operation_id="createClaim",
        responses=refusals(404, 409, 422),
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
        self,
        db_session: DatabaseSession,
        viewer: Viewer,
        request: Request[Any, Any, Any],
        idea_id: FromPath[uuid.UUID],
        page_number: PageNumber = 1,
        per_page: PerPage = None,
    ) -> Response[list[ClaimOut]]:
        return list_page(await _claims_out(db_session, viewer, idea_id), request, page_number, per_page)

    @get(
        "/api/v1/savings/{claim_id:uuid}",
        summary="One claim in full, with the baseline of the measure it rests on",
        description="What the claim's page shows: the claim, the evidence behind it and the grade QUEST "
        "proposes, and the readings of its measure before the change, with their mean and process limits.",
        operation_id="getClaim",
        responses=refusals(404),
    )
    async def get_claim(
        self, db_session: DatabaseSession, viewer: Viewer, today: Today, claim_id: FromPath[uuid.UUID]
    ) -> ClaimInFullOut:
        found = await claim_in_full(db_session, viewer, claim_id, today=today)
        return ClaimInFullOut(
            ClaimOut.of(found.claim, found.evidence),
            None if found.baseline is None else BaselineFiguresOut.of(found.baseline),
        )

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


# --- Costs ----------------------------------------------------------------------------------------------


@dataclass
class CostIn(idea_costs.CostInput):
    """A cost as the API sends it: cash (``amount_gbp``) or time (``hours`` and ``grade``)."""

    # Cash needs its amount, time its hours and grade; a one-off cost has no end. (And ends is on or after
    # starts.)
    SCHEMA_RULES: ClassVar[list[dict[str, Any]]] = [
        api_schema.when("kind", ClaimKind.CASHABLE, given=["amount_gbp"]),
        api_schema.when("kind", ClaimKind.NON_CASHABLE, given=["hours", "grade"]),
        api_schema.when("recurrence", CostRecurrence.ONE_OFF, empty=["ends"]),
    ]

    recurrence: Annotated[
        str,
        api_schema.choice(
            CostRecurrence, required=True, description="one_off: the whole amount once; recurring: a year's"
        ),
    ] = ""
    kind: Annotated[
        str,
        api_schema.choice(ClaimKind, required=True, description="cashable: £ (amount_gbp); non_cashable: hours"),
    ] = ""
    description: Annotated[
        str, api_schema.text(idea_costs.DESCRIPTION_LENGTH, required=True, example="Training for the front desk")
    ] = ""
    amount_gbp: Annotated[
        float | str | None,
        api_schema.money(
            nullable=True,
            zero=True,
            most=MAX_AMOUNT,
            description="Cashable: £ (a year, if recurring), 0 or more, to the penny",
            example="1095.30",
        ),
    ] = None
    hours: Annotated[
        float | str | None,
        api_schema.money(
            nullable=True,
            most=MAX_HOURS,
            description="Non-cashable: hours (a year, if recurring), more than 0, at most 2 decimal places",
            example="30",
        ),
    ] = None
    grade: Annotated[str, api_schema.choice(Grade, description="Non-cashable: whose time, valued at the rate card")] = (
        ""
    )
    starts: Annotated[
        str,
        api_schema.date(
            required=True,
            description="A one-off cost's day, a recurring one's first: from 2000 to the end of the next "
            "financial year",
        ),
    ] = ""
    ends: Annotated[
        str | None,
        api_schema.date(nullable=True, blank=True, description="Recurring costs only (optional): on or after starts"),
    ] = None


@dataclass(frozen=True)
class CostOut:
    id: str
    idea_id: str
    recurrence: Annotated[str, api_schema.choice(CostRecurrence, description="one_off or recurring")]
    kind: Annotated[str, api_schema.choice(ClaimKind, description="cashable or non_cashable")]
    description: str
    # £: the whole of a one-off cost, a year's of a recurring one (for time, the hours at the rate).
    amount_gbp: str
    hours: float
    grade: Annotated[
        str | None, api_schema.choice(Grade, nullable=True, description="the grade whose time it took (time only)")
    ]
    hourly_rate_gbp: str | None
    starts: datetime.date
    ends: datetime.date | None
    recorded_at: datetime.datetime
    # Who recorded it: null for those who see the idea only in the practice library.
    recorded_by: str | None

    @classmethod
    def of(cls, cost: CostRow) -> CostOut:
        return answer(
            cls,
            cost,
            amount_gbp=f"{cost.amount:.2f}",
            hourly_rate_gbp=f"{cost.hourly_rate:.2f}" if cost.hourly_rate is not None else None,
            recorded_at=cost.created_at,
            recorded_by=cost.recorded_by_name,
        )


@dataclass(frozen=True)
class CostsOut:
    costs: list[CostOut]
    one_off_gbp: str
    # A full year's worth of the recurring costs.
    recurring_gbp_per_year: str
    # Months of saving that pay the one-off costs back (rounded up, one place); null when the saving does
    # not exceed the recurring costs (it never pays back) or when there is no saving to pay back from.
    payback_months: float | None
    # The savings the payback is reckoned against: validated ones, or claimed ones when none are validated.
    payback_against: Annotated[
        str | None,
        api_schema.choice(
            (ClaimStatus.VALIDATED, ClaimStatus.CLAIMED),
            nullable=True,
            description="null: no validated or claimed savings",
        ),
    ]

    @classmethod
    def of(cls, costs: IdeaCosts) -> CostsOut:
        return cls(
            costs=[CostOut.of(cost) for cost in costs.costs],
            one_off_gbp=f"{costs.one_off:.2f}",
            recurring_gbp_per_year=f"{costs.recurring.total_gbp:.2f}",
            payback_months=json_value(costs.payback_months),
            payback_against=json_value(costs.against),
        )


class CostsApi(Controller):
    tags = ["Savings"]
    path = "/api/v1/ideas/{idea_id:uuid}/costs"

    @get(
        "/",
        summary="What putting an idea in place cost, and its payback",
        operation_id="listCosts",
        responses=refusals(404),
    )
    async def list_costs(self, db_session: DatabaseSession, viewer: Viewer, idea_id: FromPath[uuid.UUID]) -> CostsOut:
        return CostsOut.of((await ledger_for_idea(db_session, viewer, idea_id)).costs)

    @post(
        "/",
        summary="Record a cost of putting an idea in place",
        operation_id="createCost",
        responses=refusals(404, 409, 422),
        status_code=201,
    )
    async def create(
        self,
        db_session: DatabaseSession,
        viewer: Viewer,
        now: Now,
        today: Today,
        idea_id: FromPath[uuid.UUID],
        data: JSONBody[CostIn],
    ) -> CostOut:
        cost_id = await idea_costs.record_cost(db_session, viewer, idea_id, data, now=now, today=today)
        for cost in (await ledger_for_idea(db_session, viewer, idea_id)).costs.costs:
            if cost.id == cost_id:
                return CostOut.of(cost)
        raise NotFound("cost")

    @delete(
        "/{cost_id:uuid}",
        summary="Remove a cost recorded in error",
        operation_id="removeCost",
        responses=refusals(404, 409),
        status_code=204,
    )
    async def remove(
        self,
        db_session: DatabaseSession,
        viewer: Viewer,
        now: Now,
        idea_id: FromPath[uuid.UUID],
        cost_id: FromPath[uuid.UUID],
    ) -> None:
        await idea_costs.remove_cost(db_session, viewer, idea_id, cost_id, now=now)
