"""The outermost layer of every HTTP request: a request id, the write intent, and one log line.

It wraps Litestar's whole handler, not just matched routes, so a 404 gets a request id and a log line
like anything else.

- The request id comes from a trusted-looking ``X-Request-ID`` header (a proxy's), or is made here. It
  is bound to every log line the request causes, written to the audit log, and sent back in the response.
- A request with an unsafe method (POST, PUT, PATCH, DELETE) may write, so its database transactions
  begin ``IMMEDIATE`` on SQLite (see :mod:`quest.db`).
- The log line has the method, the path without its query string (which may carry search terms or
  tokens), the status and the time taken. Headers and bodies are never logged. A route whose path holds
  a secret (an invitation's link) names what to log instead in its ``opt``: ``{LOG_PATH: "/invitations/{secret}"}``.
"""

from __future__ import annotations

import re
import time
import uuid
from contextlib import nullcontext

from litestar.enums import ScopeType
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from quest.db import writing
from quest.logs import bind_request_id, get_logger, reset_request_id

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
_REQUEST_ID_PATTERN = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
REQUEST_ID_HEADER = b"x-request-id"
LOG_PATH = "log_path"

logger = get_logger("quest.request")


def _incoming_request_id(scope: Scope) -> str | None:
    for name, value in scope["headers"]:
        if name == REQUEST_ID_HEADER:
            candidate = value.decode("latin-1")
            return candidate if _REQUEST_ID_PATTERN.match(candidate) else None
    return None


def _logged_path(scope: Scope) -> str:
    """The request's path, or what its route logs instead (set once the request has reached a route)."""
    handler = scope.get("route_handler")
    logged = handler.opt.get(LOG_PATH) if handler is not None else None
    return str(logged) if logged else scope["path"]


class RequestContextMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP:
            await self.app(scope, receive, send)
            return
        method = scope["method"]
        request_id = _incoming_request_id(scope) or uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = request_id
        token = bind_request_id(request_id)
        started = time.perf_counter()
        status = 500

        async def send_with_request_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", []), (REQUEST_ID_HEADER, request_id.encode())]
            await send(message)

        try:
            with nullcontext() if method in SAFE_METHODS else writing():
                await self.app(scope, receive, send_with_request_id)
        finally:
            logger.info(
                "request",
                method=method,
                path=_logged_path(scope),
                status=status,
                duration_ms=round((time.perf_counter() - started) * 1000, 1),
            )
            reset_request_id(token)
