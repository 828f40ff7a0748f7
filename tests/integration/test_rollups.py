"""The rollups (quest.rollups) hold exactly what the records add up to: after each kind of change that
moves a figure (an idea raised or adopted, every kind of move, a waste observation logged), after the
demo's history, after concurrent writers, and after a rebuild, on both engines."""

from __future__ import annotations

import asyncio
import datetime
import decimal
from collections import defaultdict
from typing import Any

from sqlalchemy import func, select, update

from quest.accounts import access
from quest.accounts.access import Permission
from quest.config import Settings
from quest.db import open_database, writing
from quest.ideas.decisions import adopt, move_idea
from quest.ideas.models import Idea
from quest.ideas.status import IdeaStatus
from quest.ideas.workflow import MoveRequest
from quest.imports.services import read_rows, run_import
from quest.imports.sheets import SheetRow
from quest.metrics.imports import save_import
from quest.metrics.services import MetricInput, ReadingInput, create_metric, record_readings
from quest.rollups.models import IdeasRaisedByMonth
from quest.rollups.rebuild import rebuild
from quest.waste.models import WasteObservation
from quest.waste.rules import ParetoBar, hours_a_year_of, pareto
from quest.waste.services import WasteInput, hours_lost, log_waste
from quest.waste.types import WasteType
from tests.conftest import run
from tests.helpers import DEMO_EMAILS, add_colleague, current_user_for, raise_idea
from tests.rollup_sums import compared

NOW = datetime.datetime(2026, 11, 23, 9, 0, tzinfo=datetime.UTC)
TODAY = NOW.date()
LAST_OF_MARCH_LATE = datetime.datetime(2026, 3, 31, 23, 30, tzinfo=datetime.UTC)
WEEKS_READ = 2  # the readings the scenario enters fall in two weeks
ELSEWHERE = "west.staff@lancashire.example"


async def _agree(session_maker: Any) -> dict[str, int]:
    """The rollups equal the records' figures; how many groups each holds (so a test can see it counted)."""
    rolled, recorded = await compared(session_maker)
    assert rolled == recorded
    return {name: len(groups) for name, groups in rolled.items()}


async def _log_waste(
    session_maker: Any, email: str, process: str, kind: str, minutes: str, per_week: str, observed_on: str = ""
) -> None:
    viewer = await current_user_for(session_maker, email)
    data = WasteInput(
        waste_type=kind,
        process=process,
        description="Seen today.",
        minutes_per_occurrence=minutes,
        occurrences_per_week=per_week,
        observed_on=observed_on,
    )
    async with session_maker() as session:
        await log_waste(session, viewer, data, NOW, TODAY)


async def _move(session_maker: Any, email: str, idea_id: Any, request: MoveRequest) -> None:
    viewer = await current_user_for(session_maker, email)
    async with session_maker() as session:
        await move_idea(session, viewer, idea_id, request, seen_version=None, now=NOW, today=TODAY)


