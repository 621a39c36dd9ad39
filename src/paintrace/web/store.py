"""The only way the web layer saves, reads and deletes assessments.

Pages and the API call these three functions so that storage rules (random ids, what is kept,
deleting for good) live in one place.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import asdict
from typing import Any

from paintrace.assessment import AssessmentInput
from paintrace.web.models import Assessment

# Ids are token_urlsafe(16): 22 characters from this alphabet. Checking the shape first saves a
# query for junk and keeps odd strings (NUL bytes, megabyte ids) away from the database driver.
_ID_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


def input_to_dict(inp: AssessmentInput) -> dict[str, Any]:
    """The contract input shape, so a saved input can be fed back to ``parse_input``."""
    patient = {k: v for k, v in asdict(inp.patient).items() if v is not None}
    return {"drawing": dict(inp.drawing), "findings": dict(inp.findings), "patient": patient}


def _plausible(aid: object) -> bool:
    return isinstance(aid, str) and 16 <= len(aid) <= 43 and set(aid) <= _ID_CHARS


def save(
    inp: AssessmentInput,
    result_dict: dict[str, Any],
    *,
    unknown: Collection[str] = (),
    about: Mapping[str, Any] | None = None,
) -> Assessment:
    """Save a new assessment. `unknown`: answered "I don't know"; `about`: pain and since when."""
    about = about or {}
    return Assessment.objects.create(
        input=input_to_dict(inp),
        result=result_dict,
        unknown=sorted(set(unknown) - set(inp.findings)),
        pain_score=about.get("pain"),
        pain_since=about.get("since") or "",
    )


def update(
    saved: Assessment, inp: AssessmentInput, result_dict: dict[str, Any], unknown: Collection[str]
) -> Assessment:
    """Replace the answers and result of a saved assessment (answers given on the result page)."""
    saved.input = input_to_dict(inp)
    saved.result = result_dict
    saved.unknown = sorted(set(unknown) - set(inp.findings))
    saved.save(update_fields=["input", "result", "unknown"])
    return saved


def get(aid: str) -> Assessment | None:
    if not _plausible(aid):
        return None
    return Assessment.objects.filter(pk=aid).first()


def delete(aid: str) -> bool:
    """Delete for good (no soft delete: a person asking to forget must be forgotten)."""
    if not _plausible(aid):
        return False
    deleted, _ = Assessment.objects.filter(pk=aid).delete()
    return deleted > 0
