"""The division's dashboard (issue 13 item 1): a small world with known answers, every figure checked on
the page and in the API, worked out by hand from the world.

The app runs on a clock that stands still at noon UTC on 30 November 2026: financial year 2026, and a
participation window from 1 December 2025 to 30 November 2026.

The world, in Lancashire's Northern division (the demo's staff member and manager, a colleague who has
since left, and a colleague who raised nothing):

| idea | raised     | by        | first response | decided  | now         |
| ---- | ---------- | --------- | -------------- | -------- | ----------- |
| A    | 25 Nov 26  | staff     |                |          | submitted   |
| B    | 1 Oct 26   | staff     |                |          | submitted (overdue for both), its title a formula |
| C    | 1 Sep 26   | manager   | +3 days        | +10 days | approved    |
| D    | 1 Aug 26   | leaver    | +20 days       | +40 days | implemented |
| E    | 1 Jun 25   | staff     | (outside the window)      | implemented |
| F    | 20 Nov 26  | staff     | +7 days        | +7 days  | declined    |

and one idea in the Southern division, which counts nowhere here.
"""

from __future__ import annotations

import datetime
import decimal
import html
import io
import re
import uuid
from fractions import Fraction
from typing import Any

import pytest
from litestar import Litestar
from openpyxl import load_workbook
from sqlalchemy import select, update

from quest.accounts.models import User
from quest.clock import FrozenClock
from quest.config import Settings
from quest.dashboards.division import participation_window, per_hundred, share, value_on, year_back
from quest.db import writing
from quest.ideas.models import Idea
from quest.metrics.impact import before_and_after, wording
from quest.metrics.spc import analyse
from quest.metrics.vocabulary import Direction
from quest.org.models import Division, Force
from quest.rollups.rebuild import rebuild
from quest.savings.double_counts import regroup_all
from quest.savings.models import SavingsClaim
from quest.savings.rules import ClaimKind, ClaimStatus, Grade
from tests.conftest import shared_app
from tests.helpers import (
    DEMO_EMAILS,
    IMPLEMENTED_PATH,
    People,
    add_colleague,
    api_headers,
    move_along,
    raise_idea,
    sign_in,
    sign_in_as,
    user_id,
)

STAFF, MANAGER = DEMO_EMAILS["staff"], DEMO_EMAILS["manager"]
LEAVER, QUIET = "leaver@lancashire.example", "quiet@lancashire.example"
SOUTHERN_MANAGER = "south.manager@lancashire.example"
NOW = datetime.datetime(2026, 11, 30, 12, 0, tzinfo=datetime.UTC)
TODAY = datetime.date(2026, 11, 30)
DAY = datetime.timedelta(days=1)
FORMULA_TITLE = '=HYPERLINK("http://evil.example","Click")'
JSON = {"Accept": "application/json"}


@pytest.fixture
def app(settings: Settings) -> Litestar:
    return shared_app(settings, clock=FrozenClock(NOW))


def at(day: datetime.date, hour: int = 9) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=datetime.UTC)


async def _place(maker: Any, division_code: str) -> tuple[uuid.UUID, uuid.UUID]:
    async with maker() as session:
        row = (
            await session.execute(
                select(Division.id, Division.force_id)
                .join(Force)
                .where(Force.code == "LAN", Division.code == division_code)
            )
        ).one()
        return row[0], row[1]


async def _timed(maker: Any, idea_id: uuid.UUID, raised: datetime.datetime, **moments: Any) -> None:
    """Put an idea's clock where the world wants it (the moves themselves went through the service)."""
    async with maker() as session:
        await session.execute(update(Idea).where(Idea.id == idea_id).values(created_at=raised, **moments))
        await session.commit()


