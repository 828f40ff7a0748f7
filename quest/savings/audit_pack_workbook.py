"""The audit pack as a workbook (:mod:`quest.savings.audit_pack`): a sheet for each part, and on the
summary, beside each total as QUEST shows it, a formula that works it out again from the Claims and Costs
sheets, so that whoever opens the workbook sees the spreadsheet itself agree (or not), and can follow how.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from litestar.response import Stream
from openpyxl.utils import get_column_letter

from quest.exports.downloads import workbook_download
from quest.exports.files import MONEY_FORMAT, Formatted, Formula, Sheet, SheetCell
from quest.savings.audit_pack import (
    AUDIT_COLUMNS,
    EVIDENCE_COLUMNS,
    Added,
    AuditPack,
    Column,
    DistinctCount,
    SumOf,
    TotalLine,
    how_in_words,
)

SHEETS = {"claims": "Claims", "costs": "Costs"}
SUMMARY = "Summary"
# The summary's table: what each column holds.
SUMMARY_HEADER = ("Total", "Unit", "As QUEST shows it", "Check: worked out here from the rows", "Matches", "How")
SHOWN, CHECK = "C", "D"
_FORMATS = {"money": MONEY_FORMAT, "hours": "#,##0.00", "number": "0"}
_WIDE = {"evidence", "why", "decision_note", "grade_reason", "not_counted_because", "before", "after", "balancing"}


def _formats(columns: Sequence[Column]) -> dict[int, str]:
    return {index: _FORMATS[column.holds] for index, column in enumerate(columns) if column.holds in _FORMATS}


def _widths(columns: Sequence[Column]) -> dict[int, float]:
    return {
        index: 48 if column.key in _WIDE else 38 if column.key.endswith("_id") else 18
        for index, column in enumerate(columns)
    }


def _part_sheet(name: str, columns: Sequence[Column], rows: Sequence[Any]) -> Sheet:
    return Sheet(
        name=name,
        header=[column.heading for column in columns],
        rows=[[column.value(row) for column in columns] for row in rows],
        formats=_formats(columns),
        widths=_widths(columns),
    )


def _range(part: str, columns: Sequence[Column], key: str, rows: int) -> str:
    """The cells of a part's column, from its first row to its last (one blank row when it has none)."""
    letter = get_column_letter(next(index for index, column in enumerate(columns) if column.key == key) + 1)
    return f"{SHEETS[part]}!${letter}$2:${letter}${max(rows + 1, 2)}"


def _quoted(value: str) -> str:
    return '"' + value.replace('"', '""') + '"'


def check_formula(line: TotalLine, pack: AuditPack, rows_of_lines: dict[str, int]) -> Formula:
    """The formula that works ``line`` out again: from the rows of the Claims or Costs sheet, or from the
    checks of other totals (``rows_of_lines``: the summary row of each total, by key)."""
    check = line.check
    if isinstance(check, Added):
        terms = "".join(
            ("+" if sign > 0 else "-") + f"{CHECK}{rows_of_lines[key]}" for sign, key in check.terms
        ).lstrip("+")
        return Formula(f"=ROUND({terms},2)")
    columns = pack.columns_of(check.part)
    count = len(pack.rows_of(check.part))
    if isinstance(check, DistinctCount):
        cells = _range(check.part, columns, check.column, count)
        return Formula(f'=SUMPRODUCT(({cells}<>"")/COUNTIF({cells},{cells}&""))')
    assert isinstance(check, SumOf)
    criteria = "".join(f",{_range(check.part, columns, key, count)},{_quoted(value)}" for key, value in check.where)
    summed = f"SUMIFS({_range(check.part, columns, check.column, count)}{criteria})"
    if check.divisor != 1:
        summed += f"/{check.divisor}"
    return Formula(f"=ROUND({summed},2)")


def summary_sheet(pack: AuditPack) -> Sheet:
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
    rows_of_lines = {line.key: first_row + index for index, line in enumerate(pack.totals)}
    rows: list[list[SheetCell]] = []
    for line in pack.totals:
        row = rows_of_lines[line.key]
        number_format = "0" if line.unit == "groups" else MONEY_FORMAT
        rows.append(
            [
                line.label,
                line.unit,
                Formatted(line.shown, number_format),
                Formatted(check_formula(line, pack, rows_of_lines), number_format),
                Formula(f'=IF(ROUND({SHOWN}{row}-{CHECK}{row},2)=0,"yes","NO")'),
                how_in_words(line, pack),
            ]
        )
    return Sheet(
        name=SUMMARY,
        header=SUMMARY_HEADER,
        rows=rows,
        preamble=preamble,
        widths={0: 48, 1: 8, 2: 20, 3: 20, 4: 9, 5: 90},
    )


def sheets_of(pack: AuditPack) -> list[Sheet]:
    return [
        summary_sheet(pack),
        _part_sheet(SHEETS["claims"], pack.columns_of("claims"), pack.claims),
        _part_sheet("Evidence", EVIDENCE_COLUMNS, pack.evidence),
        _part_sheet(SHEETS["costs"], pack.columns_of("costs"), pack.costs),
        _part_sheet("Audit trail", AUDIT_COLUMNS, pack.audit_trail),
    ]


def pack_workbook(pack: AuditPack) -> Stream:
    return workbook_download(f"{pack.filename}.xlsx", sheets_of(pack))
