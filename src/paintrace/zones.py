"""Time zones: which names a person may choose, and the local day a moment falls on.

A pain diary counts days as the person lives them. Check-ins at 8 am and 6 pm on one Monday in
Sydney are one day, although UTC puts the first on Sunday; a check-in at 7 pm in Los Angeles is
today, not tomorrow. So every time is stored in UTC (one instant, whatever the zone), and only
grouping into days and weeks, and showing times, use the person's IANA time zone. The functions
here take that zone explicitly and default to UTC, which is what the journal did before zones:
the command line and every caller that passes no zone keep their exact results.
"""

from __future__ import annotations

import functools
from datetime import UTC, date, datetime, time, tzinfo
from zoneinfo import ZoneInfo, available_timezones

from paintrace.errors import InputError

# Names the zone database holds that are not places: "localtime" is whatever the server's clock
# is set to, "posixrules" a template for POSIX rules, "Factory" a zone that means "not set".
NOT_PLACES = frozenset({"localtime", "posixrules", "Factory"})


@functools.cache
def zone_names() -> tuple[str, ...]:
    """Every zone a person may choose, sorted: the system's IANA database (or, where the system
    has none, the ``tzdata`` package installed with paintrace), minus non-places.

    Read once per process (walking the database takes tens of milliseconds)."""
    return tuple(sorted(available_timezones() - NOT_PLACES))


@functools.cache
def _known() -> frozenset[str]:
    return frozenset(zone_names())


def is_zone(name: object) -> bool:
    return isinstance(name, str) and name in _known()


def zone(name: object, where: str = "time_zone") -> ZoneInfo:
    """The zone named `name` (exactly as the IANA database spells it), or InputError."""
    if not is_zone(name):
        raise InputError(
            where, "unknown time zone: expected an IANA name such as Europe/Berlin or UTC"
        )
    assert isinstance(name, str)
    return ZoneInfo(name)


def local_time(at: datetime, tz: tzinfo = UTC) -> datetime:
    """`at` on the clock of `tz`. A time without a zone is UTC, as everywhere in the journal."""
    return (at if at.tzinfo else at.replace(tzinfo=UTC)).astimezone(tz)


def local_day(at: datetime, tz: tzinfo = UTC) -> date:
    """The calendar day `at` falls on in `tz`: the day a check-in counts for."""
    return local_time(at, tz).date()


def local_today(tz: tzinfo = UTC, now: datetime | None = None) -> date:
    """Today where the person is (`now` for tests; the current time otherwise)."""
    return local_day(now or datetime.now(UTC), tz)


def day_start(day: date, tz: tzinfo = UTC) -> datetime:
    """The first moment of `day` in `tz`, in UTC: where the clocks skip midnight (a change to
    summer time at 00:00), the first time the day has."""
    return datetime.combine(day, time(0), tzinfo=tz).astimezone(UTC)
