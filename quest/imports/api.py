"""Imports in the JSON API: ``POST /api/v1/imports/{kind}`` with a CSV file or a workbook, answered with
the same report as the web page's preview; ``?dry_run=true`` checks without writing. And what the imports
page shows before: the kinds the caller may import, their columns, and each one's CSV template."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, Literal

from litestar import Controller, Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath, FromQuery

from quest.exports.downloads import csv_text_download
from quest.exports.files import CSV_TYPE
from quest.imports.report import ImportRefused, ImportReport
from quest.imports.services import ImportKind, import_kind, import_upload, kinds_for
from quest.web import api_schema
from quest.web.api_answers import PerPage, list_page
from quest.web.api_errors import refusals
from quest.web.dependencies import DatabaseSession, Now, Today, Viewer
from quest.web.pages import PageNumber

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


@dataclass(frozen=True)
class ColumnOut:
    name: str
    # Whether every file must have the column (others may be left out).
    required: bool
    meaning: str
    example: str


@dataclass(frozen=True)
class ImportKindOut:
    kind: KindName
    columns: list[ColumnOut]
    # Where its CSV template is: the header and one example row.
    template: str

    @classmethod
    def of(cls, kind: ImportKind) -> ImportKindOut:
        return cls(
            kind=kind.name,  # type: ignore[arg-type]
            columns=[
                ColumnOut(column.name, column.required, column.meaning, column.example) for column in kind.columns
            ],
            template=f"/api/v1/imports/{kind.name}/template",
        )


class ImportApi(Controller):
    path = "/api/v1/imports"
    tags = ["Imports"]

    @get(
        "/",
        summary="The kinds of import you may run, with their columns",
        description="Readings for a division's managers; ideas for managers and a force's headquarters; users "
        "for those who manage people. A role that may import nothing is refused (403).",
        operation_id="listImportKinds",
        responses=refusals(),
    )
    async def list_kinds(
        self, request: Request[Any, Any, Any], viewer: Viewer, page_number: PageNumber = 1, per_page: PerPage = None
    ) -> Response[list[ImportKindOut]]:
        return list_page([ImportKindOut.of(kind) for kind in kinds_for(viewer)], request, page_number, per_page)

    @get(
        "/{kind:str}/template",
        summary="A kind of import's CSV template",
        description="The header naming every column the import reads, and one example row, to fill in.",
        operation_id="getImportTemplate",
        responses=refusals(),
        opt=api_schema.files(CSV_TYPE),
    )
    async def template(self, viewer: Viewer, kind: FromPath[KindName]) -> Response[str]:
        chosen = import_kind(viewer, kind)
        return csv_text_download(chosen.template(), f"quest-{chosen.name}-template.csv")

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
