"""The interview's pages: one screen per step, warning signs first, then the questions.

The steps live in the session (paintrace.web.pages.state) until the assessment is saved; htmx
swaps each screen in, and every step also works as a plain form without JavaScript.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from paintrace.assessment import add_plan
from paintrace.knowledge import load_knowledge
from paintrace.knowledge.schema import Knowledge
from paintrace.web import ratelimit, store
from paintrace.web.pages import present
from paintrace.web.pages.forms import RED_FLAG_PREFIX, answer_value, parse_answer
from paintrace.web.pages.state import QUESTION, RED_FLAGS, Interview, Screen, Step


def _step_url(step: int) -> str:
    return f"{reverse('pt-interview')}?step={step}"


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def finish(request: HttpRequest, interview: Interview, screen: Screen) -> HttpResponse:
    """Save the assessment, forget the interview, and go to the result.

    When the person stopped early, the result keeps its `next_question`: the question that was
    still open, which the result page names. Saving counts against the same ``assessment``
    limit as the API's (the steps before it are only interview steps); over it, the interview
    stays in the session to be finished later.
    """
    wait = ratelimit.hit(request, "assessment")
    if wait:
        return ratelimit.too_many(request, wait)
    saved = store.save(
        interview.input(len(interview.steps)),
        add_plan(screen.result).to_dict(),  # a screen's result has no plan (Interview.assess)
        unknown=interview.skipped(),
        about=interview.about,
    )
    Interview.clear(request.session)
    return _leave_interview(request, reverse("pt-result", args=[saved.id]))


def _leave_interview(request: HttpRequest, url: str) -> HttpResponse:
    """A redirect out of the interview. For htmx, a full page load (HX-Redirect): a swap would
    keep the interview's head, without the scripts of the page it goes to."""
    if _is_htmx(request):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return HttpResponseRedirect(url)


def _requested_step(interview: Interview, source: Any) -> int | None:
    """The step asked for, or None when it is not a step the person can be at."""
    raw = source.get("step")
    if raw is None:
        return len(interview.steps)
    try:
        step = int(raw)
    except (TypeError, ValueError):
        return None
    return step if 0 <= step <= len(interview.steps) else None


@never_cache
@require_http_methods(["GET", "POST"])
def interview(request: HttpRequest) -> HttpResponse:
    """One screen per step; answering a step again drops the steps after it."""
    state = Interview.load(request.session)
    if state is None:
        messages.info(request, "Start by marking where you feel your symptoms.")
        return _leave_interview(request, reverse("pt-bodymap"))
    source = request.GET if request.method == "GET" else request.POST
    step = _requested_step(state, source)
    if step is None:
        # A made-up, stale or edited step number: go to where the person really is.
        return redirect(_step_url(len(state.steps)))
    screen = state.screen(step)
    if screen.kind == "done":
        return finish(request, state, screen)
    if request.method == "GET":
        return _render_step(request, state, step, screen)

    if screen.kind == RED_FLAGS:
        assert screen.theme is not None
        if request.POST.get("theme") != screen.theme.id:
            return redirect(_step_url(step))  # a stale form: show the step again
        posted, missing = _checklist_answers(request, screen.flags)
        said_yes = [fid for fid, value in posted.items() if value is True]
        if request.POST.get("action") == "none":
            if said_yes:
                # "None of these" must never silently overwrite a warning sign answered "yes".
                return _render_step(
                    request, state, step, screen, posted=posted, conflict=said_yes, status=400
                )
            # ... nor turn one marked "I don't know" into a no: unknown is never no.
            answers: dict[str, bool | None] = {
                fid: None if fid in posted and posted[fid] is None else False
                for fid in screen.flags
            }
        elif missing:
            return _render_step(
                request, state, step, screen, posted=posted, missing=missing, status=400
            )
        else:
            answers = posted
        state.answer(step, Step(RED_FLAGS, answers, screen.theme.id))
    else:
        assert screen.question is not None
        if request.POST.get("finding") != screen.question.finding:
            return redirect(_step_url(step))  # a stale or tampered form: show it again
        if request.POST.get("action") == "stop":
            # "Show my result now": the answers so far; the open question is named there.
            del state.steps[step:]
            return finish(request, state, screen)
        ok, value = parse_answer(request.POST.get("answer"))
        if not ok:
            return redirect(_step_url(step))
        state.answer(step, Step(QUESTION, {screen.question.finding: value}))
    state.save(request.session)
    nxt = len(state.steps)
    following = state.screen(nxt)
    if following.kind == "done":
        return finish(request, state, following)
    return redirect(_step_url(nxt))


def _back_label(state: Interview, step: int) -> str:
    if step == 0:
        return "Back to your drawing"
    if state.steps[step - 1].kind == RED_FLAGS:
        return "Back to the warning signs"
    return "Back to the previous question"


def _checklist_answers(
    request: HttpRequest, flags: Sequence[str]
) -> tuple[dict[str, bool | None], list[str]]:
    """The posted answers to the given warning signs, and those left unanswered."""
    answers: dict[str, bool | None] = {}
    missing = []
    for fid in flags:
        ok, value = parse_answer(request.POST.get(RED_FLAG_PREFIX + fid))
        if ok:
            answers[fid] = value
        else:
            missing.append(fid)
    return answers, missing


def flag_rows(
    kb: Knowledge,
    flags: Sequence[str],
    previous: Mapping[str, bool | None],
    missing: Sequence[str] = (),
    conflict: Sequence[str] = (),
) -> list[dict[str, Any]]:
    """Warning-sign questions as the checklist shows them (the step and the result page)."""
    return [
        {
            "id": fid,
            "question": kb.findings[fid].question,
            "help": kb.findings[fid].help,
            "answer": answer_value(previous[fid]) if fid in previous else "",
            "missing": fid in missing,
            "conflict": fid in conflict,
        }
        for fid in flags
    ]


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
    answered = state.questions_answered(step)
    assert screen.question is not None
    left = max(screen.question.remaining, 1)
    context: dict[str, Any] = {
        "step": step,
        "back_url": _step_url(step - 1) if step > 0 else reverse("pt-bodymap"),
        "first": step == 0,
        "back_label": _back_label(state, step),
        "progress_value": answered,
        "progress_max": answered + left,
        "question_number": answered + 1,
        "remaining": left,
        "missing": missing or [],
        "conflict": conflict or [],
        "level": screen.result.triage.level,
    }
    if screen.kind == RED_FLAGS:
        assert screen.theme is not None
        context.update(
            {
                "kind": "red-flags",
                "theme": screen.theme,
                "theme_number": screen.theme_number,
                "theme_count": screen.theme_count,
                "progress_value": screen.theme_number - 1,
                "progress_max": screen.theme_count,
                "red_flags": flag_rows(kb, screen.flags, previous, missing or (), conflict or ()),
            }
        )
        template = "paintrace/redflags.html"
    else:
        q = screen.question
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
