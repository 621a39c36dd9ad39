"""``manage.py purge_expired``: delete assessments past their retention, expired view-only
links, expired journal share links and stale sessions.

Run it daily (docs/deploy.md gives a cron line). Reads already treat all of
them as gone; this removes the rows, and on SQLite zeroes and truncates what they left in the
write-ahead log. It prints how many of each it deleted.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.management.base import BaseCommand
from django.db import connection
from django.utils import timezone

from paintrace.web import store, view_links
from paintrace.web.models import ShareLink


def purge_journal_shares(now: datetime) -> int:
    """Delete the journal's clinician links (/s/<token>/) past their expiry; returns how many.

    An expired link answers 410 until then; afterwards 404, like a revoked one.
    """
    deleted, _ = ShareLink.objects.filter(expires_at__lte=now).delete()
    if deleted and connection.vendor == "sqlite":
        store.wipe_sqlite_log()
    return deleted


class Command(BaseCommand):
    help = (
        "Delete assessments older than PAINTRACE_RETENTION_DAYS (unless kept), expired "
        "view-only links, expired journal share links and old sessions."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        now = timezone.now()
        # Links first: the links of expiring assessments would otherwise be deleted with them
        # (CASCADE) and counted as assessments.
        links = view_links.purge_expired(now)
        deleted = store.purge_expired(now)
        shares = purge_journal_shares(now)
        sessions, _ = Session.objects.filter(expire_date__lt=now).delete()
        self.stdout.write(
            f"deleted {deleted} expired assessment(s) (retention {settings.RETENTION_DAYS} days), "
            f"{links} expired view-only link(s), {shares} expired journal share link(s) "
            f"and {sessions} expired session(s)"
        )
