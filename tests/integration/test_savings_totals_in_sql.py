"""A financial year's savings totals are added up in the database (issue 11): the live claims covering the
whole year are summed in SQL, exactly, and the rest (double-count groups, part years) by the pure rule.
Over random sets of claims, in two divisions, with mechanisms that match and periods that start and end
anywhere around the years asked about, the force's ledger gives exactly the totals of the pure rule
(``quest.savings.rules.totals``) over every claim, on whichever engine the tests run on; a page of
the year's claims, or of one status, gives the same totals as the whole list (the claims it does not
show are the database's to add up)."""

from __future__ import annotations

import datetime
import decimal
from typing import Any

from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from sqlalchemy import delete, select

from quest.ideas.models import Idea
from quest.org.models import DEFAULT_PRODUCTIVE_HOURS, Division, Force
from quest.savings.double_counts import regroup_all
from quest.savings.ledger import ledger_for_force
from quest.savings.models import SavingsClaim
from quest.savings.rules import ClaimFacts, ClaimKind, ClaimStatus, double_counts, share_in_year, totals
from tests.helpers import DEMO_EMAILS, current_user_for, sign_in_as, user_id
from tests.integration.test_double_count_query import AS_STORED, CREATED, IMPLEMENTED_IDEA

D = decimal.Decimal
# Few mechanisms, some alike but for case and spacing, so that claims often pair up into groups.
MECHANISMS = ("Fewer visits", "fewer  visits", "Overtime", "Vehicle hire")
FIRST_START = datetime.date(2024, 10, 1)

claims = st.lists(
    st.tuples(
        st.integers(0, 1),  # the division (and its idea)
        st.sampled_from(MECHANISMS),
        st.sampled_from(list(ClaimKind)),
        st.sampled_from(list(ClaimStatus)),
        st.integers(0, 1300),  # days from FIRST_START to the period's start
        st.none() | st.integers(0, 600),  # days from the start to its end, or open-ended
        st.integers(1, 9_999_999_999),  # pence a year
        st.integers(0, 1_000_000),  # hundredths of an hour a year
    ),
    max_size=14,
)


async def _two_ideas(session_maker: Any) -> list[tuple[Any, Any, Any]]:
    """An implemented idea in each of two of Lancashire's divisions: (force, division, idea) ids."""
    submitter = await user_id(session_maker, DEMO_EMAILS["staff"])
    async with session_maker() as session:
        force = (await session.execute(select(Force.id).where(Force.code == "LAN"))).scalar_one()
        divisions = (
            (await session.execute(select(Division.id).where(Division.force_id == force).order_by(Division.code)))
            .scalars()
            .all()[:2]
        )
        ideas = [
            Idea(
                **IMPLEMENTED_IDEA,
                reference=f"LAN-8{number:05d}",
                title=f"Idea {number}",
                force_id=force,
                division_id=division,
                submitter_id=submitter,
            )
            for number, division in enumerate(divisions)
        ]
        session.add_all(ideas)
        await session.commit()
        return [(force, division, idea.id) for division, idea in zip(divisions, ideas, strict=True)]


async def _record(session_maker: Any, ideas: list[tuple[Any, Any, Any]], drawn: list[tuple[Any, ...]]) -> None:
    """The claims drawn (as ``claims`` draws them), in place of any before, recorded on 1 January 2026."""
    submitter = await user_id(session_maker, DEMO_EMAILS["staff"])
    async with session_maker() as session:
        await session.execute(delete(SavingsClaim))
        for number, (place, mechanism, kind, status, start, length, pence, hundredths) in enumerate(drawn):
            force, division, idea = ideas[place]
            period_start = FIRST_START + datetime.timedelta(days=start)
            session.add(
                SavingsClaim(
                    force_id=force,
                    division_id=division,
                    idea_id=idea,
                    kind=kind,
                    status=status,
                    mechanism=mechanism,
                    hours_per_year=D(hundredths).scaleb(-2) if kind is ClaimKind.NON_CASHABLE else D(0),
                    amount_per_year=D(pence).scaleb(-2),
                    period_start=period_start,
                    period_end=None if length is None else period_start + datetime.timedelta(days=length),
                    evidence="A test",
                    claimed_by=submitter,
                    created_at=CREATED + datetime.timedelta(minutes=number % 5),  # some created alike
                    updated_at=CREATED,
                )
            )
        await regroup_all(session)
        await session.commit()


def _facts(claim: SavingsClaim) -> ClaimFacts:
    return ClaimFacts(
        **{name: getattr(claim, name) for name in AS_STORED},
        **{name: str(getattr(claim, name)) for name in ("id", "division_id", "idea_id")},
    )


