"""The headquarters' dashboards as pages: a force's divisions side by side (``/forces/{code}/dashboard``)
and every force (``/national``): the side-by-side table of every measure, sortable and downloadable (CSV
and XLSX), and one measure at a time (``?measure=``) as a sorted "ski slope" beside its table, with a
funnel plot for the rates of counts. One measure's charts at a time keep the page light on a phone: every
measure's would be 400 KB nationally."""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import urlencode

from litestar import Request, get
from litestar.params import FromPath, QueryParameter
from litestar.response import Redirect, Stream, Template

from quest.accounts import access
from quest.accounts.access import Permission
from quest.charts.funnel import FunnelChart, funnel_chart
from quest.charts.ski_slope import Reference, SkiSlopeChart, SlopeUnit, ski_slope_chart
from quest.dashboards.headquarters import Dashboard, Per, force_dashboard, national_dashboard
from quest.dashboards.measures import MeasureComparison, MeasureKey, Row, shown
from quest.errors import NotFound
from quest.exports.downloads import DownloadFormat, table_download
from quest.exports.files import Cell, FileFormat
from quest.savings.rules import financial_year
from quest.web.dependencies import DatabaseSession, KeptForcesFigures, Now, Today, Viewer
from quest.web.pages import FinancialYear, page

AnyRequest = Request[Any, Any, Any]


class Order(enum.StrEnum):
    ASCENDING = "asc"
    DESCENDING = "desc"


SortKey = Annotated[str | None, QueryParameter(name="sort", max_length=40, required=False)]
OrderParameter = Annotated[Order | None, QueryParameter(name="order", required=False)]
PerParameter = Annotated[Per, QueryParameter(name="per", required=False)]
ForceCode = Annotated[str | None, QueryParameter(name="force", max_length=8, required=False)]
MeasureParameter = Annotated[MeasureKey | None, QueryParameter(name="measure", required=False)]


@dataclass(frozen=True, slots=True)
class MeasureView:
    """A measure as the page shows it: in the side-by-side table, and for the measure shown in full, its
    ski slope and funnel plot."""

    comparison: MeasureComparison
    overall_label: str
    similar_label: str | None

    @property
    def key(self) -> str:
        return self.comparison.measure.key


@dataclass(frozen=True, slots=True)
class MeasureCharts:
    """The measure shown in full: its ski slope (None when no unit has a figure) and its funnel plot."""

    view: MeasureView
    slope: SkiSlopeChart | None
    funnel: FunnelChart | None


def _views(dashboard: Dashboard) -> list[MeasureView]:
    return [
        MeasureView(
            comparison,
            shown(comparison.measure, comparison.overall),
            None if comparison.similar is None else shown(comparison.measure, comparison.similar),
        )
        for comparison in dashboard.comparisons
    ]


def _charts(dashboard: Dashboard, view: MeasureView, unit_word: str, whole: str) -> MeasureCharts:
    chosen = [dashboard.chosen.code] if dashboard.chosen else []
    marked = [place.code for place in dashboard.similar]
    comparison = view.comparison
    measure = comparison.measure
    references = []
    if comparison.overall is not None:
        references.append(Reference(whole, comparison.overall, shown(measure, comparison.overall)))
    if comparison.similar is not None:
        references.append(Reference("Similar forces", comparison.similar, shown(measure, comparison.similar)))
    slope = ski_slope_chart(
        measure.label,
        [
            SlopeUnit(
                row.unit.code,
                row.unit.name,
                row.found.value,
                shown(measure, row.found.value),
                row.found.too_little_data,
            )
            for row in comparison.rows
            if row.found.value is not None or row.found.too_little_data
        ],
        references=references,
        better=measure.better,  # type: ignore[arg-type]
        highlighted=chosen,
        marked=marked,
        unit_word=unit_word,
    )
    funnel = (
        funnel_chart(
            comparison.funnel,
            better=measure.better,  # type: ignore[arg-type]
            highlighted=chosen,
            marked=marked,
            unit_word=unit_word,
        )
        if comparison.funnel is not None
        else None
    )
    return MeasureCharts(view, slope, funnel)


def _sorted_units(
    dashboard: Dashboard, sort: str | None, order: Order | None
) -> tuple[list[dict[str, Row]], str, Order]:
    """The units as table rows (each measure's row of the unit, by key), sorted by the measure ``sort``
    (units with nothing to show last, whatever the order; the highest first unless ``order`` says) or by
    name (A to Z unless it says); and what they are sorted by, and which way."""
    by_unit: dict[Any, dict[str, Row]] = {}
    for comparison in dashboard.comparisons:
        for row in comparison.rows:
            by_unit.setdefault(row.unit.id, {})[comparison.measure.key] = row
    rows = sorted(by_unit.values(), key=lambda cells: next(iter(cells.values())).unit.name)
    keys = {comparison.measure.key for comparison in dashboard.comparisons}
    if sort not in keys:
        order = order or Order.ASCENDING
        return (rows[::-1] if order is Order.DESCENDING else rows), "name", order
    assert sort is not None
    order = order or Order.DESCENDING

    def figure(cells: dict[str, Row]) -> Any:
        found = cells[sort].found
        return None if found.too_little_data else found.value

    known = [cells for cells in rows if figure(cells) is not None]
    unknown = [cells for cells in rows if figure(cells) is None]
    known.sort(key=figure, reverse=order is Order.DESCENDING)
    return known + unknown, sort, order


