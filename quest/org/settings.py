"""A force's settings, set by its headquarters (DESIGN §4): the response SLA (days to a first response and
to a decision), the productive hours of an FTE, and the rate card (an hourly rate for each grade, from a
date). Ideas read the SLA here, savings the productive hours and the rates; the settings page and the
rate card's API change them. Each page reads them once: a request's session keeps what it has read of
a force's settings (:func:`remember_settings`, also for a statement that read them with something else),
and forgets it when this module changes them.
"""

from __future__ import annotations

import datetime
import decimal
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Row, select
from sqlalchemy.ext.asyncio import AsyncSession

from quest import fields
from quest.accounts import access
from quest.accounts.access import Permission
from quest.accounts.identity import CurrentUser
from quest.audit.recorder import act_as
from quest.clock import EARLIEST_DATE
from quest.errors import NotFound, ValidationFailed
from quest.org.models import (
    DEFAULT_DECISION_DAYS,
    DEFAULT_FIRST_RESPONSE_DAYS,
    DEFAULT_PRODUCTIVE_HOURS,
    Force,
    ForceSettings,
)
from quest.records import filled
from quest.savings.models import RateCardEntry
from quest.savings.rules import DEFAULT_RATES, FY_START, Grade, Rate

D = decimal.Decimal
# The settings' limits (the page's and the API's: quest.org.settings_api's schema says them too).
MOST_FIRST_RESPONSE_DAYS = 365
MOST_DECISION_DAYS = 730
MOST_PRODUCTIVE_HOURS = D(8760)  # every hour of a year

# --- Reading them --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Sla:
    first_response_days: int = DEFAULT_FIRST_RESPONSE_DAYS
    decision_days: int = DEFAULT_DECISION_DAYS


@dataclass(frozen=True, slots=True)
class SettingsRead:
    """A force's settings as read (values, not the row: they outlive a rollback)."""

    first_response_days: int
    decision_days: int
    productive_hours_per_fte: D


_READ = "quest.org.settings.read"


def _read(session: AsyncSession) -> dict[uuid.UUID, SettingsRead]:
    read: dict[uuid.UUID, SettingsRead] = session.info.setdefault(_READ, {})
    return read


def remember_settings(session: AsyncSession, force_id: uuid.UUID, found: ForceSettings | None) -> None:
    """Keep the force's settings row (None: it has none), read with something else, for the rest of the
    session's request, so that nothing reads them again."""
    row = found or ForceSettings.defaults(force_id)
    _read(session)[force_id] = SettingsRead(row.first_response_days, row.decision_days, row.productive_hours_per_fte)


async def force_settings(session: AsyncSession, force_id: uuid.UUID) -> SettingsRead:
    """The force's settings, with the defaults where its headquarters has set none."""
    if force_id not in _read(session):
        found = (
            await session.execute(select(ForceSettings).where(ForceSettings.force_id == force_id))
        ).scalar_one_or_none()
        remember_settings(session, force_id, found)
    return _read(session)[force_id]


async def sla_of(session: AsyncSession, force_id: uuid.UUID | None) -> Sla:
    """The force's response SLA (the defaults for someone outside any force)."""
    if force_id is None:
        return Sla()
    settings = await force_settings(session, force_id)
    return Sla(settings.first_response_days, settings.decision_days)


async def productive_hours_of(session: AsyncSession, force_id: uuid.UUID | None) -> D:
    """The productive hours of an FTE in the force (the default for someone outside any force)."""
    if force_id is None:
        return DEFAULT_PRODUCTIVE_HOURS
    return (await force_settings(session, force_id)).productive_hours_per_fte


async def rates_of(session: AsyncSession, force_id: uuid.UUID) -> list[Rate]:
    """The force's rates, each from its date. Before a force's first rate for a grade (and where it has set
    none), the Home Office default applies, as if effective from the earliest date QUEST knows."""
    found = [
        Rate(grade, rate, effective_from)
        for grade, rate, effective_from in await session.execute(
            select(RateCardEntry.grade, RateCardEntry.hourly_rate, RateCardEntry.effective_from).where(
                RateCardEntry.force_id == force_id
            )
        )
    ]
    from_the_start = {rate.grade for rate in found if rate.effective_from <= EARLIEST_DATE}
    defaults = [
        Rate(grade, rate, EARLIEST_DATE, default=True)
        for grade, rate in DEFAULT_RATES.items()
        if grade not in from_the_start
    ]
    return sorted([*found, *defaults], key=lambda rate: (list(Grade).index(rate.grade), rate.effective_from))


