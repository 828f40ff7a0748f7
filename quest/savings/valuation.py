"""Time valued at the rate card (DESIGN §2, Savings ledger): hours at a grade, at the force's rate for
that grade in force on a day. One piece of code for a claim's time released and an idea's cost in time
(:mod:`quest.savings.services`, :mod:`quest.savings.idea_costs`), so the two can never be valued apart.
"""

from __future__ import annotations

import datetime
import decimal
import uuid
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from quest import fields
from quest.org.settings import rates_of
from quest.savings.rules import Grade, rate_on, value_of_hours

D = decimal.Decimal
# The most a claim's (or a cost's) amount or hours may be: anything more is a typing mistake.
MAX_AMOUNT = D("100000000")
MAX_HOURS = D("10000000")


@dataclass(frozen=True, slots=True)
class Valued:
    """The rate used (kept on the record, so a later change of rate does not rewrite history) and what
    the hours come to at it; both None when they cannot be valued (no hours yet, or no rate)."""

    rate: D | None
    amount: D | None


async def value_time(
    session: AsyncSession,
    force_id: uuid.UUID,
    hours: D,
    grade: Grade | None,
    day: datetime.date | None,
    errors: fields.Errors,
) -> Valued:
    """``hours`` of ``grade`` at the force's rate in force on ``day``. A grade the force has no rate for
    on that day is an error on ``grade``; with no grade or no day (already errors of their own) nothing
    is valued. No hours: the rate, and no amount (the hours' own field says what is wrong)."""
    if grade is None or day is None:
        return Valued(None, None)
    found = rate_on(await rates_of(session, force_id), grade, day)
    if found is None:
        errors["grade"] = f"The force has no rate for {grade.label} on {day:%d %B %Y}"
        return Valued(None, None)
    return Valued(found.hourly, value_of_hours(hours, found.hourly) if hours else None)
