"""Outcome measures: the minimal important change and daily and weekly series."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from paintrace.journal import ActivityRating, CheckIn
from paintrace.measures import (
    activity_mean,
    daily,
    important_drop,
    improved,
    recent_level,
    weekly_activity,
)

T0 = datetime(2026, 11, 1, 9, tzinfo=UTC)


def test_the_important_change_is_two_points_or_thirty_percent():
    assert important_drop(8) == 2  # 30 % would be 2.4: two points come first
    assert important_drop(5) == 1.5  # 30 % of 5
    assert important_drop(2) == 1  # never less than one point
    assert improved(8, 6) and not improved(8, 6.5)
    assert improved(5, 3.5) and not improved(5, 4)


@given(st.floats(0, 10), st.floats(0, 10), st.floats(0, 10))
def test_lower_pain_never_turns_improvement_off(baseline, a, b):
    low, high = min(a, b), max(a, b)
    if improved(baseline, high):
        assert improved(baseline, low)


def test_daily_means_and_plan_days():
    checkins = [
        CheckIn(T0, 6, 2),
        CheckIn(T0 + timedelta(hours=8), 4, 2, massaged=("piriformis",)),
        CheckIn(T0 + timedelta(days=2), 3, 1),
    ]
    days = daily(checkins)
    assert [(d.day.day, d.leg, d.plan_done, d.checkins) for d in days] == [
        (1, 5.0, True, 2),
        (3, 3.0, None, 1),  # nothing said about the plan: unknown
    ]
    assert recent_level(days, span=2) == 4.0


def test_a_day_with_nothing_recorded_about_the_plan_is_unknown_not_no():
    days = daily(
        [
            CheckIn(T0, 6, 2),  # nothing ticked, minutes blank
            CheckIn(T0 + timedelta(days=1), 6, 2, minutes=0),  # "0 minutes" typed
            CheckIn(T0 + timedelta(days=2), 6, 2, minutes=0),
            CheckIn(T0 + timedelta(days=2, hours=5), 6, 2, stretched=("piriformis",)),
        ]
    )
    assert [d.plan_done for d in days] == [None, False, True]


def test_weekly_activity_keeps_the_latest_rating_of_a_week():
    week = date(2026, 11, 30)
    ratings = [
        ActivityRating("walking", week, 3),
        ActivityRating("walking", week, 5),
        ActivityRating("sitting", week, 2),
        ActivityRating("walking", week + timedelta(days=7), 7),
    ]
    assert weekly_activity(ratings)["walking"] == [(week, 5), (week + timedelta(days=7), 7)]
    assert activity_mean(ratings) == [(week, 3.5), (week + timedelta(days=7), 7.0)]
