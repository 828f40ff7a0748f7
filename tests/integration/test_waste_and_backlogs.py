"""The waste log with its Pareto charts, turning waste into an idea, measures, and the backlog quick entry."""

from __future__ import annotations

import datetime
import xml.etree.ElementTree as ElementTree
from typing import Any

from sqlalchemy import select

from quest.audit.models import AuditEntry
from quest.clock import LONDON
from quest.metrics.models import Reading
from quest.waste.models import WasteObservation
from tests.helpers import DEMO_EMAILS, People, post_form, sign_in_as


def _today() -> datetime.date:
    """The UK date when asked (not when the tests were collected: a run may cross midnight)."""
    return datetime.datetime.now(LONDON).date()


def log_waste(client: Any, **fields: str) -> Any:
    data = {
        "waste_type": "waiting",
        "process": "Custody handover",
        "description": "Waited for the custody sergeant.",
        "minutes_per_occurrence": "40",
        "occurrences_per_week": "25",
        "observed_on": _today().isoformat(),
    } | fields
    return post_form(client, "/waste/new", data, follow_redirects=False)


async def waste_count(session_maker: Any) -> int:
    async with session_maker() as session:
        return len((await session.execute(select(WasteObservation.id))).all())


def test_staff_log_waste_and_see_where_the_hours_go(signed_in: Any) -> None:
    client = signed_in("staff")
    assert log_waste(client).status_code == 303
    log_waste(
        client, waste_type="motion", process="Evidence handling", minutes_per_occurrence="6", occurrences_per_week="60"
    )
    log_waste(
        client, waste_type="waiting", process="Call handling", minutes_per_occurrence="15", occurrences_per_week="20"
    )
    page = client.get("/waste").text
    assert "Thank you: the waste has been logged" in page
    # 40 × 25 × 52 / 60 = 866.67 and 15 × 20 × 52 / 60 = 260 hours of waiting; 6 × 60 × 52 / 60 = 312 of motion.
    assert "1,126.7" in page
    assert "312.0" in page

    svg = page[page.index('<svg class="quest-chart__svg"') : page.index("</svg>") + len("</svg>")]
    chart = ElementTree.fromstring(svg)
    namespace = {"svg": "http://www.w3.org/2000/svg"}
    bars = chart.findall(".//svg:rect", namespace)
    assert len(bars) == 2  # waiting, motion
    heights = [float(bar.get("height", 0)) for bar in bars]
    assert heights[0] > heights[1]
    assert chart.find("svg:title", namespace).text == "Hours lost a year by kind of waste"  # type: ignore[union-attr]
    assert chart.findall(".//svg:polyline", namespace)
    assert 'id="pareto-type-table"' in page
    assert 'id="pareto-process-table"' in page


def test_bad_waste_gets_errors_beside_the_fields_and_writes_nothing(signed_in: Any, database: Any) -> None:
    client = signed_in("staff")
    response = log_waste(
        client,
        minutes_per_occurrence="2000",
        occurrences_per_week="-3",
        observed_on=(_today() + datetime.timedelta(days=1)).isoformat(),
        description="",
    )
    assert response.status_code == 422
    for field, message in (
        ("minutes_per_occurrence", "Minutes lost each time must be 1,440 or fewer"),
        ("occurrences_per_week", "Times a week must be more than 0"),
        ("observed_on", "Date seen must be today or in the past"),
        ("description", "Say what happened"),
    ):
        assert f'href="#{field}">{message}' in response.text
    assert database(waste_count) == 0


def test_waste_can_become_an_idea_in_one_step(signed_in: Any, database: Any) -> None:
    client = signed_in("staff")
    log_waste(
        client, description="Typed the same details twice.", process="Crime recording", waste_type="extra_processing"
    )

    async def waste_id(session_maker: Any) -> str:
        async with session_maker() as session:
            return str((await session.execute(select(WasteObservation.id))).scalar_one())

    found = database(waste_id)
    form = client.get(f"/waste/{found}/idea")
    assert "Typed the same details twice." in form.text  # carried across as the problem
    assert 'value="Crime recording"' in form.text
    assert 'value="extra_processing" checked' in form.text
    submitted = post_form(
        client,
        "/ideas/new",
        {
            "title": "Enter victim details once",
            "problem": "Typed the same details twice.",
            "proposal": "Link the forms.",
            "process": "Crime recording",
            "waste_types": "extra_processing",
            "from_waste": found,
        },
        follow_redirects=False,
    )
    assert submitted.status_code == 303
    assert "Idea raised" in client.get("/waste").text


def test_managers_set_up_measures_and_staff_cannot(app: Any, demo: Any) -> None:
    from litestar.testing import TestClient

    with TestClient(app) as client:
        person = People(client)
        sign_in_as(person("staff"), "staff")
        assert client.get("/metrics/new").status_code == 403
        sign_in_as(person("manager"), "manager")
        bad = post_form(
            client,
            "/metrics/new",
            {"name": "", "unit": "", "kind": "nonsense", "direction": "down", "frequency": "daily"},
        )
        assert bad.status_code == 422
        assert 'href="#name">Enter a name' in bad.text
        assert 'href="#kind">Choose what it measures' in bad.text
        made = post_form(
            client,
            "/metrics/new",
            {
                "name": "Pending open incidents",
                "unit": "incidents",
                "kind": "backlog",
                "direction": "down",
                "frequency": "daily",
                "target": "40",
            },
            follow_redirects=False,
        )
        assert made.status_code == 303
        again = post_form(
            client,
            "/metrics/new",
            {
                "name": "Pending open incidents",
                "unit": "incidents",
                "kind": "backlog",
                "direction": "down",
                "frequency": "daily",
            },
        )
        assert "Your division already has a measure with this name" in again.text
        assert "Pending open incidents" in client.get("/metrics").text

        # The backlog appears on the staff member's quick entry screen.
        person("staff")
        entry = client.get("/backlogs").text
        assert "Pending open incidents" in entry
        assert "No earlier counts" in entry


