"""``manage.py purge_expired``: what it deletes (assessments past retention, view-only links,
journal share links, sessions), what it keeps, and the counts it prints for each."""

from __future__ import annotations

import io
import secrets
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from paintrace.assessment import assess_input, parse_input
from paintrace.web import crypto, store, view_links
from paintrace.web.models import Assessment, AssessmentViewLink, ShareLink

pytestmark = pytest.mark.django_db

PAST = timedelta(seconds=1)


def _assessment() -> str:
    inp = parse_input({"drawing": {"right.buttock-center": ["pain"]}})
    return store.save(inp, assess_input(inp).to_dict()).id


def _expire_assessment(aid: str) -> None:
    Assessment.objects.filter(pk=crypto.lookup_key(aid)).update(expires_at=timezone.now() - PAST)


def _view_link(aid: str, expired: bool = False) -> str:
    made = view_links.create(aid, 7)
    assert made is not None
    if expired:
        AssessmentViewLink.objects.filter(pk=made[0].id).update(expires_at=timezone.now() - PAST)
    return view_links.url(made[1])


def _journal_share(user: object, expired: bool = False) -> str:
    token = secrets.token_urlsafe(16)
    when = timezone.now() + (-PAST if expired else timedelta(days=7))
    ShareLink.objects.create(user=user, lookup=crypto.lookup_key(token), expires_at=when)
    return f"/s/{token}/"


def _purge() -> str:
    out = io.StringIO()
    call_command("purge_expired", stdout=out)
    return out.getvalue().strip()


def test_purge_deletes_each_kind_and_counts_each_apart(settings: object) -> None:
    kept, old = _assessment(), _assessment()
    live_link = _view_link(kept)
    stale_link = _view_link(kept, expired=True)
    orphan_link = _view_link(old)  # still in date, but its assessment expires
    _expire_assessment(old)
    user = get_user_model().objects.create_user("dana", password="a long pass phrase 7")
    live_share = _journal_share(user)
    stale_shares = [_journal_share(user, expired=True) for _ in range(2)]
    Session.objects.create(session_key="x" * 32, session_data="", expire_date=timezone.now() - PAST)
    viewer = Client()
    assert viewer.get(stale_link).status_code == 410
    assert viewer.get(stale_shares[0]).status_code == 410
    assert viewer.get(orphan_link).status_code == 404

    assert _purge() == (
        "deleted 1 expired assessment(s) (retention 90 days), 2 expired view-only link(s), "
        "2 expired journal share link(s) and 1 expired session(s)"
    )
    assert store.get(kept) is not None and store.get(old) is None
    assert AssessmentViewLink.objects.count() == 1 and ShareLink.objects.count() == 1
    assert viewer.get(live_link).status_code == 200
    assert viewer.get(stale_link).status_code == 404  # gone, not merely expired
    assert viewer.get(live_share).status_code == 200
    assert viewer.get(stale_shares[0]).status_code == 404
    assert not Session.objects.filter(session_key="x" * 32).exists()
    # nothing left to do: a second run deletes nothing
    assert _purge().startswith("deleted 0 expired assessment(s)")
    assert "0 expired view-only link(s), 0 expired journal share link(s)" in _purge()
