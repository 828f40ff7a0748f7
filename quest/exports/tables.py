"""The five exports: ideas, readings, savings claims, the audit trail and users, each limited to what the
reader may see (DESIGN §3) and to an :class:`ExportScope` (a force, a division, a span of dates).

Readings, ideas and users come out in the columns ``quest import`` takes for the same kind
(docs/exports.md), so that a file exported, corrected and imported again changes just what was corrected.

Rows are read with ``yield_per``: the database hands them over :data:`BATCH_ROWS` at a time, and each is
turned into cells as it comes (:func:`streamed`), so an export of every reading in the country holds one
batch in memory. An :class:`Export`'s rows are read only as they are written, and access is checked
before, when the export is made: a download checks it with the request's session and reads the rows
through a session of its own (:meth:`Export.rows_through`), which lasts as long as its answer.
"""

from __future__ import annotations

import datetime
import decimal
import enum
import json
import uuid
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Row, Select, String, cast, func, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from quest.accounts import access
from quest.accounts.access import Permission
from quest.accounts.identity import CurrentUser
from quest.accounts.models import User
from quest.accounts.roles import Role
from quest.audit.models import AuditEntry
from quest.audit.services import AuditFilters, entry_conditions, start_of_day
from quest.clock import LONDON
from quest.errors import NotFound, ValidationFailed
from quest.exports.files import Cell
from quest.ideas.filters import IdeaFilters, conditions_of, order_of
from quest.ideas.models import Idea, IdeaWasteType
from quest.metrics.models import Metric, Reading
from quest.org.models import Division, Force
from quest.savings.ledger import listed_in_year
from quest.savings.models import SavingsClaim
from quest.savings.rules import ClaimStatus

BATCH_ROWS = 2_000
# Several waste types in one cell, as the idea import reads them: ``waiting;motion``.
WASTE_TYPE_SEPARATOR = ";"

READING_COLUMNS = ("force", "division", "measure", "date", "value")
IDEA_COLUMNS = (
    "force",
    "division",
    "reference",
    "title",
    "problem",
    "proposal",
    "waste_types",
    "status",
    "submitted_on",
    "decided_on",
    "implemented_on",
    "expected_benefit",
    "process",
)
USER_COLUMNS = ("email", "name", "role", "force", "division")
SAVINGS_COLUMNS = (
    "force",
    "division",
    "idea",
    "kind",
    "status",
    "mechanism",
    "cost_line",
    "hours_per_year",
    "grade",
    "hourly_rate_gbp",
    "amount_gbp_per_year",
    "period_start",
    "period_end",
    "evidence",
    "redeployed_to",
    "evidence_grade",
    "decided_on",
    "decision_note",
)
AUDIT_COLUMNS = (
    "occurred_at_utc",
    "actor",
    "force",
    "entity",
    "entity_id",
    "action",
    "before",
    "after",
    "request_id",
)


@dataclass(frozen=True, slots=True)
class ExportScope:
    """Which rows, within the reader's reach: one force, one division of it, and dates from and to
    (inclusive; UK days). What the dates are depends on the kind: a reading's date, the day an idea was
    submitted, a claim's period start, the day an audit entry was written."""

    force_id: uuid.UUID | None = None
    division_id: uuid.UUID | None = None
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None

    def check(self) -> None:
        if self.date_from and self.date_to and self.date_from > self.date_to:
            raise ValidationFailed({"date_from": "the ‘from’ date is after the ‘to’ date"})


@dataclass(frozen=True, slots=True)
class Export:
    """A table to write: its file name (without the extension), sheet, header and rows, read as written
    (the statement's, each row's cells as ``shape`` makes them) through the session it was made with."""

    name: str
    sheet: str
    header: Sequence[str]
    statement: Select[*tuple[Any, ...]]
    shape: Callable[[Row[Any]], Sequence[Cell]]
    session: AsyncSession

    @property
    def rows(self) -> AsyncIterator[Sequence[Cell]]:
        return self.rows_through(self.session)

    def rows_through(self, session: AsyncSession) -> AsyncIterator[Sequence[Cell]]:
        """The rows, read through ``session`` (a download's own, for the life of its answer)."""
        return streamed(session, self.statement, self.shape)


