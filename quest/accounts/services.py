"""Managing users and one's own account: the rules, the scoping, the writes.

Every function takes the current user and checks the access matrix (:mod:`quest.accounts.access`)
before it reads or writes. Writes are audited by the models themselves, attributed to the current user.
"""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass, field
from typing import Any

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import ColumnElement, Select, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from quest import fields
from quest.accounts import access
from quest.accounts.access import Permission
from quest.accounts.identity import CurrentUser, Identity
from quest.accounts.models import ApiToken, User, normalise_email
from quest.accounts.passwords import hash_password_in_thread, password_problem, verify_password_in_thread
from quest.accounts.roles import Role
from quest.accounts.sessions import TokenSummary, create_token, revoke_user_sessions, revoke_user_tokens
from quest.audit.recorder import act_as
from quest.errors import Conflict, NotFound, ValidationFailed
from quest.org.models import Division, Force
from quest.paging import Paged

MAX_NAME_LENGTH = 120
MAX_TOKEN_LABEL_LENGTH = 80
USERS_PER_PAGE = 50


# --- Reading -----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class UserSummary(Identity):
    force_name: str | None
    division_id: uuid.UUID | None
    division_code: str | None
    division_name: str | None
    is_active: bool
    must_change_password: bool
    created_at: datetime.datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class UserPage(Paged):
    users: list[UserSummary]
    per_page: int = USERS_PER_PAGE


def _user_summaries() -> Select[*tuple[Any, ...]]:
    return (
        select(
            User.id,
            User.email,
            User.display_name,
            User.role,
            User.force_id,
            Force.code.label("force_code"),
            Force.name.label("force_name"),
            User.division_id,
            Division.code.label("division_code"),
            Division.name.label("division_name"),
            User.is_active,
            User.must_change_password,
            User.created_at,
        )
        .outerjoin(Force, Force.id == User.force_id)
        .outerjoin(Division, Division.id == User.division_id)
    )


def user_conditions(
    viewer: CurrentUser, *, search: str | None = None, role: Role | None = None, active: bool | None = None
) -> list[ColumnElement[bool]]:
    """The WHERE clauses of the users in the viewer's reach that the user list's filters choose (the
    list's, and its export's: quest.exports.tables)."""
    access.require(viewer, Permission.VIEW_USERS)
    conditions = [access.scope(viewer, Permission.VIEW_USERS, force_column=User.force_id)]
    if search and search.strip():
        term = search.strip()
        conditions.append(
            or_(User.email.icontains(term, autoescape=True), User.display_name.icontains(term, autoescape=True))
        )
    if role is not None:
        conditions.append(User.role == role)
    if active is not None:
        conditions.append(User.is_active.is_(active))
    return conditions


async def list_users(
    session: AsyncSession,
    viewer: CurrentUser,
    *,
    search: str | None = None,
    role: Role | None = None,
    active: bool | None = None,
    page: int = 1,
    per_page: int = USERS_PER_PAGE,
) -> UserPage:
    """A page of the users in the viewer's reach that the filters choose, by name (the users page's, and
    the API's, which says how many a page holds)."""
    statement = _user_summaries().where(*user_conditions(viewer, search=search, role=role, active=active))
    total = (await session.execute(select(func.count()).select_from(statement.subquery()))).scalar_one()
    page = max(1, page)
    rows = await session.execute(
        statement.order_by(User.display_name, User.email, User.id).limit(per_page).offset((page - 1) * per_page)
    )
    return UserPage(users=[UserSummary(**row._asdict()) for row in rows], total=total, page=page, per_page=per_page)


async def get_user(session: AsyncSession, viewer: CurrentUser, user_id: uuid.UUID) -> UserSummary:
    """One user; :class:`NotFound` if there is none the viewer may see (themselves included)."""
    row = (await session.execute(_user_summaries().where(User.id == user_id))).first()
    if row is None:
        raise NotFound("user")
    found = UserSummary(**row._asdict())
    if found.id != viewer.id:
        access.require_record(
            viewer, Permission.VIEW_USERS, entity="users", entity_id=found.id, force_id=found.force_id
        )
    return found


# --- Choices for forms --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DivisionChoice:
    id: uuid.UUID
    force_id: uuid.UUID
    force_code: str
    name: str


@dataclass(frozen=True, slots=True)
class ForceChoice:
    id: uuid.UUID
    code: str
    name: str


@dataclass(frozen=True, slots=True)
class UserFormChoices:
    roles: list[Role]
    forces: list[ForceChoice]
    divisions: list[DivisionChoice]


