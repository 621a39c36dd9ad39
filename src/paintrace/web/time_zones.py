"""An account's time zone: what it is, changing it, and making it active for its owner's pages.

The journal's days are the person's days (paintrace.zones). The core takes the zone as an
argument; this module finds it for an account and, for a logged-in person's requests, activates
it in Django, so that ``|date`` in a template shows their clock. Anonymous pages, and the
clinician's read-only page of someone else's journal, keep the server's zone (UTC) for times;
days on that page are the owner's, worked out with the owner's zone.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from paintrace.web.models import AccountPreferences
from paintrace.zones import is_zone, zone

_CACHED = "_paintrace_time_zone"  # on the user object: one query per request, not one per use


def zone_name(user: Any) -> str:
    """The zone the account's days are counted in: its owner's choice, else the default.

    A stored name the zone database no longer knows (an update retired it) reads as the
    default rather than failing every page of the account."""
    cached = getattr(user, _CACHED, None)
    if cached is not None:
        return str(cached)
    chosen = (
        AccountPreferences.objects.filter(user_id=user.pk)
        .values_list("time_zone", flat=True)
        .first()
    )
    name = chosen if chosen is not None and is_zone(chosen) else settings.PAINTRACE_TIME_ZONE
    setattr(user, _CACHED, name)
    return name


def label(name: str) -> str:
    """A zone's name as people read it: "America/Los Angeles" for America/Los_Angeles."""
    return name.replace("_", " ")


def zone_of(user: Any) -> ZoneInfo:
    return ZoneInfo(zone_name(user))


def choose(user: Any, name: object) -> str:
    """Keep `name` as the account's zone; InputError (field ``time_zone``) for an unknown one."""
    zone(name)
    assert isinstance(name, str)
    AccountPreferences.objects.update_or_create(user=user, defaults={"time_zone": name})
    setattr(user, _CACHED, name)
    return name


class AccountTimeZoneMiddleware:
    """A logged-in person's requests run in their zone; every other request in TIME_ZONE.

    Only a request with a session cookie can be logged in, so the others never touch the
    session (which would add ``Vary: Cookie``). The zone is deactivated after each request:
    activation lives in the thread, and the next request on this thread may be someone else's.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            settings.SESSION_COOKIE_NAME in request.COOKIES
            and user is not None
            and user.is_authenticated
        ):
            timezone.activate(zone_of(user))
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
