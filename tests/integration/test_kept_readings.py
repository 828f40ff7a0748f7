"""What each process keeps of a measure's readings and SPC (quest.metrics.kept) is what the records give now:
after every kind of change that moves a division's measures (readings entered, corrected and imported, an
idea linked and unlinked, the rollups rebuilt), the dashboard from what the app keeps equals one worked out
afresh, and what it keeps is used again while nothing changed. On both engines."""

from __future__ import annotations

import datetime
import decimal
import uuid
from typing import Any

import pytest
from litestar import Litestar
from sqlalchemy import select

from quest.clock import FrozenClock
from quest.config import Settings
from quest.dashboards.division import DivisionDashboard, division_dashboard
from quest.dashboards.division_web import backlog_chart, small_chart
from quest.db import writing
from quest.ideas.impact import unlink_metric
from quest.imports.sheets import SheetRow
from quest.metrics.imports import enter_reading, save_import
from quest.metrics.kept import KEPT_JUDGEMENTS, Judged, KeptReadings
from quest.metrics.models import IdeaMetric
from quest.metrics.spc import analyse
from quest.metrics.vocabulary import Direction
from quest.rollups.models import ReadingsVersion
from quest.rollups.rebuild import rebuild
from quest.savings.rules import financial_year
from quest.web.state import KEPT_READINGS
from tests.conftest import shared_app
from tests.helpers import DEMO_EMAILS, api_headers, current_user_for
from tests.integration.test_division_dashboard import NOW, TODAY, build_world

MANAGER = DEMO_EMAILS["manager"]
YEAR = financial_year(TODAY)


@pytest.fixture
def app(settings: Settings) -> Litestar:
    return shared_app(settings, clock=FrozenClock(NOW))


def _figures(found: DivisionDashboard) -> list[Any]:
    """Everything the dashboard shows of its measures, the SPC point by point included (a Measure compares
    without its series and SPC), and what is read from their readings (the implemented ideas' impact, the
    week's backlog)."""
    return [
        found.measures,
        [
            (
                measure.series,
                measure.rebase_labels,
                [(p.date, p.numerator, p.denominator, p.segment, p.point_type, p.rules) for p in measure.spc.points],
                [(s.start, s.end, s.size, s.limits) for s in measure.spc.segments],
                measure.spc.variation,
                measure.spc.assurance,
                measure.spc.warnings,
            )
            for measure in found.measures
        ],
        found.implemented,
        found.week,
    ]


def _views(database: Any, kept: KeptReadings, division_id: str, email: str = MANAGER) -> DivisionDashboard:
    """The dashboard from what ``kept`` holds, having checked it against one worked out afresh."""

    async def both(maker: Any) -> DivisionDashboard:
        viewer = await current_user_for(maker, email)
        async with maker() as session:
            from_kept = await division_dashboard(session, viewer, uuid.UUID(division_id), YEAR, NOW, kept)
        async with maker() as session:
            afresh = await division_dashboard(session, viewer, uuid.UUID(division_id), YEAR, NOW)
        assert _figures(from_kept) == _figures(afresh)
        return from_kept

    found: DivisionDashboard = database(both)
    return found


def _spc_of(found: DivisionDashboard, metric_id: str) -> Any:
    return _measure_of(found, metric_id).spc


def _measure_of(found: DivisionDashboard, metric_id: str) -> Any:
    return next(measure for measure in found.measures if str(measure.metric_id) == metric_id)


def _small_chart_of(found: DivisionDashboard, metric_id: str) -> Any:
    return small_chart(_measure_of(found, metric_id))


