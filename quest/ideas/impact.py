"""The measures an idea is judged by (DESIGN §2, Before and after): a manager links a measure of the idea's
division from the date of the change; the idea's impact panel shows the before and after, and the
measure's chart rebases at that date, labelled with the idea.

Whoever may see an idea sees its impact. Those who see it only in the practice library (another force,
or for staff and managers another division: :func:`quest.ideas.services.sees_full_record`) get the same
before and after and chart, since what an implemented idea changed is what the library is for; the
measure's readings are a division's operational counts, not anyone's personal data. They do not get the
claims resting on the measure (the ledger gives them none), the way to the measure's page (VIEW_WORK),
nor the references of other ideas they cannot see that changed the measure: those are "another idea".

A measure is linked as the idea's outcome (what it means to improve) or as a balancing measure (what must
not get worse because of it: :attr:`quest.metrics.impact.Impact.worsened`). Each outcome is also checked
for sustainment at 3, 6 and 12 months, judged afresh on the day asked from the readings already read
(:mod:`quest.metrics.sustainment`; :mod:`quest.metrics.judgements` keeps the same judgement for the
dashboards and tells the managers when it slips).

This is the idea's side of a link; the measure's (its readings, its chart's lines, the SPC and the before
and after as pure rules) stays in :mod:`quest.metrics`, which this asks and which never asks this.
"""

from __future__ import annotations

import dataclasses
import datetime
import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Row, and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from quest import fields
from quest.accounts import access
from quest.accounts.access import Permission
from quest.accounts.identity import CurrentUser
from quest.audit.recorder import act_as
from quest.errors import NotFound, refused
from quest.ideas.models import Idea
from quest.ideas.record import add_event, decidable_idea, visible
from quest.ideas.services import IdeaDetail
from quest.metrics import judgements
from quest.metrics.impact import Impact, before_and_after, wording
from quest.metrics.models import IdeaMetric, Metric
from quest.metrics.series import readings_of_each
from quest.metrics.services import MetricSummary, check_reading_date, list_metrics, summaries
from quest.metrics.sustainment import Check, Sustained, checks, idea_state, state_of
from quest.metrics.vocabulary import MetricRole
from quest.org.models import Division
from quest.savings.double_counts import regroup
from quest.savings.ledger import ClaimRow, Ledger, idea_ledger
from quest.savings.rules import rests_on

_SUMMARY_FIELDS = tuple(field.name for field in dataclasses.fields(MetricSummary))


@dataclass(frozen=True, slots=True)
class MeasureChange:
    """The ideas that changed a measure on one day: by reference those the viewer may see, and how many
    others."""

    references: tuple[str, ...] = ()
    unnamed: int = 0

    @property
    def label(self) -> str:
        """ "LAN-000012, another idea": the line on the chart, and the change in the impact's wording."""
        others = [] if not self.unnamed else ["another idea" if self.unnamed == 1 else f"{self.unnamed} other ideas"]
        return ", ".join([*self.references, *others])


@dataclass(frozen=True, slots=True)
class Sustainment:
    """Whether an outcome's improvement holds, as of the day asked: its checks at 3, 6 and 12 months after
    the change, and ``state``, that of the latest check due."""

    state: Sustained
    checks: list[Check]


@dataclass(frozen=True, slots=True)
class LinkedMetric:
    link_id: uuid.UUID
    metric: MetricSummary
    change_date: datetime.date
    impact: Impact
    # The idea's savings claims that rest on this measure (linked to it, or naming it as their mechanism).
    claims: list[ClaimRow]
    # Whether the viewer may open the measure's own page (its division is in their VIEW_WORK reach).
    opens_measure: bool = True
    # Other ideas that changed this measure on the same date: the impact is theirs as much as this one's.
    # Those the viewer may see by reference; the others counted.
    shared_with: list[str] = dataclasses.field(default_factory=list)
    shared_with_unnamed: int = 0
    # Every change to the measure, with the ideas that made it: the lines on its chart.
    measure_changes: dict[datetime.date, MeasureChange] = dataclasses.field(default_factory=dict)
    # The idea's outcome, or a balancing measure (judged by ``impact.worsened``).
    role: MetricRole = MetricRole.OUTCOME
    # For an outcome, whether its improvement holds; None for a balancing measure.
    sustainment: Sustainment | None = None

    @property
    def is_balancing(self) -> bool:
        return self.role is MetricRole.BALANCING

    @property
    def chart_labels(self) -> dict[datetime.date, str]:
        return {day: change.label for day, change in self.measure_changes.items()}

    @property
    def wording(self) -> str:
        return wording(self.impact, self.metric.direction)


async def linkable_metrics(
    session: AsyncSession, viewer: CurrentUser, idea_id: uuid.UUID, division_id: uuid.UUID
) -> list[MetricSummary]:
    """Measures of the idea's division not yet linked to it (for its manager's form)."""
    linked = set((await session.execute(select(IdeaMetric.metric_id).where(IdeaMetric.idea_id == idea_id))).scalars())
    return [
        metric for metric in await list_metrics(session, viewer, division_id=division_id) if metric.id not in linked
    ]


