"""The JSON API's answers, made from what the services return, and a page of a list as every list answers.

An answer's dataclass (``IdeaOut``, ``ClaimOut``, ...) declares every field the API sends and its type,
which the OpenAPI schema shows. :func:`answer` fills it: each field the handler gives, and every other
from the record's attribute of the same name, written as JSON writes it (:func:`json_value`). So an
answer's converter names only what it renames or words differently.
"""

from __future__ import annotations

import decimal
import enum
import uuid
from collections.abc import Sequence
from fractions import Fraction
from typing import Annotated, Any, TypeVar

from litestar import Request, Response
from litestar.params import QueryParameter

from quest.paging import Paged, links, page_of_list
from quest.records import Record, filled

T = TypeVar("T")
# ?per_page=N on every list of the API: how many items a page holds (each list has its own default).
MOST_PER_PAGE = 10_000
# A page of a short list holds this many unless asked (a measure's readings: READINGS_PER_PAGE).
LIST_PER_PAGE = 500
PerPage = Annotated[int | None, QueryParameter(name="per_page", ge=1, le=MOST_PER_PAGE, required=False)]
# The headers every page of a list answers with (quest.web.api_schema documents them).
PAGE_HEADERS = {
    "Link": "The first, previous, next and last pages (RFC 8288); last only when the list was counted to its end",
    "X-Total-Count": "How many items the list holds (counted up to 10,000 for the longest lists)",
}


def list_page(
    items: Sequence[T], request: Request[Any, Any, Any], page: int, per_page: int | None, default: int = LIST_PER_PAGE
) -> Response[list[T]]:
    """A page of a short list read whole, answered as a JSON array with the page's headers."""
    shown, paged = page_of_list(items, page, per_page or default)
    return page_answer(list(shown), paged, request)


def page_answer(content: T, paged: Paged, request: Request[Any, Any, Any]) -> Response[T]:
    """A page of a list: ``content`` (which says ``page``, ``per_page`` and ``total`` too, for a list
    answered as an object), with the page's ``Link`` and ``X-Total-Count`` headers."""
    return Response(content, headers={"Link": links(str(request.url), paged), "X-Total-Count": str(paged.total)})


def json_value(value: Any) -> Any:
    """A record's value as the API writes it: an id as its text, a choice (an enum) as its value, a
    Decimal or a fraction as a JSON number, a tuple or list item by item; anything else as it is."""
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, decimal.Decimal | Fraction):
        return float(value)
    if isinstance(value, tuple | list):
        return [json_value(item) for item in value]
    return value


def answer(kind: type[Record], record: object, **given: Any) -> Record:
    """An answer of type ``kind``: the fields ``given``, and the rest from ``record``'s attributes of the
    same names, through :func:`json_value`."""
    return filled(kind, record, _json_attribute, **given)


def _json_attribute(record: object, name: str) -> Any:
    return json_value(getattr(record, name))
