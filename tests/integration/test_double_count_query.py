"""The double-count rule is one rule (issue 11): the ledger asks the database for the pairs of claims that
may count one saving twice (``double_count_pairs``, a self-join), and the pure rule
(``quest.savings.rules.may_double_count``) says the same of the same claims. Many claims in three
divisions, with mechanisms that match but for case and spacing, claims resting on measures shared by two
ideas, and every status: the database's pairs, flags and totals are those of the pure rule."""

from __future__ import annotations

import datetime
import decimal
import random
import uuid
from typing import Any

from sqlalchemy import select, true

from quest.ideas.models import Idea
from quest.ideas.status import IdeaStatus
from quest.metrics.models import IdeaMetric, Metric
from quest.metrics.vocabulary import Direction, Frequency, MetricKind
from quest.org.models import DEFAULT_PRODUCTIVE_HOURS, Division, Force
from quest.savings.double_counts import double_count_pairs, regroup_all
from quest.savings.ledger import ledger_for_force, ledger_for_idea
from quest.savings.models import SavingsClaim
from quest.savings.rules import (
    ClaimFacts,
    ClaimKind,
    ClaimStatus,
    clashes,
    mechanism_key,
    pairs_among,
    rests_on,
    totals,
)
from tests.helpers import DEMO_EMAILS, current_user_for, user_id

D = decimal.Decimal
CREATED = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
# Mechanisms alike but for case and spacing match; "Überstunden" matches "überstunden" (a database's own
# lower() folds only ASCII); some mechanisms are the name of a measure.
MECHANISMS = (
    "Fewer visits",
    "fewer  visits",
    " FEWER VISITS ",
    "Überstunden",
    "überstunden",
    "Desk hours",
    "Pending open incidents",
    "pending open INCIDENTS",
    "Vehicle hire",
)
MEASURES = ("Pending open incidents", "Crime allocation backlog", "Überstunden")
# The facts of a claim that the pure rule takes as the claim has them (ids become strings).
AS_STORED = (
    "mechanism",
    "kind",
    "status",
    "period_start",
    "period_end",
    "amount_per_year",
    "hours_per_year",
    "created_at",
)
IMPLEMENTED_IDEA: dict[str, Any] = {
    "problem": "A problem",
    "proposal": "A change",
    "status": IdeaStatus.IMPLEMENTED,
    **dict.fromkeys(("status_changed_at", "created_at", "updated_at"), CREATED),
}
CHANGE_DATES = (datetime.date(2026, 5, 1), datetime.date(2026, 9, 1))


async def _seed(session_maker: Any, seed: int) -> None:
    """Three divisions of Lancashire, four ideas in each, five claims on each idea, and measures of each
    division linked to its ideas on one of two dates (so some ideas share a change to a measure)."""
    chance = random.Random(seed)
    submitter = await user_id(session_maker, DEMO_EMAILS["staff"])
    async with session_maker() as session:
        force = (await session.execute(select(Force).where(Force.code == "LAN"))).scalar_one()
        divisions = (
            (await session.execute(select(Division).where(Division.force_id == force.id).order_by(Division.code)))
            .scalars()
            .all()[:3]
        )
        number = 0
        for division in divisions:
            measures = [
                Metric(
                    force_id=force.id,
                    division_id=division.id,
                    name=name,
                    unit="incidents",
                    kind=MetricKind.BACKLOG,
                    direction=Direction.DOWN,
                    frequency=Frequency.DAILY,
                )
                for name in MEASURES
            ]
            session.add_all(measures)
            for _idea in range(4):
                number += 1
                idea = Idea(
                    **IMPLEMENTED_IDEA,
                    reference=f"LAN-9{number:05d}",
                    title=f"Idea {number}",
                    force_id=force.id,
                    division_id=division.id,
                    submitter_id=submitter,
                )
                session.add(idea)
                await session.flush()
                linked = chance.sample(measures, chance.randint(0, 2))
                session.add_all(
                    IdeaMetric(
                        idea_id=idea.id,
                        metric_id=measure.id,
                        change_date=chance.choice(CHANGE_DATES),
                        linked_by=submitter,
                        force_id=force.id,
                    )
                    for measure in linked
                )
                for index in range(5):
                    start = datetime.date(2025, 1, 1) + datetime.timedelta(days=chance.randint(0, 1200))
                    end = start + datetime.timedelta(days=chance.randint(0, 500)) if chance.random() < 0.5 else None
                    kind = chance.choice(list(ClaimKind))
                    session.add(
                        SavingsClaim(
                            force_id=force.id,
                            division_id=division.id,
                            idea_id=idea.id,
                            kind=kind,
                            status=chance.choice(list(ClaimStatus)),
                            mechanism=chance.choice(MECHANISMS),
                            hours_per_year=D(chance.randint(0, 3000)) if kind is ClaimKind.NON_CASHABLE else D(0),
                            amount_per_year=D(chance.randint(100, 999999)) / 100,
                            period_start=start,
                            period_end=end,
                            evidence="A test",
                            claimed_by=submitter,
                            metric_id=chance.choice(linked).id if linked and chance.random() < 0.7 else None,
                            created_at=CREATED + datetime.timedelta(minutes=number * 10 + index),
                            updated_at=CREATED,
                        )
                    )
        await regroup_all(session)
        await session.commit()


