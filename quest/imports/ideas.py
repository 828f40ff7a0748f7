"""Ideas from a spreadsheet, for a force moving its improvement log into QUEST: each with its division,
its wording as the A3 form has it, its waste types, and where it had got to (its status, and the dates it
was raised, first answered, decided and implemented). Each is judged as a submitted idea is
(:func:`quest.ideas.record.check_idea`) and its dates and status against the workflow's rules; its
timeline starts with an "imported" entry, and the dashboards' rollups count it as if it had come the whole
way through QUEST."""

from __future__ import annotations

import datetime
import itertools
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from uuid_utils.compat import uuid7

from quest import fields
from quest.accounts.access import Permission
from quest.accounts.identity import CurrentUser
from quest.accounts.models import User, normalise_email
from quest.clock import LONDON
from quest.ideas.models import Idea, IdeaWasteType
from quest.ideas.record import WORDING, CheckedIdea, IdeaInput, check_idea, next_references, timeline_entry
from quest.ideas.status import IdeaStatus
from quest.ideas.workflow import DECISIONS, NEEDS_A_REASON, REASON_LENGTH
from quest.imports.places import Place, Places
from quest.imports.report import ImportReport, Problem
from quest.imports.sheets import SheetRow
from quest.imports.table import Column, Header, Table, batches
from quest.rollups import changes
from quest.waste.types import WasteType

KIND = "ideas"
PERMISSION = Permission.IMPORT_IDEAS
COLUMNS = (
    Column("force", False, "The force's code; leave it out when importing for one force", "LAN"),
    Column("division", True, "The division's code", "NORTH"),
    Column("title", True, "A short title", "Pre-fill custody forms"),
    Column("problem", True, "What happens now", "Officers retype the arrest details"),
    Column("proposal", True, "What would change", "Fill the form from the arrest record"),
    Column("waste_types", False, "DOWNTIME wastes, separated by semicolons", "Waiting; Extra-processing"),
    Column("process", False, "The process it touches", "Custody"),
    Column("expected_benefit", False, "The expected benefit", "20 minutes an arrest"),
    Column("status", False, "Where it has got to (submitted if blank)", "approved"),
    Column("submitted", True, "The date it was raised", "2025-06-02"),
    Column("first_response", False, "The date it was first answered (needed once it left submitted)", "2025-06-10"),
    Column("decided", False, "The date it was approved, declined or found a duplicate", "2025-06-20"),
    Column("implemented", False, "The date the change was made (implemented ideas)", "2025-09-01"),
    Column("learned", False, "What was learned (implemented ideas)", "Do it at the desk"),
    Column("reason", False, "Why it was declined, parked or withdrawn", "Covered by the new system"),
    Column("duplicate_of", False, "The reference of the idea it repeats (duplicates)", "LAN-000123"),
    Column("submitter", False, "The email of the person who raised it; the importer if blank", "a.officer@example.org"),
)
# Only the command line imports as no one: its ideas need a submitter each, or --submitter for them all.
NAME_THE_SUBMITTER = "Enter the email of the person who raised it, or import with --submitter EMAIL"
# The statuses an idea reaches only after a first response, and only after a decision.
_ANSWERED = frozenset(IdeaStatus) - {IdeaStatus.SUBMITTED, IdeaStatus.WITHDRAWN}
_DECIDED = DECISIONS | {IdeaStatus.IN_PROGRESS, IdeaStatus.IMPLEMENTED}
# A date without a time is taken as midday in London: the same London date whatever the season.
_MIDDAY = datetime.time(12)


@dataclass(slots=True)
class PlannedIdea:
    number: int
    place: Place
    idea: CheckedIdea
    status: IdeaStatus
    submitted: datetime.date
    first_response: datetime.date | None
    decided: datetime.date | None
    implemented: datetime.date | None
    learned: str
    reason: str
    duplicate_of: str
    submitter: str


@dataclass(slots=True)
class CheckedIdeas:
    report: ImportReport
    ideas: list[PlannedIdea]
    submitters: dict[tuple[uuid.UUID, str], uuid.UUID] = field(default_factory=dict)
    originals: dict[str, uuid.UUID] = field(default_factory=dict)


def waste_types_of(text: str) -> list[str]:
    """ "Waiting; Extra-processing" as the values ``check_idea`` takes: waiting, extra_processing."""
    parts = text.replace("|", ";").replace(",", ";").split(";")
    return ["_".join(part.strip().lower().replace("-", " ").split()) for part in parts if part.strip()]


def status_of(text: str) -> IdeaStatus | None:
    key = "_".join(text.strip().lower().replace("-", " ").split()) or IdeaStatus.SUBMITTED.value
    try:
        return IdeaStatus(key)
    except ValueError:
        return None


