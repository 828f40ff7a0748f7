"""Hostile workbooks, made in the test: the zip entries are written by hand, with the sheet streamed in
chunks, so a sheet of 20 million rows costs the test a zlib pass, not 120 MB of memory."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable, Iterator

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
PACKAGE = "http://schemas.openxmlformats.org/package/2006/relationships"
DOCUMENT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
SHEET_START = f'<worksheet xmlns="{MAIN}"><sheetData>'.encode()
SHEET_END = b"</sheetData></worksheet>"
CONTENT_TYPES = (
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "</Types>"
)
SHARED_STRINGS_TYPE = (
    '<Override PartName="/xl/sharedStrings.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
)
A_READING = b'<row><c t="inlineStr"><is><t>2026-03-01</t></is></c><c><v>118</v></c></row>'


def workbook(
    sheet: Iterable[bytes], shared_strings: Iterable[bytes] | None = None, extra: dict[str, bytes] | None = None
) -> bytes:
    """A workbook of one sheet, its XML given in chunks (between <sheetData> and </sheetData>)."""
    rels = f'<Relationship Id="rId1" Type="{DOCUMENT}/worksheet" Target="worksheets/sheet1.xml"/>'
    if shared_strings is not None:
        rels += f'<Relationship Id="rId2" Type="{DOCUMENT}/sharedStrings" Target="sharedStrings.xml"/>'
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        with_strings = CONTENT_TYPES.replace("</Types>", f"{SHARED_STRINGS_TYPE}</Types>")
        archive.writestr("[Content_Types].xml", CONTENT_TYPES if shared_strings is None else with_strings)
        archive.writestr(
            "_rels/.rels",
            f'<Relationships xmlns="{PACKAGE}"><Relationship Id="rId1" Type="{DOCUMENT}/officeDocument" '
            'Target="xl/workbook.xml"/></Relationships>',
        )
        archive.writestr(
            "xl/workbook.xml",
            f'<workbook xmlns="{MAIN}" xmlns:r="{DOCUMENT}"><sheets>'
            '<sheet name="Readings" sheetId="1" r:id="rId1"/></sheets></workbook>',
        )
        archive.writestr("xl/_rels/workbook.xml.rels", f'<Relationships xmlns="{PACKAGE}">{rels}</Relationships>')
        _stream(archive, "xl/worksheets/sheet1.xml", [SHEET_START, *sheet, SHEET_END])
        if shared_strings is not None:
            _stream(archive, "xl/sharedStrings.xml", [f'<sst xmlns="{MAIN}">'.encode(), *shared_strings, b"</sst>"])
        for name, content in (extra or {}).items():
            archive.writestr(name, content)
    return buffer.getvalue()


def _stream(archive: zipfile.ZipFile, name: str, chunks: Iterable[bytes]) -> None:
    with archive.open(name, "w", force_zip64=True) as part:
        for chunk in chunks:
            part.write(chunk)


def repeated(piece: bytes, times: int, chunk: int = 100_000) -> Iterator[bytes]:
    """``piece * times``, a chunk at a time."""
    whole, rest = divmod(times, chunk)
    block = piece * chunk
    for _ in range(whole):
        yield block
    yield piece * rest


def empty_rows(count: int) -> bytes:
    """``count`` empty <row/> elements, then one reading: 20 million of them zip to about 172 KB."""
    return workbook([*repeated(b"<row/>", count), A_READING])


def one_huge_cell(characters: int) -> bytes:
    """One reading, and one cell of ``characters`` letters."""
    return workbook(
        [A_READING, b'<row><c t="inlineStr"><is><t>', *repeated(b"A", characters, 1_000_000), b"</t></is></c></row>"]
    )


def shared_strings_bomb(strings: int) -> bytes:
    """A sheet of one reading, and a shared strings part of ``strings`` strings."""
    return workbook([A_READING], shared_strings=repeated(b"<si><t>bomb</t></si>", strings))