# --- The settings page and the rate card's API -----------------------------------------------------------


async def _force_in_reach(
    session: AsyncSession, viewer: CurrentUser, force_code: str, permission: Permission
) -> Row[uuid.UUID, str, str, datetime.datetime | None]:
    """The force's id, code, name and when its results were published, if its settings are in the
    viewer's reach for ``permission``."""
    force = (
        await session.execute(
            select(Force.id, Force.code, Force.name, Force.public_since).where(Force.code == force_code.upper())
        )
    ).one_or_none()
    if force is None or not access.covers(viewer, permission, force_id=force.id):
        raise NotFound("force")
    return force


async def _managed_force(session: AsyncSession, viewer: CurrentUser, force_code: str) -> uuid.UUID:
    force_id: uuid.UUID = (await _force_in_reach(session, viewer, force_code, Permission.MANAGE_FORCE_SETTINGS)).id
    return force_id


@dataclass(frozen=True, slots=True)
class RateInput:
    """A rate as the settings page or the API gives it (``quest.org.settings_api.RateIn``): text as
    typed, the rate perhaps a JSON number."""

    grade: str = ""
    hourly_rate_gbp: float | str = ""
    effective_from: str = ""


def _check_rate(data: RateInput, errors: dict[str, str], prefix: str = "") -> tuple[Grade, D, datetime.date] | None:
    found: dict[str, str] = {}
    try:
        grade = Grade(data.grade)
    except ValueError:
        grade = Grade.PCSO
        found["grade"] = "Choose a grade"
    rate = fields.money(data.hourly_rate_gbp, "hourly_rate", "the rate", most=D(10000), errors=found)
    day = fields.date(data.effective_from, "effective_from", "the date it takes effect", example=FY_START, errors=found)
    errors.update({f"{prefix}{field}": message for field, message in found.items()})
    if found or rate is None or day is None:
        return None
    return grade, rate, day


async def _settings_row(session: AsyncSession, force_id: uuid.UUID) -> ForceSettings:
    """The force's settings row, made (with the defaults) if its headquarters has never saved one; to be
    changed, so what the session had read of them is forgotten."""
    _read(session).pop(force_id, None)
    found = (
        await session.execute(select(ForceSettings).where(ForceSettings.force_id == force_id))
    ).scalar_one_or_none()
    if found is None:
        found = ForceSettings.defaults(force_id)
        session.add(found)
    return found


async def update_rate_card(
    session: AsyncSession,
    viewer: CurrentUser,
    force_code: str,
    rates: Sequence[RateInput],
    *,
    productive_hours: float | str | None = None,
    prefix_errors: bool = True,
) -> None:
    """Add (or correct) rates, each for a grade from a date, and perhaps the productive hours of an FTE:
    all of it, or none if anything is wrong. Commits; every change is audited."""
    force_id = await _managed_force(session, viewer, force_code)
    errors: dict[str, str] = {}
    checked = [
        _check_rate(rate, errors, f"rates[{index}]." if prefix_errors else "") for index, rate in enumerate(rates)
    ]
    hours = None
    if productive_hours is not None:
        hours = fields.money(
            productive_hours, "productive_hours_per_fte", "productive hours", most=MOST_PRODUCTIVE_HOURS, errors=errors
        )
    if errors:
        raise ValidationFailed(errors)
    act_as(session, viewer.actor)
    for entry in checked:
        assert entry is not None
        grade, rate, day = entry
        existing = (
            await session.execute(
                select(RateCardEntry).where(
                    RateCardEntry.force_id == force_id,
                    RateCardEntry.grade == grade,
                    RateCardEntry.effective_from == day,
                )
            )
        ).scalar_one_or_none()
        if existing is None:
            session.add(RateCardEntry(force_id=force_id, grade=grade, hourly_rate=rate, effective_from=day))
        else:
            existing.hourly_rate = rate
    if hours is not None:
        (await _settings_row(session, force_id)).productive_hours_per_fte = hours
    await session.commit()


