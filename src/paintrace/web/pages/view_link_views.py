"""View-only links to one assessment: made and revoked from its secret link (/a/<id>/views/),
opened at /v/<token>/ (read-only: no forms, no save, no delete, never the secret id).

The logic is paintrace.web.view_links; these views only render it.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from paintrace.typed_text import whole_number
from paintrace.web import store, view_links
from paintrace.web.pages import page_cache
from paintrace.web.pages.views import _result_context
from paintrace.web.pdf import plan_pdf_response


def _get_or_404(aid: str) -> store.Saved:
    saved = store.get(aid)
    if saved is None:
        raise Http404("No assessment with this link. It may have been deleted.")
    return saved


def _days(raw: str) -> int | None:
    raw = raw.strip()
    days = int(raw) if whole_number(raw) and len(raw) <= 3 else None
    return days if view_links.valid_days(days) else None


@never_cache
@require_http_methods(["GET", "POST"])
def view_links_page(request: HttpRequest, aid: str) -> HttpResponse:
    """Make a view-only link (1-30 days; shown once), see the live ones, revoke one."""
    saved = _get_or_404(aid)
    context: dict[str, Any] = {"aid": saved.id, "new_url": "", "error": ""}
    status = 200
    if request.method == "POST":
        revoke = request.POST.get("revoke", "")
        if revoke:
            if whole_number(revoke) and view_links.revoke(aid, int(revoke)):
                messages.success(request, "That view-only link no longer works.")
            else:
                messages.error(request, "That link was already revoked or has expired.")
            return redirect("pt-view-links", aid=saved.id)
        days = _days(request.POST.get("days", ""))
        if days is None:
            context["error"] = "Choose how many days the link works: a whole number from 1 to 30."
            status = 400
        else:
            try:
                made = view_links.create(aid, days)
            except view_links.TooMany:
                made = None
                context["error"] = (
                    f"You have {view_links.MAX_LINKS} view-only links already. Revoke one first."
                )
                status = 400
            if made is not None:
                link, token = made
                context["new_url"] = request.build_absolute_uri(view_links.url(token))
                context["new_expires"] = link.expires_at
    context["links"] = view_links.links(aid)
    return render(request, "paintrace/view_links.html", context, status=status)


@never_cache
@require_http_methods(["GET", "HEAD"])
def view_only(request: HttpRequest, token: str) -> HttpResponse:
    """The result behind a view-only link: read-only; 404 once revoked or deleted, 410 once
    expired."""
    opened = view_links.open_link(token)
    if opened.gone:
        return render(request, "paintrace/view_gone.html", {}, status=410)
    if opened.saved is None:
        raise Http404("No such link. It may have been revoked, or the result deleted.")
    saved, expires = opened.saved, opened.expires_at

    def context(link_id: str) -> dict[str, Any]:
        # read_only: built without the secret id, so `link_id` is never used
        return {**_result_context(request, saved, read_only=True), "view_expires": expires}

    # The page shows the link's expiry date: links to one assessment differ only in that.
    variant = ("view-only", expires.isoformat() if expires else "")
    return page_cache.serve(request, saved, "paintrace/result.html", context, variant)


@never_cache
@require_http_methods(["GET", "HEAD"])
def view_only_pdf(request: HttpRequest, token: str) -> HttpResponse:
    """The plan handout behind a view-only link: the same bytes as the owner's download
    (rendered once per version and kept sealed), 404/410 exactly like the page."""
    opened = view_links.open_link(token, with_pdf=True)
    if opened.gone:
        return render(request, "paintrace/view_gone.html", {}, status=410)
    if opened.saved is None:
        raise Http404("No such link. It may have been revoked, or the result deleted.")
    if not opened.saved.result.get("plan"):
        raise Http404("This result has no self-care plan to download.")
    return plan_pdf_response(opened.saved, request)
