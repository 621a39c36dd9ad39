"""A day in the journal is the person's calendar day, in their time zone, and UTC when no zone
is given (the command line, and every caller from before zones, see exactly what they saw)."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from paintrace.charts import region_intensities
from paintrace.errors import InputError
from paintrace.exports import journal_csv
from paintrace.fhir import fhir_bundle
from paintrace.journal import CheckIn, parse_activity
from paintrace.knowledge import load_knowledge
from paintrace.measures import daily
from paintrace.reassess import reassess
from paintrace.zones import day_start, local_day, local_today, zone, zone_names

KB = load_knowledge()
SYDNEY = ZoneInfo("Australia/Sydney")
LOS_ANGELES = ZoneInfo("America/Los_Angeles")
BERLIN = ZoneInfo("Europe/Berlin")


def local(tz: ZoneInfo, *parts: int) -> datetime:
    """A wall-clock time in `tz`, as the journal stores it: in UTC."""
    return datetime(*parts, tzinfo=tz).astimezone(UTC)


# Monday 2 March 2026 in Sydney (summer time, UTC+11): 8 am is still Sunday in UTC.
SYDNEY_MORNING = CheckIn(local(SYDNEY, 2026, 3, 2, 8, 0), 6, 2)
SYDNEY_EVENING = CheckIn(local(SYDNEY, 2026, 3, 2, 18, 0), 4, 2, minutes=10)


def test_a_sydney_morning_and_evening_are_one_day():
    assert SYDNEY_MORNING.at.date() == date(2026, 3, 1)  # the UTC day: the bug
    assert SYDNEY_EVENING.at.date() == date(2026, 3, 2)
    days = daily([SYDNEY_MORNING, SYDNEY_EVENING], SYDNEY)
    assert [(d.day, d.leg, d.checkins, d.plan_done) for d in days] == [
        (date(2026, 3, 2), 5.0, 2, True)
    ]


def test_without_a_zone_days_are_utc_days_as_before():
    days = daily([SYDNEY_MORNING, SYDNEY_EVENING])
    assert [(d.day, d.leg) for d in days] == [(date(2026, 3, 1), 6.0), (date(2026, 3, 2), 4.0)]
    assert daily([SYDNEY_MORNING, SYDNEY_EVENING], UTC) == days


@given(
    st.lists(
        st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2030, 1, 1)),
        max_size=8,
    )
)
def test_no_zone_groups_exactly_by_the_stored_utc_date(times):
    checkins = [CheckIn(t.replace(tzinfo=UTC), 5, 2) for t in times]
    assert [d.day for d in daily(checkins)] == sorted({t.date() for t in times})


def test_a_los_angeles_evening_counts_for_that_day_not_tomorrow():
    seven_pm = CheckIn(local(LOS_ANGELES, 2026, 3, 2, 19, 0), 5, 2)
    assert seven_pm.at.date() == date(2026, 3, 3)  # already tomorrow in UTC
    assert [d.day for d in daily([seven_pm], LOS_ANGELES)] == [date(2026, 3, 2)]
    assert local_day(seven_pm.at, LOS_ANGELES) == date(2026, 3, 2)


@pytest.mark.parametrize(
    ("day", "hours"),
    [
        (date(2026, 3, 29), 23),  # clocks go forward at 2 am: a 23-hour day
        (date(2026, 10, 25), 25),  # clocks go back at 3 am: a 25-hour day
    ],
)
def test_a_day_when_the_clocks_change_is_still_one_day(day, hours):
    just_after_midnight = local(BERLIN, day.year, day.month, day.day, 0, 30)
    just_before_midnight = local(BERLIN, day.year, day.month, day.day, 23, 30)
    assert just_before_midnight - just_after_midnight == timedelta(hours=hours - 1)
    next_day = local(BERLIN, day.year, day.month, day.day + 1, 0, 30)
    checkins = [CheckIn(t, 5, 2) for t in (just_after_midnight, just_before_midnight, next_day)]
    days = daily(checkins, BERLIN)
    assert [(d.day, d.checkins) for d in days] == [(day, 2), (day + timedelta(days=1), 1)]
    # in UTC the first falls on the day before, and the last on the day itself
    before = day - timedelta(days=1)
    assert [(d.day, d.checkins) for d in daily(checkins)] == [(before, 1), (day, 2)]


def test_this_weeks_rating_is_filed_under_the_local_monday():
    # Monday 8:30 am in Sydney is still Sunday in UTC, the last day of the week before.
    monday_morning = local(SYDNEY, 2026, 3, 2, 8, 30)
    rating = parse_activity({"activity": "walking", "score": 5}, now=monday_morning, tz=SYDNEY)
    assert rating.week == date(2026, 3, 2)
    before = parse_activity({"activity": "walking", "score": 5}, now=monday_morning)
    assert before.week == date(2026, 2, 23)  # no zone: the UTC week, as before
    # Sunday 5 pm in Los Angeles is Monday in UTC: still the week that began on the 23rd.
    sunday = local(LOS_ANGELES, 2026, 3, 1, 17, 0)
    assert parse_activity({"activity": "walking", "score": 5}, now=sunday, tz=LOS_ANGELES).week == (
        date(2026, 2, 23)
    )


def test_today_is_where_the_person_is():
    now = datetime(2026, 3, 1, 21, 30, tzinfo=UTC)
    assert local_today(SYDNEY, now) == date(2026, 3, 2)
    assert local_today(LOS_ANGELES, now) == date(2026, 3, 1)
    assert local_today(now=now) == date(2026, 3, 1)


def test_the_last_check_in_is_the_persons_day():
    later = datetime(2026, 3, 3, tzinfo=UTC)
    sydney = reassess(KB, {}, [SYDNEY_MORNING], now=later, tz=SYDNEY)
    assert sydney.last_checkin == date(2026, 3, 2)
    assert reassess(KB, {}, [SYDNEY_MORNING], now=later).last_checkin == date(2026, 3, 1)
    # elapsed time is the same in every zone
    assert sydney.days == reassess(KB, {}, [SYDNEY_MORNING], now=later).days


def test_the_csv_day_is_local_and_its_time_keeps_the_instant():
    rows = list(csv.DictReader(io.StringIO(journal_csv([SYDNEY_MORNING], tz=SYDNEY))))
    assert rows[0]["day"] == "2026-03-02"
    assert rows[0]["at"] == "2026-03-02T08:00:00+11:00"
    assert datetime.fromisoformat(rows[0]["at"]) == SYDNEY_MORNING.at
    utc = list(csv.DictReader(io.StringIO(journal_csv([SYDNEY_MORNING]))))
    assert (utc[0]["at"], utc[0]["day"]) == ("2026-03-01T21:00:00+00:00", "2026-03-01")


def test_fhir_times_carry_the_local_offset_and_keep_their_ids():
    now = datetime(2026, 3, 3, tzinfo=UTC)
    sydney = fhir_bundle("p", [SYDNEY_MORNING], knowledge=KB, now=now, tz=SYDNEY)
    utc = fhir_bundle("p", [SYDNEY_MORNING], knowledge=KB, now=now)
    times = [
        e["resource"].get("effectiveDateTime") or e["resource"].get("authored")
        for e in sydney["entry"]
        if e["resource"]["resourceType"] in ("Observation", "QuestionnaireResponse")
    ]
    assert times and set(times) == {"2026-03-02T08:00:00+11:00"}
    assert [e["fullUrl"] for e in sydney["entry"]] == [e["fullUrl"] for e in utc["entry"]]
    assert "2026-03-01T21:00:00+00:00" in str(utc)


def test_a_place_marked_morning_and_evening_was_marked_on_one_day():
    marked = [
        CheckIn(SYDNEY_MORNING.at, 6, 2, regions={"right.buttock-center": 6}),
        CheckIn(SYDNEY_EVENING.at, 4, 2, regions={"right.buttock-center": 4}),
    ]
    assert region_intensities(marked, tz=SYDNEY) == [("right.buttock-center", 1, 5.0, 6)]
    assert region_intensities(marked) == [("right.buttock-center", 2, 5.0, 6)]  # two UTC days


def test_zone_names_are_iana_places():
    names = zone_names()
    assert list(names) == sorted(names)
    assert {"Australia/Sydney", "America/Los_Angeles", "Europe/Berlin", "UTC"} <= set(names)
    assert not {"localtime", "posixrules", "Factory"} & set(names)
    assert zone("Australia/Sydney") == SYDNEY


@pytest.mark.parametrize(
    "name", ["Mars/Olympus_Mons", "europe/berlin", "Europe", "../etc/passwd", "", None, 3]
)
def test_an_unknown_zone_is_bad_input(name):
    with pytest.raises(InputError) as info:
        zone(name)
    assert info.value.field == "time_zone" and "Europe/Berlin" in info.value.message


def test_a_day_starts_at_midnight_or_at_the_first_time_it_has() -> None:
    sydney = ZoneInfo("Australia/Sydney")
    assert day_start(date(2026, 3, 2), sydney) == datetime(2026, 3, 1, 13, tzinfo=UTC)
    assert day_start(date(2026, 3, 2)) == datetime(2026, 3, 2, tzinfo=UTC)
    # Santiago moves its clocks from midnight to 1 am on 7 September 2025
    santiago = ZoneInfo("America/Santiago")
    start = day_start(date(2025, 9, 7), santiago)
    assert start.astimezone(santiago).hour == 1
    assert local_day(start - timedelta(seconds=1), santiago) == date(2025, 9, 6)
