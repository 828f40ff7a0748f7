"""The dashboards' aggregates (issue 11): response times computed in the database give, on both engines,
the medians Python's ``timedelta`` arithmetic gave, to the microsecond."""

from __future__ import annotations

import datetime
import statistics
from typing import Any

from sqlalchemy import select, update

from quest.dashboards.response_times import Medians, median_days, medians, response_times
from quest.ideas.models import Idea
from quest.org.models import Division, Force
from tests.helpers import DEMO_EMAILS, raise_idea

STAFF = DEMO_EMAILS["staff"]
RAISED = datetime.datetime(2026, 3, 2, 8, 15, 30, 250000, tzinfo=datetime.UTC)
DAY = datetime.timedelta(days=1)
# Just short of 0.05 of a day: 0.0 to the tenth, where a clock kept to the millisecond would say 0.1.
ALMOST = datetime.timedelta(seconds=4319, microseconds=999999)

# (division, time to a first response, time to a decision) of each idea raised at RAISED.
IDEAS = [
    (("LAN", "NORTH"), DAY, 3 * DAY),
    (("LAN", "NORTH"), 2 * DAY + 12 * datetime.timedelta(hours=1), None),
    (("LAN", "NORTH"), None, None),
    (("LAN", "NORTH"), ALMOST, 10 * DAY),
    (("LAN", "SOUTH"), ALMOST, None),
    (("CHE", None), DAY, DAY),  # another force's: in neither of Lancashire's figures
]


def the_old_median(spans: list[datetime.timedelta]) -> float | None:
    """How the medians were worked out before they moved into the database: the figures to keep."""
    return round(statistics.median(span.total_seconds() / 86400 for span in spans), 1) if spans else None


def seed(database: Any) -> None:
    async def work(maker: Any) -> None:
        for index, ((force_code, division_code), first, decision) in enumerate(IDEAS):
            idea = await raise_idea(maker, STAFF, f"Idea {index}", now=RAISED)
            async with maker() as session:
                place = select(Division.id, Division.force_id).join(Force).where(Force.code == force_code)
                if division_code:
                    place = place.where(Division.code == division_code)
                division_id, force_id = (await session.execute(place.limit(1))).one()
                await session.execute(
                    update(Idea)
                    .where(Idea.id == idea.id)
                    .values(
                        division_id=division_id,
                        force_id=force_id,
                        first_response_at=RAISED + first if first else None,
                        decided_at=RAISED + decision if decision else None,
                    )
                )
                await session.commit()

    database(work)


def test_response_times_by_division_are_the_medians_they_were(demo: Any, database: Any) -> None:
    seed(database)

    async def ask(maker: Any) -> Any:
        async with maker() as session:
            lancashire = (await session.execute(select(Force.id).where(Force.code == "LAN"))).scalar_one()
            return await response_times(session, lancashire)

    found = {row.division_name.split(" ")[0]: row for row in database(ask)}
    northern, southern = found["Northern"], found["Southern"]
    assert (northern.median_days_to_first_response, northern.median_days_to_decision) == (1.0, 6.5)
    assert (southern.median_days_to_first_response, southern.median_days_to_decision) == (0.0, None)
    assert northern.median_days_to_first_response == the_old_median([DAY, 2.5 * DAY, ALMOST])
    assert southern.median_days_to_first_response == the_old_median([ALMOST])
    # Every division of the force, in order of name, those with no answered ideas too.
    assert list(found) == sorted(found)
    assert len(found) > 2
    assert all(
        (row.median_days_to_first_response, row.median_days_to_decision) == (None, None)
        for name, row in found.items()
        if name not in ("Northern", "Southern")
    )


def test_response_times_over_a_reach_are_the_medians_they_were(demo: Any, database: Any) -> None:
    seed(database)

    async def ask(maker: Any) -> Medians:
        async with maker() as session:
            lancashire = select(Force.id).where(Force.code == "LAN").scalar_subquery()
            return await medians(session, Idea.force_id == lancashire)

    assert database(ask) == Medians(
        median_days_to_first_response=the_old_median([DAY, 2.5 * DAY, ALMOST, ALMOST]),  # an even number
        median_days_to_decision=the_old_median([3 * DAY, 10 * DAY]),
    )
    assert database(ask) == Medians(0.5, 6.5)


def test_a_median_is_of_the_middle_spans_in_days_to_the_tenth() -> None:
    microseconds = 10**6
    assert median_days([]) is None
    assert median_days([86400 * microseconds]) == 1.0
    assert median_days([86400 * microseconds, 3 * 86400 * microseconds]) == 2.0
    assert median_days([4319 * microseconds + 999999]) == 0.0
    assert median_days([4320 * microseconds]) == 0.1