async def set_rate(
    session: AsyncSession, viewer: CurrentUser, force_code: str, grade: str, hourly_rate: str, effective_from: str
) -> None:
    """One rate, from the settings page (errors named by the form's own fields)."""
    await update_rate_card(
        session, viewer, force_code, [RateInput(grade, hourly_rate, effective_from)], prefix_errors=False
    )


@dataclass(frozen=True, slots=True)
class SettingsView:
    force_id: uuid.UUID
    force_code: str
    force_name: str
    first_response_days: int
    decision_days: int
    productive_hours_per_fte: D
    rates: list[Rate]
    # When the force's results page was published for the public (None: it is not).
    public_since: datetime.datetime | None = None
    may_publish: bool = False


async def settings_view(
    session: AsyncSession, viewer: CurrentUser, force_code: str, *, reading: bool = False
) -> SettingsView:
    """A force's settings and rate card: for its headquarters to change, or (``reading``) for those who
    claim, validate or compare savings to read."""
    permission = Permission.VIEW_RATE_CARD if reading else Permission.MANAGE_FORCE_SETTINGS
    force = await _force_in_reach(session, viewer, force_code, permission)
    settings = await force_settings(session, force.id)
    rates = await rates_of(session, force.id)
    return filled(
        SettingsView,
        settings,
        force_id=force.id,
        force_code=force.code,
        force_name=force.name,
        rates=rates,
        public_since=force.public_since,
        may_publish=access.covers(viewer, Permission.PUBLISH_RESULTS, force_id=force.id),
    )


async def publish_results(
    session: AsyncSession, viewer: CurrentUser, force_code: str, *, publish: bool | None, now: datetime.datetime
) -> bool:
    """Publish the force's results page for the public (from ``now``), or withdraw it (``publish`` None:
    neither was chosen, an error): its headquarters (and an administrator) alone; NotFound for anyone
    else. Publishing a page already published keeps its date. Commits; the change is audited. Returns
    whether the page is now published."""
    access.require(viewer, Permission.PUBLISH_RESULTS)
    force_id = (await _force_in_reach(session, viewer, force_code, Permission.PUBLISH_RESULTS)).id
    if publish is None:
        raise ValidationFailed({"publish": "Choose whether to publish the results page or withdraw it"})
    force = (await session.execute(select(Force).where(Force.id == force_id))).scalar_one()
    act_as(session, viewer.actor)
    if publish and force.public_since is None:
        force.public_since = now
    elif not publish:
        force.public_since = None
    await session.commit()
    return publish


async def update_settings(
    session: AsyncSession,
    viewer: CurrentUser,
    force_code: str,
    first_response_days: float | str,
    decision_days: float | str,
    productive_hours: float | str,
) -> None:
    """Change the force's response SLA and the productive hours of an FTE: all three, or nothing if any is
    wrong. Commits; the change is audited."""
    force_id = await _managed_force(session, viewer, force_code)
    errors: dict[str, str] = {}

    first = fields.whole_number(
        first_response_days,
        "first_response_days",
        "the time to a first response",
        least=1,
        most=MOST_FIRST_RESPONSE_DAYS,
        unit="days",
        errors=errors,
    )
    decision = fields.whole_number(
        decision_days,
        "decision_days",
        "the time to a decision",
        least=1,
        most=MOST_DECISION_DAYS,
        unit="days",
        errors=errors,
    )
    hours = fields.money(
        productive_hours, "productive_hours_per_fte", "productive hours", most=MOST_PRODUCTIVE_HOURS, errors=errors
    )
    if first is not None and decision is not None and decision < first and not errors:
        errors["decision_days"] = "The time to a decision cannot be shorter than the time to a first response"
    if errors or hours is None or first is None or decision is None:
        raise ValidationFailed(errors)
    act_as(session, viewer.actor)
    settings = await _settings_row(session, force_id)
    settings.first_response_days = first
    settings.decision_days = decision
    settings.productive_hours_per_fte = hours
    await session.commit()