def test_every_kind_of_change_keeps_the_rollups_equal_to_the_records(settings: Settings, demo: Any) -> None:
    staff, manager = DEMO_EMAILS["staff"], DEMO_EMAILS["manager"]

    async def scenario() -> None:
        async with open_database(settings) as maker:
            await add_colleague(maker, ELSEWHERE, "LAN", "WEST")
            assert await _agree(maker) == {
                "waste_by_month": 0,
                "waste_by_process": 0,
                "ideas_by_status": 0,
                "ideas_raised_by_month": 0,
                "response_days": 0,
                "readings_by_week": 0,
                "decisions_by_year": 0,
            }

            # Waste: a new group, the same process spelt otherwise (one group, shown as min() shows it), a
            # fraction of a minute, another month, another kind, another division.
            await _log_waste(maker, staff, "Custody handover", "waiting", "12.5", "3")
            await _log_waste(maker, staff, "custody handover", "waiting", "0.01", "0.33")
            await _log_waste(maker, staff, "CUSTODY HANDOVER", "waiting", "1440", "10080", "2026-10-01")
            await _log_waste(maker, staff, "Custody handover", "motion", "7.25", "1.5", "2026-10-31")
            await _log_waste(maker, ELSEWHERE, "Custody handover", "waiting", "3", "4")
            assert await _agree(maker) == {
                "waste_by_month": 4,
                "waste_by_process": 3,
                "ideas_by_status": 0,
                "ideas_raised_by_month": 0,
                "response_days": 0,
                "readings_by_week": 0,
                "decisions_by_year": 0,
            }

            # Ideas: raised, then through every kind of move, by the manager and by its submitter.
            raised = await raise_idea(maker, staff, "Book custody slots ahead", now=NOW)
            first = raised.id
            second = (await raise_idea(maker, staff, "Book custody slots in advance", now=NOW)).id
            third = (await raise_idea(maker, staff, "Print less", now=NOW)).id
            fourth = (await raise_idea(maker, staff, "Park it", now=NOW)).id
            # Raised at 23:30 UTC on 31 March, in British Summer Time: 00:30 on 1 April in London, so April's.
            march = await raise_idea(maker, staff, "Count April's ideas by the London date", now=LAST_OF_MARCH_LATE)
            assert await _agree(maker) == {
                "waste_by_month": 4,
                "waste_by_process": 3,
                "ideas_by_status": 1,
                "ideas_raised_by_month": 2,
                "response_days": 0,
                "readings_by_week": 0,
                "decisions_by_year": 0,
            }
            for to in ("under_review", "approved", "in_progress"):
                await _move(maker, manager, first, MoveRequest(to))
                await _agree(maker)
            await _move(
                maker,
                manager,
                first,
                MoveRequest("implemented", change_date="2026-11-01", learned="Ring ahead."),
            )
            await _move(maker, manager, second, MoveRequest("duplicate", duplicate_of=raised.reference))
            await _move(maker, staff, third, MoveRequest("withdrawn", reason="Already done."))
            await _move(maker, manager, fourth, MoveRequest("parked", reason="Next year."))
            await _move(maker, manager, fourth, MoveRequest("under_review"))
            await _move(maker, manager, fourth, MoveRequest("declined", reason="No budget."))
            await _move(maker, manager, march.id, MoveRequest("under_review"))  # 236 days and a half on
            # Readings: entered (across a Sunday and a Monday: two weeks), and one corrected.
            viewer = await current_user_for(maker, manager)
            async with maker() as session:
                metric_id = await create_metric(
                    session,
                    viewer,
                    MetricInput(
                        name="Hours to answer a call",
                        unit="hours",
                        kind="time",
                        direction="down",
                        frequency="daily",
                    ),
                )
            for day, value in (("2026-11-15", "40.5"), ("2026-11-16", "38.25"), ("2026-11-16", "37.0001")):
                async with maker() as session:
                    await record_readings(
                        session, viewer, [ReadingInput(metric_id, "value", day, value)], now=NOW, today=TODAY
                    )
            assert await _agree(maker) == {
                "waste_by_month": 4,
                "waste_by_process": 3,
                "ideas_by_status": 5,  # the one raised in March is under review
                "ideas_raised_by_month": 2,
                "response_days": 3,
                "readings_by_week": WEEKS_READ,
                "decisions_by_year": 3,  # this year's: implemented, a duplicate, declined
            }

            # Adopted elsewhere: a new idea in the adopting division.
            async with maker() as session:
                await adopt(session, await current_user_for(maker, ELSEWHERE), first, NOW)
            assert await _agree(maker) == {
                "waste_by_month": 4,
                "waste_by_process": 3,
                "ideas_by_status": 6,
                "ideas_raised_by_month": 3,
                "response_days": 3,
                "readings_by_week": WEEKS_READ,
                "decisions_by_year": 3,
            }
            async with maker() as session:
                april = await session.execute(
                    select(IdeasRaisedByMonth.ideas).where(IdeasRaisedByMonth.month == datetime.date(2026, 4, 1))
                )
                assert list(april.scalars()) == [1]
            # Rebuilt from the records by the database, the rollups hold the same (the London month too).
            with writing():
                async with maker() as session:
                    await rebuild(session)
                    await session.commit()
            assert (await _agree(maker))["ideas_raised_by_month"] == 3

    run(scenario())