def _claim(idea: Any, division: tuple[uuid.UUID, uuid.UUID], claimant: uuid.UUID, **facts: Any) -> SavingsClaim:
    values: dict[str, Any] = {
        "id": uuid.uuid4(),
        "division_id": division[0],
        "force_id": division[1],
        "idea_id": idea.id,
        "kind": ClaimKind.CASHABLE,
        "status": ClaimStatus.CLAIMED,
        "cost_line": "Overtime",
        "period_end": None,
        "evidence": "The budget line",
        "claimed_by": claimant,
        "created_at": at(datetime.date(2026, 5, 1)),
        "updated_at": at(datetime.date(2026, 5, 1)),
    }
    values.update(facts)
    return SavingsClaim(**values)


def build_world(database: Any, client: Any) -> dict[str, Any]:
    """The world of the module's docstring; returns its ideas and measures by name."""

    async def people(maker: Any) -> None:
        await add_colleague(maker, LEAVER, "LAN", "NORTH")
        await add_colleague(maker, QUIET, "LAN", "NORTH")
        await add_colleague(maker, SOUTHERN_MANAGER, "LAN", "SOUTH", "manager", signs_in=True)

    database(people)
    ideas = {
        "A": database(lambda maker: raise_idea(maker, STAFF, "Ask for the log number first", now=NOW)),
        "B": database(lambda maker: raise_idea(maker, STAFF, FORMULA_TITLE, now=NOW)),
        "C": database(lambda maker: raise_idea(maker, MANAGER, "One radio channel for night turn", now=NOW)),
        "D": database(lambda maker: raise_idea(maker, LEAVER, "Close incidents at the scene", now=NOW)),
        "E": database(lambda maker: raise_idea(maker, STAFF, "Shared custody diary", now=NOW)),
        "F": database(lambda maker: raise_idea(maker, STAFF, "Paint the yard", now=NOW)),
    }
    southern = database(lambda maker: raise_idea(maker, SOUTHERN_MANAGER, "Southern idea", now=NOW))
    database(lambda maker: move_along(maker, MANAGER, ideas["C"].id, "under_review", "approved", now=NOW))
    database(lambda maker: move_along(maker, MANAGER, ideas["D"].id, *IMPLEMENTED_PATH, now=NOW))
    database(lambda maker: move_along(maker, MANAGER, ideas["E"].id, *IMPLEMENTED_PATH, now=NOW))
    database(lambda maker: move_along(maker, MANAGER, ideas["F"].id, "declined", now=NOW))
    database(lambda maker: move_along(maker, SOUTHERN_MANAGER, southern.id, "declined", now=NOW))

    async def clocks(maker: Any) -> None:
        raised = {
            "A": at(datetime.date(2026, 11, 25)),
            "B": at(datetime.date(2026, 10, 1)),
            "C": at(datetime.date(2026, 9, 1)),
            "D": at(datetime.date(2026, 8, 1)),
            "E": at(datetime.date(2025, 6, 1)),
            "F": at(datetime.date(2026, 11, 20)),
        }
        for name in ("A", "B"):
            await _timed(maker, ideas[name].id, raised[name], first_response_at=None, decided_at=None)
        await _timed(
            maker,
            ideas["C"].id,
            raised["C"],
            first_response_at=raised["C"] + 3 * DAY,
            decided_at=raised["C"] + 10 * DAY,
        )
        await _timed(
            maker,
            ideas["D"].id,
            raised["D"],
            first_response_at=raised["D"] + 20 * DAY,
            decided_at=raised["D"] + 40 * DAY,
            implemented_on=datetime.date(2026, 9, 15),
        )
        await _timed(
            maker,
            ideas["E"].id,
            raised["E"],
            first_response_at=raised["E"] + DAY,
            decided_at=raised["E"] + 2 * DAY,
            implemented_on=datetime.date(2025, 7, 1),
        )
        await _timed(
            maker, ideas["F"].id, raised["F"], first_response_at=raised["F"] + 7 * DAY, decided_at=raised["F"] + 7 * DAY
        )
        await _timed(
            maker,
            southern.id,
            at(datetime.date(2026, 11, 26)),
            first_response_at=at(datetime.date(2026, 11, 27)),
            decided_at=at(datetime.date(2026, 11, 27)),
        )
        async with maker() as session:
            await session.execute(update(User).where(User.email == LEAVER).values(is_active=False))
            await session.commit()
        # The clocks were put by hand, around the rollups' writers: count them again from the records (as the
        # national dataset does after its bulk load), so the answers' kept days are the world's.
        with writing():
            async with maker() as session:
                await rebuild(session)
                await session.commit()

    database(clocks)

    async def savings(maker: Any) -> None:
        northern = await _place(maker, "NORTH")
        manager = await user_id(maker, MANAGER)
        validator = await user_id(maker, DEMO_EMAILS["validator"])
        validated = {"status": ClaimStatus.VALIDATED, "decided_by": validator}
        async with maker() as session:
            session.add_all(
                [
                    # £1,000 a year of overtime, validated on 26 November (this week).
                    _claim(
                        ideas["D"],
                        northern,
                        manager,
                        mechanism="Overtime budget",
                        amount_per_year=decimal.Decimal(1000),
                        period_start=datetime.date(2026, 4, 1),
                        decided_at=at(datetime.date(2026, 11, 26)),
                        **validated,
                    ),
                    # The same saving claimed again against another idea: a double count, counted once.
                    _claim(
                        ideas["E"],
                        northern,
                        manager,
                        mechanism="Overtime budget",
                        amount_per_year=decimal.Decimal(2000),
                        period_start=datetime.date(2026, 4, 1),
                    ),
                    # Claimed, not validated: out of the validated figure.
                    _claim(
                        ideas["D"],
                        northern,
                        manager,
                        mechanism="Printing",
                        amount_per_year=decimal.Decimal(500),
                        period_start=datetime.date(2026, 4, 1),
                    ),
                    # The whole of financial year 2025, ending 31 March 2026: none of it in 2026.
                    _claim(
                        ideas["E"],
                        northern,
                        manager,
                        mechanism="Vehicle hire",
                        amount_per_year=decimal.Decimal(3650),
                        period_start=datetime.date(2025, 4, 1),
                        period_end=datetime.date(2026, 3, 31),
                    ),
                    # 1,650 hours a year of constables' time, validated in the summer: one FTE.
                    _claim(
                        ideas["D"],
                        northern,
                        manager,
                        mechanism="Pending open incidents",
                        kind=ClaimKind.NON_CASHABLE,
                        hours_per_year=decimal.Decimal(1650),
                        grade=Grade.CONSTABLE_SERGEANT,
                        hourly_rate=decimal.Decimal("36.51"),
                        amount_per_year=decimal.Decimal("60241.50"),
                        redeployed_to="Neighbourhood patrol",
                        period_start=datetime.date(2026, 4, 1),
                        decided_at=at(datetime.date(2026, 7, 1)),
                        **validated,
                    ),
                ]
            )
            await regroup_all(session)
            await session.commit()

    database(savings)

    # Measures and waste, through the API, as the manager.
    sign_in_as(client, "manager")
    northern_id = str(database(lambda maker: _place(maker, "NORTH"))[0])
    headers = api_headers(client)
    backlog = client.post(
        "/api/v1/metrics",
        json={
            "division_id": northern_id,
            "name": "Pending open incidents",
            "unit": "incidents",
            "kind": "backlog",
            "direction": "down",
            "frequency": "daily",
            "target": 20,
        },
        headers=headers,
    )
    assert backlog.status_code == 201, backlog.text
    timing = client.post(
        "/api/v1/metrics",
        json={
            "division_id": northern_id,
            "name": "Days to file",
            "unit": "days",
            "kind": "time",
            "direction": "down",
            "frequency": "weekly",
        },
        headers=headers,
    )
    assert timing.status_code == 201, timing.text
    first = datetime.date(2026, 10, 1)
    series = [
        (
            first + index * DAY,
            decimal.Decimal(40 + index % 3 if first + index * DAY < datetime.date(2026, 11, 1) else 24 + index % 2),
        )
        for index in range(61)
    ]
    readings = [{"date": day.isoformat(), "value": float(value)} for day, value in series]
    put = client.put(f"/api/v1/metrics/{backlog.json()['id']}/readings", json=readings, headers=headers)
    assert put.status_code == 200, put.text
    linked = client.post(
        f"/api/v1/ideas/{ideas['D'].id}/metrics",
        json={"metric_id": backlog.json()["id"], "change_date": "2026-11-01"},
        headers=headers,
    )
    assert linked.status_code == 201, linked.text
    for waste_type, minutes, weekly, observed in (
        ("waiting", 30, 10, "2026-05-01"),
        ("motion", 15, 4, "2026-06-01"),
        ("defects", 60, 1, "2026-03-15"),  # financial year 2025
    ):
        made = client.post(
            "/api/v1/waste",
            json={
                "division_id": northern_id,
                "waste_type": waste_type,
                "process": "Custody",
                "description": "Seen",
                "minutes_per_occurrence": minutes,
                "occurrences_per_week": weekly,
                "observed_on": observed,
            },
            headers=headers,
        )
        assert made.status_code == 201, made.text
    return {
        "ideas": ideas,
        "northern": northern_id,
        "southern": str(database(lambda maker: _place(maker, "SOUTH"))[0]),
        "backlog": backlog.json()["id"],
        "timing": timing.json()["id"],
        "series": series,
    }


