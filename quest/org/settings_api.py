"""A force's rate card in the JSON API (DESIGN §6): its rates, each for a grade from a date, and the
productive hours of an FTE; read by those who claim, validate or compare savings, changed by its
headquarters."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from litestar import Controller, get, put
from litestar.params import FromPath, JSONBody

from quest.org import settings
from quest.web.api_answers import answer
from quest.web.api_errors import refusals
from quest.web.dependencies import DatabaseSession, Viewer


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
