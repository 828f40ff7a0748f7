"""Notifications in the JSON API: what happened to the ideas the caller raised or follows (the
notifications page's list, a page at a time), and marking them all read."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.params import FromQuery

from quest.notifications import services
from quest.notifications.services import NotificationRow
from quest.web.api_answers import PerPage, answer, page_answer
from quest.web.api_errors import refusals
from quest.web.dependencies import DatabaseSession, Now, Viewer
from quest.web.pages import PageNumber


@dataclass(frozen=True)
class NotificationOut:
    id: str
    created_at: datetime.datetime
    read: bool
    idea_id: str
    idea_ref: str
    idea_title: str
    # What happened: the idea's event (submitted, moved, commented, saving_claimed, ...), the status it
    # moved to, if it moved, the comment or note, and who did it (null: QUEST itself).
    kind: str
    to_status: str | None
    body: str
    actor_name: str | None
    # The same in words, as the page says it: "Inspector Shah moved it to approved".
    what: str

    @classmethod
    def of(cls, row: NotificationRow) -> NotificationOut:
        return answer(
            cls,
            row,
            idea_ref=row.reference,
            idea_title=row.title,
            what=services.describe(row.kind, row.to_status, row.actor_name),
        )


@dataclass(frozen=True)
class MarkedReadOut:
    # How many notifications were unread until now.
    marked_read: int


class NotificationApi(Controller):
    path = "/api/v1/notifications"
    tags = ["Notifications"]

    @get(
        "/",
        summary="Your notifications, newest first",
        description="What happened to the ideas you raised or follow: each move and comment by someone else; "
        "for validators, each saving claimed in their force; for managers, an improvement slipping. "
        "``unread=true`` lists only those not yet read.",
        operation_id="listNotifications",
        responses=refusals(),
    )
    async def list_notifications(
        self,
        request: Request[Any, Any, Any],
        db_session: DatabaseSession,
        viewer: Viewer,
        unread: FromQuery[bool] = False,
        page_number: PageNumber = 1,
        per_page: PerPage = None,
    ) -> Response[list[NotificationOut]]:
        rows, paged = await services.page_of_notifications(
            db_session, viewer, page_number, per_page or services.PER_PAGE, unread_only=unread
        )
        return page_answer([NotificationOut.of(row) for row in rows], paged, request)

    @post(
        "/read",
        summary="Mark all your notifications read",
        operation_id="markNotificationsRead",
        responses=refusals(),
        status_code=200,
    )
    async def mark_read(self, db_session: DatabaseSession, viewer: Viewer, now: Now) -> MarkedReadOut:
        return MarkedReadOut(await services.mark_all_read(db_session, viewer, now))
