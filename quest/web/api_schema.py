"""What the JSON API accepts, said once: in its OpenAPI schema, and at the door.

Services judge every value and answer 422 naming the field; this module makes the schema say the same,
so that what the schema allows the API accepts, and what it forbids the API refuses:

- The fields of a request body are declared with the helpers here (:func:`text`, :func:`choice`,
  :func:`date`, :func:`identifier`, :func:`number`, :func:`money`): each gives Litestar the schema of the
  field (lengths, the text QUEST keeps, enumerations, formats, ranges, an example) and says whether the
  field is required. Nothing here validates: the services do, with the same limits (the constants they
  use are passed in).
- :class:`CompletedJsonSchema` serves ``/schema/openapi.json`` with what Litestar's generator cannot say
  by itself, added for every operation, so that a new endpoint gets it for free: the ``required`` fields
  and ``additionalProperties: false`` of every request body object; the text pattern on every string
  parameter and body field that has no other rule; the refusals every operation can give (400 for a
  parameter, 404 for a path's record, 413, 415 and 422 for a body, 401, 403 and 503 for all but public
  ones); and, for an operation that answers with a file (:func:`files`), each media type it may send.
- :func:`unknown_fields` refuses a JSON body's fields that its operation does not declare (called by
  :mod:`quest.web.text_input`, which reads every JSON body once), so a misspelt field is a 422 naming it,
  never silently ignored.
"""

from __future__ import annotations

import dataclasses
import decimal
import enum
import functools
import types
import typing
from collections.abc import Iterable, Iterator
from typing import Any

from litestar import Litestar, Request
from litestar.openapi.plugins import JsonRenderPlugin
from litestar.openapi.spec import Schema
from litestar.openapi.spec.enums import OpenAPIFormat, OpenAPIType
from litestar.params import KwargDefinition
from litestar.routes import HTTPRoute

from quest.web.api_answers import PAGE_HEADERS
from quest.web.api_errors import error_response

# The characters QUEST keeps as text (quest.text): anything but the C0 controls other than tab, line feed
# and carriage return. Surrogates never reach JSON as characters (they are escapes of pairs).
_REFUSED = r"\u0000-\u0008\u000b\u000c\u000e-\u001f"
TEXT_PATTERN = rf"^[^{_REFUSED}]*$"
# Text that must be given: at least one character that is not a space (the services strip spaces first).
FILLED_PATTERN = rf"^[^{_REFUSED}]*[^\s{_REFUSED}][^{_REFUSED}]*$"
# An id, or nothing.
BLANK_OR_ID_PATTERN = r"^(?:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})?$"


@dataclasses.dataclass(frozen=True)
class BodyField(KwargDefinition):
    """A body field's schema, and whether the schema lists it as required (Litestar takes a body field
    without a default as required; QUEST's have defaults, so that a missing one is the service's 422)."""

    required: bool = False


def _field(required: bool, description: str | None, example: Any, typed: Any = None, **schema: Any) -> BodyField:
    """``typed``: the JSON type(s) the field's schema says, in place of those of its Python type (a number
    the services also read as text, as a form sends it, is a number here)."""
    extra = {key: value for key, value in schema.items() if value is not None}
    if typed is not None:
        extra.update(one_of=None, type=typed)
    if example is not None:
        extra["examples"] = [example]
    return BodyField(description=description, required=required, schema_extra=extra)


def text(
    limit: int, *, required: bool = False, description: str | None = None, example: str | None = None
) -> BodyField:
    """Text of at most ``limit`` characters; a required one must hold more than spaces."""
    pattern = FILLED_PATTERN if required else TEXT_PATTERN
    return _field(required, description, example, max_length=limit, min_length=1 if required else None, pattern=pattern)


def choice(
    choices: Iterable[enum.Enum | str],
    *,
    required: bool = False,
    nullable: bool = False,
    description: str | None = None,
) -> BodyField:
    """One of ``choices``' values (or null, if ``nullable``)."""
    values: list[str | None] = [item.value if isinstance(item, enum.Enum) else item for item in choices]
    return _field(
        required,
        description,
        values[0],
        enum=[*values, None] if nullable else values,
        typed=["string", "null"] if nullable else "string",
    )


def choices(values: Iterable[enum.Enum], *, description: str) -> BodyField:
    """A list of ``values``' values, each at most once (a repeat is taken once)."""
    listed = [value.value for value in values]
    return _field(False, description, listed[:1], items=Schema(type=OpenAPIType.STRING, enum=listed))


