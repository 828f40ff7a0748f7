"""Reading HTML forms, and what a handler needs to answer one.

:func:`answer_form` is the one way a form's POST is answered: the service is called; if it refuses the
input (:class:`~quest.errors.ValidationFailed`), the form's page is shown again with the errors, 422; if
the record changed meanwhile (:class:`~quest.errors.Conflict`), the page is shown again with that said,
409; otherwise a message is flashed and the browser is sent on with 303 (POST, redirect, GET). htmx gets
the same answers (its configuration swaps 409 and 422 in, and follows a 303 by itself).
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, TypeVar
from urllib.parse import urlsplit

from litestar import Litestar, Request
from litestar.datastructures import Cookie
from litestar.exceptions import HTTPException
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_409_CONFLICT, HTTP_422_UNPROCESSABLE_ENTITY
from litestar.utils import normalize_path

from quest.errors import Conflict, ValidationFailed
from quest.web.flash import flash

Outcome = TypeVar("Outcome")


def see_other(path: str, cookies: list[Cookie] | None = None) -> Redirect:
    """303 See Other: after a POST, the browser GETs ``path`` (POST, redirect, GET)."""
    return Redirect(path, status_code=303, cookies=cookies)


async def answer_form(
    request: Request[Any, Any, Any],
    action: Awaitable[Outcome],
    *,
    done: str | Callable[[Outcome], str],
    message: str | Callable[[Outcome], str],
    again: Callable[[dict[str, str]], Template | Awaitable[Template]],
    conflict: Callable[[str], Template | Awaitable[Template]] | None = None,
) -> Template | Redirect:
    """Answer a form with ``action`` (the service call, not yet awaited).

    - It succeeds: ``message`` is flashed and the browser goes to ``done`` (each a text, or made from
      what the service returned), 303.
    - :class:`ValidationFailed`: ``again(errors)`` is the form's page with its errors, answered 422.
    - :class:`Conflict`: ``conflict(message)`` is the page with the conflict said, answered 409; without
      ``conflict`` the error handler answers it (409, its error page).
    """
    try:
        outcome = await action
    except ValidationFailed as failure:
        return await _answered(again(failure.errors), HTTP_422_UNPROCESSABLE_ENTITY)
    except Conflict as problem:
        if conflict is None:
            raise
        return await _answered(conflict(str(problem)), HTTP_409_CONFLICT)
    flash(request, message(outcome) if callable(message) else message)
    return see_other(done(outcome) if callable(done) else done)


async def _answered(shown: Template | Awaitable[Template], status_code: int) -> Template:
    template = await shown if inspect.isawaitable(shown) else shown
    template.status_code = status_code
    return template


async def form_values(request: Request[Any, Any, Any]) -> dict[str, str]:
    """Each field's value as typed (the first, if a field is repeated)."""
    form = await request.form()
    return {key: str(form.get(key, "")) for key in form}


def text_fields(values: Mapping[str, str], *names: str) -> dict[str, str]:
    """The named fields as typed, "" for one not sent: the text a service's input is made of."""
    return {name: values.get(name, "") for name in names}


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
