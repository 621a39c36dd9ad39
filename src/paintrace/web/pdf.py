"""The plan handout as an HTTP download, shared by the API and the pages.

Both ``GET /api/assessments/{id}/plan.pdf`` and ``/a/{id}/plan.pdf`` answer with exactly the
bytes of :func:`paintrace.handout.plan_pdf` for the saved plan, so the paper matches the screen.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.http import HttpResponse

from paintrace.handout import plan_pdf

FILENAME = "paintrace-plan.pdf"


def plan_pdf_response(plan: Mapping[str, Any]) -> HttpResponse:
    response = HttpResponse(plan_pdf(dict(plan)), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{FILENAME}"'
    # Health information: no shared cache may keep a copy.
    response["Cache-Control"] = "private, no-store"
    return response