def test_what_is_kept_stays_what_the_records_give_after_every_kind_of_change(
    app: Litestar, demo: Any, database: Any, client: Any
) -> None:
    world = build_world(database, client)
    northern, backlog, timing = world["northern"], world["backlog"], world["timing"]
    kept: KeptReadings = app.state[KEPT_READINGS]
    headers = api_headers(client)

    def api_view() -> dict[str, Any]:
        response = client.get(f"/api/v1/dashboards/divisions/{northern}")
        assert response.status_code == 200, response.text
        measures: dict[str, Any] = {measure["name"]: measure for measure in response.json()["measures"]}
        return measures

    # The page and the API keep what they work out: the backlog (its readings have a version); the timing
    # measure has no readings yet, so no version, and is worked out afresh each time.
    assert client.get(f"/divisions/{northern}/dashboard").status_code == 200
    assert len(kept) == 1
    first = _views(database, kept, northern)
    # Asked again with nothing changed, the very SPC kept is used again, and the small chart drawn from it.
    again = _views(database, kept, northern)
    assert _spc_of(again, backlog) is _spc_of(first, backlog)
    assert _small_chart_of(again, backlog) is _small_chart_of(first, backlog)
    kept_measure, afresh = _measure_of(again, backlog), _measure_of(_views(database, KeptReadings(), northern), backlog)
    assert small_chart(kept_measure) == small_chart(afresh)
    assert backlog_chart(kept_measure)[2] is backlog_chart(kept_measure)[2]
    assert backlog_chart(kept_measure)[2] == backlog_chart(afresh)[2]

    # Readings entered through the API: a day before the first, and the latest corrected.
    before = _spc_of(first, backlog)
    put = client.put(
        f"/api/v1/metrics/{backlog}/readings",
        json=[{"date": "2026-09-30", "value": 19}, {"date": "2026-11-30", "value": 99}],
        headers=headers,
    )
    assert put.status_code == 200, put.text
    corrected = _views(database, kept, northern)
    assert _spc_of(corrected, backlog) is not before
    assert api_view()["Pending open incidents"]["latest"] == 99.0
    assert api_view()["Pending open incidents"]["readings"] == len(world["series"]) + 1

    # The timing measure's first readings, through the API, then its first view keeps it too.
    weekly = [
        {"date": (TODAY - index * 7 * datetime.timedelta(days=1)).isoformat(), "value": 5 + index % 3}
        for index in range(12)
    ]
    assert client.put(f"/api/v1/metrics/{timing}/readings", json=weekly, headers=headers).status_code == 200
    _views(database, kept, northern)
    assert len(kept) == 2

    # An import (a sheet of readings, one of them replacing a stored value) and one reading typed in.
    async def imported(maker: Any) -> None:
        viewer = await current_user_for(maker, MANAGER)
        rows = [SheetRow(1, ("2026-11-29", "7")), SheetRow(2, ("2026-11-28", "31"))]
        async with maker() as session:
            await save_import(session, viewer, uuid.UUID(backlog), rows, now=NOW, today=TODAY)
        async with maker() as session:
            await enter_reading(session, viewer, uuid.UUID(timing), "2026-11-30", "12", now=NOW, today=TODAY)

    held = _spc_of(_views(database, kept, northern), timing)
    database(imported)
    after_import = _views(database, kept, northern)
    assert _spc_of(after_import, timing) is not held

    # Another idea linked to the backlog (a new segment from its change date), then unlinked.
    linked = client.post(
        f"/api/v1/ideas/{world['ideas']['E'].id}/metrics",
        json={"metric_id": backlog, "change_date": "2026-10-15"},
        headers=headers,
    )
    assert linked.status_code == 201, linked.text
    rebased = _views(database, kept, northern)
    assert len(_spc_of(rebased, backlog).segments) == len(_spc_of(after_import, backlog).segments) + 1

    async def unlinked(maker: Any) -> None:
        viewer = await current_user_for(maker, MANAGER)
        async with maker() as session:
            link_id = (
                await session.execute(
                    select(IdeaMetric.id).where(
                        IdeaMetric.idea_id == world["ideas"]["E"].id, IdeaMetric.metric_id == uuid.UUID(backlog)
                    )
                )
            ).scalar_one()
        async with maker() as session:
            await unlink_metric(
                session, viewer, world["ideas"]["E"].id, link_id, now=datetime.datetime.now(datetime.UTC)
            )

    database(unlinked)
    # The segmentation it had before the link is still kept, and is the one used again.
    assert _spc_of(_views(database, kept, northern), backlog) is _spc_of(after_import, backlog)

    # Force headquarters see the same figures as the division's manager.
    _views(database, kept, northern, DEMO_EMAILS["force_hq"])

    # The rollups rebuilt (after readings written in bulk beside readings_written): every measure's readings
    # have a new version, so nothing kept before is taken for them.
    async def rebuilt(maker: Any) -> dict[uuid.UUID, uuid.UUID]:
        with writing():
            async with maker() as session:
                versions = dict(
                    (await session.execute(select(ReadingsVersion.metric_id, ReadingsVersion.version))).all()
                )
                await rebuild(session)
                await session.commit()
        return versions

    versions = database(rebuilt)
    assert set(versions) == {uuid.UUID(backlog), uuid.UUID(timing)}
    held = _spc_of(_views(database, kept, northern), backlog)
    assert held is not _spc_of(after_import, backlog)
    assert _figures(_views(database, kept, northern)) == _figures(_views(database, KeptReadings(), northern))