async def _pure_facts(session_maker: Any) -> list[ClaimFacts]:
    """Every claim as the pure rule sees it: the changes to measures it rests on worked out by
    ``rests_on`` from its idea's links, in Python."""
    async with session_maker() as session:
        claims = (await session.execute(select(SavingsClaim).order_by(SavingsClaim.created_at))).scalars().all()
        links = (
            await session.execute(
                select(IdeaMetric.idea_id, IdeaMetric.metric_id, IdeaMetric.change_date, Metric.name).join(
                    Metric, Metric.id == IdeaMetric.metric_id
                )
            )
        ).all()
    return [
        ClaimFacts(
            **{name: getattr(claim, name) for name in AS_STORED},
            **{name: str(getattr(claim, name)) for name in ("id", "division_id", "idea_id")},
            measure_changes=frozenset(
                (str(metric_id), day)
                for idea_id, metric_id, day, name in links
                if idea_id == claim.idea_id and rests_on(claim.metric_id, claim.mechanism, metric_id, name)
            ),
        )
        for claim in claims
    ]


def test_the_database_finds_the_pairs_the_pure_rule_finds(demo: Any, database: Any) -> None:
    database(lambda maker: _seed(maker, 1))
    facts = database(_pure_facts)

    async def asked(session_maker: Any) -> set[tuple[str, str]]:
        async with session_maker() as session:
            rows = await session.execute(double_count_pairs(SavingsClaim.force_id.is_not(None)))
            return {(min(str(a), str(b)), max(str(a), str(b))) for a, b in rows}

    found = database(asked)
    expected = pairs_among(facts)
    assert found == expected
    # The cases are all there: pairs by mechanism alike but for case, space or a non-ASCII letter, and
    # pairs of two ideas through one change to a measure with different mechanisms.
    by_id = {fact.id: fact for fact in facts}
    mechanisms = [(by_id[a].mechanism, by_id[b].mechanism) for a, b in expected]
    assert any(first != second and first.strip().lower() == second.strip().lower() for first, second in mechanisms)
    assert any({first, second} == {"Überstunden", "überstunden"} for first, second in mechanisms)
    assert any(
        by_id[a].idea_id != by_id[b].idea_id and mechanism_key(by_id[a].mechanism) != mechanism_key(by_id[b].mechanism)
        for a, b in expected
    )


def test_the_ledgers_flags_and_totals_are_the_pure_rules(demo: Any, database: Any) -> None:
    database(lambda maker: _seed(maker, 2))
    facts = database(_pure_facts)
    flagged = clashes(facts)
    assert len(flagged) > 10

    async def ledgers(session_maker: Any) -> tuple[Any, dict[uuid.UUID, Any]]:
        headquarters = await current_user_for(session_maker, DEMO_EMAILS["force_hq"])
        async with session_maker() as session:
            by_year = {year: await ledger_for_force(session, headquarters, year) for year in (2025, 2026, 2027)}
            ideas = (await session.execute(select(Idea.id).where(Idea.reference.like("LAN-9%")))).scalars().all()
            return by_year, {idea: await ledger_for_idea(session, headquarters, idea) for idea in ideas}

    by_year, by_idea = database(ledgers)
    for year, ledger in by_year.items():
        assert ledger.totals == totals(facts, year, DEFAULT_PRODUCTIVE_HOURS)
        assert {str(claim.id): [str(other.id) for other in claim.clashes_with] for claim in ledger.claims} == {
            fact.id: flagged.get(fact.id, []) for fact in facts
        }
    for idea_id, ledger in by_idea.items():
        mine = [fact for fact in facts if fact.idea_id == str(idea_id)]
        assert ledger.totals == totals(mine, None, DEFAULT_PRODUCTIVE_HOURS)
        assert [str(claim.id) for claim in ledger.claims] == [fact.id for fact in mine]
        assert {str(claim.id): [str(other.id) for other in claim.clashes_with] for claim in ledger.claims} == {
            fact.id: flagged.get(fact.id, []) for fact in mine
        }


def test_the_demo_flags_only_its_deliberate_double_counts_by_the_whole_rule(demo_history: None, database: Any) -> None:
    """The demo's flagged claims, by the query, are its two deliberate pairs (quest.demo.double_count), one in
    Lancashire and one in Cheshire, each on the one mechanism (test_demo checks them by the pure rule)."""
    from quest.demo import double_count
    from quest.org.models import Division, Force
    from quest.savings.ledger import _claims

    async def work(session_maker: Any) -> list[tuple[str, str, str]]:
        async with session_maker() as session:
            places = dict((await session.execute(select(Division.id, Force.code).join(Force))).all())
            return sorted(
                (places[claim.division_id], claim.mechanism, claim.status.value)
                for claim in await _claims(session, true())
                if claim.flagged
            )

    assert database(work) == [
        ("CHE", double_count.MECHANISM, "claimed"),
        ("CHE", double_count.MECHANISM, "validated"),
        ("LAN", double_count.MECHANISM, "claimed"),
        ("LAN", double_count.MECHANISM, "validated"),
    ]
