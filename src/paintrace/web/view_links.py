"""View-only links to one saved assessment: /v/<token>/ shows it, nothing more.

The secret link (/a/<id>/) reads, answers, saves and deletes; it must not be what a person gives
a clinician or a relative. Whoever holds the secret link can make view-only links here (1 to 30
days), list them and revoke them. A view link's row stores

* ``lookup``: HMAC of the view token, to find the row when someone presents the link,
* ``wrapped``: the assessment's id sealed under a key derived from the view token,
* the assessment's row (a foreign key, ON DELETE CASCADE) and ``expires_at``.

So the view token is never stored, the database alone cannot open ``wrapped``, and deleting the
assessment kills its view links. An expired link answers 410 until ``purge_expired`` deletes
the row; a revoked link, or one whose assessment is gone, answers 404.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import connection
from django.db.models import Q, QuerySet
from django.utils import timezone

from paintrace.web import crypto, store
from paintrace.web.models import AssessmentViewLink

MIN_DAYS, MAX_DAYS, DEFAULT_DAYS = 1, 30, 7
DAY_CHOICES = (1, 3, 7, 14, 30)
MAX_LINKS = 20  # live view links per assessment
_TOKEN_BYTES = 24  # 192 random bits: 32 URL-safe characters
_TOKEN_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


class TooMany(ValueError):
    """The assessment has MAX_LINKS live view links already."""


@dataclass(frozen=True)
class ViewLink:
    id: int
    created_at: datetime
    expires_at: datetime


@dataclass(frozen=True)
class Opened:
    """What a view token leads to: the assessment, or why not (``gone``: expired, 410)."""

    saved: store.Saved | None
    expires_at: datetime | None = None
    gone: bool = False


def url(token: str) -> str:
    return f"/v/{token}/"


def _plausible(token: object) -> bool:
    return isinstance(token, str) and len(token) == 32 and set(token) <= _TOKEN_CHARS


def valid_days(days: object) -> bool:
    return isinstance(days, int) and not isinstance(days, bool) and MIN_DAYS <= days <= MAX_DAYS


def _live(aid: str, now: datetime | None = None) -> QuerySet[AssessmentViewLink]:
    return AssessmentViewLink.objects.filter(
        assessment_id=crypto.lookup_key(aid), expires_at__gt=now or timezone.now()
    )


def create(aid: str, days: int, now: datetime | None = None) -> tuple[ViewLink, str] | None:
    """A new view link for the assessment behind `aid`: (the link, its token), shown once.
    None when there is no such assessment; TooMany past MAX_LINKS live links."""
    if not valid_days(days):
        raise ValueError(f"days must be {MIN_DAYS} to {MAX_DAYS}")
    saved = store.get(aid)
    if saved is None:
        return None
    now = now or timezone.now()
    if _live(aid, now).count() >= MAX_LINKS:
        raise TooMany(f"at most {MAX_LINKS} view-only links at a time: revoke one first")
    token = secrets.token_urlsafe(_TOKEN_BYTES)
    row = AssessmentViewLink.objects.create(
        assessment_id=crypto.lookup_key(aid),
        lookup=crypto.view_lookup(token),
        wrapped=crypto.wrap_for_view(token, aid),
        expires_at=now + timedelta(days=days),
    )
    return ViewLink(row.pk, row.created_at, row.expires_at), token


def links(aid: str) -> list[ViewLink]:
    """The assessment's view links that still work, newest first (their tokens are not kept)."""
    if not store.get(aid):
        return []
    rows = _live(aid).order_by("-created_at", "-id")
    return [ViewLink(r.pk, r.created_at, r.expires_at) for r in rows]


def revoke(aid: str, link_id: int) -> bool:
    """Delete one of this assessment's view links; False if it has none with this id."""
    if not 0 < link_id < 2**63 or store.get(aid) is None:
        return False
    rows = AssessmentViewLink.objects.filter(pk=link_id, assessment_id=crypto.lookup_key(aid))
    deleted, _ = rows.delete()
    return deleted > 0


def open_link(token: str, now: datetime | None = None, *, with_pdf: bool = False) -> Opened:
    """The assessment a view token shows. ``saved`` is None for an unknown, revoked or broken
    token and when the assessment is gone (404); ``gone`` when the link has expired (410).
    `with_pdf`: read the kept handout with it (store.get)."""
    if not _plausible(token):
        return Opened(None)
    row = AssessmentViewLink.objects.filter(lookup=crypto.view_lookup(token)).first()
    if row is None:
        return Opened(None)
    if row.expires_at <= (now or timezone.now()):
        return Opened(None, row.expires_at, gone=True)
    try:
        aid = crypto.unwrap_for_view(token, row.wrapped)
    except crypto.Unreadable:
        return Opened(None)
    saved = store.get(aid, with_pdf=with_pdf)
    if saved is None or crypto.lookup_key(aid) != row.assessment_id:
        return Opened(None)
    return Opened(saved, row.expires_at)


def purge_expired(now: datetime | None = None) -> int:
    """Delete every view link past its expiry, and every link of an assessment past its own
    (dead already: it answers 404); returns how many.

    Run before ``store.purge_expired``, so that the assessments' count it returns holds no
    links deleted with them (the CASCADE counts them too).
    """
    now = now or timezone.now()
    rows = AssessmentViewLink.objects.filter(
        Q(expires_at__lte=now) | Q(assessment__expires_at__lte=now)
    )
    deleted, _ = rows.delete()
    if deleted and connection.vendor == "sqlite":
        store.wipe_sqlite_log()
    return deleted
