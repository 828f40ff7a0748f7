"""The audit pack is written as its rows are read (issue 14 at national scale): each format is answered as a
stream (no length known up front), every part is read a batch of rows at a time, and the first bytes go out
before the last batch is read, so a worker holds a batch, never a force's year. With batches of two rows,
the pack holds the same rows and its totals still match the dashboard's."""

from __future__ import annotations

import datetime
import io
import json
from collections.abc import AsyncIterator, Sequence
from typing import Any

import openpyxl
import pytest

from quest.accounts.identity import COMMAND_LINE
from quest.db import snapshot
from quest.exports import workbook, zipped
from quest.savings.audit_pack import batches, claims, costs, trail
from quest.savings.audit_pack.document import document_chunks
from quest.savings.audit_pack.pack import force_pack
from quest.savings.audit_pack.parts import PackRows
from quest.savings.audit_pack.workbook import workbook_chunks
from tests.integration.test_audit_pack import _a_year_of_claims, _table, _workbook

ROWS_A_BATCH = 2


@pytest.fixture
def read(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, int]]:
    """Batches of two rows, and each batch read, in order: (its part, its rows)."""
    monkeypatch.setattr(batches, "BATCH_ROWS", ROWS_A_BATCH)
    log: list[tuple[str, int]] = []
    for module in (claims, costs, trail):

        def counted(session: Any, statement: Any, part: str = module.__name__.rsplit(".", 1)[1]) -> Any:
            async def go() -> AsyncIterator[Sequence[Any]]:
                async for batch in batches.in_batches(session, statement):
                    log.append((part, len(batch)))
                    yield batch

            return go()

        monkeypatch.setattr(module, "in_batches", counted)
    return log


def test_each_format_is_a_stream_of_the_rows_read_a_batch_at_a_time(
    client: Any, demo: Any, database: Any, read: list[tuple[str, int]]
) -> None:
    year = _a_year_of_claims(client, database)
    validator = year["people"]("validator")
    answers = {
        "xlsx": validator.get("/savings/audit-pack?fy=2026&format=xlsx"),
        "html": validator.get("/savings/audit-pack?fy=2026"),
        "json": validator.get("/api/v1/savings/audit-pack?fy=2026", headers={"Accept": "application/json"}),
    }
    for name, answer in answers.items():
        assert answer.status_code == 200, (name, answer.text)
        # A stream: no length is known when the answer starts.
        assert "content-length" not in answer.headers, name
    # Six claims of the year, read two at a time: never more than a batch, and more than one batch.
    claim_batches = [rows for part, rows in read if part == "claims"]
    assert max(claim_batches) == ROWS_A_BATCH
    assert claim_batches.count(ROWS_A_BATCH) >= 3 * len(answers)
    assert {part for part, _rows in read} == {"claims", "costs", "trail"}
    # The pack holds every row all the same, and its totals are still the rows'.
    _header, listed = _table(_workbook(answers["xlsx"])["Claims"])
    assert len(listed) == 6
    pack = json.loads(answers["json"].text)
    assert len(pack["claims"]["rows"]) == 6
    assert pack["all_match"] is True
    assert all(line["shown"] == line["from_rows"] for line in pack["summary"])
    assert "Every total below, worked out again from the rows of this pack, matches" in answers["html"].text
    assert answers["html"].text.rstrip().endswith("</html>")


def test_the_first_bytes_go_out_before_the_last_rows_are_read(
    client: Any, demo: Any, database: Any, read: list[tuple[str, int]]
) -> None:
    _a_year_of_claims(client, database)
    read.clear()

    async def write(maker: Any) -> list[tuple[str, int]]:
        events = read
        async with maker() as session:
            pack = await force_pack(session, COMMAND_LINE, 2026, "LAN", datetime.datetime.now(datetime.UTC))
        async with snapshot(maker) as session:
            rows = await PackRows.of(session, pack)
            async for chunk in document_chunks(rows):
                events.append(("sent", len(chunk)))
        return events

    events = database(write)
    claims_read = [index for index, (part, _rows) in enumerate(events) if part == "claims"]
    sent = [index for index, (part, _rows) in enumerate(events) if part == "sent"]
    # A batch of claims is sent before the next is read: rows go out as they come in.
    assert len(claims_read) >= 3
    assert any(claims_read[0] < index < claims_read[1] for index in sent), events
    assert sent[0] < claims_read[-1]


def test_the_workbooks_first_bytes_go_out_before_the_last_claims_are_read(
    client: Any, demo: Any, database: Any, read: list[tuple[str, int]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The workbook too is sent as it is written (a zip written a part at a time), not once it is whole."""
    monkeypatch.setattr(zipped, "CHUNK_BYTES", 64)
    monkeypatch.setattr(workbook, "PIECE_CHARACTERS", 256)
    _a_year_of_claims(client, database)
    read.clear()

    async def write(maker: Any) -> tuple[list[tuple[str, int]], bytes]:
        events = read
        sent = []
        async with maker() as session:
            pack = await force_pack(session, COMMAND_LINE, 2026, "LAN", datetime.datetime.now(datetime.UTC))
        async with snapshot(maker) as session:
            rows = await PackRows.of(session, pack)
            async for chunk in workbook_chunks(rows):
                events.append(("sent", len(chunk)))
                sent.append(chunk)
        return events, b"".join(sent)

    events, whole = database(write)
    claims_read = [index for index, (part, _rows) in enumerate(events) if part == "claims"]
    sent = [index for index, (part, _rows) in enumerate(events) if part == "sent"]
    # Six claims, two a batch: the Claims sheet's three batches (then the Evidence sheet's, read again).
    assert len(claims_read) >= 3
    assert sent[0] < claims_read[1]  # the zip's first bytes, before the second batch is read
    assert any(claims_read[0] < index < claims_read[2] for index in sent), events  # the first rows
    # And what was sent is the whole workbook, its summary first and still agreeing with the rows.
    loaded = openpyxl.load_workbook(io.BytesIO(whole))
    assert loaded.sheetnames == ["Summary", "Claims", "Evidence", "Costs", "Audit trail"]
    _header, listed = _table(loaded["Claims"])
    assert len(listed) == 6
