"""What each idea's link to a measure shows, kept (:class:`quest.metrics.models.LinkJudgement`): judged
again whenever the measure's readings or links change, in the same transaction, by the pure rules the
idea's own page uses (:func:`judged`), so that a validator's list proposes a grade for fifty claims, and
the dashboards count sustained improvements, from a few rows; and the division's managers are told (an
entry on the idea's timeline, and a notification) when an improvement turns to slipping.

Sustainment checks fall due as time passes, not only as readings come in: a state is judged as of the
day of the last change to its measure. Measures are read every day, week or month, and each reading
judges them again; the idea's own page judges them afresh on every view.
"""

from __future__ import annotations

import datetime
import decimal
import uuid
from collections import defaultdict
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, case, delete, func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from quest.clock import LONDON
from quest.ideas.models import Idea
from quest.ideas.record import add_event
from quest.metrics.impact import before_and_after
from quest.metrics.models import IdeaMetric, LinkJudgement, Metric, Reading
from quest.metrics.sustainment import Check, Sustained, checks, state_of
from quest.metrics.vocabulary import Direction, MetricRole
from quest.notifications.services import Audience, notify


@dataclass(frozen=True, slots=True)
class Turned:
    """A link whose state turned to slipping: the idea, the measure and why."""

    idea_id: uuid.UUID
    metric_name: str
    check: Check


def judged(
    series: Sequence[tuple[datetime.date, decimal.Decimal]],
    entered_on: Mapping[datetime.date, datetime.date],
    change_date: datetime.date,
    changes: Collection[datetime.date],
    direction: Direction,
    role: MetricRole,
    today: datetime.date,
) -> tuple[dict[str, Any], list[Check]]:
    """A link's judgement (the columns of :class:`LinkJudgement` it sets) and, for an outcome, its
    sustainment checks: pure, from the measure's readings (``entered_on``: the London day each was
    entered) and every change date of the measure."""
    impact = before_and_after(series, change_date, direction, changes)
    found = checks(series, change_date, direction, today, changes) if role is MetricRole.OUTCOME else []
    due = [check for check in found if check.is_due(today)]
    return {
        "baseline_points": impact.points_before,
        "back_filled": impact.back_filled(entered_on),
        "improvement": impact.improvement,
        "worsened": bool(impact.worsened),
        "months": due[-1].months if due else 0,
        "sustained": state_of(found, today),
        "judged_on": today,
    }, due


def judge_with(connection: Connection, metric_ids: Collection[uuid.UUID], today: datetime.date) -> list[Turned]:
    """Judge every link of the measures ``metric_ids`` as of ``today`` and keep the judgements; returns
    the outcome links that turned to slipping. Three statements and a write: the links, the readings, the
    judgements before."""
    ids = sorted(set(metric_ids))
    if not ids:
        return []
    links = connection.execute(
        select(
            IdeaMetric.id,
            IdeaMetric.idea_id,
            IdeaMetric.metric_id,
            IdeaMetric.change_date,
            IdeaMetric.role,
            Idea.division_id,
            Idea.force_id,
            Metric.direction,
            Metric.name,
        )
        .join(Idea, Idea.id == IdeaMetric.idea_id)
        .join(Metric, Metric.id == IdeaMetric.metric_id)
        .where(IdeaMetric.metric_id.in_(ids))
    ).all()
    if not links:
        return []
    changes: dict[uuid.UUID, set[datetime.date]] = defaultdict(set)
    for link in links:
        changes[link.metric_id].add(link.change_date)
    series: dict[uuid.UUID, list[tuple[datetime.date, decimal.Decimal]]] = defaultdict(list)
    entered_on: dict[uuid.UUID, dict[datetime.date, datetime.date]] = defaultdict(dict)
    for metric_id, day, value, entered_at in connection.execute(
        select(Reading.metric_id, Reading.period_date, Reading.value, Reading.entered_at)
        .where(Reading.metric_id.in_(changes))
        .order_by(Reading.metric_id, Reading.period_date)
    ):
        series[metric_id].append((day, value))
        entered_on[metric_id][day] = entered_at.astimezone(LONDON).date()
    link_ids = [link.id for link in links]
    before = dict(
        connection.execute(
            select(LinkJudgement.link_id, LinkJudgement.sustained).where(LinkJudgement.link_id.in_(link_ids))
        ).all()
    )
    rows, turned = [], []
    for link in links:
        judgement, due = judged(
            series[link.metric_id],
            entered_on[link.metric_id],
            link.change_date,
            changes[link.metric_id],
            link.direction,
            link.role,
            today,
        )
        rows.append(
            {
                "link_id": link.id,
                "idea_id": link.idea_id,
                "metric_id": link.metric_id,
                "division_id": link.division_id,
                "force_id": link.force_id,
                "role": link.role,
                **judgement,
            }
        )
        if judgement["sustained"] is Sustained.SLIPPING and before.get(link.id) is not Sustained.SLIPPING:
            turned.append(Turned(link.idea_id, link.name, due[-1]))
    connection.execute(delete(LinkJudgement).where(LinkJudgement.link_id.in_(link_ids)))
    connection.execute(insert(LinkJudgement), rows)
    return turned


