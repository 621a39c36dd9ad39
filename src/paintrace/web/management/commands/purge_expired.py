"""``manage.py purge_expired``: delete assessments past their retention, and stale sessions.

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

from paintrace.web import store


class Command(BaseCommand):
    help = "Delete assessments older than PAINTRACE_RETENTION_DAYS (unless kept) and old sessions."

    def handle(self, *args: Any, **options: Any) -> None:
        deleted = store.purge_expired()
        sessions, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
        self.stdout.write(
            f"deleted {deleted} expired assessment(s) (retention {settings.RETENTION_DAYS} days) "
            f"and {sessions} expired session(s)"
        )
