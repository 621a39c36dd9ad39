"""The pages: body map, result, self-care. Thin: the core decides, these views only route.

The interview between the body map and the result is paintrace.web.pages.interview_views.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from paintrace import bodymap
from paintrace.assessment import assess_input, parse_input
from paintrace.knowledge import load_knowledge
from paintrace.knowledge.schema import Knowledge
from paintrace.plan import plan_to_show
from paintrace.web import accounts, store
from paintrace.web.pages import page_cache, present, selfcare, warning_signs
from paintrace.web.pages.forms import (
    RED_FLAG_PREFIX,
    DrawingForm,
    parse_answer,
)
from paintrace.web.pages.interview_views import finish, flag_rows
from paintrace.web.pages.state import (
    SINCE_CHOICES,
    Interview,
)
from paintrace.web.pdf import plan_pdf_response
from paintrace.zones import local_day

# --------------------------------------------------------------------------- body map


@never_cache
@require_http_methods(["GET", "POST"])
def bodymap_page(request: HttpRequest) -> HttpResponse:
    """The drawing: a picture to tap, and the same choices as a plain list of checkboxes."""
    current = Interview.load(request.session)
    if request.method == "POST":
        form = DrawingForm(request.POST)
        if form.is_valid():
            interview = Interview(
                form.cleaned_data["drawing"],
                form.cleaned_data["patient"],
                about=form.cleaned_data["about"],
            )
            interview.save(request.session)
            screen = interview.screen(0)
            if screen.kind == "done":
                return finish(request, interview, screen)
            return redirect("pt-interview")
        drawing = form.drawing_from_data()
    else:
        initial = {**current.patient, **current.about} if current else {}
        form = DrawingForm(initial=initial)
        drawing = current.drawing if current else {}
    known = bodymap.region_ids()
    marks = {rid: syms for rid, syms in drawing.items() if rid in known}
    context = {
        "form": form,
        "picture": present.drawing_picture(marks),
        "legend": present.safe(bodymap.legend_html(zones=False, points=False)),
        "groups": present.region_groups(marks),
        "symptoms": present.symptom_choices(),
        "region_count": len(known),
        "restarting": current is not None and bool(current.steps),
        "pain_choices": [str(n) for n in range(11)],
        "pain_value": "" if form["pain"].value() in (None, "") else str(form["pain"].value()),
        "since_choices": form.fields["since"].choices,
    }
    status = 400 if form.is_bound and not form.is_valid() else 200
    return render(request, "paintrace/bodymap.html", context, status=status)


# --------------------------------------------------------------------------- result


def _get_or_404(aid: str, *, with_pdf: bool = False) -> Any:
    saved = store.get(aid, with_pdf=with_pdf)
    if saved is None:
        raise Http404("No assessment with this link. It may have been deleted.")
    return saved


def open_warning_signs(saved: Any) -> list[str]:
    """The warning signs that apply and were not answered (the result is always worked out
    from the stored input, so it always names them)."""
    return [str(fid) for fid in saved.result["triage"]["unanswered"]]


def _open_flag_groups(kb: Knowledge, unanswered: Sequence[str]) -> list[dict[str, Any]]:
    groups = []
    for t in warning_signs.themes():
        flags = [fid for fid in t.findings if fid in unanswered]
        if flags:
            groups.append({"theme": t, "rows": flag_rows(kb, flags, {})})
    return groups


SINCE_WORDS = dict(SINCE_CHOICES)


def _in_account(request: HttpRequest, saved: Any) -> bool:
    """Whether the person looking keeps this assessment in their account (then the page says
    so instead of offering to save it): one small query, and only for someone logged in."""
    return bool(request.user.is_authenticated and accounts.has_saved(request.user, saved.id))


def _result_context(
    request: HttpRequest,
    saved: Any,
    *,
    read_only: bool = False,
    link_id: str | None = None,
    in_account: bool = False,
) -> dict[str, Any]:
    """What result.html shows. `read_only` (a view-only link): no answer forms, no save, no
    delete, and neither the secret id nor any link or form that contains it. `link_id`: what
    to put where the secret id goes (the page cache renders with a placeholder). `in_account`:
    the person looking keeps it (`_in_account`; the owner's page keys its cache on it)."""
    link_id = saved.id if link_id is None else link_id
    kb = load_knowledge()
    res = saved.result
    inp = saved.input
    drawing = inp.get("drawing") or {}
    findings = inp.get("findings") or {}
    triage = res["triage"]
    level = triage["level"]
    unanswered = open_warning_signs(saved)
    causes = [c.get("name", "") for c in triage.get("serious_causes") or []]
    calm = level in ("soon", "self-care")
    leading, others = (
        present.source_rows(kb, res.get("sources") or [], drawing, pictures=True)
        if level != "emergency"
        else ([], [])
    )
    skipped = res.get("next_question")
    if skipped and skipped.get("finding") in unanswered:
        skipped = None  # an open warning sign is asked in the warning-sign form instead
    context = {
        "aid": link_id,
        "created_at": saved.created_at,
        "level": level,
        "triage": triage,
        "unanswered": unanswered,
        "open_groups": _open_flag_groups(kb, unanswered) if level != "emergency" else [],
        "causes": causes,
        "seen": present.drawing_summary(drawing),
        "answers": present.answers_summary(kb, findings),
        "unknown": present.unknown_summary(kb, getattr(saved, "unknown", None) or []),
        "said_yes": present.answers_summary(kb, findings, only_yes=True),
        "pain_score": saved.pain_score,
        "pain_since": SINCE_WORDS.get(saved.pain_since, ""),
        "show_sources": level != "emergency",
        "sources": leading,
        "other_sources": others,
        "skipped": skipped if level != "emergency" else None,
        "plan": selfcare.plan_view(kb, res.get("plan"), drawing)
        if calm and not unanswered
        else None,
        "plan_waits": calm and bool(unanswered) and bool(res.get("plan")),
        "emergency_number": settings.EMERGENCY_NUMBER,
        "tell_them": present.tell_them(kb, drawing, findings) if level == "emergency" else "",
        "share_url": ""
        if read_only
        else request.build_absolute_uri(reverse("pt-result", args=[link_id])),
        "in_account": in_account and not read_only,
    }
    if read_only:
        context.update(aid=None, share_url="", open_groups=[], skipped=None, read_only=True)
    return context


@never_cache
@require_http_methods(["GET"])
def result(request: HttpRequest, aid: str) -> HttpResponse:
    """The triage banner first; at emergency, nothing else competes with it. Served from the
    page cache when this version was shown the same way before (the row is read first)."""
    saved = _get_or_404(aid)
    in_account = _in_account(request, saved)  # in the cache key: a saved one is never offered
    return page_cache.serve(
        request,
        saved,
        "paintrace/result.html",
        lambda link_id: _result_context(request, saved, link_id=link_id, in_account=in_account),
        variant=("owner", in_account),
    )


@never_cache
@require_http_methods(["POST"])
def answer(request: HttpRequest, aid: str) -> HttpResponse:
    """Answers given on the result page (open warning signs, a skipped question): the result is
    worked out again with them and saved under the same link."""
    saved = _get_or_404(aid)
    kb = load_knowledge()
    findings: dict[str, bool] = dict(saved.input.get("findings") or {})
    unknown = set(saved.unknown or [])
    given: dict[str, bool | None] = {}
    for fid in open_warning_signs(saved):
        ok, value = parse_answer(request.POST.get(RED_FLAG_PREFIX + fid))
        if ok:
            given[fid] = value
    fid = request.POST.get("finding")
    if fid in kb.findings and fid not in findings:
        ok, value = parse_answer(request.POST.get("answer"))
        if ok:
            given[fid] = value
    if not given:
        context = _result_context(request, saved, in_account=_in_account(request, saved))
        context["answer_error"] = (
            "Choose yes, no or “I don't know” for at least one question, then update your result."
        )
        return render(request, "paintrace/result.html", context, status=400)
    for fid, value in given.items():
        if value is None:
            unknown.add(fid)
        else:
            findings[fid] = value
            unknown.discard(fid)
    inp = parse_input({**saved.input, "findings": findings})
    res = assess_input(inp, skip=unknown - set(findings))
    store.update(saved, inp, res.to_dict(), unknown)
    page_cache.forget(saved)  # the old version's pages would never be served again anyway
    messages.success(request, "Your result has been updated with your answers.")
    return redirect("pt-result", aid=saved.id)


@never_cache
@require_http_methods(["GET", "POST"])
def delete(request: HttpRequest, aid: str) -> HttpResponse:
    """Delete for good, after a confirm step that needs no JavaScript."""
    saved = _get_or_404(aid)
    if request.method == "POST" and request.POST.get("confirm") == "yes":
        store.delete(saved.id)
        messages.success(request, "Your assessment has been deleted for good.")
        return redirect("pt-bodymap")
    return render(request, "paintrace/delete.html", {"aid": saved.id})


# --------------------------------------------------------------------------- self-care


def _no_plan(request: HttpRequest, saved: Any, kind: str) -> HttpResponse:
    context = {
        "aid": saved.id,
        "level": saved.result["triage"]["level"],
        "kind": kind,
        "open_flags": bool(open_warning_signs(saved)),
    }
    return render(request, "paintrace/session_none.html", context, status=404)


@never_cache
@require_http_methods(["GET"])
def session(request: HttpRequest, aid: str) -> HttpResponse:
    """Today's routine step by step: a checklist without JavaScript, a timed guide with it."""
    saved = _get_or_404(aid)
    # the plan's first day on the reader's calendar (theirs when logged in, else the server's)
    started = local_day(saved.created_at, timezone.get_current_timezone())
    view = selfcare.session_view(plan_to_show(saved.result), started)
    if view is None:
        return _no_plan(request, saved, "session")
    context = {"aid": saved.id, "session": view}
    return render(request, "paintrace/session.html", context)


@never_cache
@require_http_methods(["GET"])
def plan_pdf(request: HttpRequest, aid: str) -> HttpResponse:
    """The printable handout (the same bytes as GET /api/assessments/{id}/plan.pdf)."""
    saved = _get_or_404(aid, with_pdf=True)
    if not saved.result.get("plan"):
        return _no_plan(request, saved, "pdf")
    return plan_pdf_response(saved, request)


@require_http_methods(["GET"])
def faq(request: HttpRequest) -> HttpResponse:
    """Plain answers to the questions people ask about massage and sciatica, with sources."""
    return render(
        request, "paintrace/faq.html", {"entries": selfcare.faq_entries(load_knowledge())}
    )
