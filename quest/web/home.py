"""The home page: what QUEST is, and for whom."""

from __future__ import annotations

from typing import Any

from litestar import Request, get
from litestar.response import Template

from quest.web.pages import page


@get("/", include_in_schema=False, name="home", opt={"public": True})
async def home(request: Request[Any, Any, Any]) -> Template:
    return page(request, "home/index.html")