NOT_IMPLEMENTED_YET = "Enter the date of the change: the idea has not been implemented yet"


async def link_metric(
    session: AsyncSession,
    viewer: CurrentUser,
    idea_id: uuid.UUID,
    metric_id: str,
    change_date: str,
    *,
    now: datetime.datetime,
    today: datetime.date,
    role: str = MetricRole.OUTCOME.value,
) -> uuid.UUID:
    """Judge the idea by a measure of its division from ``change_date`` (by default the day it was
    implemented), as its outcome or as a balancing measure (``role``). Commits; returns the link's id."""
    idea = await decidable_idea(session, viewer, idea_id)
    errors: dict[str, str] = {}
    chosen_role = fields.choice(
        role or MetricRole.OUTCOME.value,
        MetricRole,
        "role",
        invalid="Choose whether the measure is the idea’s outcome or a balancing measure",
        errors=errors,
    )
    choices = {str(metric.id): metric for metric in await linkable_metrics(session, viewer, idea.id, idea.division_id)}
    metric = choices.get(metric_id.strip())
    if metric is None:
        errors["metric_id"] = "Choose a measure of the idea’s division that is not linked to it yet"
    day: datetime.date | None = idea.implemented_on
    if change_date.strip():
        day, problem = check_reading_date(change_date, today)
        if problem:
            errors["change_date"] = problem.replace("The date", "The date of the change")
    elif day is None:
        errors["change_date"] = NOT_IMPLEMENTED_YET
    if errors or metric is None or day is None or chosen_role is None:
        # Without a change date, the same request is right once the idea is implemented: its state refuses it.
        waits = {"change_date"} if errors.get("change_date") == NOT_IMPLEMENTED_YET else set()
        raise refused(errors, references={"metric_id"}, states=waits)
    act_as(session, viewer.actor)
    link = IdeaMetric(
        idea_id=idea.id,
        metric_id=metric.id,
        change_date=day,
        role=chosen_role,
        linked_by=viewer.id,
        force_id=idea.force_id,
    )
    session.add(link)
    as_what = "" if chosen_role is MetricRole.OUTCOME else " as a balancing measure"
    await add_event(
        session,
        idea,
        kind="metric_linked",
        actor_id=viewer.id,
        now=now,
        body=f"Judged by “{metric.name}”{as_what} from {day:%d %B %Y}",
        details={"metric_id": str(metric.id), "change_date": day.isoformat(), "role": chosen_role.value},
    )
    await regroup(session, {idea.division_id})  # claims resting on one change to a measure may double count
    await judgements.judge(session, {metric.id}, now)
    await session.commit()
    return link.id


async def unlink_metric(
    session: AsyncSession, viewer: CurrentUser, idea_id: uuid.UUID, link_id: uuid.UUID, *, now: datetime.datetime
) -> None:
    """Stop judging the idea by a measure (the readings stay). Commits."""
    idea = await decidable_idea(session, viewer, idea_id)
    link = await session.get(IdeaMetric, link_id)
    if link is None or link.idea_id != idea.id:
        raise NotFound("link")
    act_as(session, viewer.actor)
    await session.delete(link)
    await regroup(session, {idea.division_id})
    await judgements.judge(session, {link.metric_id}, now)  # the measure's other links lost a change
    await session.commit()


def idea_sustainment(linked: Iterable[LinkedMetric]) -> Sustained:
    """The idea's sustainment over the outcomes it is judged by (not its balancing measures): slipping if
    any slips, sustained if all are, not yet known otherwise (also with no outcome)."""
    return idea_state(item.sustainment.state for item in linked if item.sustainment is not None)


async def idea_impact(
    session: AsyncSession, viewer: CurrentUser, idea_id: uuid.UUID, *, today: datetime.date
) -> list[LinkedMetric]:
    """Each measure linked to the idea, with its before and after (and an outcome's sustainment as of
    ``today``), for whoever may see the idea (the practice library's view of it too: see the module's
    docstring)."""
    linked, _ledger = await impact_and_ledger(session, viewer, idea_id, today=today)
    return linked


async def impact_and_ledger(
    session: AsyncSession, viewer: CurrentUser, idea_id: uuid.UUID, *, today: datetime.date
) -> tuple[list[LinkedMetric], Ledger]:
    """:func:`idea_impact` and the idea's ledger, which it is worked out from, read once for both."""
    idea = (await session.execute(select(Idea).where(Idea.id == idea_id, visible(viewer)))).scalar_one_or_none()
    if idea is None:
        raise NotFound("idea")
    # No claims in the library view: the ledger keeps them with the division.
    ledger = await idea_ledger(session, viewer, idea)
    return (await measures_of(session, viewer, idea, ledger.claims, today=today)).linked, ledger


async def change_judged(
    session: AsyncSession,
    viewer: CurrentUser,
    idea_id: uuid.UUID,
    metric_id: uuid.UUID,
    change_date: datetime.date,
    *,
    today: datetime.date,
) -> LinkedMetric | None:
    """The before and after of one of the idea's changes to a measure (what a claim resting on it is judged
    by: its baseline), worked out as the idea's impact panel works it out; None when the idea no longer
    links that measure from that date, or the viewer may not see the idea."""
    idea = (await session.execute(select(Idea).where(Idea.id == idea_id, visible(viewer)))).scalar_one_or_none()
    if idea is None:
        return None
    linked = (await measures_of(session, viewer, idea, [], today=today)).linked
    return next((item for item in linked if item.metric.id == metric_id and item.change_date == change_date), None)


