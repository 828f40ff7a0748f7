"""The savings reports as pages: forecast against actual (/savings/forecasts) and where released time went
(/savings/released-time), each for a financial year, scoped as /savings is, with its tables as CSV and
XLSX (``?format=csv`` or ``?format=xlsx``)."""

from __future__ import annotations

import datetime
import decimal
from collections.abc import Callable
from typing import Any

from litestar import Controller, Request, get
from litestar.response import Stream, Template

from quest.exports.downloads import DownloadFormat, table_download
from quest.exports.files import Cell, FileFormat
from quest.savings.forecast_report import ForecastReport, forecast_report
from quest.savings.redeployment import ReleasedTime, ReleasedTimeReport, released_time_report
from quest.savings.rules import financial_year
from quest.web.dependencies import DatabaseSession, Today, Viewer
from quest.web.pages import FinancialYear, page

AnyRequest = Request[Any, Any, Any]
UNIT_HEADINGS = {"division": "Division", "force": "Force"}
PERCENT_PLACES = decimal.Decimal("0.01")


def years_offered(year: int, today: Any) -> list[int]:
    """The financial years the selector offers: three back to next year, and the one shown."""
    current = financial_year(today)
    return sorted({*range(current - 3, current + 2), year})


def _percent(fraction: decimal.Decimal | None) -> decimal.Decimal | None:
    """A share (0.1818) as the per cent the page shows, to two places (18.18); empty for none."""
    return None if fraction is None else (fraction * 100).quantize(PERCENT_PLACES, rounding=decimal.ROUND_HALF_UP)


def forecast_rows(report: ForecastReport) -> tuple[list[str], list[list[Cell]]]:
    """The ideas of forecast against actual, as the page's table has them, for a download."""
    unit = UNIT_HEADINGS.get(report.grouped_by or "")
    header = [
        *([unit] if unit else []),
        "Idea",
        "Title",
        "Forecast £ a year",
        "Actual £ a year",
        "Variance £ a year",
        "Variance %",
        "Within 20% of forecast",
        f"Forecast £ in {report.year} to {report.year + 1}",
        f"Actual £ in {report.year} to {report.year + 1}",
    ]
    rows: list[list[Cell]] = [
        [
            *([report.unit_names.get(idea.unit_id, "")] if unit else []),
            idea.reference,
            idea.title,
            idea.variance.forecast,
            idea.variance.actual,
            idea.variance.gbp,
            idea.variance.percent,
            "yes" if idea.variance.within else "no",
            idea.forecast_in_year,
            idea.actual_in_year,
        ]
        for idea in report.ideas
    ]
    return header, rows


def _destination_rows(unit: list[Cell], released: ReleasedTime) -> list[list[Cell]]:
    return [
        [
            *unit,
            destination.name,
            destination.validated,
            destination.claimed,
            destination.hours,
            _percent(destination.share),
        ]
        for destination in released.destinations
    ]


def released_rows(report: ReleasedTimeReport) -> tuple[list[str], list[list[Cell]]]:
    """Hours released by destination, as the page's tables have them, for a download: with a division or
    force column when the reach holds more than one (its whole first, as "All")."""
    unit = UNIT_HEADINGS.get(report.grouped_by or "")
    header = [
        *([unit] if unit else []),
        "Destination",
        "Validated hours",
        "Claimed hours",
        "Hours",
        "Share of hours released %",
    ]
    rows = _destination_rows(["All"] if unit else [], report.overall)
    for found in report.units:
        rows += _destination_rows([found.name], found.released)
    return header, rows


class SavingsReportPages(Controller):
    path = "/savings"
    include_in_schema = False

    @get("/forecasts", name="savings-forecasts")
    async def forecasts(
        self,
        request: AnyRequest,
        db_session: DatabaseSession,
        viewer: Viewer,
        today: Today,
        fy: FinancialYear = None,
        download: DownloadFormat = None,
    ) -> Template | Stream:
        """Forecast against actual in a financial year: each idea with both, and the accuracy."""
        year = fy or financial_year(today)
        report = await forecast_report(db_session, viewer, year)
        return await _answer(
            request, report, year, today, download, forecast_rows, "forecasts", "forecast-against-actual", "Forecast"
        )

    @get("/released-time", name="savings-released-time")
    async def released_time(
        self,
        request: AnyRequest,
        db_session: DatabaseSession,
        viewer: Viewer,
        today: Today,
        fy: FinancialYear = None,
        download: DownloadFormat = None,
    ) -> Template | Stream:
        """Where the time released in a financial year went, by destination."""
        year = fy or financial_year(today)
        report = await released_time_report(db_session, viewer, year)
        return await _answer(
            request, report, year, today, download, released_rows, "released_time", "released-time", "Released time"
        )


async def _answer(
    request: AnyRequest,
    report: Any,
    year: int,
    today: datetime.date,
    download: DownloadFormat,
    rows_of: Callable[[Any], tuple[list[str], list[list[Cell]]]],
    template: str,
    file_name: str,
    sheet: str,
) -> Template | Stream:
    """A report's page (``savings/{template}.html``), or its table as a download named ``file_name`` and
    the year, in a sheet named ``sheet``."""
    if download is not None:
        header, rows = rows_of(report)
        return await table_download(FileFormat(download), f"{file_name}-{year}", sheet, header, rows)
    return page(
        request,
        f"savings/{template}.html",
        {
            "report": report,
            "year": year,
            "years": years_offered(year, today),
            "unit_heading": UNIT_HEADINGS.get(report.grouped_by or ""),
        },
    )
