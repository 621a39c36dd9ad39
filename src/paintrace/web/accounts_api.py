"""Accounts on the API: sign up, log in for a bearer token, delete the account for good."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from django.contrib.auth import authenticate, logout
from django.http import HttpRequest, HttpResponse, JsonResponse
from ninja import Router, Schema
from pydantic import ConfigDict, Field

from paintrace.errors import InputError, refuse_unknown
from paintrace.web import accounts, time_zones
from paintrace.web.api_schemas import MessageOut
from paintrace.web.journal_http import ERRORS, Open, account, body_doc, invalid, json_body, op

router = Router()


class CredentialsIn(Schema):
    model_config = ConfigDict(extra="forbid")
    username: str = Field(
        ..., pattern=r"^[A-Za-z0-9@.+_-]{1,150}$", description="letters, digits and @.+-_"
    )
    password: str = Field(
        ...,
        min_length=8,
        max_length=1024,
        description="at least 8 characters, not all digits, not a common password",
    )
    email: str | None = Field(None, description="optional (sign-up only)")
    time_zone: str | None = Field(
        None,
        max_length=64,
        description="optional (sign-up only): the IANA time zone the journal counts days in, "
        "e.g. Australia/Sydney; left out, the server's default (PAINTRACE_TIME_ZONE)",
    )


class LoginIn(Schema):
    model_config = ConfigDict(extra="forbid")
    username: str = Field(..., pattern=r"^[A-Za-z0-9@.+_-]{1,150}$")
    password: str = Field(..., min_length=1, max_length=1024)


class AccountOut(Open):
    id: int
    username: str
    time_zone: str


def _no_default(schema: dict[str, Any]) -> None:
    schema.pop("default", None)


class AccountChangeIn(Schema):
    # The schema of PATCH /api/accounts/me (change_me reads the body itself): only the fields
    # to change; one left out stays as it is, so {} changes nothing.
    model_config = ConfigDict(extra="forbid")
    # Optional, but a string when sent: null is refused (422). The default only makes it
    # optional in the schema, where a null default would read as "null is taken".
    time_zone: str = Field(
        None,  # type: ignore[assignment]
        max_length=64,
        description="an IANA time zone name, e.g. Europe/Berlin",
        json_schema_extra=_no_default,
    )


class TokenOut(Schema):
    token: str


# ------------------------------------------------------------------------------ accounts


def _with_challenge(response: JsonResponse) -> JsonResponse:
    """Every 401 names the scheme the API takes (RFC 9110, 11.6.1)."""
    response["WWW-Authenticate"] = 'Bearer realm="paintrace"'
    return response


@router.post(
    "/accounts",
    operation_id=op("create_account"),
    response={201: AccountOut, **ERRORS},
    summary="Create an account",
    openapi_extra=body_doc(CredentialsIn, "A user name and a password (email optional)."),
    tags=["accounts"],
)
def create_account(request: HttpRequest) -> HttpResponse:
    """``time_zone`` (optional) is the zone the journal counts days in; an unknown one is a
    422 and no account is made. Left out, the account follows the server's default."""
    data = json_body(request)
    if isinstance(data, JsonResponse):
        return data
    try:
        username, password, email = accounts.clean_credentials(
            data, ("username", "password", "email", "time_zone")
        )
        user = accounts.create_account(username, password, email, data.get("time_zone"))
    except InputError as exc:
        return invalid(exc)
    return JsonResponse(_account(user), status=201)


def _account(user: Any) -> dict[str, Any]:
    return {
        "id": user.pk,
        "username": user.get_username(),
        "time_zone": time_zones.zone_name(user),
    }


@router.post(
    "/auth/token",
    operation_id=op("create_token"),
    response={200: TokenOut, **ERRORS},
    summary="Log in: get an API token",
    openapi_extra=body_doc(LoginIn, "The account's user name and password."),
    tags=["accounts"],
)
def create_token(request: HttpRequest) -> HttpResponse:
    """Send the token as ``Authorization: Bearer <token>``. Only a hash of it is stored; it
    works until it is revoked (``DELETE /api/auth/token``), the password is changed, 20 newer
    tokens are issued or the account is deleted. Repeated failures lock the name out (429)."""
    data = json_body(request)
    if isinstance(data, JsonResponse):
        return data
    try:
        username, password, _ = accounts.clean_credentials(data, ("username", "password"))
    except InputError as exc:
        return invalid(exc)
    user = authenticate(request, username=username, password=password)
    if getattr(request, "axes_locked_out", False):
        return JsonResponse(
            {"detail": "Too many failed log-ins for this name: try again in an hour."},
            status=429,
        )
    if user is None:
        return _with_challenge(JsonResponse({"detail": "Wrong user name or password."}, status=401))
    return JsonResponse({"token": accounts.issue_token(user)})


@router.delete(
    "/auth/token",
    operation_id=op("delete_token"),
    response={204: None, 401: MessageOut, 429: MessageOut},
    summary="Log out: revoke the token this request is sent with",
    tags=["accounts"],
)
def delete_token(request: HttpRequest) -> HttpResponse:
    if not accounts.revoke_bearer_token(request):
        return _with_challenge(
            JsonResponse(
                {"detail": "Send the token to revoke as Authorization: Bearer <token>."},
                status=401,
            )
        )
    return HttpResponse(status=HTTPStatus.NO_CONTENT)


@router.get(
    "/accounts/me",
    operation_id=op("read_me"),
    response={200: AccountOut, 401: MessageOut},
    summary="The account: its name and time zone",
    tags=["accounts"],
)
def read_me(request: HttpRequest) -> HttpResponse:
    """``time_zone`` is the IANA zone the journal counts days in (the summary's ``series``, a
    rating's week, the exports' local times): the owner's choice, else the server's default."""
    user = account(request)
    if isinstance(user, HttpResponse):
        return user
    return JsonResponse(_account(user))


@router.patch(
    "/accounts/me",
    operation_id=op("change_me"),
    response={200: AccountOut, **ERRORS},
    summary="Change the account's time zone",
    openapi_extra=body_doc(AccountChangeIn, "The fields to change: today only time_zone."),
    tags=["accounts"],
)
def change_me(request: HttpRequest) -> HttpResponse:
    """An unknown zone is a 422 naming ``time_zone``, and nothing changes. Stored times do not
    move: only how they group into days and how they are shown."""
    user = account(request)
    if isinstance(user, HttpResponse):
        return user
    data = json_body(request)
    if isinstance(data, JsonResponse):
        return data
    if not isinstance(data, dict):
        return invalid(InputError("(root)", 'expected an object, e.g. {"time_zone": "UTC"}'))
    try:
        refuse_unknown(data, ("time_zone",))
        if "time_zone" in data:
            time_zones.choose(user, data["time_zone"])
    except InputError as exc:
        return invalid(exc)
    return JsonResponse(_account(user))


@router.delete(
    "/accounts/me",
    operation_id=op("delete_me"),
    response={204: None, 401: MessageOut, 403: MessageOut, 429: MessageOut},
    summary="Delete the account and all its data for good",
    tags=["accounts"],
)
def delete_me(request: HttpRequest) -> HttpResponse:
    user = account(request)
    if isinstance(user, HttpResponse):
        return user
    accounts.delete_account(user)
    if getattr(request, "session", None) is not None:
        logout(request)
    return HttpResponse(status=HTTPStatus.NO_CONTENT)
