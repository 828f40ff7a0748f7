"""Metrics and readings in the JSON API (DESIGN §6)."""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass
from typing import Annotated, Any

from litestar import Controller, Request, Response, get, post, put
from litestar.exceptions import ClientException
from litestar.params import Body, FromPath, FromQuery, JSONBody, QueryParameter
from litestar.status_codes import HTTP_413_REQUEST_ENTITY_TOO_LARGE

from quest import fields
from quest.metrics import imports, links, services
from quest.metrics.spc import Spc, analyse
from quest.metrics.vocabulary import Direction, Frequency, MetricKind
from quest.web import api_schema
from quest.web.api_answers import PerPage, answer, list_page
from quest.web.api_errors import refusals
from quest.web.dependencies import DatabaseSession, Now, Today, Viewer
from quest.web.pages import PageNumber

MAX_READINGS_PER_REQUEST = 10_000
READINGS_PER_PAGE = 2000


@dataclass
class MetricIn(services.MetricInput):
    """A measure as the API's JSON body: the form's fields, judged by the same service."""

    division_id: Annotated[
        str, api_schema.identifier(blank=True, description="A division you manage (left out, your own)")
    ] = ""
    name: Annotated[
        str,
        api_schema.text(
            services.NAME_LENGTH,
            required=True,
            description="Unique in its division (else 409)",
            example="Pending open incidents",
        ),
    ] = ""
    unit: Annotated[str, api_schema.text(services.UNIT_LENGTH, required=True, example="incidents")] = ""
    kind: Annotated[str, api_schema.choice(MetricKind, required=True, description="What it measures")] = ""
    direction: Annotated[str, api_schema.choice(Direction, required=True, description="Which way is better")] = ""
    frequency: Annotated[str, api_schema.choice(Frequency, required=True, description="How often it is read")] = ""
    target: Annotated[
        float | str | None,
        api_schema.number(
            nullable=True,
            minimum=-float(services.MAX_VALUE),
            maximum=float(services.MAX_VALUE),
            description="The value aimed for (none for a neutral measure's assurance)",
            example=50,
        ),
    ] = None


@dataclass(frozen=True)
class MetricOut:
    id: str
    division_id: str
    division_name: str
    name: str
    unit: str
    kind: str
    direction: str
    frequency: str
    target: float | None

    @classmethod
    def of(cls, metric: services.MetricSummary) -> MetricOut:
        return answer(cls, metric)


@dataclass(frozen=True)
class MetricChangeOut:
    """A day ideas changed the measure: its chart's limits are rebased there."""

    date: datetime.date
    # The ideas that changed it that day, by reference (those you may see).
    ideas: str


@dataclass(frozen=True)
class MetricDetailOut(MetricOut):
    changes: list[MetricChangeOut]


@dataclass
class ReadingIn:
    date: Annotated[
        str,
        api_schema.date(
            required=True,
            description="The period's date, from 2000 to today. Staff may enter today's and yesterday's; "
            "managers any. A weekly or monthly measure keeps one reading a period, dated its first day: "
            "another for the same period replaces it",
        ),
    ] = ""
    value: Annotated[
        float | str,
        api_schema.number(
            required=True,
            minimum=-float(services.MAX_VALUE),
            maximum=float(services.MAX_VALUE),
            places=4,
            description="At most 4 decimal places; a count (a backlog or volume measure) is a whole number, 0 or more",
            example=42,
        ),
    ] = ""


@dataclass(frozen=True)
class ReadingOut:
    date: datetime.date
    value: float


@dataclass(frozen=True)
class ReadingsOut:
    written: int
    readings: int


@dataclass(frozen=True)
class SpcPointOut:
    date: datetime.date
    value: float
    mean: float
    upl: float | None
    lpl: float | None
    point_type: str


@dataclass(frozen=True)
class SpcOut:
    points: list[SpcPointOut]
    variation: str | None
    assurance: str | None
    warnings: list[str]

    @classmethod
    def of(cls, spc: Spc) -> SpcOut:
        # Built field by field, not by answer(): five years of daily readings are 1,827 points, and
        # answer()'s look-up of each field by name cost more than the analysis.
        points = [
            SpcPointOut(
                date=point.date,
                value=point.number,
                mean=point.mean,
                upl=point.upper_limit,
                lpl=point.lower_limit,
                point_type=point.point_type.value,
            )
            for point in spc.points
        ]
        return answer(cls, spc, points=points)


