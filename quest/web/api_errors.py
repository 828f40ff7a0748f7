"""The JSON API's refusals as its OpenAPI schema documents them.

Every refusal has the one body :mod:`quest.web.errors` sends, ``{status_code, detail, extra}``. Every
operation may answer 401, 403 and 503; each handler names the other statuses it may answer with
``responses=refusals(...)``. Litestar documents the 400 of a malformed request itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from litestar.openapi.datastructures import ResponseSpec


@dataclass(frozen=True)
class ApiError:
    status_code: int
    detail: str
    # ``{"errors": {field: message}}`` for a 422, the request id for a 500, else empty.
    extra: dict[str, Any]


MEANINGS = {
    400: "The address's parameters, or the body's types, cannot be read: extra names each one",
    401: "No valid API token: send 'Authorization: Bearer <token>'",
    403: "Your role does not allow this, or you must change your password in QUEST first",
    404: "No such record, or none within your reach (the two are not told apart)",
    409: "The record changed since you read it, or is in a state that stops this change, or a field names a "
    "record that is not there or not within your reach: extra.errors, when given, names the field",
    413: "The body is too large: the detail says the limit",
    415: "The body is not JSON: send it as Content-Type: application/json",
    422: "What you sent is wrong: extra.errors names each field and says how to put it right",
    503: "QUEST cannot reach its database just now: try again after Retry-After seconds",
}
EVERY_OPERATION = (401, 403, 503)


# The error body's schema, as the completed OpenAPI document states it: ``extra`` is an object (a 422's
# ``errors``), or, for a 400 of Litestar's own (a parameter it could not read), a list naming each one.
API_ERROR_SCHEMA = {
    "type": "object",
    "title": ApiError.__name__,
    "required": ["status_code", "detail", "extra"],
    "properties": {
        "status_code": {"type": "integer"},
        "detail": {"type": "string"},
        "extra": {
            "oneOf": [
                {"type": "object", "additionalProperties": True},
                {"type": "array", "items": {"type": "object", "additionalProperties": True}},
            ]
        },
    },
}


def error_response(status_code: int, components: dict[str, Any]) -> dict[str, Any]:
    """The OpenAPI response object of a refusal, for a schema completed after Litestar made it
    (:mod:`quest.web.api_schema`), with the error's schema in ``components``."""
    components[ApiError.__name__] = API_ERROR_SCHEMA
    return {
        "description": MEANINGS[status_code],
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{ApiError.__name__}"}}},
    }


def refusals(*status_codes: int) -> dict[int, ResponseSpec]:
    """The refusals an operation documents: those of every operation, and ``status_codes``."""
    return {
        status_code: ResponseSpec(data_container=ApiError, generate_examples=False, description=MEANINGS[status_code])
        for status_code in sorted({*EVERY_OPERATION, *status_codes})
    }
