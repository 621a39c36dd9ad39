"""An account's time zone on the API: chosen at sign-up or later, read back, refused when
unknown; and the journal's days (the summary, this week's rating, the exports, the reminders)
are the account's own days in that zone."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from django.test import Client

from paintrace.web.models import AccountPreferences

from .test_journal_api import PASSWORD, Bearer, assessment_id

pytestmark = pytest.mark.django_db

# Monday 2 March 2026, 8 am and 6 pm in Sydney (UTC+11): the morning is still Sunday in UTC.
SYDNEY_MORNING = "2026-03-01T21:00:00Z"
SYDNEY_EVENING = "2026-03-02T07:00:00Z"


def sign_up(username: str, time_zone: str | None = None) -> Bearer:
    anon = Bearer(Client(), None)
    body = {"username": username, "password": PASSWORD}
    if time_zone is not None:
        body["time_zone"] = time_zone
    r = anon.post("/api/accounts", body)
    assert r.status_code == 201, r.content
    assert r.json()["time_zone"] == (time_zone or "UTC")
    r = anon.post("/api/auth/token", {"username": username, "password": PASSWORD})
    return Bearer(anon.client, r.json()["token"])


@pytest.fixture
def frozen_now(freeze_clock: Callable[[datetime], datetime]) -> datetime:
    """Today's date as the journal works it out (paintrace.zones), held at a Sunday 9:30 pm
    UTC: Monday morning in Sydney, Sunday afternoon in Los Angeles."""
    return freeze_clock(datetime(2026, 3, 1, 21, 30, tzinfo=UTC))


def test_sign_up_with_a_zone_keeps_it_and_me_reads_it() -> None:
    sydney = sign_up("sam", "Australia/Sydney")
    r = sydney.get("/api/accounts/me")
    assert r.status_code == 200
    assert r.json() == {"id": r.json()["id"], "username": "sam", "time_zone": "Australia/Sydney"}
    assert sign_up("una").get("/api/accounts/me").json()["time_zone"] == "UTC"


def test_an_account_without_a_choice_follows_the_setting(settings: Any) -> None:
    plain = sign_up("una")
    settings.PAINTRACE_TIME_ZONE = "Europe/Berlin"
    assert plain.get("/api/accounts/me").json()["time_zone"] == "Europe/Berlin"


def test_an_unknown_zone_at_sign_up_is_a_422_and_makes_no_account() -> None:
    from django.contrib.auth import get_user_model

    anon = Bearer(Client(), None)
    body = {"username": "mars", "password": PASSWORD, "time_zone": "Mars/Olympus_Mons"}
    r = anon.post("/api/accounts", body)
    assert r.status_code == 422
    (error,) = r.json()["detail"]
    assert error["loc"] == ["body", "time_zone"] and "unknown time zone" in error["msg"]
    assert not get_user_model().objects.filter(username="mars").exists()
    # the log-in takes no zone
    login = {"username": "x", "password": PASSWORD, "time_zone": "UTC"}
    assert anon.post("/api/auth/token", login).status_code == 422


def test_the_zone_can_be_changed_and_an_unknown_one_changes_nothing() -> None:
    user = sign_up("sam", "Australia/Sydney")
    r = user.patch("/api/accounts/me", {"time_zone": "America/Los_Angeles"})
    assert r.status_code == 200 and r.json()["time_zone"] == "America/Los_Angeles"
    for body, loc in [
        ({"time_zone": "Europe/Nowhere"}, ["body", "time_zone"]),
        ({"time_zone": None}, ["body", "time_zone"]),
        ({"username": "other"}, ["body", "username"]),
    ]:
        r = user.patch("/api/accounts/me", body)
        assert r.status_code == 422 and r.json()["detail"][0]["loc"] == loc, r.content
    assert user.get("/api/accounts/me").json()["time_zone"] == "America/Los_Angeles"
    assert user.patch("/api/accounts/me", {}).status_code == 200
    anon = Bearer(Client(), None)
    assert anon.get("/api/accounts/me").status_code == 401
    assert anon.patch("/api/accounts/me", {"time_zone": "UTC"}).status_code == 401


def test_deleting_the_account_deletes_its_zone() -> None:
    user = sign_up("sam", "Australia/Sydney")
    assert AccountPreferences.objects.count() == 1
    assert user.delete("/api/accounts/me").status_code == 204
    assert AccountPreferences.objects.count() == 0


def two_checkins(user: Bearer) -> None:
    for at, leg in ((SYDNEY_MORNING, 6), (SYDNEY_EVENING, 4)):
        body = {"leg_pain": leg, "back_pain": 2, "at": at}
        assert user.post("/api/journal/entries", body).status_code == 201


def test_the_summary_counts_the_accounts_days() -> None:
    sydney = sign_up("sam", "Australia/Sydney")
    two_checkins(sydney)
    summary = sydney.get("/api/journal/summary").json()
    assert [(d["day"], d["leg"], d["checkins"]) for d in summary["series"]] == [
        ("2026-03-02", 5.0, 2)
    ]
    assert summary["last_checkin"] == "2026-03-02"
    assert summary["time_zone"] == "Australia/Sydney"

    utc = sign_up("una")
    two_checkins(utc)
    series = utc.get("/api/journal/summary").json()["series"]
    assert [(d["day"], d["checkins"]) for d in series] == [("2026-03-01", 1), ("2026-03-02", 1)]

    # changing the zone moves no stored time, only the days they fall on
    utc.patch("/api/accounts/me", {"time_zone": "Australia/Sydney"})
    assert utc.get("/api/journal/summary").json()["series"] == summary["series"]
    entries = utc.get("/api/journal/entries").json()["items"]
    assert [e["at"] for e in entries] == ["2026-03-01T21:00:00+00:00", "2026-03-02T07:00:00+00:00"]


def test_this_weeks_rating_is_the_accounts_week(frozen_now: datetime) -> None:
    rating = {"activity": "walking", "score": 5}
    sydney = sign_up("sam", "Australia/Sydney")
    assert sydney.post("/api/journal/activities", rating).json()["week"] == "2026-03-02"
    los_angeles = sign_up("lou", "America/Los_Angeles")
    assert los_angeles.post("/api/journal/activities", rating).json()["week"] == "2026-02-23"


def test_the_csv_day_is_the_accounts_day_and_fhir_keeps_the_offset() -> None:
    sydney = sign_up("sam", "Australia/Sydney")
    two_checkins(sydney)
    r = sydney.get("/api/journal/export?format=csv")
    rows = list(csv.DictReader(io.StringIO(r.content.decode())))
    assert [(row["day"], row["at"]) for row in rows[:2]] == [
        ("2026-03-02", "2026-03-02T08:00:00+11:00"),
        ("2026-03-02", "2026-03-02T18:00:00+11:00"),
    ]
    bundle = json.loads(sydney.get("/api/journal/export?format=fhir").content)
    authored = [
        e["resource"]["authored"]
        for e in bundle["entry"]
        if e["resource"]["resourceType"] == "QuestionnaireResponse"
    ]
    assert authored == ["2026-03-02T08:00:00+11:00", "2026-03-02T18:00:00+11:00"]
    # the JSON export, for machines, stays in UTC
    data = json.loads(sydney.get("/api/journal/export?format=json").content)
    assert [c["at"] for c in data["checkins"]] == [
        "2026-03-01T21:00:00+00:00",
        "2026-03-02T07:00:00+00:00",
    ]


def test_reminders_start_on_the_accounts_today(
    frozen_now: datetime, vignette: dict[str, Any]
) -> None:
    from paintrace.knowledge import load_knowledge
    from paintrace.triage import open_red_flags

    answered = {**vignette, "findings": dict(vignette["findings"])}
    for fid in open_red_flags(load_knowledge(), vignette["drawing"], vignette["findings"]):
        answered["findings"][fid] = False
    starts = {}
    for name, zone in (("sam", "Australia/Sydney"), ("lou", "America/Los_Angeles")):
        user = sign_up(name, zone)
        assert user.post("/api/journal/assessments", {"id": assessment_id(answered)}).status_code
        r = user.get("/api/journal/reminders.ics?at=07:30")
        assert r.status_code == 200, r.content
        starts[zone] = next(
            line for line in r.content.decode().splitlines() if line.startswith("DTSTART:")
        )
    assert starts == {
        "Australia/Sydney": "DTSTART:20260302T073000",
        "America/Los_Angeles": "DTSTART:20260301T073000",
    }


def test_the_reminders_keep_their_ids_when_the_zone_changes(
    frozen_now: datetime, vignette: dict[str, Any]
) -> None:
    """The local day the plan started moves with the zone; the events' ids must not, or a new
    download would add a second set to the person's calendar."""
    from paintrace.knowledge import load_knowledge
    from paintrace.triage import open_red_flags

    answered = {**vignette, "findings": dict(vignette["findings"])}
    for fid in open_red_flags(load_knowledge(), vignette["drawing"], vignette["findings"]):
        answered["findings"][fid] = False
    user = sign_up("sam", "Australia/Sydney")
    assert user.post("/api/journal/assessments", {"id": assessment_id(answered)}).status_code

    def uids() -> list[str]:
        body = user.get("/api/journal/reminders.ics").content.decode()
        return [line for line in body.splitlines() if line.startswith("UID:")]

    before = uids()
    assert user.patch("/api/accounts/me", {"time_zone": "America/Los_Angeles"}).status_code == 200
    assert uids() == before and len(before) == 2
    other = sign_up("lou", "Australia/Sydney")
    assert other.post("/api/journal/assessments", {"id": assessment_id(answered)}).status_code
    body = other.get("/api/journal/reminders.ics").content.decode()
    assert not set(before) & {line for line in body.splitlines() if line.startswith("UID:")}