def test_imports_count_the_weeks_they_write(settings: Settings, demo: Any) -> None:
    """Imports write readings in bulk, beside the ORM, and their measures' weeks still add up: new readings,
    replaced ones (one by a ten-thousandth), unchanged ones, a weekly measure's, and a file's of two
    measures."""
    manager = DEMO_EMAILS["manager"]

    async def new_measure(maker: Any, name: str, kind: str, frequency: str) -> Any:
        viewer = await current_user_for(maker, manager)
        async with maker() as session:
            data = MetricInput(name=name, unit="units", kind=kind, direction="down", frequency=frequency)
            return await create_metric(session, viewer, data)

    async def save(maker: Any, metric_id: Any, rows: list[tuple[str, str]]) -> None:
        viewer = await current_user_for(maker, manager)
        sheet = [SheetRow(number, cells) for number, cells in enumerate(rows, start=1)]
        async with maker() as session:
            await save_import(session, viewer, metric_id, sheet, now=NOW, today=TODAY)

    async def scenario() -> None:
        async with open_database(settings) as maker:
            daily = await new_measure(maker, "Calls waiting", "time", "daily")
            weekly = await new_measure(maker, "Files open", "backlog", "weekly")
            # 1 to 16 November 2026: four weeks (Sunday the 1st ends one, Monday the 16th begins one).
            days = [(datetime.date(2026, 11, 1) + datetime.timedelta(days=n)).isoformat() for n in range(16)]
            await save(maker, daily, [(day, f"{10 + n}.25") for n, day in enumerate(days)])
            await save(maker, weekly, [("2026-11-02", "40"), ("2026-11-11", "38")])
            assert (await _agree(maker))["readings_by_week"] == 4 + 2

            # Again: two replaced (one by 0.0001), one unchanged, one new in a week begun.
            again = [(days[3], "99"), (days[4], "14.2501"), (days[5], "15.25"), ("2026-11-17", "1")]
            await save(maker, daily, again)
            await save(maker, weekly, [("2026-11-04", "41")])
            assert (await _agree(maker))["readings_by_week"] == 4 + 2

            # A file for both measures, its rows in any order.
            viewer = await current_user_for(maker, manager)
            data = (
                b"division,measure,date,value\n"
                b"NORTH,Files open,2026-11-18,7\n"
                b"NORTH,Calls waiting,2026-11-02,0\n"
                b"NORTH,Files open,2026-11-10,38\n"
                b"NORTH,Calls waiting,2026-11-18,2.5\n"
            )
            with writing():
                async with maker() as session:
                    report, _checked = await run_import(
                        session,
                        viewer,
                        "readings",
                        read_rows("readings.csv", data),
                        force_code="LAN",
                        now=NOW,
                        today=TODAY,
                    )
            assert not report.problems, report.problems
            assert (report.created, report.changed, report.unchanged) == (2, 1, 1)
            assert (await _agree(maker))["readings_by_week"] == 4 + 3

    run(scenario())


async def _decisions(session_maker: Any) -> dict[tuple[int, str], int]:
    """What decisions_by_year holds for the Northern division (the only one deciding here), having checked
    it against the records: how many ideas of each decision year are in each status now."""
    rolled = (await compared(session_maker))[0]["decisions_by_year"]
    await _agree(session_maker)
    return {(year, IdeaStatus(status).value): count for (_division, year, status), (_force, count) in rolled.items()}


