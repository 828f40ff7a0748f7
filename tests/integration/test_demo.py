"""``quest demo``: real forces with their divisions, seeded idempotently."""

from __future__ import annotations

import datetime
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
from quest.demo.catalogue import DEMO_FORCES, DEMO_USERS, DIVISIONAL_SHARE_OF_OFFICERS, FORCE_LOGINS
from quest.demo.fortunes import JUST_STARTED, JUST_STARTED_DAYS
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
    assert after_first["forces"] == len(DEMO_FORCES) == 7
    assert after_first["force_profiles"] == 7
    assert after_first["divisions"] == sum(len(divisions) for divisions in DEMO_FORCES.values()) == 44
    assert after_first["similar_forces"] == 7 * 6  # with seven forces, each is compared with the other six
    # The demo users, the named logins of every force and division, and each division's colleagues.
    assert after_first["users"] == len(DEMO_USERS) + len(FORCE_LOGINS) + 44 * STAFF_PER_DIVISION
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
    assert "Seeded the small demo (seed 7): created 7 forces, 7 force profiles, 44 divisions, 61 users" in first.output
    assert "Demo accounts (password for all: quest-demo-password)" in first.output
    assert "hq@lancashire.example" in first.output
    assert "CHE  validator@cheshire.example, hq@cheshire.example, manager.<division>@cheshire.example" in first.output
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


def test_the_history_tells_a_story_in_every_division(demo_history: None, database: Any) -> None:
    from quest.demo.stories import WITHDRAWAL_REASON
    from quest.ideas.models import Idea, IdeaEvent
    from quest.ideas.status import IdeaStatus
    from quest.metrics.models import Metric, Reading
    from quest.waste.models import WasteObservation

    async def work(session_maker: SessionMaker) -> dict[str, Any]:
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
    # Two backlogs a division, and the two balancing measures of Lancashire Northern's two stories.
    assert found["metrics"] == 44 * 2 + 2
    # Two years and today, every day; seven weeks and today in the force that has just started.
    assert found["readings"] == (40 * 2 + 2) * 731 + 4 * 2 * (JUST_STARTED_DAYS + 1)
    assert found["waste"] >= 44 * 3
    assert found["divisions_with_ideas"] == 44
    assert {"submitted", "under_review", "implemented", "declined", "withdrawn"} <= found["statuses"]
    # The demo staff member withdrew one idea, with a reason: its own outcome, neither response nor decision.
    assert found["withdrawn"] == [("staff@lancashire.example", None, None, "withdrawn", WITHDRAWAL_REASON)]


def test_the_demo_ledger_has_work_for_the_validator_and_only_the_deliberate_double_counts(
    demo_history: None, database: Any
) -> None:
    from quest.demo import double_count
    from quest.savings.ledger import _claims
    from quest.savings.rules import ClaimKind, ClaimStatus, double_counts

    async def work(session_maker: SessionMaker) -> tuple[dict[str, set[ClaimStatus]], set[ClaimKind], list[Any]]:
        async with session_maker() as session:
            claims = await _claims(session, true())
            forces = dict((await session.execute(select(Division.id, Force.code).join(Force))).all())
            by_force: dict[str, set[ClaimStatus]] = {}
            for claim in claims:
                by_force.setdefault(forces[claim.division_id], set()).add(claim.status)
            groups = double_counts([claim.facts() for claim in claims])
            place = {str(claim.id): (forces[claim.division_id], claim.mechanism) for claim in claims}
            flagged = [sorted({place[fact.id] for fact in group}) for group in groups]
            return by_force, {claim.kind for claim in claims}, sorted(flagged)

    statuses, kinds, flagged = database(work)
    # Superseded: the forecasts made at approval, claimed since by the claims that superseded them.
    assert statuses["LAN"] == {
        ClaimStatus.VALIDATED,
        ClaimStatus.CLAIMED,
        ClaimStatus.FORECAST,
        ClaimStatus.SUPERSEDED,
    }
    # Sussex claims a lot and validates little: its validator rejects some.
    assert ClaimStatus.REJECTED in statuses["SUS"]
    # The force that has just started has only forecasts: nothing implemented yet.
    assert statuses[JUST_STARTED] <= {ClaimStatus.FORECAST}
    assert kinds == {ClaimKind.CASHABLE, ClaimKind.NON_CASHABLE}
    # Only the two deliberate double counts, one in Lancashire and one in Cheshire, each of two claims.
    assert flagged == [[("CHE", double_count.MECHANISM)], [("LAN", double_count.MECHANISM)]]


