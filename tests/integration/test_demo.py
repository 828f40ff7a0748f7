"""``quest demo``: real forces with their divisions, seeded idempotently."""

from __future__ import annotations

import decimal
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select, true
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from quest.accounts.models import User
from quest.audit.models import AuditEntry
from quest.cli import main
from quest.config import Settings
from quest.demo.catalogue import DEMO_FORCES, DEMO_USERS, DIVISIONAL_SHARE_OF_OFFICERS
from quest.demo.history import STAFF_PER_DIVISION
from quest.demo.seed import seed_small
from quest.org.models import Division, Force, ForceProfile, SimilarForce

SessionMaker = async_sessionmaker[AsyncSession]


async def counts(session_maker: SessionMaker) -> dict[str, int]:
    async with session_maker() as session:
        return {
            model.__tablename__: (await session.execute(select(func.count()).select_from(model))).scalar_one()
            for model in (Force, ForceProfile, Division, SimilarForce, User, AuditEntry)
        }


def test_seeding_twice_duplicates_nothing_and_writes_nothing_the_second_time(database: Any) -> None:
    async def work(session_maker: SessionMaker) -> tuple[dict[str, int], dict[str, int], bool]:
        first = await seed_small(session_maker, seed=1)
        after_first = await counts(session_maker)
        second = await seed_small(session_maker, seed=1)
        return after_first, await counts(session_maker), first.changed_anything and not second.changed_anything

    after_first, after_second, reported_correctly = database(work)
    assert after_first == after_second
    assert after_first["forces"] == len(DEMO_FORCES) == 6
    assert after_first["force_profiles"] == 6
    assert after_first["divisions"] == sum(len(divisions) for divisions in DEMO_FORCES.values())
    assert after_first["similar_forces"] == 6 * 5  # with six forces, each is compared with the other five
    assert after_first["users"] == len(DEMO_USERS) + 40 * (STAFF_PER_DIVISION + 1)  # demo users and colleagues
    assert reported_correctly


def test_lancashire_has_a_northern_division_and_its_divisions_share_out_the_officers(database: Any) -> None:
    async def work(session_maker: SessionMaker) -> list[Division]:
        await seed_small(session_maker, seed=1, history=False)
        async with session_maker() as session:
            return list((await session.execute(select(Division).join(Force).where(Force.code == "LAN"))).scalars())

    divisions = database(work)
    assert "Northern (Lancaster and Morecambe)" in {division.name for division in divisions}
    total = sum((division.officers_fte for division in divisions), decimal.Decimal(0))
    assert total == (decimal.Decimal(3561) * decimal.Decimal(DIVISIONAL_SHARE_OF_OFFICERS)).quantize(
        decimal.Decimal("0.01")
    )


def test_the_seed_decides_the_random_parts_and_the_same_seed_gives_the_same_data(database: Any) -> None:
    async def fte_by_seed(session_maker: SessionMaker) -> list[dict[str, decimal.Decimal]]:
        snapshots = []
        for seed in (1, 2, 1):
            await seed_small(session_maker, seed=seed, history=False)
            async with session_maker() as session:
                rows = await session.execute(
                    select(Division.code, Division.officers_fte).join(Force).where(Force.code == "LAN")
                )
                snapshots.append(dict(rows.all()))
        return snapshots

    first, second, again = database(fte_by_seed)
    assert first == again
    assert first != second


def test_the_seeding_is_audited_as_the_demo(database: Any) -> None:
    async def work(session_maker: SessionMaker) -> set[str]:
        await seed_small(session_maker, seed=1, history=False)
        async with session_maker() as session:
            return set((await session.execute(select(AuditEntry.actor_label))).scalars())

    assert database(work) == {"quest demo"}


