"""Ideas in the JSON API (DESIGN §6). The same services as the pages, so the same rules and scoping."""

from __future__ import annotations

import dataclasses
import datetime
import uuid
from dataclasses import dataclass, field
from typing import Annotated, Any, ClassVar

from litestar import Controller, Request, Response, delete, get, post, put
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter

from quest import fields
from quest.errors import InvalidQuery, ValidationFailed
from quest.ideas import decisions, services
from quest.ideas.filters import IdeaFilters
from quest.ideas.impact import (
    LinkedMetric,
    Sustainment,
    idea_impact,
    idea_sustainment,
    impact_and_ledger,
    link_metric,
    unlink_metric,
)
from quest.ideas.models import PROCESS_LENGTH, TEXT_LENGTH, TITLE_LENGTH
from quest.ideas.record import BENEFIT_LENGTH, IdeaInput
from quest.ideas.status import IdeaStatus
from quest.ideas.workflow import NEEDS_A_REASON, REASON_LENGTH, MoveRequest
from quest.metrics.impact import improved
from quest.metrics.sustainment import Sustained
from quest.metrics.vocabulary import MetricRole
from quest.waste.types import WasteType
from quest.web import api_schema
from quest.web.api_answers import PerPage, answer, list_page, page_answer
from quest.web.api_errors import refusals
from quest.web.dependencies import DatabaseSession, Now, Today, Viewer
from quest.web.pages import PageNumber

# An idea's wording as the API takes it, raised or changed: the form's fields, judged by the same service.
Title = Annotated[str, api_schema.text(TITLE_LENGTH, required=True, example="Scan exhibits at the front desk")]
Problem = Annotated[
    str,
    api_schema.text(
        TEXT_LENGTH,
        required=True,
        description="What happens now (the A3's current condition)",
        example="Exhibits wait a day for the property store.",
    ),
]
Proposal = Annotated[
    str,
    api_schema.text(
        TEXT_LENGTH,
        required=True,
        description="What you would change (the countermeasure)",
        example="Book them in where they arrive.",
    ),
]
WasteTypes = Annotated[list[str], api_schema.choices(WasteType, description="DOWNTIME wastes it removes")]
Process = Annotated[str, api_schema.text(PROCESS_LENGTH, description="The process it touches (a free tag)")]
ExpectedBenefit = Annotated[str, api_schema.text(BENEFIT_LENGTH)]


@dataclass
class IdeaIn(IdeaInput):
    """An idea as the API's JSON body: the form's fields, judged by the same service."""

    division_id: Annotated[
        str, api_schema.identifier(blank=True, description="The division it is for: yours (left out, yours is taken)")
    ] = ""
    title: Title = ""
    problem: Problem = ""
    proposal: Proposal = ""
    waste_types: WasteTypes = field(default_factory=list)
    process: Process = ""
    expected_benefit: ExpectedBenefit = ""
    from_waste: Annotated[
        str,
        api_schema.identifier(
            blank=True,
            description="The waste observation it comes from (GET /api/v1/waste/{id}), linked to the idea as "
            "the waste page's 'Raise an idea' links it (409 if none of this id is within your reach)",
        ),
    ] = ""


@dataclass
class IdeaChangeIn:
    """An idea's new wording, all of it, as its edit form sends it (its division stays)."""

    title: Title = ""
    problem: Problem = ""
    proposal: Proposal = ""
    waste_types: WasteTypes = field(default_factory=list)
    process: Process = ""
    expected_benefit: ExpectedBenefit = ""

    def as_input(self) -> IdeaInput:
        return IdeaInput(**dataclasses.asdict(self))


@dataclass(frozen=True)
class TimelineOut:
    occurred_at: datetime.datetime
    kind: str
    actor: str | None
    from_status: str | None
    to_status: str | None
    body: str


