"""What the application keeps for every request, and what kind of request this is.

``create_app`` puts the clock, the session policy, a session maker, the national figures it keeps
(:mod:`quest.dashboards.forces_figures`) and the measures' readings and SPC it keeps
(:mod:`quest.metrics.kept`) in ``app.state`` under these keys;
middleware and dependencies (:mod:`quest.web.dependencies`) read them there, so no domain needs to know
where they live.
"""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.datastructures import Headers
from litestar.types import Scope
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

# Keys in app.state, set by create_app.
CLOCK = "quest.clock"
SESSION_POLICY = "quest.session_policy"
SESSION_MAKER = "quest.session_maker"
FORCES_FIGURES = "quest.forces_figures"
KEPT_READINGS = "quest.kept_readings"


def renders_a_page(scope: Scope) -> bool:
    """A whole HTML page (with the header and its unread count): not the API, not an htmx fragment."""
    if scope["path"].startswith(("/api/", "/static/", "/schema")):
        return False
    headers = Headers.from_scope(scope)
    return headers.get("hx-request") != "true" or headers.get("hx-boosted") == "true"


def answer_sessions(request: Request[Any, Any, Any]) -> async_sessionmaker[AsyncSession]:
    """Sessions for an answer written after it has begun (a ``Stream``: a download, the audit pack): the
    request's own session closes as the answer starts, so such an answer reads through one of these,
    opened for its life (:func:`quest.db.snapshot`)."""
    maker: async_sessionmaker[AsyncSession] = request.app.state[SESSION_MAKER]
    return maker
