"""A force's settings in the JSON API: its rate card (DESIGN §6), its rates, each for a grade from a date,
and the productive hours of an FTE, read by those who claim, validate or compare savings and changed by
its headquarters; and, as the settings page has them, for its headquarters alone: the response SLA with
the productive hours, and publishing the force's results page for the public."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Annotated

from litestar import Controller, get, put
from litestar.params import FromPath, JSONBody

from quest.org import settings
from quest.web import api_schema
from quest.web.api_answers import answer
from quest.web.api_errors import refusals
from quest.web.dependencies import DatabaseSession, Now, Viewer


@dataclass(frozen=True)
class RateOut:
    grade: str
    hourly_rate_gbp: str
    effective_from: datetime.date
    default: bool


@dataclass(frozen=True)
class RateCardOut:
    force_code: str
    productive_hours_per_fte: float
    rates: list[RateOut]


@dataclass(frozen=True, slots=True)
class RateIn(settings.RateInput):
    """A rate as the API sends it: the settings page's fields, judged by the same service."""


@dataclass
class RateCardIn:
    rates: list[RateIn]
    productive_hours_per_fte: float | str | None = None


async def _rate_card(db_session: DatabaseSession, viewer: Viewer, force_code: str) -> RateCardOut:
    view = await settings.settings_view(db_session, viewer, force_code, reading=True)
    rates = [answer(RateOut, rate, hourly_rate_gbp=f"{rate.hourly:.2f}") for rate in view.rates]
    return answer(RateCardOut, view, rates=rates)


class RateCardApi(Controller):
    path = "/api/v1/forces/{force_code:str}/rate-card"
    tags = ["Savings"]

    @get("/", summary="A force's rate card", operation_id="getRateCard", responses=refusals(404))
    async def show(self, db_session: DatabaseSession, viewer: Viewer, force_code: FromPath[str]) -> RateCardOut:
        return await _rate_card(db_session, viewer, force_code)

    @put(
        "/",
        summary="Add or correct rates (and productive hours)",
        operation_id="putRateCard",
        responses=refusals(404, 422),
    )
    async def update(
        self, db_session: DatabaseSession, viewer: Viewer, force_code: FromPath[str], data: JSONBody[RateCardIn]
    ) -> RateCardOut:
        await settings.update_rate_card(
            db_session,
            viewer,
            force_code,
            data.rates,
            productive_hours=data.productive_hours_per_fte,
        )
        return await _rate_card(db_session, viewer, force_code)


@dataclass(frozen=True)
class ForceSettingsOut:
    force_code: str
    first_response_days: int
    decision_days: int
    productive_hours_per_fte: float


@dataclass
class ForceSettingsIn:
    """The settings page's first form: all three fields, judged by the same service (a day count that is
    not whole is its 422, not a 400)."""

    first_response_days: Annotated[
        int | float | str,
        api_schema.number(
            required=True,
            whole=True,
            minimum=1,
            maximum=settings.MOST_FIRST_RESPONSE_DAYS,
            description="Days an idea may wait for its first response",
            example=14,
        ),
    ] = ""
    decision_days: Annotated[
        int | float | str,
        api_schema.number(
            required=True,
            whole=True,
            minimum=1,
            maximum=settings.MOST_DECISION_DAYS,
            description="Days an idea may wait for a decision: no fewer than first_response_days",
            example=30,
        ),
    ] = ""
    productive_hours_per_fte: Annotated[
        float | str,
        api_schema.number(
            required=True,
            exclusive_minimum=0,
            maximum=float(settings.MOST_PRODUCTIVE_HOURS),
            places=2,
            description="The productive hours of a full-time post in a year, which savings of time are valued by",
            example=1650,
        ),
    ] = ""


async def _force_settings(db_session: DatabaseSession, viewer: Viewer, force_code: str) -> ForceSettingsOut:
    view = await settings.settings_view(db_session, viewer, force_code)
    return answer(ForceSettingsOut, view)


@dataclass(frozen=True)
class PublicationOut:
    force_code: str
    published: bool
    # When the page was published (null: it is not).
    public_since: datetime.datetime | None
    # Where the public read it (null: it is not published).
    public_url: str | None


@dataclass
class PublicationIn:
    publish: Annotated[
        bool | None,
        api_schema.BodyField(
            required=True,
            description="true: publish the force's results page for anyone to read (a page already published "
            "keeps its date); false: withdraw it",
            schema_extra={"examples": [True]},
        ),
    ] = None


async def _publication(db_session: DatabaseSession, viewer: Viewer, force_code: str) -> PublicationOut:
    view = await settings.settings_view(db_session, viewer, force_code)
    published = view.public_since is not None
    return PublicationOut(
        view.force_code, published, view.public_since, f"/public/{view.force_code}" if published else None
    )


class ForceSettingsApi(Controller):
    path = "/api/v1/forces/{force_code:str}/settings"
    tags = ["Organisation"]

    @get(
        "/",
        summary="A force's response SLA and productive hours",
        operation_id="getForceSettings",
        responses=refusals(404),
    )
    async def show(self, db_session: DatabaseSession, viewer: Viewer, force_code: FromPath[str]) -> ForceSettingsOut:
        return await _force_settings(db_session, viewer, force_code)

    @put(
        "/",
        summary="Change a force's response SLA and productive hours",
        operation_id="putForceSettings",
        responses=refusals(404, 422),
    )
    async def update(
        self, db_session: DatabaseSession, viewer: Viewer, force_code: FromPath[str], data: JSONBody[ForceSettingsIn]
    ) -> ForceSettingsOut:
        await settings.update_settings(
            db_session,
            viewer,
            force_code,
            data.first_response_days,
            data.decision_days,
            data.productive_hours_per_fte,
        )
        return await _force_settings(db_session, viewer, force_code)

    @get(
        "/publication",
        summary="Whether a force's results page is published for the public",
        operation_id="getPublication",
        responses=refusals(404),
    )
    async def publication(
        self, db_session: DatabaseSession, viewer: Viewer, force_code: FromPath[str]
    ) -> PublicationOut:
        return await _publication(db_session, viewer, force_code)

    @put(
        "/publication",
        summary="Publish a force's results page for the public, or withdraw it",
        operation_id="putPublication",
        responses=refusals(404, 422),
    )
    async def publish(
        self,
        db_session: DatabaseSession,
        viewer: Viewer,
        now: Now,
        force_code: FromPath[str],
        data: JSONBody[PublicationIn],
    ) -> PublicationOut:
        await settings.publish_results(db_session, viewer, force_code, publish=data.publish, now=now)
        return await _publication(db_session, viewer, force_code)