def test_a_decided_idea_counts_in_its_decisions_year_in_the_status_it_has_now(settings: Settings, demo: Any) -> None:
    """decisions_by_year through every kind of move: decided, moved on and implemented, declined after its
    approval, a duplicate, withdrawn and parked (neither is a decision), across the end of March. Summer time
    started on 29 March 2026: 23:30 UTC on 31 March is 00:30 on 1 April in London (financial year 2026),
    22:30 UTC still 31 March's (2025)."""
    staff, manager = DEMO_EMAILS["staff"], DEMO_EMAILS["manager"]
    raised_on = datetime.datetime(2026, 3, 1, 12, 0, tzinfo=datetime.UTC)
    first_of_april_in_london = datetime.datetime(2026, 3, 31, 23, 30, tzinfo=datetime.UTC)
    last_of_march_in_london = datetime.datetime(2026, 3, 31, 22, 30, tzinfo=datetime.UTC)

    async def move(maker: Any, email: str, idea_id: Any, at: datetime.datetime, *requests: MoveRequest) -> None:
        viewer = await current_user_for(maker, email)
        for request in requests:
            async with maker() as session:
                await move_idea(session, viewer, idea_id, request, seen_version=None, now=at, today=at.date())

    async def scenario() -> None:
        async with open_database(settings) as maker:
            late, early, copy, taken_back, parked = [
                (await raise_idea(maker, staff, title, now=raised_on)).id
                for title in ("Decided in April", "Decided in March", "Copied", "Taken back", "Parked")
            ]
            await move(maker, manager, late, raised_on, MoveRequest("under_review"))
            await move(maker, manager, early, raised_on, MoveRequest("under_review"))
            assert await _decisions(maker) == {}  # a first response is not a decision

            await move(maker, manager, late, first_of_april_in_london, MoveRequest("approved"))
            await move(maker, manager, early, last_of_march_in_london, MoveRequest("approved"))
            assert await _decisions(maker) == {(2026, "approved"): 1, (2025, "approved"): 1}

            # Moved on after the decision, in later months: each stays in its decision's year.
            may = datetime.datetime(2026, 5, 1, 9, 0, tzinfo=datetime.UTC)
            await move(maker, manager, late, may, MoveRequest("in_progress"))
            await move(maker, manager, early, may, MoveRequest("declined", reason="Too costly after all."))
            assert await _decisions(maker) == {(2026, "in_progress"): 1, (2025, "declined"): 1}
            november = datetime.datetime(2026, 11, 2, 9, 0, tzinfo=datetime.UTC)
            implemented = MoveRequest("implemented", change_date="2026-11-01", learned="Book ahead.")
            await move(maker, manager, late, november, implemented)
            assert await _decisions(maker) == {(2026, "implemented"): 1, (2025, "declined"): 1}

            # A duplicate is decided when marked; a withdrawal and parking decide nothing.
            await move(
                maker, manager, copy, november, MoveRequest("duplicate", duplicate_of=await _reference(maker, late))
            )
            await move(maker, staff, taken_back, november, MoveRequest("withdrawn", reason="Someone did it."))
            await move(
                maker,
                manager,
                parked,
                november,
                MoveRequest("parked", reason="Next year."),
                MoveRequest("under_review"),
            )
            expected = {(2026, "implemented"): 1, (2025, "declined"): 1, (2026, "duplicate"): 1}
            assert await _decisions(maker) == expected

            # Rebuilt from the records by the database (the London year in SQL), the rollup holds the same.
            with writing():
                async with maker() as session:
                    await rebuild(session)
                    await session.commit()
            assert await _decisions(maker) == expected

    run(scenario())


async def _reference(session_maker: Any, idea_id: Any) -> str:
    async with session_maker() as session:
        return str((await session.execute(select(Idea.reference).where(Idea.id == idea_id))).scalar_one())


