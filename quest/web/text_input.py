"""Where text comes in: the query string, forms and JSON bodies are judged by one rule
(:mod:`quest.text`) before any handler, service or database sees them.

- A path that holds a refused character names no page and no file: 404.
- A query parameter with a refused character: 400, naming the parameter.
- A form field or a JSON string with one: 422, naming the field (``waste_types[0]``, ``readings[2].note``).
  So is a field the API's operation does not declare (:func:`quest.web.api_schema.unknown_fields`).
  Files in a multipart form are exempt: they are bytes, read by their own importers.
- A JSON body nested more deeply than any of QUEST's documents: 400, before the decoder can run out of
  stack.
- A body is read only as the type its ``Content-Type`` says, so nothing reaches a handler unjudged: the
  JSON API reads JSON; pages read forms or JSON. A body of any other type (``text/plain``, XML, a form
  sent to the API, but for a file to its imports) or of no stated type is 415 (OWASP ASVS 13.1.5, 13.2.5).

It is Litestar middleware, after authentication and the CSRF check, so its errors are rendered like any
other (a page, or JSON under ``/api``), and before the draft keeper, so refused text is never kept.
"""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.datastructures import UploadFile
from litestar.enums import ScopeType
from litestar.exceptions import ClientException, NotFoundException, SerializationException
from litestar.middleware import ASGIMiddleware
from litestar.status_codes import HTTP_415_UNSUPPORTED_MEDIA_TYPE
from litestar.types import ASGIApp, Receive, Scope, Send

from quest.errors import InvalidQuery, ValidationFailed
from quest.text import refused_character, text_problem
from quest.web.api_schema import body_type_of, unknown_fields

# QUEST's deepest document is a list of objects holding lists; 32 leaves plenty of room.
MAX_JSON_DEPTH = 32
FORM_TYPES = frozenset({"application/x-www-form-urlencoded", "multipart/form-data"})
TOO_DEEP = f"The JSON body is nested more than {MAX_JSON_DEPTH} levels deep"
API_PREFIX = "/api/"
# The one part of the API that takes a file: a multipart form (quest.imports.api).
API_UPLOADS_PREFIX = "/api/v1/imports/"


class TextInputMiddleware(ASGIMiddleware):
    scopes = (ScopeType.HTTP,)

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        if refused_character(scope["path"]):
            raise NotFoundException()
        request: Request[Any, Any, Any] = Request(scope, receive)
        if errors := _problems(request.query_params.multi_items()):
            raise InvalidQuery(errors)
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            media_type = request.content_type[0]
            to_the_api = scope["path"].startswith(API_PREFIX)
            upload_to_the_api = media_type == "multipart/form-data" and scope["path"].startswith(API_UPLOADS_PREFIX)
            if media_type == "application/json" or media_type.endswith("+json"):
                await _judge_json(request, declared_only=to_the_api)
            elif media_type in FORM_TYPES and (not to_the_api or upload_to_the_api):
                form = await request.form()
                fields = ((name, value) for name, value in form.multi_items() if not isinstance(value, UploadFile))
                if errors := _problems(fields):
                    raise ValidationFailed(errors)
            elif await request.body():
                expected = "JSON, as Content-Type: application/json" if to_the_api else "a form or JSON"
                raise ClientException(
                    status_code=HTTP_415_UNSUPPORTED_MEDIA_TYPE,
                    detail=f"QUEST does not read {media_type or 'a body without a Content-Type'} here: send {expected}",
                )
        await next_app(scope, receive, send)


def _problems(fields: Any) -> dict[str, str]:
    errors: dict[str, str] = {}
    for name, value in fields:
        problem = text_problem(name, name) or (text_problem(name, value) if isinstance(value, str) else None)
        if problem and name not in errors:
            errors[name] = problem
    return errors


async def _judge_json(request: Request[Any, Any, Any], *, declared_only: bool) -> None:
    body = await request.body()
    if not body:
        return
    # JSON is UTF-8 (RFC 8259). Checked here, not left to the decoder, whose answer to other bytes differs
    # between msgspec releases: the UnicodeDecodeError is answered 400 by quest.web.errors.
    body.decode("utf-8")
    try:
        document = await request.json()  # decoded once: the handler reuses it
    except RecursionError as error:
        raise ClientException(status_code=400, detail=TOO_DEEP) from error
    except SerializationException:
        return  # not JSON at all: the handler answers that as it always has
    # Fields the operation does not declare, at any depth (quest.web.api_schema); reported with any text
    # refused, all at once.
    errors = unknown_fields(document, body_type_of(request.scope["route_handler"])) if declared_only else {}
    # Walked with a list, not recursion, so the depth is ours to limit.
    waiting: list[tuple[str, Any, int]] = [("", document, 0)]
    while waiting:
        path, value, depth = waiting.pop()
        if isinstance(value, str):
            if (problem := text_problem(path, value)) and path not in errors:
                errors[path] = problem
        elif isinstance(value, dict | list):
            if depth >= MAX_JSON_DEPTH:
                raise ClientException(status_code=400, detail=TOO_DEEP)
            if isinstance(value, list):
                waiting.extend((f"{path}[{index}]", item, depth + 1) for index, item in enumerate(value))
            else:
                for key, item in value.items():
                    name = f"{path}.{key}" if path else str(key)
                    if (problem := text_problem(name, str(key))) and name not in errors:
                        errors[name] = problem
                    waiting.append((name, item, depth + 1))
    if errors:
        raise ValidationFailed(dict(sorted(errors.items())))
