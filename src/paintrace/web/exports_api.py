"""The journal out and in: CSV, JSON and FHIR exports, the JSON import, plan reminders (.ics)."""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from ninja import Query, Router

from paintrace.errors import InputError
from paintrace.knowledge import load_knowledge
from paintrace.web import accounts, journal_store, store, time_zones
from paintrace.web.api_schemas import MessageOut, ValidationErrorOut
from paintrace.web.journal_http import (
    ERRORS,
    Open,
    account,
    body_doc,
    download,
    invalid,
    large_json_body,
    op,
    query_error,
)
from paintrace.web.summary_api import followed_plan

router = Router()


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
        if saved.unknown:
            item["unknown"] = list(saved.unknown)
        assessments.append(item)
    return journal_json(assessments, journal_store.checkins(user), journal_store.ratings(user))


def export_fhir(user: Any) -> dict[str, Any]:
    from paintrace.fhir import fhir_bundle

    return fhir_bundle(
        accounts.pseudonym(user),
        journal_store.checkins(user),
        journal_store.ratings(user),
        knowledge=load_knowledge(),
        tz=time_zones.zone_of(user),
    )


@router.get(
    "/journal/export",
    operation_id=op("export"),
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

        text = journal_csv(
            journal_store.checkins(user), journal_store.ratings(user), time_zones.zone_of(user)
        )
        return download(text, "text/csv; charset=utf-8", "paintrace-journal.csv")
    if format == "json":
        body = json.dumps(export_json(user), ensure_ascii=False, indent=1)
        return download(body, "application/json", "paintrace-journal.json")
    if format == "fhir":
        body = json.dumps(export_fhir(user), ensure_ascii=False, indent=1)
        return download(body, "application/fhir+json", "paintrace-fhir-bundle.json")
    return query_error("format", "expected csv, json or fhir")


@router.post(
    "/journal/import",
    operation_id=op("import_journal"),
    response={201: Open, **ERRORS},
    summary="Import a JSON export into this account",
    openapi_extra=body_doc(Open, "A JSON export (GET /api/journal/export?format=json)."),
    tags=["journal"],
)
def import_journal(request: HttpRequest) -> HttpResponse:
    """Adds the export's assessments, check-ins and activity ratings to this account; every
    item is validated as new input would be, and nothing is added if one is bad (422)."""
    user = account(request)
    if isinstance(user, HttpResponse):
        return user
    data = large_json_body(request)
    if isinstance(data, JsonResponse):
        return data
    try:
        counts = accounts.import_journal(user, data)
    except InputError as exc:
        return invalid(exc)
    return JsonResponse(counts, status=201)


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
    operation_id=op("reminders"),
    response={200: None, 401: MessageOut, 404: MessageOut, 414: None, 422: ValidationErrorOut},
    summary="Reminders for the plan's sessions (.ics)",
    openapi_extra=ICS_DOC,
    tags=["journal"],
)
def reminders(
    request: HttpRequest,
    at: str = Query("08:00", pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$", description="HH:MM"),
    days: int = Query(14, ge=1, le=90),
) -> HttpResponse:
    """``at``: the local time of the daily session (HH:MM); ``days``: how many daily sessions,
    from today in the account's zone, 1 to 90. The review event falls on the plan's review day,
    counted from the day its assessment was saved; on today, marked due, once that day has
    passed. 404 when there
    is no plan to follow: no saved assessment, a latest one without a plan or with warning-sign
    questions open, or a plan the journal paused after a warning sign at a check-in."""
    user = account(request)
    if isinstance(user, HttpResponse):
        return user
    plan, started = followed_plan(user) or (None, None)
    text = accounts.reminders_ics(plan, at, days, time_zones.zone_of(user), started, user.pk)
    if isinstance(text, InputError):
        return invalid(text)
    if text is None:
        return JsonResponse(
            {
                "detail": "There is no self-care plan to follow yet: save an assessment, answer "
                "its warning-sign questions, or see a doctor first if it or a check-in says so."
            },
            status=404,
        )
    return download(text, "text/calendar; charset=utf-8", "paintrace-reminders.ics")
