"""The accounts and journal API: /api/accounts, /api/auth/token and /api/journal/...

Journal endpoints take the session (with its CSRF token for writes) or ``Authorization: Bearer
<token>``; every query is filtered by that account, so another account's id answers 404 exactly
like an id that never existed. Bodies are validated by the core (paintrace.journal) and a bad
field is a 422 naming it, as everywhere in the API.
"""

from __future__ import annotations

import json
from http import HTTPStatus
from typing import Any

from django.contrib.auth import authenticate, logout
from django.http import HttpRequest, HttpResponse, JsonResponse
from ninja import Query, Router, Schema
from ninja.utils import check_csrf
from pydantic import ConfigDict, Field

from paintrace.errors import InputError
from paintrace.journal import MAX_ACTIVITIES, CheckIn, parse_activity, parse_checkin
from paintrace.knowledge import load_knowledge
from paintrace.measures import activity_mean, daily, weekly_activity
from paintrace.reassess import reassess
from paintrace.web import accounts, journal_store, store
from paintrace.web.api_schemas import MessageOut, ValidationErrorOut
from paintrace.web.ratelimit import UNSAFE

router = Router()


class _Open(Schema):
    model_config = ConfigDict(extra="allow")


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


class LoginIn(Schema):
    model_config = ConfigDict(extra="forbid")
    username: str = Field(..., pattern=r"^[A-Za-z0-9@.+_-]{1,150}$")
    password: str = Field(..., min_length=1, max_length=1024)


class AccountOut(_Open):
    id: int
    username: str


class TokenOut(Schema):
    token: str


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


class EntryOut(_Open):
    id: int
    at: str
    leg_pain: int
    back_pain: int
    note: str


class EntryListOut(_Open):
    items: list[EntryOut]


class ActivityIn(Schema):
    model_config = ConfigDict(extra="forbid")
    activity: str = Field(..., max_length=80)
    score: int = Field(..., ge=0, le=10)
    week: str | None = Field(None, description="a date in the week rated; default this week")


class ActivityOut(_Open):
    activity: str
    week: str
    score: int


class ActivityListOut(_Open):
    items: list[ActivityOut]


class SaveAssessmentIn(Schema):
    model_config = ConfigDict(extra="forbid")
    id: str = Field(..., description="the assessment's link id (POST /api/assessments)")


class SavedListOut(_Open):
    items: list[_Open]


class SummaryOut(_Open):
    status: str
    series: list[_Open]


ERRORS: dict[int, Any] = {
    401: MessageOut,
    403: MessageOut,
    413: ValidationErrorOut,
    415: ValidationErrorOut,
    422: ValidationErrorOut,
    429: MessageOut,
}
READ_ERRORS: dict[int, Any] = {401: MessageOut, 404: MessageOut, 422: ValidationErrorOut}


def _body(model: type[Schema], description: str) -> dict[str, Any]:
    return {
        "requestBody": {
            "required": True,
            "description": description,
            "content": {"application/json": {"schema": model.model_json_schema()}},
        }
    }


def _json_body(request: HttpRequest) -> Any:
    from paintrace.web.api import _read_json

    return _read_json(request)