async def streamed(
    session: AsyncSession, statement: Select[*tuple[Any, ...]], shape: Callable[[Row[Any]], Sequence[Cell]]
) -> AsyncIterator[Sequence[Cell]]:
    """The statement's rows as cells, read from the database :data:`BATCH_ROWS` at a time."""
    result = await session.stream(statement.execution_options(yield_per=BATCH_ROWS))
    async for batch in result.partitions():
        for row in batch:
            yield shape(row)


def _within(column: Any, scope: ExportScope) -> list[ColumnElement[bool]]:
    """The scope's dates, on a date column."""
    conditions = []
    if scope.date_from is not None:
        conditions.append(column >= scope.date_from)
    if scope.date_to is not None:
        conditions.append(column <= scope.date_to)
    return conditions


def _within_days(column: Any, scope: ExportScope) -> list[ColumnElement[bool]]:
    """The scope's dates, as UK days, on a time column (kept in UTC)."""
    conditions = []
    if scope.date_from is not None:
        conditions.append(column >= start_of_day(scope.date_from))
    if scope.date_to is not None:
        conditions.append(column < start_of_day(scope.date_to + datetime.timedelta(days=1)))
    return conditions


def _placed(force_column: Any, division_column: Any, scope: ExportScope) -> list[ColumnElement[bool]]:
    conditions = []
    if scope.force_id is not None:
        conditions.append(force_column == scope.force_id)
    if scope.division_id is not None:
        conditions.append(division_column == scope.division_id)
    return conditions


def _uk_day(moment: datetime.datetime | None) -> datetime.date | None:
    return None if moment is None else moment.astimezone(LONDON).date()


def _day_or_value(cell: Any) -> Cell:
    """A cell as a file holds it: an enumeration's value, a time's UK day, anything else as it is."""
    if isinstance(cell, enum.Enum):
        value: Cell = cell.value
        return value
    if isinstance(cell, datetime.datetime):
        return _uk_day(cell)
    kept: Cell = cell
    return kept


def _figure(value: decimal.Decimal) -> str:
    """A reading as people write it: ``12``, ``3.5``, never ``12.0000`` nor ``1.2E+1``."""
    return format(value.normalize(), "f")


# --- readings ----------------------------------------------------------------------------------------------


def readings(
    session: AsyncSession, viewer: CurrentUser, scope: ExportScope, *, metric_id: uuid.UUID | None = None
) -> Export:
    """Every reading in reach (of one measure, with ``metric_id``), a measure at a time, oldest first."""
    access.require(viewer, Permission.VIEW_WORK)
    scope.check()
    statement = (
        select(Force.code, Division.code, Metric.name, Reading.period_date, Reading.value)
        .select_from(Reading)
        .join(Metric, Metric.id == Reading.metric_id)
        .join(Division, Division.id == Metric.division_id)
        .join(Force, Force.id == Metric.force_id)
        .where(
            access.scope(
                viewer, Permission.VIEW_WORK, force_column=Metric.force_id, division_column=Metric.division_id
            ),
            *_placed(Metric.force_id, Metric.division_id, scope),
            *_within(Reading.period_date, scope),
        )
        .order_by(Reading.metric_id, Reading.period_date)
    )
    if metric_id is not None:
        statement = statement.where(Reading.metric_id == metric_id)

    def shape(row: Any) -> Sequence[Cell]:
        force, division, measure, day, value = row
        return (force, division, measure, day, _figure(value))

    return Export("readings", "Readings", READING_COLUMNS, statement, shape, session)


# --- ideas -------------------------------------------------------------------------------------------------


def _waste_types_joined(session: AsyncSession) -> Any:
    """An idea's waste types in one text, in the database's own words for joining strings."""
    value = cast(IdeaWasteType.waste_type, String)
    if session.get_bind().dialect.name == "postgresql":
        joined = func.string_agg(value, WASTE_TYPE_SEPARATOR)
    else:
        joined = func.group_concat(value, WASTE_TYPE_SEPARATOR)
    return select(joined).where(IdeaWasteType.idea_id == Idea.id).scalar_subquery()


