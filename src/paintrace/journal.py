"""The recovery journal: daily check-ins and weekly activity ratings, validated like an assessment.

A check-in is meant to take under thirty seconds: leg and back pain from 0 to 10, and, only if
the person wants, where it hurts today, what they did from the plan, how it felt right after,
whether sleep was disturbed and a note. Every check-in carries the short warning-sign re-screen,
because a plan that was safe last week may not be safe today. The activity scale is the person's
own: up to three activities they find hard, each rated weekly from 0 ("I cannot do it") to 10
("as well as before the pain"), in the app's own wording; no licensed questionnaire is copied.

Everything here is plain data with a parser that names the bad field (`InputError`), so the
CLI, the API and the pages accept and refuse exactly the same things.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Any, Literal

from paintrace.errors import InputError, refuse_unknown
from paintrace.knowledge.schema import Knowledge
from paintrace.typed_text import refuse_nul
from paintrace.zones import local_today

FeltAfter = Literal["better", "same", "worse"]
FELT_AFTER: tuple[FeltAfter, ...] = ("better", "same", "worse")
MAX_NOTE = 2000
MAX_ACTIVITIES = 3
MAX_ACTIVITY_NAME = 80
MAX_MINUTES = 600

#: The warning signs asked again at every check-in. Each one alone is enough to change the
#: triage level, so a "yes" always escalates and pauses the plan.
RESCREEN: tuple[str, ...] = (
    "saddle-numbness",
    "bladder-dysfunction",
    "bowel-dysfunction",
    "new-bilateral-leg-symptoms",
    "progressive-weakness",
    "foot-drop",
    "fever",
    "calf-swelling-warmth",
    "breathless-or-chest-pain",
)


@dataclass(frozen=True)
class CheckIn:
    at: datetime
    leg_pain: int
    back_pain: int
    note: str = ""
    regions: Mapping[str, int] = field(default_factory=dict)  # region id -> intensity 1-10
    massaged: tuple[str, ...] = ()  # muscle source ids worked on
    stretched: tuple[str, ...] = ()  # muscle source ids stretched
    minutes: int | None = None  # None: not given, which is not "none"
    felt_after: FeltAfter | None = None  # how it felt right after the routine
    sleep_disturbed: bool | None = None
    red_flags: Mapping[str, bool] = field(default_factory=dict)  # the re-screen's answers
    new_numbness: bool | None = None  # numbness that was not there at the assessment
    new_weakness: bool | None = None

    @property
    def did_plan(self) -> bool | None:
        """True when something was done, False only for a typed "0 minutes", else unknown:
        nothing ticked and the minutes left blank is what most people send on a busy day."""
        if self.massaged or self.stretched or self.minutes:
            return True
        return False if self.minutes == 0 else None

    @property
    def warning_signs(self) -> list[str]:
        return [fid for fid, value in self.red_flags.items() if value]

    def to_dict(self) -> dict[str, Any]:
        return {
            "at": self.at.isoformat(),
            "leg_pain": self.leg_pain,
            "back_pain": self.back_pain,
            "note": self.note,
            "regions": dict(self.regions),
            "massaged": list(self.massaged),
            "stretched": list(self.stretched),
            "minutes": self.minutes,
            "felt_after": self.felt_after,
            "sleep_disturbed": self.sleep_disturbed,
            "red_flags": dict(self.red_flags),
            "new_numbness": self.new_numbness,
            "new_weakness": self.new_weakness,
        }


@dataclass(frozen=True)
class ActivityRating:
    activity: str
    week: date  # the Monday of the week rated
    score: int  # 0 cannot do it .. 10 as well as before the pain

    def to_dict(self) -> dict[str, Any]:
        return {"activity": self.activity, "week": self.week.isoformat(), "score": self.score}


_CHECKIN_KEYS = {
    "at",
    "leg_pain",
    "back_pain",
    "note",
    "regions",
    "massaged",
    "stretched",
    "minutes",
    "felt_after",
    "sleep_disturbed",
    "red_flags",
    "new_numbness",
    "new_weakness",
    "id",
}


def _score(data: Mapping[str, Any], key: str, *, required: bool) -> int | None:
    value = data.get(key)
    if value is None:
        if required:
            raise InputError(key, "required: a whole number from 0 to 10")
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 10:
        raise InputError(key, "expected a whole number from 0 to 10")
    return value


def _optional_bool(data: Mapping[str, Any], key: str) -> bool | None:
    value = data.get(key)
    if value is not None and not isinstance(value, bool):
        raise InputError(key, "expected true, false or null")
    return value


def parse_time(value: Any, where: str, now: datetime | None = None) -> datetime:
    """An ISO 8601 time; without a zone it is taken as UTC. Not in the future, not before 2000."""
    now = now or datetime.now(UTC)
    if not isinstance(value, str):
        raise InputError(where, "expected an ISO 8601 date and time, e.g. 2026-12-04T08:30:00Z")
    try:
        at = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as exc:
        raise InputError(where, f"not an ISO 8601 date and time: {exc}") from exc
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    if at > now + timedelta(minutes=5):
        raise InputError(where, "lies in the future")
    if at.year < 2000:
        raise InputError(where, "before the year 2000")
    return at.astimezone(UTC)


def _muscles(data: Mapping[str, Any], key: str, knowledge: Knowledge) -> tuple[str, ...]:
    value = data.get(key) or []
    if not isinstance(value, list):
        raise InputError(key, "expected a list of muscle ids")
    out = []
    for sid in value:
        source = knowledge.sources.get(sid) if isinstance(sid, str) else None
        if source is None or source.kind != "muscle":
            raise InputError(f"{key}.{sid}", "not a muscle id (see `paintrace sources`)")
        out.append(sid)
    return tuple(dict.fromkeys(out))


def parse_checkin(
    data: Any, knowledge: Knowledge, *, now: datetime | None = None, partial: bool = False
) -> CheckIn | dict[str, Any]:
    """Validate one check-in. With `partial`, return only the validated fields given (PATCH)."""
    if not isinstance(data, Mapping):
        raise InputError("(root)", "expected a JSON object with leg_pain and back_pain")
    refuse_unknown(data, _CHECKIN_KEYS)
    fields: dict[str, Any] = {}
    for key in ("leg_pain", "back_pain"):
        score = _score(data, key, required=not partial)
        if score is not None:
            fields[key] = score
    if "at" in data and data["at"] is not None:
        fields["at"] = parse_time(data["at"], "at", now)
    if "note" in data:
        note = data["note"] if data["note"] is not None else ""
        if not isinstance(note, str):
            raise InputError("note", "expected text")
        if len(note) > MAX_NOTE:
            raise InputError("note", f"longer than {MAX_NOTE} characters")
        refuse_nul(note, "note")
        fields["note"] = note
    if "regions" in data:
        regions = data["regions"] or {}
        if not isinstance(regions, Mapping):
            raise InputError("regions", "expected an object mapping region ids to 1-10")
        clean: dict[str, int] = {}
        for rid, value in regions.items():
            if rid not in knowledge.regions:
                raise InputError(f"regions.{rid}", "unknown region id (see `paintrace regions`)")
            if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 10:
                raise InputError(f"regions.{rid}", "expected an intensity from 1 to 10")
            clean[rid] = value
        fields["regions"] = clean
    for key in ("massaged", "stretched"):
        if key in data:
            fields[key] = _muscles(data, key, knowledge)
    if "minutes" in data:
        minutes = data["minutes"]
        if minutes is None:
            fields["minutes"] = None
        elif isinstance(minutes, bool) or not isinstance(minutes, int):
            raise InputError("minutes", "expected a whole number of minutes or null")
        elif not 0 <= minutes <= MAX_MINUTES:
            raise InputError("minutes", f"expected 0 to {MAX_MINUTES}")
        else:
            fields["minutes"] = minutes
    if "felt_after" in data:  # null takes an answer back to "not said"
        if data["felt_after"] is not None and data["felt_after"] not in FELT_AFTER:
            raise InputError("felt_after", f"expected one of {list(FELT_AFTER)} or null")
        fields["felt_after"] = data["felt_after"]
    for key in ("sleep_disturbed", "new_numbness", "new_weakness"):
        if key in data:
            fields[key] = _optional_bool(data, key)
    if "red_flags" in data:
        flags = data["red_flags"] or {}
        if not isinstance(flags, Mapping):
            raise InputError("red_flags", "expected an object mapping warning signs to true/false")
        clean_flags: dict[str, bool] = {}
        for fid, value in flags.items():
            if fid not in knowledge.findings or knowledge.findings[fid].group != "red-flag":
                raise InputError(f"red_flags.{fid}", "not a warning-sign id")
            if value is None:
                continue
            if not isinstance(value, bool):
                raise InputError(f"red_flags.{fid}", "expected true, false or null")
            clean_flags[fid] = value
        fields["red_flags"] = clean_flags
    if partial:
        return fields
    fields.setdefault("at", now or datetime.now(UTC))
    return CheckIn(**fields)


def parse_activity(data: Any, *, now: datetime | None = None, tz: tzinfo = UTC) -> ActivityRating:
    """Validate one rating. Without a week it rates this week: the week of today in `tz`, the
    person's zone, so a rating sent on Monday morning in Sydney is not filed under last week."""
    if not isinstance(data, Mapping):
        raise InputError("(root)", "expected an object with activity, week and score")
    refuse_unknown(data, ("activity", "score", "week"))
    name = data.get("activity")
    if not isinstance(name, str) or not name.strip():
        raise InputError("activity", "expected the activity's name, e.g. 'sitting through a film'")
    if len(name) > MAX_ACTIVITY_NAME:
        raise InputError("activity", f"longer than {MAX_ACTIVITY_NAME} characters")
    refuse_nul(name, "activity")
    score = _score(data, "score", required=True)
    assert score is not None
    raw_week = data.get("week")
    if raw_week is None:
        day = local_today(tz, now)
    else:
        try:
            day = date.fromisoformat(str(raw_week)[:10])
        except ValueError as exc:
            raise InputError("week", "expected a date, e.g. 2026-11-30") from exc
    return ActivityRating(name.strip(), week_start(day), score)


def week_start(day: date) -> date:
    """The Monday of `day`'s week; give it a local day (zones.local_day) for a local week."""
    return day - timedelta(days=day.weekday())


def checkin_from_dict(data: Mapping[str, Any], knowledge: Knowledge) -> CheckIn:
    """A stored or exported check-in back into a CheckIn (the same validation as new input)."""
    result = parse_checkin(
        {k: v for k, v in data.items() if k in _CHECKIN_KEYS},
        knowledge,
        now=datetime(9999, 1, 1, tzinfo=UTC),  # stored data was checked when it came in
    )
    assert isinstance(result, CheckIn)
    return result
