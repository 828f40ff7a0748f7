"""The audit pack as a workbook: a sheet for each part, and on the summary, beside each total as QUEST
shows it, a formula that works it out again from the Claims and Costs sheets, so that whoever opens the
workbook sees the spreadsheet itself agree (or not), and can follow how.

Written as the rows are read (openpyxl's write-only sheets keep their rows in temporary files, not in
memory): the Claims and Evidence sheets from the same batch of claims, then Costs and the Audit trail. The
Summary, first in the workbook, is written last, once the rows have been counted and totalled. The
finished file is sent from disk a piece at a time."""

from __future__ import annotations

import tempfile
from collections.abc import AsyncIterator, Mapping, Sequence
from typing import Any

import anyio
import anyio.lowlevel
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from quest.exports.files import MONEY_FORMAT, Formatted, Formula, Sheet, SheetCell, sheet_row, start_sheet
from quest.savings.audit_pack.columns import PARTS, Column
from quest.savings.audit_pack.pack import AuditPack
from quest.savings.audit_pack.parts import PackRows
from quest.savings.audit_pack.totals import Added, DistinctCount, SumOf, TotalLine, how_in_words

SUMMARY = "Summary"
# The summary's table: what each column holds.
SUMMARY_HEADER = ("Total", "Unit", "As QUEST shows it", "Check: worked out here from the rows", "Matches", "How")
SHOWN, CHECK = "C", "D"
_FORMATS = {"money": MONEY_FORMAT, "hours": "#,##0.00", "number": "0"}
_WIDE = {"evidence", "why", "decision_note", "grade_reason", "not_counted_because", "before", "after", "balancing"}
# Rows written before the worker turns to its other requests (a slice of claims: ~0.2 s of cells).
ROWS_A_SLICE = 200
# Bytes of the finished file sent at a time.
CHUNK_BYTES = 256 * 1024


def _part_sheet(name: str, columns: Sequence[Column]) -> Sheet:
    return Sheet(
        name=name,
        header=[column.heading for column in columns],
        rows=(),
        formats={index: _FORMATS[column.holds] for index, column in enumerate(columns) if column.holds in _FORMATS},
        widths={
            index: 48 if column.key in _WIDE else 38 if column.key.endswith("_id") else 18
            for index, column in enumerate(columns)
        },
    )


def _range(part: str, columns: Sequence[Column], key: str, rows: int) -> str:
    """The cells of a part's column, from its first row to its last (one blank row when it has none)."""
    letter = get_column_letter(next(index for index, column in enumerate(columns) if column.key == key) + 1)
    return f"{PARTS[part]}!${letter}$2:${letter}${max(rows + 1, 2)}"


def _quoted(value: str) -> str:
    return '"' + value.replace('"', '""') + '"'


def check_formula(
    line: TotalLine, pack: AuditPack, rows_of_lines: Mapping[str, int], counts: Mapping[str, int]
) -> Formula:
    """The formula that works ``line`` out again: from the rows of the Claims or Costs sheet (``counts``:
    how many each has), or from the checks of other totals (``rows_of_lines``: the summary row of each
    total, by key)."""
    check = line.check
    if isinstance(check, Added):
        terms = "".join(
            ("+" if sign > 0 else "-") + f"{CHECK}{rows_of_lines[key]}" for sign, key in check.terms
        ).lstrip("+")
        return Formula(f"=ROUND({terms},2)")
    columns = pack.columns[check.part]
    count = counts[check.part]
    if isinstance(check, DistinctCount):
        cells = _range(check.part, columns, check.column, count)
        return Formula(f'=SUMPRODUCT(({cells}<>"")/COUNTIF({cells},{cells}&""))')
    assert isinstance(check, SumOf)
    criteria = "".join(f",{_range(check.part, columns, key, count)},{_quoted(value)}" for key, value in check.where)
    summed = f"SUMIFS({_range(check.part, columns, check.column, count)}{criteria})"
    if check.divisor != 1:
        summed += f"/{check.divisor}"
    return Formula(f"=ROUND({summed},2)")


