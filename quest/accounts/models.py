"""Users, their server-side sessions and API tokens, and the record of sign-in attempts."""

from __future__ import annotations

import datetime
import uuid
from typing import ClassVar

from advanced_alchemy.base import UUIDv7AuditBase, UUIDv7Base
from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column, validates

from quest.accounts.roles import Role
from quest.audit.recorder import Audited
from quest.columns import enum_column

_FORCE_ROLES = ", ".join(f"'{role.value}'" for role in Role if role.needs_force)
_DIVISION_ROLES = ", ".join(f"'{role.value}'" for role in Role if role.needs_division)


def normalise_email(email: str) -> str:
    """Emails are unique whatever their case, so they are kept in one case."""
    return email.strip().lower()


class User(UUIDv7AuditBase, Audited):
    __tablename__ = "users"
    __audit_redact__: ClassVar[frozenset[str]] = frozenset({"password_hash"})

    email: Mapped[str] = mapped_column(String(320), unique=True)
    display_name: Mapped[str] = mapped_column(String(120))
    role: Mapped[Role] = mapped_column(enum_column(Role, "role", length=16))
    force_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("forces.id", ondelete="RESTRICT"), index=True)
    division_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("divisions.id", ondelete="RESTRICT"), index=True)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Argon2id; None until a password is set, and then nobody can sign in as this user.
    password_hash: Mapped[str | None] = mapped_column(String(255))
    # Set when someone else chose the password (a new account): the user must choose their own.
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    __table_args__ = (
        CheckConstraint(f"role NOT IN ({_FORCE_ROLES}) OR force_id IS NOT NULL", name="force_required"),
        CheckConstraint(f"role NOT IN ({_DIVISION_ROLES}) OR division_id IS NOT NULL", name="division_required"),
    )

    @validates("email")
    def _normalise_email(self, _key: str, email: str) -> str:
        return normalise_email(email)

    @property
    def audit_force_id(self) -> uuid.UUID | None:
        return self.force_id


class UserSession(UUIDv7Base):
    """A signed-in browser. The cookie holds a random token; only its SHA-256 is kept here, so a copy
    of the database does not let anyone take over a session. Not audited row by row: sign-in and
    sign-out are audited as events, and ``last_seen_at`` moves all the time."""

    __tablename__ = "user_sessions"

    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    created_at: Mapped[datetime.datetime] = mapped_column(DateTimeUTC(timezone=True))
    last_seen_at: Mapped[datetime.datetime] = mapped_column(DateTimeUTC(timezone=True))
    expires_at: Mapped[datetime.datetime] = mapped_column(DateTimeUTC(timezone=True))
    revoked_at: Mapped[datetime.datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    client_address: Mapped[str | None] = mapped_column(String(64))
    user_agent: Mapped[str | None] = mapped_column(String(200))

    __table_args__ = (Index("ix_user_sessions_user_id_revoked_at", "user_id", "revoked_at"),)


class ApiToken(UUIDv7AuditBase, Audited):
    """A bearer token for the JSON API. Shown once when made; only its SHA-256 is kept."""

    __tablename__ = "api_tokens"
    __audit_redact__: ClassVar[frozenset[str]] = frozenset({"token_hash"})
    __audit_ignore__: ClassVar[frozenset[str]] = frozenset({"last_used_at"})

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    label: Mapped[str] = mapped_column(String(80))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # The first characters of the token, so its owner can tell their tokens apart.
    prefix: Mapped[str] = mapped_column(String(16))
    last_used_at: Mapped[datetime.datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    revoked_at: Mapped[datetime.datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    # Kept so that a force's HQ can read the audit rows of its own people's tokens.
    force_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("forces.id", ondelete="RESTRICT"))

    @property
    def audit_force_id(self) -> uuid.UUID | None:
        return self.force_id


class SignInAttempt(UUIDv7Base):
    """Every sign-in attempt, by the email typed and the client address: the sign-in throttle counts
    the recent failures here (whether or not the account exists)."""

    __tablename__ = "sign_in_attempts"

    attempted_at: Mapped[datetime.datetime] = mapped_column(DateTimeUTC(timezone=True))
    email: Mapped[str] = mapped_column(String(320))
    client_address: Mapped[str] = mapped_column(String(64))
    succeeded: Mapped[bool] = mapped_column(Boolean)

    __table_args__ = (
        Index("ix_sign_in_attempts_email_attempted_at", "email", "attempted_at"),
        Index("ix_sign_in_attempts_client_address_attempted_at", "client_address", "attempted_at"),
    )


class FormDraft(UUIDv7Base):
    """What someone had typed into a form when their session ended before they sent it: kept for a day,
    shown back to them alone, on the page the form was on, once they have signed in again
    (:mod:`quest.accounts.drafts`). The browser holds a random secret in a cookie; only its SHA-256 is
    kept here. Not audited: nothing was changed, and it is deleted once shown."""

    __tablename__ = "form_drafts"

    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # The person whose session ended: only they are ever shown it.
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # When they signed in again on the browser that holds it; until then it is shown to nobody.
    bound_at: Mapped[datetime.datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    page: Mapped[str] = mapped_column(String(2000))
    action: Mapped[str] = mapped_column(String(2000))
    what: Mapped[str | None] = mapped_column(String(80))
    # The form's text fields as a JSON list of [name, value] pairs, in the order sent.
    fields: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime.datetime] = mapped_column(DateTimeUTC(timezone=True))
    expires_at: Mapped[datetime.datetime] = mapped_column(DateTimeUTC(timezone=True), index=True)


class Invitation(UUIDv7Base):
    """A one-time link that lets a new user (one imported without a password) choose their password:
    emailed to them, good until ``expires_at``, and spent once used. Only the SHA-256 of its secret is
    kept. Not audited row by row: making a user is audited, and so is the invitation's use."""

    __tablename__ = "invitations"

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime.datetime] = mapped_column(DateTimeUTC(timezone=True))
    expires_at: Mapped[datetime.datetime] = mapped_column(DateTimeUTC(timezone=True))
    used_at: Mapped[datetime.datetime | None] = mapped_column(DateTimeUTC(timezone=True))