def check_row(
    header: Header, row: SheetRow, place: Place | None, today: datetime.date
) -> tuple[PlannedIdea | None, list[Problem]]:
    """One row judged on its own: its wording, status and dates. Pure."""
    number = row.number

    def text(name: str) -> str:
        return header.text(row, name)

    wording = IdeaInput(
        title=text("title"),
        problem=text("problem"),
        proposal=text("proposal"),
        waste_types=waste_types_of(text("waste_types")),
        process=text("process"),
        expected_benefit=text("expected_benefit"),
    )
    checked, errors = check_idea(wording)
    if "waste_types" in errors:
        names = ", ".join(waste.label for waste in WasteType)
        errors["waste_types"] = f"Use the DOWNTIME wastes, separated by semicolons: {names}"
    status = status_of(text("status"))
    if status is None:
        errors["status"] = "Use one of: " + ", ".join(status.value for status in IdeaStatus)
    days: dict[str, datetime.date | None] = {}
    for name, label in (
        ("submitted", "the date it was raised"),
        ("first_response", "the first response date"),
        ("decided", "the decision date"),
        ("implemented", "the implementation date"),
    ):
        cell = header.cell(row, name)
        if isinstance(cell, datetime.datetime | datetime.date):
            day = cell.date() if isinstance(cell, datetime.datetime) else cell
            days[name] = fields.date_within(day, name, label, errors=errors, today=today)
        else:
            days[name] = fields.date(
                text(name),
                name,
                label,
                errors=errors,
                required=name == "submitted",
                today=today,
                invalid=f"Enter {label} as a real date, like 2025-06-02 or 02/06/2025",
            )
    reason, learned, duplicate_of = text("reason"), text("learned"), text("duplicate_of").upper()
    if status is not None:
        if status in _ANSWERED and days["first_response"] is None and "first_response" not in errors:
            if days["decided"] is not None:
                days["first_response"] = days["decided"]  # decided at once: the decision was the first answer
            else:
                errors["first_response"] = f"Enter the date a {status.label.lower()} idea was first answered"
        if status not in _ANSWERED and text("first_response"):
            errors["first_response"] = f"Leave this blank: a {status.label.lower()} idea has not been answered"
        if status in _DECIDED and days["decided"] is None and "decided" not in errors:
            errors["decided"] = f"Enter the date a {status.label.lower()} idea was decided"
        if status not in _DECIDED and text("decided"):
            errors["decided"] = f"Leave this blank: a {status.label.lower()} idea has not been decided"
        if status is IdeaStatus.IMPLEMENTED:
            if days["implemented"] is None and "implemented" not in errors:
                errors["implemented"] = "Enter the date the change was made"
            if not learned:
                errors["learned"] = "Say what was learned, so other divisions can repeat it"
        elif text("implemented"):
            errors["implemented"] = "Leave this blank: only an implemented idea has an implementation date"
        if status in NEEDS_A_REASON and not reason:
            errors["reason"] = f"Say why the idea is {status.label.lower()}: the person who raised it will see this"
        if status is IdeaStatus.DUPLICATE and not duplicate_of:
            errors["duplicate_of"] = "Enter the reference of the original idea, like LAN-000123"
    for name, value in (("reason", reason), ("learned", learned)):
        if len(value) > REASON_LENGTH:
            errors[name] = f"This must be {REASON_LENGTH:,} characters or fewer"
    order = [
        name for name in ("submitted", "first_response", "decided", "implemented") if days[name] and name not in errors
    ]
    for earlier, later in itertools.pairwise(order):
        if days[later] < days[earlier]:  # type: ignore[operator]
            errors[later] = f"This date is before the {earlier.replace('_', ' ')} date"
    problems = [Problem(number, name, message) for name, message in errors.items()]
    if problems or place is None or checked is None or status is None or days["submitted"] is None:
        return None, problems
    planned = PlannedIdea(
        number,
        place,
        checked,
        status,
        days["submitted"],
        days["first_response"],
        days["decided"],
        days["implemented"],
        learned,
        reason,
        duplicate_of,
        normalise_email(text("submitter")),
    )
    return planned, []