@dataclass(frozen=True)
class IdeaOut:
    id: str
    ref: str
    status: str
    title: str
    problem: str
    proposal: str
    expected_benefit: str
    process: str
    waste_types: list[str]
    division_id: str
    division_name: str
    force_code: str
    # Null, like every actor in the timeline, for those who see the idea only in the practice library
    # (library_view): it then holds status moves alone, without comments or names.
    submitter: str | None
    owner: str | None
    supporter_count: int
    created_at: datetime.datetime
    timeline: list[TimelineOut]
    library_view: bool
    # Send it back as ``version`` with a move, an owner or a summary: a newer one means someone else
    # changed the idea meanwhile (409).
    version: int
    # What the force's public results page says of it (an implemented idea's; "" if nothing).
    public_summary: str
    # The reference of the idea it was adopted from, if it was.
    adopted_from: str | None

    @classmethod
    def of(cls, idea: services.IdeaDetail) -> IdeaOut:
        return answer(
            cls,
            idea,
            ref=idea.reference,
            submitter=idea.submitter_name,
            owner=idea.owner_name,
            timeline=[answer(TimelineOut, entry, actor=entry.actor_name) for entry in idea.timeline],
        )


@dataclass(frozen=True)
class IdeaListItem:
    id: str
    ref: str
    status: str
    title: str
    division_name: str
    force_code: str
    process: str
    waste_types: list[str]
    supporter_count: int
    created_at: datetime.datetime


@dataclass(frozen=True)
class IdeaListOut:
    """A page of ideas. A list of more than 10,000 is not counted to its end: ``counted_all`` is then
    false, ``total`` is 10,000 and ``pages`` the pages those fill (there are more); ``has_next`` always
    says whether a page follows this one."""

    items: list[IdeaListItem]
    total: int
    page: int
    per_page: int
    pages: int
    counted_all: bool
    has_next: bool


@dataclass
class CommentIn:
    body: Annotated[
        str, api_schema.text(services.COMMENT_LENGTH, required=True, example="We tried this in Preston.")
    ] = ""


@dataclass(frozen=True)
class SupportOut:
    supporter_count: int
    supported: bool


@dataclass(frozen=True)
class FollowOut:
    following: bool


@dataclass(frozen=True)
class SimilarIdeaOut:
    """A live idea of your force that shares words with the title asked about: support it, rather than
    raise the same idea again."""

    id: str
    ref: str
    title: str
    status: str
    division_name: str
    supporter_count: int
    supported: bool