def summary_sheet(pack: AuditPack, lines: Sequence[TotalLine], counts: Mapping[str, int]) -> Sheet:
    """The totals, each beside its check; above them, what the pack is of and the rule."""
    scope: list[list[SheetCell]] = (
        [["Idea", pack.idea_reference]]
        if pack.idea_reference
        else [["Financial year", f"{pack.year_name} (1 April to 31 March), {pack.year_days} days"]]
    )
    preamble: list[list[SheetCell]] = [
        [pack.title],
        ["Force", f"{pack.force_name} ({pack.force_code})"],
        *scope,
        ["Productive hours a full-time equivalent", pack.productive_hours],
        ["Made at (UTC)", pack.generated_at, "by", pack.generated_by],
        ["The rule", pack.rule],
        [
            "Checking it",
            "Each total as QUEST shows it stands beside a formula that works it out again from the rows of the "
            "Claims and Costs sheets; “Matches” says whether the two agree to the penny.",
        ],
        [],
    ]
    first_row = len(preamble) + 2
    rows_of_lines = {line.key: first_row + index for index, line in enumerate(lines)}
    rows: list[list[SheetCell]] = []
    for line in lines:
        row = rows_of_lines[line.key]
        number_format = "0" if line.unit == "groups" else MONEY_FORMAT
        rows.append(
            [
                line.label,
                line.unit,
                Formatted(line.shown, number_format),
                Formatted(check_formula(line, pack, rows_of_lines, counts), number_format),
                Formula(f'=IF(ROUND({SHOWN}{row}-{CHECK}{row},2)=0,"yes","NO")'),
                how_in_words(line.total, pack.totals, pack.columns),
            ]
        )
    return Sheet(
        name=SUMMARY,
        header=SUMMARY_HEADER,
        rows=rows,
        preamble=preamble,
        widths={0: 48, 1: 8, 2: 20, 3: 20, 4: 9, 5: 90},
    )


class _PartSheet:
    """A part's sheet, its rows appended a batch at a time."""

    def __init__(self, workbook: Workbook, part: str, columns: Sequence[Column]) -> None:
        self.sheet = _part_sheet(PARTS[part], columns)
        self.columns = columns
        self.worksheet = start_sheet(workbook, self.sheet)

    async def append(self, rows: Sequence[Any]) -> None:
        """Writing a cell is ~25 µs: between slices of rows, other requests of the worker are served."""
        for start in range(0, len(rows), ROWS_A_SLICE):
            for row in rows[start : start + ROWS_A_SLICE]:
                self.worksheet.append(
                    sheet_row(self.worksheet, [column.value(row) for column in self.columns], self.sheet.formats)
                )
            await anyio.lowlevel.checkpoint()


async def workbook_chunks(rows: PackRows) -> AsyncIterator[bytes]:
    """The pack's workbook, as bytes to send: written a batch of rows at a time, then sent from disk."""
    pack = rows.pack
    workbook = Workbook(write_only=True)
    summary = workbook.create_sheet(SUMMARY)  # first in the workbook, written last
    sheets = {part: _PartSheet(workbook, part, columns) for part, columns in pack.columns.items()}
    tally = rows.tally()
    async for claims in rows.claims():
        tally.add("claims", claims)
        await sheets["claims"].append(claims)
        await sheets["evidence"].append(await rows.evidence_of(claims))
    async for costs in rows.costs():
        tally.add("costs", costs)
        await sheets["costs"].append(costs)
    async for entries in rows.audit_trail():
        await sheets["audit_trail"].append(entries)
    written = summary_sheet(pack, tally.lines(), tally.rows)
    start_sheet(workbook, written, summary)
    for row in written.rows:
        summary.append(sheet_row(summary, row, written.formats))
    with tempfile.TemporaryFile() as file:
        # Zipping the sheets' files is the one long step without the database: off the event loop.
        await anyio.to_thread.run_sync(workbook.save, file)
        file.seek(0)
        while chunk := file.read(CHUNK_BYTES):
            yield chunk
