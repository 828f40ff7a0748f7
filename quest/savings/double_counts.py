"""Possible double counts, asked of the database, and the groups of them kept.

The rule is :func:`quest.savings.rules.may_double_count`, for a pair of claims, and
:func:`quest.savings.rules.double_counts`, which chains the pairs into groups. Here the same questions are
put to the database (:func:`double_count_pairs`, held to the rule by a test, and
:func:`double_count_links`, the same groups from a link a claim), and the groups are kept in
:class:`quest.savings.models.DoubleCountMember`: :func:`regroup` recomputes a division's groups in the
transaction of every change that can move a claim into or out of one (a claim recorded or superseded, a
claim rejected, an idea judged by a measure or no longer), so a page of the groups in a force, or in the
country, reads those groups alone, never every claim in reach.
"""

from __future__ import annotations

import dataclasses
import datetime
import uuid
from collections.abc import Collection
from typing import Any

from sqlalchemy import (
    ColumnElement,
    CompoundSelect,
    Connection,
    Date,
    Select,
    and_,
    case,
    delete,
    func,
    insert,
    literal,
    or_,
    select,
    union,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from quest.metrics.models import IdeaMetric, Metric
from quest.org.models import Division
from quest.records import filled
from quest.savings.models import DoubleCountMember, SavingsClaim
from quest.savings.rules import ClaimFacts, ClaimStatus, counted, double_counts
from quest.savings.year_sums import resum_with

LIVE = tuple(status for status in ClaimStatus if status.live)

# The columns a claim's facts are read from (every field of ClaimFacts but the changes to measures it
# rests on, which only the double-count queries use), and the ids among them, which the facts hold as text.
FACT_COLUMNS = tuple(field.name for field in dataclasses.fields(ClaimFacts) if field.name != "measure_changes")
_IDS = frozenset({"id", "division_id", "idea_id"})


def facts_of(where: ColumnElement[bool]) -> Select[Any]:
    """The facts of the claims ``where`` selects (rows for :func:`claim_facts`)."""
    return select(*(getattr(SavingsClaim, name) for name in FACT_COLUMNS)).where(where)


def claim_facts(row: Any) -> ClaimFacts:
    """A row of :func:`facts_of` as the rule's facts."""
    return filled(ClaimFacts, row, **{name: str(getattr(row, name)) for name in _IDS}, measure_changes=frozenset())


# --- The rule, asked of the database ---------------------------------------------------------------------


def _live_pairs(where: ColumnElement[bool]) -> tuple[Any, Any, tuple[ColumnElement[bool], ...]]:
    """The two claims of a pair (``where`` selects the first, :class:`SavingsClaim`), and what holds of any
    pair: both live, in one division (so in one reach), over overlapping periods."""
    first, second = SavingsClaim, aliased(SavingsClaim)
    both = (
        where,
        first.status.in_(LIVE),
        second.status.in_(LIVE),
        second.division_id == first.division_id,
        first.id < second.id,
        or_(second.period_end.is_(None), first.period_start <= second.period_end),
        or_(first.period_end.is_(None), second.period_start <= first.period_end),
    )
    return first, second, both


def pairs_by_measure(where: ColumnElement[bool]) -> Select[uuid.UUID, uuid.UUID]:
    """The pairs of claims of two ideas resting on one change to a measure (the same measure and change
    date): :func:`quest.savings.rules.rests_on`, they name it, or their mechanism is its name."""
    first, second, both = _live_pairs(where)
    first_link, second_link = aliased(IdeaMetric), aliased(IdeaMetric)
    return (
        select(first.id.label("first_id"), second.id.label("second_id"))
        .join(first_link, first_link.idea_id == first.idea_id)
        .join(Metric, Metric.id == first_link.metric_id)
        .join(
            second_link,
            and_(
                second_link.metric_id == first_link.metric_id,
                second_link.change_date == first_link.change_date,
                second_link.idea_id != first.idea_id,
            ),
        )
        .join(second, second.idea_id == second_link.idea_id)
        .where(
            *both,
            or_(first.metric_id == Metric.id, first._mechanism_key == Metric._name_key),
            or_(second.metric_id == Metric.id, second._mechanism_key == Metric._name_key),
        )
    )


def pairs_by_mechanism(where: ColumnElement[bool]) -> Select[uuid.UUID, uuid.UUID]:
    """The pairs of claims on one mechanism (its matching key)."""
    first, second, both = _live_pairs(where)
    return select(first.id.label("first_id"), second.id.label("second_id")).where(
        *both, second._mechanism_key == first._mechanism_key
    )


def double_count_pairs(where: ColumnElement[bool]) -> CompoundSelect[uuid.UUID, uuid.UUID]:
    """The pairs of claims that may count one saving twice, each once (the lesser id first): the rule of
    :func:`quest.savings.rules.may_double_count`, asked of the database. A self-join of the live claims
    ``where`` selects (written on :class:`SavingsClaim`, the first of the pair; the second is in its
    division, so in the same reach) on division and overlapping periods, and either the same mechanism
    or, for two ideas, one change to a measure that both rest on (:func:`pairs_by_measure`).

    Every pair: n² of them for n claims on one mechanism, so groups are made from
    :func:`double_count_links` instead, whose links are built from this one's parts; this is the rule's
    twin, held to it by a test."""
    return union(pairs_by_mechanism(where), pairs_by_measure(where))


_LAST_DAY = literal(datetime.date.max, Date)


def mechanism_chains(where: ColumnElement[bool]) -> Select[uuid.UUID, uuid.UUID]:
    """The claims on one mechanism that may double count, as links of each claim to the oldest-starting
    claim of its group: a link a claim, not every pair. Claims of one division and mechanism in the
    order they start: a claim that starts after every earlier one has ended (the running latest end,
    a window) begins a new run, and a run is a group of :func:`quest.savings.rules.may_double_count`
    by mechanism (each claim of a run overlaps one before it, and none overlaps a claim of another).
    ``where`` must select whole divisions."""
    bucket = (SavingsClaim.division_id, SavingsClaim._mechanism_key)
    in_order = (SavingsClaim.period_start, SavingsClaim.id)
    ended = (
        select(
            SavingsClaim.division_id,
            SavingsClaim._mechanism_key.label("mechanism_key"),
            *in_order,
            func.max(func.coalesce(SavingsClaim.period_end, _LAST_DAY))
            .over(partition_by=bucket, order_by=in_order, rows=(None, -1))
            .label("ended"),
        )
        .where(where, SavingsClaim.status.in_(LIVE))
        .subquery("ended")
    )
    runs = select(
        ended.c.id,
        func.sum(case((or_(ended.c.ended.is_(None), ended.c.period_start > ended.c.ended), 1), else_=0))
        .over(partition_by=(ended.c.division_id, ended.c.mechanism_key), order_by=(ended.c.period_start, ended.c.id))
        .label("run"),
        *(ended.c[name] for name in ("division_id", "mechanism_key", "period_start")),
    ).subquery("runs")
    anchored = select(
        runs.c.id,
        func.first_value(runs.c.id, type_=SavingsClaim.id.type)
        .over(
            partition_by=(runs.c.division_id, runs.c.mechanism_key, runs.c.run),
            order_by=(runs.c.period_start, runs.c.id),
        )
        .label("anchor"),
    ).subquery("anchored")
    return select(anchored.c.anchor.label("first_id"), anchored.c.id.label("second_id")).where(
        anchored.c.id != anchored.c.anchor
    )


def double_count_links(where: ColumnElement[bool]) -> CompoundSelect[uuid.UUID, uuid.UUID]:
    """Links between claims that may count one saving twice, whose connected components are those of
    :func:`double_count_pairs` (the double-count groups) but which are not every pair: on a mechanism,
    a link a claim (:func:`mechanism_chains`); through a shared change to a measure, the pairs (two
    ideas sharing one change to a measure on one day are few). ``where`` must select whole divisions."""
    return union(mechanism_chains(where), pairs_by_measure(where))


# --- The groups kept ---------------------------------------------------------------------------------------


def group_links(rows: Collection[tuple[uuid.UUID, uuid.UUID]]) -> set[tuple[str, str]]:
    """Kept memberships (claim, group) as links for the rule, each the lesser id first: a link from each
    claim to its group's oldest, so their connected components are the groups."""
    return {(min(str(claim), str(group)), max(str(claim), str(group))) for claim, group in rows if claim != group}


async def regroup(session: AsyncSession, division_ids: Collection[uuid.UUID]) -> None:
    """Recompute the double-count groups of the divisions ``division_ids`` from their claims, in the
    caller's transaction (after what it has changed is flushed)."""
    if division_ids:
        await session.flush()
        await session.run_sync(lambda sync: regroup_with(sync.connection(), division_ids))


def regroup_with(connection: Connection, division_ids: Collection[uuid.UUID], *, year_sums: bool = True) -> None:
    """:func:`regroup` on a connection (also for the migrations and the national dataset). Three
    statements and the rule: the links of the divisions' live claims and the facts of those claims, their
    groups by :func:`quest.savings.rules.double_counts`, and the divisions' groups replaced; then, with
    ``year_sums``, the divisions' savings by year (:func:`quest.savings.year_sums.resum_with`) from the
    claims that count (the migration that made the groups ran before there was a rollup of them).

    On PostgreSQL the divisions' rows are locked first (``FOR NO KEY UPDATE``, which a claim being
    inserted meanwhile, holding only a key share of its division, does not wait for), so two
    transactions regroup one division in turn, and the second, reading after the first committed,
    sees its claim. SQLite writes one transaction at a time anyway."""
    ids = sorted(set(division_ids))
    locked = connection.execute(
        select(Division.id, Division.force_id)
        .where(Division.id.in_(ids))
        .order_by(Division.id)
        .with_for_update(key_share=True)
    )
    forces: dict[uuid.UUID, uuid.UUID] = {row.id: row.force_id for row in locked}
    in_divisions = SavingsClaim.division_id.in_(ids)
    links = {
        (min(str(first), str(second)), max(str(first), str(second)))
        for first, second in connection.execute(double_count_links(in_divisions))
    }
    facts = [
        claim_facts(row) for row in connection.execute(facts_of(and_(in_divisions, SavingsClaim.status.in_(LIVE))))
    ]
    groups = double_counts(facts, links)
    members = [
        {
            "claim_id": uuid.UUID(claim.id),
            "group_id": uuid.UUID(group[0].id),
            "opened_at": group[0].created_at,
            "division_id": uuid.UUID(claim.division_id),
            "force_id": forces[uuid.UUID(claim.division_id)],
        }
        for group in groups
        for claim in group
    ]
    connection.execute(delete(DoubleCountMember).where(DoubleCountMember.division_id.in_(ids)))
    if members:
        connection.execute(insert(DoubleCountMember), members)
    if year_sums:
        by_division: dict[uuid.UUID, list[ClaimFacts]] = {division_id: [] for division_id in ids}
        for claim in counted(facts, groups):
            by_division[uuid.UUID(claim.division_id)].append(claim)
        groups_of: dict[uuid.UUID, list[list[ClaimFacts]]] = {division_id: [] for division_id in ids}
        for group in groups:
            groups_of[uuid.UUID(group[0].division_id)].append(group)
        resum_with(connection, ids, by_division, groups_of, forces)


async def regroup_all(session: AsyncSession) -> None:
    """Every division's groups recomputed, in the caller's transaction: for claims written in bulk (the
    demos), where nobody else writes."""
    await session.flush()
    await session.run_sync(lambda sync: regroup_everywhere(sync.connection()))


def regroup_everywhere(connection: Connection, *, divisions_at_once: int = 50, year_sums: bool = True) -> None:
    """Every division's groups recomputed (:func:`regroup_with`), a few divisions at a time."""
    ids = list(connection.execute(select(Division.id).order_by(Division.id)).scalars())
    for start in range(0, len(ids), divisions_at_once):
        regroup_with(connection, ids[start : start + divisions_at_once], year_sums=year_sums)