class IdeaApi(Controller):
    path = "/api/v1/ideas"
    tags = ["Ideas"]

    @post("/", summary="Raise an idea", operation_id="createIdea", responses=refusals(404, 409, 422), status_code=201)
    async def create(self, db_session: DatabaseSession, viewer: Viewer, now: Now, data: JSONBody[IdeaIn]) -> IdeaOut:
        errors: fields.Errors = {}
        waste = fields.identifier(data.from_waste, "from_waste", invalid="Must be an id from this API", errors=errors)
        if errors:
            raise ValidationFailed(errors)
        submitted = await services.submit_idea(db_session, viewer, data, now, from_waste=waste)
        return IdeaOut.of(await services.get_idea(db_session, viewer, submitted.id))

    @get("/", summary="List ideas", operation_id="listIdeas", responses=refusals())
    async def list_ideas(
        self,
        db_session: DatabaseSession,
        viewer: Viewer,
        request: Request[Any, Any, Any],
        # An id, or blank for every division within reach (``?division_id=&status=...``, as a form sends it).
        division_id: Annotated[
            str | None, QueryParameter(schema_extra={"pattern": api_schema.BLANK_OR_ID_PATTERN})
        ] = None,
        status: FromQuery[IdeaStatus | None] = None,
        q: FromQuery[str | None] = None,
        page_number: PageNumber = 1,
        per_page: PerPage = None,
    ) -> Response[IdeaListOut]:
        errors: fields.Errors = {}
        division = fields.identifier(division_id, "division_id", invalid="Must be an id from this API", errors=errors)
        if errors:
            raise InvalidQuery(errors)
        filters = IdeaFilters(division_id=division, status=status, search=(q or "")[:200])
        found = await services.list_ideas(db_session, viewer, filters, page_number, per_page)
        items = [answer(IdeaListItem, row, ref=row.reference) for row in found.ideas]
        return page_answer(answer(IdeaListOut, found, items=items), found, request)

    @get("/{idea_id:uuid}", summary="An idea, with its timeline", operation_id="getIdea", responses=refusals(404))
    async def show(self, db_session: DatabaseSession, viewer: Viewer, idea_id: FromPath[uuid.UUID]) -> IdeaOut:
        return IdeaOut.of(await services.get_idea(db_session, viewer, idea_id))

    @put(
        "/{idea_id:uuid}",
        summary="Change an idea's wording (the person who raised it, while it is submitted)",
        description="The whole wording, as the idea's edit page sends it; its division stays. Another's idea is "
        "404; one already reviewed is 409.",
        operation_id="editIdea",
        responses=refusals(404, 409, 422),
    )
    async def edit(
        self,
        db_session: DatabaseSession,
        viewer: Viewer,
        now: Now,
        idea_id: FromPath[uuid.UUID],
        data: JSONBody[IdeaChangeIn],
    ) -> IdeaOut:
        await services.edit_idea(db_session, viewer, idea_id, data.as_input(), now)
        return IdeaOut.of(await services.get_idea(db_session, viewer, idea_id))

    @get(
        "/similar",
        summary="Live ideas of your force like a title, best match first",
        operation_id="listSimilarIdeas",
        responses=refusals(),
    )
    async def similar(
        self,
        db_session: DatabaseSession,
        viewer: Viewer,
        request: Request[Any, Any, Any],
        title: Annotated[str, QueryParameter(max_length=200, description="The title being typed")] = "",
        page_number: PageNumber = 1,
        per_page: PerPage = None,
    ) -> Response[list[SimilarIdeaOut]]:
        """What the new idea form shows under its title: at most five."""
        matches = await services.similar_ideas(db_session, viewer, title)
        found = [
            answer(SimilarIdeaOut, match, ref=match.reference, supported=match.viewer_supports) for match in matches
        ]
        return list_page(found, request, page_number, per_page)

    @post(
        "/{idea_id:uuid}/comments",
        summary="Comment on an idea",
        operation_id="commentOnIdea",
        responses=refusals(404, 422),
        status_code=201,
    )
    async def comment(
        self,
        db_session: DatabaseSession,
        viewer: Viewer,
        now: Now,
        idea_id: FromPath[uuid.UUID],
        data: JSONBody[CommentIn],
    ) -> IdeaOut:
        await services.add_comment(db_session, viewer, idea_id, data.body, now)
        return IdeaOut.of(await services.get_idea(db_session, viewer, idea_id))

    @post(
        "/{idea_id:uuid}/support",
        summary="Support an idea (once)",
        operation_id="supportIdea",
        responses=refusals(404, 409),
        status_code=200,
    )
    async def support(
        self, db_session: DatabaseSession, viewer: Viewer, now: Now, idea_id: FromPath[uuid.UUID]
    ) -> SupportOut:
        count = await services.set_support(db_session, viewer, idea_id, support=True, now=now)
        return SupportOut(supporter_count=count, supported=True)

    @delete(
        "/{idea_id:uuid}/support",
        summary="Take support back",
        operation_id="unsupportIdea",
        responses=refusals(404),
        status_code=200,
    )
    async def unsupport(
        self, db_session: DatabaseSession, viewer: Viewer, now: Now, idea_id: FromPath[uuid.UUID]
    ) -> SupportOut:
        count = await services.set_support(db_session, viewer, idea_id, support=False, now=now)
        return SupportOut(supporter_count=count, supported=False)

    @post(
        "/{idea_id:uuid}/follow",
        summary="Follow an idea",
        operation_id="followIdea",
        responses=refusals(404),
        status_code=200,
    )
    async def follow(
        self, db_session: DatabaseSession, viewer: Viewer, now: Now, idea_id: FromPath[uuid.UUID]
    ) -> FollowOut:
        await services.set_follow(db_session, viewer, idea_id, follow=True, now=now)
        return FollowOut(following=True)

    @delete(
        "/{idea_id:uuid}/follow",
        summary="Stop following an idea",
        operation_id="unfollowIdea",
        responses=refusals(404),
        status_code=200,
    )
    async def unfollow(
        self, db_session: DatabaseSession, viewer: Viewer, now: Now, idea_id: FromPath[uuid.UUID]
    ) -> FollowOut:
        await services.set_follow(db_session, viewer, idea_id, follow=False, now=now)
        return FollowOut(following=False)