def test_every_force_has_a_validator_headquarters_and_a_manager_in_every_division(
    demo_history: None, database: Any
) -> None:
    async def work(session_maker: SessionMaker) -> tuple[set[str], set[str], list[tuple[str, str, str]]]:
        async with session_maker() as session:
            roles = await session.execute(
                select(Force.code, User.role).join(User, User.force_id == Force.id).where(User.division_id.is_(None))
            )
            with_validator = {code for code, role in roles if role.value == "validator"}
            with_hq = set(
                (
                    await session.execute(
                        select(Force.code).join(User, User.force_id == Force.id).where(User.role == "force_hq")
                    )
                ).scalars()
            )
            managers = await session.execute(
                select(Force.code, Division.code, User.email)
                .join(Force, Force.id == Division.force_id)
                .join(User, (User.division_id == Division.id) & (User.role == "manager"))
                .order_by(Force.code, Division.code)
            )
            return with_validator, with_hq, [tuple(row) for row in managers]

    with_validator, with_hq, managers = database(work)
    assert with_validator == with_hq == set(DEMO_FORCES)
    divisions = {(force, division.code) for force, divisions in DEMO_FORCES.items() for division in divisions}
    assert {(force, division) for force, division, _email in managers} == divisions
    assert ("CHE", "WARR", "manager.warr@cheshire.example") in managers
    assert ("LAN", "NORTH", "manager@lancashire.example") in managers


def test_every_named_login_signs_in_with_the_demo_password(demo_history: Any, client: Any) -> None:
    from tests.helpers import sign_in

    # One each of the kinds of login the README lists, in forces other than Lancashire; they share a hash,
    # so the rest sign in as these do (checked through the database below).
    for email in ("validator@cheshire.example", "hq@dyfed-powys.example", "manager.warr@cheshire.example"):
        response = sign_in(client, email)
        assert response.status_code == 303, (email, response.text)
        assert client.get("/account").status_code == 200


def test_named_logins_share_the_demo_password_and_colleagues_cannot_sign_in(demo_history: None, database: Any) -> None:
    async def work(session_maker: SessionMaker) -> dict[str, str | None]:
        async with session_maker() as session:
            return dict((await session.execute(select(User.email, User.password_hash))).all())

    hashes = database(work)
    demo_hash = hashes["staff@lancashire.example"]
    assert demo_hash
    assert {hashes[login.email] for login in FORCE_LOGINS} == {demo_hash}
    named = {user.email for user in DEMO_USERS + FORCE_LOGINS}
    assert {hash for email, hash in hashes.items() if email not in named} == {None}


def test_forces_validate_their_own_claims_and_the_newest_has_only_just_started(
    demo_history: None, database: Any
) -> None:
    import datetime

    from sqlalchemy.orm import aliased

    from quest.clock import LONDON
    from quest.ideas.models import Idea
    from quest.metrics.models import Reading
    from quest.savings.models import DoubleCountMember, SavingsClaim
    from quest.savings.rules import ClaimStatus

    today = datetime.datetime.now(LONDON).date()  # the demo's history ends on it

    async def work(session_maker: SessionMaker) -> dict[str, Any]:
        async with session_maker() as session:
            decider = aliased(User)
            validated = (
                await session.execute(
                    select(Force.code, SavingsClaim.force_id, SavingsClaim.claimed_by, decider.id, decider.role)
                    .add_columns(decider.force_id)
                    .select_from(SavingsClaim)
                    .join(Force, Force.id == SavingsClaim.force_id)
                    .join(decider, decider.id == SavingsClaim.decided_by)
                    .where(SavingsClaim.status == ClaimStatus.VALIDATED)
                )
            ).all()
            started = (await session.execute(select(Force.id).where(Force.code == JUST_STARTED))).scalar_one()
            first_idea = (
                await session.execute(select(func.min(Idea.created_at)).where(Idea.force_id == started))
            ).scalar_one()
            first_reading = (
                await session.execute(select(func.min(Reading.period_date)).where(Reading.force_id == started))
            ).scalar_one()
            first_idea_elsewhere = (
                await session.execute(select(func.min(Idea.created_at)).where(Idea.force_id != started))
            ).scalar_one()
            newcomers_validated = (
                await session.execute(
                    select(func.count())
                    .select_from(SavingsClaim)
                    .where(SavingsClaim.force_id == started, SavingsClaim.status == ClaimStatus.VALIDATED)
                )
            ).scalar_one()
            flagged_in = set(
                (
                    await session.execute(
                        select(Force.code).join(DoubleCountMember, DoubleCountMember.force_id == Force.id)
                    )
                ).scalars()
            )
            return {
                "validated": [tuple(row) for row in validated],
                "first_idea": first_idea,
                "first_reading": first_reading,
                "first_idea_elsewhere": first_idea_elsewhere,
                "newcomers_validated": newcomers_validated,
                "flagged_in": flagged_in,
            }

    found = database(work)
    # Every validated claim was validated by a validator of its own force, never by the one who claimed it.
    assert all(
        role.value == "validator" and validator_force == force and validator != claimant
        for _code, force, claimant, validator, role, validator_force in found["validated"]
    )
    assert len({code for code, *_rest in found["validated"]}) >= 4
    # The newest force: its first idea and first count within the last 8 weeks, and nothing validated yet.
    eight_weeks_ago = today - datetime.timedelta(weeks=8)
    assert found["first_idea"].astimezone(LONDON).date() >= eight_weeks_ago
    assert found["first_reading"] >= eight_weeks_ago
    assert found["newcomers_validated"] == 0
    # The established forces have used QUEST for more than a year.
    assert found["first_idea_elsewhere"].astimezone(LONDON).date() < today - datetime.timedelta(days=365)
    # Possible double counts wait for validators in two forces, one of them not Lancashire.
    assert found["flagged_in"] == {"LAN", "CHE"}


