"""Users from an HR extract, matched by email: a new person is made without a password and gets a
sign-in invitation (:mod:`quest.accounts.invitations`); a known one has their name, role and division
brought into line, each change audited. A force's headquarters imports its own force's people, with the
roles it may give (:func:`quest.accounts.access.may_grant`)."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from quest.accounts import access
from quest.accounts.access import Permission
from quest.accounts.identity import CurrentUser
from quest.accounts.invitations import LIFETIME, invitation_path, new_invitation
from quest.accounts.models import User, normalise_email
from quest.accounts.roles import Role
from quest.accounts.services import check_display_name, check_email
from quest.imports.places import Place, Places
from quest.imports.report import ImportReport, Problem
from quest.imports.table import Column, Table, batches
from quest.notifications import email

KIND = "users"
PERMISSION = Permission.MANAGE_USERS
COLUMNS = (
    Column("email", True, "Their work email: how a person is matched", "a.officer@example.org"),
    Column("name", True, "Their name as colleagues know it", "Alex Officer"),
    Column("role", True, "One of: " + ", ".join(role.value for role in Role), "staff"),
    Column("force", False, "The force's code; leave it out when importing for one force", "LAN"),
    Column("division", False, "The division's code (staff and managers)", "NORTH"),
)


@dataclass(slots=True)
class PlannedUser:
    number: int
    email: str
    name: str
    role: Role
    place: Place | None
    existing: User | None = None

    @property
    def values(self) -> dict[str, object]:
        return {
            "display_name": self.name,
            "role": self.role,
            "force_id": self.place.force_id if self.place else None,
            "division_id": self.place.division_id if self.place and self.role.needs_division else None,
        }

    @property
    def changes(self) -> dict[str, object]:
        if self.existing is None:
            return self.values
        return {name: value for name, value in self.values.items() if getattr(self.existing, name) != value}


@dataclass(slots=True)
class CheckedUsers:
    report: ImportReport
    users: list[PlannedUser] = field(default_factory=list)
    # New users' invitation links, by email, once written: for a command line with no email to send them.
    invitations: dict[str, str] = field(default_factory=dict)


def _role(text: str) -> Role | None:
    try:
        return Role("_".join(text.strip().lower().replace("-", " ").split()))
    except ValueError:
        return None


async def check(
    session: AsyncSession,
    places: Places,
    table: Table,
    *,
    today: datetime.date,
    progress: Callable[[int], None] = lambda _rows: None,
) -> CheckedUsers:
    """Every row judged, and matched by email with the users there are. Writes nothing."""
    del today  # users have no dates
    viewer = places.viewer
    report = ImportReport(KIND)
    header = table.header
    checked = CheckedUsers(report)
    first_row_of: dict[str, int] = {}
    for row in table.rows:
        report.rows += 1
        number = row.number
        problems: list[Problem] = []
        email = header.text(row, "email")
        if problem := check_email(email):
            problems.append(Problem(number, "email", problem))
        elif (earlier := first_row_of.setdefault(normalise_email(email), number)) != number:
            problems.append(
                Problem(number, "email", f"Rows {earlier} and {number} are both for {normalise_email(email)}")
            )
        name = header.text(row, "name")
        if problem := check_display_name(name):
            problems.append(Problem(number, "name", problem))
        role = _role(header.text(row, "role"))
        place = None
        if role is None:
            problems.append(Problem(number, "role", "Use one of: " + ", ".join(role.value for role in Role)))
        elif not access.may_grant(viewer, role):
            problems.append(Problem(number, "role", "You cannot give someone this role"))
        elif role.needs_force:
            place = places.place_of(header, row, problems, division_required=role.needs_division)
        elif header.text(row, "division"):
            problems.append(Problem(number, "division", f"Leave this blank: a {role.label.lower()} has no division"))
        report.problems.extend(problems)
        if not problems and role is not None and (place is not None or not role.needs_force):
            checked.users.append(PlannedUser(number, normalise_email(email), name.strip(), role, place))
    progress(report.rows)
    if report.rows == 0 and not report.problems:
        report.problems.append(Problem(header.number + 1, "", "The file has a header but no people under it"))
    existing: dict[str, User] = {}
    for batch in batches(user.email for user in checked.users):
        found = await session.execute(select(User).where(User.email.in_(batch)))
        existing.update({user.email: user for user in found.scalars()})
    for user in checked.users:
        user.existing = existing.get(user.email)
        if user.existing is None:
            report.created += 1
            continue
        if user.existing.id == viewer.id and user.existing.role != user.role:
            report.problems.append(Problem(user.number, "role", "You cannot change your own role"))
        elif not access.covers(viewer, PERMISSION, force_id=user.existing.force_id) or not access.may_grant(
            viewer, user.existing.role
        ):
            report.problems.append(Problem(user.number, "email", "This email belongs to a user you cannot change"))
        elif user.changes:
            report.changed += 1
        else:
            report.unchanged += 1
    report.problems.sort(key=lambda problem: problem.row)
    return checked


async def write(session: AsyncSession, viewer: CurrentUser, checked: CheckedUsers, *, now: datetime.datetime) -> None:
    """Make the new users, each with an invitation, and change the known ones (the audit trail records each
    change, old and new values, in the flush). In the session's transaction."""
    del viewer  # the session acts as the importer already (act_as)
    new: list[tuple[PlannedUser, User]] = []
    for planned in checked.users:
        if planned.existing is None:
            user = User(
                email=planned.email, is_active=True, password_hash=None, must_change_password=False, **planned.values
            )
            session.add(user)
            new.append((planned, user))
        else:
            for name, value in planned.changes.items():
                setattr(planned.existing, name, value)
    await session.flush()
    mailer = email.current_mailer()
    letters = []
    for planned, user in new:
        secret = await new_invitation(session, user.id, now=now)
        checked.invitations[planned.email] = secret
        if mailer is not None:
            letters.append(
                invitation_email(user.email, user.display_name, f"{mailer.base_url}{invitation_path(secret)}")
            )
    await email.queue(session, letters, now)  # sent once, and only if, the import commits


def invitation_email(address: str, name: str, link: str) -> email.Email:
    body = "\n\n".join(
        (
            f"Hello {name},",
            "You have been given an account in QUEST, the improvement tracker.",
            f"Choose your password here, within {LIFETIME.days} days: {link}",
            "The link works once. If it has expired, ask your force's headquarters for a new one.",
        )
    )
    return email.Email(to=address, subject="Your QUEST account", body=body)
