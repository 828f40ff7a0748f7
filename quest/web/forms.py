"""Reading HTML forms, and what a handler needs to answer one."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from litestar import Litestar, Request
from litestar.exceptions import HTTPException
from litestar.utils import normalize_path


async def form_values(request: Request[Any, Any, Any]) -> dict[str, str]:
    """Each field's value as typed (the first, if a field is repeated)."""
    form = await request.form()
    return {key: str(form.get(key, "")) for key in form}


async def form_lists(request: Request[Any, Any, Any], *names: str) -> dict[str, list[str]]:
    """Every value of fields that may repeat, such as checkboxes."""
    form = await request.form()
    return {name: [str(value) for value in form.getall(name, [])] for name in names}


def client_address(request: Request[Any, Any, Any]) -> str:
    return request.client.host if request.client else "unknown"


def answers_get(app: Litestar, path: str) -> bool:
    """Whether ``path`` is a page: a route of this app that answers GET (not one that only takes a POST)."""
    try:
        app.asgi_router.handle_routing(path=normalize_path(path), method="GET")
    except HTTPException:  # no such route (404), or one for other methods only (405)
        return False
    return True


def nearest_page(app: Litestar, path: str) -> str:
    """The page a URL belongs to: itself if it answers GET, else the nearest path above it that does
    (the form posting to /ideas/LAN-000123/decision is on /ideas/LAN-000123)."""
    parts = path.rstrip("/").split("/")
    while len(parts) > 1:
        candidate = "/".join(parts)
        if answers_get(app, candidate):
            return candidate
        parts.pop()
    return "/"


def safe_next(app: Litestar, target: str | None, default: str = "/") -> str:
    """A place to go back to after signing in: only a path on this site, never another site, and only a
    page: a URL that only takes a POST would answer 405, so its page is given instead."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return default
    if answers_get(app, parts.path):
        return target
    return nearest_page(app, parts.path)


def page_of_form(request: Request[Any, Any, Any]) -> str:
    """The page a form was sent from, to return to: the Referer when it is a page of this site (the
    Referrer-Policy is same-origin, so browsers send it), else the page the form's URL belongs to."""
    referer = request.headers.get("referer", "")
    parts = urlsplit(referer)
    if referer and parts.scheme == request.url.scheme and parts.netloc == request.url.netloc:
        return safe_next(request.app, parts.path + (f"?{parts.query}" if parts.query else ""))
    return nearest_page(request.app, request.url.path)
