"""Flash messages: one-off notices ("Idea submitted") that survive the redirect after a POST.

They travel in a short-lived signed cookie, not in the server-side session, so they work before sign-in
and after sign-out too. :class:`FlashMiddleware` reads the cookie into the request, and writes back
whatever was flashed but not yet shown; once a page has shown the messages, the cookie is cleared.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from dataclasses import asdict, dataclass
from http.cookies import SimpleCookie
from typing import Any, Literal

from litestar import Request
from litestar.enums import ScopeType
from litestar.types import ASGIApp, Message, Receive, Scope, Send

COOKIE_NAME = "quest_flash"
_INCOMING = "quest.flash.incoming"
_OUTGOING = "quest.flash.outgoing"
_SHOWN = "quest.flash.shown"
MAX_AGE_SECONDS = 300

Kind = Literal["success", "info"]


@dataclass(frozen=True, slots=True)
class FlashMessage:
    text: str
    kind: Kind = "success"


def flash(request: Request[Any, Any, Any], text: str, kind: Kind = "success") -> None:
    """Show ``text`` on the next page this browser renders."""
    request.scope["state"].setdefault(_OUTGOING, []).append(FlashMessage(text, kind))


def take_flash(request: Request[Any, Any, Any]) -> list[FlashMessage]:
    """The messages waiting to be shown; taking them means they will not be shown again."""
    state = request.scope["state"]
    messages = [*state.get(_INCOMING, []), *state.get(_OUTGOING, [])]
    if messages:
        state[_SHOWN] = True
        state[_INCOMING] = []
        state[_OUTGOING] = []
    return messages


def _sign(secret: bytes, payload: bytes) -> str:
    return base64.urlsafe_b64encode(hmac.new(secret, payload, hashlib.sha256).digest()).decode().rstrip("=")


def encode(secret: bytes, messages: list[FlashMessage]) -> str:
    payload = json.dumps([asdict(message) for message in messages], separators=(",", ":")).encode()
    return f"{base64.urlsafe_b64encode(payload).decode().rstrip('=')}.{_sign(secret, payload)}"


def decode(secret: bytes, value: str) -> list[FlashMessage]:
    """The messages in a cookie value; nothing if it was not signed with ``secret`` or is malformed."""
    try:
        encoded, signature = value.split(".", 1)
        payload = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4))
        if not hmac.compare_digest(signature, _sign(secret, payload)):
            return []
        return [
            FlashMessage(str(item["text"]), "info" if item.get("kind") == "info" else "success")
            for item in json.loads(payload)
        ]
    except (ValueError, KeyError, TypeError, binascii.Error, json.JSONDecodeError):
        return []


def _cookie_value(scope: Scope) -> str | None:
    for name, value in scope["headers"]:
        if name == b"cookie":
            cookie: SimpleCookie = SimpleCookie()
            try:
                cookie.load(value.decode("latin-1"))
            except Exception:
                return None
            if COOKIE_NAME in cookie:
                return cookie[COOKIE_NAME].value
    return None


class FlashMiddleware:
    def __init__(self, app: ASGIApp, *, secret_key: str, secure: bool) -> None:
        self.app = app
        self.secret = secret_key.encode()
        self.attributes = "; Path=/; HttpOnly; SameSite=Lax" + ("; Secure" if secure else "")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP:
            await self.app(scope, receive, send)
            return
        state = scope.setdefault("state", {})
        raw = _cookie_value(scope)
        state[_INCOMING] = decode(self.secret, raw) if raw else []

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start":
                header = self._set_cookie_header(state, had_cookie=raw is not None)
                if header is not None:
                    message["headers"] = [*message.get("headers", []), (b"set-cookie", header)]
            await send(message)

        await self.app(scope, receive, send_with_cookie)

    def _set_cookie_header(self, state: dict[str, Any], *, had_cookie: bool) -> bytes | None:
        waiting = [*state.get(_INCOMING, []), *state.get(_OUTGOING, [])]
        if waiting and (state.get(_OUTGOING) or state.get(_SHOWN)):
            value = encode(self.secret, waiting)
            return f"{COOKIE_NAME}={value}; Max-Age={MAX_AGE_SECONDS}{self.attributes}".encode()
        if had_cookie and not waiting:
            return f"{COOKIE_NAME}=; Max-Age=0{self.attributes}".encode()
        return None
