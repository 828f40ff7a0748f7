"""Only the host names QUEST answers to (``QUEST_ALLOWED_HOSTS``): a request with another ``Host`` gets 400.

Host names are compared as names: without the port and without case, so ``quest.example`` allows
``QUEST.EXAMPLE`` and ``quest.example:8103``. ``*.example.org`` allows any name below example.org.

A ``Host`` that is not a host name, an IPv4 address or a bracketed IPv6 address, with at most a port
number (``quest.example:abc``, ``[::1``, ``a b``), is 400 whatever is allowed, development's ``*``
included: nothing after this reads it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from litestar.datastructures import Headers
from litestar.enums import ScopeType
from litestar.response.base import ASGIResponse
from litestar.types import ASGIApp, Receive, Scope, Send

# A name of letters, digits, dots, hyphens and underscores, or an IPv6 literal in brackets; then a port.
_WELL_FORMED = re.compile(r"(?:[a-z0-9._-]+|\[[0-9a-f:.]+\])(?::(?P<port>[0-9]{0,5}))?", re.IGNORECASE)


def is_well_formed(host: str) -> bool:
    """Whether a ``Host`` header is a name or an address, with a port from 0 to 65535 if any."""
    found = _WELL_FORMED.fullmatch(host.strip())
    return found is not None and int(found.group("port") or 0) <= 65535


def host_name(host: str) -> str:
    """The name in a ``Host`` header: lower case, without the port or a final dot. An IPv6 literal keeps
    its brackets (``[::1]:8000`` is ``[::1]``)."""
    host = host.strip().lower()
    if host.startswith("["):
        closing = host.find("]")
        return host[: closing + 1] if closing != -1 else host
    return host.rsplit(":", 1)[0].rstrip(".") if ":" in host else host.rstrip(".")


def is_allowed(host: str, allowed: Iterable[str]) -> bool:
    """Whether the ``Host`` header ``host`` names one of the ``allowed`` hosts (``*`` allows any)."""
    allowed = tuple(allowed)
    if not host:
        return "*" in allowed  # HTTP/1.0 may send none: the server's own address is used
    if not is_well_formed(host):
        return False
    if "*" in allowed:
        return True
    name = host_name(host)
    if not name:
        return False
    for pattern in allowed:
        if pattern.startswith("*."):
            if name.endswith(host_name(pattern[1:])):
                return True
        elif name == host_name(pattern):
            return True
    return False


class AllowedHostsMiddleware:
    def __init__(self, app: ASGIApp, allowed: Iterable[str]) -> None:
        self.app = app
        self.allowed = tuple(allowed)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in (ScopeType.HTTP, ScopeType.WEBSOCKET) or is_allowed(
            Headers.from_scope(scope).get("host", ""), self.allowed
        ):
            await self.app(scope, receive, send)
            return
        if scope["type"] == ScopeType.WEBSOCKET:
            await send({"type": "websocket.close", "code": 1008, "reason": ""})
            return
        await ASGIResponse(body=b"Invalid host header", status_code=400, media_type="text/plain")(scope, receive, send)
