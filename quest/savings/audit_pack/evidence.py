"""The Evidence part of the audit pack: what each claim rests on, worked out for a batch of claims at a
time: the measure it names (or whose name is its mechanism), that measure's baseline before the change,
the after-period against the baseline's limits, the idea's balancing measures, whether its costs are
recorded, and the grade the facts support now (:mod:`quest.savings.claim_evidence`)."""

from __future__ import annotations

import datetime
import decimal
import uuid
from collections import defaultdict
from collections.abc import Collection, Sequence
from fractions import Fraction

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from quest.metrics.impact import Impact, before_and_after
from quest.metrics.models import IdeaMetric, Metric
from quest.metrics.series import Window, readings_of_each
from quest.metrics.spc import PointType
from quest.metrics.vocabulary import Direction, MetricRole
from quest.savings.audit_pack.rows import PackClaim, PackEvidence
from quest.savings.claim_evidence import evidence_from, links_shown

D = decimal.Decimal


def _number(value: Fraction | D | None, places: str = "0.01") -> D | None:
    if value is None:
        return None
    exact = D(value.numerator) / D(value.denominator) if isinstance(value, Fraction) else value
    return exact.quantize(D(places), rounding=decimal.ROUND_HALF_UP)


_SPECIAL_CAUSES = {
    PointType.SPECIAL_CAUSE_IMPROVEMENT: "A special cause of improvement",
    PointType.SPECIAL_CAUSE_CONCERN: "A special cause of concern",
    PointType.SPECIAL_CAUSE_NEUTRAL_HIGH: "A special cause, higher (a neutral measure)",
    PointType.SPECIAL_CAUSE_NEUTRAL_LOW: "A special cause, lower (a neutral measure)",
}


def _after_the_change(impact: Impact) -> str:
    if impact.special_cause is not None:
        return _SPECIAL_CAUSES.get(impact.special_cause, "Common cause variation only")
    if not impact.points_before or not impact.points_after:
        return "Cannot be judged: it needs readings before and after the change"
    return "No special cause: common cause variation only"


async def evidence_of(session: AsyncSession, claims: Sequence[PackClaim]) -> list[PackEvidence]:
    """Each claim's evidence: what its idea's links show, as last judged (one statement, with whether its
    costs are recorded), and the before and after of the measure it rests on, from the measures' changes
    and readings (two statements, whatever the number of measures)."""
    if not claims:
        return []
    links, costed = await links_shown(session, {claim.idea_id for claim in claims})
    shown = {claim.id: evidence_from(claim, links.get(claim.idea_id, []), claim.idea_id in costed) for claim in claims}
    rested_on = {(found.measure.metric_id, found.measure.change_date) for found in shown.values() if found.measure}
    impacts, units = await _impacts(session, rested_on)
    rows = []
    for claim in claims:
        found = shown[claim.id]
        measure = found.measure
        impact = None if measure is None else impacts[(measure.metric_id, measure.change_date)]
        baseline = None if impact is None else impact.baseline
        before = [] if impact is None else impact.before_period()
        limits = None if baseline is None else baseline.process()
        balancing = tuple(
            (link.name, link.worsened) for link in links.get(claim.idea_id, []) if link.role is MetricRole.BALANCING
        )
        rows.append(
            PackEvidence(
                claim_id=claim.id,
                idea_reference=claim.idea_reference,
                measure=None if measure is None else measure.name,
                unit="" if measure is None else units.get(measure.metric_id, ""),
                change_date=None if measure is None else measure.change_date,
                baseline_points=None if found.facts.baseline is None else found.facts.baseline.points,
                baseline_from=before[0][0] if before else None,
                baseline_to=before[-1][0] if before else None,
                mean_before=None if baseline is None else _number(baseline.mean),
                lower_limit=None if limits is None else _number(limits[0]),
                upper_limit=None if limits is None else _number(limits[1]),
                limits_missing="" if baseline is None or baseline.missing is None else baseline.missing.reason,
                back_filled=None if found.facts.baseline is None else found.facts.baseline.back_filled,
                points_after=None if impact is None else impact.points_after,
                mean_after=None if impact is None else _number(impact.mean_after),
                change=None if impact is None else _number(impact.change),
                change_pct=None if impact is None else _number(impact.change_pct, "0.1"),
                special_cause="No measure" if impact is None else _after_the_change(impact),
                balancing=balancing,
                costs_recorded=found.facts.costs_recorded,
                proposed_grade=found.proposal.grade,
                why=found.proposal.why,
                warning=found.baseline_warning,
            )
        )
    return rows


async def _impacts(
    session: AsyncSession, rested_on: Collection[tuple[uuid.UUID, datetime.date]]
) -> tuple[dict[tuple[uuid.UUID, datetime.date], Impact], dict[uuid.UUID, str]]:
    """The before and after of each change to a measure (measure, change date), and each measure's unit:
    its changes (every idea's, which cut its chart into segments) in one statement, then the readings of
    the segments around the changes asked for in another."""
    if not rested_on:
        return {}, {}
    metric_ids = sorted({metric_id for metric_id, _day in rested_on})
    changes: dict[uuid.UUID, set[datetime.date]] = defaultdict(set)
    directions: dict[uuid.UUID, Direction] = {}
    units: dict[uuid.UUID, str] = {}
    for metric_id, change_date, direction, unit in await session.execute(
        select(IdeaMetric.metric_id, IdeaMetric.change_date, Metric.direction, Metric.unit)
        .join(Metric, Metric.id == IdeaMetric.metric_id)
        .where(IdeaMetric.metric_id.in_(metric_ids))
    ):
        changes[metric_id].add(change_date)
        directions[metric_id], units[metric_id] = direction, unit
    windows = {
        metric_id: _window(changes[metric_id], [day for m, day in rested_on if m == metric_id])
        for metric_id in metric_ids
    }
    series = await readings_of_each(session, metric_ids, within=windows)
    impacts = {
        (metric_id, day): before_and_after(
            series.get(metric_id, []), day, directions.get(metric_id, Direction.NEUTRAL), changes[metric_id]
        )
        for metric_id, day in rested_on
    }
    return impacts, units


def _window(changes: Collection[datetime.date], days: Sequence[datetime.date]) -> Window:
    """The readings a measure's before and after need for the changes on ``days``: from the change before
    the earliest of them (or its first reading) to the change after the latest (or its latest reading)."""
    earliest, latest = min(days), max(days)
    before = [change for change in changes if change < earliest]
    after = [change for change in changes if change > latest]
    return (max(before) if before else None, min(after) if after else None)