def test_the_years_totals_from_the_database_are_the_pure_rules(demo: Any, database: Any) -> None:
    per_page = 3  # pages of a few claims: most are not shown
    ideas = database(_two_ideas)
    seen = {"groups": 0, "part_years": 0, "whole_years": 0}

    async def record_and_total(session_maker: Any, drawn: list[tuple[Any, ...]], year: int) -> tuple[Any, ...]:
        await _record(session_maker, ideas, drawn)
        headquarters = await current_user_for(session_maker, DEMO_EMAILS["force_hq"])
        async with session_maker() as session:
            stored = (await session.execute(select(SavingsClaim))).scalars().all()
            every = await ledger_for_force(session, headquarters, year)
            second_page = await ledger_for_force(session, headquarters, year, page=2, per_page=per_page)
            rejected = await ledger_for_force(
                session, headquarters, year, status=ClaimStatus.REJECTED, page=1, per_page=per_page
            )
        return [_facts(claim) for claim in stored], every, second_page, rejected

    @hypothesis_settings(
        max_examples=40,
        deadline=None,
        derandomize=True,  # the coverage check below must not pass or fail by luck
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(drawn=claims, year=st.sampled_from([2025, 2026, 2027]))  # 2027 to 2028 has 366 days
    def check(drawn: list[tuple[Any, ...]], year: int) -> None:
        facts, every, second_page, rejected = database(lambda maker: record_and_total(maker, drawn, year))
        expected = totals(facts, year, DEFAULT_PRODUCTIVE_HOURS)
        assert every.totals == expected
        assert second_page.totals == expected
        assert rejected.totals == expected
        assert {str(claim.id) for claim in every.claims} == {fact.id for fact in facts}
        # Every claim was recorded in 2025 to 2026: those of the other years are the ones that fall in them.
        of_year = sorted(
            (fact.created_at, fact.id)
            for fact in facts
            if year == 2025 or share_in_year(fact.period_start, fact.period_end, year)
        )
        assert second_page.listed == len(of_year)
        assert [str(claim.id) for claim in second_page.claims] == [
            claim_id for _, claim_id in of_year[per_page : 2 * per_page]
        ]
        assert {claim.status for claim in rejected.claims} <= {ClaimStatus.REJECTED}
        live = [fact for fact in facts if fact.status.live]
        shares = [share_in_year(fact.period_start, fact.period_end, year) for fact in live]
        seen["groups"] += len(double_counts(facts))
        seen["part_years"] += sum(1 for share in shares if 0 < share < 1)
        seen["whole_years"] += sum(1 for share in shares if share == 1)

    check()
    # The runs meant something: claims in double-count groups, and claims covering part and all of a year.
    assert all(count > 10 for count in seen.values()), seen


def _totals_table(page: str) -> str:
    return page.split('class="govuk-table quest-totals"')[1].split("</table>")[0]


def test_the_ledger_page_lists_the_years_claims_fifty_a_page(demo: Any, client: Any, database: Any) -> None:
    ideas = database(_two_ideas)
    from_may = (FIRST_START + datetime.timedelta(days=577)).isoformat()
    assert from_may == "2026-05-01"
    in_year = [
        (n % 2, f"Mechanism {n}", ClaimKind.CASHABLE, ClaimStatus.VALIDATED, 577, None, 100, 0) for n in range(52)
    ]
    # Its period is in 2024 to 2025; it was recorded in 2025 to 2026, like every claim here.
    ended = (0, "Long ago", ClaimKind.CASHABLE, ClaimStatus.VALIDATED, 0, 100, 100, 0)
    database(lambda maker: _record(maker, ideas, [*in_year, ended]))
    sign_in_as(client, "force_hq")

    first = client.get("/savings?fy=2026&status=").text
    assert first.count('class="quest-claim"') == 50
    assert "52 claims, oldest first." in first
    assert "Page 1 of 2" in first
    assert 'href="/savings?fy=2026&amp;status=&amp;page=2"' in first
    assert "Long ago" not in first
    second = client.get("/savings?fy=2026&status=&page=2").text
    assert second.count('class="quest-claim"') == 2
    assert "Page 2 of 2" in second
    assert 'href="/savings?fy=2026&amp;status=&amp;page=1"' in second
    assert _totals_table(first) == _totals_table(second)
    assert "£47.73" in _totals_table(first)  # 52 claims of £1.00 a year, each for 335 of its 365 days

    recorded = client.get("/savings?fy=2025&status=").text
    assert "53 claims, oldest first." in recorded
    assert "Long ago" in recorded + client.get("/savings?fy=2025&status=&page=2").text
    assert "1 claim, oldest first." in client.get("/savings?fy=2024&status=").text
    assert "No claims here." in client.get("/savings?fy=2026&status=rejected").text
