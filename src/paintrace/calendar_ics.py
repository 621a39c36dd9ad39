"""Reminders: the plan's daily routine and its review day as an iCalendar (.ics) file.

A phone's calendar app imports the file without an account or a network: one daily event for
the routine, from the day of the download, and one event on the plan's review day, counted from
the day the plan started (plan.review_day), so it is the day the session page names. Times are
floating local times (no zone), so 8 o'clock stays 8 o'clock wherever the phone is. RFC 5545:
lines end in CRLF, are folded at 75 octets, and text escapes backslash, semicolon, comma and
newline.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta
from typing import Any

from paintrace.plan import REVIEW_DAYS, review_day


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _fold(line: str) -> str:
    data = line.encode("utf-8")
    if len(data) <= 75:
        return line
    parts: list[str] = []
    current = b""
    for ch in line:
        b = ch.encode("utf-8")
        if len(current) + len(b) > (75 if not parts else 74):
            parts.append(current.decode("utf-8"))
            current = b""
        current += b
    parts.append(current.decode("utf-8"))
    return "\r\n ".join(parts)


def _routine_text(plan: Mapping[str, Any]) -> str:
    lines = []
    for muscle in plan.get("muscles", []):
        name = muscle["name"]
        if muscle.get("massage"):
            lines.append(f"{name}: massage {muscle['massage']['points_today']} points first")
        for stretch in muscle.get("stretches", []):
            lines.append(f"{name}: {stretch['name']}")
    for guide in plan.get("self_management", []):
        lines.append(f"{guide['name']}: follow the advice in your plan")
    lines.append("Stop and see a doctor at once if a warning sign appears.")
    return "\n".join(lines)


def _review_event(plan: Mapping[str, Any], start: date, started: date) -> tuple[date, str, str]:
    """(day, title, words) of the review. A review day already past goes on `start` (today),
    saying it is due and when it was planned: nobody is reminded of an event in the past."""
    planned = review_day(plan, started) or started + timedelta(days=REVIEW_DAYS)
    advice = (
        "If your leg pain has not fallen by 2 points or 30 %, see a physiotherapist or a doctor."
    )
    if planned >= start:
        return planned, "Review: is the leg pain clearly better?", advice
    when = f"{planned.day} {planned:%B %Y}"
    return (
        start,
        "Review due now: is the leg pain clearly better?",
        f"Your review was due on {when}. {advice}",
    )


def plan_calendar(
    plan: Mapping[str, Any],
    start: date,
    days: int = 14,
    at: str = "08:00",
    now: datetime | None = None,
    started: date | None = None,
    identity: str = "",
) -> str:
    """The .ics text; `at` is HH:MM local time.

    `start` is the person's today where they are (zones.local_today), not the server's; the
    daily routine runs from it for `days` days. It does not stop at the end of the plan's first
    two weeks: someone who downloads the file on day 10 asked for reminders from now on, and
    the plan says to keep going while it helps (the review decides). `started` is the day the
    plan began, the saved assessment's local day (today when None, a plan made just now); the
    review is `after_days` after it, not after the download. `identity` names the plan for good
    (the web: the account and the instant its assessment was saved), so its events keep their
    ids whatever else changes; without it, the plan's start and routine stand in."""
    hour, minute = (int(x) for x in at.split(":"))
    if not (0 <= hour < 24 and 0 <= minute < 60) or not 1 <= days <= 90:
        raise ValueError("time must be HH:MM and days 1 to 90")
    minutes = max(int(plan.get("schedule", {}).get("minutes") or 0), 10)
    moment = now or datetime.now(UTC)
    stamp = moment.strftime("%Y%m%dT%H%M%SZ")
    began = started or start
    # One plan's events keep their ids from download to download, so importing the file again
    # (another day, another time of day) updates them instead of adding a second set. RFC 5545
    # asks a changed event for a higher SEQUENCE: the seconds since the plan's first day began
    # (in UTC) only grow, whatever the time of day, the zone or the wording of the routine.
    key = identity or f"{began}|{_routine_text(plan)}"
    seed = hashlib.sha256(key.encode()).hexdigest()[:16]
    since = moment - datetime(began.year, began.month, began.day, tzinfo=UTC)
    sequence = f"SEQUENCE:{max(int(since.total_seconds()), 0)}"
    first = datetime(start.year, start.month, start.day, hour, minute)
    review_on, review_title, review_text = _review_event(plan, start, began)
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//paintrace//self-care plan//EN",
        "CALSCALE:GREGORIAN",
        "BEGIN:VEVENT",
        f"UID:{seed}-routine@paintrace",
        sequence,
        f"DTSTAMP:{stamp}",
        f"DTSTART:{first.strftime('%Y%m%dT%H%M%S')}",
        f"DURATION:PT{minutes}M",
        f"RRULE:FREQ=DAILY;COUNT={days}",
        f"SUMMARY:{_escape(f'Self-care routine ({minutes} min)')}",
        f"DESCRIPTION:{_escape(_routine_text(plan))}",
        "BEGIN:VALARM",
        "ACTION:DISPLAY",
        "TRIGGER:PT0M",
        f"DESCRIPTION:{_escape('Time for your self-care routine')}",
        "END:VALARM",
        "END:VEVENT",
        "BEGIN:VEVENT",
        f"UID:{seed}-review@paintrace",
        sequence,
        f"DTSTAMP:{stamp}",
        f"DTSTART;VALUE=DATE:{review_on.strftime('%Y%m%d')}",
        f"SUMMARY:{_escape(review_title)}",
        f"DESCRIPTION:{_escape(review_text)}",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"