def text_of(page: str) -> str:
    """The page's words, tags taken out (links without a space, as they read) and spaces folded."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", re.sub(r"</?a\b[^>]*>", "", page))).split())


@pytest.fixture
def world(demo: Any, database: Any, client: Any) -> dict[str, Any]:
    return build_world(database, client)


def test_every_figure_on_the_page_and_in_the_api_is_the_worlds(
    world: dict[str, Any], client: Any, database: Any
) -> None:
    sign_in_as(client, "manager")
    answer = client.get(f"/api/v1/dashboards/divisions/{world['northern']}?fy=2026", headers=JSON)
    assert answer.status_code == 200, answer.text
    figures = answer.json()
    assert figures["fy"] == 2026

    # Savings: the duplicate counted once (the validated one), the unvalidated claim kept out of the
    # validated figure, and the claim that ended on 31 March out of 2026 altogether.
    savings = figures["savings"]
    assert savings["validated"] == {
        "cashable_gbp": "1000.00",
        "non_cashable_gbp": "60241.50",
        "total_gbp": "61241.50",
        "hours": 1650.0,
        "fte": 1.0,
    }
    assert savings["claimed"]["cashable_gbp"] == "500.00"
    assert savings["claimed"]["total_gbp"] == "500.00"
    assert savings["forecast"]["total_gbp"] == "0.00"
    assert savings["flagged_double_counts"] == 1
    # Validated but not graded: out of the headline until a validator grades its evidence; no costs.
    assert savings["by_grade"]["ungraded"]["total_gbp"] == "61241.50"
    assert savings["by_grade"]["fairly_stated"]["total_gbp"] == "0.00"
    assert (savings["gross_gbp"], savings["costs_gbp"], savings["net_gbp"]) == ("0.00", "0.00", "0.00")
    # ... and in 2025 only the claim of that year (from 1 April 2025 to 31 March 2026), whole.
    earlier = client.get(f"/api/v1/dashboards/divisions/{world['northern']}?fy=2025", headers=JSON).json()
    assert earlier["savings"]["claimed"]["cashable_gbp"] == "3650.00"
    assert earlier["savings"]["validated"]["total_gbp"] == "0.00"

    # The pipeline now, the Southern idea nowhere.
    assert figures["pipeline"] == {
        "submitted": 2,
        "under_review": 0,
        "parked": 0,
        "approved": 1,
        "in_progress": 0,
        "implemented": 2,
        "declined": 1,
        "duplicate": 0,
        "withdrawn": 0,
    }
    # Overdue: B alone, for both its answers, 60 days old (1 October 09:00 to 30 November noon).
    overdue = figures["overdue"]
    assert (overdue["first_response"], overdue["decision"], overdue["total"]) == (1, 1, 1)
    assert overdue["ideas"] == [
        {
            "ref": world["ideas"]["B"].reference,
            "title": FORMULA_TITLE,
            "status": "submitted",
            "raised_on": "2026-10-01",
            "age_days": 60,
            "first_response_overdue": True,
            "decision_overdue": True,
        }
    ]

    # Medians of the ideas answered in financial year 2026 (E's answers were in 2025), in whole days: first
    # responses of 3, 20 and 7 days; decisions of 10, 40 and 7 days.
    assert figures["median_days"] == {"first_response": 7.0, "decision": 10.0}

    # Participation: staff are the active staff and manager accounts (staff, manager, the quiet one: the
    # leaver is inactive); of them the staff member and the manager raised ideas in the window.
    async def size(maker: Any) -> decimal.Decimal:
        async with maker() as session:
            division = (
                await session.execute(select(Division).where(Division.id == uuid.UUID(world["northern"])))
            ).scalar_one()
            return division.officers_fte + division.staff_fte

    fte = database(size)
    participation = figures["participation"]
    assert participation["window_start"] == "2025-12-01"
    assert participation["window_end"] == "2026-11-30"
    assert (participation["staff"], participation["submitters_12m"]) == (3, 2)
    assert participation["share"] == pytest.approx(0.6667)
    # Ideas in the window: A, B, C, D and F.
    assert participation["ideas_12m"] == 5
    assert participation["ideas_per_100_staff"] == pytest.approx(
        float((decimal.Decimal(500) / fte).quantize(decimal.Decimal("0.1")))
    )
    # First responses due: B (none yet, past 14 days), C (3 days), D (20) and F (7); A is not due yet.
    assert (participation["responses_due"], participation["responded_in_time"]) == (4, 2)
    assert participation["first_response_within_sla"] == 0.5

    # The measures: the backlog's SPC as the pure rules give it, segmented at D's change.
    series = world["series"]
    spc = analyse(series, direction=Direction.DOWN, target=20, rebase=[datetime.date(2026, 11, 1)])
    backlog = {
        "metric_id": world["backlog"],
        "name": "Pending open incidents",
        "unit": "incidents",
        "kind": "backlog",
        "latest": float(series[-1][1]),
        "latest_on": "2026-11-30",
        "variation": spc.variation.value if spc.variation else None,
        "assurance": spc.assurance.value if spc.assurance else None,
        "target": 20.0,
        "readings": 61,
    }
    assert figures["backlogs"] == [backlog]
    assert [measure["name"] for measure in figures["measures"]] == ["Days to file", "Pending open incidents"]
    assert figures["measures"][0]["latest"] is None
    assert figures["measures"][0]["readings"] == 0

    # Waste in 2026: 30 minutes × 10 a week × 52 ÷ 60 = 260 hours; 15 × 4 × 52 ÷ 60 = 52. March's is 2025's.
    assert figures["waste"] == {"waiting": 260.0, "motion": 52.0}

    # The latest implemented: D (15 September 2026), then E; D's impact on the backlog as the pure rule
    # has it, and its validated savings a year.
    impact = before_and_after(series, datetime.date(2026, 11, 1), Direction.DOWN, [datetime.date(2026, 11, 1)])
    implemented = figures["implemented"]
    assert [idea["ref"] for idea in implemented] == [world["ideas"]["D"].reference, world["ideas"]["E"].reference]
    assert implemented[0]["validated_gbp_per_year"] == "61241.50"
    assert implemented[1]["validated_gbp_per_year"] == "0.00"
    assert implemented[0]["impacts"][0]["wording"] == wording(impact, Direction.DOWN)
    assert implemented[0]["impacts"][0]["improved"] is True
    assert implemented[0]["impacts"][0]["change_pct"] == pytest.approx(float(impact.change_pct or 0))

    # The week: A raised, F decided, the overtime saving validated; the backlog a week ago and now.
    week_ago = value_on(series, datetime.date(2026, 11, 23))
    assert figures["week"] == {
        "since": "2026-11-23",
        "raised": 1,
        "decided": 1,
        "validated": 1,
        "backlog": {"name": "Pending open incidents", "before": float(week_ago or 0), "after": float(series[-1][1])},
    }

    # The page shows the same figures.
    page = client.get(f"/divisions/{world['northern']}/dashboard?fy=2026")
    assert page.status_code == 200
    words = text_of(page.text)
    assert "Since 23 November 2026: 1 idea raised, 1 decided, 1 saving validated, pending open incidents" in words
    assert f"{week_ago:f} → {series[-1][1]:f}" in words
    assert "Headline, net: £0.00 (validated: £61,241.50, 1,650 hours, 1.0 FTE)" in words
    assert "Left out: not graded yet £61,241.50" in words
    assert "Validated £1,000.00 £60,241.50 £61,241.50 1,650 1.0" in words
    assert "Claimed £500.00 £0.00 £500.00 0 0.0" in words
    assert "1 possible double count counted once" in words
    assert "Submitted 2" in words
    assert "Approved 1" in words
    assert "Implemented 2" in words
    assert "Declined 1" in words
    assert "1 idea is overdue" in words
    assert f"{world['ideas']['B'].reference}: {FORMULA_TITLE} Submitted A first response 60 days" in words
    assert "Median days to first response 7.0" in words
    assert "Median days to decision 10.0" in words
    assert "Staff who raised an idea 67% (2 of 3)" in words
    assert "First response within the SLA 50% (2 of 4)" in words
    assert f"Ideas per 100 staff {participation['ideas_per_100_staff']:.1f} (5 ideas," in words
    assert "Waiting 260.0 83.3% 83.3%" in words
    assert "Motion 52.0 16.7% 100.0%" in words
    assert 'data-chart="xmr"' in page.text
    assert 'data-chart="pareto"' in page.text
    assert "SPC summary" in words
    assert "Days to file (days) No readings" in words
    latest = f"{world['ideas']['D'].reference}: Close incidents at the scene 15 September 2026"
    assert f"{latest} Pending open incidents {wording(impact, Direction.DOWN)} £61,241.50" in words


def test_a_past_year_reads_participation_to_its_last_day() -> None:
    assert participation_window(2025, datetime.date(2026, 11, 30)) == (
        datetime.date(2025, 4, 1),
        datetime.date(2026, 3, 31),
    )
    assert participation_window(2026, datetime.date(2026, 11, 30)) == (
        datetime.date(2025, 12, 1),
        datetime.date(2026, 11, 30),
    )
    assert year_back(datetime.date(2028, 2, 29)) == datetime.date(2027, 2, 28)


def test_shares_and_rates_say_nothing_rather_than_zero_when_there_is_no_denominator() -> None:
    assert share(2, 3) == decimal.Decimal("0.6667")
    assert share(0, 3) == decimal.Decimal("0.0000")
    assert share(0, 0) is None
    assert per_hundred(5, decimal.Decimal("315.51")) == decimal.Decimal("1.6")
    assert per_hundred(0, decimal.Decimal(0)) is None
    assert value_on([(datetime.date(2026, 1, 1), decimal.Decimal(3))], datetime.date(2025, 12, 31)) is None
    assert Fraction(2, 3) != share(2, 3)  # rounded to four places, as the API gives it


def test_another_divisions_manager_gets_404_and_staff_see_no_names(
    world: dict[str, Any], client: Any, database: Any
) -> None:
    people = People(client)
    assert sign_in(people("south"), SOUTHERN_MANAGER).status_code == 303
    for address in (f"/divisions/{world['northern']}/dashboard", f"/api/v1/dashboards/divisions/{world['northern']}"):
        assert people("south").get(address, headers=JSON).status_code == 404
    assert people("south").get(f"/divisions/{world['northern']}/dashboard").status_code == 404
    assert people("south").get(f"/divisions/{world['southern']}/dashboard").status_code == 200
    # Validators and force headquarters see their force's divisions; national every division.
    for role in ("validator", "force_hq", "national"):
        sign_in_as(people(role), role)
        assert people(role).get(f"/divisions/{world['northern']}/dashboard").status_code == 200

    sign_in_as(people("staff"), "staff")
    page = people("staff").get(f"/divisions/{world['northern']}/dashboard")
    assert page.status_code == 200
    # Everyone but the viewer (who is named as signed in, in the header).
    body = page.text.split("<main", 1)[1]

    async def everyone(maker: Any) -> list[tuple[str, str]]:
        async with maker() as session:
            return [
                (row.display_name, row.email) for row in await session.execute(select(User.display_name, User.email))
            ]

    for name, email in database(everyone):
        assert html.escape(name) not in body, name
        assert name not in body, name
        assert email not in body, email
    assert people("staff").get(f"/divisions/{world['southern']}/dashboard").status_code == 404


def test_an_empty_division_says_what_to_do_first_with_zeros_only_where_they_are_true(
    demo: Any, client: Any, database: Any
) -> None:
    southern = str(database(lambda maker: _place(maker, "SOUTH"))[0])
    sign_in_as(client, "force_hq")
    page = client.get(f"/divisions/{southern}/dashboard")
    assert page.status_code == 200
    for empty in ("savings-empty", "pipeline-empty", "measures-empty", "waste-empty", "implemented-empty"):
        assert f'id="{empty}"' in page.text, empty
    assert 'data-chart="xmr"' not in page.text
    assert 'data-chart="pareto"' not in page.text
    words = text_of(page.text)
    assert "No staff accounts in this division yet" in words
    assert "No first response due yet" in words
    figures = client.get(f"/api/v1/dashboards/divisions/{southern}", headers=JSON).json()
    assert figures["fy"] == 2026
    assert figures["savings"]["validated"]["total_gbp"] == "0.00"  # nothing saved: a true zero
    assert set(figures["pipeline"].values()) == {0}
    assert figures["median_days"] == {"first_response": None, "decision": None}
    participation = figures["participation"]
    assert (participation["staff"], participation["share"]) == (0, None)
    assert participation["ideas_12m"] == 0
    assert participation["ideas_per_100_staff"] == 0.0
    assert (participation["responses_due"], participation["first_response_within_sla"]) == (0, None)
    assert figures["backlogs"] == []
    assert figures["measures"] == []
    assert figures["waste"] == {}
    assert figures["implemented"] == []
    assert figures["week"]["backlog"] is None


def test_tables_download_as_csv_and_xlsx_with_formulas_escaped(world: dict[str, Any], client: Any) -> None:
    sign_in_as(client, "manager")
    base = f"/divisions/{world['northern']}/dashboard?fy=2026&table=overdue"
    csv = client.get(base + "&format=csv")
    assert csv.status_code == 200
    assert csv.headers["content-type"].startswith("text/csv")
    assert "attachment" in csv.headers["content-disposition"]
    lines = csv.content.decode("utf-8-sig").splitlines()
    assert lines[0] == "Reference,Title,Status,Raised,Age (days),Waiting for"
    assert lines[1].startswith(f"{world['ideas']['B'].reference},\"'=HYPERLINK(")
    workbook = load_workbook(io.BytesIO(client.get(base + "&format=xlsx").content))
    sheet = workbook.active
    assert sheet is not None
    title = sheet.cell(row=2, column=2)
    assert title.value == FORMULA_TITLE
    assert title.data_type == "s"
    savings = client.get(f"/divisions/{world['northern']}/dashboard?fy=2026&table=savings&format=csv")
    assert "Validated,1000.00,60241.50,61241.50,1650.00,1.00" in savings.content.decode("utf-8-sig")
    for table in ("pipeline", "participation", "measures", "waste", "implemented"):
        for file_format in ("csv", "xlsx"):
            got = client.get(f"/divisions/{world['northern']}/dashboard?table={table}&format={file_format}")
            assert got.status_code == 200, (table, file_format)
    assert client.get(f"/divisions/{world['northern']}/dashboard?table=secrets&format=csv").status_code == 400


@pytest.mark.parametrize("year", ["abc", "1800", "20261", "-1", "2099"])
def test_a_bad_financial_year_answers_400_naming_fy(demo: Any, client: Any, database: Any, year: str) -> None:
    northern = str(database(lambda maker: _place(maker, "NORTH"))[0])
    sign_in_as(client, "manager")
    page = client.get(f"/divisions/{northern}/dashboard?fy={year}")
    assert page.status_code == 400
    assert "financial year" in text_of(page.text)
    answer = client.get(f"/api/v1/dashboards/divisions/{northern}?fy={year}", headers=JSON)
    if year == "2099":  # the API takes any year from 2000 to 2100, as its force and national dashboards do
        assert answer.status_code == 200
        return
    assert answer.status_code == 400
    assert "fy" in answer.json()["extra"]["errors"]


def test_the_managers_home_links_to_the_dashboard(demo: Any, client: Any, database: Any) -> None:
    northern = str(database(lambda maker: _place(maker, "NORTH"))[0])
    sign_in_as(client, "manager")
    home = client.get("/").text
    assert f'href="/divisions/{northern}/dashboard"' in home
    assert 'id="waiting"' in home  # what the manager's home listed is still there


# The dashboard's statements: the viewer (with their unread count); the division; its force's settings;
# the year's savings (the rollup's sums, the flagged groups, the costs; the ideas sustained, from the kept
# judgements; the share of released hours not yet redeployed); the pipeline (rollup); the overdue counts and
# the oldest of them; the medians; participation; the measures with their readings' versions, their change
# dates and the readings of those this process has not kept as they are (the world's timing measure has no
# readings, so no version: its readings are asked for every time);
# the year's waste (rollup); the latest implemented ideas, their links and their validated savings; the
# week's ideas and validated savings. Whatever the number of ideas, claims, measures or readings.
DIVISION_DASHBOARD = 22


def test_the_dashboard_asks_a_bounded_number_of_statements(app: Litestar, world: dict[str, Any], client: Any) -> None:
    from advanced_alchemy.extensions.litestar.plugins.init.plugin import SQLAlchemyInitPlugin

    from bench.statements import Statements

    sign_in_as(client, "manager")
    url = f"/divisions/{world['northern']}/dashboard"
    client.get(url)
    engine = app.plugins.get(SQLAlchemyInitPlugin).config[0].get_engine().sync_engine
    with Statements().listening(engine) as statements:
        before = statements.of(lambda: client.get(url))
        assert before <= DIVISION_DASHBOARD, statements.listing()
        # More of everything: another measure with readings, another implemented idea, more waste.
        headers = api_headers(client)
        metric = client.post(
            "/api/v1/metrics",
            json={
                "division_id": world["northern"],
                "name": "Crime reports awaiting allocation",
                "unit": "crime reports",
                "kind": "backlog",
                "direction": "down",
                "frequency": "daily",
            },
            headers=headers,
        ).json()["id"]
        readings = [{"date": (TODAY - index * DAY).isoformat(), "value": 10 + index % 4} for index in range(30)]
        assert client.put(f"/api/v1/metrics/{metric}/readings", json=readings, headers=headers).status_code == 200
        assert statements.of(lambda: client.get(url)) == before, statements.listing()