class MetricApi(Controller):
    path = "/api/v1/metrics"
    tags = ["Metrics"]

    @post(
        "/", summary="Set up a measure", operation_id="createMetric", responses=refusals(404, 409, 422), status_code=201
    )
    async def create(self, db_session: DatabaseSession, viewer: Viewer, data: JSONBody[MetricIn]) -> MetricOut:
        metric_id = await services.create_metric(db_session, viewer, data)
        return MetricOut.of(await services.get_metric(db_session, viewer, metric_id))

    @get("/", summary="Measures within your reach", operation_id="listMetrics", responses=refusals())
    async def list_metrics(
        self,
        db_session: DatabaseSession,
        viewer: Viewer,
        request: Request[Any, Any, Any],
        page_number: PageNumber = 1,
        per_page: PerPage = None,
    ) -> Response[list[MetricOut]]:
        metrics = [MetricOut.of(metric) for metric in await services.list_metrics(db_session, viewer)]
        return list_page(metrics, request, page_number, per_page)

    @get("/{metric_id:uuid}", summary="A measure", operation_id="getMetric", responses=refusals(404))
    async def show(
        self, db_session: DatabaseSession, viewer: Viewer, metric_id: FromPath[uuid.UUID]
    ) -> MetricDetailOut:
        """The measure, and the days ideas changed it (where its page's chart, and getSpc's ``rebase``, cut)."""
        metric = await services.get_metric(db_session, viewer, metric_id)
        labels = await links.rebase_labels(db_session, viewer, metric_id)
        changes = [MetricChangeOut(date=day, ideas=references) for day, references in labels.items()]
        return answer(MetricDetailOut, metric, changes=changes)

    @get(
        "/{metric_id:uuid}/readings",
        summary="A measure's readings",
        operation_id="listReadings",
        responses=refusals(404),
    )
    async def readings(
        self,
        db_session: DatabaseSession,
        viewer: Viewer,
        request: Request[Any, Any, Any],
        metric_id: FromPath[uuid.UUID],
        page_number: PageNumber = 1,
        per_page: PerPage = None,
    ) -> Response[list[ReadingOut]]:
        """Oldest first, a page at a time (the latest on the ``last`` page of the ``Link`` header)."""
        rows = await services.readings(db_session, viewer, metric_id, limit=None)
        readings = [ReadingOut(date=day, value=float(value)) for day, value in rows]
        return list_page(readings, request, page_number, per_page, READINGS_PER_PAGE)

    @get(
        "/{metric_id:uuid}/spc",
        summary="A measure's XmR chart, as figures",
        operation_id="getSpc",
        responses=refusals(404),
    )
    async def spc(
        self,
        db_session: DatabaseSession,
        viewer: Viewer,
        metric_id: FromPath[uuid.UUID],
        rebase: FromQuery[list[datetime.date] | None] = None,
        baseline: Annotated[int | None, QueryParameter(ge=2, le=10_000, required=False)] = None,
    ) -> SpcOut:
        """Limits per segment (cut at each ``rebase`` date), each reading's type, the variation icon,
        assurance against the target and warnings; ``baseline`` fixes the limits on each segment's first
        points (2 to 10,000)."""
        dates = list(rebase or [])
        metric = await services.get_metric(db_session, viewer, metric_id)
        series = await services.readings(db_session, viewer, metric_id, limit=None)
        return SpcOut.of(
            analyse(series, direction=metric.direction, target=metric.target, rebase=dates, baseline=baseline)
        )

    @put(
        "/{metric_id:uuid}/readings",
        summary="Add or replace readings (idempotent)",
        description=f"Up to {MAX_READINGS_PER_REQUEST:,} readings a request, all or nothing: if any is wrong, "
        "none is written and extra.errors names each (``[3].date``). Sending the same readings again changes "
        f"nothing. More than {MAX_READINGS_PER_REQUEST:,} is refused with 413.",
        operation_id="putReadings",
        responses=refusals(404, 409, 413, 422),
    )
    async def put_readings(
        self,
        db_session: DatabaseSession,
        viewer: Viewer,
        now: Now,
        today: Today,
        metric_id: FromPath[uuid.UUID],
        data: Annotated[
            list[ReadingIn], Body(description="The readings", schema_extra={"max_items": MAX_READINGS_PER_REQUEST})
        ],
    ) -> ReadingsOut:
        if len(data) > MAX_READINGS_PER_REQUEST:
            raise ClientException(
                status_code=HTTP_413_REQUEST_ENTITY_TOO_LARGE,
                detail=f"Send at most {MAX_READINGS_PER_REQUEST:,} readings a request, not {len(data):,}: "
                "split them into several requests (each is all-or-nothing)",
            )
        await services.get_metric(db_session, viewer, metric_id)  # 404 unless within reach
        entries = [
            services.ReadingInput(
                metric_id=metric_id,
                field=f"[{index}]",
                day=row.date,
                value=fields.number_text(row.value),
                date_field=f"[{index}].date",
            )
            for index, row in enumerate(data)
        ]
        written = await imports.put_readings(db_session, viewer, entries, now=now, today=today)
        return ReadingsOut(written=written, readings=len(entries))