async def ideas(
    session: AsyncSession, viewer: CurrentUser, scope: ExportScope, filters: IdeaFilters | None = None
) -> Export:
    """The ideas in reach that the idea list's ``filters`` choose (oldest first by default), submitted in
    the scope's dates."""
    access.require(viewer, Permission.VIEW_WORK)
    scope.check()
    filters = filters or IdeaFilters(sort="oldest")
    statement = (
        select(
            Force.code,
            Division.code,
            Idea.reference,
            Idea.title,
            Idea.problem,
            Idea.proposal,
            _waste_types_joined(session),
            Idea.status,
            Idea.created_at,
            Idea.decided_at,
            Idea.implemented_on,
            Idea.expected_benefit,
            Idea.process,
        )
        .join(Division, Division.id == Idea.division_id)
        .join(Force, Force.id == Idea.force_id)
        .where(
            *await conditions_of(session, viewer, filters),
            *_placed(Idea.force_id, Idea.division_id, scope),
            *_within_days(Idea.created_at, scope),
        )
        .order_by(*order_of(filters.sort))
    )

    def shape(row: Any) -> Sequence[Cell]:
        *placed, waste_types, status, submitted_at, decided_at, implemented_on, expected_benefit, process = row
        return (
            *placed,
            WASTE_TYPE_SEPARATOR.join(sorted(waste_types.split(WASTE_TYPE_SEPARATOR))) if waste_types else "",
            status.value,
            _uk_day(submitted_at),
            _uk_day(decided_at),
            implemented_on,
            expected_benefit,
            process,
        )

    return Export("ideas", "Ideas", IDEA_COLUMNS, statement, shape, session)


# --- savings claims ----------------------------------------------------------------------------------------


def savings(
    session: AsyncSession,
    viewer: CurrentUser,
    scope: ExportScope,
    *,
    year: int | None = None,
    status: ClaimStatus | None = None,
) -> Export:
    """Every savings claim in reach whose period starts in the scope's dates, in the order they were
    recorded; with ``year``, those /savings lists for that financial year (of ``status``, or all)."""
    access.require(viewer, Permission.VIEW_WORK)
    scope.check()
    statement = (
        select(
            Force.code,
            Division.code,
            Idea.reference,
            SavingsClaim.kind,
            SavingsClaim.status,
            SavingsClaim.mechanism,
            SavingsClaim.cost_line,
            SavingsClaim.hours_per_year,
            SavingsClaim.grade,
            SavingsClaim.hourly_rate,
            SavingsClaim.amount_per_year,
            SavingsClaim.period_start,
            SavingsClaim.period_end,
            SavingsClaim.evidence,
            SavingsClaim.redeployed_to,
            SavingsClaim.evidence_grade,
            SavingsClaim.decided_at,
            SavingsClaim.decision_note,
        )
        .join(Idea, Idea.id == SavingsClaim.idea_id)
        .join(Division, Division.id == SavingsClaim.division_id)
        .join(Force, Force.id == SavingsClaim.force_id)
        .where(
            access.scope(
                viewer,
                Permission.VIEW_WORK,
                force_column=SavingsClaim.force_id,
                division_column=SavingsClaim.division_id,
            ),
            *_placed(SavingsClaim.force_id, SavingsClaim.division_id, scope),
            *_within(SavingsClaim.period_start, scope),
        )
        .order_by(SavingsClaim.created_at, SavingsClaim.id)
    )
    if year is not None:
        statement = statement.where(listed_in_year(true(), year, status))

    def shape(row: Any) -> Sequence[Cell]:
        # Enumerations as the API has them; the decision's time as its UK day.
        return [_day_or_value(cell) for cell in row]

    return Export("savings", "Savings", SAVINGS_COLUMNS, statement, shape, session)


# --- the audit trail ---------------------------------------------------------------------------------------


