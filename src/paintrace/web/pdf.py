"""The plan handout as an HTTP download, shared by the API and the pages.

Both ``GET /api/assessments/{id}/plan.pdf`` and ``/a/{id}/plan.pdf`` answer with exactly the
bytes of :func:`paintrace.handout.plan_pdf` for the saved assessment, so the paper matches the
screen: the open warning signs listed and no massage plan while any is open, the pain (0 to 10)
and since when, and the plan's adaptations.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse

from paintrace.handout import plan_pdf
from paintrace.knowledge import load_knowledge
from paintrace.triage import open_questions
from paintrace.web import ratelimit, store
from paintrace.web.journal_http import download
from paintrace.web.pages.state import SINCE_CHOICES

FILENAME = "paintrace-plan.pdf"


def _open_questions(saved: Any) -> list[str]:
    return open_questions(load_knowledge(), saved.result["triage"]["unanswered"])


def handout_pdf(saved: Any) -> bytes:
    about = {
        "pain": saved.pain_score,
        "since": dict(SINCE_CHOICES).get(saved.pain_since or "", ""),
    }
    return plan_pdf(
        dict(saved.result["plan"]), open_warning_signs=_open_questions(saved), about=about
    )


# Rendering takes a CPU for a tenth of a second to a second: at most PDF_RENDERS at once per
# process, so a burst of PDF requests cannot starve the pages; the others wait their turn (up to
# PDF_WAIT_SECONDS, then 503 with Retry-After). Each saved version is rendered once and kept,
# sealed, with its record (paintrace.web.store).
_RENDERS = threading.BoundedSemaphore(settings.PDF_RENDERS)


def rendered(render: Callable[[], bytes]) -> bytes | None:
    """`render()` within the process's limit on PDF renders at once; None when too busy.

    Every PDF the app makes goes through here (the plan handout, the journal's clinician
    summary), so no mix of them can take more than PDF_RENDERS threads of a worker.
    """
    if not _RENDERS.acquire(timeout=settings.PDF_WAIT_SECONDS):
        return None
    try:
        return render()
    finally:
        _RENDERS.release()


def busy_response() -> JsonResponse:
    busy = JsonResponse(
        {"detail": "Busy making other PDFs; please try again in a few seconds."}, status=503
    )
    busy["Retry-After"] = "5"
    return busy


def _render_and_keep(saved: Any) -> bytes | None:
    """Render the handout of a version not kept yet, once; None when too busy."""

    def render() -> bytes:
        pdf = store.cached_pdf(saved, again=True)  # another thread may have rendered it
        if pdf is None:
            pdf = handout_pdf(saved)
            store.keep_pdf(saved, pdf)
        return pdf

    return rendered(render)


def plan_pdf_response(saved: Any, request: HttpRequest) -> HttpResponse:
    """The handout as a download, rendered at most once per saved version. A handout not
    rendered yet counts against the client's ``render`` rate limit (a render is up to a second
    of CPU and a stored copy of ~14 KB); one already kept is served without counting."""
    pdf = store.cached_pdf(saved)
    if pdf is None:
        wait = ratelimit.hit(request, "render")
        if wait:
            return ratelimit.too_many(request, wait)
        pdf = _render_and_keep(saved)
    if pdf is None:
        return busy_response()
    return download(pdf, "application/pdf", FILENAME)  # private, no-store: health information