@dataclass(frozen=True, slots=True)
class TransitionIn(MoveRequest):
    """A move as the API asks for it: one without ``to`` is judged as no move chosen (422), and
    ``version`` is the idea's as the caller last saw it, so a newer one means someone else moved it (409)."""

    # What each move needs besides ``to`` (quest.ideas.workflow.check_move).
    SCHEMA_RULES: ClassVar[list[dict[str, Any]]] = [
        *(api_schema.when("to", status, filled=["reason"]) for status in sorted(NEEDS_A_REASON)),
        api_schema.when("to", IdeaStatus.DUPLICATE, filled=["duplicate_of"]),
        api_schema.when("to", IdeaStatus.IMPLEMENTED, filled=["change_date", "learned"]),
    ]

    to: Annotated[
        str,
        api_schema.choice(
            IdeaStatus,
            required=True,
            description="The status to move to: one the idea's status allows (else 409). declined, parked and "
            "withdrawn need a reason; duplicate needs duplicate_of; implemented needs change_date and learned",
        ),
    ] = ""
    reason: Annotated[str, api_schema.text(REASON_LENGTH)] = ""
    duplicate_of: Annotated[
        str, api_schema.text(20, description="The reference of the original idea in this force, like LAN-000123")
    ] = ""
    change_date: Annotated[
        str,
        api_schema.date(blank=True, description="When an idea is implemented: the day of the change, today or before"),
    ] = ""
    learned: Annotated[str, api_schema.text(REASON_LENGTH, description="When implemented: what was learned")] = ""
    version: Annotated[int | None, api_schema.version()] = None


@dataclass(frozen=True)
class SustainmentCheckOut:
    # 3, 6 or 12 months after the change date; due on that day.
    months: int
    due: datetime.date
    state: Sustained
    why: str


@dataclass(frozen=True)
class SustainmentOut:
    """Whether an outcome's improvement holds: the state of its latest check due, as of today."""

    state: Sustained
    checks: list[SustainmentCheckOut]

    @classmethod
    def of(cls, sustainment: Sustainment) -> SustainmentOut:
        return cls(
            state=sustainment.state,
            checks=[
                SustainmentCheckOut(months=check.months, due=check.due, state=check.state, why=check.why)
                for check in sustainment.checks
            ],
        )


@dataclass(frozen=True)
class MetricImpactOut:
    # The link between the idea and the measure: DELETE /api/v1/ideas/{idea_id}/metrics/{link_id} ends it.
    link_id: str
    metric_id: str
    name: str
    unit: str
    direction: str
    change_date: datetime.date
    points_before: int
    points_after: int
    before_mean: float | None
    after_mean: float | None
    change: float | None
    change_pct: float | None
    improved: bool | None
    special_cause: bool
    special_cause_type: str | None
    summary: str
    # The before-period starts at the measure's previous change (null: its first reading); the
    # after-period stops before its next change (null: runs to the latest reading).
    previous_change_date: datetime.date | None
    next_change_date: datetime.date | None
    # Other ideas that changed the measure on the same date: the impact is shared with them. Those the
    # viewer may see by reference; the others (in the practice library's view) only counted.
    shared_with: list[str]
    shared_with_unnamed: int
    # The idea's outcome, or a balancing measure: one that must not get worse because of it.
    role: MetricRole
    # Whether any reading since the change is a special cause of concern against the limits before it
    # (what a balancing measure must not show); null when it cannot be judged (no readings on one side,
    # or a neutral measure).
    worsened: bool | None
    # An outcome's checks at 3, 6 and 12 months after the change; null for a balancing measure.
    sustainment: SustainmentOut | None

    @classmethod
    def of(cls, linked: LinkedMetric) -> MetricImpactOut:
        result = linked.impact
        return cls(
            link_id=str(linked.link_id),
            metric_id=str(linked.metric.id),
            name=linked.metric.name,
            unit=linked.metric.unit,
            direction=linked.metric.direction.value,
            change_date=linked.change_date,
            points_before=result.points_before,
            points_after=result.points_after,
            before_mean=fields.api_number(result.mean_before, 4),
            after_mean=fields.api_number(result.mean_after, 4),
            change=fields.api_number(result.change, 4),
            change_pct=fields.api_number(result.change_pct, 4),
            improved=improved(result.change, linked.metric.direction),
            special_cause=result.special_cause is not None,
            special_cause_type=result.special_cause.value if result.special_cause else None,
            summary=f"{linked.metric.name} {linked.wording}",
            previous_change_date=result.previous_change,
            next_change_date=result.next_change,
            shared_with=linked.shared_with,
            shared_with_unnamed=linked.shared_with_unnamed,
            role=linked.role,
            worsened=result.worsened,
            sustainment=SustainmentOut.of(linked.sustainment) if linked.sustainment is not None else None,
        )


