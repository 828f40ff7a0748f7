"""`quest demo --scale national`, generated at 1/500 of its size: every invariant the application keeps
holds on it, every main page answers for every role, the same seed gives the same data, and a database
that holds data is refused with nothing written."""

from __future__ import annotations

import datetime
import hashlib
import re
import shutil
import uuid
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from litestar.testing import TestClient
from sqlalchemy import Table, and_, exists, func, select, text
from sqlalchemy.engine import make_url

from quest.app import create_app
from quest.audit.models import AuditEntry
from quest.cli import main
from quest.clock import LONDON, SystemClock
from quest.config import Settings
from quest.db import create_engine, open_database
from quest.demo.catalogue import DEMO_USERS
from quest.demo.national.plan import Plan
from quest.demo.national.rows import COLUMNS
from quest.demo.national.seed import NotEmpty, seed_national
from quest.ideas.models import ForceCounter, Idea, IdeaEvent, IdeaSupport
from quest.ideas.status import IdeaStatus
from quest.metrics.models import Reading
from quest.models import metadata
from quest.savings.claim_workflow import CLAIMABLE
from quest.savings.models import SavingsClaim
from quest.savings.rules import ClaimStatus
from tests.conftest import POSTGRES_URL, run
from tests.helpers import sign_in_as
from tests.rollup_sums import (
    Figures,
    compared,
    double_count_groups_kept_and_computed,
    savings_by_year_kept_and_computed,
)

FRACTION = 1 / 500
NOON = datetime.time(12)
SEED = 3  # not the command's default (1)
PLAN = Plan(fraction=FRACTION, today=datetime.date(2026, 11, 29))
MOVES = ("status_changed", "withdrawn")


async def _generate(settings: Settings, seed: int = SEED) -> None:
    engine = create_engine(settings)
    try:
        await seed_national(engine, seed=seed, plan=PLAN)
    finally:
        await engine.dispose()


async def _rows(settings: Settings, statement: Any) -> Sequence[Any]:
    engine = create_engine(settings)
    try:
        async with engine.connect() as connection:
            return (await connection.execute(statement)).all()
    finally:
        await engine.dispose()


async def _rollups_and_records(settings: Settings) -> tuple[Figures, Figures]:
    async with open_database(settings) as session_maker:
        return await compared(session_maker)


async def _double_count_groups(settings: Settings) -> tuple[dict[str, str], dict[str, str]]:
    async with open_database(settings) as session_maker:
        return await double_count_groups_kept_and_computed(session_maker)


async def _savings_by_year(settings: Settings) -> tuple[Figures, Figures]:
    async with open_database(settings) as session_maker:
        return await savings_by_year_kept_and_computed(session_maker)


def _query(settings: Settings, statement: Any) -> Sequence[Any]:
    return run(_rows(settings, statement))


def _orphans(settings: Settings) -> dict[str, int]:
    """Rows whose foreign key names no row, for every foreign key of the tables generated."""
    found = {}
    for name in COLUMNS:
        child = metadata.tables[name]
        assert isinstance(child, Table)
        for key in child.foreign_keys:
            column = key.parent
            parent = key.column.table.alias("parent").c[key.column.name]  # an alias: a table may name itself
            missing = (
                select(func.count()).where(column.is_not(None), ~exists().where(parent == column)).select_from(child)
            )
            found[f"{name}.{column.name}"] = _query(settings, missing)[0][0]
    return found


