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
    401: "No valid API token: send 'Authorization: Bearer <token>'",
    403: "Your role does not allow this, or you must change your password in QUEST first",
    404: "No such record, or none within your reach (the two are not told apart)",
    409: "The record changed since you read it, or is in a state that stops this change",
    422: "What you sent is wrong: extra.errors names each field and says how to put it right",
    503: "QUEST cannot reach its database just now: try again after Retry-After seconds",
}
EVERY_OPERATION = (401, 403, 503)


def refusals(*status_codes: int) -> dict[int, ResponseSpec]:
    """The refusals an operation documents: those of every operation, and ``status_codes``."""
    return {
        status_code: ResponseSpec(data_container=ApiError, generate_examples=False, description=MEANINGS[status_code])
        for status_code in sorted({*EVERY_OPERATION, *status_codes})
    }
