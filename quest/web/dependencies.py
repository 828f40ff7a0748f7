"""The dependencies handlers declare by name (Litestar 3 needs them explicit).

``create_app`` provides them all once, for every handler (:data:`PROVIDED`); a handler asks for one by
naming a parameter after it, with its type here:

- ``db_session: DatabaseSession`` and ``db_engine: DatabaseEngine``, from the Advanced Alchemy plugin;
- ``viewer: Viewer``, the signed-in user (only on routes that need a sign-in: a public route has none);
- ``now: Now``, the app clock's time (UTC), and ``today: Today``, the date in the UK at that time. One
  request sees one time, however many of them it asks for;
- ``forces_figures: KeptForcesFigures``, every force's figures as this process keeps them for the
  national comparison;
- ``kept_readings: KeptMeasuresReadings``, the measures' readings and SPC this process keeps under their
  readings' version, for a division's dashboard.
"""

from __future__ import annotations

import datetime
from typing import Any

from litestar import Request
from litestar.di import NamedDependency, Provide
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from quest.accounts.authentication import signed_in_user
from quest.accounts.identity import CurrentUser
from quest.clock import LONDON, Clock
from quest.dashboards.forces_figures import ForcesFigures
from quest.metrics.kept import KeptReadings
from quest.web.state import CLOCK, FORCES_FIGURES, KEPT_READINGS

# The request's database session and the engine, provided by the Advanced Alchemy plugin.
DatabaseSession = NamedDependency[AsyncSession]
DatabaseEngine = NamedDependency[AsyncEngine]
# Provided by create_app (PROVIDED).
Viewer = NamedDependency[CurrentUser]
Now = NamedDependency[datetime.datetime]
Today = NamedDependency[datetime.date]
KeptForcesFigures = NamedDependency[ForcesFigures]
KeptMeasuresReadings = NamedDependency[KeptReadings]


def provide_viewer(request: Request[Any, Any, Any]) -> CurrentUser:
    return signed_in_user(request)


def provide_now(request: Request[Any, Any, Any]) -> datetime.datetime:
    clock: Clock = request.app.state[CLOCK]
    return clock.now()


def provide_today(now: Now) -> datetime.date:
    return now.astimezone(LONDON).date()


def provide_forces_figures(request: Request[Any, Any, Any]) -> ForcesFigures:
    figures: ForcesFigures = request.app.state[FORCES_FIGURES]
    return figures


def provide_kept_readings(request: Request[Any, Any, Any]) -> KeptReadings:
    kept: KeptReadings = request.app.state[KEPT_READINGS]
    return kept


PROVIDED = {
    "viewer": Provide(provide_viewer, sync_to_thread=False),
    "now": Provide(provide_now, sync_to_thread=False),
    "today": Provide(provide_today, sync_to_thread=False),
    "forces_figures": Provide(provide_forces_figures, sync_to_thread=False),
    "kept_readings": Provide(provide_kept_readings, sync_to_thread=False),
}