def set_up_backlogs(client: Any) -> list[str]:
    ids = []
    for name in ("Pending open incidents", "Crime reports awaiting allocation"):
        made = post_form(
            client,
            "/metrics/new",
            {"name": name, "unit": "items", "kind": "backlog", "direction": "down", "frequency": "daily"},
            follow_redirects=False,
        )
        ids.append(made.headers["location"].rsplit("/", 1)[1])
    return ids


def test_quick_entry_shows_the_date_and_every_count_problem_at_once(app: Any, demo: Any, database: Any) -> None:
    from litestar.testing import TestClient

    with TestClient(app) as client:
        person = People(client)
        sign_in_as(person("manager"), "manager")
        pending, crime = set_up_backlogs(client)
        sign_in_as(person("staff"), "staff")
        refused = post_form(
            client,
            "/backlogs",
            {
                "date": (_today() + datetime.timedelta(days=2)).isoformat(),
                f"value-{pending}": "-4",
                f"value-{crime}": "lots",
            },
        )
        assert refused.status_code == 422
        assert 'href="#date">The date must be today or in the past' in refused.text
        assert f'href="#value-{pending}">A count cannot be negative' in refused.text
        assert f'href="#value-{crime}">Enter a number, like 42' in refused.text
        assert 'value="lots"' in refused.text  # what was typed stays, to correct

    async def count(session_maker: Any) -> int:
        async with session_maker() as session:
            return len((await session.execute(select(Reading.metric_id))).all())

    assert database(count) == 0


def test_quick_entry_of_older_counts_is_for_managers(app: Any, demo: Any, database: Any) -> None:
    from litestar.testing import TestClient

    older = (_today() - datetime.timedelta(days=2)).isoformat()
    yesterday = (_today() - datetime.timedelta(days=1)).isoformat()
    with TestClient(app) as client:
        person = People(client)
        sign_in_as(person("manager"), "manager")
        pending, crime = set_up_backlogs(client)
        saved = post_form(client, "/backlogs", {"date": older, f"value-{pending}": "70"})
        assert "Saved 1 count" in saved.text

        sign_in_as(person("staff"), "staff")
        refused = post_form(client, "/backlogs", {"date": older, f"value-{pending}": "5", f"value-{crime}": "lots"})
        assert refused.status_code == 422
        assert 'href="#date">Only a manager can enter or correct readings older than yesterday' in refused.text
        assert f'href="#value-{crime}">Enter a number, like 42' in refused.text
        night_shift = post_form(client, "/backlogs", {"date": yesterday, f"value-{pending}": "64"})
        assert "Saved 1 count" in night_shift.text

    async def values(session_maker: Any) -> list[int]:
        async with session_maker() as session:
            found = await session.execute(select(Reading.value).order_by(Reading.period_date))
            return [int(value) for value in found.scalars()]

    assert database(values) == [70, 64]  # the older count kept the manager's value


def test_quick_entry_saves_all_counts_together_and_replaces_a_date_again(app: Any, demo: Any, database: Any) -> None:
    from litestar.testing import TestClient

    with TestClient(app) as client:
        person = People(client)
        sign_in_as(person("manager"), "manager")
        pending, crime = set_up_backlogs(client)
        sign_in_as(person("staff"), "staff")
        day = _today().isoformat()
        saved = post_form(client, "/backlogs", {"date": day, f"value-{pending}": "91", f"value-{crime}": "30"})
        assert "Saved 2 counts" in saved.text
        assert 'value="91"' in saved.text  # today's value shown back

        refused = post_form(client, "/backlogs", {"date": day, f"value-{pending}": "-4", f"value-{crime}": "12"})
        assert refused.status_code == 422
        assert f'href="#value-{pending}">A count cannot be negative' in refused.text

        future = post_form(
            client, "/backlogs", {"date": (_today() + datetime.timedelta(days=2)).isoformat(), f"value-{pending}": "5"}
        )
        assert 'href="#date">The date must be today or in the past' in future.text

        replaced = post_form(client, "/backlogs", {"date": day, f"value-{pending}": "88", f"value-{crime}": "30"})
        assert "Saved 2 counts" in replaced.text

    async def state(session_maker: Any) -> tuple[list[tuple[str, int]], list[AuditEntry]]:
        async with session_maker() as session:
            readings = [
                (str(metric_id), int(value))
                for metric_id, value in await session.execute(
                    select(Reading.metric_id, Reading.value).order_by(Reading.value)
                )
            ]
            audit = list(
                (
                    await session.execute(
                        select(AuditEntry).where(AuditEntry.entity == "readings", AuditEntry.action == "update")
                    )
                ).scalars()
            )
            return readings, audit

    readings, audit = database(state)
    assert sorted(readings) == sorted([(pending, 88), (crime, 30)])  # the refused 12 never landed
    assert len(audit) == 1
    assert audit[0].before is not None
    assert audit[0].before["value"] == "91.0000"
    assert audit[0].after is not None
    assert audit[0].after["value"] == "88"
    assert audit[0].actor_label == DEMO_EMAILS["staff"]
