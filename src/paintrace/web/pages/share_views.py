"""Sharing the journal with a clinician: the read-only link's page and its one-page PDF, the
owner's own PDF, and the page that makes, lists and revokes the links.

The pages show what the progress page shows (account_views.progress_context), read-only; the
account behind a link is found by the link's secret alone (paintrace.web.accounts).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from paintrace.errors import InputError
from paintrace.knowledge import load_knowledge
from paintrace.plan import plan_to_show
from paintrace.reassess import STATUS_WORDS
from paintrace.triage import open_questions
from paintrace.typed_text import whole_number
from paintrace.web import accounts
from paintrace.web.pages.account_views import map_period, progress_context, source_name


def _shared_user(token: str) -> Any:
    found = accounts.shared_account(token)
    if found is None:
        raise Http404("No such link (it may have been revoked).")
    user, valid = found
    return user if valid else None


@never_cache
@require_http_methods(["GET", "HEAD"])
def shared_page(request: HttpRequest, token: str) -> HttpResponse:
    """The clinician summary behind a share link: read-only, no forms, no links to change."""
    user = _shared_user(token)
    if user is None:
        return render(request, "paintrace/account/share_gone.html", {}, status=410)
    context = progress_context(user, map_period(request))
    context.update(shared=True, token=token)
    return render(request, "paintrace/account/shared.html", context)


def _clinician_pdf(request: HttpRequest, user: Any) -> HttpResponse:
    from paintrace.web.pages import clinician_pdf

    return clinician_pdf.response(request, user, lambda: _clinician_pdf_html(request, user))


def _clinician_pdf_html(request: HttpRequest, user: Any) -> str:
    """The page the clinician's PDF is made from: what it shows, and all it depends on."""
    from django.template.loader import render_to_string

    context = progress_context(user)
    saved = context["assessment"]
    context["plan"] = (plan_to_show(saved.result) or {}) if saved else {}
    unanswered = saved.result["triage"]["unanswered"] if saved else []
    context["open_questions"] = open_questions(load_knowledge(), unanswered)
    context["status_words"] = STATUS_WORDS.get(context["summary"]["status"], "")
    context["ranking"] = (
        [
            {"name": source_name(s["id"]), "probability": s["probability"]}
            for s in saved.result.get("sources", [])[:5]
        ]
        if saved
        else []
    )
    return render_to_string("paintrace/account/clinician_pdf.html", context, request=request)


@never_cache
@require_http_methods(["GET", "HEAD"])
def shared_pdf(request: HttpRequest, token: str) -> HttpResponse:
    user = _shared_user(token)
    if user is None:
        return render(request, "paintrace/account/share_gone.html", {}, status=410)
    return _clinician_pdf(request, user)


@never_cache
@login_required
def summary_pdf(request: HttpRequest) -> HttpResponse:
    return _clinician_pdf(request, request.user)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def shares_page(request: HttpRequest) -> HttpResponse:
    """Make a link for a clinician (1-30 days), see the links, revoke them."""
    new_url = ""
    if request.method == "POST":
        if whole_number(request.POST.get("revoke", "")):
            accounts.revoke_share(request.user, int(request.POST["revoke"]))
            messages.success(request, "The link no longer works.")
            return redirect("pt-shares")
        days = request.POST.get("days", "")
        if whole_number(days) and 1 <= int(days) <= 30:
            try:
                _, url = accounts.create_share(request.user, int(days))
            except InputError as exc:  # too many live links (paintrace.web.quotas)
                messages.error(request, exc.message)
                return redirect("pt-shares")
            new_url = request.build_absolute_uri(url)
    context = {
        "shares": accounts.shares(request.user),
        "new_url": new_url,
        "choices": [1, 7, 14, 30],
    }
    return render(request, "paintrace/account/shares.html", context)