def date(*, required: bool = False, nullable: bool = False, blank: bool = False, description: str) -> BodyField:
    """An ISO date (``2026-11-23``); ``description`` says the range the service accepts (JSON Schema
    cannot say "today or before"). ``blank``: or "" (which chooses a default the description names)."""
    if not blank:
        return _field(
            required, description, "2026-04-01", format="date", typed=["string", "null"] if nullable else "string"
        )
    given = [Schema(type=OpenAPIType.STRING, format=OpenAPIFormat.DATE), Schema(type=OpenAPIType.STRING, max_length=0)]
    if nullable:
        given.append(Schema(type=OpenAPIType.NULL))
    return _field(required, description, "2026-04-01", one_of=given)


def identifier(*, required: bool = False, nullable: bool = False, blank: bool = False, description: str) -> BodyField:
    """An id from this API; ``blank``: or "" (which chooses a default the description names)."""
    return _field(
        required,
        description,
        "0190f6a4-5b3c-7d2e-9f10-2a3b4c5d6e7f",
        typed=["string", "null"] if nullable else "string",
        format=None if blank else "uuid",
        pattern=BLANK_OR_ID_PATTERN if blank else None,
    )


def number(
    *,
    required: bool = False,
    nullable: bool = False,
    minimum: float | None = None,
    exclusive_minimum: float | None = None,
    maximum: float | None = None,
    whole: bool = False,
    places: int | None = None,
    description: str,
    example: float,
) -> BodyField:
    """A JSON number in a range, with at most ``places`` decimal places (the services also read one sent
    as text, as a form sends it)."""
    kind = "integer" if whole else "number"
    return _field(
        required,
        description,
        example,
        typed=[kind, "null"] if nullable else kind,
        minimum=minimum,
        exclusive_minimum=exclusive_minimum,
        maximum=maximum,
        multiple_of=10**-places if places else None,
    )


def version() -> BodyField:
    """The record's version as the caller last read it: if it has changed since, the API answers 409."""
    return number(
        nullable=True,
        whole=True,
        minimum=1,
        description="The version you last read: a newer one means someone else changed it (409)",
        example=1,
    )


def money(
    *,
    required: bool = False,
    nullable: bool = False,
    most: decimal.Decimal,
    zero: bool = False,
    description: str,
    example: str = "36.51",
) -> BodyField:
    """An amount to two decimal places, more than 0 (or from 0, with ``zero``) and up to ``most`` (a power
    of ten): as a decimal string (``"36.51"``, as the API writes money) or a JSON number."""
    return _field(
        required,
        description,
        example,
        typed=["string", "number", "null"] if nullable else ["string", "number"],
        pattern=amount_pattern(most, zero=zero),
        minimum=0 if zero else None,
        exclusive_minimum=None if zero else 0,
        maximum=float(most),
        multiple_of=0.01,
    )


def amount_pattern(most: decimal.Decimal, *, zero: bool) -> str:
    """The decimal strings of :func:`money`: up to two places, above 0 (or from 0), up to ``most``."""
    places = len(str(int(most))) - 1
    assert most == 10**places, "the most is a power of ten"
    below_one = r"0(?:\.[0-9]{1,2})?" if zero else r"0\.(?:0[1-9]|[1-9][0-9]?)"
    return rf"^(?:{below_one}|[1-9][0-9]{{0,{places - 1}}}(?:\.[0-9]{{1,2}})?|1{'0' * places}(?:\.0{{1,2}})?)$"


def when(
    field: str,
    value: enum.Enum,
    *,
    filled: Iterable[str] = (),
    given: Iterable[str] = (),
    empty: Iterable[str] = (),
) -> dict[str, Any]:
    """A rule across fields, for a body's ``SCHEMA_RULES``: when ``field`` is ``value``, the fields
    ``filled`` must hold text, those ``given`` must not be null, and those ``empty`` must be "" or null."""
    filled, given = list(filled), list(given)
    then: dict[str, Any] = {"required": [*filled, *given]}
    properties = {name: {"pattern": FILLED_PATTERN, "minLength": 1} for name in filled}
    properties |= {name: {"not": {"type": "null"}} for name in given}
    properties |= {name: {"anyOf": [{"type": "null"}, {"type": "string", "maxLength": 0}]} for name in empty}
    then["properties"] = properties
    return {"if": {"properties": {field: {"const": value.value}}, "required": [field]}, "then": then}


# --- The body types of the app's operations ---------------------------------------------------------------


