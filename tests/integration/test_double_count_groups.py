"""A division that claims one mechanism again and again (issue 12, item 4): 300 claims over overlapping
periods all pair with each other, 44,850 pairs. The validator's pages show them as one group, answer
200, and grow with the claims, never with their pairs: the page of double counts lists the group once,
its first claims and how many more; a claim on the ledger names its first few partners and counts the
rest; the home counts groups. (The soak, bench/soak.py, gives its claims mechanisms of their own, so it
measures a realistic mix; this is where the pathological case is covered.)"""

from __future__ import annotations

import datetime
import decimal
import re
from collections.abc import Iterator
from typing import Any

import pytest
from advanced_alchemy.extensions.litestar.plugins.init.plugin import SQLAlchemyInitPlugin
from litestar import Litestar
from sqlalchemy import select

from bench.statements import Statements
from quest.accounts.models import User
from quest.ideas.models import Idea
from quest.org.models import Division, Force
from quest.savings.double_counts import regroup_all
from quest.savings.ledger import CLAIMS_SHOWN_OF_A_GROUP, GROUPS_PER_PAGE
from tests.helpers import DEMO_EMAILS, a_cash_claim, sign_in_as, user_id
from tests.integration.test_double_count_query import CREATED, IMPLEMENTED_IDEA
from tests.integration.test_query_counts import DOUBLE_COUNTS_PAGE, SAVINGS, VALIDATOR_HOME

ON_ONE_MECHANISM = 300
IDEAS = 30
# What a page may weigh with 300 claims in one group: the pairs named on each of a page's 50 claims
# would be about 3 MB on the ledger alone.
MOST_BYTES = 250_000
# When each kind of claim was made, in minutes after the first: the chain first, then the pair, then the rest.
LATER = {"chained": 0, "pair": 1000, "alone": 2000}


def _after(minutes: int) -> datetime.datetime:
    return CREATED + datetime.timedelta(minutes=minutes)


async def _a_division_claiming_one_mechanism(session_maker: Any) -> dict[str, list[str]]:
    """In the manager's division: 300 claimed savings on one mechanism (cased and spaced differently),
    over periods that overlap one after another in a chain (the first and last do not overlap each
    other), on 30 implemented ideas; then two claims on another mechanism that overlap, and 11 that pair
    with nothing (each its own mechanism)."""
    manager = await user_id(session_maker, DEMO_EMAILS["manager"])
    made: dict[str, list[str]] = {"chained": [], "pair": [], "alone": [], "ideas": []}
    async with session_maker() as session:
        division = (await session.execute(select(User.division_id).where(User.id == manager))).scalar_one()
        force = (await session.execute(select(Division.force_id).where(Division.id == division))).scalar_one()
        ideas = []
        for number in range(IDEAS):
            idea = Idea(
                **IMPLEMENTED_IDEA,
                reference=f"LAN-8{number:05d}",
                title=f"Claimed again {number}",
                force_id=force,
                division_id=division,
                submitter_id=manager,
            )
            session.add(idea)
            ideas.append(idea)
        await session.flush()
        made["ideas"] = [idea.reference for idea in ideas]
        start = datetime.date(2025, 4, 1)

        def claim(group: str, number: int, mechanism: str, begins: datetime.date, days: int) -> None:
            recorded = _after(len(made[group]) + LATER[group])
            claim = a_cash_claim(ideas[number % IDEAS], manager, mechanism, recorded=recorded, begins=begins, days=days)
            claim.amount_per_year = decimal.Decimal(1000 + number)
            session.add(claim)
            made[group].append(str(claim.id))

        for number in range(ON_ONE_MECHANISM):
            mechanism = ("Overtime cut", "overtime  CUT", " Overtime cut ")[number % 3]
            claim("chained", number, mechanism, start + datetime.timedelta(days=number), 30)
        for number in range(2):
            claim("pair", number, "Fewer repeat visits", start, 200)
        for number in range(11):
            claim("alone", number, f"Its own saving {number}", start, 200)
        await regroup_all(session)
        await session.commit()
    return made


@pytest.fixture
def statements(app: Litestar) -> Iterator[Statements]:
    engine = app.plugins.get(SQLAlchemyInitPlugin).config[0].get_engine().sync_engine
    with Statements().listening(engine) as counter:
        yield counter


def _rows(page: str) -> list[str]:
    return re.findall(r'href="/ideas/(LAN-8\d+)#claim-', page)