@dataclass(frozen=True, slots=True)
class Measures:
    # Each measure linked to the idea, with its before and after: :func:`idea_impact`.
    linked: list[LinkedMetric]
    # The measures of its division in the viewer's reach not linked to it yet (asked for: ``linkable``).
    linkable: list[MetricSummary]


async def measures_of(
    session: AsyncSession,
    viewer: CurrentUser,
    idea: Idea | IdeaDetail,
    claims: list[ClaimRow],
    *,
    today: datetime.date,
    linkable: bool = False,
) -> Measures:
    """:func:`idea_impact` for an idea the caller has found for the viewer, with its ledger's claims and
    its outcomes' sustainment as of ``today``, and (``linkable``: for its managers) :func:`linkable_metrics`.
    Two statements whatever the number of measures: the measures with every change to them (this idea's
    links among them, and the division's measures not linked to it), and all the linked ones' readings; one
    when no measure is linked."""
    # The measures in use linked to the idea, each with every change to it, whoever's idea made it. Those
    # who may see the idea see its impact, beyond the measure's division (the module's docstring).
    linked_here: ColumnElement[bool] = Metric.id.in_(select(IdeaMetric.metric_id).where(IdeaMetric.idea_id == idea.id))
    change = aliased(IdeaMetric)
    wanted = linked_here
    if linkable:
        in_reach = access.scope(
            viewer, Permission.VIEW_WORK, force_column=Metric.force_id, division_column=Metric.division_id
        )
        wanted = or_(linked_here, and_(Metric.division_id == idea.division_id, in_reach))
    rows = (
        await session.execute(
            summaries()
            .add_columns(
                change.id.label("link_id"),
                change.idea_id,
                change.change_date,
                change.role,
                change.created_at.label("linked_at"),
                Idea.reference,
                visible(viewer).label("seen"),
            )
            .outerjoin(change, and_(change.metric_id == Metric.id, linked_here))
            .outerjoin(Idea, Idea.id == change.idea_id)
            .where(wanted)
            # The measures not linked (no change) in the order their list is in everywhere.
            .order_by(change.change_date, Idea.reference, Division.name, Metric.name)
        )
    ).all()
    changes = [row for row in rows if row.link_id is not None]
    others = [_summary(row) for row in rows if row.link_id is None]
    if not changes:
        return Measures([], others)
    measures = {row.id: _summary(row) for row in changes}
    made = _changes_of(changes)
    readings = await readings_of_each(session, list(measures))
    found = []
    for link in sorted(
        (row for row in changes if row.idea_id == idea.id), key=lambda row: (row.linked_at, row.link_id)
    ):
        metric = measures[link.id]
        measure_changes = made.get(metric.id, {})
        same_day = measure_changes.get(link.change_date, MeasureChange())
        series = readings.get(metric.id, [])
        sustainment = None
        if link.role is MetricRole.OUTCOME:
            found_checks = checks(series, link.change_date, metric.direction, today, measure_changes)
            sustainment = Sustainment(state_of(found_checks, today), found_checks)
        found.append(
            LinkedMetric(
                link_id=link.link_id,
                metric=metric,
                change_date=link.change_date,
                impact=before_and_after(series, link.change_date, metric.direction, measure_changes),
                claims=[
                    claim for claim in claims if rests_on(claim.metric_id, claim.mechanism, metric.id, metric.name)
                ],
                opens_measure=access.covers(
                    viewer, Permission.VIEW_WORK, force_id=metric.force_id, division_id=metric.division_id
                ),
                shared_with=[reference for reference in same_day.references if reference != idea.reference],
                shared_with_unnamed=same_day.unnamed,
                measure_changes=measure_changes,
                role=link.role,
                sustainment=sustainment,
            )
        )
    return Measures(found, others)


def _summary(row: Row[*tuple[Any, ...]]) -> MetricSummary:
    return MetricSummary(**{name: getattr(row, name) for name in _SUMMARY_FIELDS})


def _changes_of(rows: Sequence[Row[*tuple[Any, ...]]]) -> dict[uuid.UUID, dict[datetime.date, MeasureChange]]:
    """Every change date of each measure, whoever's idea made it: the measure's segments, which every
    idea's impact is read from. Each names the ideas that made it, if the viewer may see them (``rows``:
    a measure's id, a change's date, the idea's reference and whether the viewer sees it; in order of
    date, then reference)."""
    changes: dict[uuid.UUID, dict[datetime.date, MeasureChange]] = defaultdict(dict)
    for row in rows:
        change = changes[row.id].get(row.change_date, MeasureChange())
        changes[row.id][row.change_date] = (
            dataclasses.replace(change, references=(*change.references, row.reference))
            if row.seen
            else dataclasses.replace(change, unnamed=change.unnamed + 1)
        )
    return changes
