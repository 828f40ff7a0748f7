"""The notifications page: what happened to the ideas one raised or follows."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.response import Redirect, Template

from quest.accounts.authentication import CLOCK, signed_in_user
from quest.notifications import services
from quest.web.dependencies import DatabaseSession
from quest.web.pages import page, see_other


class NotificationPages(Controller):
    path = "/notifications"
    include_in_schema = False

    @get("/", name="notifications")
    async def show(self, request: Request[Any, Any, Any], db_session: DatabaseSession) -> Template:
        viewer = signed_in_user(request)
        return page(
            request,
            "notifications/index.html",
            {"notifications": await services.list_notifications(db_session, viewer)},
        )

    @post("/read")
    async def mark_read(self, request: Request[Any, Any, Any], db_session: DatabaseSession) -> Redirect:
        viewer = signed_in_user(request)
        await services.mark_all_read(db_session, viewer, request.app.state[CLOCK].now())
        return see_other("/notifications")
