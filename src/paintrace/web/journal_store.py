"""Check-ins and activity ratings of one account, to and from the core's dataclasses.

Every query here is filtered by the account: the functions take the user first, and an id of
another account's row behaves exactly like an id that does not exist.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from django.db import models

from paintrace.journal import ActivityRating, CheckIn
from paintrace.web import crypto, quotas
from paintrace.web.models import ActivityScore, JournalEntry

_DEFAULTS: dict[str, Any] = {
    "note": "",
    "regions": {},
    "massaged": [],
    "stretched": [],
    "felt_after": None,
    "sleep_disturbed": None,
    "red_flags": {},
    "new_numbness": None,
    "new_weakness": None,
}


_CONTEXT = b"check-in"


def _columns(user_id: int, c: CheckIn) -> dict[str, Any]:
    data = c.to_dict()
    extra = {k: data[k] for k, default in _DEFAULTS.items() if data[k] != default}
    sealed = None
    if extra:
        raw = json.dumps(extra, ensure_ascii=False, separators=(",", ":")).encode()
        sealed = crypto.seal_for_account(user_id, raw, _CONTEXT)
    return {
        "at": c.at,
        "leg_pain": c.leg_pain,
        "back_pain": c.back_pain,
        "minutes": c.minutes,
        "warning": bool(c.warning_signs),
        "sealed": sealed,
    }


def _extra(row: JournalEntry) -> dict[str, Any]:
    return _open_extra(row.user_id, row.sealed)


def _open_extra(user_id: int, sealed: Any) -> dict[str, Any]:
    if not sealed:
        return {}
    try:
        data = json.loads(crypto.open_for_account(user_id, sealed, _CONTEXT))
    except (crypto.Unreadable, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def to_checkin(row: JournalEntry) -> CheckIn:
    return _build(row.user_id, row.at, row.leg_pain, row.back_pain, row.minutes, row.sealed)


def _build(
    user_id: int, at: datetime, leg: int, back: int, minutes: int | None, sealed: Any
) -> CheckIn:
    """A stored row as a CheckIn. Built directly: the data was validated when it came in
    (parse_checkin), and a progress page reads a hundred rows."""
    at = at if at.tzinfo else at.replace(tzinfo=UTC)
    extra = _open_extra(user_id, sealed)
    return CheckIn(
        at=at,
        leg_pain=leg,
        back_pain=back,
        minutes=minutes,
        note=str(extra.get("note") or ""),
        regions=dict(extra.get("regions") or {}),
        massaged=tuple(extra.get("massaged") or ()),
        stretched=tuple(extra.get("stretched") or ()),
        felt_after=extra.get("felt_after"),
        sleep_disturbed=extra.get("sleep_disturbed"),
        red_flags=dict(extra.get("red_flags") or {}),
        new_numbness=extra.get("new_numbness"),
        new_weakness=extra.get("new_weakness"),
    )


def entry_dict(row: JournalEntry, checkin: CheckIn | None = None) -> dict[str, Any]:
    c = checkin or to_checkin(row)
    return {"id": row.pk, **c.to_dict(), "warning_signs": c.warning_signs}


def add(user: Any, c: CheckIn) -> JournalEntry:
    """Raises quotas.QuotaExceeded when the account holds the most check-ins it may."""
    quotas.room_for_checkins(user)
    return JournalEntry.objects.create(user=user, **_columns(user.pk, c))


def add_many(user: Any, checkins: list[CheckIn]) -> None:
    quotas.room_for_checkins(user, len(checkins))
    JournalEntry.objects.bulk_create(
        [JournalEntry(user=user, **_columns(user.pk, c)) for c in checkins], batch_size=500
    )


def get(user: Any, entry_id: int) -> JournalEntry | None:
    return JournalEntry.objects.filter(user=user, pk=entry_id).first()


def update(row: JournalEntry, changes: Mapping[str, Any]) -> CheckIn:
    """Apply validated changes to the stored check-in and keep them: the API's PATCH and the
    change page both come here, so a check-in corrected either way is stored the same way."""
    c = CheckIn(**{**to_checkin(row).__dict__, **changes})
    for key, value in _columns(row.user_id, c).items():
        setattr(row, key, value)
    row.save()
    return c


def remove(row: JournalEntry) -> None:
    """Delete one check-in for good (the API's DELETE and the delete page)."""
    row.delete()


_FIELDS = ("id", "user_id", "at", "leg_pain", "back_pain", "minutes", "sealed")


def rows(user: Any, since: datetime | None = None) -> list[JournalEntry]:
    qs = JournalEntry.objects.filter(user=user).only(*_FIELDS)
    if since is not None:
        qs = qs.filter(at__gte=since)
    return list(qs.order_by("at", "id"))


def page(user: Any, after: tuple[datetime, int] | None, limit: int) -> list[JournalEntry]:
    """Up to `limit` check-ins, oldest first, after the (time, id) of the last one seen: a
    keyset page, one index range scan however deep into the journal it is."""
    qs = JournalEntry.objects.filter(user=user).only(*_FIELDS)
    if after is not None:
        at, pk = after
        qs = qs.filter(models.Q(at__gt=at) | models.Q(at=at, pk__gt=pk))
    return list(qs.order_by("at", "id")[:limit])


def newest_first(user: Any) -> models.QuerySet[JournalEntry]:
    """The account's check-ins, newest first, for a list a person reads a page at a time."""
    return JournalEntry.objects.filter(user=user).only(*_FIELDS).order_by("-at", "-id")


def checkins(user: Any, since: datetime | None = None) -> list[CheckIn]:
    """The account's check-ins, oldest first: one index range scan, plain tuples."""
    qs = JournalEntry.objects.filter(user=user)
    if since is not None:
        qs = qs.filter(at__gte=since)
    values = qs.order_by("at", "id").values_list("at", "leg_pain", "back_pain", "minutes", "sealed")
    return [_build(user.pk, *v) for v in values]


def add_rating(user: Any, rating: ActivityRating) -> ActivityScore:
    """Rating a week again replaces it; a new rating may meet quotas.QuotaExceeded."""
    mine = ActivityScore.objects.filter(user=user, week=rating.week, activity=rating.activity)
    if not mine.exists():
        quotas.room_for_ratings(user)
    row, _ = ActivityScore.objects.update_or_create(
        user=user,
        week=rating.week,
        activity=rating.activity,
        defaults={"score": rating.score},
    )
    return row


def ratings(user: Any) -> list[ActivityRating]:
    return [
        ActivityRating(r.activity, r.week, r.score)
        for r in ActivityScore.objects.filter(user=user).order_by("week", "activity")
    ]


def activity_names(user: Any) -> list[str]:
    names = (
        ActivityScore.objects.filter(user=user).order_by("-week").values_list("activity", flat=True)
    )
    return list(dict.fromkeys(names))
