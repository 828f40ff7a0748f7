"""The backlog counts of one's division in the JSON API: what the quick entry page (``/backlogs``) shows
frontline staff for a day, and the day's counts entered at once. The same services as that page."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Annotated, Any

from litestar import Controller, Request, Response, get, post
from litestar.params import JSONBody, QueryParameter

from quest import fields
from quest.accounts import access
from quest.accounts.access import Permission
from quest.errors import InvalidQuery, ValidationFailed
from quest.metrics import services
from quest.metrics.api import MetricOut, ReadingOut, ReadingsOut
from quest.web import api_schema
from quest.web.api_answers import PerPage, list_page
from quest.web.api_errors import refusals
from quest.web.dependencies import DatabaseSession, Now, Today, Viewer
from quest.web.pages import PageNumber

# The counts of one day a request may hold: a division has a handful of backlogs.
MOST_COUNTS = 1000


@dataclass(frozen=True)
class BacklogOut:
    """One backlog of your division on the day asked: its count that day (null: none yet), the count
    before it, and its latest counts up to that day, oldest first."""

    metric: MetricOut
    value: float | None
    previous: ReadingOut | None
    recent: list[ReadingOut]

    @classmethod
    def of(cls, line: services.BacklogLine) -> BacklogOut:
        return cls(
            metric=MetricOut.of(line.metric),
            value=fields.api_number(line.value_on_date, 4),
            previous=ReadingOut(date=line.previous[0], value=float(line.previous[1])) if line.previous else None,
            recent=[ReadingOut(date=day, value=float(value)) for day, value in line.recent],
        )


@dataclass
class BacklogCountIn:
    metric_id: Annotated[
        str, api_schema.identifier(required=True, description="A backlog of your division (GET /api/v1/backlogs)")
    ] = ""
    value: Annotated[
        float | str,
        api_schema.number(
            required=True,
            minimum=0,
            maximum=float(services.MAX_VALUE),
            whole=True,
            description="The count: a whole number, 0 or more",
            example=42,
        ),
    ] = ""


@dataclass
class BacklogCountsIn:
    date: Annotated[
        str,
        api_schema.date(
            required=True,
            description="The day counted, from 2000 to today. Staff may enter today's and yesterday's; managers any",
        ),
    ] = ""
    counts: Annotated[
        list[BacklogCountIn],
        api_schema.BodyField(
            required=True,
            description="One count for each backlog entered (at least one)",
            schema_extra={"min_items": 1, "max_items": MOST_COUNTS},
        ),
    ] = field(default_factory=list)


class BacklogApi(Controller):
    path = "/api/v1/backlogs"
    tags = ["Metrics"]

    @get(
        "/", summary="Your division's backlogs, as counted on a day", operation_id="listBacklogs", responses=refusals()
    )
    async def backlogs(
        self,
        db_session: DatabaseSession,
        viewer: Viewer,
        today: Today,
        request: Request[Any, Any, Any],
        date: Annotated[
            datetime.date | None, QueryParameter(description="The day, from 2000 to today (left out, today)")
        ] = None,
        page_number: PageNumber = 1,
        per_page: PerPage = None,
    ) -> Response[list[BacklogOut]]:
        """Staff and managers, of their own division."""
        day, problem = services.check_reading_date(date or today, today)
        if problem or day is None:
            raise InvalidQuery({"date": problem or "Enter a date"})
        lines = await services.backlog_entry(db_session, viewer, day)
        return list_page([BacklogOut.of(line) for line in lines], request, page_number, per_page)

    @post(
        "/",
        summary="Enter a day's backlog counts (idempotent)",
        description="All or nothing: if any count is wrong, none is written and extra.errors names each "
        "(``counts[1].value``; a measure not yours to count, ``counts[1].metric_id``, is 409). A count for a "
        "day that has one replaces it (the audit trail keeps the old); sending the same again writes nothing.",
        operation_id="enterBacklogCounts",
        responses=refusals(409, 422),
        status_code=200,
    )
    async def enter(
        self,
        db_session: DatabaseSession,
        viewer: Viewer,
        now: Now,
        today: Today,
        data: JSONBody[BacklogCountsIn],
    ) -> ReadingsOut:
        access.require(viewer, Permission.CONTRIBUTE)  # as the page's list: those who count backlogs
        day, problem = services.check_reading_date(data.date, today)
        # Every problem at once, as the page says them: a wrong date does not hide wrong counts.
        errors: fields.Errors = {"date": problem} if problem else {}
        entries = []
        for index, count in enumerate(data.counts):
            where = f"counts[{index}]"
            metric_id = fields.identifier(
                count.metric_id, f"{where}.metric_id", invalid="Must be an id from this API", errors=errors
            )
            if metric_id is None:
                errors.setdefault(f"{where}.metric_id", "Name the backlog counted")
                continue
            entries.append(
                services.ReadingInput(
                    metric_id=metric_id,
                    field=f"{where}.value",
                    day=day or today,
                    value=fields.number_text(count.value),
                    date_field="date",
                    metric_field=f"{where}.metric_id",
                )
            )
        if not data.counts:
            errors["counts"] = "Enter at least one count"
        if not entries:
            raise ValidationFailed(errors)
        written = await services.record_readings(db_session, viewer, entries, now=now, today=today, other_errors=errors)
        return ReadingsOut(written=written, readings=len(entries))