async def judge(session: AsyncSession, metric_ids: Collection[uuid.UUID], now: datetime.datetime) -> list[Turned]:
    """:func:`judge_with` in the caller's transaction (after what it changed is flushed), as of ``now``'s
    day in London."""
    await session.flush()
    today = now.astimezone(LONDON).date()
    turned = await session.run_sync(lambda sync: judge_with(sync.connection(), metric_ids, today))
    for slipped in turned:
        idea = await session.get_one(Idea, slipped.idea_id)
        event = await add_event(
            session,
            idea,
            kind="slipping",
            actor_id=None,
            now=now,
            body=f"The improvement on “{slipped.metric_name}” is slipping at {slipped.check.months} months: "
            f"{slipped.check.why}.",
            details={"months": slipped.check.months},
        )
        await notify(session, Audience.MANAGERS, idea, event=event, actor_id=None, now=now)
    return turned


def judge_everywhere(connection: Connection, today: datetime.date | None = None, *, at_once: int = 500) -> None:
    """Every measure's links judged (for the migration that made the states, and bulk loads)."""
    day = today or datetime.datetime.now(LONDON).date()
    ids = list(connection.execute(select(IdeaMetric.metric_id).distinct().order_by(IdeaMetric.metric_id)).scalars())
    for start in range(0, len(ids), at_once):
        judge_with(connection, ids[start : start + at_once], day)


# What improvements are counted by: each division, or each force.
BY_DIVISION = LinkJudgement.division_id
BY_FORCE = LinkJudgement.force_id


async def improvements_by(
    session: AsyncSession, unit_ids: Collection[uuid.UUID], unit: Any = BY_DIVISION
) -> dict[uuid.UUID, dict[Sustained, int]]:
    """For each of ``unit_ids`` (divisions, or forces with ``unit`` :data:`BY_FORCE`): how many of its
    ideas judged by outcome measures are sustained, slipping or not yet known, as last judged. An idea's
    state over its outcomes is :func:`quest.metrics.sustainment.idea_state` (slipping if any slips,
    sustained if all are), asked of the database: one statement, one row a unit, grouped twice (by idea,
    then by unit) over the kept judgements, whatever the number of ideas. A test holds it to the rule."""
    ids = list(dict.fromkeys(unit_ids))
    if not ids:
        return {}
    judgement = LinkJudgement
    by_idea = (
        select(
            unit.label("unit"),
            func.sum(case((judgement.sustained == Sustained.SLIPPING, 1), else_=0)).label("slipping"),
            func.sum(case((judgement.sustained == Sustained.SUSTAINED, 1), else_=0)).label("sustained"),
            func.count().label("outcomes"),
        )
        .where(unit.in_(ids), judgement.role == MetricRole.OUTCOME)
        .group_by(unit, judgement.idea_id)
        .subquery("by_idea")
    )
    slipping = by_idea.c.slipping > 0
    rows = await session.execute(
        select(
            by_idea.c.unit,
            func.count().label("judged"),
            func.sum(case((slipping, 1), else_=0)).label("slipping"),
            func.sum(case((~slipping & (by_idea.c.sustained == by_idea.c.outcomes), 1), else_=0)).label("sustained"),
        ).group_by(by_idea.c.unit)
    )
    found = {unit_id: dict.fromkeys(Sustained, 0) for unit_id in ids}
    for row in rows:
        counted = found[row.unit]
        counted[Sustained.SLIPPING] = int(row.slipping)
        counted[Sustained.SUSTAINED] = int(row.sustained)
        counted[Sustained.NOT_YET_KNOWN] = int(row.judged) - int(row.slipping) - int(row.sustained)
    return found
