"""Rendering pages and htmx fragments, and the helpers every page's template uses.

htmx asks for part of a page by sending ``HX-Request``. A handler that can answer with a fragment
names it; :func:`page` sends the fragment to htmx and the whole page to everyone else, and always says
``Vary: HX-Request`` so that no cache hands one to the other. A boosted link (``HX-Boosted``) and a
history restore want the whole page.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from functools import cache
from typing import Annotated, Any

from litestar import Request
from litestar.params import QueryParameter
from litestar.response import Template

from quest import fields
from quest.accounts.access import Permission, may
from quest.accounts.authentication import current_user
from quest.accounts.drafts import restore, take_offered
from quest.paths import STATIC_DIR
from quest.web.flash import flash

VARY_HX_REQUEST = {"Vary": "HX-Request"}
# Set in scope state for whole pages: the signed-in user's unread notifications (shown in the header).
UNREAD = "quest.unread_notifications"

# ?page=N on paged lists; a form that comes back to a page of its list sends it as `page` (page_sent).
LAST_PAGE = 1_000_000
PageNumber = Annotated[int, QueryParameter(name="page", ge=1, le=LAST_PAGE)]
# ?fy=YYYY: a financial year, named by the year it starts (the ledger and the dashboards).
FIRST_YEAR, LAST_YEAR = 2000, 2100
FinancialYear = Annotated[int | None, QueryParameter(name="fy", ge=FIRST_YEAR, le=LAST_YEAR, required=False)]


def page_sent(values: Mapping[str, str]) -> int:
    """The page of its list a form came from (its ``page`` field), to go back to: 1 if none or not one."""
    return fields.read_whole(values.get("page", ""), least=1, most=LAST_PAGE) or 1


# The service navigation: (label, path, who sees it). A section appears only to those who may use it.
_NAVIGATION: tuple[tuple[str, str, Permission], ...] = (
    ("Dashboard", "/dashboard", Permission.VIEW_WORK),
    ("Ideas", "/ideas", Permission.VIEW_WORK),
    ("Practice library", "/practice", Permission.VIEW_LIBRARY),
    ("Triage", "/triage", Permission.DECIDE_IDEAS),
    ("My ideas", "/my-ideas", Permission.CONTRIBUTE),
    ("Waste", "/waste", Permission.VIEW_WORK),
    ("Measures", "/metrics", Permission.VIEW_WORK),
    ("Savings", "/savings", Permission.VIEW_WORK),
    ("Forces", "/forces", Permission.VIEW_ORGANISATION),
    ("Users", "/users", Permission.VIEW_USERS),
    ("Imports", "/imports", Permission.IMPORT_IDEAS),
    ("Audit trail", "/audit", Permission.VIEW_AUDIT),
)


def wants_fragment(request: Request[Any, Any, Any]) -> bool:
    headers = request.headers
    return (
        headers.get("hx-request") == "true"
        and headers.get("hx-boosted") != "true"
        and headers.get("hx-history-restore-request") != "true"
    )


def page(
    request: Request[Any, Any, Any],
    template: str,
    context: dict[str, Any] | None = None,
    *,
    fragment: str | None = None,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
) -> Template:
    """The whole page ``template``, or just ``fragment`` when htmx asks for it, with ``headers`` if given.

    A whole page that has a draft to give back (a form sent after its session ended, see
    :mod:`quest.accounts.drafts`) shows it, once: what was typed goes into the page's form ``values``,
    with a message that it was not saved yet."""
    wants_part = fragment is not None and wants_fragment(request)
    chosen = fragment if wants_part else template
    context = context or {}
    draft = None if wants_part else take_offered(request)
    if draft is not None:
        flash(request, draft.message, "info")
        if "values" in context:
            context = {**context, "values": restore(draft.fields, context["values"])}
    return Template(
        template_name=chosen, context=context, status_code=status_code, headers={**VARY_HX_REQUEST, **(headers or {})}
    )


def navigation(request: Request[Any, Any, Any]) -> list[dict[str, Any]]:
    """Items for the GOV.UK service navigation, for this user, the current section marked."""
    path = request.url.path
    user = current_user(request)
    sections = [("Home", "/")] + [(label, href) for label, href, needs in _NAVIGATION if may(user, needs)]
    items = []
    for label, href in sections:
        current = path == href
        active = not current and href != "/" and path.startswith(href + "/")
        items.append({"text": label, "href": href, "current": current, "active": active})
    return items


@cache
def static_url(path: str) -> str:
    """The URL of a static file, with a fingerprint of its content so that a changed file is fetched anew."""
    file = (STATIC_DIR / path).resolve()
    if not file.is_relative_to(STATIC_DIR) or not file.is_file():
        raise ValueError(f"no static file {path!r}")
    return f"/static/{path}?v={hashlib.sha256(file.read_bytes()).hexdigest()[:12]}"


def unread_notifications(request: Request[Any, Any, Any]) -> int:
    """How many notifications the signed-in user has not read: counted for a whole page with the sign-in
    lookup (``page_facts`` of :class:`~quest.accounts.authentication.AuthenticationMiddleware`, set by the
    app), before anything else can refuse the request, so that an error page has the count too."""
    return int(request.scope.get("state", {}).get(UNREAD, 0))


def can(request: Request[Any, Any, Any], permission: str) -> bool:
    """Whether the signed-in user has ``permission`` anywhere: for showing or hiding buttons."""
    return may(current_user(request), Permission(permission))
