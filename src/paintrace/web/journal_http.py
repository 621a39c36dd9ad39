"""What every accounts and journal endpoint shares: who is asking, strict bodies, errors.

Journal endpoints take the session (with its CSRF token for writes) or ``Authorization: Bearer
<token>``; every query is filtered by that account, so another account's id answers 404 exactly
like an id that never existed. Bodies are validated by the core (paintrace.journal) and a bad
field is a 422 naming it, as everywhere in the API.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from ninja import Schema
from ninja.utils import check_csrf
from pydantic import ConfigDict

from paintrace.errors import InputError
from paintrace.web import accounts
from paintrace.web.api_schemas import MessageOut, ValidationErrorOut
from paintrace.web.ratelimit import UNSAFE


def op(name: str) -> str:
    """The OpenAPI operation id: stable names from when these endpoints shared one module."""
    return f"paintrace_web_journal_api_{name}"


class _Open(Schema):
    model_config = ConfigDict(extra="allow")


Open = _Open  # an object with more fields than documented (its OpenAPI name stays "_Open")


ERRORS: dict[int, Any] = {
    401: MessageOut,
    403: MessageOut,
    413: ValidationErrorOut,
    415: ValidationErrorOut,
    422: ValidationErrorOut,
    429: MessageOut,
}
READ_ERRORS: dict[int, Any] = {401: MessageOut, 404: MessageOut, 422: ValidationErrorOut}


def body_doc(model: type[Schema], description: str) -> dict[str, Any]:
    return {
        "requestBody": {
            "required": True,
            "description": description,
            "content": {"application/json": {"schema": model.model_json_schema()}},
        }
    }


def json_body(request: HttpRequest) -> Any:
    from paintrace.web.api import _read_json

    return _read_json(request)


def large_json_body(request: HttpRequest) -> Any:
    """Like json_body, up to settings.MAX_IMPORT_BYTES instead of MAX_REQUEST_BYTES: read from
    the stream here, because Django's request.body refuses more than the general limit."""
    from django.conf import settings

    from paintrace.web.api import _error, decode_json

    limit = settings.MAX_IMPORT_BYTES
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > limit:
        return _error(413, ["body"], "the request body is too large", "too_large")
    raw = request.read(limit + 1)
    if len(raw) > limit:
        return _error(413, ["body"], "the request body is too large", "too_large")
    return decode_json(request, raw)


def invalid(exc: InputError) -> JsonResponse:
    from paintrace.web.api import _input_error

    return _input_error(exc)


def query_error(name: str, message: str) -> JsonResponse:
    """A 422 for a bad query parameter, in the shape of every other validation error."""
    from paintrace.web.api import _error

    return _error(422, ["query", name], message, "value_error")


def unauthorized() -> JsonResponse:
    response = JsonResponse(
        {"detail": "Log in, or send Authorization: Bearer <token> (POST /api/auth/token)."},
        status=401,
    )
    response["WWW-Authenticate"] = 'Bearer realm="paintrace"'
    return response


def account(request: HttpRequest) -> Any:
    """The account making the request (bearer token, else the session), or a 401/403 response."""
    if request.META.get("HTTP_AUTHORIZATION"):
        user = accounts.bearer_user(request)
        return user if user is not None else unauthorized()
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return unauthorized()
    if request.method in UNSAFE and check_csrf(request) is not None:
        return JsonResponse(
            {"detail": "CSRF check failed: send the X-CSRFToken header with the session."},
            status=403,
        )
    return user


def not_found(what: str = "entry") -> JsonResponse:
    return JsonResponse({"detail": f"No {what} with this id."}, status=404)


def valid_id(value: int) -> bool:
    return 0 < value < 2**63


def download(body: str | bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response
