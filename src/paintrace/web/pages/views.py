"""The pages: body map, interview, result. Thin: the core decides, these views only route."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from paintrace import bodymap
from paintrace.knowledge import load_knowledge
from paintrace.web import store
from paintrace.web.pages import present, selfcare
from paintrace.web.pages.forms import (
    RED_FLAG_PREFIX,
    DrawingForm,
    answer_value,
    parse_answer,
)
from paintrace.web.pages.state import QUESTION, RED_FLAGS, Interview, Screen, Step, red_flag_ids
from paintrace.web.pdf import plan_pdf_response

# --------------------------------------------------------------------------- body map


@require_http_methods(["GET", "POST"])
def bodymap_page(request: HttpRequest) -> HttpResponse:
    """The drawing: a picture to tap, and the same choices as a plain list of checkboxes."""
    current = Interview.load(request.session)
    if request.method == "POST":
        form = DrawingForm(request.POST)
        if form.is_valid():
            interview = Interview(form.cleaned_data["drawing"], form.cleaned_data["patient"])
            interview.save(request.session)
            screen = interview.screen(0)
            if screen.kind == "done":
                return _finish(request, interview, screen)
            return redirect("pt-interview")
        drawing = form.drawing_from_data()
    else:
        initial = current.patient if current else {}
        form = DrawingForm(initial=initial)
        drawing = current.drawing if current else {}
    known = bodymap.region_ids()
    marks = {rid: syms for rid, syms in drawing.items() if rid in known}
    context = {
        "form": form,
        "picture": present.safe(bodymap.render_all(marks=marks, interactive=True)),
        "legend": present.safe(bodymap.legend_html(zones=False, points=False)),
        "groups": present.region_groups(marks),
        "symptoms": present.symptom_choices(),
        "region_count": len(known),
        "restarting": current is not None and bool(current.steps),
    }
    status = 400 if form.is_bound and not form.is_valid() else 200
    return render(request, "paintrace/bodymap.html", context, status=status)


# --------------------------------------------------------------------------- interview


def _step_url(step: int) -> str:
    return f"{reverse('pt-interview')}?step={step}"


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _finish(request: HttpRequest, interview: Interview, screen: Screen) -> HttpResponse:
    """Save the assessment, forget the interview, and go to the result."""
    saved = store.save(interview.input(), screen.result.to_dict())
    Interview.clear(request.session)
    url = reverse("pt-result", args=[saved.id])
    if _is_htmx(request):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return HttpResponseRedirect(url)


def _requested_step(request: HttpRequest, interview: Interview, source: Any) -> int:
    try:
        step = int(source.get("step", len(interview.steps)))
    except (TypeError, ValueError):
        step = len(interview.steps)
    return min(max(step, 0), len(interview.steps))


@require_http_methods(["GET", "POST"])
def interview(request: HttpRequest) -> HttpResponse:
    """One screen per step; answering a step again drops the steps after it."""
    state = Interview.load(request.session)
    if state is None:
        messages.info(request, "Start by marking where you feel your symptoms.")
        return redirect("pt-bodymap")
    if request.method == "GET":
        step = _requested_step(request, state, request.GET)
        screen = state.screen(step)
        if screen.kind == "done":
            return _finish(request, state, screen)
        return _render_step(request, state, step, screen)

    step = _requested_step(request, state, request.POST)
    screen = state.screen(step)
    if screen.kind == "done":
        return _finish(request, state, screen)
    if screen.kind == RED_FLAGS:
        posted, missing = _checklist_answers(request)
        said_yes = [fid for fid, value in posted.items() if value is True]
        if request.POST.get("action") == "none":
            if said_yes:
                # "None of these" must never silently overwrite a warning sign answered "yes".
                return _render_step(
                    request, state, step, screen, posted=posted, conflict=said_yes, status=400
                )
            answers: dict[str, bool | None] = {fid: False for fid in red_flag_ids()}
        elif missing:
            return _render_step(
                request, state, step, screen, posted=posted, missing=missing, status=400
            )
        else:
            answers = posted
        state.answer(step, Step(RED_FLAGS, answers))
    else:
        assert screen.question is not None
        ok, value = parse_answer(request.POST.get("answer"))
        if request.POST.get("finding") != screen.question.finding or not ok:
            # A stale or tampered form: show the step again rather than guess.
            return redirect(_step_url(step))
        state.answer(step, Step(QUESTION, {screen.question.finding: value}))
    state.save(request.session)
    nxt = len(state.steps)
    following = state.screen(nxt)
    if following.kind == "done":
        return _finish(request, state, following)
    return redirect(_step_url(nxt))


def _back_label(state: Interview, step: int) -> str:
    if step == 0:
        return "Back to your drawing"
    if state.steps[step - 1].kind == RED_FLAGS:
        return "Back to the warning signs"
    return "Back to the previous question"


def _checklist_answers(request: HttpRequest) -> tuple[dict[str, bool | None], list[str]]:
    """The checklist's posted answers, and the red flags left unanswered."""
    answers: dict[str, bool | None] = {}
    missing = []
    for fid in red_flag_ids():
        ok, value = parse_answer(request.POST.get(RED_FLAG_PREFIX + fid))
        if ok:
            answers[fid] = value
        else:
            missing.append(fid)
    return answers, missing