def test_the_demo_tells_the_lancashire_story_end_to_end(demo_history: None, database: Any) -> None:
    from quest.dashboards.division import division_dashboard
    from quest.demo import lancashire, not_shown
    from quest.ideas.impact import idea_impact
    from quest.ideas.models import Idea
    from quest.metrics.spc import PointType
    from quest.metrics.sustainment import Sustained
    from quest.savings.claim_evidence import evidence_of
    from quest.savings.evidence import EvidenceGrade
    from quest.savings.ledger import ledger_for_idea
    from quest.savings.rules import ClaimStatus, financial_year
    from tests.helpers import current_user_for

    async def work(session_maker: SessionMaker) -> Any:
        staff = await current_user_for(session_maker, "staff@lancashire.example")
        manager = await current_user_for(session_maker, "manager@lancashire.example")
        today = datetime.datetime.now(datetime.UTC).date()
        found = {}
        async with session_maker() as session:
            for title in (lancashire.TITLE, not_shown.TITLE):
                idea = (await session.execute(select(Idea).where(Idea.title == title))).scalar_one()
                linked = await idea_impact(session, staff, idea.id, today=today)
                ledger = await ledger_for_idea(session, manager, idea.id)
                found[title] = idea, linked, ledger, await evidence_of(session, ledger.claims)
            division = await division_dashboard(
                session, manager, idea.division_id, financial_year(today), datetime.datetime.now(datetime.UTC)
            )
        return found, division

    found, division = database(work)
    # The division's dashboard counts the improvement that held, and says how much released time went nowhere.
    assert division.improvements.sustained >= 1
    assert division.not_redeployed is not None

    idea, [measure, balancing], ledger, evidence = found[lancashire.TITLE]
    assert measure.metric.name == "Pending open incidents"
    assert measure.impact.points_before >= 345  # nearly a year of daily counts before the change
    assert float(measure.impact.change_pct) == pytest.approx(-91, abs=1)
    assert measure.impact.special_cause is PointType.SPECIAL_CAUSE_IMPROVEMENT
    assert measure.wording == "fell by 91% (an improvement)"
    # Sustained at 12 months; the balancing measure held.
    assert measure.sustainment is not None
    assert [(check.months, check.state) for check in measure.sustainment.checks] == [
        (3, Sustained.SUSTAINED),
        (6, Sustained.SUSTAINED),
        (12, Sustained.SUSTAINED),
    ]
    assert (balancing.metric.name, balancing.impact.worsened) == (lancashire.BALANCING, False)
    [claim] = ledger.claims
    assert (claim.status, claim.amount_per_year, claim.metric_id) == (
        ClaimStatus.VALIDATED,
        decimal.Decimal("419865.00"),
        measure.metric.id,
    )
    assert measure.claims == [claim]
    assert idea.implemented_on == measure.change_date
    # The evidence: a baseline entered day by day, the improvement, nothing worse, the costs; fairly stated.
    facts = evidence[claim.id].facts
    assert facts.baseline is not None
    assert (facts.baseline.back_filled, facts.improvement, facts.worsened_balancing, facts.costs_recorded) == (
        0,
        True,
        (),
        True,
    )
    assert claim.evidence_grade is claim.proposed_grade is EvidenceGrade.FAIRLY_STATED
    assert claim.redeployed_to.startswith("Neighbourhood patrols")
    # Costs netted off a full year's worth: the call-back line, £2,400 a year.
    assert ledger.totals.gross_gbp == decimal.Decimal("419865.00")

    # The opposite: a claim on no measure, beside a balancing measure that worsened, not shown.
    _idea, [complaints], unshown, unshown_evidence = found[not_shown.TITLE]
    assert complaints.impact.worsened is True
    [overtime] = unshown.claims
    assert unshown_evidence[overtime.id].facts.baseline is None
    assert overtime.evidence_grade is overtime.proposed_grade is EvidenceGrade.NOT_SHOWN
    assert unshown.totals.gross_gbp == 0
    assert unshown.totals.by_grade["not_shown"].total_gbp == not_shown.OVERTIME