@functools.cache  # a body type's fields never change, and a list body judges them for each of 10,000 items
def _hints(kind: type) -> dict[str, Any]:
    return typing.get_type_hints(kind, include_extras=True)


def _dataclass_in(annotation: Any) -> type | None:
    """The dataclass an annotation holds: itself, a list's items, or the non-null member of a union."""
    while True:
        if typing.get_origin(annotation) is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
            continue
        if dataclasses.is_dataclass(annotation) and isinstance(annotation, type):
            return annotation
        args = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
        if len(args) != 1:
            return None
        annotation = args[0]


def _required_fields(kind: type) -> list[str]:
    required = []
    for name, hint in _hints(kind).items():
        annotated = typing.get_origin(hint) is typing.Annotated
        if annotated and any(isinstance(meta, BodyField) and meta.required for meta in typing.get_args(hint)[1:]):
            required.append(name)
    return required


def body_types(app: Litestar) -> Iterator[tuple[str, Any]]:
    """Each operation's id and the type of its JSON body, for the operations that take one."""
    for route in app.routes:
        if not isinstance(route, HTTPRoute):
            continue
        for handler in route.route_handlers:
            annotation = body_type_of(handler)
            if annotation is not None and isinstance(handler.operation_id, str):
                yield handler.operation_id, annotation


def body_type_of(handler: Any) -> Any:
    """The type of a route handler's JSON body, or None."""
    data = handler.parsed_fn_signature.parameters.get("data")
    return None if data is None else data.annotation


# --- Files as answers ---------------------------------------------------------------------------------

_FILES = "quest_files"


def files(*media_types: str) -> dict[str, Any]:
    """A handler's ``opt`` when it answers with a file: the media types it may send (the first is
    the one a client should expect by default), which the schema documents in place of Litestar's one."""
    return {_FILES: media_types}


def file_types(app: Litestar) -> Iterator[tuple[str, tuple[str, ...]]]:
    """Each operation's id and the media types of the files it answers with, for those that do."""
    for route in app.routes:
        if not isinstance(route, HTTPRoute):
            continue
        for handler in route.route_handlers:
            media_types = handler.opt.get(_FILES)
            if media_types and isinstance(handler.operation_id, str):
                yield handler.operation_id, media_types


def _document_files(responses: dict[str, Any], media_types: tuple[str, ...]) -> None:
    """A file's success: each media type it may come as (its parameters, such as the charset, are the
    response's to say), a string of bytes, and the name it is saved under."""
    responses["200"] = {
        "description": "The file, to save under the name Content-Disposition gives",
        "content": {
            media_type.split(";")[0]: {"schema": {"type": "string", "contentMediaType": media_type.split(";")[0]}}
            for media_type in media_types
        },
        "headers": {
            "Content-Disposition": {
                "description": "attachment, with the file's name",
                "required": True,
                "schema": {"type": "string"},
            }
        },
    }


# --- Unknown fields, refused at the door ---------------------------------------------------------------


def unknown_fields(document: Any, annotation: Any, path: str = "") -> dict[str, str]:
    """Each field of ``document`` that ``annotation`` (a body type) does not declare, named as the text
    judge names fields (``rates[0].grade``), with what to do."""
    kind = _dataclass_in(annotation)
    if kind is None:
        return {}
    errors: dict[str, str] = {}
    if isinstance(document, list) and typing.get_origin(_unwrapped(annotation)) is list:
        for index, item in enumerate(document):
            errors.update(unknown_fields(item, kind, f"{path}[{index}]"))
        return errors
    if not isinstance(document, dict):
        return errors
    hints = _hints(kind)
    for key, value in document.items():
        name = f"{path}.{key}" if path else str(key)
        if key not in hints:
            errors[name] = f"‘{name}’ is not a field QUEST reads here: remove it, or check its spelling"
        else:
            errors.update(unknown_fields(value, hints[key], name))
    return errors


def _unwrapped(annotation: Any) -> Any:
    while typing.get_origin(annotation) is typing.Annotated:
        annotation = typing.get_args(annotation)[0]
    args = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
    if typing.get_origin(annotation) in (typing.Union, types.UnionType) and len(args) == 1:
        return _unwrapped(args[0])
    return annotation


# --- The served schema, completed ----------------------------------------------------------------------

_COMPLETED = "x-quest-completed"
_BODY_REFUSALS = (413, 415, 422)


class CompletedJsonSchema(JsonRenderPlugin):
    """``/schema/openapi.json``: Litestar's schema, completed once (see the module's docstring)."""

    def render(self, request: Request[Any, Any, Any], openapi_schema: dict[str, Any]) -> bytes:
        if not openapi_schema.get(_COMPLETED):
            complete(openapi_schema, request.app)
            openapi_schema[_COMPLETED] = True
        return super().render(request, openapi_schema)


