"""Saved assessments, reachable only by whoever holds their unguessable id."""

from __future__ import annotations

import json
import secrets
from typing import Any

from django.conf import settings
from django.db import models


def new_assessment_id() -> str:
    """128 random bits, URL-safe: the id is the only key to a result, so it must be unguessable."""
    return secrets.token_urlsafe(16)


class JSONTextField(models.TextField):
    """JSON stored as its exact text, on SQLite and PostgreSQL alike.

    Django's JSONField is jsonb on PostgreSQL, which reorders object keys; the order of the
    drawing's regions is the order the engine explains them in, so a saved input must come back
    exactly as it went in (and replay to the same result).
    """

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> Any:
        return None if value is None else json.loads(value)

    def to_python(self, value: Any) -> Any:
        return json.loads(value) if isinstance(value, str) else value

    def get_prep_value(self, value: Any) -> str | None:
        if value is None:
            return None
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)

    def value_to_string(self, obj: models.Model) -> str:  # dumpdata / loaddata
        return self.get_prep_value(self.value_from_object(obj)) or "null"


class Assessment(models.Model):
    """One saved assessment, sealed: the database alone cannot read it (paintrace.web.crypto).

    The id in the link is not stored; ``lookup`` is a one-way hash of it and ``sealed`` holds the
    input, the "I don't know" answers and the pain score and "since when", encrypted under a key
    derived from the id. The result is worked out again from the input when read (the engine is
    deterministic and takes about a millisecond), so a row is about 1 KB, not a copy of the plan.
    Read and write through :mod:`paintrace.web.store`, which returns :class:`store.Saved`.
    """

    lookup = models.CharField(primary_key=True, max_length=64, editable=False)
    sealed = models.BinaryField(help_text="AES-GCM: input, unknown answers, pain, since when.")
    pdf = models.BinaryField(
        null=True, editable=False, help_text="The rendered handout, sealed (made on first ask)."
    )
    # Not indexed: nothing lists assessments by date (an account lists its own links, which
    # carry their own dates), and every index is one more B-tree page to write per INSERT, the
    # hottest statement of the write path.
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(
        null=True,
        blank=True,
        db_index=True,
        help_text="Deleted after this (purge_expired). NULL: kept, for an assessment saved to an "
        "account (accounts set it to NULL).",
    )

    def __str__(self) -> str:
        return f"assessment {self.lookup[:6]}… ({self.created_at:%Y-%m-%d})"


# ------------------------------------------------------------------------------ accounts
# Everything below belongs to one account and goes with it: every foreign key to the user is
# ON DELETE CASCADE, and paintrace.web.accounts.delete_account also deletes the saved
# assessments the account points to (their rows are not keyed by the user).


class ApiToken(models.Model):
    """A bearer token for the API. Only its SHA-256 is stored; the token is shown once."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)


class AccountPreferences(models.Model):
    """What the owner chose for their account: today, the time zone their days are counted in.

    No row: the deployment's default (settings.PAINTRACE_TIME_ZONE), so an account made before
    zones, or without JavaScript at sign-up, follows that setting until its owner picks one.
    Read and write through :mod:`paintrace.web.time_zones`.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    time_zone = models.CharField(max_length=64, help_text="An IANA name, e.g. Australia/Sydney.")


class JournalEntry(models.Model):
    """One check-in, compact: the numbers in columns, the optional rest sealed.

    ``sealed`` holds, as JSON encrypted under the account's key (paintrace.web.crypto), only the
    fields that differ from their defaults (note, regions, massaged, stretched, felt_after,
    sleep_disturbed, red_flags, new_numbness, new_weakness); NULL when there are none, so a
    quick check-in of two numbers is a row of a few dozen bytes.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    at = models.DateTimeField()
    leg_pain = models.PositiveSmallIntegerField()
    back_pain = models.PositiveSmallIntegerField()
    minutes = models.PositiveSmallIntegerField(null=True, default=None)  # None: not given
    warning = models.BooleanField(default=False, help_text="A warning sign was answered yes.")
    sealed = models.BinaryField(null=True, blank=True)

    class Meta:
        indexes = (models.Index(fields=("user", "at"), name="pt_entry_user_at"),)


class ActivityScore(models.Model):
    """A weekly rating (0-10) of one of the person's own hard activities."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    activity = models.CharField(max_length=80)
    week = models.DateField(help_text="The Monday of the week rated.")
    score = models.PositiveSmallIntegerField()

    class Meta:
        constraints = (
            models.UniqueConstraint(
                fields=("user", "week", "activity"), name="pt_activity_user_week"
            ),
        )


class AccountAssessment(models.Model):
    """An anonymous assessment saved to an account.

    The assessment stays sealed under its link id (paintrace.web.store); this row holds that
    link id encrypted under a key derived from the server's secret and the account
    (paintrace.web.crypto.seal_for_account), and the assessment's lookup hash to find it.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    lookup = models.CharField(max_length=64)
    sealed_link = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = (
            models.UniqueConstraint(fields=("user", "lookup"), name="pt_account_assessment"),
        )
        indexes = (models.Index(fields=("user", "created_at"), name="pt_acc_assess_user"),)


class ShareLink(models.Model):
    """A read-only link for a clinician; ``lookup`` is the hash of the secret in its URL."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    lookup = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()

    class Meta:
        indexes = (models.Index(fields=("user", "created_at"), name="pt_share_user"),)


class AssessmentViewLink(models.Model):
    """A view-only link to one saved assessment, separate from its secret (delete) link.

    ``lookup`` is the HMAC of the random token in the link's URL (/v/<token>/); ``wrapped`` is the
    assessment's id sealed under a key derived from that token (paintrace.web.crypto), so the
    database alone cannot open it. Deleting the assessment deletes its view links (CASCADE).
    Read and write through :mod:`paintrace.web.view_links`.
    """

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="+")
    lookup = models.CharField(max_length=64, unique=True)
    wrapped = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(db_index=True)