@dataclass(frozen=True)
class ImpactOut:
    metrics: list[MetricImpactOut]
    savings: dict[str, Any]
    # The idea's sustainment over its outcomes: slipping if any slips, sustained if all are.
    sustainment: Sustained


@dataclass
class MetricLinkIn:
    metric_id: Annotated[
        str, api_schema.identifier(required=True, description="A measure of the idea's division not linked to it")
    ] = ""
    change_date: Annotated[
        str,
        api_schema.date(
            blank=True, description="The day of the change, today or before; left out, the implementation day"
        ),
    ] = ""
    # Text, judged by the service, so that a wrong one is a 422 naming ``role`` like any other field.
    role: Annotated[
        str,
        api_schema.choice(
            MetricRole,
            description="outcome: the idea means to improve the measure; balancing: it must not get worse",
        ),
    ] = MetricRole.OUTCOME.value


class IdeaWorkflowApi(Controller):
    path = "/api/v1/ideas/{idea_id:uuid}"
    tags = ["Workflow"]

    @post(
        "/transitions",
        summary="Move an idea along the workflow",
        operation_id="moveIdea",
        responses=refusals(404, 409, 422),
        status_code=200,
    )
    async def move(
        self,
        db_session: DatabaseSession,
        viewer: Viewer,
        now: Now,
        today: Today,
        idea_id: FromPath[uuid.UUID],
        data: JSONBody[TransitionIn],
    ) -> IdeaOut:
        await decisions.move_idea(db_session, viewer, idea_id, data, seen_version=data.version, now=now, today=today)
        return IdeaOut.of(await services.get_idea(db_session, viewer, idea_id))

    @get("/impact", summary="What an idea changed and saved", operation_id="getImpact", responses=refusals(404))
    async def impact(
        self, db_session: DatabaseSession, viewer: Viewer, today: Today, idea_id: FromPath[uuid.UUID]
    ) -> ImpactOut:
        linked, ledger = await impact_and_ledger(db_session, viewer, idea_id, today=today)
        return ImpactOut(
            metrics=[MetricImpactOut.of(item) for item in linked],
            savings=ledger.totals.as_json(),
            sustainment=idea_sustainment(linked),
        )

    @post(
        "/metrics",
        summary="Judge an idea by a measure",
        operation_id="linkMetric",
        responses=refusals(404, 409, 422),
        status_code=201,
    )
    async def link_metric(
        self,
        db_session: DatabaseSession,
        viewer: Viewer,
        now: Now,
        today: Today,
        idea_id: FromPath[uuid.UUID],
        data: JSONBody[MetricLinkIn],
    ) -> MetricImpactOut:
        link_id = await link_metric(
            db_session, viewer, idea_id, data.metric_id, data.change_date, now=now, today=today, role=data.role
        )
        linked = await idea_impact(db_session, viewer, idea_id, today=today)
        return MetricImpactOut.of(next(item for item in linked if item.link_id == link_id))

    @delete(
        "/metrics/{link_id:uuid}",
        summary="Stop judging an idea by a measure (its readings stay)",
        operation_id="unlinkMetric",
        responses=refusals(404),
    )
    async def unlink_metric(
        self,
        db_session: DatabaseSession,
        viewer: Viewer,
        now: Now,
        idea_id: FromPath[uuid.UUID],
        link_id: FromPath[uuid.UUID],
    ) -> None:
        """``link_id`` is the link's, as getImpact and linkMetric give it (not the measure's id)."""
        await unlink_metric(db_session, viewer, idea_id, link_id, now=now)
