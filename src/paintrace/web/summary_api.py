"""Progress on the API: the reassessment summary, and the assessments saved to the account."""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from ninja import Router, Schema
from pydantic import ConfigDict, Field

from paintrace.errors import InputError, refuse_unknown
from paintrace.knowledge import load_knowledge
from paintrace.measures import activity_mean, daily, weekly_activity
from paintrace.plan import plan_to_show
from paintrace.reassess import Reassessment, reassess
from paintrace.web import accounts, journal_store, store, time_zones
from paintrace.web.api_schemas import MessageOut
from paintrace.web.journal_http import ERRORS, Open, account, body_doc, invalid, json_body, op

router = Router()


class SaveAssessmentIn(Schema):
    model_config = ConfigDict(extra="forbid")
    id: str = Field(..., description="the assessment's link id (POST /api/assessments)")


class SavedListOut(Open):
    items: list[Open]


class SummaryOut(Open):
    status: str
    series: list[Open]


# ------------------------------------------------------------------------------ assessments


@router.post(
    "/journal/assessments",
    operation_id=op("save_assessment"),
    response={201: Open, 404: MessageOut, **ERRORS},
    summary="Save an assessment to the account",
    openapi_extra=body_doc(
        SaveAssessmentIn, "The link id of an assessment (POST /api/assessments)."
    ),
    tags=["journal"],
)
def save_assessment(request: HttpRequest) -> HttpResponse:
    """The assessment is kept (no retention expiry) until the account or it is deleted."""
    user = account(request)
    if isinstance(user, HttpResponse):
        return user
    data = json_body(request)
    if isinstance(data, JsonResponse):
        return data
    if not isinstance(data, dict) or not isinstance(data.get("id"), str):
        return invalid(InputError("id", "required: the assessment's link id"))
    try:
        refuse_unknown(data, ("id",))
        found = accounts.save_assessment(user, data["id"])
    except InputError as exc:  # the account is full (paintrace.web.quotas)
        return invalid(exc)
    if not found:
        return JsonResponse({"detail": "No assessment with this id."}, status=404)
    return JsonResponse({"id": data["id"], "url": f"/a/{data['id']}/"}, status=201)


@router.get(
    "/journal/assessments",
    operation_id=op("list_assessments"),
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
    `data`: (saved assessment, check-ins, ratings) when the caller has read them already.
    Days are the account's own, in its zone (paintrace.web.time_zones), named in `time_zone`."""
    saved, checkins, ratings = data or journal_data(user)
    tz = time_zones.zone_of(user)
    result = _reassessment(saved, checkins, tz).to_dict()
    result["series"] = [
        {
            "day": d.day.isoformat(),
            "leg": d.leg,
            "back": d.back,
            "plan_done": d.plan_done,
            "checkins": d.checkins,
        }
        for d in daily(checkins, tz)
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
    result["time_zone"] = tz.key
    return result


def _reassessment(saved: Any, checkins: list[Any], tz: tzinfo = UTC) -> Reassessment:
    """`tz` only moves days (the series, the last check-in's day); whether the plan is paused
    is the same in every zone, so plan_to_follow leaves it out."""
    assessment = {"input": saved.input, "result": saved.result} if saved else {}
    return reassess(
        load_knowledge(),
        assessment,
        checkins,
        assessment_pain=saved.pain_score if saved else None,
        started=saved.created_at
        if saved and checkins and saved.created_at < checkins[0].at
        else None,
        tz=tz,
    )


def plan_to_follow(user: Any) -> dict[str, Any] | None:
    """The plan the journal offers (the check-in's muscles): see followed_plan."""
    followed = followed_plan(user)
    return followed[0] if followed else None


def followed_plan(user: Any) -> tuple[dict[str, Any], datetime] | None:
    """The plan the journal offers (the reminders, the check-in's muscles) and when it started
    (its assessment was saved; the reminders count the review day from there): the latest saved
    assessment's, only where it may be followed (plan_to_show), and not while the journal has
    paused it because a check-in reported a warning sign. An older plan never stands in for a
    newer result that has none."""
    saved = accounts.latest_assessment(user)
    plan = plan_to_show(saved.result) if saved else None
    # the pause is the reassessment's alone: no ratings, series or charts are needed for it
    if (
        saved is None
        or plan is None
        or _reassessment(saved, journal_store.checkins(user)).plan_paused
    ):
        return None
    return plan, saved.created_at


def journal_data(user: Any) -> tuple[Any, list[Any], list[Any]]:
    """The latest saved assessment, the check-ins and the ratings: three small queries."""
    return (
        accounts.latest_assessment(user),
        journal_store.checkins(user),
        journal_store.ratings(user),
    )


@router.get(
    "/journal/summary",
    operation_id=op("summary"),
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