async def check(
    session: AsyncSession,
    places: Places,
    table: Table,
    *,
    today: datetime.date,
    progress: Callable[[int], None] = lambda _rows: None,
    submitter: str = "",
) -> CheckedIdeas:
    """Every row judged, and the submitters and originals they name found. Writes nothing. A blank
    submitter cell means ``submitter`` (an email: the command line's ``--submitter``), or else the importer."""
    report = ImportReport(KIND)
    planned: list[PlannedIdea] = []
    for row in table.rows:
        problems: list[Problem] = []
        place = places.place_of(table.header, row, problems)
        idea, row_problems = check_row(table.header, row, place, today)
        report.problems.extend([*problems, *row_problems])
        report.rows += 1
        if idea is not None:
            idea.submitter = idea.submitter or normalise_email(submitter)
            planned.append(idea)
        if report.rows % 1_000 == 0:
            progress(report.rows)
    progress(report.rows)
    if report.rows == 0 and not report.problems:
        report.problems.append(Problem(table.header.number + 1, "", "The file has a header but no ideas under it"))
    checked = CheckedIdeas(report, planned)
    viewer = places.viewer
    emails = {idea.submitter for idea in planned if idea.submitter}
    for batch in batches(emails):
        found = await session.execute(
            select(User.force_id, User.email, User.id).where(User.email.in_(batch), User.is_active.is_(True))
        )
        checked.submitters.update({(force_id, email): user_id for force_id, email, user_id in found if force_id})
    references = {idea.duplicate_of for idea in planned if idea.duplicate_of}
    for batch in batches(references):
        originals = await session.execute(
            select(Idea.reference, Idea.id, Idea.force_id).where(Idea.reference.in_(batch))
        )
        checked.originals.update(
            {reference: idea_id for reference, idea_id, force_id in originals if force_id in places.forces.values()}
        )
    for idea in planned:
        if idea.submitter and (idea.place.force_id, idea.submitter) not in checked.submitters:
            report.problems.append(
                Problem(
                    idea.number,
                    "submitter",
                    f"{idea.place.force_code} has no active user with the email {idea.submitter}",
                )
            )
        elif not idea.submitter and viewer.actor.id is None:
            report.problems.append(Problem(idea.number, "submitter", NAME_THE_SUBMITTER))
        if idea.duplicate_of and idea.duplicate_of not in checked.originals:
            report.problems.append(
                Problem(idea.number, "duplicate_of", f"There is no idea {idea.duplicate_of} in this force")
            )
    report.problems.sort(key=lambda problem: problem.row)
    report.created = len(planned)
    return checked


def moment(day: datetime.date) -> datetime.datetime:
    """A date as the moment it is kept as: midday in London, in UTC."""
    return datetime.datetime.combine(day, _MIDDAY, tzinfo=LONDON).astimezone(datetime.UTC)


async def write(session: AsyncSession, viewer: CurrentUser, checked: CheckedIdeas, *, now: datetime.datetime) -> None:
    """Add every idea with its waste types and an "imported" first entry on its timeline, each force's
    references taken in one step, and count them in the rollups. In the session's transaction."""
    connection = await session.connection()
    references: dict[uuid.UUID, list[str]] = {}
    for force_id in {idea.place.force_id for idea in checked.ideas}:
        wanted = sum(1 for idea in checked.ideas if idea.place.force_id == force_id)
        references[force_id] = list(reversed(await next_references(connection, force_id, wanted)))
    added: list[Idea] = []
    for planned in checked.ideas:
        submitted = moment(planned.submitted)
        first_response = moment(planned.first_response) if planned.first_response else None
        decided = moment(planned.decided) if planned.decided else None
        latest = max(
            day
            for day in (
                submitted,
                first_response,
                decided,
                moment(planned.implemented) if planned.implemented else None,
            )
            if day
        )
        submitter_id = checked.submitters.get((planned.place.force_id, planned.submitter)) or viewer.id
        idea = Idea(
            id=uuid7(),
            reference=references[planned.place.force_id].pop(),
            force_id=planned.place.force_id,
            division_id=planned.place.division_id,
            submitter_id=submitter_id,
            **{name: getattr(planned.idea, name) for name in WORDING},
            status=planned.status,
            status_changed_at=latest,
            supporter_count=0,
            first_response_at=first_response,
            decided_at=decided,
            implemented_on=planned.implemented,
            learned=planned.learned,
            duplicate_of_id=checked.originals.get(planned.duplicate_of),
            created_at=submitted,
            updated_at=now,
        )
        details = {
            name: day.isoformat()
            for name, day in (
                ("submitted", planned.submitted),
                ("first_response", planned.first_response),
                ("decided", planned.decided),
                ("implemented", planned.implemented),
            )
            if day
        }
        body = f"Imported as {planned.status.label.lower()}" + (f": {planned.reason}" if planned.reason else "")
        session.add_all(
            [
                idea,
                *(IdeaWasteType(idea_id=idea.id, waste_type=waste) for waste in planned.idea.waste_types),
                timeline_entry(
                    idea.id,
                    kind="imported",
                    actor_id=viewer.actor.id,
                    now=submitted,
                    body=body,
                    to_status=planned.status,
                    details=details,
                ),
            ]
        )
        added.append(idea)
    await session.flush()
    await changes.ideas_imported(session, added)