def test_the_demo_command_migrates_seeds_and_reports(settings: Settings, monkeypatch: Any) -> None:
    monkeypatch.setenv("QUEST_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("QUEST_DATABASE_URL", settings.database_url)
    runner = CliRunner()
    first = runner.invoke(main, ["demo", "--scale", "small", "--seed", "7"])
    assert first.exit_code == 0, first.output
    assert "Seeded the small demo (seed 7): created 6 forces, 6 force profiles, 40 divisions, 6 users" in first.output
    assert "Demo accounts (password for all: quest-demo-password)" in first.output
    assert "hq@lancashire.example" in first.output
    second = runner.invoke(main, ["demo", "--seed", "7"])
    assert second.exit_code == 0
    assert "already seeded: nothing changed" in second.output


def test_an_unknown_scale_or_option_is_a_clear_usage_error() -> None:
    unknown_scale = CliRunner().invoke(main, ["demo", "--scale", "huge"])
    assert unknown_scale.exit_code == 2
    assert "'huge' is not one of 'small', 'national'" in unknown_scale.output
    unknown_option = CliRunner().invoke(main, ["serve", "--turbo"])
    assert unknown_option.exit_code == 2
    assert "No such option '--turbo'" in unknown_option.output


def test_there_is_one_demo_user_per_role_in_lancashire_plus_national_and_admin(database: Any) -> None:
    async def work(session_maker: SessionMaker) -> list[tuple[str, str, str | None, str | None]]:
        await seed_small(session_maker, seed=1, history=False)
        async with session_maker() as session:
            rows = await session.execute(
                select(User.email, User.role, Force.code, Division.code)
                .outerjoin(Force, Force.id == User.force_id)
                .outerjoin(Division, Division.id == User.division_id)
                .order_by(User.email)
            )
            return [(email, role.value, force, division) for email, role, force, division in rows]

    assert database(work) == [
        ("admin@quest.example", "admin", None, None),
        ("hq@lancashire.example", "force_hq", "LAN", None),
        ("manager@lancashire.example", "manager", "LAN", "NORTH"),
        ("national@quest.example", "national", None, None),
        ("staff@lancashire.example", "staff", "LAN", "NORTH"),
        ("validator@lancashire.example", "validator", "LAN", None),
    ]


def test_the_demo_is_refused_in_production(settings: Settings, monkeypatch: Any) -> None:
    monkeypatch.setenv("QUEST_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("QUEST_ENV", "production")
    monkeypatch.setenv("QUEST_SECRET_KEY", "k" * 40)
    monkeypatch.setenv("QUEST_ALLOWED_HOSTS", "quest.example.org")
    result = CliRunner().invoke(main, ["demo"])
    assert result.exit_code == 2
    assert "not seeded when QUEST_ENV=production" in result.output


def test_the_history_tells_a_story_in_every_division(database: Any) -> None:
    from quest.demo.stories import WITHDRAWAL_REASON
    from quest.ideas.models import Idea, IdeaEvent
    from quest.ideas.status import IdeaStatus
    from quest.metrics.models import Metric, Reading
    from quest.waste.models import WasteObservation

    async def work(session_maker: SessionMaker) -> dict[str, Any]:
        await seed_small(session_maker, seed=1)
        async with session_maker() as session:
            count = lambda model: session.execute(select(func.count()).select_from(model))  # noqa: E731
            divisions_with_ideas = (
                await session.execute(select(func.count(func.distinct(Idea.division_id))))
            ).scalar_one()
            statuses = set((await session.execute(select(Idea.status).distinct())).scalars())
            withdrawn = (
                await session.execute(
                    select(User.email, Idea.first_response_at, Idea.decided_at, IdeaEvent.kind, IdeaEvent.body)
                    .join(User, User.id == Idea.submitter_id)
                    .join(IdeaEvent, (IdeaEvent.idea_id == Idea.id) & (IdeaEvent.to_status == "withdrawn"))
                    .where(Idea.status == IdeaStatus.WITHDRAWN)
                )
            ).all()
            return {
                "withdrawn": [tuple(row) for row in withdrawn],
                "metrics": (await count(Metric)).scalar_one(),
                "readings": (await count(Reading)).scalar_one(),
                "waste": (await count(WasteObservation)).scalar_one(),
                "divisions_with_ideas": divisions_with_ideas,
                "statuses": {status.value for status in statuses},
            }

    found = database(work)
    assert found["metrics"] == 40 * 2
    assert found["readings"] == 40 * 2 * 731  # two years and today, every day
    assert found["waste"] >= 40 * 3
    assert found["divisions_with_ideas"] == 40
    assert {"submitted", "under_review", "implemented", "declined", "withdrawn"} <= found["statuses"]
    # The demo staff member withdrew one idea, with a reason: its own outcome, neither response nor decision.
    assert found["withdrawn"] == [("staff@lancashire.example", None, None, "withdrawn", WITHDRAWAL_REASON)]


def test_the_demo_ledger_has_work_for_the_validator_and_no_false_double_counts(database: Any) -> None:
    from quest.savings.ledger import _claims
    from quest.savings.rules import ClaimStatus, double_counts

    async def work(session_maker: SessionMaker) -> tuple[dict[str, set[ClaimStatus]], int]:
        await seed_small(session_maker, seed=1)
        async with session_maker() as session:
            claims = await _claims(session, true())
            lancashire = (await session.execute(select(Force.id).where(Force.code == "LAN"))).scalar_one()
            by_force: dict[str, set[ClaimStatus]] = {"LAN": set(), "elsewhere": set()}
            for claim in claims:
                force = (
                    await session.execute(select(Division.force_id).where(Division.id == claim.division_id))
                ).scalar_one()
                by_force["LAN" if force == lancashire else "elsewhere"].add(claim.status)
            return by_force, len(double_counts([claim.facts() for claim in claims]))

    statuses, flagged = database(work)
    # Lancashire has a validator: validated claims, and claims waiting for them; others have no validator.
    assert statuses["LAN"] == {ClaimStatus.VALIDATED, ClaimStatus.CLAIMED, ClaimStatus.FORECAST}
    assert ClaimStatus.VALIDATED not in statuses["elsewhere"]
    assert flagged == 0


def test_the_demo_tells_the_lancashire_story_end_to_end(database: Any) -> None:
    from quest.demo import lancashire
    from quest.ideas.impact import idea_impact
    from quest.ideas.models import Idea
    from quest.metrics.spc import PointType
    from quest.savings.ledger import ledger_for_idea
    from quest.savings.rules import ClaimStatus
    from tests.helpers import current_user_for

    async def work(session_maker: SessionMaker) -> Any:
        await seed_small(session_maker, seed=1)
        staff = await current_user_for(session_maker, "staff@lancashire.example")
        async with session_maker() as session:
            idea = (await session.execute(select(Idea).where(Idea.title == lancashire.TITLE))).scalar_one()
            return idea, await idea_impact(session, staff, idea.id), await ledger_for_idea(session, staff, idea.id)

    idea, [measure], ledger = database(work)
    assert measure.metric.name == "Pending open incidents"
    assert measure.impact.points_before >= 365  # at least a year of daily counts before the change
    assert float(measure.impact.change_pct) == pytest.approx(-91, abs=1)
    assert measure.impact.special_cause is PointType.SPECIAL_CAUSE_IMPROVEMENT
    assert measure.wording == "fell by 91% (an improvement)"
    [claim] = ledger.claims
    assert (claim.status, claim.amount_per_year, claim.metric_id) == (
        ClaimStatus.VALIDATED,
        decimal.Decimal("419865.00"),
        measure.metric.id,
    )
    assert measure.claims == [claim]
    assert idea.implemented_on == measure.change_date