def test_every_login_the_readme_names_is_a_demo_login() -> None:
    import re

    from quest.paths import DATA_DIR

    readme = (DATA_DIR.parent.parent / "README.md").read_text(encoding="utf-8")
    named = set(re.findall(r"`([a-z.]+@[a-z-]+\.example)`", readme))
    logins = {user.email for user in DEMO_USERS + FORCE_LOGINS}
    assert {
        "manager.warr@cheshire.example",
        "validator@lancashire.example",
        "manager.carm@dyfed-powys.example",
    } <= named
    assert named <= logins


def test_the_demo_forecast_most_savings_first_and_the_forecasts_page_compares_them(
    demo_history: Any, client: Any
) -> None:
    """Forecast against actual has something to show: in every force that claims, most implemented ideas'
    savings were forecast at approval and then claimed by a claim superseding the forecast."""
    from tests.helpers import sign_in

    assert sign_in(client, "validator@lancashire.example").status_code == 303
    year = datetime.date.today().year - (1 if datetime.date.today().month < 4 else 0)
    compared = [
        client.get(f"/api/v1/savings/forecasts?fy={fy}", headers={"Accept": "application/json"}).json()
        for fy in (year, year - 1)
    ]
    ideas = [idea for report in compared for idea in report["ideas"]]
    assert len(ideas) >= 3, compared
    # Some forecasts were hopeful and some cautious: the variances go both ways.
    assert {idea["variance_pct"] > 0 for idea in ideas if idea["variance_pct"]} == {True, False}
    assert any(report["all"]["accuracy"] for report in compared)
    page = client.get(f"/savings/forecasts?fy={year}")
    assert page.status_code == 200
    assert compared[0]["ideas"][0]["ref"] in page.text


def test_the_demo_grades_its_validated_savings_as_quest_proposes_or_says_why_not(
    demo_history: None, database: Any
) -> None:
    """Every validated claim of the demo is graded, each with the grade QUEST proposes from its facts as it
    stands, and a reason wherever the validator differed; every force that validates has savings in its
    headline (fairly stated, with or without measurement issues), so the comparisons have figures."""
    from quest.savings.claim_evidence import evidence_of
    from quest.savings.evidence import HEADLINE_GRADES
    from quest.savings.ledger import _claims
    from quest.savings.rules import ClaimStatus

    async def work(session_maker: SessionMaker) -> tuple[list[Any], dict[Any, Any], dict[Any, str]]:
        async with session_maker() as session:
            claims = [claim for claim in await _claims(session, true()) if claim.status is ClaimStatus.VALIDATED]
            evidence = await evidence_of(session, claims)
            forces = dict((await session.execute(select(Division.id, Force.code).join(Force))).all())
            return claims, evidence, forces

    claims, evidence, forces = database(work)
    assert claims
    for claim in claims:
        assert claim.evidence_grade is not None, claim.mechanism
        assert claim.proposed_grade == evidence[claim.id].proposal.grade, claim.mechanism
        assert claim.evidence_grade == claim.proposed_grade or claim.grade_reason, claim.mechanism
    headline = {forces[claim.division_id] for claim in claims if claim.evidence_grade in HEADLINE_GRADES}
    assert headline == {forces[claim.division_id] for claim in claims}
    assert len(headline) >= 5
