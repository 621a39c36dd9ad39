"""``manage.py purge_expired``: delete assessments past their retention, expired view-only
links, and stale sessions.

Run it daily (docs/deploy.md has a systemd timer and a cron line). Reads already treat an
expired assessment as gone; this removes the rows, and on SQLite zeroes and truncates what they
left in the write-ahead log.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.management.base import BaseCommand
from django.utils import timezone

from paintrace.web import store, view_links


class Command(BaseCommand):
    help = (
        "Delete assessments older than PAINTRACE_RETENTION_DAYS (unless kept), expired "
        "view-only links and old sessions."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        deleted = store.purge_expired()
        links = view_links.purge_expired()
        sessions, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
        self.stdout.write(
            f"deleted {deleted} expired assessment(s) (retention {settings.RETENTION_DAYS} days), "
            f"{links} expired view-only link(s) and {sessions} expired session(s)"
        )