async def _download(dashboard: Dashboard, rows: Sequence[dict[str, Row]], name: str, as_: FileFormat) -> Stream:
    comparisons = dashboard.comparisons
    header = ["Name", "Code", *(comparison.measure.label for comparison in comparisons), "Too little data"]
    body: list[list[Cell]] = []
    for cells in rows:
        unit = next(iter(cells.values())).unit
        body.append(
            [
                unit.name,
                unit.code,
                *(
                    None
                    if cells[comparison.measure.key].found.value is None
                    else round(cells[comparison.measure.key].found.value, 2)  # type: ignore[arg-type]
                    for comparison in comparisons
                ),
                "yes" if unit.too_little_use else "",
            ]
        )
    return await table_download(as_, f"{name}-{dashboard.year}", "Compared", header, body)


def _years(today: Any) -> list[int]:
    current = financial_year(today)
    return list(range(current - 3, current + 1))


def _shown_in_full(views: list[MeasureView], measure: MeasureKey | None) -> MeasureView:
    """The measure the page draws in full: the one asked for, or the first."""
    return next((view for view in views if view.key == measure), views[0])


def _page(
    request: AnyRequest,
    dashboard: Dashboard,
    sort: str | None,
    order: Order | None,
    measure: MeasureKey | None,
    *,
    path: str,
    query: dict[str, Any],
    heading: str,
    unit_heading: str,
    whole: str,
    today: Any,
    **extra: Any,
) -> Template:
    rows, sorted_by, order = _sorted_units(dashboard, sort, order)
    views = _views(dashboard)
    in_full = _shown_in_full(views, measure) if views else None
    return page(
        request,
        "dashboards/headquarters.html",
        {
            "dashboard": dashboard,
            "views": views,
            "in_full": None if in_full is None else _charts(dashboard, in_full, unit_heading.lower(), whole),
            "rows": rows,
            "sorted_by": sorted_by,
            "order": order.value,
            "years": _years(today),
            "heading": heading,
            "unit_heading": unit_heading,
            "path": path,
            # What the address holds besides the sort: kept by the sort, measure and download links.
            "query": query | ({"measure": in_full.key} if in_full and measure else {}),
            "measure_links": {
                view.key: f"{path}?{urlencode(query | {'sort': sorted_by, 'order': order.value, 'measure': view.key})}"
                f"#{view.key}"
                for view in views
            },
            "shown": shown,
            "sort_link": sort_link,
            **extra,
        },
    )


@get("/forces/{code:str}/dashboard", name="force-dashboard", include_in_schema=False)
async def force_dashboard_page(
    request: AnyRequest,
    db_session: DatabaseSession,
    viewer: Viewer,
    today: Today,
    code: FromPath[str],
    fy: FinancialYear = None,
    sort: SortKey = None,
    order: OrderParameter = None,
    measure: MeasureParameter = None,
    download: DownloadFormat = None,
) -> Template | Stream:
    """A force's divisions side by side, on every measure; one measure in full."""
    year = fy or financial_year(today)
    dashboard = await force_dashboard(db_session, viewer, code, year, today)
    assert dashboard.force is not None
    if download is not None:
        rows, _sorted_by, _order = _sorted_units(dashboard, sort, order)
        return await _download(dashboard, rows, f"{dashboard.force.code.lower()}-divisions", download)
    return _page(
        request,
        dashboard,
        sort,
        order,
        measure,
        path=f"/forces/{dashboard.force.code}/dashboard",
        query={"fy": year},
        heading=f"{dashboard.force.name}: divisions compared",
        unit_heading="Division",
        whole="Force",
        today=today,
        national=False,
    )


@get("/national", name="national-dashboard", include_in_schema=False)
async def national_dashboard_page(
    request: AnyRequest,
    db_session: DatabaseSession,
    viewer: Viewer,
    now: Now,
    today: Today,
    forces_figures: KeptForcesFigures,
    fy: FinancialYear = None,
    per: PerParameter = Per.OFFICERS,
    force: ForceCode = None,
    sort: SortKey = None,
    order: OrderParameter = None,
    measure: MeasureParameter = None,
    download: DownloadFormat = None,
) -> Template | Stream:
    """Every force side by side, per 100 officers or per 1,000 residents, and a chosen force with its
    similar forces; one measure in full."""
    year = fy or financial_year(today)
    dashboard = await national_dashboard(db_session, viewer, year, per.size, forces_figures, now, force or None)
    if download is not None:
        rows, _sorted_by, _order = _sorted_units(dashboard, sort, order)
        return await _download(dashboard, rows, "forces", download)
    return _page(
        request,
        dashboard,
        sort,
        order,
        measure,
        path="/national",
        query={"fy": year, "per": per.value} | ({"force": dashboard.chosen.code} if dashboard.chosen else {}),
        heading="Forces compared",
        unit_heading="Force",
        whole="National",
        today=today,
        national=True,
        forces=sorted(((unit.code, unit.name) for unit in dashboard.units), key=lambda force: force[1]),
    )


def sort_link(path: str, query: dict[str, Any], key: str, sorted_by: str, order: str) -> str:
    """The address that sorts the table by ``key``: the other way round if it is sorted by it already;
    otherwise names from A and figures from the highest."""
    first = "asc" if key == "name" else "desc"
    flipped = {"asc": "desc", "desc": "asc"}[order] if sorted_by == key else first
    return f"{path}?{urlencode(query | {'sort': key, 'order': flipped})}"


@get("/dashboard", name="my-dashboard", include_in_schema=False)
async def my_dashboard(viewer: Viewer) -> Redirect:
    """Each person's own dashboard: their division's, their force's divisions compared, or every force."""
    if access.may(viewer, Permission.COMPARE_FORCES):
        return Redirect("/national")
    if viewer.force_code is not None and access.may(viewer, Permission.COMPARE_DIVISIONS):
        return Redirect(f"/forces/{viewer.force_code}/dashboard")
    if viewer.division_id is not None:
        return Redirect(f"/divisions/{viewer.division_id}/dashboard")
    raise NotFound("dashboard")
