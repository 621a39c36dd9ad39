"""Forms of the body map and the interview. They work as plain HTML forms, without JavaScript."""

from __future__ import annotations

from typing import Any

from django import forms

from paintrace.assessment import InputError, parse_input
from paintrace.bodymap import SYMPTOMS, region_ids
from paintrace.web.pages.state import SINCE_CHOICES

REGION_PREFIX = "r:"
RED_FLAG_PREFIX = "rf:"
ANSWERS: dict[str, bool | None] = {"yes": True, "no": False, "unknown": None}

SEX_CHOICES = [
    ("", "Prefer not to say"),
    ("female", "Female"),
    ("male", "Male"),
    ("other", "Other"),
]


class DrawingForm(forms.Form):
    """The drawing comes from checkboxes named ``r:<region id>`` with symptom values."""

    age = forms.IntegerField(
        required=False,
        min_value=0,
        max_value=120,
        label="Your age",
        error_messages={
            "min_value": "Enter an age from 0 to 120, or leave it empty.",
            "max_value": "Enter an age from 0 to 120, or leave it empty.",
            "invalid": "Enter your age in whole years, or leave it empty.",
        },
    )
    sex = forms.ChoiceField(required=False, choices=SEX_CHOICES, label="Sex")
    pain = forms.TypedChoiceField(
        required=False,
        coerce=int,
        empty_value=None,
        choices=[(str(n), str(n)) for n in range(11)],
        label="How strong is the pain at its worst today?",
        error_messages={"invalid_choice": "Choose a number from 0 to 10, or leave it empty."},
    )
    since = forms.ChoiceField(
        required=False,
        choices=[("", "Not sure"), *SINCE_CHOICES],
        label="Since when have you had it?",
        error_messages={"invalid_choice": "Choose one of the answers, or leave it empty."},
    )

    def drawing_from_data(self) -> dict[str, list[str]]:
        known = region_ids()
        drawing: dict[str, list[str]] = {}
        for key in self.data:
            if not key.startswith(REGION_PREFIX):
                continue
            rid = key[len(REGION_PREFIX) :]
            values = [v for v in self.data.getlist(key) if v in SYMPTOMS]
            if rid in known and values:
                drawing[rid] = [s for s in SYMPTOMS if s in values]
        return drawing

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        drawing = self.drawing_from_data()
        if not drawing:
            raise forms.ValidationError(
                "Mark at least one place where you feel something: tap it on the picture, or "
                "tick a symptom next to it in the list.",
                code="empty",
            )
        patient = {k: cleaned.get(k) for k in ("age", "sex") if cleaned.get(k) not in (None, "")}
        try:
            parse_input({"drawing": drawing, "findings": {}, "patient": patient})
        except InputError as exc:  # pragma: no cover - the fields above already check this
            raise forms.ValidationError(exc.message) from exc
        cleaned["drawing"] = drawing
        cleaned["patient"] = patient
        cleaned["about"] = {
            k: cleaned.get(k) for k in ("pain", "since") if cleaned.get(k) not in (None, "")
        }
        return cleaned


def parse_answer(value: str | None) -> tuple[bool, bool | None]:
    """(valid, answer) for a yes / no / unknown form value."""
    if value in ANSWERS:
        return True, ANSWERS[value]
    return False, None


def answer_value(answer: bool | None) -> str:
    return {True: "yes", False: "no", None: "unknown"}[answer]
