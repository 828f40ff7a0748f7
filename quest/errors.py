"""The errors services raise. Controllers turn them into responses: a page or JSON, with the right
status. Services never raise HTTP exceptions themselves."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any


class QuestError(Exception):
    """Base of the errors a service may raise on purpose."""


class NotFound(QuestError):
    """No such record, or none the current user may see (the two are not told apart: DESIGN §3)."""


class OutOfReach(NotFound):
    """A record that exists, but beyond the current user's reach (another force or division). Answered
    exactly as :class:`NotFound`, so its existence is not revealed, and written to the audit trail as
    refused access (DESIGN §2)."""

    def __init__(self, entity: str, entity_id: object, permission: str) -> None:
        super().__init__(entity)
        self.entity = entity
        self.entity_id = str(entity_id)
        self.permission = permission


class Forbidden(QuestError):
    """The current user's role does not allow this at all. ``reason``, when given, says why in words a
    person can act on; without it, the page says only that their role does not allow it."""

    def __init__(self, message: str = "", *, reason: str = "", permission: str = "") -> None:
        super().__init__(message or reason or permission)
        self.reason = reason
        # The permission the role lacks, when that is why: the audit trail names it.
        self.permission = permission


class ValidationFailed(QuestError):
    """Input is wrong. ``errors`` maps each field to a message that says how to put it right."""

    def __init__(self, errors: Mapping[str, str], extra: Mapping[str, Any] | None = None) -> None:
        super().__init__("; ".join(f"{field}: {message}" for field, message in errors.items()))
        self.errors = dict(errors)
        # More for the API's answer beside the errors (an import's whole report).
        self.extra = dict(extra or {})


class InvalidQuery(ValidationFailed):
    """A query parameter is wrong: answered 400, since a query string is part of the address, not a form."""


class RefusedInThisState(ValidationFailed):
    """A field's value is well formed but clashes with what is stored: a move the idea's status does not
    allow, a name its division already uses. A form shows it beside its field, like any error (422); the
    API answers 409, naming the field, since the same request could succeed against another state."""


class UnknownReference(ValidationFailed):
    """A field names a record that does not exist, or not within the user's reach (a division, a measure,
    an idea's reference). A form shows it beside its field (422); the API answers 409, naming the field:
    the request is well formed, and the address it was sent to exists (a 404 would say it does not)."""


class UnknownFilter(InvalidQuery):
    """A query parameter names a record that does not exist (a force to filter by): 400 on a page, like
    any query parameter; 404 from the API."""


def refused(
    errors: Mapping[str, str], *, references: Collection[str] = (), states: Collection[str] = ()
) -> ValidationFailed:
    """The error for a form's or body's ``errors``, when each is on a field that names a record and found
    none within reach (``references``, like ``division_id``) or one the record's state refuses
    (``states``): :class:`UnknownReference` if any is of the first kind, else :class:`RefusedInThisState`.
    Otherwise (something is wrong with what was sent itself) :class:`ValidationFailed`."""
    if errors and all(field in references or field in states for field in errors):
        return UnknownReference(errors) if any(field in references for field in errors) else RefusedInThisState(errors)
    return ValidationFailed(errors)


class Conflict(QuestError):
    """The record changed, or exists already, in a way that stops this change."""
