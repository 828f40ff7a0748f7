"""Page latency: what each role opens daily, over HTTP against a running server, at 1 and at 32 clients.

Beside each page, two floors measured in the same run at the same concurrency: ``/healthz`` of the same
server, and the page's main query alone. The main query is the slowest statement the page sends, caught
by ``bench.statements`` while the page is served in this process (``serving_app`` on the same database),
then sent again with the same parameters through the same driver and engine settings, and timed by the
same load client. The same capture gives each page's statement count.
"""

from __future__ import annotations

import asyncio
import dataclasses
import uuid
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import httpx
from advanced_alchemy.extensions.litestar.plugins.init.plugin import SQLAlchemyInitPlugin
from litestar.testing import TestClient
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from bench.load import PEOPLE, LoadResult, browser, run_load, sign_in
from bench.server import SECRET_KEY
from bench.statements import Statements
from quest.accounts.models import User
from quest.app import serving_app
from quest.config import Settings
from quest.db import create_engine
from quest.demo.catalogue import DEMO_PASSWORD
from quest.ideas.models import Idea
from quest.metrics.models import IdeaMetric, Metric, Reading
from quest.org.models import Force
from quest.savings.models import SavingsClaim


class Page(NamedTuple):
    """What a role opens: named for the report, with the path asked for."""

    name: str
    role: str
    path: str


@dataclass(frozen=True, slots=True)
class Targets:
    """The records the pages open, in the manager's division: the idea with the most claims, the idea with
    the most measures linked, the measure with the most readings."""

    division_id: uuid.UUID
    force_code: str  # force headquarters' force
    idea_reference: str
    impact_idea_id: uuid.UUID
    metric_id: uuid.UUID


def daily_pages(targets: Targets) -> list[Page]:
    return [
        Page("idea list, manager (division, 50 rows)", "manager", f"/ideas?division={targets.division_id}"),
        Page("idea list, force HQ", "force_hq", "/ideas"),
        Page("idea list, national", "national", "/ideas"),
        Page("idea page, manager", "manager", f"/ideas/{targets.idea_reference}"),
        Page("triage, manager", "manager", "/triage"),
        Page("/savings, manager", "manager", "/savings"),
        Page("/savings, validator", "validator", "/savings"),
        Page("home, validator", "validator", "/"),
        Page("double counts, validator", "validator", "/savings/double-counts"),
        Page("double counts, national", "national", "/savings/double-counts"),
        Page("measure page, manager", "manager", f"/metrics/{targets.metric_id}"),
        Page("backlog entry, staff", "staff", "/backlogs"),
        Page("/waste, national", "national", "/waste"),
        Page("/waste, force HQ", "force_hq", "/waste"),
        Page("/waste, manager", "manager", "/waste"),
        Page("SPC API, manager", "manager", f"/api/v1/metrics/{targets.metric_id}/spc"),
        Page("impact API, manager", "manager", f"/api/v1/ideas/{targets.impact_idea_id}/impact"),
        Page("division dashboard, manager", "manager", f"/divisions/{targets.division_id}/dashboard"),
        Page("division dashboard API, manager", "manager", f"/api/v1/dashboards/divisions/{targets.division_id}"),
        Page("divisions compared, force HQ", "force_hq", f"/forces/{targets.force_code}/dashboard"),
        Page("divisions compared API, force HQ", "force_hq", f"/api/v1/dashboards/forces/{targets.force_code}"),
        Page("forces compared, national", "national", "/national"),
        Page("forces compared, a force chosen", "national", f"/national?per=population&force={targets.force_code}"),
        Page("forces compared API, national", "national", "/api/v1/dashboards/national"),
        Page("funnel API, national", "national", "/api/v1/dashboards/national/funnels?measure=ideas_raised"),
    ]


# The national pages again on a server that keeps no national figures (QUEST_NATIONAL_FIGURES_SECONDS=0): what
# a request costs when it works every force's figures out, as the first in each minute of each process does.
WORKED_OUT_SETTINGS = {"QUEST_NATIONAL_FIGURES_SECONDS": "0"}


def worked_out_pages() -> list[Page]:
    return [
        Page("forces compared, figures worked out", "national", "/national"),
        Page("forces compared API, figures worked out", "national", "/api/v1/dashboards/national"),
    ]


async def find_targets(settings: Settings) -> Targets:
    engine = create_engine(settings)
    try:
        async with engine.connect() as connection:
            division_id = (
                await connection.execute(select(User.division_id).where(User.email == PEOPLE["manager"]))
            ).scalar_one()
            if division_id is None:
                raise SystemExit(f"{PEOPLE['manager']} has no division: the pages open records in it")
            in_division = Idea.division_id == division_id
            claimed = (
                select(Idea.reference)
                .outerjoin(SavingsClaim, SavingsClaim.idea_id == Idea.id)
                .where(in_division)
                .group_by(Idea.id, Idea.reference)
                .order_by(func.count(SavingsClaim.id).desc(), Idea.reference)
                .limit(1)
            )
            measured = (
                select(Idea.id)
                .outerjoin(IdeaMetric, IdeaMetric.idea_id == Idea.id)
                .where(in_division)
                .group_by(Idea.id)
                .order_by(func.count(IdeaMetric.id).desc(), Idea.id)
                .limit(1)
            )
            read = (
                select(Metric.id)
                .outerjoin(Reading, Reading.metric_id == Metric.id)
                .where(Metric.division_id == division_id)
                .group_by(Metric.id)
                .order_by(func.count(Reading.metric_id).desc(), Metric.id)
                .limit(1)
            )
            force_code = (
                await connection.execute(
                    select(Force.code).join(User, User.force_id == Force.id).where(User.email == PEOPLE["force_hq"])
                )
            ).scalar_one()
            return Targets(
                division_id=division_id,
                force_code=force_code,
                idea_reference=(await connection.execute(claimed)).scalar_one(),
                impact_idea_id=(await connection.execute(measured)).scalar_one(),
                metric_id=(await connection.execute(read)).scalar_one(),
            )
    finally:
        await engine.dispose()