async def _paretos_from_records(session_maker: Any, viewer: Any) -> dict[str, list[ParetoBar]]:
    """The waste page's two Paretos over the viewer's reach, as they were computed before the rollups:
    from every observation (the sums here exact, in Python)."""
    in_reach = access.scope(
        viewer,
        Permission.VIEW_WORK,
        force_column=WasteObservation.force_id,
        division_column=WasteObservation.division_id,
    )
    key = func.lower(WasteObservation.process)
    by_type: dict[str, decimal.Decimal] = defaultdict(decimal.Decimal)
    by_key: dict[str, decimal.Decimal] = defaultdict(decimal.Decimal)
    async with session_maker() as session:
        shown = dict(
            (await session.execute(select(key, func.min(WasteObservation.process)).where(in_reach).group_by(key))).all()
        )
        for kind, folded, minutes, per_week in await session.execute(
            select(
                WasteObservation.waste_type,
                key,
                WasteObservation.minutes_per_occurrence,
                WasteObservation.occurrences_per_week,
            ).where(in_reach)
        ):
            by_type[WasteType(kind).label] += minutes * per_week
            by_key[shown[folded]] += minutes * per_week
    return {
        "waste_type": pareto({label: hours_a_year_of(weekly) for label, weekly in by_type.items()}),
        "process": pareto({label: hours_a_year_of(weekly) for label, weekly in by_key.items()}),
    }


def test_the_demo_history_counts_as_it_is_made_and_a_rebuild_changes_nothing(
    settings: Settings, demo_history: Any
) -> None:
    async def check() -> None:
        async with open_database(settings) as maker:
            # The waste page's Paretos, read from the rollup, are what every observation adds up to, at
            # each scope.
            for role in ("national", "force_hq", "manager"):
                viewer = await current_user_for(maker, DEMO_EMAILS[role])
                expected = await _paretos_from_records(maker, viewer)
                async with maker() as session:
                    for by in ("waste_type", "process"):
                        assert await hours_lost(session, viewer, by) == expected[by], (role, by)
            counted = await _agree(maker)
            assert counted["waste_by_month"] > 0
            assert counted["waste_by_process"] > 0
            assert counted["ideas_by_status"] > 0
            assert counted["readings_by_week"] > 0
            before, _ = await compared(maker)
            with writing():
                async with maker() as session:
                    await rebuild(session)
                    await session.commit()
            after, _ = await compared(maker)
            assert after == before

    run(check())


def test_a_rebuild_counts_what_was_written_around_the_writers(settings: Settings, demo: Any) -> None:
    """Records written in bulk (as the national dataset is) are counted by a rebuild."""

    async def check() -> None:
        async with open_database(settings) as maker:
            idea_id = (await raise_idea(maker, DEMO_EMAILS["staff"], "Written around the writers", now=NOW)).id
            await _log_waste(maker, DEMO_EMAILS["staff"], "Briefing", "overproduction", "15", "5")
            with writing():
                async with maker() as session:
                    await session.execute(update(Idea).where(Idea.id == idea_id).values(status="parked"))
                    await session.commit()
            rolled, recorded = await compared(maker)
            assert rolled != recorded
            with writing():
                async with maker() as session:
                    await rebuild(session)
                    await session.commit()
            await _agree(maker)

    run(check())


def test_concurrent_writers_to_one_row_all_count(settings: Settings, demo: Any) -> None:
    """Writers adding to the same rollup rows at once (each in its own transaction) lose nothing."""
    writers = 8

    async def check() -> None:
        async with open_database(settings) as maker:
            staff = DEMO_EMAILS["staff"]
            # The force's first idea makes its reference counter; the rest only add to it.
            await raise_idea(maker, staff, "The first idea", now=NOW)

            async def one(number: int) -> None:
                with writing():
                    if number % 2:
                        await _log_waste(maker, staff, "Custody handover", "waiting", "10", str(number))
                    else:
                        await raise_idea(maker, staff, f"Idea number {number}", now=NOW)

            await asyncio.gather(*(one(number) for number in range(writers)))
            rolled, _ = await compared(maker)
            assert sum(count for _force, count in rolled["ideas_by_status"].values()) == writers // 2 + 1
            assert [observations for _f, _s, observations, _m in rolled["waste_by_process"].values()] == [writers // 2]
            await _agree(maker)

    run(check())
