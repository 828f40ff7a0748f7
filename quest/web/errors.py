"""Error responses: GOV.UK-styled pages for people, ``{status_code, detail, extra}`` JSON for the API.

Services raise the domain errors of :mod:`quest.errors`; this module turns those, and Litestar's own
HTTP exceptions, into responses. A 500 never shows what went wrong, only a reference (the request id)
that finds it in the log. A database that cannot be reached just now (:func:`quest.db.is_unreachable`),
wherever it is found (the authentication middleware looks the session up before routing), is a 503 with
``Retry-After``, not a 500: nothing is wrong with the request, and it will work again by itself.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from litestar import MediaType, Request, Response
from litestar.background_tasks import BackgroundTask
from litestar.datastructures import Cookie
from litestar.exceptions import HTTPException, NotAuthorizedException, PermissionDeniedException
from litestar.response import Template
from litestar.status_codes import (
    HTTP_400_BAD_REQUEST,
    HTTP_403_FORBIDDEN,
    HTTP_404_NOT_FOUND,
    HTTP_409_CONFLICT,
    HTTP_422_UNPROCESSABLE_ENTITY,
    HTTP_500_INTERNAL_SERVER_ERROR,
    HTTP_503_SERVICE_UNAVAILABLE,
)

from quest.accounts.authentication import SESSION_ENDED, PasswordChangeRequired, current_user
from quest.accounts.drafts import draft_cookie, kept_draft
from quest.accounts.sessions import SESSION_COOKIE
from quest.audit.refusals import record_refusal, refusal_of
from quest.db import is_unreachable
from quest.errors import (
    Conflict,
    Forbidden,
    InvalidQuery,
    NotFound,
    QuestError,
    RefusedInThisState,
    UnknownFilter,
    UnknownReference,
    ValidationFailed,
)
from quest.logs import get_logger
from quest.web.flash import flash
from quest.web.forms import is_htmx, page_of_form, see_other
from quest.web.state import SESSION_MAKER

logger = get_logger("quest.errors")
AnyRequest = Request[Any, Any, Any]
CSRF_FAILURE = "CSRF token verification failed"
# How long to ask people and programs to wait while the database cannot be reached.
RETRY_AFTER_SECONDS = 30
OUTAGE_HEADING = "QUEST cannot reach its database just now"
OUTAGE_ADVICE = "Try again in a minute."

_HEADINGS = {
    400: ("There is a problem with your request", "Check what you sent and try again."),
    403: (
        "You cannot do that",
        "Your account does not allow this. Ask your force's QUEST administrator if you think it should.",
    ),
    405: ("You cannot do that here", "This page does not accept that kind of request."),
    409: ("This changed while you were looking at it", "Go back, refresh the page and try again."),
    413: ("What you sent is too large", "Send something smaller."),
    415: ("QUEST cannot read what you sent", "Go back, refresh the page and send the form again."),
    422: ("There is a problem with what you sent", "Go back, check it and try again."),
    429: ("Too many requests", "Wait a minute, then try again."),
    503: (
        OUTAGE_HEADING,
        f"{OUTAGE_ADVICE} Nothing you entered has been saved unless you were told it was.",
    ),
}


def wants_json(request: AnyRequest) -> bool:
    path = request.url.path
    if path.startswith(("/api/", "/schema", "/healthz")):
        return True
    accept = request.headers.get("accept", "")
    return "application/json" in accept and "text/html" not in accept


def _json_error(
    status_code: int, detail: str, extra: Any = None, headers: dict[str, str] | None = None
) -> Response[Any]:
    return Response(
        content={"status_code": status_code, "detail": detail, "extra": extra if extra is not None else {}},
        status_code=status_code,
        media_type=MediaType.JSON,
        headers=headers,
    )


def _error_page(status_code: int, detail: str | None = None, headers: dict[str, str] | None = None) -> Template:
    if status_code == HTTP_404_NOT_FOUND:
        return Template(template_name="errors/404.html", status_code=status_code, headers=headers)
    heading, default_detail = _HEADINGS.get(status_code, ("Sorry, there is a problem", detail or ""))
    return Template(
        template_name="errors/error.html",
        context={"heading": heading, "detail": detail or default_detail},
        status_code=status_code,
        headers=headers,
    )


def _go_to(request: AnyRequest, target: str, cookies: list[Cookie] | None = None) -> Response[Any]:
    """Send the browser elsewhere; htmx gets ``HX-Redirect`` so the whole page changes, not a fragment."""
    if is_htmx(request):
        return Response(content=b"", status_code=200, headers={"HX-Redirect": target}, cookies=cookies)
    return see_other(target, cookies)


def http_exception_handler(request: AnyRequest, exception: HTTPException) -> Response[Any]:
    status_code = exception.status_code
    if isinstance(exception, NotAuthorizedException):
        return _not_signed_in(request)
    if isinstance(exception, PasswordChangeRequired):
        if wants_json(request):
            return _json_error(HTTP_403_FORBIDDEN, "Change your password in QUEST before using the API")
        flash(request, "Choose a new password to continue", "info")
        return _go_to(request, "/account/password")
    if wants_json(request):
        named = _fields_named(request, exception.extra)
        return _json_error(status_code, exception.detail, named, headers=exception.headers)
    if isinstance(exception, PermissionDeniedException) and exception.detail == CSRF_FAILURE:
        return _error_page(
            HTTP_403_FORBIDDEN,
            "The form you sent had expired, or did not come from QUEST. Go back, refresh the page and try again.",
        )
    return _error_page(status_code, _named(request, exception), headers=dict(exception.headers or {}))


def _fields_named(request: AnyRequest, extra: Any) -> Any:
    """Litestar's own refusal of a parameter or body field it cannot read (a list, each naming its ``key``)
    in the shape of every other refusal: ``{"errors": {field: message}}``, each parameter named as the
    address spells it (``format``, not the handler's ``download``)."""
    if isinstance(extra, list) and extra and all(isinstance(item, dict) and item.get("key") for item in extra):
        return {
            "errors": {
                _spelt(request, str(item["key"])): str(item.get("message", "Check this field")) for item in extra
            }
        }
    return extra


def _named(request: AnyRequest, exception: HTTPException) -> str | None:
    """For a request Litestar refused (a parameter of the address it cannot read), what to check, naming
    each parameter at fault as the address spells it (``page``, not the handler's ``page_number``); None
    for any other error (its page says what is wrong)."""
    extra = exception.extra
    keys = (
        [item["key"] for item in extra if isinstance(item, dict) and item.get("key")] if isinstance(extra, list) else []
    )
    if exception.status_code != HTTP_400_BAD_REQUEST or not keys:
        return None
    named = " and ".join(f"‘{_spelt(request, key)}’" for key in dict.fromkeys(keys))
    return f"Check the address: QUEST cannot use its {named}. Go back and follow a link, or use the page’s own form."


def _spelt(request: AnyRequest, key: str) -> str:
    """A handler's parameter as the address names it (``QueryParameter(name=...)``, or ``query=``)."""
    handler = request.scope.get("route_handler")  # none if the request never reached a route
    parameter = handler.parsed_fn_signature.parameters.get(key) if handler is not None else None
    kwarg = getattr(parameter, "kwarg_definition", None)
    return getattr(kwarg, "query", None) or getattr(kwarg, "name", None) or key


def _not_signed_in(request: AnyRequest) -> Response[Any]:
    if wants_json(request):
        return _json_error(
            401,
            "Sign in, or send an API token as 'Authorization: Bearer <token>'",
            headers={"WWW-Authenticate": "Bearer"},
        )
    cookies = []
    if request.scope.get("state", {}).get(SESSION_ENDED):
        flash(request, "Your session has ended. Sign in again to carry on.", "info")
        cookies.append(Cookie(key=SESSION_COOKIE, value="", path="/", max_age=0, httponly=True, samesite="lax"))
    if kept := kept_draft(request):
        flash(request, "What you typed has been kept: sign in to check it and send it again.", "info")
        cookies.append(draft_cookie(request, kept.secret))
    if request.method in ("GET", "HEAD"):
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    else:  # back to the page the form was on, never to a URL that only takes a POST
        target = page_of_form(request)
    return _go_to(request, f"/sign-in?next={quote(target, safe='')}", cookies or None)


def quest_error_handler(request: AnyRequest, error: QuestError) -> Response[Any]:
    match error:
        case NotFound():
            status_code, detail = HTTP_404_NOT_FOUND, "Not found"
        case Forbidden(reason=reason):
            status_code, detail = HTTP_403_FORBIDDEN, reason or "Your role does not allow this"
        case Conflict():
            status_code, detail = HTTP_409_CONFLICT, str(error) or "Conflict"
        case ValidationFailed(errors=errors):
            status_code = HTTP_400_BAD_REQUEST if isinstance(error, InvalidQuery) else HTTP_422_UNPROCESSABLE_ENTITY
            if wants_json(request):
                # An import's refusal carries its whole report too (quest.imports.report.ImportRefused).
                return _json_error(*_api_refusal(error), {"errors": errors, **error.extra})
            detail = "; ".join(errors.values())
        case _:
            status_code, detail = HTTP_500_INTERNAL_SERVER_ERROR, "Internal Server Error"
    shown = status_code in (HTTP_400_BAD_REQUEST, HTTP_409_CONFLICT, HTTP_422_UNPROCESSABLE_ENTITY)
    response = (
        _json_error(status_code, detail) if wants_json(request) else _error_page(status_code, detail if shown else None)
    )
    refusal = refusal_of(error, method=request.method, path=request.url.path)
    if refusal is not None:
        # The request's own transaction is rolled back: the refusal is written on its own, once answered.
        maker = request.app.state[SESSION_MAKER]
        response.background = BackgroundTask(record_refusal, maker, current_user(request), refusal)
    return response


def _api_refusal(error: ValidationFailed) -> tuple[int, str]:
    """The status and detail the API answers a refused input with (a form answers 422 for each)."""
    if isinstance(error, RefusedInThisState):
        return HTTP_409_CONFLICT, "Refused in the record's present state"
    if isinstance(error, UnknownReference):
        return HTTP_409_CONFLICT, "Names a record that is not there, or not within your reach"
    if isinstance(error, UnknownFilter):
        return HTTP_404_NOT_FOUND, "Not found"
    if isinstance(error, InvalidQuery):
        return HTTP_400_BAD_REQUEST, "Validation failed"
    return HTTP_422_UNPROCESSABLE_ENTITY, "Validation failed"


def retry_later_headers() -> dict[str, str]:
    return {"Retry-After": str(RETRY_AFTER_SECONDS)}


def database_unreachable(request: AnyRequest, exception: Exception) -> Response[Any]:
    """503 with Retry-After: a page for people, the API's JSON error for programs."""
    logger.warning("database unreachable", path=request.url.path, error=f"{type(exception).__name__}: {exception}")
    if wants_json(request):
        return _json_error(
            HTTP_503_SERVICE_UNAVAILABLE, f"{OUTAGE_HEADING}. {OUTAGE_ADVICE}", headers=retry_later_headers()
        )
    return _error_page(HTTP_503_SERVICE_UNAVAILABLE, headers=retry_later_headers())


def undecodable_input_handler(request: AnyRequest, exception: UnicodeDecodeError | LookupError) -> Response[Any]:
    """Bytes that are not UTF-8 where text was expected (a JSON body, a form's text field), or text in an
    encoding that does not exist (a form part's ``charset=``): 400, wherever they were decoded, Litestar's
    own form parser included, never a 500. A KeyError or IndexError, also a LookupError, is QUEST's own
    fault: a 500."""
    if type(exception) not in (UnicodeDecodeError, LookupError):
        return internal_error_handler(request, exception)
    detail = "What you sent is not UTF-8 text. Send it again as UTF-8."
    if wants_json(request):
        return _json_error(HTTP_400_BAD_REQUEST, detail)
    return _error_page(HTTP_400_BAD_REQUEST, detail)


def internal_error_handler(request: AnyRequest, exception: Exception) -> Response[Any]:
    if is_unreachable(exception):
        return database_unreachable(request, exception)
    request_id = request.scope.get("state", {}).get("request_id")
    logger.error("unhandled error", path=request.url.path, exc_info=exception)
    if wants_json(request):
        return _json_error(HTTP_500_INTERNAL_SERVER_ERROR, "Internal Server Error", {"request_id": request_id})
    return Template(
        template_name="errors/500.html",
        context={"request_id": request_id},
        status_code=HTTP_500_INTERNAL_SERVER_ERROR,
    )
