"""Read-only share links on the API: the journal's clinician summary (/api/journal/shares)."""

from __future__ import annotations

from http import HTTPStatus

from django.http import HttpRequest, HttpResponse, JsonResponse
from ninja import Router, Schema
from pydantic import ConfigDict, Field

from paintrace.errors import InputError
from paintrace.web import accounts
from paintrace.web.api_schemas import MessageOut
from paintrace.web.journal_http import (
    ERRORS,
    READ_ERRORS,
    Open,
    account,
    body_doc,
    invalid,
    json_body,
    not_found,
    op,
    valid_id,
)

router = Router()


# ------------------------------------------------------------------------------ sharing


class ShareIn(Schema):
    model_config = ConfigDict(extra="forbid")
    days: int = Field(..., ge=1, le=30, description="how long the link works: 1 to 30 days")


class ShareOut(Open):
    id: int
    url: str
    expires_at: str


class ShareListOut(Open):
    items: list[Open]


@router.post(
    "/journal/shares",
    operation_id=op("create_share"),
    response={201: ShareOut, **ERRORS},
    summary="A read-only link for a clinician",
    openapi_extra=body_doc(ShareIn, "How many days (1-30) the link works."),
    tags=["journal"],
)
def create_share(request: HttpRequest) -> HttpResponse:
    """The ``url`` shows the clinician summary, read-only, until it expires (410) or is
    revoked with DELETE (404). The secret in it is shown once; only its hash is stored."""
    user = account(request)
    if isinstance(user, HttpResponse):
        return user
    data = json_body(request)
    if isinstance(data, JsonResponse):
        return data
    try:
        if not isinstance(data, dict):
            raise InputError("(root)", "expected an object with days")
        if set(data) - {"days"}:
            raise InputError(sorted(set(data) - {"days"})[0], "unknown field; expected days")
        days = data.get("days")
        if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= 30:
            raise InputError("days", "expected a whole number of days from 1 to 30")
    except InputError as exc:
        return invalid(exc)
    share, url = accounts.create_share(user, days)
    body = {"id": share.pk, "url": url, "expires_at": share.expires_at.isoformat()}
    return JsonResponse(body, status=201)


@router.get(
    "/journal/shares",
    operation_id=op("list_shares"),
    response={200: ShareListOut, 401: MessageOut},
    summary="The account's share links (without their secrets)",
    tags=["journal"],
)
def list_shares(request: HttpRequest) -> HttpResponse:
    user = account(request)
    if isinstance(user, HttpResponse):
        return user
    items = [
        {"id": s.pk, "created_at": s.created_at.isoformat(), "expires_at": s.expires_at.isoformat()}
        for s in accounts.shares(user)
    ]
    return JsonResponse({"items": items})


@router.delete(
    "/journal/shares/{share_id}",
    operation_id=op("delete_share"),
    response={204: None, 403: MessageOut, 429: MessageOut, **READ_ERRORS},
    summary="Revoke a share link",
    tags=["journal"],
)
def delete_share(request: HttpRequest, share_id: int) -> HttpResponse:
    user = account(request)
    if isinstance(user, HttpResponse):
        return user
    if not valid_id(share_id) or not accounts.revoke_share(user, share_id):
        return not_found("share link")
    return HttpResponse(status=HTTPStatus.NO_CONTENT)
