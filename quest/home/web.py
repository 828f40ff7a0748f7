"""The home page: for a signed-in person, what waits for them; for anyone else, what QUEST is."""

from __future__ import annotations

from typing import Any

from litestar import Request, get
from litestar.response import Template

from quest.accounts.authentication import current_user
from quest.home import services
from quest.web.dependencies import DatabaseSession, Now
from quest.web.pages import page

# Each kind of home has its own part of the page.
_PARTS = {
    services.StaffHome: "home/_staff.html",
    services.ManagerHome: "home/_manager.html",
    services.ValidatorHome: "home/_validator.html",
    services.HeadquartersHome: "home/_headquarters.html",
}


@get("/", include_in_schema=False, name="home", opt={"public": True})
async def home(request: Request[Any, Any, Any], db_session: DatabaseSession, now: Now) -> Template:
    viewer = current_user(request)
    if viewer is None:
        return page(request, "home/index.html")
    found = await services.home_for(db_session, viewer, now)
    return page(request, "home/index.html", {"home": found, "part": _PARTS[type(found)]})
