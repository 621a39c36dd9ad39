"""Read-only share links on the API: the journal's clinician summary (/api/journal/shares) and
view-only links to one saved assessment (/api/assessments/{id}/shares, paintrace.web.view_links).
"""

from __future__ import annotations

from http import HTTPStatus

from django.http import HttpRequest, HttpResponse, JsonResponse
from ninja import Router, Schema
from pydantic import ConfigDict, Field

from paintrace.errors import InputError, refuse_unknown
from paintrace.web import accounts, store, view_links
from paintrace.web.api_schemas import MessageOut, ValidationErrorOut
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


def _days(data: object, *, default: int | None) -> int:
    """`{"days": n}`, 1 to 30, the same for both kinds of link; `default` when left out (None:
    required). 7.0 is the JSON number 7."""
    if not isinstance(data, dict):
        raise InputError("(root)", 'expected an object, e.g. {"days": 7}')
    refuse_unknown(data, ("days",))
    days = data.get("days", default)
    if isinstance(days, float) and days.is_integer():
        days = int(days)
    if not view_links.valid_days(days):
        raise InputError("days", "expected a whole number of days from 1 to 30")
    assert isinstance(days, int)
    return days


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
        days = _days(data, default=None)
    except InputError as exc:
        return invalid(exc)
    try:
        share, url = accounts.create_share(user, days)
    except InputError as exc:  # too many live links (paintrace.web.quotas)
        return invalid(exc)
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


# ------------------------------------------------------------------ one assessment, view-only


class ViewLinkIn(Schema):
    model_config = ConfigDict(extra="forbid")
    days: int = Field(
        view_links.DEFAULT_DAYS, ge=1, le=30, description="how long the link works: 1 to 30 days"
    )


class ViewLinkListOut(Open):
    items: list[Open]


def _no_assessment() -> JsonResponse:
    return JsonResponse({"detail": "No assessment with this id."}, status=404)


@router.post(
    "/assessments/{assessment_id}/shares",
    response={201: ShareOut, 404: MessageOut, **{k: ERRORS[k] for k in (413, 415, 422, 429)}},
    summary="A view-only link to a saved assessment",
    openapi_extra=body_doc(ViewLinkIn, "How many days (1-30, default 7) the link works."),
    tags=["assessments"],
)
def create_assessment_share(request: HttpRequest, assessment_id: str) -> HttpResponse:
    """The ``url`` (/v/<token>/) shows the result read-only: no answers, no save, no delete,
    never the assessment's id. It works until it expires (410) or is revoked with DELETE or the
    assessment is deleted (404). The token is shown once; only its hash is stored."""
    data = json_body(request)
    if isinstance(data, JsonResponse):
        return data
    try:
        days = _days(data, default=view_links.DEFAULT_DAYS)
        made = view_links.create(assessment_id, days)
    except InputError as exc:
        return invalid(exc)
    except view_links.TooMany as exc:
        return invalid(InputError("days", str(exc)))
    if made is None:
        return _no_assessment()
    link, token = made
    body = {"id": link.id, "url": view_links.url(token), "expires_at": link.expires_at.isoformat()}
    return JsonResponse(body, status=201)


@router.get(
    "/assessments/{assessment_id}/shares",
    response={200: ViewLinkListOut, 404: MessageOut},
    summary="The view-only links of a saved assessment (without their secrets)",
    tags=["assessments"],
)
def list_assessment_shares(request: HttpRequest, assessment_id: str) -> HttpResponse:
    if store.get(assessment_id) is None:
        return _no_assessment()
    items = [
        {"id": v.id, "created_at": v.created_at.isoformat(), "expires_at": v.expires_at.isoformat()}
        for v in view_links.links(assessment_id)
    ]
    return JsonResponse({"items": items})


@router.delete(
    "/assessments/{assessment_id}/shares/{share_id}",
    response={204: None, 404: MessageOut, 422: ValidationErrorOut, 429: MessageOut},
    summary="Revoke a view-only link",
    tags=["assessments"],
)
def delete_assessment_share(
    request: HttpRequest, assessment_id: str, share_id: int
) -> HttpResponse:
    if not valid_id(share_id) or not view_links.revoke(assessment_id, share_id):
        return JsonResponse({"detail": "No view-only link with this id."}, status=404)
    return HttpResponse(status=HTTPStatus.NO_CONTENT)
