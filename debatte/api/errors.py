"""Every error is `{"error": {"code": "...", "message": "..."}}` with a stable code."""

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError

from debatte.core.exceptions import ActionError, NotPermitted
from debatte.core.throttle import Throttled
from debatte.discussions.selectors import InvalidCursor


class ErrorDetail(Schema):
    code: str
    message: str
    fields: list[dict[str, Any]] | None = None


class ErrorOut(Schema):
    error: ErrorDetail


class RefusalDetail(ErrorDetail):
    netiquette_url: str | None = Field(
        None,
        description="The site's Netiquette, when the text of a comment was refused and the "
        "site has one (left out otherwise).",
    )


class RefusalOut(Schema):
    error: RefusalDetail


class ApiError(HttpError):
    """An HTTP error with a stable code, raised by the API layer itself."""

    def __init__(self, status_code: int, code: str, message: str) -> None:
        super().__init__(status_code, message)
        self.code = code


class TextRefused(ApiError):
    """A comment's text refused by the checks (400 with the rule's code), with the site's
    Netiquette URL when it has one."""

    def __init__(self, code: str, message: str, *, netiquette_url: str = "") -> None:
        super().__init__(400, code, message)
        self.netiquette_url = netiquette_url


# The codes of ninja's and Django's own errors, by HTTP status.
HTTP_CODES = {
    400: "bad_request",
    401: "not_authenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    429: "rate_limited",
}

# What every operation may answer besides its success (documented in the OpenAPI document).
COMMON_ERRORS: dict[int, type[Schema]] = {401: ErrorOut, 403: ErrorOut, 422: ErrorOut}
NOT_FOUND: dict[int, type[Schema]] = {404: ErrorOut}
REFUSED: dict[int, type[Schema]] = {400: ErrorOut}
THROTTLED: dict[int, type[Schema]] = {429: ErrorOut}
TEXT_REFUSED: dict[int, type[Schema]] = {400: RefusalOut}


def error_body(code: str, message: str, fields: list[dict[str, Any]] | None = None) -> Any:
    detail: dict[str, Any] = {"code": code, "message": message}
    if fields is not None:
        detail["fields"] = fields
    return {"error": detail}


def _field_errors(errors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Where and what, without the input or pydantic's context (not always JSON-safe)."""
    return [
        {"loc": [str(part) for part in e.get("loc", ())], "msg": str(e.get("msg", ""))}
        for e in errors
    ]


def install_error_handlers(api: NinjaAPI) -> None:
    def respond(request: HttpRequest, status: int, body: Any) -> HttpResponse:
        return api.create_response(request, body, status=status)

    @api.exception_handler(NotPermitted)
    def not_permitted(request: HttpRequest, exc: NotPermitted) -> HttpResponse:
        return respond(request, 403, error_body(exc.code, exc.message))

    @api.exception_handler(Throttled)
    def throttled(request: HttpRequest, exc: Throttled) -> HttpResponse:
        response = respond(request, 429, error_body(exc.code, exc.message))
        response["Retry-After"] = str(exc.retry_after)
        return response

    @api.exception_handler(ActionError)
    def action_error(request: HttpRequest, exc: ActionError) -> HttpResponse:
        return respond(request, 400, error_body(exc.code, exc.message))

    @api.exception_handler(InvalidCursor)
    def invalid_cursor(request: HttpRequest, exc: InvalidCursor) -> HttpResponse:
        return respond(request, 400, error_body("invalid_cursor", _("This cursor is not valid.")))

    @api.exception_handler(ValidationError)
    def invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        body = error_body("invalid", _("The request is not valid."), _field_errors(exc.errors))
        return respond(request, 422, body)

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        message = str(exc) or _("Not found.")
        return respond(request, 404, error_body("not_found", message))

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        if isinstance(exc, ApiError):
            code = exc.code
        elif isinstance(exc, AuthenticationError):
            code = "not_authenticated"
        else:
            code = HTTP_CODES.get(exc.status_code, "error")
        body = error_body(code, exc.message)
        if isinstance(exc, TextRefused) and exc.netiquette_url:
            body["error"]["netiquette_url"] = exc.netiquette_url
        return respond(request, exc.status_code, body)
