"""How much one account may keep: every table that grows with a person's use is bounded.

Rate limits (paintrace.web.ratelimit) slow a client down; these bound what an account can hold
in the end, so one account (or a stolen token) cannot fill the disk. The limits are far above
what a person uses: ten check-ins a day for five years, a weekly rating of three activities for
twelve years, a new assessment every week for four years. A full account gets a clear message
naming the limit and what to do; nothing already saved is touched. API tokens are the
exception: asking for a new one removes the oldest beyond the limit, so logging in on a new
device never fails.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from paintrace.errors import InputError
from paintrace.web.models import (
    AccountAssessment,
    ActivityScore,
    ApiToken,
    JournalEntry,
    ShareLink,
)

MAX_CHECKINS = 20_000
MAX_RATINGS = 2_000
MAX_SAVED_ASSESSMENTS = 200
MAX_LIVE_SHARES = 20
MAX_TOKENS = 20


class QuotaExceeded(InputError):
    """The account holds the most it may of something; the message says what to do."""


def _require_room(rows: Any, adding: int, limit: int, what: str, advice: str) -> None:
    """Raise QuotaExceeded when `rows` (one account's) plus `adding` would pass `limit`."""
    if rows.count() + adding > limit:
        raise QuotaExceeded(
            "(root)",
            f"Your account already holds {limit:,} {what}, the most one account keeps. {advice}",
        )


def room_for_checkins(user: Any, adding: int = 1) -> None:
    rows = JournalEntry.objects.filter(user=user)
    advice = "Export your journal, then delete old check-ins to add new ones."
    _require_room(rows, adding, MAX_CHECKINS, "check-ins", advice)


def room_for_ratings(user: Any, adding: int = 1) -> None:
    rows = ActivityScore.objects.filter(user=user)
    advice = "Export your journal and start a new account to go on rating."
    _require_room(rows, adding, MAX_RATINGS, "activity ratings", advice)


def room_for_assessments(user: Any, adding: int = 1) -> None:
    rows = AccountAssessment.objects.filter(user=user)
    advice = "Delete assessments you no longer need, then save this one."
    _require_room(rows, adding, MAX_SAVED_ASSESSMENTS, "saved assessments", advice)


def room_for_share(user: Any) -> None:
    rows = ShareLink.objects.filter(user=user, expires_at__gt=timezone.now())
    advice = "Revoke links you no longer need, then make a new one."
    _require_room(rows, 1, MAX_LIVE_SHARES, "share links that still work", advice)


def trim_tokens(user: Any) -> None:
    """Keep the newest MAX_TOKENS tokens of the account; older ones stop working."""
    keep = ApiToken.objects.filter(user=user).order_by("-created_at", "-pk")[:MAX_TOKENS]
    ApiToken.objects.filter(user=user).exclude(
        pk__in=list(keep.values_list("pk", flat=True))
    ).delete()