def _ics_dates(body: bytes) -> dict[str, str]:
    """The routine's first session and the review day of a reminders file, with its review
    event's title."""
    text = body.decode()
    review = text.split("BEGIN:VEVENT")[2]
    return {
        "routine": next(ln for ln in text.splitlines() if ln.startswith("DTSTART:"))[8:],
        "review": next(ln for ln in review.splitlines() if ln.startswith("DTSTART;")).split(":")[1],
        "title": next(ln for ln in review.splitlines() if ln.startswith("SUMMARY:"))[8:],
    }


@pytest.mark.parametrize(
    ("saved_at", "review", "title"),
    [
        # saved at 8 pm on 20 February in Sydney (9 am UTC): the plan's day 0 is the 20th there
        (datetime(2026, 2, 20, 9, 0, tzinfo=UTC), "20260306", "Review: is the leg pain"),
        # saved on 10 February: its review day, the 24th, has passed; the review is due today
        (datetime(2026, 2, 10, 9, 0, tzinfo=UTC), "20260302", "Review due now: is the leg"),
    ],
)
def test_the_reminders_review_counts_from_the_plans_start_not_the_download(
    frozen_now: datetime, vignette: dict[str, Any], saved_at: datetime, review: str, title: str
) -> None:
    """Downloaded on day 10 of a 14-day plan, the review stays on day 14 (not day 24); the
    daily routine still starts today, where the person is."""
    from paintrace.knowledge import load_knowledge
    from paintrace.triage import open_red_flags
    from paintrace.web.models import Assessment

    answered = {**vignette, "findings": dict(vignette["findings"])}
    for fid in open_red_flags(load_knowledge(), vignette["drawing"], vignette["findings"]):
        answered["findings"][fid] = False
    user = sign_up("sam", "Australia/Sydney")
    assert user.post("/api/journal/assessments", {"id": assessment_id(answered)}).status_code
    Assessment.objects.update(created_at=saved_at)
    r = user.get("/api/journal/reminders.ics?at=07:30")
    assert r.status_code == 200, r.content
    dates = _ics_dates(r.content)
    assert dates["routine"] == "20260302T073000"  # today in Sydney
    assert dates["review"] == review and dates["title"].startswith(title)


def test_the_schema_of_a_change_says_what_the_api_takes() -> None:
    """PATCH /api/accounts/me changes only what it is sent: {} is a 200 that changes nothing
    (above), so time_zone is not required; null is a 422, so it is a string, never null."""
    from paintrace.web.api import api

    patch = api.get_openapi_schema()["paths"]["/api/accounts/me"]["patch"]
    schema = patch["requestBody"]["content"]["application/json"]["schema"]
    assert "required" not in schema and schema["additionalProperties"] is False
    field = schema["properties"]["time_zone"]
    assert field["type"] == "string" and "anyOf" not in field and field.get("default") is None
    assert "default" not in field
