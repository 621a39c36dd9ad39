# ruff: noqa: RUF012
"""An account's time zone, the one its days are counted in.

A new table, one row per account that chose a zone (at sign-up, from the browser, or on the
account page). Existing accounts get no row: they follow PAINTRACE_TIME_ZONE, UTC unless a
deployment sets it, which is how their days were counted before. Undoing this drops the table
and with it the zones chosen; nothing else changes.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("paintrace", "0009_checkin_minutes_unknown"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="AccountPreferences",
            fields=[
                (
                    "user",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="+",
                        serialize=False,
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "time_zone",
                    models.CharField(
                        help_text="An IANA name, e.g. Australia/Sydney.", max_length=64
                    ),
                ),
            ],
        ),
    ]
