"""Reading HTML forms, and what a handler needs to answer one."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from litestar import Request


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


def safe_next(target: str | None, default: str = "/") -> str:
    """A place to go back to after signing in: only a path on this site, never another site."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return default
    return target
