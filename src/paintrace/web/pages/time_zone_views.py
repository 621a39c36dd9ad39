"""The account's time zone page: see the zone the journal counts days in, and change it.

Sign-up takes the browser's zone (time_zone.js); this page is for a person who signed up without
JavaScript, moved, or travels. The list is every zone of the server's IANA database
(paintrace.zones.zone_names); a name not on it (a tampered or stale form) is refused with the
same error summary as the other account forms, and nothing changes.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from paintrace.web import time_zones
from paintrace.zones import zone_names


class TimeZoneForm(forms.Form):
    time_zone = forms.ChoiceField(
        label="Your time zone",
        help_text="Your journal's days run from midnight to midnight here.",
        error_messages={
            "required": "Choose your time zone from the list.",
            "invalid_choice": "Choose your time zone from the list. %(value)s is not one we know.",
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["time_zone"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(name, time_zones.label(name)) for name in zone_names()]


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def time_zone_page(request: HttpRequest) -> HttpResponse:
    current = time_zones.zone_name(request.user)
    posted = request.POST if request.method == "POST" else None
    form = TimeZoneForm(posted, initial={"time_zone": current})
    if request.method == "POST":
        if form.is_valid():
            chosen = time_zones.choose(request.user, form.cleaned_data["time_zone"])
            messages.success(request, f"Your time zone is now {time_zones.label(chosen)}.")
            return redirect("pt-account")
        # The refused name cannot be shown in the list: show the zone still in force instead
        # (the errors were worked out already and stay).
        form.data = form.data.copy()
        form.data["time_zone"] = current
    context = {"form": form, "current": time_zones.label(current)}
    return render(
        request,
        "paintrace/account/time_zone.html",
        context,
        status=400 if form.is_bound and form.errors else 200,
    )
