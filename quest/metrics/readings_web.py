"""HTML pages for a measure's readings, for the managers of its division: add or correct one reading, or
paste or upload many, check what will happen to each row, and save them all or none.

Pasting and uploading never write: they show a preview. Its button sends the checked rows back, and
saving checks them all again, so what is saved is what the rules allow now, not what they allowed then.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Iterable
from itertools import islice
from typing import Any, TypeVar

from litestar import Controller, Request, get, post
from litestar.datastructures import UploadFile
from litestar.params import FromPath
from litestar.response import Redirect, Template

from quest.errors import ValidationFailed
from quest.imports.sheets import SheetRow, UnreadableRows
from quest.metrics import imports, services
from quest.metrics.imports import ImportPlan, ImportRefused, ImportRow, Outcome
from quest.metrics.vocabulary import Frequency
from quest.web.dependencies import DatabaseSession, Now, Today, Viewer
from quest.web.forms import answer_form, form_values, show_outcome
from quest.web.pages import page
from quest.web.templating import format_number, format_quantity

AnyRequest = Request[Any, Any, Any]
T = TypeVar("T")
RECENT_READINGS = 10
# A preview lists this many rows at most (problems and changes first), and its error summary this many
# problems: enough to put a file right, without a page of 20,000 rows.
PREVIEW_ROWS = 1_000
SUMMARY_PROBLEMS = 100
PASTED = "the pasted rows"
# The measure named in the path.
MetricId = FromPath[uuid.UUID]
PERIOD_HEADINGS = {Frequency.DAILY: "Date", Frequency.WEEKLY: "Week", Frequency.MONTHLY: "Month"}


def _readings(count: int) -> str:
    return f"{format_number(count)} reading{'' if count == 1 else 's'}"


async def _ready(rows: Iterable[SheetRow]) -> Iterable[SheetRow]:
    """Rows at hand (a paste's), awaited as the preview takes them (a file's are read in a worker thread)."""
    return rows


async def _readable(reading: Awaitable[T], field: str) -> T:
    """What ``reading`` gives; rows that cannot be read at all (:class:`UnreadableRows`, with no
    row-by-row report) are refused as the error of the form's ``field``."""
    try:
        return await reading
    except UnreadableRows as problem:
        raise ValidationFailed({field: str(problem)}) from problem


def _by_column(failure: ValidationFailed) -> dict[str, str]:
    """The one-reading form's errors by its fields (date, value): the one row's problems by column."""
    if isinstance(failure, ImportRefused):
        return {imports.COLUMN_NAMES[problem.column]: problem.message for problem in failure.plan.problems}
    return failure.errors


def rows_to_show(rows: list[ImportRow], limit: int = PREVIEW_ROWS) -> list[ImportRow]:
    """Every row of a short import; of a long one, the rows with problems or changes, then the first of
    the others, in file order."""
    if len(rows) <= limit:
        return rows
    notable = [row for row in rows if row.outcome in (Outcome.PROBLEM, Outcome.CHANGED)][:limit]
    others = [row for row in rows if row.outcome not in (Outcome.PROBLEM, Outcome.CHANGED)]
    return sorted(notable + others[: limit - len(notable)], key=lambda row: row.number)


def _entered(reading: imports.PlannedReading) -> str:
    """What the one-reading form did, in words: Changed the reading for 3 March 2026 from 120 to 118."""
    period = imports.describe_period(reading.frequency, reading.period)
    value = format_quantity(reading.value)
    if reading.outcome is Outcome.NEW:
        return f"Added the reading for {period}: {value}"
    if reading.outcome is Outcome.CHANGED:
        return f"Changed the reading for {period} from {format_quantity(reading.previous)} to {value}"
    return f"The reading for {period} was already {value}"


def _saved(plan: ImportPlan, source: str) -> str:
    new, changed, unchanged = (plan.count(outcome) for outcome in (Outcome.NEW, Outcome.CHANGED, Outcome.UNCHANGED))
    words = (
        f"Saved {_readings(new + changed)} from {source}: {format_number(new)} new, {format_number(changed)} changed"
    )
    return words + (f", {format_number(unchanged)} already as saved" if unchanged else "")