def test_each_write_of_a_measures_readings_gives_them_a_new_version(
    app: Litestar, demo: Any, database: Any, client: Any
) -> None:
    world = build_world(database, client)
    backlog = uuid.UUID(world["backlog"])

    async def versions(maker: Any) -> dict[uuid.UUID, uuid.UUID]:
        async with maker() as session:
            return dict((await session.execute(select(ReadingsVersion.metric_id, ReadingsVersion.version))).all())

    # Readings written through the API gave the backlog a version; the timing measure, without readings, has
    # none yet.
    first = database(versions)
    assert set(first) == {backlog}
    # Sending the same value again writes nothing, so what is kept of the readings still stands.
    url = f"/api/v1/metrics/{backlog}/readings"
    last = float(world["series"][-1][1])
    same = client.put(url, json=[{"date": "2026-11-30", "value": last}], headers=api_headers(client))
    assert same.json() == {"written": 0, "readings": 1}, same.text
    assert database(versions) == first
    # A changed value is a write: a new version.
    changed = client.put(url, json=[{"date": "2026-11-30", "value": last + 1}], headers=api_headers(client))
    assert changed.json() == {"written": 1, "readings": 1}, changed.text
    second = database(versions)
    assert second[backlog] != first[backlog]


def test_a_process_keeps_the_latest_readings_of_the_measures_asked_for_last_within_its_budget() -> None:
    day = datetime.date(2026, 11, 1)

    def series(length: int) -> list[tuple[datetime.date, decimal.Decimal]]:
        return [(day + datetime.timedelta(days=index), decimal.Decimal(index % 5)) for index in range(length)]

    def judged(length: int) -> Judged:
        return Judged(series(length), analyse(series(length), direction=Direction.DOWN))

    judgement = (Direction.DOWN, None, ())
    kept = KeptReadings(readings=10)
    a, b, c = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    version = uuid.uuid4()
    first = judged(4)
    kept.keep(a, version, judgement, first)
    kept.keep(b, version, judgement, judged(4))
    assert kept.series(a, version) == series(4)
    assert kept.judged(a, version, judgement) is first
    # Another version of the readings is not theirs; another way of judging them has nothing kept.
    assert kept.series(a, uuid.uuid4()) is None
    assert kept.judged(a, version, (Direction.UP, None, ())) is None
    # Over the budget, the measure asked for least recently (b: a was asked for since) is forgotten.
    kept.keep(c, version, judgement, judged(4))
    assert (kept.series(a, version), kept.series(b, version), kept.series(c, version)) == (series(4), None, series(4))
    # A new version replaces the old one's readings and everything judged from them.
    newer = uuid.uuid4()
    kept.keep(a, newer, judgement, judged(5))
    assert kept.series(a, version) is None
    assert kept.judged(a, version, judgement) is None
    assert kept.series(a, newer) == series(5)
    # A measure of more readings than the budget is not kept at all.
    kept.keep(b, version, judgement, judged(11))
    assert kept.series(b, version) is None
    # At most KEPT_JUDGEMENTS ways of judging one measure's readings, the oldest forgotten first.
    judgements = [(Direction.DOWN, decimal.Decimal(target), ()) for target in range(KEPT_JUDGEMENTS + 1)]
    for each in judgements:
        kept.keep(c, version, each, first)
    assert kept.judged(c, version, judgements[0]) is None
    assert all(kept.judged(c, version, each) is first for each in judgements[1:])
