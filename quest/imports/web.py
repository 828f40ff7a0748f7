"""The import pages: a manager imports readings and their division's ideas, a force's headquarters its
people and its force's ideas. Upload, a preview with every problem by row and column, then confirm. Each
format is described on its page, with a CSV template to download."""

from __future__ import annotations

import base64
import binascii
from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.params import FromPath
from litestar.response import Redirect, Template

from quest.exports.downloads import csv_text_download
from quest.imports.report import ImportReport
from quest.imports.services import ImportKind, import_kind, import_upload, kinds_for
from quest.web.dependencies import DatabaseSession, Now, Today, Viewer
from quest.web.flash import flash
from quest.web.forms import form_values, see_other
from quest.web.pages import page

AnyRequest = Request[Any, Any, Any]
# A preview lists this many problems; the rest are counted (the command line and the API list them all).
SHOWN_PROBLEMS = 1_000
_TITLES = {"readings": "Import readings", "ideas": "Import ideas", "users": "Import users"}
_WHO = {
    "readings": "Readings of your division's measures, matched by force, division, measure and date. "
    "A reading already saved for a date gets the file's value; importing the same file again changes nothing.",
    "ideas": "Ideas kept in a spreadsheet, with where each had got to. Each starts its timeline with "
    "‘imported’, and counts on the dashboards from the date it was raised.",
    "users": "People matched by email. Someone new gets an email inviting them to choose a password; "
    "someone already here has their name, role and division brought into line.",
}


class ImportPages(Controller):
    path = "/imports"
    include_in_schema = False

    @get("/", name="imports")
    async def index(self, request: AnyRequest, viewer: Viewer) -> Template:
        return page(request, "imports/index.html", {"kinds": kinds_for(viewer), "titles": _TITLES, "who": _WHO})

    @get("/{kind:str}")
    async def form(self, request: AnyRequest, viewer: Viewer, kind: FromPath[str]) -> Template:
        return self._form_page(request, import_kind(viewer, kind), {})

    @get("/{kind:str}/template.csv")
    async def template(self, viewer: Viewer, kind: FromPath[str]) -> Response[str]:
        chosen = import_kind(viewer, kind)
        return csv_text_download(chosen.template(), f"quest-{chosen.name}-template.csv")

    @post("/{kind:str}/preview")
    async def preview(
        self,
        request: AnyRequest,
        db_session: DatabaseSession,
        viewer: Viewer,
        now: Now,
        today: Today,
        kind: FromPath[str],
    ) -> Template:
        chosen = import_kind(viewer, kind)
        upload = (await request.form()).get("file")
        if not isinstance(upload, UploadFile) or not upload.filename:
            return self._form_page(
                request, chosen, {"file": "Choose a CSV file or an Excel workbook (.xlsx) to upload"}
            )
        data = await upload.read()
        report = await import_upload(
            db_session, viewer, chosen.name, upload.filename, data, now=now, today=today, dry_run=True
        )
        return self._preview_page(request, chosen, report, upload.filename, data)

    @post("/{kind:str}/confirm")
    async def confirm(
        self,
        request: AnyRequest,
        db_session: DatabaseSession,
        viewer: Viewer,
        now: Now,
        today: Today,
        kind: FromPath[str],
    ) -> Template | Redirect:
        chosen = import_kind(viewer, kind)
        values = await form_values(request)
        filename = values.get("filename", "")[:200]
        try:
            data = base64.b64decode(values.get("data", ""), validate=True)
        except (binascii.Error, ValueError):
            data = b""
        if not data:
            return self._form_page(request, chosen, {"file": "The checked file did not come back: upload it again"})
        report = await import_upload(db_session, viewer, chosen.name, filename, data, now=now, today=today)
        if not report.written:
            return self._preview_page(request, chosen, report, filename, data)
        flash(request, f"Imported {filename}. {report.summary()}")
        return see_other(f"/imports/{chosen.name}")

    def _form_page(self, request: AnyRequest, kind: ImportKind, errors: dict[str, str]) -> Template:
        return page(
            request,
            "imports/form.html",
            {"kind": kind, "title": _TITLES[kind.name], "who": _WHO[kind.name], "errors": errors},
            status_code=422 if errors else 200,
        )

    def _preview_page(
        self, request: AnyRequest, kind: ImportKind, report: ImportReport, filename: str, data: bytes
    ) -> Template:
        shown = report.problems[:SHOWN_PROBLEMS]
        return page(
            request,
            "imports/preview.html",
            {
                "kind": kind,
                "title": _TITLES[kind.name],
                "report": report,
                "problems": shown,
                "more_problems": len(report.problems) - len(shown),
                "errors": {problem.field: problem.summary for problem in shown[:20]},
                "filename": filename,
                "data": "" if report.problems else base64.b64encode(data).decode(),
            },
            status_code=422 if report.problems else 200,
        )