class ReadingPages(Controller):
    path = "/metrics/{metric_id:uuid}/readings"
    include_in_schema = False

    @get("/", name="metric_readings")
    async def entry(
        self, request: AnyRequest, db_session: DatabaseSession, viewer: Viewer, today: Today, metric_id: MetricId
    ) -> Template:
        return await self._entry_page(request, db_session, viewer, today, metric_id, {}, {})

    @post("/")
    async def enter(
        self,
        request: AnyRequest,
        db_session: DatabaseSession,
        viewer: Viewer,
        now: Now,
        today: Today,
        metric_id: MetricId,
    ) -> Template | Redirect:
        """One reading; the date in the UK decides what counts as the future."""
        values = await form_values(request)
        return await answer_form(
            request,
            imports.enter_reading(
                db_session, viewer, metric_id, values.get("date", ""), values.get("value", ""), now=now, today=today
            ),
            message=lambda entered: _entered(entered[1]),
            done=f"/metrics/{metric_id}/readings",
            refused=lambda failure: self._entry_page(
                request, db_session, viewer, today, metric_id, values, _by_column(failure)
            ),
        )

    @post("/paste")
    async def paste(
        self, request: AnyRequest, db_session: DatabaseSession, viewer: Viewer, today: Today, metric_id: MetricId
    ) -> Template | Redirect:
        values = await form_values(request)
        pasted = values.get("rows", "")
        return await self._preview(
            request,
            db_session,
            viewer,
            today,
            metric_id,
            _ready(imports.rows_from_text(pasted)),
            PASTED,
            "rows",
            values,
            pasted=pasted,
        )

    @post("/upload")
    async def upload(
        self, request: AnyRequest, db_session: DatabaseSession, viewer: Viewer, today: Today, metric_id: MetricId
    ) -> Template | Redirect:
        upload = (await request.form()).get("file")
        name, data = (upload.filename, await upload.read()) if isinstance(upload, UploadFile) else ("", b"")
        # Only those who may import read the file at all; and it is read in a worker thread, in full.
        await imports.managed_metric(db_session, viewer, metric_id)
        return await self._preview(
            request, db_session, viewer, today, metric_id, imports.read_file(name, data), name, "file", {}
        )

    @post("/confirm")
    async def confirm(
        self,
        request: AnyRequest,
        db_session: DatabaseSession,
        viewer: Viewer,
        now: Now,
        today: Today,
        metric_id: MetricId,
    ) -> Template | Redirect:
        values = await form_values(request)
        source = values.get("source", "")[:200] or PASTED
        rows = imports.rows_from_preview(values.get("readings", ""))

        def refused(failure: ValidationFailed) -> Template | Awaitable[Template]:
            if isinstance(failure, ImportRefused):
                return self._preview_page(request, failure.plan, source, pasted=values.get("pasted"))
            return self._entry_page(request, db_session, viewer, today, metric_id, {}, failure.errors)

        return await answer_form(
            request,
            _readable(imports.save_import(db_session, viewer, metric_id, rows, now=now, today=today), "rows"),
            message=lambda plan: _saved(plan, source),
            done=f"/metrics/{metric_id}/readings",
            refused=refused,
        )

    async def _preview(
        self,
        request: AnyRequest,
        db_session: DatabaseSession,
        viewer: Viewer,
        today: Today,
        metric_id: uuid.UUID,
        rows: Awaitable[Iterable[SheetRow]],
        source: str,
        field: str,
        values: dict[str, str],
        *,
        pasted: str | None = None,
    ) -> Template | Redirect:
        """The preview of pasted or uploaded rows; the readings page again if they cannot be read at all."""

        async def planning() -> ImportPlan:
            return await imports.preview_import(db_session, viewer, metric_id, await rows, today=today)

        return await show_outcome(
            _readable(planning(), field),
            shown=lambda plan: self._preview_page(request, plan, source, pasted=pasted),
            again=lambda errors: self._entry_page(request, db_session, viewer, today, metric_id, values, errors),
        )

    def _preview_page(
        self, request: AnyRequest, plan: ImportPlan, source: str, *, pasted: str | None = None
    ) -> Template:
        """The preview; of a paste, with the pasted text in a box again, so one line can be put right and
        checked again without pasting it all anew."""
        problems = plan.problems
        shown = rows_to_show(plan.rows)
        to_save = plan.count(Outcome.NEW) + plan.count(Outcome.CHANGED)
        return page(
            request,
            "metrics/readings_preview.html",
            {
                "metric": plan.metric,
                "source": source,
                "rows": shown,
                "hidden_rows": len(plan.rows) - len(shown),
                "total": len(plan.rows),
                "counts": {outcome.value: plan.count(outcome) for outcome in Outcome},
                "errors": dict(islice(plan.errors.items(), SUMMARY_PROBLEMS)),
                "more_problems": max(0, len(problems) - SUMMARY_PROBLEMS),
                "to_save": to_save,
                "save_label": f"Save {_readings(to_save)}",
                "checked_text": "" if problems else plan.checked_text(),
                "period_heading": PERIOD_HEADINGS[plan.metric.frequency],
                "pasted": pasted,
            },
            status_code=422 if problems else 200,
        )

    async def _entry_page(
        self,
        request: AnyRequest,
        db_session: DatabaseSession,
        viewer: Viewer,
        today: Today,
        metric_id: uuid.UUID,
        values: dict[str, str],
        errors: dict[str, str],
    ) -> Template:
        metric = await imports.managed_metric(db_session, viewer, metric_id)
        recent = await services.readings(db_session, viewer, metric_id, limit=RECENT_READINGS)
        return page(
            request,
            "metrics/readings.html",
            {
                "metric": metric,
                "recent": list(reversed(recent)),
                "values": {"date": today.isoformat(), **values},
                "errors": errors,
                "period_heading": PERIOD_HEADINGS[metric.frequency],
                "max_rows": imports.MAX_ROWS,
            },
            status_code=422 if errors else 200,
        )