def audit(
    session: AsyncSession, viewer: CurrentUser, scope: ExportScope, filters: AuditFilters | None = None
) -> Export:
    """The audit trail in reach that the audit page's ``filters`` choose, written in the scope's dates,
    oldest first. It is kept by force: a division is refused."""
    access.require(viewer, Permission.VIEW_AUDIT)
    scope.check()
    if scope.division_id is not None:
        raise ValidationFailed({"division_id": "the audit trail is kept by force, not by division"})
    filters = filters or AuditFilters()
    statement = (
        select(
            AuditEntry.occurred_at,
            AuditEntry.actor_label,
            Force.code,
            AuditEntry.entity,
            AuditEntry.entity_id,
            AuditEntry.action,
            AuditEntry.before,
            AuditEntry.after,
            AuditEntry.request_id,
        )
        .outerjoin(Force, Force.id == AuditEntry.force_id)
        .where(
            *entry_conditions(viewer, filters),
            *_placed(AuditEntry.force_id, None, scope),
            *_within_days(AuditEntry.occurred_at, scope),
        )
        .order_by(AuditEntry.occurred_at, AuditEntry.id)
    )

    def shape(row: Any) -> Sequence[Cell]:
        occurred_at, actor, force, entity, entity_id, action, before, after, request_id = row
        return (
            occurred_at.astimezone(datetime.UTC).replace(tzinfo=None),
            actor,
            force,
            entity,
            entity_id,
            action,
            _json(before),
            _json(after),
            request_id,
        )

    return Export("audit", "Audit trail", AUDIT_COLUMNS, statement, shape, session)


def _json(values: dict[str, Any] | None) -> str | None:
    return None if values is None else json.dumps(values, ensure_ascii=False, sort_keys=True, default=str)


# --- users -------------------------------------------------------------------------------------------------


def users(
    session: AsyncSession, viewer: CurrentUser, scope: ExportScope, *, role: Role | None = None, search: str = ""
) -> Export:
    """The active users in reach, by name. Users have no dates to choose by: dates are refused."""
    from quest.accounts.services import user_conditions

    access.require(viewer, Permission.VIEW_USERS)
    if scope.date_from is not None or scope.date_to is not None:
        raise ValidationFailed({"date_from": "users are not chosen by date"})
    statement = (
        select(User.email, User.display_name, User.role, Force.code, Division.code)
        .outerjoin(Force, Force.id == User.force_id)
        .outerjoin(Division, Division.id == User.division_id)
        .where(
            *user_conditions(viewer, search=search, role=role, active=True),
            *_placed(User.force_id, User.division_id, scope),
        )
        .order_by(User.display_name, User.email)
    )

    def shape(row: Any) -> Sequence[Cell]:
        email, name, user_role, force, division = row
        return (email, name, user_role.value, force, division)

    return Export("users", "Users", USER_COLUMNS, statement, shape, session)


KINDS = ("ideas", "readings", "savings", "audit", "users")
# Who may export each kind: the permission each export requires when it is made.
PERMISSIONS = {
    "ideas": Permission.VIEW_WORK,
    "readings": Permission.VIEW_WORK,
    "savings": Permission.VIEW_WORK,
    "audit": Permission.VIEW_AUDIT,
    "users": Permission.VIEW_USERS,
}


async def division_scope(
    session: AsyncSession,
    viewer: CurrentUser,
    kind: str,
    division_id: uuid.UUID | None,
    *,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
) -> ExportScope:
    """The scope of an export of ``kind`` chosen by a division's id (the API's): :class:`Forbidden` for a
    role that may export no such rows; a division that is not there, or not in the viewer's reach for
    them, is not found (and the refusal audited)."""
    permission = PERMISSIONS[kind]
    access.require(viewer, permission)
    if division_id is None:
        return ExportScope(date_from=date_from, date_to=date_to)
    force_id = (await session.execute(select(Division.force_id).where(Division.id == division_id))).scalar()
    if force_id is None:
        raise NotFound("division")
    access.require_record(
        viewer, permission, entity="divisions", entity_id=division_id, force_id=force_id, division_id=division_id
    )
    return ExportScope(force_id=force_id, division_id=division_id, date_from=date_from, date_to=date_to)


async def export_of(session: AsyncSession, viewer: CurrentUser, kind: str, scope: ExportScope) -> Export:
    """The export of ``kind`` (one of :data:`KINDS`), with no filters but the scope's."""
    if kind == "ideas":
        return await ideas(session, viewer, scope)
    read: dict[str, Callable[[AsyncSession, CurrentUser, ExportScope], Export]] = {
        "readings": readings,
        "savings": savings,
        "audit": audit,
        "users": users,
    }
    return read[kind](session, viewer, scope)
