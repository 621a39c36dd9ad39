"""Saved assessments, reachable only by whoever holds their unguessable id."""

from __future__ import annotations

import json
import secrets
from typing import Any

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
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    expires_at = models.DateTimeField(
        null=True,
        blank=True,
        db_index=True,
        help_text="Deleted after this (purge_expired). NULL: kept, for an assessment saved to an "
        "account (accounts set it to NULL).",
    )

    class Meta:
        ordering = ("-created_at",)

    def __str__(self) -> str:
        return f"assessment {self.lookup[:6]}… ({self.created_at:%Y-%m-%d})"
