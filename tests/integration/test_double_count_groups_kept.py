"""The double-count groups kept in double_count_members (quest.savings.double_counts.regroup) are the
rule's groups, computed from every claim and every pair (quest.savings.rules.double_counts over
double_count_pairs): after each kind of change that moves a claim into or out of a group (a claim
recorded, one superseded, one rejected, an idea judged by a measure and no longer), and after two
managers claim at once in one division, on both engines."""

from __future__ import annotations

import asyncio
import datetime
import uuid
from typing import Any

from quest.config import Settings
from quest.db import open_database, writing
from quest.ideas.impact import link_metric, unlink_metric
from quest.metrics.services import MetricInput, create_metric
from quest.savings.services import ClaimInput, record_claim
from tests.conftest import run
from tests.helpers import DEMO_EMAILS, add_colleague, current_user_for
from tests.integration.test_savings_ledger import LANCASHIRE, claim, decide, implemented_idea, team
from tests.rollup_sums import double_count_groups_kept_and_computed, savings_by_year_kept_and_computed

MANAGER = DEMO_EMAILS["manager"]


def _groups(database: Any) -> dict[str, str]:
    kept, computed = database(double_count_groups_kept_and_computed)
    assert kept == computed
    # The savings by year follow what the groups count.
    kept_sums, computed_sums = database(savings_by_year_kept_and_computed)
    assert kept_sums == computed_sums
    return kept


def test_every_kind_of_change_keeps_the_groups_the_rules(demo: Any, client: Any, database: Any) -> None:
    people = team(client, "manager", "validator")
    first_idea, second_idea = implemented_idea(database, "Call back"), implemented_idea(database, "Triage desk")
    assert _groups(database) == {}

    # A claim on its own is in no group; a second on the same mechanism makes one, the older its head.
    older = claim(people("manager"), first_idea).json()["id"]
    assert _groups(database) == {}
    newer = claim(people("manager"), second_idea, mechanism="  pending OPEN incidents").json()["id"]
    assert _groups(database) == {older: older, newer: older}

    # Superseding the older: its replacement takes its place, and is newer, so the group's head moves.
    replacement = claim(people("manager"), first_idea, supersedes=older).json()["id"]
    assert _groups(database) == {newer: newer, replacement: newer}

    # Rejecting one leaves nothing to pair with.
    assert decide(people("validator"), newer, "rejected", "No evidence of the hours.").status_code == 200
    assert _groups(database) == {}

    # Two ideas judged by one change to a measure: their claims resting on it pair, whatever their mechanisms.
    async def judged_by_one_measure(session_maker: Any) -> list[uuid.UUID]:
        viewer = await current_user_for(session_maker, MANAGER)
        async with session_maker() as session:
            metric_id = await create_metric(
                session,
                viewer,
                MetricInput(
                    name="Pending open incidents", unit="incidents", kind="backlog", direction="down", frequency="daily"
                ),
            )
        links = []
        for idea in (first_idea, second_idea):
            async with session_maker() as session:
                links.append(
                    await link_metric(
                        session, viewer, idea.id, str(metric_id), "2026-04-01", now=_now(), today=_now().date()
                    )
                )
        return [metric_id, *links]

    metric_id, first_link, second_link = database(judged_by_one_measure)
    assert _groups(database) == {}  # the second idea has no live claim yet

    async def claim_on_the_measure(session_maker: Any) -> str:
        viewer = await current_user_for(session_maker, MANAGER)
        resting = ClaimInput(**{**_form(LANCASHIRE), "mechanism": "Desk hours", "metric_id": str(metric_id)})
        async with session_maker() as session:
            return str(await record_claim(session, viewer, second_idea.id, resting, now=_now()))

    desk = database(claim_on_the_measure)
    # The replacement rests on the change by its mechanism, the measure's name; the desk claim names it.
    assert _groups(database) == {replacement: replacement, desk: replacement}

    async def unlink(session_maker: Any) -> None:
        viewer = await current_user_for(session_maker, MANAGER)
        async with session_maker() as session:
            await unlink_metric(session, viewer, second_idea.id, second_link, now=datetime.datetime.now(datetime.UTC))

    database(unlink)
    assert _groups(database) == {}
    assert first_link


def _now() -> datetime.datetime:
    """Now, as the API records its claims: those recorded here are newer than those before."""
    return datetime.datetime.now(datetime.UTC)


def _form(values: dict[str, Any]) -> dict[str, str]:
    return {name: str(value) for name, value in values.items()}


def test_two_managers_claiming_at_once_in_one_division_are_both_grouped(
    settings: Settings, demo: Any, database: Any
) -> None:
    """Two claims on one mechanism recorded at the same moment by two people of one division: whichever
    regroups second sees the first's claim (PostgreSQL: the division's row is locked while it regroups)."""
    ideas = [implemented_idea(database, f"Idea {number}") for number in range(2)]
    second_manager = "second.manager@lancashire.example"
    database(lambda maker: add_colleague(maker, second_manager, "LAN", "NORTH", role="manager"))

    async def at_once() -> list[uuid.UUID]:
        async with open_database(settings) as maker:
            viewers = [await current_user_for(maker, email) for email in (MANAGER, second_manager)]

            async def one(viewer: Any, idea: Any) -> uuid.UUID:
                with writing():
                    async with maker() as session:
                        return await record_claim(session, viewer, idea.id, ClaimInput(**_form(LANCASHIRE)), now=_now())

            return list(await asyncio.gather(*(one(viewer, idea) for viewer, idea in zip(viewers, ideas, strict=True))))

    made = run(at_once())
    assert set(_groups(database)) == {str(claim_id) for claim_id in made}