def _large_json_body(request: HttpRequest) -> Any:
    """Like _json_body, up to settings.MAX_IMPORT_BYTES instead of MAX_REQUEST_BYTES: read from
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


def _invalid(exc: InputError) -> JsonResponse:
    from paintrace.web.api import _input_error

    return _input_error(exc)


def _unauthorized() -> JsonResponse:
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
        return user if user is not None else _unauthorized()
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return _unauthorized()
    if request.method in UNSAFE and check_csrf(request) is not None:
        return JsonResponse(
            {"detail": "CSRF check failed: send the X-CSRFToken header with the session."},
            status=403,
        )
    return user


def _not_found(what: str = "entry") -> JsonResponse:
    return JsonResponse({"detail": f"No {what} with this id."}, status=404)


def _valid_id(value: int) -> bool:
    return 0 < value < 2**63


# ------------------------------------------------------------------------------ accounts


@router.post(
    "/accounts",
    response={201: AccountOut, 409: MessageOut, **ERRORS},
    summary="Create an account",
    openapi_extra=_body(CredentialsIn, "A user name and a password (email optional)."),
    tags=["accounts"],
)
def create_account(request: HttpRequest) -> HttpResponse:
    data = _json_body(request)
    if isinstance(data, JsonResponse):
        return data
    try:
        username, password, email = accounts.clean_credentials(data)
        user = accounts.create_account(username, password, email)
    except InputError as exc:
        return _invalid(exc)
    return JsonResponse({"id": user.pk, "username": user.get_username()}, status=201)


@router.post(
    "/auth/token",
    response={200: TokenOut, **ERRORS},
    summary="Log in: get an API token",
    openapi_extra=_body(LoginIn, "The account's user name and password."),
    tags=["accounts"],
)
def create_token(request: HttpRequest) -> HttpResponse:
    """Send the token as ``Authorization: Bearer <token>``. Only a hash of it is stored; it
    works until the account is deleted. Repeated failures lock the name out (429)."""
    data = _json_body(request)
    if isinstance(data, JsonResponse):
        return data
    try:
        username, password, _ = accounts.clean_credentials(data)
        if isinstance(data, dict) and "email" in data:
            raise InputError("email", "unknown field; expected username and password")
    except InputError as exc:
        return _invalid(exc)
    user = authenticate(request, username=username, password=password)
    if getattr(request, "axes_locked_out", False):
        return JsonResponse(
            {"detail": "Too many failed log-ins for this name: try again in an hour."},
            status=429,
        )
    if user is None:
        return JsonResponse({"detail": "Wrong user name or password."}, status=401)
    return JsonResponse({"token": accounts.issue_token(user)})


@router.delete(
    "/accounts/me",
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
    response={201: EntryOut, **ERRORS},
    summary="Check in",
    openapi_extra=_body(EntryIn, "Leg and back pain 0-10 (required) and the optional rest."),
    tags=["journal"],
)
def create_entry(request: HttpRequest) -> HttpResponse:
    """A warning sign answered true escalates: the answer then carries ``triage`` (level and
    reasons), ``plan_paused`` and ``advice``."""
    user = account(request)
    if isinstance(user, HttpResponse):
        return user
    data = _json_body(request)
    if isinstance(data, JsonResponse):
        return data
    if isinstance(data, dict) and "id" in data:
        return _invalid(InputError("id", "the server gives the id; leave it out"))
    try:
        c = parse_checkin(data, load_knowledge())
    except InputError as exc:
        return _invalid(exc)
    assert isinstance(c, CheckIn)
    row = journal_store.add(user, c)
    response = _entry_response(user, row, c, status=201)
    response["Location"] = f"/api/journal/entries/{row.pk}"
    return response


@router.get(
    "/journal/entries",
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
    response={200: EntryOut, **READ_ERRORS},
    summary="One check-in",
    tags=["journal"],
)
def read_entry(request: HttpRequest, entry_id: int) -> HttpResponse:
    user = account(request)
    if isinstance(user, HttpResponse):
        return user
    row = journal_store.get(user, entry_id) if _valid_id(entry_id) else None
    if row is None:
        return _not_found()
    return JsonResponse(journal_store.entry_dict(row))


@router.patch(
    "/journal/entries/{entry_id}",
    response={200: EntryOut, 404: MessageOut, **ERRORS},
    summary="Change a check-in",
    openapi_extra=_body(EntryIn, "Only the fields to change."),
    tags=["journal"],
)
def patch_entry(request: HttpRequest, entry_id: int) -> HttpResponse:
    user = account(request)
    if isinstance(user, HttpResponse):
        return user
    row = journal_store.get(user, entry_id) if _valid_id(entry_id) else None
    if row is None:
        return _not_found()
    data = _json_body(request)
    if isinstance(data, JsonResponse):
        return data
    if isinstance(data, dict) and "id" in data:
        return _invalid(InputError("id", "the id cannot change"))
    try:
        changes = parse_checkin(data, load_knowledge(), partial=True)
    except InputError as exc:
        return _invalid(exc)
    assert isinstance(changes, dict)
    c = journal_store.merged(row, changes)
    journal_store.replace(row, c)
    return _entry_response(user, row, c)


@router.delete(
    "/journal/entries/{entry_id}",
    response={204: None, 403: MessageOut, 429: MessageOut, **READ_ERRORS},
    summary="Delete a check-in for good",
    tags=["journal"],
)
def delete_entry(request: HttpRequest, entry_id: int) -> HttpResponse:
    user = account(request)
    if isinstance(user, HttpResponse):
        return user
    row = journal_store.get(user, entry_id) if _valid_id(entry_id) else None
    if row is None:
        return _not_found()
    row.delete()
    return HttpResponse(status=HTTPStatus.NO_CONTENT)


# ------------------------------------------------------------------------------ activities


@router.post(
    "/journal/activities",
    response={201: ActivityOut, **ERRORS},
    summary="Rate one of your hard activities for a week",
    openapi_extra=_body(ActivityIn, "Up to three activities of your own, each 0-10 a week."),
    tags=["journal"],
)
def create_activity(request: HttpRequest) -> HttpResponse:
    """0: I cannot do it; 10: as well as before the pain. Rating a week again replaces it."""
    user = account(request)
    if isinstance(user, HttpResponse):
        return user
    data = _json_body(request)
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
        return _invalid(exc)
    journal_store.add_rating(user, rating)
    return JsonResponse(rating.to_dict(), status=201)


@router.get(
    "/journal/activities",
    response={200: ActivityListOut, 401: MessageOut},
    summary="Every weekly activity rating",
    tags=["journal"],
)
def list_activities(request: HttpRequest) -> HttpResponse:
    user = account(request)
    if isinstance(user, HttpResponse):
        return user
    return JsonResponse({"items": [r.to_dict() for r in journal_store.ratings(user)]})


# ------------------------------------------------------------------------------ assessments


@router.post(
    "/journal/assessments",
    response={201: _Open, 404: MessageOut, **ERRORS},
    summary="Save an assessment to the account",
    openapi_extra=_body(SaveAssessmentIn, "The link id of an assessment (POST /api/assessments)."),
    tags=["journal"],
)
def save_assessment(request: HttpRequest) -> HttpResponse:
    """The assessment is kept (no retention expiry) until the account or it is deleted."""
    user = account(request)
    if isinstance(user, HttpResponse):
        return user
    data = _json_body(request)
    if isinstance(data, JsonResponse):
        return data
    if not isinstance(data, dict) or not isinstance(data.get("id"), str):
        return _invalid(InputError("id", "required: the assessment's link id"))
    if set(data) - {"id"}:
        return _invalid(InputError(sorted(set(data) - {"id"})[0], "unknown field"))
    if not accounts.save_assessment(user, data["id"]):
        return JsonResponse({"detail": "No assessment with this id."}, status=404)
    return JsonResponse({"id": data["id"], "url": f"/a/{data['id']}/"}, status=201)


@router.get(
    "/journal/assessments",
    response={200: SavedListOut, 401: MessageOut},
    summary="The assessments saved to the account, newest first",
    tags=["journal"],
)
def list_assessments(request: HttpRequest) -> HttpResponse:
    user = account(request)
    if isinstance(user, HttpResponse):
        return user
    items = []
    for aid in accounts.saved_links(user):
        saved = store.get(aid)
        if saved is not None:
            items.append(
                {
                    "id": aid,
                    "url": f"/a/{aid}/",
                    "created_at": saved.created_at.isoformat(),
                    "triage": saved.result["triage"]["level"],
                    "pain": saved.pain_score,
                }
            )
    return JsonResponse({"items": items})


# ------------------------------------------------------------------------------ summary


def summary_for(user: Any, data: tuple[Any, list[Any], list[Any]] | None = None) -> dict[str, Any]:
    """reassess() against the latest saved assessment, with the daily and weekly series.
    `data`: (saved assessment, check-ins, ratings) when the caller has read them already."""
    saved, checkins, ratings = data or journal_data(user)
    assessment = {"input": saved.input, "result": saved.result} if saved else {}
    result = reassess(
        load_knowledge(),
        assessment,
        checkins,
        assessment_pain=saved.pain_score if saved else None,
        started=saved.created_at
        if saved and checkins and saved.created_at < checkins[0].at
        else None,
    ).to_dict()
    result["series"] = [
        {
            "day": d.day.isoformat(),
            "leg": d.leg,
            "back": d.back,
            "plan_done": d.plan_done,
            "checkins": d.checkins,
        }
        for d in daily(checkins)
    ]
    result["activities"] = {
        name: [{"week": w.isoformat(), "score": s} for w, s in weeks]
        for name, weeks in weekly_activity(ratings).items()
    }
    result["activity_mean"] = [
        {"week": w.isoformat(), "score": s} for w, s in activity_mean(ratings)
    ]
    result["assessment"] = saved.id if saved else None
    result["checkins"] = len(checkins)
    return result


def journal_data(user: Any) -> tuple[Any, list[Any], list[Any]]:
    """The latest saved assessment, the check-ins and the ratings: three small queries."""
    return (
        accounts.latest_assessment(user),
        journal_store.checkins(user),
        journal_store.ratings(user),
    )


@router.get(
    "/journal/summary",
    response={200: SummaryOut, 401: MessageOut},
    summary="Progress and reassessment",
    tags=["journal"],
)
def summary(request: HttpRequest) -> HttpResponse:
    """The reassessment (status, target, triage, see a professional and why, re-weighted
    sources) and the numbers behind the charts: ``series`` (leg and back pain per day, plan done)
    and the weekly activity scores."""
    user = account(request)
    if isinstance(user, HttpResponse):
        return user
    return JsonResponse(summary_for(user))


# ------------------------------------------------------------------------------ exports

EXPORT_DOC = {
    "responses": {
        200: {
            "description": "The journal as a download: CSV (check-ins, then weekly activity "
            "ratings), JSON (re-imports with POST /api/journal/import) or a FHIR R4 Bundle.",
            "content": {
                "text/csv": {"schema": {"type": "string"}},
                "application/json": {"schema": {"type": "object"}},
                "application/fhir+json": {"schema": {"type": "object"}},
            },
        }
    }
}


def _download(body: str | bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


def export_json(user: Any) -> dict[str, Any]:
    from paintrace.exports import journal_json

    assessments = []
    for aid in reversed(accounts.saved_links(user)):  # oldest first
        saved = store.get(aid)
        if saved is None:
            continue
        item = dict(saved.input)
        item["saved_at"] = saved.created_at.isoformat()
        if saved.pain_score is not None:
            item["pain"] = saved.pain_score
        if saved.pain_since:
            item["since"] = saved.pain_since
        assessments.append(item)
    return journal_json(assessments, journal_store.checkins(user), journal_store.ratings(user))


def export_fhir(user: Any) -> dict[str, Any]:
    from paintrace.fhir import fhir_bundle

    return fhir_bundle(
        accounts.pseudonym(user),
        journal_store.checkins(user),
        journal_store.ratings(user),
        knowledge=load_knowledge(),
    )


@router.get(
    "/journal/export",
    response={200: None, 401: MessageOut, 414: None, 422: ValidationErrorOut},
    summary="Export the journal: csv, json or fhir",
    openapi_extra=EXPORT_DOC,
    tags=["journal"],
)
def export(
    request: HttpRequest, format: str = Query("json", max_length=8, description="csv, json or fhir")
) -> HttpResponse:
    user = account(request)
    if isinstance(user, HttpResponse):
        return user
    if format == "csv":
        from paintrace.exports import journal_csv

        text = journal_csv(journal_store.checkins(user), journal_store.ratings(user))
        return _download(text, "text/csv; charset=utf-8", "paintrace-journal.csv")
    if format == "json":
        body = json.dumps(export_json(user), ensure_ascii=False, indent=1)
        return _download(body, "application/json", "paintrace-journal.json")
    if format == "fhir":
        body = json.dumps(export_fhir(user), ensure_ascii=False, indent=1)
        return _download(body, "application/fhir+json", "paintrace-fhir-bundle.json")
    return _invalid(InputError("format", "expected csv, json or fhir"))


@router.post(
    "/journal/import",
    response={201: _Open, **ERRORS},
    summary="Import a JSON export into this account",
    openapi_extra=_body(_Open, "A JSON export (GET /api/journal/export?format=json)."),
    tags=["journal"],
)
def import_journal(request: HttpRequest) -> HttpResponse:
    """Adds the export's assessments, check-ins and activity ratings to this account; every
    item is validated as new input would be, and nothing is added if one is bad (422)."""
    user = account(request)
    if isinstance(user, HttpResponse):
        return user
    data = _large_json_body(request)
    if isinstance(data, JsonResponse):
        return data
    try:
        counts = accounts.import_journal(user, data)
    except InputError as exc:
        return _invalid(exc)
    return JsonResponse(counts, status=201)


# ------------------------------------------------------------------------------ sharing


class ShareIn(Schema):
    model_config = ConfigDict(extra="forbid")
    days: int = Field(..., ge=1, le=30, description="how long the link works: 1 to 30 days")


class ShareOut(_Open):
    id: int
    url: str
    expires_at: str


class ShareListOut(_Open):
    items: list[_Open]


@router.post(
    "/journal/shares",
    response={201: ShareOut, **ERRORS},
    summary="A read-only link for a clinician",
    openapi_extra=_body(ShareIn, "How many days (1-30) the link works."),
    tags=["journal"],
)
def create_share(request: HttpRequest) -> HttpResponse:
    """The ``url`` shows the clinician summary, read-only, until it expires (410) or is
    revoked with DELETE (404). The secret in it is shown once; only its hash is stored."""
    user = account(request)
    if isinstance(user, HttpResponse):
        return user
    data = _json_body(request)
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
        return _invalid(exc)
    share, url = accounts.create_share(user, days)
    body = {"id": share.pk, "url": url, "expires_at": share.expires_at.isoformat()}
    return JsonResponse(body, status=201)


@router.get(
    "/journal/shares",
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
    response={204: None, 403: MessageOut, 429: MessageOut, **READ_ERRORS},
    summary="Revoke a share link",
    tags=["journal"],
)
def delete_share(request: HttpRequest, share_id: int) -> HttpResponse:
    user = account(request)
    if isinstance(user, HttpResponse):
        return user
    if not _valid_id(share_id) or not accounts.revoke_share(user, share_id):
        return _not_found("share link")
    return HttpResponse(status=HTTPStatus.NO_CONTENT)


# ------------------------------------------------------------------------------ reminders

ICS_DOC = {
    "responses": {
        200: {
            "description": "The saved plan's daily sessions as an iCalendar file.",
            "content": {"text/calendar": {"schema": {"type": "string"}}},
        }
    }
}


@router.get(
    "/journal/reminders.ics",
    response={200: None, 401: MessageOut, 404: MessageOut, 414: None, 422: ValidationErrorOut},
    summary="Reminders for the plan's sessions (.ics)",
    openapi_extra=ICS_DOC,
    tags=["journal"],
)
def reminders(
    request: HttpRequest,
    at: str = Query("08:00", pattern=r"^[0-2][0-9]:[0-5][0-9]$", description="HH:MM"),
    days: int = Query(14, ge=1, le=90),
) -> HttpResponse:
    """``at``: the local time of the daily session (HH:MM); ``days``: 1 to 90. 404 when no
    saved assessment has a self-care plan."""
    user = account(request)
    if isinstance(user, HttpResponse):
        return user
    text = accounts.reminders_ics(user, at, days)
    if isinstance(text, InputError):
        return _invalid(text)
    if text is None:
        return JsonResponse({"detail": "No saved assessment with a self-care plan."}, status=404)
    return _download(text, "text/calendar; charset=utf-8", "paintrace-reminders.ics")
