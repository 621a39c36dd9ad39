"""Check-ins and weekly activity ratings on the API: /api/journal/entries and /activities."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from http import HTTPStatus
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, JsonResponse
from ninja import Query, Router, Schema
from pydantic import ConfigDict, Field

from paintrace.errors import InputError
from paintrace.journal import MAX_ACTIVITIES, CheckIn, parse_activity, parse_checkin
from paintrace.knowledge import load_knowledge
from paintrace.reassess import reassess
from paintrace.web import accounts, journal_store, time_zones
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
    query_error,
    valid_id,
)

router = Router()

DEFAULT_PAGE = 50
MAX_PAGE = 200
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
CURSOR = re.compile(r"([0-9]{1,17})\.([0-9]{1,19})")  # up to the year 5138; ids below 2**63


class EntryIn(Schema):
    model_config = ConfigDict(extra="forbid")
    leg_pain: int = Field(..., ge=0, le=10)
    back_pain: int = Field(..., ge=0, le=10)
    note: str = Field("", max_length=2000)
    at: str | None = Field(None, description="ISO 8601; default now")
    regions: dict[str, int] | None = None
    massaged: list[str] | None = None
    stretched: list[str] | None = None
    minutes: int | None = Field(None, ge=0, le=600)
    felt_after: str | None = Field(None, description="better, same or worse")
    sleep_disturbed: bool | None = None
    red_flags: dict[str, bool | None] | None = None
    new_numbness: bool | None = None
    new_weakness: bool | None = None


class EntryPatchIn(EntryIn):
    """A change: any of the fields, each null to take an answer back to "not said"."""

    leg_pain: int | None = Field(None, ge=0, le=10)  # type: ignore[assignment]
    back_pain: int | None = Field(None, ge=0, le=10)  # type: ignore[assignment]
    note: str | None = Field(None, max_length=2000)  # type: ignore[assignment]


class EntryOut(Open):
    id: int
    at: str
    leg_pain: int
    back_pain: int
    note: str


class EntryListOut(Open):
    items: list[EntryOut]
    limit: int
    next_cursor: str | None = Field(None, description="pass as ?cursor= for the next page")
    next: str | None = Field(None, description="the next page's path; null on the last page")


class ActivityIn(Schema):
    model_config = ConfigDict(extra="forbid")
    activity: str = Field(..., max_length=80)
    score: int = Field(..., ge=0, le=10)
    week: str | None = Field(None, description="a date in the week rated; default this week")


class ActivityOut(Open):
    activity: str
    week: str
    score: int


class ActivityListOut(Open):
    items: list[ActivityOut]


# ------------------------------------------------------------------------------ check-ins


def _escalation(user: Any, c: CheckIn) -> dict[str, Any]:
    """The triage after this check-in against the account's latest saved assessment."""
    saved = accounts.latest_assessment(user)
    assessment = {"input": saved.input, "result": saved.result} if saved else {}
    r = reassess(load_knowledge(), assessment, [c], now=c.at).to_dict()
    return {"triage": r["triage"], "plan_paused": r["plan_paused"], "advice": r["advice"]}


def _entry_response(user: Any, row: Any, c: CheckIn, status: int = 200) -> JsonResponse:
    body = journal_store.entry_dict(row, c)
    if c.warning_signs or c.new_numbness or c.new_weakness:
        body.update(_escalation(user, c))
    return JsonResponse(body, status=status)


@router.post(
    "/journal/entries",
    operation_id=op("create_entry"),
    response={201: EntryOut, **ERRORS},
    summary="Check in",
    openapi_extra=body_doc(EntryIn, "Leg and back pain 0-10 (required) and the optional rest."),
    tags=["journal"],
)
def create_entry(request: HttpRequest) -> HttpResponse:
    """A warning sign answered true escalates: the answer then carries ``triage`` (level and
    reasons), ``plan_paused`` and ``advice``."""
    user = account(request)
    if isinstance(user, HttpResponse):
        return user
    data = json_body(request)
    if isinstance(data, JsonResponse):
        return data
    if isinstance(data, dict) and "id" in data:
        return invalid(InputError("id", "the server gives the id; leave it out"))
    try:
        c = parse_checkin(data, load_knowledge())
    except InputError as exc:
        return invalid(exc)
    assert isinstance(c, CheckIn)
    try:
        row = journal_store.add(user, c)
    except InputError as exc:  # the account is full (paintrace.web.quotas)
        return invalid(exc)
    response = _entry_response(user, row, c, status=201)
    response["Location"] = f"/api/journal/entries/{row.pk}"
    return response