async def form_choices(session: AsyncSession, viewer: CurrentUser) -> UserFormChoices:
    """The roles, forces and divisions the viewer may put a user in."""
    access.require(viewer, Permission.MANAGE_USERS)
    in_scope = access.scope(viewer, Permission.MANAGE_USERS, force_column=Force.id)
    forces = [
        ForceChoice(*row)
        for row in await session.execute(select(Force.id, Force.code, Force.name).where(in_scope).order_by(Force.name))
    ]
    divisions = [
        DivisionChoice(*row)
        for row in await session.execute(
            select(Division.id, Division.force_id, Force.code, Division.name)
            .join(Force, Force.id == Division.force_id)
            .where(in_scope)
            .order_by(Force.name, Division.name)
        )
    ]
    return UserFormChoices(
        roles=[role for role in Role if access.may_grant(viewer, role)], forces=forces, divisions=divisions
    )


# --- Validation ---------------------------------------------------------------------------------------


@dataclass
class UserInput:
    """What a form or the command line gives for a new or changed user. Strings as typed."""

    email: str = ""
    display_name: str = ""
    role: str = ""
    force_id: str = ""
    division_id: str = ""
    password: str = ""
    errors: dict[str, str] = field(default_factory=dict)


def check_email(email: str) -> str | None:
    if not email.strip():
        return "Enter an email address"
    if len(email.strip()) > 320:
        return "Email address must be 320 characters or fewer"
    try:
        validate_email(email.strip(), check_deliverability=False)
    except EmailNotValidError:
        return "Enter an email address in the correct format, like name@example.com"
    return None


def check_display_name(name: str) -> str | None:
    errors: fields.Errors = {}
    fields.text(name, "display_name", "name", limit=MAX_NAME_LENGTH, missing="Enter the person's name", errors=errors)
    return errors.get("display_name")


@dataclass(frozen=True, slots=True)
class Placement:
    role: Role
    force_id: uuid.UUID | None
    division_id: uuid.UUID | None


async def _force_words(session: AsyncSession, force_id: uuid.UUID | None) -> tuple[str, ...]:
    """The code and name of a person's force, which their password must not lean on."""
    if force_id is None:
        return ()
    row = (await session.execute(select(Force.code, Force.name).where(Force.id == force_id))).first()
    return (row.code, row.name) if row else ()


async def _placement(
    session: AsyncSession, viewer: CurrentUser, data: UserInput, errors: dict[str, str]
) -> Placement | None:
    """The role, force and division asked for, checked against the role's needs and the viewer's reach."""
    role = fields.choice(data.role, Role, "role", invalid="Select a role", errors=errors)
    if role is None:
        return None
    if not access.may_grant(viewer, role):
        errors["role"] = "You cannot give someone this role"
        return None

    division_id = fields.read_uuid(data.division_id) if role.needs_division else None
    force_id = fields.read_uuid(data.force_id) if role.needs_force else None
    if viewer.role is Role.FORCE_HQ and role.needs_force:
        force_id = viewer.force_id  # a force's headquarters only places people in its own force

    if role.needs_division:
        division = (
            (await session.execute(select(Division.id, Division.force_id).where(Division.id == division_id))).first()
            if division_id
            else None
        )
        if division is None or not access.covers(viewer, Permission.MANAGE_USERS, force_id=division.force_id):
            errors["division_id"] = "Select the person's division"
            return None
        if force_id is not None and force_id != division.force_id and viewer.role is not Role.FORCE_HQ:
            errors["division_id"] = "Select a division of the force you chose"
            return None
        if viewer.role is Role.FORCE_HQ and division.force_id != viewer.force_id:
            errors["division_id"] = "Select the person's division"
            return None
        force_id = division.force_id
    elif role.needs_force:
        exists = force_id is not None and (await session.execute(select(Force.id).where(Force.id == force_id))).first()
        if not exists or not access.covers(viewer, Permission.MANAGE_USERS, force_id=force_id):
            errors["force_id"] = "Select the person's force"
            return None
    return Placement(role=role, force_id=force_id, division_id=division_id)


# --- Writing ------------------------------------------------------------------------------------------


async def create_user(
    session: AsyncSession, viewer: CurrentUser, data: UserInput, *, must_change_password: bool = True
) -> uuid.UUID:
    """A new user. Someone else chose the password, so by default they must change it at first sign-in.
    Commits."""
    access.require(viewer, Permission.MANAGE_USERS)
    errors: dict[str, str] = {}
    if problem := check_email(data.email):
        errors["email"] = problem
    if problem := check_display_name(data.display_name):
        errors["display_name"] = problem
    placement = await _placement(session, viewer, data, errors)
    force = await _force_words(session, placement.force_id if placement else None)
    if problem := password_problem(data.password, email=data.email, name=data.display_name, force=force):
        errors["password"] = problem
    email = normalise_email(data.email)
    if "email" not in errors and (await session.execute(select(User.id).where(User.email == email))).first():
        errors["email"] = "There is already a user with this email address"
    if errors or placement is None:
        raise ValidationFailed(errors)

    act_as(session, viewer.actor)
    user = User(
        email=email,
        display_name=data.display_name.strip(),
        role=placement.role,
        force_id=placement.force_id,
        division_id=placement.division_id,
        is_active=True,
        password_hash=await hash_password_in_thread(data.password),
        must_change_password=must_change_password,
    )
    session.add(user)
    await session.commit()
    return user.id


