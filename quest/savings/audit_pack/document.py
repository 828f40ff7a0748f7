"""The audit pack as JSON, for the API: written as its rows are read, a part after another, each part's
rows a batch at a time, and the summary last (worked out from the rows just written). Its shape is
:class:`AuditPackOut`, which the OpenAPI schema shows; a JSON object's keys have no order, so the summary's
place at the end changes nothing for a client that parses the whole answer."""

from __future__ import annotations

import datetime
import decimal
from collections.abc import AsyncIterator, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import msgspec

from quest.savings.audit_pack.columns import Column
from quest.savings.audit_pack.parts import PackRows
from quest.savings.audit_pack.totals import Tally, TotalLine, how_in_words

Cell = str | int | float | None


def json_cell(value: Any, holds: str) -> Cell:
    """A cell of a part in JSON: money as a decimal string in pounds, hours and figures as numbers, dates
    and times ISO (times in UTC), text as text."""
    if value is None:
        return None
    if holds == "money":
        return f"{value:.2f}"
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, datetime.date):  # and datetime.datetime
        return value.isoformat()
    if isinstance(value, int):
        return value
    return str(value)


@dataclass(frozen=True)
class ColumnOut:
    key: str
    heading: str
    # text, money (a decimal string in pounds), hours or number (numbers), date or time (ISO; times in UTC)
    holds: str


@dataclass(frozen=True)
class PartOut:
    """One part of the pack as a table: its columns, and its rows keyed by the columns' keys."""

    columns: list[ColumnOut]
    rows: list[dict[str, Cell]]


@dataclass(frozen=True)
class TotalLineOut:
    key: str
    label: str
    unit: str
    # As the force's dashboard shows it, and worked out again from the pack's rows by the rule.
    shown: str
    from_rows: str
    matches: bool
    how: str


@dataclass(frozen=True)
class AuditPackOut:
    """The shape of the answer (the OpenAPI schema's); it is written a batch of rows at a time."""

    title: str
    force_code: str
    force_name: str
    fy: int | None
    idea_ref: str | None
    year_days: int
    productive_hours: float
    generated_at: datetime.datetime
    rule: str
    claims: PartOut
    evidence: PartOut
    costs: PartOut
    # The audit trail an entry a row: a new record's values, or a change's fields before and after.
    audit_trail: PartOut
    summary: list[TotalLineOut]
    all_match: bool


def _figure(value: decimal.Decimal, unit: str) -> str:
    return f"{value:.0f}" if unit == "groups" else f"{value:.2f}"


def _summary(rows: PackRows, lines: Sequence[TotalLine]) -> list[TotalLineOut]:
    pack = rows.pack
    return [
        TotalLineOut(
            line.key,
            line.label,
            line.unit,
            _figure(line.shown, line.unit),
            _figure(line.from_rows, line.unit),
            line.matches,
            how_in_words(line.total, pack.totals, pack.columns),
        )
        for line in lines
    ]


def _encoded(value: Any) -> bytes:
    return msgspec.json.encode(value)


async def _part(key: str, columns: Sequence[Column], batches: AsyncIterator[Sequence[Any]]) -> AsyncIterator[bytes]:
    """``"key": {"columns": [...], "rows": [...]}``, the rows a batch at a time."""
    heads = [ColumnOut(column.key, column.heading, column.holds) for column in columns]
    yield b'"' + key.encode() + b'":{"columns":' + _encoded(heads) + b',"rows":['
    first = True
    async for batch in batches:
        if not batch:
            continue
        cells: Iterable[dict[str, Cell]] = (
            {column.key: json_cell(column.value(row), column.holds) for column in columns} for row in batch
        )
        encoded = b",".join(_encoded(row) for row in cells)
        yield encoded if first else b"," + encoded
        first = False
    yield b"]}"


async def _tallied(tally: Tally, part: str, batches: AsyncIterator[Sequence[Any]]) -> AsyncIterator[Sequence[Any]]:
    async for batch in batches:
        tally.add(part, batch)
        yield batch


async def document_chunks(rows: PackRows) -> AsyncIterator[bytes]:
    """The pack as JSON (:class:`AuditPackOut`), as bytes to send."""
    pack = rows.pack
    head = {
        "title": pack.title,
        "force_code": pack.force_code,
        "force_name": pack.force_name,
        "fy": pack.year,
        "idea_ref": pack.idea_reference,
        "year_days": pack.year_days,
        "productive_hours": float(pack.productive_hours),
        "generated_at": pack.generated_at,
        "rule": pack.rule,
    }
    yield _encoded(head)[:-1] + b","
    tally = rows.tally()
    columns = pack.columns
    async for chunk in _part("claims", columns["claims"], _tallied(tally, "claims", rows.claims())):
        yield chunk
    yield b","
    async for chunk in _part("evidence", columns["evidence"], rows.evidence()):
        yield chunk
    yield b","
    async for chunk in _part("costs", columns["costs"], _tallied(tally, "costs", rows.costs())):
        yield chunk
    yield b","
    async for chunk in _part("audit_trail", columns["audit_trail"], rows.audit_trail()):
        yield chunk
    lines = tally.lines()
    summary = _summary(rows, lines)
    yield b',"summary":' + _encoded(summary) + b',"all_match":' + _encoded(all(line.matches for line in lines)) + b"}"
