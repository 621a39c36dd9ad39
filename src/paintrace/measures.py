"""Outcome measures that are free to use: pain ratings, the minimal important change, trends.

Numeric pain ratings (0 to 10) are public domain. A change is called important when pain falls by
at least two points or by at least 30 % of where it started (whichever comes first), and by at
least one point: the thresholds an international consensus recommends for back pain [J1] and
that match what patients call "much better" [P14][P15]. The activity scale is the person's own
(see journal.py), scored the way patient-specific scales are: the mean of their activities [P12].
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, tzinfo

from paintrace.journal import ActivityRating, CheckIn
from paintrace.zones import local_day

MIC_POINTS = 2.0
MIC_FRACTION = 0.30
MIC_FLOOR = 1.0
# Days without a check-in after which how the pain is now is not known: the reassessment says
# "stale" rather than give a verdict, and the pain chart breaks its lines across such a gap.
STALE_DAYS = 7


def important_drop(baseline: float) -> float:
    """How far pain must fall from `baseline` to be an important improvement."""
    return max(MIC_FLOOR, min(MIC_POINTS, MIC_FRACTION * baseline))


def improved(baseline: float, current: float) -> bool:
    return baseline - current >= important_drop(baseline) - 1e-9


def worsened(baseline: float, current: float) -> bool:
    """The same size of change, the other way."""
    return current - baseline >= max(MIC_FLOOR, min(MIC_POINTS, MIC_FRACTION * max(baseline, 1)))


@dataclass(frozen=True)
class Day:
    day: date
    leg: float  # the mean of the day's check-ins
    back: float
    plan_done: bool | None  # None: nobody said
    checkins: int


def _any_known(answers: Iterable[bool | None]) -> bool | None:
    """True if any is True; else False if any is False; else None."""
    seen = set(answers)
    return True if True in seen else False if False in seen else None


def daily(checkins: Iterable[CheckIn], tz: tzinfo = UTC) -> list[Day]:
    """One point per day with a check-in, oldest first. A day is the person's calendar day in
    `tz`: the morning and the evening check-in of one Sydney Monday are one day, not two."""
    by_day: dict[date, list[CheckIn]] = {}
    for c in checkins:
        by_day.setdefault(local_day(c.at, tz), []).append(c)
    out = []
    for day in sorted(by_day):
        items = by_day[day]
        out.append(
            Day(
                day=day,
                leg=round(sum(c.leg_pain for c in items) / len(items), 2),
                back=round(sum(c.back_pain for c in items) / len(items), 2),
                plan_done=_any_known(c.did_plan for c in items),
                checkins=len(items),
            )
        )
    return out


def recent_level(days: Sequence[Day], span: int = 3) -> float | None:
    """Leg pain now: the mean of the last `span` days with a check-in (one bad day is noise)."""
    if not days:
        return None
    last = days[-span:]
    return round(sum(d.leg for d in last) / len(last), 2)


def baseline_level(days: Sequence[Day], assessment_pain: float | None = None) -> float | None:
    """Where it started: the pain given with the assessment, else the first check-in."""
    if assessment_pain is not None:
        return float(assessment_pain)
    return days[0].leg if days else None


def weekly_activity(ratings: Iterable[ActivityRating]) -> dict[str, list[tuple[date, int]]]:
    """Activity -> [(week, score)], weeks in order; a later rating of a week replaces it."""
    out: dict[str, dict[date, int]] = {}
    for r in ratings:
        out.setdefault(r.activity, {})[r.week] = r.score
    return {name: sorted(weeks.items()) for name, weeks in out.items()}


def activity_mean(ratings: Iterable[ActivityRating]) -> list[tuple[date, float]]:
    """The person's activity score per week: the mean over their activities rated that week."""
    per_week: dict[date, list[int]] = {}
    for weeks in weekly_activity(ratings).values():
        for week, score in weeks:
            per_week.setdefault(week, []).append(score)
    return [(w, round(sum(s) / len(s), 2)) for w, s in sorted(per_week.items())]
