"""Rate limits per client: every write counts against a scope, over the limit is a 429.

Scopes and their limits come from ``settings.RATE_LIMITS`` (``PAINTRACE_RATE_LIMITS``), e.g.
``assessment=10/m+120/h``: at most 10 a minute and 120 an hour. Each rule is a fixed window
counted in the ``ratelimit`` cache, keyed by a hash of the client's address (an IPv6 client by
its /64, which one household gets).

Use it three ways:

* :class:`RateLimitMiddleware` (in MIDDLEWARE) limits every unsafe request (POST, PUT, PATCH,
  DELETE): the routes in :data:`ROUTE_SCOPES` by their scope, any other write by ``write``;
* :func:`limit` as a decorator for a view: ``@limit("checkin")``;
* :func:`hit` where the scope depends on what happens (``hit(request, "login")`` after a failed
  log-in): it counts and returns the seconds to wait, or None.
"""

from __future__ import annotations

import functools
import hashlib
import ipaddress
import math
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse, JsonResponse

UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})

# view names (resolver_match.view_name) -> scope; other writes fall into "write". A route that
# takes writes of different kinds is named with its method ("<name> <METHOD>"): log in and log
# out share /api/auth/token, and logging out must not use up the log-in limit.
ROUTE_SCOPES = {
    "api:create_assessment": "assessment",
    "api:interview_next": "interview",
    "api:read_assessment": "change",  # DELETE (GET is not counted)
    "api:create_account": "login",
    "api:create_token POST": "login",
    "api:create_entry": "checkin",
    "api:read_entry PATCH": "checkin",  # /api/journal/entries/{id}: its change and delete
    "api:read_entry DELETE": "checkin",
    "pt-signup": "login",
    "pt-login": "login",
    "pt-password": "login",  # these two check the current password, which axes does not watch
    "pt-account-delete": "login",
    "pt-checkin": "checkin",
    "pt-entry": "checkin",  # changing or deleting a check-in is a check-in write too
    "pt-entry-delete": "checkin",
    "pt-bodymap": "interview",
    "pt-interview": "interview",
    "pt-answer": "change",
    "pt-delete": "change",
    "pt-view-links": "change",
    "api:create_assessment_share": "change",
    "api:delete_assessment_share": "change",
}
DEFAULT_SCOPE = "write"


def _unmapped(address: str) -> str:
    """An IPv4 client of a dual-stack (``::``) listener arrives as ``::ffff:a.b.c.d``: as IPv6,
    its /64 would be every IPv4 client's, and a proxy's mapped address would not be trusted."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    mapped = ip.ipv4_mapped if ip.version == 6 else None
    return str(mapped) if mapped is not None else address


def client_address(request: HttpRequest) -> str:
    """The client's address; behind a trusted proxy, the last one the proxy saw."""
    remote = _unmapped(request.META.get("REMOTE_ADDR", "") or "unknown")
    trusted = set(settings.TRUSTED_PROXIES)
    if remote in trusted:
        forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        for address in reversed([_unmapped(a) for a in forwarded if a]):
            if address not in trusted:
                return address
    return remote


def client_key(request: HttpRequest) -> str:
    address = client_address(request)
    try:
        ip = ipaddress.ip_address(address)
        if ip.version == 6:
            address = str(ipaddress.ip_network(f"{ip}/64", strict=False))
    except ValueError:
        pass
    return hashlib.sha256(address.encode()).hexdigest()[:24]


def hit(request: HttpRequest, scope: str) -> int | None:
    """Count one event of `scope` for this client: None if allowed, else seconds to wait."""
    rules = settings.RATE_LIMITS.get(scope)
    if not rules:
        return None
    cache = caches["ratelimit"]
    who = client_key(request)
    now = time.time()
    wait = 0
    for limit, period in rules:
        window = int(now // period)
        key = f"rl:{scope}:{period}:{who}:{window}"
        bump = getattr(cache, "bump", None)  # paintrace.web.counters: one atomic statement
        if bump is not None:
            counted = bump(key, period + 1)
            if counted is None:  # the counters are busy: let the event through
                continue
            count = counted
        else:
            cache.add(key, 0, timeout=period + 1)
            try:
                count = cache.incr(key)
            except ValueError:  # expired between add and incr
                cache.set(key, 1, timeout=period + 1)
                count = 1
        if count > limit:
            wait = max(wait, math.ceil((window + 1) * period - now))
    return wait or None


def too_many(request: HttpRequest, retry_after: int) -> HttpResponse:
    """429 with Retry-After: JSON for the API, otherwise a page in the site's layout.

    docs/deploy.md's nginx answers its own 429s with a copy of both, as for a wait of 2 s
    (tests/web/test_nginx_proxy.py compares them): change them together, the page's
    templates (429.html, paintrace/base.html) too."""
    minutes = max(1, math.ceil(retry_after / 60))
    message = (
        f"Too many requests from your connection. Please try again in {minutes} minute"
        f"{'s' if minutes > 1 else ''}."
    )
    response: HttpResponse
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": message, "retry_after": retry_after}, status=429)
    else:
        from django.template.loader import render_to_string

        response = HttpResponse(
            render_to_string("429.html", {"message": message}),
            status=429,
            content_type="text/html; charset=utf-8",
        )
    response["Retry-After"] = str(retry_after)
    return response


def limit(scope: str) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Decorator: count every call of the view against `scope` (all methods)."""

    def wrap(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @functools.wraps(view)
        def limited(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            wait = hit(request, scope)
            if wait:
                return too_many(request, wait)
            return view(request, *args, **kwargs)

        return limited

    return wrap


class RateLimitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Callable[..., Any], args: Any, kwargs: Any
    ) -> HttpResponse | None:
        if request.method not in UNSAFE:
            return None
        match = request.resolver_match
        name = match.view_name if match else ""
        scope = ROUTE_SCOPES.get(f"{name} {request.method}") or ROUTE_SCOPES.get(
            name, DEFAULT_SCOPE
        )
        wait = hit(request, scope)
        return too_many(request, wait) if wait else None


def axes_client_ip(request: HttpRequest) -> str:
    """The client's address for django-axes (AXES_CLIENT_IP_CALLABLE): the same proxy rules as
    the rate limits, and always a valid address (PostgreSQL stores it as inet)."""
    address = client_address(request)
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return "0.0.0.0"


def axes_lockout(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: Any = None,
) -> HttpResponse:
    """django-axes' answer to a locked-out log-in (AXES_LOCKOUT_CALLABLE): a 429 with
    Retry-After; JSON for the API, the log-in page with its message for the pages."""
    wait = 3600
    response: HttpResponse
    if original_response is not None and not request.path.startswith("/api/"):
        response = original_response
        response.status_code = 429
    elif request.path.startswith("/api/"):
        response = JsonResponse(
            {"detail": "Too many failed log-ins for this name: try again in an hour."},
            status=429,
        )
    else:
        response = too_many(request, wait)
    response["Retry-After"] = str(wait)
    return response