def test_hundreds_of_claims_on_one_mechanism_are_one_group_on_bounded_pages(
    demo: Any, client: Any, database: Any, statements: Statements
) -> None:
    made = database(_a_division_claiming_one_mechanism)
    sign_in_as(client, "validator")

    response = client.get("/savings/double-counts")
    assert response.status_code == 200
    page = response.text
    assert "2 groups, oldest first." in page
    groups = re.findall(r'<section class="quest-double-count-group" id="group-([0-9a-f-]+)"', page)
    assert groups == [made["chained"][0], made["pair"][0]]  # each group once, oldest first
    assert "300 claims: Overtime cut" in page
    assert "2 claims: Fewer repeat visits" in page
    assert len(_rows(page)) == CLAIMS_SHOWN_OF_A_GROUP + 2
    assert "And 280 more claims of this group" in page
    assert "Its own saving" not in page
    assert len(page) < MOST_BYTES
    assert statements.of(lambda: client.get("/savings/double-counts")) <= DOUBLE_COUNTS_PAGE, statements.listing()

    # The ledger's first page: 50 claims of the group, each naming five others and counting the rest.
    ledger = client.get("/savings?fy=2025&status=claimed")
    assert ledger.status_code == 200
    assert ledger.text.count("Possible double count</strong>") == 50
    assert ledger.text.count("294 more claims</a>") == 50
    assert "2 possible double counts</strong>" in ledger.text  # in the totals: the groups
    assert len(ledger.text) < MOST_BYTES
    assert statements.of(lambda: client.get("/savings?fy=2025&status=claimed")) <= SAVINGS, statements.listing()

    # The validator's home counts groups, and links each to its place.
    home = client.get("/")
    assert home.status_code == 200
    assert "2 possible double counts" in home.text
    assert f'href="/savings/double-counts?page=1#group-{made["chained"][0]}"' in home.text
    assert len(home.text) < MOST_BYTES
    assert statements.of(lambda: client.get("/")) <= VALIDATOR_HOME, statements.listing()

    # An idea of the division: its claims, each in the group.
    idea_page = client.get(f"/ideas/{made['ideas'][0]}")
    assert idea_page.status_code == 200
    # Its ten claims on the mechanism, and one of the other pair.
    assert idea_page.text.count("Possible double count</strong>") == ON_ONE_MECHANISM // IDEAS + 1
    assert len(idea_page.text) < MOST_BYTES


def test_the_groups_are_paged(demo: Any, client: Any, database: Any) -> None:
    """Many small groups: a page holds GROUPS_PER_PAGE of them, GOV.UK pagination links the rest, and a
    page past the end answers 200 with none."""

    async def many_pairs(session_maker: Any) -> None:
        manager = await user_id(session_maker, DEMO_EMAILS["manager"])
        async with session_maker() as session:
            division = (await session.execute(select(User.division_id).where(User.id == manager))).scalar_one()
            force = (await session.execute(select(Division.force_id).where(Division.id == division))).scalar_one()
            idea = Idea(
                **IMPLEMENTED_IDEA,
                reference="LAN-800001",
                title="Paired",
                force_id=force,
                division_id=division,
                submitter_id=manager,
            )
            session.add(idea)
            await session.flush()
            session.add_all(
                a_cash_claim(idea, manager, f"Saving {number // 2}", recorded=_after(number))
                for number in range(2 * (GROUPS_PER_PAGE + 3))
            )
            await regroup_all(session)
            await session.commit()

    database(many_pairs)
    sign_in_as(client, "validator")
    first = client.get("/savings/double-counts").text
    assert f"{GROUPS_PER_PAGE + 3} groups" in first
    assert first.count('class="quest-double-count-group"') == GROUPS_PER_PAGE
    assert 'href="/savings/double-counts?page=2"' in first
    second = client.get("/savings/double-counts?page=2").text
    assert second.count('class="quest-double-count-group"') == 3
    assert "2 claims: Saving 12," in second
    assert "2 claims: Saving 0," not in second
    beyond = client.get("/savings/double-counts?page=9")
    assert beyond.status_code == 200
    assert "None found." in beyond.text
    assert client.get("/savings/double-counts?page=nonsense").status_code == 400


PLACES = {"own division": ("LAN", "NORTH"), "same force": ("LAN", "WEST"), "other force": ("CHE", "EAST")}
# Which places' groups each role sees on /savings/double-counts: the ledger's reach (DESIGN §3).
SEEN = {
    "staff": {"own division"},
    "manager": {"own division"},
    "validator": {"own division", "same force"},
    "force_hq": {"own division", "same force"},
    "national": set(PLACES),
    "admin": set(PLACES),
}


def test_each_role_sees_the_groups_in_its_reach_only(demo: Any, signed_in: Any, database: Any) -> None:
    """A pair of claims on one mechanism in each of three places; each role's page of double counts
    lists the groups of the places it may see, and no other (the mechanism names the place)."""

    async def a_pair_in_each_place(session_maker: Any) -> None:
        manager = await user_id(session_maker, DEMO_EMAILS["manager"])
        async with session_maker() as session:
            for place, (force_code, division_code) in PLACES.items():
                division = (
                    await session.execute(
                        select(Division).join(Force).where(Force.code == force_code, Division.code == division_code)
                    )
                ).scalar_one()
                idea = Idea(
                    **IMPLEMENTED_IDEA,
                    reference=f"{force_code}-9{len(division_code):05d}",
                    title=f"Claimed twice in {place}",
                    force_id=division.force_id,
                    division_id=division.id,
                    submitter_id=manager,
                )
                session.add(idea)
                await session.flush()
                session.add_all(
                    a_cash_claim(idea, manager, f"Twice in {place}", recorded=_after(number)) for number in range(2)
                )
            await regroup_all(session)
            await session.commit()

    empty = signed_in("validator").get("/savings/double-counts").text
    assert "None found." in empty
    assert "0 groups" not in empty  # an empty page says so once
    database(a_pair_in_each_place)
    for role, places in SEEN.items():
        response = signed_in(role).get("/savings/double-counts")
        assert response.status_code == 200, role
        shown = {place for place in PLACES if f"2 claims: Twice in {place}" in response.text}
        assert shown == places, role
        # Each group's table scrolls inside its own labelled region on a phone, not the whole page.
        assert response.text.count('class="quest-table-wrapper" role="region"') == len(places), role
