"""The audit pack as a workbook: a sheet for each part, and on the summary, beside each total as QUEST
shows it, a formula that works it out again from the Claims and Costs sheets, so that whoever opens the
workbook sees the spreadsheet itself agree (or not), and can follow how.

Written and sent as the rows are read (:mod:`quest.exports.workbook`), a sheet at a time: Claims, then
Evidence (reading the claims again, from the same snapshot, as the JSON does: a zip is written a part
after another), Costs and the Audit trail. The Summary, first in the workbook, is written last, once the
rows have been counted and totalled."""

from __future__ import annotations

from collections.abc import AsyncIterable, AsyncIterator, Mapping, Sequence
from typing import Any

from openpyxl.utils import get_column_letter

from quest.exports.workbook import MONEY_FORMAT, Formatted, Formula, Sheet, SheetCell, Workbook
from quest.savings.audit_pack.columns import PARTS, Column
from quest.savings.audit_pack.pack import AuditPack
from quest.savings.audit_pack.parts import PackRows
from quest.savings.audit_pack.totals import Added, DistinctCount, SumOf, Tally, TotalLine, how_in_words

SUMMARY = "Summary"
# The summary's table: what each column holds.
SUMMARY_HEADER = ("Total", "Unit", "As QUEST shows it", "Check: worked out here from the rows", "Matches", "How")
SHOWN, CHECK = "C", "D"
_FORMATS = {"money": MONEY_FORMAT, "hours": "#,##0.00", "number": "0"}
_WIDE = {"evidence", "why", "decision_note", "grade_reason", "not_counted_because", "before", "after", "balancing"}


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


async def _cells(columns: Sequence[Column], batches: AsyncIterable[Sequence[Any]]) -> AsyncIterator[list[Any]]:
    """A part's rows, a batch at a time, as its sheet's cells."""
    async for batch in batches:
        for row in batch:
            yield [column.value(row) for column in columns]


async def _tallied(tally: Tally, part: str, batches: AsyncIterable[Sequence[Any]]) -> AsyncIterator[Sequence[Any]]:
    async for batch in batches:
        tally.add(part, batch)
        yield batch


async def workbook_chunks(rows: PackRows) -> AsyncIterator[bytes]:
    """The pack's workbook, as bytes to send, written a batch of rows at a time."""
    pack = rows.pack
    book = Workbook()
    summary = book.place(SUMMARY)  # first in the workbook, written last
    places = {part: book.place(PARTS[part]) for part in pack.columns}
    tally = rows.tally()
    batches = {
        "claims": _tallied(tally, "claims", rows.claims()),
        "evidence": rows.evidence(),
        "costs": _tallied(tally, "costs", rows.costs()),
        "audit_trail": rows.audit_trail(),
    }

    async def sheets() -> AsyncIterator[tuple[int, AsyncIterable[bytes]]]:
        for part, columns in pack.columns.items():
            yield places[part], book.sheet_xml(_part_sheet(PARTS[part], columns), _cells(columns, batches[part]))
        # Asked for once the parts are written: their rows are counted and totalled by then.
        written = summary_sheet(pack, tally.lines(), tally.rows)
        yield summary, book.sheet_xml(written, written.rows)

    async for chunk in book.chunks(sheets()):
        yield chunk
