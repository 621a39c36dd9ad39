"""Exports a clinician or another app can use: CSV for a spreadsheet, JSON that re-imports.

The JSON export is the whole journal (saved assessments with their inputs, check-ins, activity
ratings) under a format name and version, so that it reads back into another account with
nothing lost; it is parsed with the same validation as new input. Results are not exported as
such: they are worked out again from the inputs, like everywhere else.

Times. The JSON export keeps every time in UTC: it is for machines, and an export re-imported
into an account in another zone must read back the same. The CSV is for people (a clinician's
spreadsheet): its ``at`` is the same instant written with the person's UTC offset, such as
``2026-03-02T18:00:00+11:00``. That is still unambiguous ISO 8601, and it shows the clock time
the person lived, so a score given at 3 in the morning reads as 3 in the morning without a
conversion. Its ``day`` is the person's calendar day, the day the progress page counts it for.
With the default zone, UTC, ``at`` reads exactly as before (``+00:00``).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, tzinfo
from typing import Any

from paintrace.assessment import parse_input
from paintrace.errors import InputError, refuse_unknown
from paintrace.journal import ActivityRating, CheckIn, checkin_from_dict, parse_activity
from paintrace.knowledge.schema import Knowledge
from paintrace.zones import local_time

FORMAT = "paintrace-journal"
VERSION = 1
MAX_ITEMS = 20_000

CSV_COLUMNS = (
    "at",
    "leg_pain",
    "back_pain",
    "massaged",
    "stretched",
    "minutes",
    "felt_after",
    "sleep_disturbed",
    "warning_signs",
    "new_numbness",
    "new_weakness",
    "regions",
    "note",
    "day",  # last: a column added later must not move the ones a program reads by position
)


def _cell(value: Any) -> str:
    """A CSV cell that a spreadsheet shows as text, never runs as a formula."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    text = str(value)
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        text = "'" + text
    return text


def journal_csv(
    checkins: Iterable[CheckIn], activities: Iterable[ActivityRating] = (), tz: tzinfo = UTC
) -> str:
    """Check-ins, one row each, oldest first; then the weekly activity ratings. Times and days
    are in `tz`, the person's zone (see the module's doc)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for c in sorted(checkins, key=lambda c: c.at):
        local = local_time(c.at, tz)
        writer.writerow(
            [
                _cell(local.isoformat()),
                c.leg_pain,
                c.back_pain,
                _cell(" ".join(c.massaged)),
                _cell(" ".join(c.stretched)),
                _cell(c.minutes),
                _cell(c.felt_after),
                _cell(c.sleep_disturbed),
                _cell(" ".join(c.warning_signs)),
                _cell(c.new_numbness),
                _cell(c.new_weakness),
                _cell(" ".join(f"{r}:{v}" for r, v in sorted(c.regions.items()))),
                _cell(c.note),
                local.date().isoformat(),
            ]
        )
    rows = sorted(activities, key=lambda a: (a.week, a.activity))
    if rows:
        writer.writerow([])
        writer.writerow(["week", "activity", "score"])
        for a in rows:
            writer.writerow([a.week.isoformat(), _cell(a.activity), a.score])
    return out.getvalue()


@dataclass(frozen=True)
class JournalData:
    assessments: list[dict[str, Any]] = field(default_factory=list)  # contract inputs (+ meta)
    checkins: list[CheckIn] = field(default_factory=list)
    activities: list[ActivityRating] = field(default_factory=list)


def journal_json(
    assessments: Sequence[Mapping[str, Any]],
    checkins: Iterable[CheckIn],
    activities: Iterable[ActivityRating] = (),
) -> dict[str, Any]:
    """`assessments` are contract inputs, optionally with `saved_at`, `pain` and `since`."""
    return {
        "format": FORMAT,
        "version": VERSION,
        "assessments": [dict(a) for a in assessments],
        "checkins": [c.to_dict() for c in sorted(checkins, key=lambda c: c.at)],
        "activities": [a.to_dict() for a in sorted(activities, key=lambda a: (a.week, a.activity))],
    }


# What an exported assessment carries beside its input. `unknown`: the questions answered
# "I don't know", which the interview does not ask again (not the same as never asked).
ASSESSMENT_META = frozenset({"saved_at", "pain", "since", "label", "unknown"})


def _unknown_ids(item: Mapping[str, Any], knowledge: Knowledge) -> None:
    unknown = item.get("unknown", [])
    if not isinstance(unknown, list) or not all(
        isinstance(fid, str) and fid in knowledge.findings for fid in unknown
    ):
        raise InputError("unknown", "expected a list of finding ids (see `paintrace findings`)")


def parse_journal_json(data: Any, knowledge: Knowledge, tz: tzinfo = UTC) -> JournalData:
    """Read an export back, validating every item as new input would be; InputError names it.
    `tz`: the importing person's zone, for a rating without a week (this week, there)."""
    if not isinstance(data, Mapping) or data.get("format") != FORMAT:
        raise InputError("format", f"expected a {FORMAT!r} export")
    if data.get("version") != VERSION:
        raise InputError("version", f"expected version {VERSION}")
    # a misspelt list ("checkin") would otherwise import nothing from it, and say so nowhere
    refuse_unknown(data, ("format", "version", "assessments", "checkins", "activities"))
    out = JournalData()
    for key in ("assessments", "checkins", "activities"):
        items = data.get(key, [])
        if not isinstance(items, list):
            raise InputError(key, "expected a list")
        if len(items) > MAX_ITEMS:
            raise InputError(key, f"more than {MAX_ITEMS} items")
    for i, item in enumerate(data.get("assessments", [])):
        if not isinstance(item, Mapping):
            raise InputError(f"assessments.{i}", "expected an object")
        core = {k: v for k, v in item.items() if k not in ASSESSMENT_META}
        try:
            parse_input(core, knowledge, allow_empty=True)
            _unknown_ids(item, knowledge)
        except InputError as exc:
            raise InputError(f"assessments.{i}.{exc.field}", exc.message) from exc
        out.assessments.append(dict(item))
    for i, item in enumerate(data.get("checkins", [])):
        if not isinstance(item, Mapping):
            raise InputError(f"checkins.{i}", "expected an object")
        try:
            out.checkins.append(checkin_from_dict(item, knowledge))
        except InputError as exc:
            raise InputError(f"checkins.{i}.{exc.field}", exc.message) from exc
    for i, item in enumerate(data.get("activities", [])):
        try:
            out.activities.append(parse_activity(item, tz=tz))
        except InputError as exc:
            raise InputError(f"activities.{i}.{exc.field}", exc.message) from exc
    return out
