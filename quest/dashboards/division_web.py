"""The division's dashboard as a page (``/divisions/{id}/dashboard?fy=YYYY``), and each of its tables as a
download (the same address with ``&table=NAME&format=csv`` or ``xlsx``): the manager's home for their
division, and what headquarters drill down to. The figures are :mod:`quest.dashboards.division`'s; this
module only lays them out. (The force and national dashboards' handlers go beside it, in their own
modules.)"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Callable, Sequence
from typing import Annotated, Any

from litestar import Request, get
from litestar.params import FromPath, FromQuery, QueryParameter
from litestar.response import Stream, Template
from markupsafe import Markup

from quest.charts.icons import Icon, assurance_icon, variation_icon
from quest.charts.pareto import pareto_chart
from quest.charts.xmr import XmrChart, xmr_chart
from quest.dashboards import division
from quest.dashboards.division import DivisionDashboard
from quest.errors import InvalidQuery
from quest.exports.downloads import table_download
from quest.exports.files import Cell, FileFormat
from quest.metrics.spc import Spc
from quest.savings.rules import financial_year
from quest.web.dependencies import DatabaseSession, KeptMeasuresReadings, Now, Today, Viewer
from quest.web.pages import page
from quest.web.templating import xmr_dots

AnyRequest = Request[Any, Any, Any]
# A backlog's small chart draws its latest readings, at most this many (a year of daily counts and a
# little more); its icons and the SPC summary are judged on every reading, as on the measure's page.
SMALL_CHART_READINGS = 400
SMALL_CHART_SIZE = (360, 200, 1)
FORMATS = tuple(FileFormat)
# ``?format=csv``: a handler's parameter may not be called ``format``.
Format = Annotated[str | None, QueryParameter(name="format", required=False)]


def recent(spc: Spc, readings: int = SMALL_CHART_READINGS) -> Spc:
    """The chart ``spc`` cut to its latest ``readings`` points, each segment kept from where it is still
    shown (its limits are the whole segment's, as they were worked out)."""
    if len(spc.points) <= readings:
        return spc
    points = spc.points[-readings:]
    first = points[0].date
    segments = [
        dataclasses.replace(segment, start=max(segment.start, first))
        for segment in spc.segments
        if segment.end >= first
    ]
    return dataclasses.replace(spc, points=points, segments=segments)


def small_chart(measure: division.Measure) -> XmrChart | None:
    """A backlog's recent readings, small: its dots that carry a signal are named, the rest are the line's
    (the measure's own page names every one). Drawn once for an SPC and its labels, and kept with the SPC
    while it is kept (the measure's target is part of what the SPC is kept under)."""
    key = ("small chart", tuple(measure.rebase_labels.items()))
    chart: XmrChart | None
    if key in measure.drawn:
        chart = measure.drawn[key]
        return chart
    chart = measure.drawn[key] = xmr_chart(
        recent(measure.spc),
        target=measure.target,
        rebase_labels=measure.rebase_labels,
        size=SMALL_CHART_SIZE,
        name_dots=False,
    )
    return chart


def small_chart_dots(measure: division.Measure, chart: XmrChart) -> Markup:
    """The small chart's dots as SVG, written once for the chart and kept with it (most of its drawing)."""
    key = ("small chart dots", tuple(measure.rebase_labels.items()))
    dots: Markup
    if key in measure.drawn:
        dots = measure.drawn[key]
        return dots
    dots = measure.drawn[key] = xmr_dots(chart)
    return dots


def backlog_chart(measure: division.Measure) -> tuple[division.Measure, XmrChart | None, Markup | None]:
    """A backlog with its small chart and the chart's dots (None, None: no readings to draw)."""
    chart = small_chart(measure)
    return measure, chart, small_chart_dots(measure, chart) if chart else None


def _icon_title(icon: Icon | None) -> str:
    return icon.title if icon else ""


def _share(value: Any) -> Cell:
    return None if value is None else float(value)


# Each table the page shows, as a download: its file name, heading and rows.
Table = tuple[str, Sequence[str], Callable[[DivisionDashboard], list[list[Cell]]]]


def _savings_rows(found: DivisionDashboard) -> list[list[Cell]]:
    totals = found.savings
    statuses = (("Validated", totals.validated), ("Claimed", totals.claimed), ("Forecast", totals.forecast))
    return [
        [label, total.cashable_gbp, total.non_cashable_gbp, total.total_gbp, total.hours, total.fte.quantize(PLACES)]
        for label, total in statuses
    ]


def _participation_rows(found: DivisionDashboard) -> list[list[Cell]]:
    taking_part = found.participation
    year = f"{found.year} to {found.year + 1}"
    return [
        ["Staff (active staff and manager accounts)", taking_part.staff],
        ["Staff who raised an idea", taking_part.submitters_12m],
        ["Share of staff who raised an idea", _share(taking_part.share)],
        ["Ideas raised", taking_part.ideas_12m],
        ["Officer and staff FTE", taking_part.size_fte],
        ["Ideas per 100 staff (FTE)", _share(taking_part.ideas_per_100_staff)],
        ["First responses due", taking_part.responses_due],
        ["First responses within the SLA", taking_part.responded_in_time],
        ["Share answered within the SLA", _share(taking_part.first_response_within_sla)],
        [f"Median days to first response, of those answered in {year}", found.medians.median_days_to_first_response],
        [f"Median days to decision, of those decided in {year}", found.medians.median_days_to_decision],
    ]


PLACES = division.D("0.01")

TABLES: dict[str, Table] = {
    "savings": (
        "Savings",
        ("Status", "Cash (£)", "Time released (£)", "Total (£)", "Hours", "FTE"),
        _savings_rows,
    ),
    "pipeline": (
        "Pipeline",
        ("Status", "Ideas"),
        lambda found: [[count.status.label, count.ideas] for count in found.pipeline],
    ),
    "overdue": (
        "Overdue ideas",
        ("Reference", "Title", "Status", "Raised", "Age (days)", "Waiting for"),
        lambda found: [
            [
                idea.reference,
                idea.title,
                idea.status.label,
                idea.raised_on,
                idea.age_days,
                "A first response" if idea.first_response_overdue else "A decision",
            ]
            for idea in found.overdue.ideas
        ],
    ),
    "participation": ("Participation", ("Figure", "Value"), _participation_rows),
    "measures": (
        "SPC summary",
        ("Measure", "Unit", "Kind", "Latest", "Latest on", "Variation", "Assurance", "Target"),
        lambda found: [
            [
                measure.name,
                measure.unit,
                measure.kind.value,
                measure.latest,
                measure.latest_on,
                _icon_title(variation_icon(measure.variation, measure.direction)),
                _icon_title(assurance_icon(measure.assurance)),
                measure.target,
            ]
            for measure in found.measures
        ],
    ),
    "waste": (
        "Waste",
        ("Waste", "Hours a year", "Share", "Running share"),
        lambda found: [[bar.label, bar.hours, bar.share, bar.cumulative] for bar in found.waste],
    ),
    "implemented": (
        "Implemented ideas",
        ("Reference", "Title", "Implemented on", "Validated savings (£ a year)", "Impact"),
        lambda found: [
            [
                idea.reference,
                idea.title,
                idea.implemented_on,
                idea.validated_gbp_per_year,
                "; ".join(f"{impact.name} {impact.wording}" for impact in idea.impacts),
            ]
            for idea in found.implemented
        ],
    ),
}


async def download(found: DivisionDashboard, table: str, file_format: str) -> Stream:
    title, header, rows_of = TABLES[table]
    filename = f"{found.place.force_code}-{found.place.code}-{table}-{found.year}".lower()
    return await table_download(FileFormat(file_format), filename, title, header, rows_of(found))


def _download_choice(table: str | None, file_format: str | None) -> tuple[str, str] | None:
    """The table and format asked for (None: the page itself); :class:`InvalidQuery` naming the one that
    is wrong."""
    if table is None and file_format is None:
        return None
    errors = {}
    if table not in TABLES:
        errors["table"] = f"Choose a table: {', '.join(TABLES)}"
    if file_format not in FORMATS:
        errors["format"] = "Choose csv or xlsx"
    if errors:
        raise InvalidQuery(errors)
    return str(table), str(file_format)


@get("/divisions/{division_id:uuid}/dashboard", name="division_dashboard", include_in_schema=False)
async def division_dashboard_page(
    request: AnyRequest,
    db_session: DatabaseSession,
    viewer: Viewer,
    now: Now,
    today: Today,
    kept_readings: KeptMeasuresReadings,
    division_id: FromPath[uuid.UUID],
    fy: FromQuery[str | None] = None,
    table: FromQuery[str | None] = None,
    file_format: Format = None,
) -> Template | Stream:
    year = division.check_year(fy, today)
    wanted = _download_choice(table, file_format)
    found = await division.division_dashboard(db_session, viewer, division_id, year, now, kept_readings)
    if wanted is not None:
        return await download(found, *wanted)
    current = financial_year(today)
    return page(
        request,
        "dashboards/division.html",
        {
            "found": found,
            "years": list(range(current - 4, current + 2)),
            "backlog_charts": [backlog_chart(measure) for measure in found.backlogs],
            "icons": {
                measure.metric_id: (
                    variation_icon(measure.variation, measure.direction),
                    assurance_icon(measure.assurance),
                )
                for measure in found.measures
            },
            "waste_chart": pareto_chart(found.waste),
            "base": f"/divisions/{division_id}/dashboard",
        },
    )
