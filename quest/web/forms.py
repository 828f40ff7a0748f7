"""Reading HTML forms, and what a handler needs to answer one.

:func:`answer_form` is the one way a form's POST is answered: the service is called; if it refuses the
input (:class:`~quest.errors.ValidationFailed`), the form's page is shown again with the errors, 422; if
the record changed meanwhile (:class:`~quest.errors.Conflict`), the page is shown again with that said,
409; otherwise a message is flashed and the browser is sent on with 303 (POST, redirect, GET). htmx gets
the same answers (its configuration swaps 409 and 422 in, and follows a 303 by itself), or, when the
handler gives one, the part of the page that changed. Two shapes of form take the same path:
:func:`answer_button` (a button with no form of its own to show again: a refusal is said in a flash) and
:func:`show_outcome` (a form answered by a page of its own, such as a secret shown once).
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
# A page to answer with, made at once or awaited (one that has to ask the database again).
Shown = Template | Awaitable[Template]


def see_other(path: str, cookies: list[Cookie] | None = None) -> Redirect:
    """303 See Other: after a POST, the browser GETs ``path`` (POST, redirect, GET)."""
    return Redirect(path, status_code=303, cookies=cookies)


def is_htmx(request: Request[Any, Any, Any]) -> bool:
    """Whether htmx sent the request (a boosted one too)."""
    return request.headers.get("hx-request") == "true"


async def answer_form(
    request: Request[Any, Any, Any],
    action: Awaitable[Outcome],
    *,
    done: str | Callable[[Outcome], str],
    message: str | Callable[[Outcome], str],
    again: Callable[[dict[str, str]], Shown | Redirect] | None = None,
    refused: Callable[[ValidationFailed], Shown] | None = None,
    conflict: Callable[[str], Shown | Redirect] | None = None,
    fragment: Callable[[Outcome], Shown] | None = None,
) -> Template | Redirect:
    """Answer a form with ``action`` (the service call, not yet awaited).

    - It succeeds: ``message`` is flashed and the browser goes to ``done`` (each a text, or made from
      what the service returned), 303. If htmx asked and there is a ``fragment``, that part of the page
      (made from what the service returned) is the answer instead, 200, and nothing is flashed.
    - :class:`ValidationFailed`: ``again(errors)`` is the form's page with its errors, answered 422
      (``refused(failure)`` instead, when the page needs more than the errors: an import's plan).
    - :class:`Conflict`: ``conflict(message)`` is the page with the conflict said, answered 409.

    Without ``again``/``refused`` or ``conflict``, the error handler answers that refusal (its error
    page, 422 or 409).
    """

    async def onward(outcome: Outcome) -> Template | Redirect:
        if fragment is not None and is_htmx(request):
            return await _made(fragment(outcome))
        flash(request, message(outcome) if callable(message) else message)
        return see_other(done(outcome) if callable(done) else done)

    return await _answer(action, onward, again=again, refused=refused, conflict=conflict)


async def answer_button(
    request: Request[Any, Any, Any],
    action: Awaitable[Outcome],
    *,
    done: str,
    message: str | Callable[[Outcome], str],
    said: Callable[[str], str] = str,
) -> Template | Redirect:
    """A button with no form of its own to show again (deactivating a user, a quick move on the triage
    list): as :func:`answer_form` when it succeeds; refused (the input, or a conflict), it says why in a
    flash (``said`` words it) and goes to ``done`` all the same, 303."""

    def refusal(problem: str) -> Redirect:
        flash(request, said(problem), "info")
        return see_other(done)

    return await answer_form(
        request,
        action,
        done=done,
        message=message,
        again=lambda errors: refusal("; ".join(errors.values())),
        conflict=refusal,
    )


async def show_outcome(
    action: Awaitable[Outcome],
    *,
    shown: Callable[[Outcome], Template],
    again: Callable[[dict[str, str]], Shown],
) -> Template | Redirect:
    """A form answered by a page of its own (made from what the service returned), not a redirect: what
    may be shown only once, on this response (a new API token's secret). Refused input is answered as by
    :func:`answer_form`."""

    async def onward(outcome: Outcome) -> Template | Redirect:
        return shown(outcome)

    return await _answer(action, onward, again=again)


async def _answer(
    action: Awaitable[Outcome],
    onward: Callable[[Outcome], Awaitable[Template | Redirect]],
    *,
    again: Callable[[dict[str, str]], Shown | Redirect] | None,
    refused: Callable[[ValidationFailed], Shown] | None = None,
    conflict: Callable[[str], Shown | Redirect] | None = None,
) -> Template | Redirect:
    """The one place a form's refusals are caught: each answered with the page given for it (its status
    422 or 409), or left to the error handler when none is given."""
    try:
        outcome = await action
    except ValidationFailed as failure:
        if refused is not None:
            return await _answered(refused(failure), HTTP_422_UNPROCESSABLE_ENTITY)
        if again is None:
            raise
        return await _answered(again(failure.errors), HTTP_422_UNPROCESSABLE_ENTITY)
    except Conflict as problem:
        if conflict is None:
            raise
        return await _answered(conflict(str(problem)), HTTP_409_CONFLICT)
    return await onward(outcome)


async def _made(shown: Shown) -> Template:
    return await shown if inspect.isawaitable(shown) else shown


async def _answered(shown: Shown | Redirect, status_code: int) -> Template | Redirect:
    """The page again, with the refusal's status; a refusal answered by going elsewhere keeps its 303."""
    if isinstance(shown, Redirect):
        return shown
    template = await _made(shown)
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
