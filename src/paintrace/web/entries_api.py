"""Check-ins and weekly activity ratings on the API: /api/journal/entries and /activities."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from ninja import Router, Schema
from pydantic import ConfigDict, Field

from paintrace.errors import InputError
from paintrace.journal import MAX_ACTIVITIES, CheckIn, parse_activity, parse_checkin
from paintrace.knowledge import load_knowledge
from paintrace.reassess import reassess
from paintrace.web import accounts, journal_store
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


class EntryOut(Open):
    id: int
    at: str
    leg_pain: int
    back_pain: int
    note: str


class EntryListOut(Open):
    items: list[EntryOut]


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
    row = journal_store.add(user, c)
    response = _entry_response(user, row, c, status=201)
    response["Location"] = f"/api/journal/entries/{row.pk}"
    return response


@router.get(
    "/journal/entries",
    operation_id=op("list_entries"),
    response={200: EntryListOut, 401: MessageOut},
    summary="Every check-in, oldest first",
    tags=["journal"],
)
def list_entries(request: HttpRequest) -> HttpResponse:
    user = account(request)
    if isinstance(user, HttpResponse):
        return user
    items = [journal_store.entry_dict(r) for r in journal_store.rows(user)]
    return JsonResponse({"items": items})


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
    row = journal_store.get(user, entry_id) if valid_id(entry_id) else None
    if row is None:
        return not_found()
    return JsonResponse(journal_store.entry_dict(row))


@router.patch(
    "/journal/entries/{entry_id}",
    operation_id=op("patch_entry"),
    response={200: EntryOut, 404: MessageOut, **ERRORS},
    summary="Change a check-in",
    openapi_extra=body_doc(EntryIn, "Only the fields to change."),
    tags=["journal"],
)
def patch_entry(request: HttpRequest, entry_id: int) -> HttpResponse:
    user = account(request)
    if isinstance(user, HttpResponse):
        return user
    row = journal_store.get(user, entry_id) if valid_id(entry_id) else None
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
    c = journal_store.merged(row, changes)
    journal_store.replace(row, c)
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
    row = journal_store.get(user, entry_id) if valid_id(entry_id) else None
    if row is None:
        return not_found()
    row.delete()
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
        if isinstance(data, dict):
            unknown = sorted(set(data) - {"activity", "score", "week"})
            if unknown:
                raise InputError(unknown[0], "unknown field; expected activity, score, week")
        rating = parse_activity(data)
        names = journal_store.activity_names(user)
        if rating.activity not in names and len(names) >= MAX_ACTIVITIES:
            raise InputError(
                "activity", f"at most {MAX_ACTIVITIES} activities: rate one of {names}"
            )
    except InputError as exc:
        return invalid(exc)
    journal_store.add_rating(user, rating)
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
