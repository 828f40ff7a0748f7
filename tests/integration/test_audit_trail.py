"""The audit trail in words (issue item 10): each record named as people know it and linked to its page,
each change shown whole, and the names found with one query per kind of record."""

from __future__ import annotations

import html
import re
import uuid
from typing import Any

from sqlalchemy import event

from quest.audit.names import RecordName, record_names
from quest.audit.services import changes_of, field_label, readable
from tests.helpers import (
    DEMO_EMAILS,
    IMPLEMENTED_PATH,
    People,
    api_headers,
    current_user_for,
    move_along,
    post_form,
    raise_idea,
    sign_in_as,
)

STAFF, MANAGER = DEMO_EMAILS["staff"], DEMO_EMAILS["manager"]
LONG_PROPOSAL = (
    "Book exhibits in at the front counter, with a locked store and a second signature. " * 40
    + "https://example.org/"
    + "x" * 300
)


def rows(page: str) -> list[str]:
    """The table rows of the audit entries (without the header row)."""
    body = page.split('<tbody class="govuk-table__body">', 1)[1].split("</tbody>", 1)[0]
    return re.findall(r'<tr class="govuk-table__row">(.*?)</tr>', body, re.S)


def text(fragment: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def test_records_are_named_in_words_and_linked_to_their_pages(demo: Any, client: Any, database: Any) -> None:
    idea = database(lambda maker: raise_idea(maker, STAFF, "Book exhibits in at the front counter"))
    database(lambda maker: move_along(maker, MANAGER, idea.id, *IMPLEMENTED_PATH))
    people = People(client)
    for role in ("manager", "staff", "force_hq"):
        sign_in_as(people(role), role)
    manager = people("manager")
    claim = manager.post(
        f"/api/v1/ideas/{idea.id}/savings",
        json={
            "kind": "cashable",
            "status": "claimed",
            "mechanism": "Overtime for exhibit runs",
            "cost_line": "Overtime",
            "amount_gbp_per_year": "12000.00",
            "period_start": "2026-04-01",
            "evidence": "Overtime claims for exhibit runs stopped.",
        },
        headers=api_headers(manager),
    )
    assert claim.status_code == 201, claim.text
    metric = manager.post(
        "/api/v1/metrics",
        json={
            "name": "Pending open incidents",
            "unit": "incidents",
            "kind": "backlog",
            "direction": "down",
            "frequency": "daily",
        },
        headers=api_headers(manager),
    ).json()["id"]
    # One count typed in is audited as that reading; a batch (the API's PUT) as the measure's readings.
    reading = manager.post(
        "/api/v1/backlogs",
        json={"date": "2026-03-02", "counts": [{"metric_id": metric, "value": 40}]},
        headers=api_headers(manager),
    )
    assert reading.status_code == 200, reading.text
    batch = manager.put(
        f"/api/v1/metrics/{metric}/readings", json=[{"date": "2026-03-03", "value": 41}], headers=api_headers(manager)
    )
    assert batch.status_code == 200, batch.text
    edited = post_form(
        people("force_hq"),
        "/forces/LAN/divisions/NORTH/edit",
        {"name": "Northern (Lancaster and Morecambe)", "officers_fte": "250.00", "staff_fte": "90.50"},
        follow_redirects=False,
    )
    assert edited.status_code == 303, edited.text

    hq = people("force_hq")
    claims = rows(hq.get("/audit", params={"entity": "savings_claims"}).text)
    assert len(claims) == 1
    assert (
        f'<a class="govuk-link" href="/ideas/{idea.reference}#savings">Savings claim on {idea.reference} '
        "(Overtime for exhibit runs)</a>" in claims[0]
    )
    assert "created" in text(claims[0])

    ideas = rows(hq.get("/audit", params={"entity": "ideas"}).text)
    assert ideas
    assert all(
        f'<a class="govuk-link" href="/ideas/{idea.reference}">Idea {idea.reference}: Book exhibits in at the front '
        "counter</a>" in row
        for row in ideas
    )

    batch_row, reading_row = rows(hq.get("/audit", params={"entity": "readings"}).text)  # newest first
    assert (
        f'<a class="govuk-link" href="/metrics/{metric}">Reading of ‘Pending open incidents’ for 2 March 2026 '
        "(Northern (Lancaster and Morecambe))</a>" in html.unescape(reading_row)
    )
    assert (
        f'<a class="govuk-link" href="/metrics/{metric}">Readings of ‘Pending open incidents’ '
        "(Northern (Lancaster and Morecambe))</a>" in html.unescape(batch_row)
    )
    assert "saved" in text(batch_row)
    [measure_row] = rows(hq.get("/audit", params={"entity": "metrics"}).text)
    assert f'href="/metrics/{metric}"' in measure_row

    division_rows = rows(hq.get("/audit", params={"entity": "divisions"}).text)
    update = next(row for row in division_rows if "changed" in text(row))
    assert '<a class="govuk-link" href="/forces/LAN">Division Northern (Lancaster and Morecambe) (Lancashire ' in update
    assert "What changed: Officers FTE, Staff FTE" in text(update)

    sign_ins = rows(hq.get("/audit", params={"entity": "users", "actor": "staff@"}).text)
    assert sign_ins
    assert "User PC Sam Taylor (frontline staff)" in text(sign_ins[0])
    assert '<a class="govuk-link" href="/users/' in sign_ins[0]
    # The filter names each kind of record in words too.
    options = hq.get("/audit").text
    assert '<option value="savings_claims">Savings claims</option>' in options
    assert '<option value="readings">Readings</option>' in options


def test_a_change_is_shown_whole_before_and_after_and_wraps(demo: Any, client: Any, database: Any) -> None:
    idea = database(lambda maker: raise_idea(maker, STAFF, "Sign exhibits in", proposal="Use a book."))
    people = People(client)
    sign_in_as(people("staff"), "staff")
    changed = post_form(
        people("staff"),
        f"/ideas/{idea.reference}/edit",
        {
            "title": "Sign exhibits in at the front counter",
            "problem": "Officers drive to the main station.",
            "proposal": LONG_PROPOSAL,
        },
        follow_redirects=False,
    )
    assert changed.status_code == 303, changed.text
    sign_in_as(people("force_hq"), "force_hq")
    entries = rows(people("force_hq").get("/audit", params={"entity": "ideas"}).text)
    update = next(row for row in entries if "changed" in text(row))
    words = text(update)
    assert "What changed: Problem, Proposal, Title" in words
    assert "Title Before: Sign exhibits in After: Sign exhibits in at the front counter" in words
    assert f"Proposal Before: Use a book. After: {' '.join(LONG_PROPOSAL.split())}" in words
    # Long values wrap inside the page rather than being cut off or pushing it sideways.
    assert f'<div class="quest-prose"><span class="quest-hint-inline">After:</span> {LONG_PROPOSAL}</div>' in update
    created = next(row for row in entries if "created" in text(row))
    assert "What it was created with" in text(created)
    assert "Use a book." in text(created)


def test_values_are_readable_and_field_names_are_words() -> None:
    assert field_label("officers_fte") == "Officers FTE"
    assert field_label("first_response_days") == "First response days"
    assert readable(None) == "(none)"
    assert readable(True) == "yes"
    assert readable("") == "(empty)"
    assert readable(["waiting", "motion"]) == "waiting\nmotion"
    assert readable({"reason": "bad password", "locked": False}) == "reason: bad password\nlocked: no"
    changes = changes_of({"name": "Old"}, {"name": "New", "code": "N"})
    assert [(change.label, change.before, change.after) for change in changes] == [
        ("Code", None, "N"),
        ("Name", "Old", "New"),
    ]


def test_names_are_found_with_one_query_per_kind_of_record(demo: Any, settings: Any, database: Any) -> None:
    ideas = [database(lambda maker, n=n: raise_idea(maker, STAFF, f"Idea number {n}")) for n in range(5)]

    async def work(session_maker: Any) -> tuple[dict[Any, RecordName], int]:
        viewer = await current_user_for(session_maker, DEMO_EMAILS["force_hq"])
        async with session_maker() as session:
            keys = [("ideas", str(idea.id)) for idea in ideas]
            keys += [("readings", f"{uuid.uuid4()},2026-03-02"), ("readings", str(uuid.uuid4()))]
            keys += [("forces", str(viewer.force_id)), ("no_such_table", "x")]
            statements: list[str] = []
            engine = session.bind.sync_engine

            def listener(*args: Any) -> None:
                if args[2].lstrip().upper().startswith("SELECT"):
                    statements.append(args[2])

            event.listen(engine, "before_cursor_execute", listener)
            try:
                names = await record_names(session, viewer, keys)
            finally:
                event.remove(engine, "before_cursor_execute", listener)
            return names, len(statements)

    names, queries = database(work)
    assert queries == 3  # ideas, readings, forces: not one a row
    assert names[("ideas", str(ideas[0].id))] == RecordName(
        f"Idea {ideas[0].reference}: Idea number 0", f"/ideas/{ideas[0].reference}"
    )
    assert names[("forces", next(key for kind, key in names if kind == "forces"))].href == "/forces/LAN"
    assert not any(kind == "readings" for kind, _ in names)  # measures that do not exist: no name
