"""Imports in the JSON API: ``POST /api/v1/imports/{kind}`` with a CSV file or a workbook, answered with
the same report as the web page's preview; ``?dry_run=true`` checks without writing."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Literal

from litestar import Controller, post
from litestar.datastructures import UploadFile
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath, FromQuery

from quest.imports.report import ImportRefused, ImportReport
from quest.imports.services import import_upload
from quest.web.api_errors import refusals
from quest.web.dependencies import DatabaseSession, Now, Today, Viewer

KindName = Literal["readings", "ideas", "users"]


@dataclass
class ImportFile:
    """The file to import: CSV (UTF-8, comma or semicolon) or an Excel workbook (.xlsx), with a header row
    naming its columns."""

    file: UploadFile


@dataclass(frozen=True)
class ProblemOut:
    row: int
    column: str
    message: str


@dataclass(frozen=True)
class ImportReportOut:
    kind: KindName
    rows: int
    created: int
    changed: int
    unchanged: int
    written: bool
    problems: list[ProblemOut]

    @classmethod
    def of(cls, report: ImportReport) -> ImportReportOut:
        problems = [ProblemOut(problem.row, problem.column, problem.message) for problem in report.problems]
        return cls(
            kind=report.kind,  # type: ignore[arg-type]
            rows=report.rows,
            created=report.created,
            changed=report.changed,
            unchanged=report.unchanged,
            written=report.written,
            problems=problems,
        )


class ImportApi(Controller):
    path = "/api/v1/imports"
    tags = ["Imports"]

    @post(
        "/{kind:str}",
        summary="Import a file of readings, ideas or users",
        operation_id="importFile",
        responses=refusals(404, 422),
        status_code=200,
    )
    async def import_file(
        self,
        db_session: DatabaseSession,
        viewer: Viewer,
        now: Now,
        today: Today,
        kind: FromPath[KindName],
        data: Annotated[ImportFile, Body(media_type=RequestEncodingType.MULTI_PART)],
        dry_run: FromQuery[bool] = False,
        force: FromQuery[str | None] = None,
    ) -> ImportReportOut:
        """Every row is checked first. If any is wrong, the answer is 422, with every problem by row and column
        in ``extra.report`` (and ``extra.errors``), and nothing is written. Otherwise everything is written in
        one transaction (or, with ``dry_run=true``, nothing) and the report says what was, or would be, done.
        ``force``: the force's code, for those who may import into more than one."""
        content = await data.file.read()
        report = await import_upload(
            db_session,
            viewer,
            kind,
            data.file.filename,
            content,
            force_code=force,
            now=now,
            today=today,
            dry_run=dry_run,
        )
        if report.problems:
            raise ImportRefused(report)
        return ImportReportOut.of(report)
