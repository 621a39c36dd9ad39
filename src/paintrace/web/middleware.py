"""Response headers Django 5.2 does not set itself: the Content-Security-Policy, no-store and
noindex on everything the app answers; gzip for HTML pages; HEAD answered as GET; a page for
the 405 of a form's address opened on its own.

The policy forbids inline scripts and styles and every third-party origin, so an injected
``<script>`` cannot run and no page can make the browser talk to anyone but this server.
X-Frame-Options, Referrer-Policy and nosniff come from Django's own settings; they are set
here too as a floor, in case a deployment edits those settings.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.middleware.gzip import GZipMiddleware

from paintrace.web.private_headers import NO_INDEX, NO_STORE

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "frame-ancestors 'none'",
        "base-uri 'self'",
        "form-action 'self'",
    ]
)

SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "X-Content-Type-Options": "nosniff",
    # Django's SecurityMiddleware sends it on the app's pages; named here too, so the answers
    # made outside Django (the body-size guard, nginx's copies in docs/deploy.md) carry it
    "Cross-Origin-Opener-Policy": "same-origin",
}


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response


class PrivacyHeadersMiddleware:
    """Health data must not be stored by caches nor indexed by search engines.

    Every response the app itself makes (static files are answered by WhiteNoise before this
    runs) gets ``X-Robots-Tag: noindex, nofollow`` and, unless the view chose its own caching,
    ``Cache-Control: no-store``: pages, API answers, PDFs and errors alike.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers["X-Robots-Tag"] = NO_INDEX
        cache_control = response.headers.get("Cache-Control", "")
        if NO_STORE not in cache_control and "public" not in cache_control:
            response.headers["Cache-Control"] = NO_STORE
        return response


class HtmlGZipMiddleware(GZipMiddleware):
    """gzip for HTML pages answered to GET (the body map page: 81 KB -> 12 KB).

    BREACH needs a secret and attacker-chosen text in the same compressed response. Responses to
    GET reflect no request input; Django masks the CSRF token afresh in every response, and its
    GZipMiddleware pads each response with random bytes ("Heal The Breach"). Responses to POST,
    which may echo what was sent (a form shown again with its errors), are never compressed.
    JSON is left alone: API answers are small and clients rarely ask for gzip.
    """

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        if request.method != "GET" or not response.get("Content-Type", "").startswith("text/html"):
            return response
        return super().process_response(request, response)


class HeadAsGetMiddleware:
    """HEAD is answered as GET, without the body, on every page and API address.

    Uptime monitors and link checkers ask with HEAD; the views' method checks (and ninja) list
    only GET and refuse it with a 405. Inside, the request is a GET, so it passes the same checks
    (CSRF and the rate limits let GET through uncounted, and a HEAD changes nothing a GET would
    not). The answer keeps the GET's headers, its Content-Length included, compressed or not;
    a 405's ``Allow`` names HEAD wherever it names GET.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method != "HEAD":
            return _allow_head(self.get_response(request))
        request.method = "GET"
        try:
            response = self.get_response(request)
        finally:
            request.method = "HEAD"
        if not response.streaming:
            response["Content-Length"] = str(len(response.content))
            response.content = b""
        return response


class NotAllowedPageMiddleware:
    """A page address opened with GET that takes only POST (a form's address: a refused answer
    leaves it in the address bar, and history or a restored tab opens it again) was answered
    with Django's empty 405, a blank page with no way on. It now gets a page in the site's
    layout, with the same status and ``Allow``. The API's 405 is JSON (paintrace.web.api_edges);
    other methods are sent by scripts, not by someone reading, and keep the empty answer.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            response.status_code != 405
            or request.method != "GET"
            or request.path.startswith("/api/")
            or response.content
        ):
            return response
        from django.shortcuts import render

        match = request.resolver_match
        page = render(request, "405.html", {"aid": match.kwargs.get("aid") if match else None})
        page.status_code = 405
        page["Allow"] = response["Allow"]
        return page


def allowed_methods(response: HttpResponse) -> list[str]:
    """A 405's ``Allow`` as a list, with HEAD wherever GET is: HEAD is answered as GET."""
    allowed = [m.strip() for m in response.get("Allow", "").split(",") if m.strip()]
    if "GET" in allowed and "HEAD" not in allowed:
        allowed.append("HEAD")
    return allowed


def _allow_head(response: HttpResponse) -> HttpResponse:
    if response.status_code == 405:
        response["Allow"] = ", ".join(allowed_methods(response))
    return response