@dataclass(slots=True)
class Capture:
    """A page served in this process: its statement count and its slowest statement."""

    statements: int
    main_query: str
    main_parameters: Any


def capture(settings: Settings, pages: list[Page]) -> dict[str, Capture]:
    """Serve each page once in this process (after a first request that warms what the app reads once, and
    fills what it keeps), counting its statements and keeping the slowest."""
    app = serving_app(dataclasses.replace(settings, secret_key=SECRET_KEY))
    engine = app.plugins.get(SQLAlchemyInitPlugin).config[0].get_engine()
    assert isinstance(engine, AsyncEngine), "the app's engine is asynchronous"
    captured: dict[str, Capture] = {}
    with (
        TestClient(app, base_url="http://testserver.local") as client,
        Statements().listening(engine.sync_engine) as counter,
    ):
        jars: dict[str, httpx.Cookies] = {}
        for page in pages:
            if page.role not in jars:
                client.cookies = httpx.Cookies()
                client.get("/sign-in")
                form = {"email": PEOPLE[page.role], "password": DEMO_PASSWORD, "next": "/"}
                signed = client.post(
                    "/sign-in", data=form | {"_csrf_token": client.cookies["quest_csrf"]}, follow_redirects=False
                )
                assert signed.status_code == 303, f"signing in as {page.role} answered {signed.status_code}"
                jars[page.role] = httpx.Cookies(client.cookies)
            client.cookies = jars[page.role]
            client.get(page.path)
            count = counter.of(lambda page=page: client.get(page.path))  # type: ignore[misc]
            slowest = counter.slowest()
            captured[page.name] = Capture(count, slowest.text, slowest.parameters)
    return captured


@dataclass(frozen=True, slots=True)
class Plan:
    """How much load each measurement gets: requests at each concurrency, within a time budget."""

    concurrencies: tuple[int, ...] = (1, 32)
    requests: dict[int, int] = field(default_factory=lambda: {1: 40, 32: 320})
    seconds: float = 30.0

    def of(self, concurrency: int) -> int:
        return self.requests.get(concurrency, 10 * concurrency)


@dataclass(slots=True)
class PageFigures:
    page: Page
    capture: Capture
    http: dict[int, LoadResult] = field(default_factory=dict)
    sql: dict[int, LoadResult] = field(default_factory=dict)


async def measure(
    base: str, settings: Settings, pages: list[Page], captured: dict[str, Capture], plan: Plan
) -> tuple[dict[int, LoadResult], list[PageFigures]]:
    """``/healthz`` and every page at each concurrency over HTTP, then each main query alone."""
    top = max(plan.concurrencies)
    clients = {role: browser(base, top) for role in PEOPLE}
    figures = [PageFigures(page, captured[page.name]) for page in pages]
    health: dict[int, LoadResult] = {}
    try:
        for role, client in clients.items():
            await sign_in(client, PEOPLE[role])
        for concurrency in plan.concurrencies:
            health[concurrency] = await _load(clients["staff"], "/healthz", concurrency, plan)
            for figure in figures:
                figure.http[concurrency] = await _load(clients[figure.page.role], figure.page.path, concurrency, plan)
                print(_line(figure.page.name, concurrency, figure.http[concurrency]), flush=True)
    finally:
        await asyncio.gather(*(client.aclose() for client in clients.values()))
    engine = create_engine(settings)
    try:
        for figure in figures:
            for concurrency in plan.concurrencies:
                figure.sql[concurrency] = await _replay(engine, figure.capture, concurrency, plan)
    finally:
        await engine.dispose()
    return health, figures


async def _load(client: httpx.AsyncClient, path: str, concurrency: int, plan: Plan) -> LoadResult:
    async def send() -> int:
        return (await client.get(path)).status_code

    return await run_load(send, concurrency, plan.of(concurrency), warm_up=2, seconds=plan.seconds)


async def _replay(engine: AsyncEngine, captured: Capture, concurrency: int, plan: Plan) -> LoadResult:
    async def send() -> int:
        async with engine.connect() as connection:
            (await connection.exec_driver_sql(captured.main_query, captured.main_parameters)).fetchall()
        return 200

    return await run_load(send, concurrency, plan.of(concurrency), warm_up=2, seconds=plan.seconds)


def _line(name: str, concurrency: int, result: LoadResult) -> str:
    return (
        f"  {name:<42} {concurrency:>2} clients  p50 {result.p(0.5) * 1000:8.1f} ms  "
        f"p95 {result.p(0.95) * 1000:8.1f} ms  {result.rate:7.1f} req/s  other than 200: {result.failures_named()}"
    )
