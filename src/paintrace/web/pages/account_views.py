"""Account and journal pages: sign up, log in and out, change password, delete the account,
the daily check-in, the progress page and "save to my account" on a result page.

Thin like the other views: validation is the core's (paintrace.journal), storage goes through
paintrace.web.accounts and paintrace.web.journal_store, and every query is the account's own.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth import login, logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import (
    AuthenticationForm,
    BaseUserCreationForm,
    PasswordChangeForm,
)
from django.contrib.auth.models import User
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.html import format_html_join
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from paintrace.errors import InputError
from paintrace.journal import CheckIn, parse_checkin
from paintrace.knowledge import load_knowledge
from paintrace.typed_text import whole_number
from paintrace.web import accounts, journal_store, store, time_zones
from paintrace.web.pages import checkin_form, checkin_map
from paintrace.zones import day_start, is_zone, local_today

PAIN_SCALE = checkin_form.SCALE


class SignUpForm(BaseUserCreationForm):
    # autocomplete: the field's purpose, so browsers can fill it in (WCAG 1.3.5)
    email = forms.EmailField(
        required=False,
        help_text=(
            "Optional. paintrace sends no email. "
            "A forgotten password cannot be reset, so keep yours safe."
        ),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    # The browser's zone, filled in by time_zone.js; the journal's days are counted in it. No
    # max_length: clean_time_zone drops anything not a zone, and a length error would refuse
    # the sign-up over a field the person never saw (the request's size is bounded already).
    time_zone = forms.CharField(
        required=False, widget=forms.HiddenInput(attrs={"data-time-zone": ""})
    )

    class Meta(BaseUserCreationForm.Meta):
        model = User
        fields = ("username", "email")

    def clean_username(self) -> str:
        username = str(self.cleaned_data["username"]).strip()
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError("This user name is taken.")
        return username

    def clean_time_zone(self) -> str:
        """A zone the server does not know, or none (no JavaScript), leaves the account on the
        default: the person never saw this field, so it must not refuse their sign-up."""
        name = str(self.cleaned_data.get("time_zone") or "")
        return name if is_zone(name) else ""

    def validate_password_for_user(self, user: Any, *args: Any, **kwargs: Any) -> None:
        # Django puts "too short" under the confirmation; the rules are about the password.
        super().validate_password_for_user(user, password_field_name="password1")


class NewPasswordForm(PasswordChangeForm):
    def validate_password_for_user(self, user: Any, *args: Any, **kwargs: Any) -> None:
        super().validate_password_for_user(user, password_field_name="new_password1")


# --------------------------------------------------------------------------- accounts


@never_cache
@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            user = form.save()
            if form.cleaned_data["time_zone"]:
                time_zones.choose(user, form.cleaned_data["time_zone"])
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, "Your account is ready.")
        return redirect(_next(request) or "pt-progress")
    return render(
        request,
        "paintrace/account/signup.html",
        {"form": form, "next": _next(request)},
        status=_refused(form),
    )


def _refused(form: forms.BaseForm) -> int:
    """400 for a form sent back with its errors: its title then says "Error: " (error_title)."""
    return 400 if form.is_bound and form.errors else 200


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    return target if target.startswith("/") and not target.startswith("//") else ""


@never_cache
@require_http_methods(["GET", "POST"])
def login_page(request: HttpRequest) -> HttpResponse:
    form = AuthenticationForm(request, data=request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            login(request, form.get_user())
            return redirect(_next(request) or "pt-progress")
        if getattr(request, "axes_locked_out", False):
            status = 429
            form.errors.clear()
            form.add_error(None, "Too many failed log-ins for this name. Try again in an hour.")
        else:
            status = 400
    return render(
        request,
        "paintrace/account/login.html",
        {"form": form, "next": _next(request)},
        status=status,
    )


@require_POST
def logout_page(request: HttpRequest) -> HttpResponse:
    logout(request)
    messages.success(request, "You are logged out.")
    return redirect("pt-bodymap")


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def password_page(request: HttpRequest) -> HttpResponse:
    form = NewPasswordForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        update_session_auth_hash(request, user)
        accounts.revoke_tokens(user)
        messages.success(
            request, "Your password has been changed. Apps that used the old one must log in again."
        )
        return redirect("pt-account")
    return render(request, "paintrace/account/password.html", {"form": form}, status=_refused(form))


@never_cache
@login_required
def account_page(request: HttpRequest) -> HttpResponse:
    context = {"time_zone": time_zones.label(time_zones.zone_name(request.user))}
    return render(request, "paintrace/account/account.html", context)


class ConfirmPasswordForm(forms.Form):
    password = forms.CharField(
        label="Your password, to confirm",
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def delete_account_page(request: HttpRequest) -> HttpResponse:
    form = ConfirmPasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if request.user.check_password(form.cleaned_data["password"]):
            accounts.delete_account(request.user)
            logout(request)
            messages.success(request, "Your account and all its data have been deleted for good.")
            return redirect("pt-bodymap")
        form.add_error("password", "That is not your password.")
    return render(request, "paintrace/account/delete.html", {"form": form}, status=_refused(form))


# --------------------------------------------------------------------------- check-in


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def checkin_page(request: HttpRequest) -> HttpResponse:
    context = checkin_form.choices(request.user)
    if request.method == "POST":
        data = checkin_form.data(request.POST)
        try:
            c = parse_checkin(data, load_knowledge())
        except InputError as exc:
            return checkin_form.sent_back(request, context, exc)
        assert isinstance(c, CheckIn)
        alarming = bool(c.warning_signs or c.new_numbness or c.new_weakness)
        try:
            journal_store.add(request.user, c)
        except InputError as exc:  # the account is full (paintrace.web.quotas)
            if not alarming:
                return checkin_form.sent_back(request, context, exc)
            # a warning sign is shown even when the check-in cannot be kept
            messages.error(request, f"This check-in was not saved. {exc.message}")
        if alarming:
            from paintrace.web.summary_api import summary_for

            context = {"summary": summary_for(request.user), "flags": c.warning_signs}
            return render(request, "paintrace/account/checkin_warning.html", context)
        messages.success(request, "Check-in saved. Thank you.")
        return redirect("pt-progress")
    context.update(checkin_map.map_context())
    return render(request, "paintrace/account/checkin.html", context)


# --------------------------------------------------------------------------- progress


# The composite map's periods: the last 7, 30 or 90 days, or everything (the default).
MAP_PERIODS: dict[str, tuple[int | None, str]] = {
    "7": (7, "the last 7 days"),
    "30": (30, "the last 30 days"),
    "90": (90, "the last 90 days"),
    "all": (None, "all your check-ins"),
}


def map_period(request: HttpRequest) -> str:
    """The chosen period (?period=7|30|90|all); anything else is the default, everything."""
    chosen = request.GET.get("period", "all")
    return chosen if chosen in MAP_PERIODS else "all"


def progress_context(user: Any, period: str = "all") -> dict[str, Any]:
    from datetime import timedelta

    from django.utils import timezone

    from paintrace import charts
    from paintrace.measures import Day, daily, weekly_activity
    from paintrace.web.summary_api import journal_data, summary_for

    kb = load_knowledge()
    data = journal_data(user)
    saved, checkins, ratings = data
    tz = time_zones.zone_of(user)  # the owner's, also on a clinician's shared page
    days_back, period_words = MAP_PERIODS[period]
    # "The last 7 days": today and the 6 days before, the person's days from midnight, as
    # "days marked" counts them (7 times 24 hours back reached into an eighth day).
    today = local_today(tz, timezone.now())
    since = day_start(today - timedelta(days=days_back - 1), tz) if days_back else None
    summary = summary_for(user, data)
    days: list[Day] = daily(checkins, tz)
    weekly = weekly_activity(ratings)
    pain_rows = format_html_join(
        "",
        '<tr><th scope="row">{}</th><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>',
        (
            (
                d.day.isoformat(),
                d.leg,
                d.back,
                {True: "yes", False: "no", None: "not recorded"}[d.plan_done],
                d.checkins,
            )
            for d in days
        ),
    )
    intensities = charts.region_intensities(checkins, since, tz)
    region_rows = [
        {"name": kb.region_name(rid), "days": n, "mean": mean, "max": top}
        for rid, n, mean, top in intensities
        if rid in kb.regions
    ]
    return {
        "assessment": saved,  # the latest saved one, read once with the journal
        "summary": summary,
        "pain_rows": pain_rows,
        "days": days,
        "weekly": weekly,
        "pain_svg": charts.pain_chart_svg(days, summary.get("target")) if days else "",
        "activity_svg": charts.activity_chart_svg(weekly) if weekly else "",
        "any_regions": any(c.regions for c in checkins),
        "composite_svg": charts.composite_svg(intensities) if region_rows else "",
        "region_rows": region_rows,
        "period": period,
        "period_words": period_words,
        "periods": [(key, words) for key, (_, words) in MAP_PERIODS.items()],
        "sources": [{**s, "name": source_name(s["id"])} for s in summary.get("sources", [])[:5]],
        "zone_name": time_zones.label(tz.key),
    }


def source_name(sid: str) -> str:
    src = load_knowledge().sources.get(sid)
    return src.name if src else sid


@never_cache
@login_required
def progress_page(request: HttpRequest) -> HttpResponse:
    context = progress_context(request.user, map_period(request))
    return render(request, "paintrace/account/progress.html", context)


# --------------------------------------------------------------------------- saving


@never_cache
@require_http_methods(["GET", "POST"])
def save_to_account(request: HttpRequest, aid: str) -> HttpResponse:
    """POST saves. GET is where logging in or signing up returns to: it asks again, with a
    button, rather than saving on a GET (a link or a prefetch must not change an account) or
    dropping the request (the person would think it was saved)."""
    if store.get(aid) is None:
        raise Http404("No assessment with this id.")
    if not request.user.is_authenticated:
        return redirect(f"/accounts/login/?next=/a/{aid}/save/")
    if request.method == "GET":
        if accounts.has_saved(request.user, aid):  # nothing to ask: the result page says so
            return redirect("pt-result", aid=aid)
        return render(request, "paintrace/account/save_confirm.html", {"aid": aid})
    try:
        accounts.save_assessment(request.user, aid)
    except InputError as exc:  # the account is full (paintrace.web.quotas)
        messages.error(request, exc.message)
        return redirect("pt-result", aid=aid)
    messages.success(request, "Saved to your account. Check in each day to see how it goes.")
    return redirect("pt-result", aid=aid)


# --------------------------------------------------------------------------- activities


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def activities_page(request: HttpRequest) -> HttpResponse:
    """Up to three activities of the person's own, each rated 0-10 once a week."""
    from paintrace.journal import MAX_ACTIVITIES, parse_activity

    names = journal_store.activity_names(request.user)
    full = len(names) >= MAX_ACTIVITIES
    context: dict[str, Any] = {"names": names, "scale": PAIN_SCALE, "full": full}
    if request.method == "POST":
        chosen = request.POST.get("new_activity", "").strip() or request.POST.get("activity")
        try:
            rating = parse_activity(
                {"activity": chosen, "score": _int(request.POST.get("score"))},
                tz=time_zones.zone_of(request.user),
            )
            if rating.activity not in names and len(names) >= MAX_ACTIVITIES:
                raise InputError("activity", f"at most {MAX_ACTIVITIES} activities")
            journal_store.add_rating(request.user, rating)
        except InputError as exc:  # a bad rating, or the account is full
            context.update(error=_activity_error(exc, chosen, full), values=request.POST)
            return render(request, "paintrace/account/activities.html", context, status=400)
        messages.success(request, f"Rated {rating.activity}: {rating.score} out of 10 this week.")
        return redirect("pt-progress")
    return render(request, "paintrace/account/activities.html", context)


def _activity_error(exc: InputError, chosen: str | None, full: bool) -> dict[str, str]:
    """The rating's error in words, with the id of the page's field it belongs to. A full list
    has no field for a new name (only a crafted post names one): its error goes to the choice."""
    if exc.field == "score":
        return {"text": f"How well you can do it: {exc.message}", "target": "activity-score"}
    if full:
        return {
            "text": "You already have three activities. Choose one of them.",
            "target": "activity",
        }
    if not chosen:
        text = "Name the activity, for example “walking the dog”."
    else:
        text = f"The activity: {exc.message}"
    return {"text": text, "target": "new_activity"}


def _int(raw: Any) -> Any:
    return int(raw) if isinstance(raw, str) and whole_number(raw) else raw
