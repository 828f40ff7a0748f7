"""Downloads of the tables people see (DESIGN §4): a page offers them at its own address with
``format=csv`` or ``format=xlsx`` (:data:`DownloadFormat`), its filters kept.

A download is sent as it is written (:func:`quest.exports.files.file_chunks`): its first bytes go out at
once, and a worker holds a batch of rows and a piece of the file, never the file. The request's database
session closes as the answer starts, so an export's rows are read through a session of the answer's own
(:func:`quest.web.state.answer_sessions`), from one snapshot, once the request has checked what the
reader may have. A table already in hand (a dashboard's) needs no session.

A failure half way stops the answer without the file's end (a workbook's zip directory), so what arrived
is never taken for the whole file.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from typing import Annotated, Any

from litestar import Request, Response
from litestar.params import QueryParameter
from litestar.response import Stream

from quest.db import snapshot
from quest.exports.files import CSV_TYPE, FileFormat, Rows, file_chunks
from quest.exports.tables import Export
from quest.web.state import answer_sessions

# ``?format=csv``: a handler's parameter may not be called ``format``. Anything else is a 400 naming it.
DownloadFormat = Annotated[FileFormat | None, QueryParameter(name="format", required=False)]


def _sent(chunks: AsyncIterator[bytes], as_: FileFormat, name: str) -> Stream:
    return Stream(
        chunks,
        media_type=as_.media_type,
        headers={"Content-Disposition": f'attachment; filename="{name}.{as_.value}"', "Cache-Control": "no-store"},
    )


async def table_download(as_: FileFormat, name: str, sheet: str, header: Sequence[str], rows: Rows) -> Stream:
    """The table as ``name.csv``, or as ``name.xlsx`` with its rows on a sheet called ``sheet``. ``rows``
    are in hand, or read through no session of the request's (which closes as the answer starts)."""
    return _sent(file_chunks(as_, sheet, header, rows), as_, name)


async def export_download(request: Request[Any, Any, Any], as_: FileFormat, export: Export) -> Stream:
    """One of the exports of :mod:`quest.exports.tables` (made, and so checked, with the request's
    session), as a download whose rows are read through a session of its own."""
    sessions = answer_sessions(request)

    async def written() -> AsyncIterator[bytes]:
        async with snapshot(sessions) as session:
            async for chunk in file_chunks(as_, export.sheet, export.header, export.rows_through(session)):
                yield chunk

    return _sent(written(), as_, export.name)


def csv_text_download(text: str, filename: str) -> Response[str]:
    """CSV text made whole in memory (an import's template: a header and a row) as the file ``filename``."""
    return Response(text, media_type=CSV_TYPE, headers={"Content-Disposition": f'attachment; filename="{filename}"'})
