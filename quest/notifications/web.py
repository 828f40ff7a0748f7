"""The notifications page: what happened to the ideas one raised or follows."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.response import Redirect, Template

from quest.notifications import services
from quest.web.dependencies import DatabaseSession, Now, Viewer
from quest.web.forms import see_other
from quest.web.pages import page


class NotificationPages(Controller):
    path = "/notifications"
    include_in_schema = False

    @get("/", name="notifications")
    async def show(self, request: Request[Any, Any, Any], db_session: DatabaseSession, viewer: Viewer) -> Template:
        return page(
            request,
            "notifications/index.html",
            {"notifications": await services.list_notifications(db_session, viewer)},
        )

    @post("/read")
    async def mark_read(self, db_session: DatabaseSession, viewer: Viewer, now: Now) -> Redirect:
        await services.mark_all_read(db_session, viewer, now)
        return see_other("/notifications")
