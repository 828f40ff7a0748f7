"""Who is asking: the signed-in user as services see them (never an ORM object)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Literal

from quest.accounts.roles import Role
from quest.audit.recorder import Actor


@dataclass(frozen=True, slots=True)
class Identity:
    """Who a user is, wherever services speak of one: the signed-in user, or a user in the users list."""

    id: uuid.UUID
    email: str
    display_name: str
    role: Role
    force_id: uuid.UUID | None
    force_code: str | None


@dataclass(frozen=True, slots=True)
class CurrentUser(Identity):
    division_id: uuid.UUID | None
    must_change_password: bool
    # How this request was authenticated: one of the two is set.
    session_id: uuid.UUID | None = None
    token_id: uuid.UUID | None = None

    @property
    def authenticated_by(self) -> Literal["session", "token"]:
        return "token" if self.token_id is not None else "session"

    @property
    def actor(self) -> Actor:
        if self is COMMAND_LINE:
            return Actor(id=None, label="command line")
        return Actor(id=self.id, label=self.email, force_id=self.force_id)


# Whoever runs ``quest users create`` on the server: trusted like an administrator, audited as such.
COMMAND_LINE = CurrentUser(
    id=uuid.UUID(int=0),
    email="command line",
    display_name="Command line",
    role=Role.ADMIN,
    force_id=None,
    force_code=None,
    division_id=None,
    must_change_password=False,
)