@router.get(
    "/journal/entries",
    operation_id=op("list_entries"),
    response={200: EntryListOut, 401: MessageOut, 414: None, 422: ValidationErrorOut},
    summary="The check-ins, oldest first, a page at a time",
    tags=["journal"],
)
def list_entries(
    request: HttpRequest,
    limit: int = Query(
        DEFAULT_PAGE, ge=1, le=MAX_PAGE, description=f"check-ins per page, 1 to {MAX_PAGE}"
    ),
    cursor: str | None = Query(
        None, description="``next_cursor`` of the previous page; none: the first page"
    ),
) -> HttpResponse:
    """``items`` holds up to ``limit`` check-ins (default 50); ``next`` is the path of the next
    page, null on the last one. Entries added while paging appear on a later page, never twice."""
    user = account(request)
    if isinstance(user, HttpResponse):
        return user
    after = None
    if cursor is not None:
        after = decode_cursor(cursor)
        if after is None:
            return query_error("cursor", "not a cursor from this API: use next_cursor as given")
    rows = journal_store.page(user, after, limit + 1)
    more = len(rows) > limit
    rows = rows[:limit]
    body: dict[str, Any] = {
        "items": [journal_store.entry_dict(r) for r in rows],
        "limit": limit,
        "next_cursor": None,
        "next": None,
    }
    if more:
        body["next_cursor"] = token = encode_cursor(rows[-1])
        body["next"] = f"{request.path}?{urlencode({'limit': limit, 'cursor': token})}"
    return JsonResponse(body)


def encode_cursor(row: Any) -> str:
    """The position after `row`: its time in microseconds since 1970 and its id."""
    at = row.at if row.at.tzinfo else row.at.replace(tzinfo=UTC)
    micros = (at - EPOCH) // timedelta(microseconds=1)
    return f"{micros}.{row.pk}"


def decode_cursor(cursor: str) -> tuple[datetime, int] | None:
    match = CURSOR.fullmatch(cursor)
    if match is None:
        return None
    micros, pk = int(match[1]), int(match[2])
    if not valid_id(pk):
        return None
    return EPOCH + timedelta(microseconds=micros), pk


def _own_entry(user: Any, entry_id: int) -> Any:
    """The account's check-in with this id, or None (out of range, another's, or gone)."""
    return journal_store.get(user, entry_id) if valid_id(entry_id) else None


@router.get(
    "/journal/entries/{entry_id}",
    operation_id=op("read_entry"),
    response={200: EntryOut, **READ_ERRORS},
    summary="One check-in",
    tags=["journal"],
)
def read_entry(request: HttpRequest, entry_id: int) -> HttpResponse:
    user = account(request)
    if isinstance(user, HttpResponse):
        return user
    row = _own_entry(user, entry_id)
    if row is None:
        return not_found()
    return JsonResponse(journal_store.entry_dict(row))


@router.patch(
    "/journal/entries/{entry_id}",
    operation_id=op("patch_entry"),
    response={200: EntryOut, 404: MessageOut, **ERRORS},
    summary="Change a check-in",
    openapi_extra=body_doc(EntryPatchIn, "Only the fields to change."),
    tags=["journal"],
)
def patch_entry(request: HttpRequest, entry_id: int) -> HttpResponse:
    user = account(request)
    if isinstance(user, HttpResponse):
        return user
    row = _own_entry(user, entry_id)
    if row is None:
        return not_found()
    data = json_body(request)
    if isinstance(data, JsonResponse):
        return data
    if isinstance(data, dict) and "id" in data:
        return invalid(InputError("id", "the id cannot change"))
    try:
        changes = parse_checkin(data, load_knowledge(), partial=True)
    except InputError as exc:
        return invalid(exc)
    assert isinstance(changes, dict)
    c = journal_store.update(row, changes)
    return _entry_response(user, row, c)


@router.delete(
    "/journal/entries/{entry_id}",
    operation_id=op("delete_entry"),
    response={204: None, 403: MessageOut, 429: MessageOut, **READ_ERRORS},
    summary="Delete a check-in for good",
    tags=["journal"],
)
def delete_entry(request: HttpRequest, entry_id: int) -> HttpResponse:
    user = account(request)
    if isinstance(user, HttpResponse):
        return user
    row = _own_entry(user, entry_id)
    if row is None:
        return not_found()
    journal_store.remove(row)
    return HttpResponse(status=HTTPStatus.NO_CONTENT)


# ------------------------------------------------------------------------------ activities


@router.post(
    "/journal/activities",
    operation_id=op("create_activity"),
    response={201: ActivityOut, **ERRORS},
    summary="Rate one of your hard activities for a week",
    openapi_extra=body_doc(ActivityIn, "Up to three activities of your own, each 0-10 a week."),
    tags=["journal"],
)
def create_activity(request: HttpRequest) -> HttpResponse:
    """0: I cannot do it; 10: as well as before the pain. Rating a week again replaces it."""
    user = account(request)
    if isinstance(user, HttpResponse):
        return user
    data = json_body(request)
    if isinstance(data, JsonResponse):
        return data
    try:
        rating = parse_activity(data, tz=time_zones.zone_of(user))
        names = journal_store.activity_names(user)
        if rating.activity not in names and len(names) >= MAX_ACTIVITIES:
            raise InputError(
                "activity", f"at most {MAX_ACTIVITIES} activities: rate one of {names}"
            )
    except InputError as exc:
        return invalid(exc)
    try:
        journal_store.add_rating(user, rating)
    except InputError as exc:  # the account is full (paintrace.web.quotas)
        return invalid(exc)
    return JsonResponse(rating.to_dict(), status=201)


@router.get(
    "/journal/activities",
    operation_id=op("list_activities"),
    response={200: ActivityListOut, 401: MessageOut},
    summary="Every weekly activity rating",
    tags=["journal"],
)
def list_activities(request: HttpRequest) -> HttpResponse:
    user = account(request)
    if isinstance(user, HttpResponse):
        return user
    return JsonResponse({"items": [r.to_dict() for r in journal_store.ratings(user)]})