def complete(document: dict[str, Any], app: Litestar) -> None:
    components = document.setdefault("components", {}).setdefault("schemas", {})
    for name, component in components.items():
        # Two dataclasses of one name in two modules are two components: each titled by its own key, so a
        # client generator (which names its classes by title) makes two classes.
        if component.get("title") not in (None, name):
            component["title"] = name
    bodies = dict(body_types(app))
    files_of = dict(file_types(app))
    for operation in _operations(document):
        parameters = operation.get("parameters", [])
        for parameter in parameters:
            _add_text_pattern(parameter.get("schema", {}), components)
        body = operation.get("requestBody", {}).get("content", {}).get("application/json")
        if body is not None:
            _complete_body(body["schema"], bodies.get(operation.get("operationId", "")), components)
        codes = {503}
        if operation.get("security") != [{}]:
            codes |= {401, 403}
        if any(parameter.get("in") == "path" for parameter in parameters):
            codes |= {400, 404}
        if any(parameter.get("in") == "query" for parameter in parameters):
            codes.add(400)
        if body is not None:
            codes |= {400, *_BODY_REFUSALS}
        responses = operation.setdefault("responses", {})
        responses.pop("400", None)  # Litestar's own, with a schema of its own: the one error body instead
        if operation.get("operationId") in files_of:
            _document_files(responses, files_of[operation["operationId"]])
        if any(parameter.get("name") == "per_page" for parameter in parameters):
            _document_page_headers(responses)
        for code in sorted(codes):
            responses.setdefault(str(code), error_response(code, components))


def _document_page_headers(responses: dict[str, Any]) -> None:
    """A list's pages answer with ``Link`` and ``X-Total-Count`` (quest.web.api_answers.page_answer)."""
    for status, response in responses.items():
        if status.startswith("2"):
            response["headers"] = {
                name: {"description": description, "required": True, "schema": {"type": "string"}}
                for name, description in PAGE_HEADERS.items()
            }


def _operations(document: dict[str, Any]) -> Iterator[dict[str, Any]]:
    for item in document.get("paths", {}).values():
        for method in ("get", "put", "post", "delete", "patch"):
            if method in item:
                yield item[method]


def _resolve(schema: dict[str, Any], components: dict[str, Any]) -> dict[str, Any]:
    reference = schema.get("$ref")
    if isinstance(reference, str) and reference.startswith("#/components/schemas/"):
        return components[reference.rsplit("/", 1)[1]]  # type: ignore[no-any-return]
    return schema


def _complete_body(schema: dict[str, Any], annotation: Any, components: dict[str, Any]) -> None:
    schema = _resolve(schema, components)
    if schema.get("type") == "array":
        _complete_body(schema.get("items", {}), annotation, components)
        return
    for member in schema.get("oneOf", ()):
        _complete_body(member, annotation, components)
    if schema.get("type") == "object" and "properties" in schema:
        schema["additionalProperties"] = False
        kind = _dataclass_in(annotation)
        for property_schema in schema["properties"].values():
            _drop_default_not_sent(property_schema)
        if kind is not None:
            required = _required_fields(kind)
            if required:
                schema["required"] = sorted({*schema.get("required", ()), *required})
            if rules := getattr(kind, "SCHEMA_RULES", None):
                schema["allOf"] = rules
            hints = _hints(kind)
            for name, property_schema in schema["properties"].items():
                _complete_body(property_schema, hints.get(name), components)
        return
    _add_text_pattern(schema, components)


def _drop_default_not_sent(schema: dict[str, Any]) -> None:
    """A body field's default "" is how QUEST's input classes say "not given", not a value to send: the
    schema shows none (a client generator rightly refuses a default its own enumeration does not hold)."""
    if schema.get("default") == "":
        del schema["default"]


def _add_text_pattern(schema: dict[str, Any], components: dict[str, Any]) -> None:
    schema = _resolve(schema, components)
    for member in schema.get("oneOf", ()):
        _add_text_pattern(member, components)
    if schema.get("type") == "array":
        _add_text_pattern(schema.get("items", {}), components)
    types = schema.get("type")
    is_text = types == "string" or (isinstance(types, list) and "string" in types)
    if is_text and not any(key in schema for key in ("pattern", "format", "enum", "const")):
        schema["pattern"] = TEXT_PATTERN
