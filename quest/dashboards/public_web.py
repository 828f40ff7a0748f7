"""A force's published results for the public: the page (``/public/{code}``) and its JSON twin
(``/api/v1/public/{code}``), both open to anyone without signing in, with the same figures. A force that
has not published its results (or has withdrawn them) answers 404, as an unknown code does."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Annotated, Any

from litestar import Request, get
from litestar.params import FromPath, QueryParameter
from litestar.response import Template

from quest.charts.icons import assurance_icon, variation_icon
from quest.charts.xmr import xmr_chart
from quest.dashboards.public import BacklogTrend, PublicResults, public_results
from quest.metrics.api import SpcOut
from quest.web.api_errors import refusals
from quest.web.dependencies import DatabaseSession, Today
from quest.web.pages import page

AnyRequest = Request[Any, Any, Any]
# Open to everyone: nobody need sign in, and a signed-in reader sees the same figures.
PUBLIC = {"public": True}
# The latest readings of each backlog in the table beside its chart (all of them are in the JSON).
TABLE_ROWS = 13
# ?division=CODE: the division whose backlogs are shown (a force with many shows one at a time).
DivisionCode = Annotated[
    str | None,
    QueryParameter(
        name="division",
        max_length=16,
        required=False,
        description="The code of the division whose backlogs to show; the first by name if none is given",
    ),
]


@get("/public/{code:str}", include_in_schema=False, name="public_results", opt=PUBLIC)
async def public_results_page(
    request: AnyRequest, db_session: DatabaseSession, today: Today, code: FromPath[str], division: DivisionCode
) -> Template:
    results = await public_results(db_session, code, today, division or None)
    charts = {
        trend.metric_id: xmr_chart(trend.spc, target=trend.target, rebase_labels=trend.rebase_labels)
        for division in results.divisions
        for trend in division.trends
    }
    icons = {
        trend.metric_id: (variation_icon(trend.spc.variation, trend.direction), assurance_icon(trend.spc.assurance))
        for division in results.divisions
        for trend in division.trends
    }
    return page(
        request,
        "public/force.html",
        {"results": results, "charts": charts, "icons": icons, "table_rows": TABLE_ROWS},
    )


@dataclass(frozen=True)
class PublicForceOut:
    code: str
    name: str
    published_at: datetime.datetime


@dataclass(frozen=True)
class PublicYearOut:
    """A financial year's validated savings, in the totals shape of DESIGN §6 (validated only)."""

    fy: int
    validated: dict[str, object]


@dataclass(frozen=True)
class PublicIdeaOut:
    ref: str
    title: str
    division: str
    implemented_on: datetime.date | None
    summary: str


@dataclass(frozen=True)
class PublicDivisionOut:
    """A division with backlogs: its code is what ``?division=`` takes."""

    code: str
    name: str
    backlogs: int


@dataclass(frozen=True)
class PublicBacklogOut:
    metric_id: str
    name: str
    unit: str
    division: str
    direction: str
    frequency: str
    target: float | None
    latest: float
    spc: SpcOut


@dataclass(frozen=True)
class PublicResultsOut:
    force: PublicForceOut
    as_of: datetime.date
    savings_by_year: list[PublicYearOut]
    implemented_ideas: int
    ideas: list[PublicIdeaOut]
    backlogs_from: datetime.date
    # The divisions with backlogs; ``division``: the one whose backlogs these are (None: every division's).
    backlog_divisions: list[PublicDivisionOut]
    division: str | None
    backlogs: list[PublicBacklogOut]


def _backlog(division: str, trend: BacklogTrend) -> PublicBacklogOut:
    return PublicBacklogOut(
        metric_id=str(trend.metric_id),
        name=trend.name,
        unit=trend.unit,
        division=division,
        direction=trend.direction.value,
        frequency=trend.frequency.value,
        target=None if trend.target is None else float(trend.target),
        latest=trend.spc.points[-1].number,
        spc=SpcOut.of(trend.spc),
    )


def public_results_out(results: PublicResults) -> PublicResultsOut:
    return PublicResultsOut(
        force=PublicForceOut(results.code, results.name, results.public_since),
        as_of=results.as_of,
        savings_by_year=[PublicYearOut(year.year, year.validated.as_json()) for year in results.years],
        implemented_ideas=results.implemented_count,
        ideas=[
            PublicIdeaOut(idea.reference, idea.title, idea.division_name, idea.implemented_on, idea.summary)
            for idea in results.ideas
        ],
        backlogs_from=results.trends_from,
        backlog_divisions=[
            PublicDivisionOut(choice.code, choice.name, choice.backlogs) for choice in results.backlog_divisions
        ],
        division=results.chosen_division.code if results.chosen_division else None,
        backlogs=[_backlog(division.name, trend) for division in results.divisions for trend in division.trends],
    )


@get(
    "/api/v1/public/{code:str}",
    name="public_results_api",
    opt=PUBLIC,
    tags=["Public results"],
    summary="A force's published results, open to anyone",
    operation_id="getPublicResults",
    # No token needed: anyone may read a published page.
    security=[{}],
    responses=refusals(404),
)
async def public_results_api(
    db_session: DatabaseSession, today: Today, code: FromPath[str], division: DivisionCode
) -> PublicResultsOut:
    """What the force's public results page shows: validated savings by financial year (the latest
    first), its latest implemented ideas (titles and the summaries written for the public), and each
    active backlog's XmR chart over the last two years (in a force with many backlogs, one division's
    at a time: ``division``). 404 unless the force has published its results."""
    return public_results_out(await public_results(db_session, code, today, division or None))
