"""HTML pages for measures: the backlog quick entry for frontline staff, and setting up measures."""

from __future__ import annotations

import datetime
import uuid
from typing import Any
from urllib.parse import urlencode

from litestar import Controller, Request, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Stream, Template

from quest import fields
from quest.accounts import access
from quest.accounts.access import Permission
from quest.charts.icons import assurance_icon, variation_icon
from quest.charts.sparkline import sparkline
from quest.charts.xmr import xmr_chart
from quest.errors import ValidationFailed
from quest.exports import tables
from quest.exports.downloads import DownloadFormat, export_download
from quest.exports.tables import ExportScope
from quest.metrics import links, services
from quest.metrics.spc import analyse
from quest.metrics.vocabulary import DIRECTION_LABELS, FREQUENCY_LABELS, KIND_LABELS
from quest.web.dependencies import DatabaseSession, Now, Today, Viewer
from quest.web.forms import answer_form, form_values, text_fields
from quest.web.pages import page
from quest.web.templating import format_date

AnyRequest = Request[Any, Any, Any]
# The newest readings listed under a chart; all of them are in the API and the CSV.
TABLE_ROWS = 30


async def _entry_context(
    db_session: DatabaseSession,
    viewer: Viewer,
    day: datetime.date,
    today: Today,
    values: dict[str, str],
    errors: dict[str, str],
) -> dict[str, Any]:
    lines = await services.backlog_entry(db_session, viewer, day)
    return {
        "day": day,
        "today": today,
        "lines": [{"line": line, "sparkline": sparkline([value for _date, value in line.recent])} for line in lines],
        "values": values
        or {
            f"value-{line.metric.id}": ("" if line.value_on_date is None else f"{line.value_on_date.normalize():f}")
            for line in lines
        },
        "errors": errors,
    }


class BacklogPages(Controller):
    path = "/backlogs"
    include_in_schema = False

    @get("/", name="backlogs")
    async def entry(
        self,
        request: AnyRequest,
        db_session: DatabaseSession,
        viewer: Viewer,
        today: Today,
        date: FromQuery[str | None] = None,
    ) -> Template:
        day, problem = services.check_reading_date(date or today.isoformat(), today)
        errors = {"date": problem} if problem else {}
        context = await _entry_context(db_session, viewer, day or today, today, {}, errors)
        return page(request, "metrics/backlogs.html", context, status_code=422 if errors else 200)

    @post("/")
    async def save(
        self, request: AnyRequest, db_session: DatabaseSession, viewer: Viewer, now: Now, today: Today
    ) -> Template | Redirect:
        values = await form_values(request)
        day, problem = services.check_reading_date(values.get("date", ""), today)
        entries = []
        for key, raw in values.items():
            if key.startswith("value-") and raw.strip():
                metric_id = fields.read_uuid(key.removeprefix("value-"))
                if metric_id is None:
                    continue
                entries.append(
                    services.ReadingInput(
                        metric_id=metric_id, field=key, day=day or today, value=raw, date_field="date"
                    )
                )
        # Every problem at once: a wrong date does not hide wrong counts.
        problems: dict[str, str] = {"date": problem} if problem else {}
        saved_day = day or today

        async def saving() -> int:
            if not entries:
                raise ValidationFailed(problems or {"date": "Enter at least one count"})
            return await services.record_readings(
                db_session, viewer, entries, now=now, today=today, other_errors=problems
            )

        def saved(written: int) -> str:
            counts = "count" if len(entries) == 1 else "counts"
            unchanged = "" if written else " (no change)"
            return f"Saved {len(entries)} {counts} for {format_date(saved_day)}{unchanged}"

        async def again(errors: dict[str, str]) -> Template:
            context = await _entry_context(db_session, viewer, saved_day, today, values, errors)
            return page(request, "metrics/backlogs.html", context)

        return await answer_form(
            request,
            saving(),
            message=saved,
            done="/backlogs" if saved_day == today else f"/backlogs?date={saved_day.isoformat()}",
            again=again,
        )


class MetricPages(Controller):
    path = "/metrics"
    include_in_schema = False

    @get("/", name="metrics")
    async def list_metrics(self, request: AnyRequest, db_session: DatabaseSession, viewer: Viewer) -> Template:
        return page(
            request,
            "metrics/index.html",
            {
                "metrics": await services.list_metrics(db_session, viewer),
                "may_manage": access.may(viewer, Permission.MANAGE_METRICS),
            },
        )

    @get("/new", name="new_metric")
    async def new_form(self, request: AnyRequest, viewer: Viewer) -> Template:
        access.require(viewer, Permission.MANAGE_METRICS)
        return page(
            request, "metrics/new.html", self._form({"kind": "backlog", "direction": "down", "frequency": "daily"}, {})
        )

    @post("/new")
    async def create(self, request: AnyRequest, db_session: DatabaseSession, viewer: Viewer) -> Template | Redirect:
        values = await form_values(request)
        data = services.MetricInput(**text_fields(values, "name", "unit", "kind", "direction", "frequency", "target"))
        return await answer_form(
            request,
            services.create_metric(db_session, viewer, data),
            message=f"‘{values.get('name', '').strip()}’ has been set up",
            done=lambda metric_id: f"/metrics/{metric_id}",
            again=lambda errors: page(request, "metrics/new.html", self._form(values, errors)),
        )

    def _form(self, values: dict[str, str], errors: dict[str, str]) -> dict[str, Any]:
        return {
            "values": values,
            "errors": errors,
            "kind_items": [{"value": kind.value, "text": text} for kind, text in KIND_LABELS.items()],
            "direction_items": [{"value": kind.value, "text": text} for kind, text in DIRECTION_LABELS.items()],
            "frequency_items": [{"value": kind.value, "text": text} for kind, text in FREQUENCY_LABELS.items()],
        }

    @get("/{metric_id:uuid}", name="metric")
    async def show(
        self,
        request: AnyRequest,
        db_session: DatabaseSession,
        viewer: Viewer,
        metric_id: FromPath[uuid.UUID],
        download: DownloadFormat = None,
    ) -> Template | Stream:
        """The measure's XmR chart, rebased at the change date of each idea judged by it, its icons and
        its figures; or (``format=csv`` or ``xlsx``) its readings, in the columns the readings import takes."""
        metric = await services.get_metric(db_session, viewer, metric_id)
        if download is not None:
            return await export_download(
                request, download, tables.readings(db_session, viewer, ExportScope(), metric_id=metric_id)
            )
        series = await services.readings(db_session, viewer, metric_id, limit=None)
        labels = await links.rebase_labels(db_session, viewer, metric_id)
        spc = analyse(series, direction=metric.direction, target=metric.target, rebase=labels)
        return page(
            request,
            "metrics/show.html",
            {
                "metric": metric,
                "spc": spc,
                "chart": xmr_chart(spc, target=metric.target, rebase_labels=labels),
                "variation": variation_icon(spc.variation, metric.direction),
                "assurance": assurance_icon(spc.assurance),
                "latest": list(reversed(spc.points[-TABLE_ROWS:])),
                "table_rows": TABLE_ROWS,
                "may_manage": access.covers(
                    viewer, Permission.MANAGE_METRICS, force_id=metric.force_id, division_id=metric.division_id
                ),
                "rebase_query": urlencode([("rebase", day.isoformat()) for day in labels]),
            },
        )