# Generating the national dataset is the cost of this module (13 s at 1/500 on PostgreSQL): one test
# generates it twice, once by the function and once by the command, and checks everything on it.
@pytest.mark.long
def test_the_national_dataset_keeps_every_invariant_every_page_answers_and_the_same_seed_gives_the_same(
    settings: Settings, migrated_database: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    run(_generate(settings, seed=SEED))
    first = _checksum(settings)
    orphans = _orphans(settings)
    assert not any(orphans.values()), {key: count for key, count in orphans.items() if count}
    # Written in bulk, counted once at the end: the rollups hold what the records add up to.
    rolled, recorded = run(_rollups_and_records(settings))
    assert rolled == recorded
    assert all(rolled.values())
    # So are the double-count groups, and there are some (the generator double counts on purpose).
    kept, computed = run(_double_count_groups(settings))
    assert kept == computed
    assert kept
    # And the savings by year that the groups decide, with some of every status.
    kept_sums, computed_sums = run(_savings_by_year(settings))
    assert kept_sums == computed_sums
    assert {key[2] for key in kept_sums["savings_by_year"]} == {"validated", "claimed", "forecast"}
    # Each claim keeps what it was recorded as: forecasts as forecasts; the generator claims none of them.
    recorded = {
        (status.value, kind.value)
        for status, kind in _query(settings, select(SavingsClaim.status, SavingsClaim.recorded_as).distinct())
    }
    assert recorded == {
        ("forecast", "forecast"),
        *((status, "claimed") for status in ("claimed", "validated", "rejected", "superseded")),
    }
    if not settings.is_sqlite:  # the planner knows what the bulk load wrote, as it would after autovacuum
        unanalysed = _query(settings, text("SELECT relname FROM pg_stat_user_tables WHERE last_analyze IS NULL"))
        assert not unanalysed, unanalysed

    ideas = {
        row.id: row
        for row in _query(settings, select(Idea.id, Idea.reference, Idea.status, Idea.supporter_count, Idea.force_id))
    }
    divisions = _query(settings, text("SELECT count(*) FROM divisions"))[0][0]
    assert abs(len(ideas) - PLAN.ideas) <= divisions  # each division rounds its share
    # Each idea's status is the target of its last move (or submitted, with no move).
    moves = _query(
        settings,
        select(IdeaEvent.idea_id, IdeaEvent.to_status, IdeaEvent.kind, IdeaEvent.occurred_at)
        .where(IdeaEvent.to_status.is_not(None))
        .order_by(IdeaEvent.idea_id, IdeaEvent.occurred_at),
    )
    last = {row.idea_id: row.to_status for row in moves}
    assert {idea_id: row.status.value for idea_id, row in ideas.items()} == last
    statuses = {row.status for row in ideas.values()}
    assert {IdeaStatus.SUBMITTED, IdeaStatus.IMPLEMENTED, IdeaStatus.DECLINED, IdeaStatus.WITHDRAWN} <= statuses

    # References are unique, and each force's counter is ahead of every reference it gave.
    references = [row.reference for row in ideas.values()]
    assert len(set(references)) == len(references)
    counters = dict(_query(settings, select(ForceCounter.force_id, ForceCounter.value)))
    for row in ideas.values():
        assert int(row.reference.split("-")[1]) <= counters[row.force_id]

    # Supporter counts are the supporters.
    supports = dict(_query(settings, select(IdeaSupport.idea_id, func.count()).group_by(IdeaSupport.idea_id)))
    assert {idea_id: row.supporter_count for idea_id, row in ideas.items() if row.supporter_count} == supports

    # Claims are on ideas that may be claimed, decided by someone other than the claimant, and some are
    # double counts (the same mechanism in one division, both live).
    claims = _query(
        settings,
        select(SavingsClaim.status, SavingsClaim.claimed_by, SavingsClaim.decided_by, SavingsClaim.division_id,
               SavingsClaim._mechanism_key.label("mechanism_key"), Idea.status.label("idea_status"))
        .join(Idea, Idea.id == SavingsClaim.idea_id),
    )  # fmt: skip
    for claim in claims:
        started_as = ClaimStatus.FORECAST if claim.status is ClaimStatus.FORECAST else ClaimStatus.CLAIMED
        assert claim.idea_status in CLAIMABLE[started_as]
        assert claim.decided_by != claim.claimed_by
    live = [(claim.division_id, claim.mechanism_key) for claim in claims if claim.status is not ClaimStatus.SUPERSEDED]
    assert len(set(live)) < len(live)

    # One reading a measure a day, for every day of the plan.
    readings = _query(
        settings,
        select(Reading.metric_id, func.count(), func.count(func.distinct(Reading.period_date))).group_by(
            Reading.metric_id
        ),
    )
    assert readings
    assert all(count == distinct == PLAN.reading_days for _metric, count, distinct in readings)

    # Every move has the audit row the application writes for it: the idea's update, at the move's time.
    audited = _query(
        settings,
        select(AuditEntry.entity_id, AuditEntry.occurred_at).where(
            AuditEntry.entity == "ideas", AuditEntry.action == "update"
        ),
    )
    assert sorted((str(row.idea_id), row.occurred_at) for row in moves if row.kind in MOVES) == sorted(
        (row.entity_id, row.occurred_at) for row in audited
    )
    created = _query(
        settings, select(func.count()).where(and_(AuditEntry.entity == "ideas", AuditEntry.action == "create"))
    )
    assert created[0][0] == len(ideas)
    _every_main_page_answers_for_every_role_and_search_finds_generated_ideas(settings)
    _the_command_gives_the_same_dataset_and_refuses_a_database_that_holds_data(
        settings, migrated_database, monkeypatch, first
    )


def _every_main_page_answers_for_every_role_and_search_finds_generated_ideas(national: Settings) -> None:
    reference = _query(
        national,
        text(
            "SELECT i.reference FROM ideas i JOIN divisions d ON d.id = i.division_id"
            " JOIN forces f ON f.id = i.force_id WHERE f.code = 'LAN' AND d.code = 'NORTH'"
            " ORDER BY i.status = 'implemented' DESC, i.reference LIMIT 1"  # one with a ledger, if there is one
        ),
    )[0][0]
    measure = _query(
        national,
        text("SELECT m.id FROM metrics m JOIN divisions d ON d.id = m.division_id WHERE d.code = 'NORTH' LIMIT 1"),
    )[0][0]
    with TestClient(create_app(national), base_url="http://testserver.local") as client:
        for user in DEMO_USERS:
            sign_in_as(client, user.role)
            home = client.get("/")
            assert home.status_code == 200
            pages = set(re.findall(r'class="govuk-service-navigation__link" href="(/[a-z-]*)"', home.text))
            assert pages, user.role
            pages |= {f"/ideas/{reference}", "/ideas?q=custody", "/forces/LAN", "/account", "/notifications"}
            if user.role in ("staff", "manager"):
                pages |= {"/backlogs", f"/metrics/{_uuid(measure)}", "/my-ideas"}
            for path in sorted(pages):
                response = client.get(path)
                assert response.status_code == 200, (user.role, path)
            if user.role == "national":
                found = client.get("/ideas?q=custody+handover")
                assert re.search(r"[A-Z]{3}-\d{6}", found.text), "the search finds no generated idea"
            client.cookies.clear()


def _uuid(value: Any) -> str:
    """A measure's id as a page's path names it, whichever form the engine gave it in."""
    return str(value if isinstance(value, uuid.UUID) else uuid.UUID(bytes=value))


def _checksum(settings: Settings) -> dict[str, str]:
    statements = {
        "ideas": "SELECT i.reference, i.title, i.status, i.status_changed_at, u.email FROM ideas i"
        " JOIN users u ON u.id = i.submitter_id ORDER BY i.reference",
        "idea_events": "SELECT i.reference, e.kind, e.occurred_at, e.body FROM idea_events e"
        " JOIN ideas i ON i.id = e.idea_id ORDER BY i.reference, e.occurred_at, e.kind",
        "readings": "SELECT f.code, d.code, m.name, r.period_date, r.value FROM readings r"
        " JOIN metrics m ON m.id = r.metric_id JOIN divisions d ON d.id = m.division_id"
        " JOIN forces f ON f.id = d.force_id ORDER BY 1, 2, 3, 4",
        "savings_claims": "SELECT i.reference, c.status, c.amount_per_year, c.period_start FROM savings_claims c"
        " JOIN ideas i ON i.id = c.idea_id ORDER BY 1, 2, 3",
        "users": "SELECT email, role FROM users ORDER BY email",
    }
    return {
        table: hashlib.sha256(repr(_query(settings, text(statement))).encode()).hexdigest()
        for table, statement in statements.items()
    }


def _emptied(settings: Settings, template: str) -> Settings:
    """The settings of an empty, migrated database. On SQLite that is a new file copied from the template:
    copying over the file that was written would leave its write-ahead log beside a file it does not
    belong to, which the next connection reads as a malformed database."""
    if POSTGRES_URL:
        from tests.conftest import _empty_tables

        run(_empty_tables(settings))
        return settings
    database = Path(make_url(settings.database_url).database or "").with_name("command.db")
    shutil.copyfile(template, database)
    return replace(settings, database_url=f"sqlite+aiosqlite:///{database}")


def _the_command_gives_the_same_dataset_and_refuses_a_database_that_holds_data(
    settings: Settings, migrated_database: str, monkeypatch: pytest.MonkeyPatch, first: dict[str, str]
) -> None:
    """``quest demo --scale national`` with the seed ``first`` was generated with gives the same rows (had
    it not passed its seed on, its default would give others), says what it did, and refuses to run again."""
    settings = _emptied(settings, migrated_database)
    # The command plans five years up to its today: the day the function's plan ends, here.
    monkeypatch.setattr(SystemClock, "now", lambda _self: datetime.datetime.combine(PLAN.today, NOON, LONDON))
    monkeypatch.setenv("QUEST_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("QUEST_DATABASE_URL", settings.database_url)
    command = ["demo", "--scale", "national", "--seed", str(SEED), "--fraction", str(FRACTION)]
    made = CliRunner().invoke(main, command)
    assert made.exit_code == 0, made.output
    assert f"Seeded the national dataset (seed {SEED}, {FRACTION:g} of national scale)." in made.stdout
    assert "manager@lancashire.example" in made.stdout
    assert re.search(r"^  ideas +[\d,]+ rows +[\d.]+ s$", made.stderr, re.MULTILINE), made.stderr
    assert re.search(r"^maker 1 of 2: (\d+)/\1 of its divisions, [\d,]+ rows", made.stderr, re.MULTILINE), made.stderr
    assert _checksum(settings) == first

    audit_rows = _query(settings, text("SELECT count(*) FROM audit_log"))[0][0]
    again = CliRunner().invoke(main, command)
    assert again.exit_code == 1
    assert "already holds data" in again.stderr
    assert _query(settings, text("SELECT count(*) FROM audit_log"))[0][0] == audit_rows
    with pytest.raises(NotEmpty):
        run(_generate(settings))


def test_a_fraction_is_for_the_national_scale_only() -> None:
    result = CliRunner().invoke(main, ["demo", "--scale", "small", "--fraction", "0.5"])
    assert result.exit_code == 2
    assert "--fraction is for --scale national only" in result.output
