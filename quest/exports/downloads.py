"""Downloads of the tables people see (DESIGN §4): a page offers them at its own address with
``format=csv`` or ``format=xlsx`` (:data:`DownloadFormat`), its filters kept.

The file is written (:mod:`quest.exports.files`) while the request still holds its database session, into
a temporary file that stays in memory while it is small and moves to disk when it grows; the response then
sends it a piece at a time. So a download of every row a user may see never holds them all in memory.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator, Sequence
from typing import IO, Annotated

from litestar.params import QueryParameter
from litestar.response import Stream

from quest.exports.files import FileFormat, Rows, write_rows
from quest.exports.tables import Export

# ``?format=csv``: a handler's parameter may not be called ``format``. Anything else is a 400 naming it.
DownloadFormat = Annotated[FileFormat | None, QueryParameter(name="format", required=False)]
# A download is sent from memory up to this size, from a temporary file beyond it.
IN_MEMORY_BYTES = 4 * 1024 * 1024
PIECE_BYTES = 64 * 1024


def _spooled() -> IO[bytes]:
    return tempfile.SpooledTemporaryFile(max_size=IN_MEMORY_BYTES)


def _sent(file: IO[bytes], media_type: str, filename: str) -> Stream:
    """The written file as the response, a piece at a time; the file is closed once sent."""
    file.seek(0)

    def pieces() -> Iterator[bytes]:
        with file:
            while piece := file.read(PIECE_BYTES):
                yield piece

    return Stream(
        pieces(),
        media_type=media_type,
        headers={"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"},
    )


async def table_download(as_: FileFormat, name: str, sheet: str, header: Sequence[str], rows: Rows) -> Stream:
    """The table as ``name.csv``, or as ``name.xlsx`` with its rows on a sheet called ``sheet``."""
    file = _spooled()
    await write_rows(file, as_, sheet, header, rows)
    return _sent(file, as_.media_type, f"{name}.{as_.value}")


async def export_download(as_: FileFormat, export: Export) -> Stream:
    """One of the exports of :mod:`quest.exports.tables`, as a download."""
    return await table_download(as_, export.name, export.sheet, export.header, export.rows)