async def _managed_user(session: AsyncSession, viewer: CurrentUser, user_id: uuid.UUID) -> User:
    user = await session.get(User, user_id)
    if user is None:
        raise NotFound("user")
    access.require_record(viewer, Permission.MANAGE_USERS, entity="users", entity_id=user.id, force_id=user.force_id)
    if not access.may_grant(viewer, user.role):
        raise NotFound("user")  # e.g. a force HQ looking at an administrator: not theirs to see
    return user


async def update_user(session: AsyncSession, viewer: CurrentUser, user_id: uuid.UUID, data: UserInput) -> None:
    """Change a user's name, role, force and division. Commits."""
    user = await _managed_user(session, viewer, user_id)
    errors: dict[str, str] = {}
    if problem := check_display_name(data.display_name):
        errors["display_name"] = problem
    placement = await _placement(session, viewer, data, errors)
    if user.id == viewer.id and placement is not None and placement.role != user.role:
        errors["role"] = "You cannot change your own role"
    if errors or placement is None:
        raise ValidationFailed(errors)
    act_as(session, viewer.actor)
    user.display_name = data.display_name.strip()
    user.role = placement.role
    user.force_id = placement.force_id
    user.division_id = placement.division_id
    await session.commit()


async def set_active(
    session: AsyncSession, viewer: CurrentUser, user_id: uuid.UUID, *, active: bool, now: datetime.datetime
) -> str:
    """Deactivate (ending the user's sessions and tokens at once) or reactivate a user. Commits.
    Returns the user's name, for the confirmation."""
    user = await _managed_user(session, viewer, user_id)
    if user.id == viewer.id:
        raise Conflict("You cannot deactivate your own account")
    act_as(session, viewer.actor)
    user.is_active = active
    if not active:
        await revoke_user_sessions(session, user.id, now)
        await revoke_user_tokens(session, user.id, now)
    await session.commit()
    return user.display_name


async def change_password(
    session: AsyncSession,
    viewer: CurrentUser,
    *,
    current_password: str,
    new_password: str,
    confirmation: str,
    now: datetime.datetime,
) -> None:
    """Change one's own password and end one's other sessions. Commits."""
    user = await session.get(User, viewer.id)
    if user is None:
        raise NotFound("user")
    errors: dict[str, str] = {}
    if not current_password:
        errors["current_password"] = "Enter your current password"
    elif not await verify_password_in_thread(user.password_hash, current_password):
        errors["current_password"] = "Your current password is not right"
    force = await _force_words(session, user.force_id)
    if problem := password_problem(new_password, email=user.email, name=user.display_name, force=force):
        errors["new_password"] = problem
    elif new_password == current_password:
        errors["new_password"] = "Choose a password different from your current one"
    if "new_password" not in errors and confirmation != new_password:
        errors["confirmation"] = "The passwords do not match"
    if errors:
        raise ValidationFailed(errors)
    act_as(session, viewer.actor)
    user.password_hash = await hash_password_in_thread(new_password)
    user.must_change_password = False
    await revoke_user_sessions(session, user.id, now, keep=viewer.session_id)
    await session.commit()


@dataclass(frozen=True, slots=True)
class NewToken:
    """A token just made: its secret, to be shown once (only its hash is kept), and the token as listed."""

    secret: str
    token: TokenSummary


async def create_own_token(session: AsyncSession, viewer: CurrentUser, label: str) -> NewToken:
    """A new API token for oneself, its secret to be shown once. Commits."""
    label = label.strip()
    if not label:
        raise ValidationFailed({"label": "Enter a name for the token, such as the script that will use it"})
    if len(label) > MAX_TOKEN_LABEL_LENGTH:
        raise ValidationFailed({"label": f"Name must be {MAX_TOKEN_LABEL_LENGTH} characters or fewer"})
    user = await session.get(User, viewer.id)
    if user is None:
        raise NotFound("user")
    act_as(session, viewer.actor)
    secret, token = await create_token(session, user, label)
    made = TokenSummary(token.id, token.label, token.prefix, token.created_at, token.last_used_at)
    await session.commit()
    return NewToken(secret, made)


async def revoke_own_token(
    session: AsyncSession, viewer: CurrentUser, token_id: uuid.UUID, now: datetime.datetime
) -> None:
    """Revoke one of one's own tokens; someone else's is :class:`NotFound`. Commits."""
    token = await session.get(ApiToken, token_id)
    if token is None or token.user_id != viewer.id or token.revoked_at is not None:
        raise NotFound("token")
    act_as(session, viewer.actor)
    token.revoked_at = now
    await session.commit()
