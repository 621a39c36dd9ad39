"""Saved assessments, reachable only by whoever holds their unguessable id."""

from __future__ import annotations

import json
import secrets
from typing import Any

from django.core.validators import MaxValueValidator
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
    id = models.CharField(
        primary_key=True, max_length=43, default=new_assessment_id, editable=False
    )
    input = JSONTextField(help_text="The validated contract input (drawing, findings, patient).")
    result = JSONTextField(help_text="The core's Result.to_dict() at the time of saving.")
    unknown = JSONTextField(
        default=list,
        help_text='Finding ids answered "I don\'t know": unknown, not no (kept to show them).',
    )
    pain_score = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MaxValueValidator(10)],
        help_text="How strong the pain is at its worst, 0 to 10, asked with the drawing.",
    )
    pain_since = models.CharField(
        max_length=16,
        blank=True,
        default="",
        help_text="Since when: under-6-weeks, 6-to-12-weeks or over-12-weeks (empty: not said).",
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ("-created_at",)

    def __str__(self) -> str:
        return f"assessment {self.id[:6]}… ({self.created_at:%Y-%m-%d})"
