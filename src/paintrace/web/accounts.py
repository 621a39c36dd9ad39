"""Accounts: sign-up, API tokens, saved assessments and deleting everything for good.

The pages and the API both go through these functions. Passwords are hashed with argon2
(settings.PASSWORD_HASHERS); API tokens are random and only their SHA-256 is stored.
"""

from __future__ import annotations

import contextlib
import hashlib
import secrets
from collections.abc import Collection
from datetime import UTC, datetime, tzinfo
from typing import Any

from django.contrib.auth import get_user_model, password_validation
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import connection, transaction
from django.http import HttpRequest

from paintrace.errors import InputError, refuse_unknown
from paintrace.typed_text import refuse_nul
from paintrace.web import crypto, quotas, store, time_zones
from paintrace.web.models import AccountAssessment, ApiToken, ShareLink
from paintrace.zones import local_day, local_today, zone

USERNAME_MAX = 150
PASSWORD_MAX = 1024  # argon2 would hash a megabyte; refuse it before


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def clean_credentials(
    data: Any, allowed: Collection[str] = ("username", "password", "email")
) -> tuple[str, str, str]:
    """username, password (and an optional email) from a JSON body, or InputError. `allowed`:
    every field the endpoint takes, so an unknown one is refused with the endpoint's own list."""
    if not isinstance(data, dict):
        raise InputError("(root)", "expected an object with username and password")
    refuse_unknown(data, allowed)
    username, password = data.get("username"), data.get("password")
    if not isinstance(username, str) or not username.strip():
        raise InputError("username", "required: a user name")
    if not isinstance(password, str) or not password:
        raise InputError("password", "required: a password")
    if len(username) > USERNAME_MAX:
        raise InputError("username", f"at most {USERNAME_MAX} characters")
    refuse_nul(username, "username")
    if len(password) > PASSWORD_MAX:
        raise InputError("password", f"at most {PASSWORD_MAX} characters")
    email = data.get("email") or ""
    if not isinstance(email, str) or len(email) > 254:
        raise InputError("email", "expected an email address, or leave it out")
    email = email.strip()
    if email:
        try:
            validate_email(email)
        except ValidationError as exc:
            raise InputError("email", "expected an email address, or leave it out") from exc
    return username.strip(), password, email


def create_account(
    username: str, password: str, email: str = "", time_zone: str | None = None
) -> Any:
    """A new account, or InputError (name taken, weak password, unknown zone). Without a
    `time_zone` the account follows settings.PAINTRACE_TIME_ZONE (paintrace.web.time_zones)."""
    User = get_user_model()
    field = User._meta.get_field("username")
    try:
        for validator in field.validators:
            validator(username)
    except ValidationError as exc:
        raise InputError("username", " ".join(exc.messages)) from exc
    if User.objects.filter(username__iexact=username).exists():
        raise InputError("username", "this user name is taken")
    candidate = User(username=username, email=email)
    try:
        password_validation.validate_password(password, candidate)
    except ValidationError as exc:
        raise InputError("password", " ".join(exc.messages)) from exc
    if time_zone is not None:
        zone(time_zone)  # refused before anything is written
    with transaction.atomic():
        user = User.objects.create_user(username=username, password=password, email=email)
        if time_zone is not None:
            time_zones.choose(user, time_zone)
    return user


def issue_token(user: Any) -> str:
    token = "pt_" + secrets.token_urlsafe(32)
    ApiToken.objects.create(user=user, digest=digest(token))
    quotas.trim_tokens(user)
    return token


def _bearer(request: HttpRequest) -> str | None:
    header = request.META.get("HTTP_AUTHORIZATION", "")
    scheme, _, token = header.partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token or len(token) > 200:
        return None
    return token


def bearer_user(request: HttpRequest) -> Any | None:
    """The account of an ``Authorization: Bearer <token>`` header, or None."""
    token = _bearer(request)
    if token is None:
        return None
    row = ApiToken.objects.select_related("user").filter(digest=digest(token)).first()
    if row is None or not row.user.is_active:
        return None
    return row.user


def revoke_bearer_token(request: HttpRequest) -> bool:
    """Delete the token this request was sent with (log out one device); False if none."""
    token = _bearer(request)
    if token is None:
        return False
    deleted, _ = ApiToken.objects.filter(digest=digest(token)).delete()
    return deleted > 0


def revoke_tokens(user: Any) -> None:
    """Every token of the account stops working: after a password change, a token someone
    may have taken must not outlive the old password."""
    ApiToken.objects.filter(user=user).delete()


# ---------------------------------------------------------------- assessments on the account


def save_assessment(user: Any, aid: str) -> bool:
    """Keep an anonymous assessment on the account (no expiry); False if there is no such one.

    Raises quotas.QuotaExceeded when the account holds the most assessments it may.
    """
    saved = store.get(aid)
    if saved is None:
        return False
    lookup = crypto.lookup_key(aid)
    with transaction.atomic():
        if not AccountAssessment.objects.filter(user=user, lookup=lookup).exists():
            quotas.room_for_assessments(user)
        AccountAssessment.objects.get_or_create(
            user=user,
            lookup=lookup,
            defaults={"sealed_link": crypto.seal_for_account(user.pk, aid.encode())},
        )
        store.keep(aid)
    return True


def has_saved(user: Any, aid: str) -> bool:
    """Whether this account already keeps the assessment behind `aid`."""
    return AccountAssessment.objects.filter(user=user, lookup=crypto.lookup_key(aid)).exists()


