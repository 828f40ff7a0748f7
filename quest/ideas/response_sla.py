"""The response SLA's clock (DESIGN §2): which ideas still wait for a first response or a decision, and
which of them are overdue, judged one by one (:func:`sla_flags`) or asked of the database
(:func:`overdue_clauses`). The room other domains (home pages, dashboards) take it from."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_

from quest.ideas.models import Idea
from quest.ideas.status import IdeaStatus
from quest.org.settings import Sla

# Which open ideas still wait for each answer: only these can be overdue for it. Parked ideas have had a
# decision to wait, with a reason.
AWAITING_FIRST_RESPONSE = (IdeaStatus.SUBMITTED,)
AWAITING_DECISION = (IdeaStatus.SUBMITTED, IdeaStatus.UNDER_REVIEW)


@dataclass(frozen=True, slots=True)
class Deadlines:
    """An idea raised before ``first_response`` (or ``decision``) and still waiting for it is overdue: the
    SLA's days counted back from now, so a list can be asked for its overdue ideas in SQL."""

    first_response: datetime.datetime
    decision: datetime.datetime


def deadlines(now: datetime.datetime, sla: Sla) -> Deadlines:
    return Deadlines(
        now - datetime.timedelta(days=sla.first_response_days), now - datetime.timedelta(days=sla.decision_days)
    )


def sla_flags(status: IdeaStatus, created_at: datetime.datetime, now: datetime.datetime, sla: Sla) -> tuple[bool, bool]:
    """(first response overdue, decision overdue)."""
    due = deadlines(now, sla)
    return (
        status in AWAITING_FIRST_RESPONSE and created_at < due.first_response,
        status in AWAITING_DECISION and created_at < due.decision,
    )


def overdue_clauses(due: Deadlines) -> tuple[ColumnElement[bool], ColumnElement[bool]]:
    """:func:`sla_flags` as WHERE clauses over ideas: (first response overdue, decision overdue)."""
    return (
        and_(Idea.status.in_(AWAITING_FIRST_RESPONSE), Idea.created_at < due.first_response),
        and_(Idea.status.in_(AWAITING_DECISION), Idea.created_at < due.decision),
    )