def _render_step(
    request: HttpRequest,
    state: Interview,
    step: int,
    screen: Screen,
    *,
    posted: dict[str, bool | None] | None = None,
    missing: list[str] | None = None,
    conflict: list[str] | None = None,
    status: int = 200,
) -> HttpResponse:
    kb = load_knowledge()
    previous = state.steps[step].answers if step < len(state.steps) else {}
    if posted is not None:
        previous = posted
    max_questions = kb.model.max_questions
    answered = state.questions_answered(step)
    context: dict[str, Any] = {
        "step": step,
        "back_url": _step_url(step - 1) if step > 0 else reverse("pt-bodymap"),
        "first": step == 0,
        "back_label": _back_label(state, step),
        "progress_value": answered + (0 if screen.kind == RED_FLAGS else 1),
        "progress_max": max_questions + 1,
        "question_number": answered + 1,
        "max_questions": max_questions,
        "missing": missing or [],
        "conflict": conflict or [],
        "level": screen.result.triage.level,
    }
    if screen.kind == RED_FLAGS:
        context["kind"] = "red-flags"
        context["progress_value"] = 0
        context["red_flags"] = [
            {
                "id": fid,
                "question": kb.findings[fid].question,
                "help": kb.findings[fid].help,
                "answer": answer_value(previous[fid]) if fid in previous else "",
                "missing": fid in (missing or []),
                "conflict": fid in (conflict or []),
            }
            for fid in red_flag_ids()
        ]
        template = "paintrace/redflags.html"
    else:
        q = screen.question
        assert q is not None
        finding = kb.findings[q.finding]
        test = finding.self_test
        context.update(
            {
                "kind": "question",
                "question": q,
                "self_test": test,
                "figure": present.figure(test.figure) if test else None,
                "answer": answer_value(previous[q.finding]) if q.finding in previous else "",
            }
        )
        template = "paintrace/question.html"
    return render(request, template, context, status=status)


# --------------------------------------------------------------------------- result


def _get_or_404(aid: str) -> Any:
    saved = store.get(aid)
    if saved is None:
        raise Http404("No assessment with this link. It may have been deleted.")
    return saved


@require_http_methods(["GET"])
def result(request: HttpRequest, aid: str) -> HttpResponse:
    """The triage banner first; at emergency, nothing else competes with it."""
    saved = _get_or_404(aid)
    kb = load_knowledge()
    res = saved.result
    inp = saved.input
    drawing = inp.get("drawing") or {}
    level = res["triage"]["level"]
    calm = level in ("soon", "self-care")
    leading, others = (
        present.source_rows(kb, res.get("sources") or [], drawing, pictures=True)
        if level != "emergency"
        else ([], [])
    )
    context = {
        "aid": saved.id,
        "created_at": saved.created_at,
        "level": level,
        "triage": res["triage"],
        "seen": present.drawing_summary(drawing),
        "answers": present.answers_summary(kb, inp.get("findings") or {}),
        "said_yes": present.answers_summary(kb, inp.get("findings") or {}, only_yes=True),
        "show_sources": level != "emergency",
        "sources": leading,
        "other_sources": others,
        "plan": selfcare.plan_view(kb, res.get("plan"), drawing) if calm else None,
        "share_url": request.build_absolute_uri(reverse("pt-result", args=[saved.id])),
    }
    return render(request, "paintrace/result.html", context)


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


def _calm_plan(saved: Any) -> dict[str, Any] | None:
    """The saved plan, only where the result page shows one (never at emergency or urgent)."""
    res = saved.result
    if res["triage"]["level"] not in ("soon", "self-care"):
        return None
    plan = res.get("plan")
    return plan if isinstance(plan, dict) and plan else None


@require_http_methods(["GET"])
def session(request: HttpRequest, aid: str) -> HttpResponse:
    """Today's routine step by step: a checklist without JavaScript, a timed guide with it."""
    saved = _get_or_404(aid)
    view = selfcare.session_view(_calm_plan(saved), saved.created_at)
    if view is None:
        context = {"aid": saved.id, "level": saved.result["triage"]["level"], "kind": "session"}
        return render(request, "paintrace/session_none.html", context, status=404)
    context = {"aid": saved.id, "session": view}
    return render(request, "paintrace/session.html", context)


@require_http_methods(["GET"])
def plan_pdf(request: HttpRequest, aid: str) -> HttpResponse:
    """The printable handout (the same bytes as GET /api/assessments/{id}/plan.pdf)."""
    saved = _get_or_404(aid)
    plan = saved.result.get("plan")
    if not plan:
        context = {"aid": saved.id, "level": saved.result["triage"]["level"], "kind": "pdf"}
        return render(request, "paintrace/session_none.html", context, status=404)
    return plan_pdf_response(plan)


@require_http_methods(["GET"])
def faq(request: HttpRequest) -> HttpResponse:
    """Plain answers to the questions people ask about massage and sciatica, with sources."""
    return render(
        request, "paintrace/faq.html", {"entries": selfcare.faq_entries(load_knowledge())}
    )