def saved_links(user: Any) -> list[str]:
    """The link ids of the account's saved assessments, newest first."""
    out = []
    for sealed in (
        AccountAssessment.objects.filter(user=user)
        .order_by("-created_at", "-pk")
        .values_list("sealed_link", flat=True)
    ):
        try:
            out.append(crypto.open_for_account(user.pk, sealed).decode())
        except crypto.Unreadable:
            continue
    return out


def latest_assessment(user: Any) -> store.Saved | None:
    for aid in saved_links(user):
        saved = store.get(aid)
        if saved is not None:
            return saved
    return None


def delete_account(user: Any) -> None:
    """Delete the account and every piece of its data, for good."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    links = saved_links(user)
    username = user.get_username()
    with transaction.atomic():
        for aid in links:
            store.delete(aid)
        ShareLink.objects.filter(user=user).delete()
        user.delete()  # cascades: tokens, check-ins, activity scores, saved links
        AccessAttempt.objects.filter(username=username).delete()
        AccessLog.objects.filter(username=username).delete()
        AccessFailureLog.objects.filter(username=username).delete()
    if connection.vendor == "sqlite":
        store.wipe_sqlite_log()


def pseudonym(user: Any) -> str:
    """A stable pseudonym for exports: not the user name, not the account number."""
    from django.conf import settings

    raw = f"{settings.SECRET_KEY}|pseudonym|{user.pk}".encode()
    return "pt-" + hashlib.sha256(raw).hexdigest()[:16]


# ------------------------------------------------------------------------------ import


def import_journal(user: Any, data: Any) -> dict[str, int]:
    """Add a JSON export to the account; InputError (nothing added) if any item is bad."""
    from datetime import datetime

    from paintrace.assessment import parse_input
    from paintrace.exports import ASSESSMENT_META, parse_journal_json
    from paintrace.knowledge import load_knowledge
    from paintrace.web import journal_store
    from paintrace.web.models import Assessment

    kb = load_knowledge()
    parsed = parse_journal_json(data, kb, time_zones.zone_of(user))
    with transaction.atomic():
        for item in parsed.assessments:
            core = {k: v for k, v in item.items() if k not in ASSESSMENT_META}
            inp = parse_input(core, kb, allow_empty=True)
            pain = item.get("pain")
            about = {"pain": pain if isinstance(pain, int) else None, "since": item.get("since")}
            saved = store.save(inp, unknown=item.get("unknown", ()), about=about)
            when = item.get("saved_at")
            if isinstance(when, str):
                with contextlib.suppress(ValueError):
                    Assessment.objects.filter(pk=crypto.lookup_key(saved.id)).update(
                        created_at=datetime.fromisoformat(when)
                    )
            save_assessment(user, saved.id)
        journal_store.add_many(user, list(parsed.checkins))
        for rating in parsed.activities:
            journal_store.add_rating(user, rating)
    return {
        "assessments": len(parsed.assessments),
        "checkins": len(parsed.checkins),
        "activities": len(parsed.activities),
    }


# ------------------------------------------------------------------------------ sharing


def create_share(user: Any, days: int) -> tuple[ShareLink, str]:
    from datetime import timedelta

    from django.utils import timezone

    quotas.room_for_share(user)
    token = secrets.token_urlsafe(16)
    share = ShareLink.objects.create(
        user=user, lookup=crypto.lookup_key(token), expires_at=timezone.now() + timedelta(days=days)
    )
    return share, f"/s/{token}/"


def shares(user: Any) -> list[ShareLink]:
    return list(ShareLink.objects.filter(user=user).order_by("-created_at", "-pk"))


def revoke_share(user: Any, share_id: int) -> bool:
    deleted, _ = ShareLink.objects.filter(user=user, pk=share_id).delete()
    return deleted > 0


def shared_account(token: str) -> tuple[Any, bool] | None:
    """(the account, still valid) behind a share token; None if there is no such link."""
    from django.utils import timezone

    if not isinstance(token, str) or not 16 <= len(token) <= 43:
        return None
    share = ShareLink.objects.select_related("user").filter(lookup=crypto.lookup_key(token)).first()
    if share is None:
        return None
    return share.user, share.expires_at > timezone.now()


# ------------------------------------------------------------------------------ reminders


def reminders_ics(
    plan: dict[str, Any] | None,
    at: str,
    days: int,
    tz: tzinfo = UTC,
    started: datetime | None = None,
    owner: object = "",
) -> str | InputError | None:
    """A calendar of daily sessions of `plan` (summary_api.followed_plan); None without one.
    The routine starts today where the person is (`tz`, their zone), not the server's today;
    the review day counts from the day the plan `started` there (calendar_ics.plan_calendar)."""
    import re

    from paintrace.calendar_ics import plan_calendar

    if not re.fullmatch(r"\d{2}:\d{2}", at or ""):
        return InputError("at", "expected a time as HH:MM, e.g. 08:00")
    if not 1 <= days <= 90:
        return InputError("days", "expected 1 to 90 days")
    if plan is None:
        return None
    first_day = local_day(started, tz) if started else None
    # the plan's lasting name: whose, and the instant it was saved (not the secret link id)
    identity = f"{owner}|{started.astimezone(UTC).isoformat()}" if started else ""
    try:
        return plan_calendar(
            plan, local_today(tz), days=days, at=at, started=first_day, identity=identity
        )
    except ValueError as exc:
        return InputError("at", str(exc))
