"""Your check-ins' pages, whose and how: another account's check-in is a 404 like a missing
one, the pages need a login, the writes need the CSRF token and count against the check-in
limit (through the pages and the API alike), and the API and the pages read each other's
changes."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest
from django.test import Client

from paintrace.web.models import JournalEntry

from .test_account_pages import checkin, sign_up
from .test_entry_pages import add, main, stored, user

pytestmark = pytest.mark.django_db


def test_another_account_s_check_in_is_not_found_like_a_missing_one(client: Client) -> None:
    sign_up(client, "alice")
    alices = add("alice", leg_pain=8, note="alice-secret-note")
    bob = Client()
    sign_up(bob, "bob")
    bob.get("/journal/")  # shows "Your account is ready", which the 404 pages would
    missing = alices.pk + 1000
    for path in ("/journal/entries/{}/", "/journal/entries/{}/delete/"):
        theirs, nothing = bob.get(path.format(alices.pk)), bob.get(path.format(missing))
        assert theirs.status_code == nothing.status_code == 404
        assert main(theirs.content.decode()) == main(nothing.content.decode())
        assert "alice-secret-note" not in theirs.content.decode()
        sent = {"leg_pain": "0", "back_pain": "0"}
        assert bob.post(path.format(alices.pk), sent).status_code == 404
    after = stored(alices)
    assert (after.leg_pain, after.note) == (8, "alice-secret-note")
    assert "alice-secret-note" not in bob.get("/journal/entries/").content.decode()
    # ids no account has, or that are not ids at all
    for bad in ("0", "abc", "-1", str(2**63), "9" * 40, "1.0", "%D9%A3"):
        assert client.get(f"/journal/entries/{bad}/").status_code == 404, bad
        assert client.post(f"/journal/entries/{bad}/delete/").status_code == 404, bad


def test_the_pages_need_a_login() -> None:
    sign_up(Client(), "alice")
    row = add("alice")
    anonymous = Client()
    for path in (
        "/journal/entries/",
        f"/journal/entries/{row.pk}/",
        f"/journal/entries/{row.pk}/delete/",
    ):
        r = anonymous.get(path)
        assert r.status_code == 302 and r["Location"].startswith("/accounts/login/?next="), path
    for path in (f"/journal/entries/{row.pk}/", f"/journal/entries/{row.pk}/delete/"):
        r = anonymous.post(path, {"leg_pain": "0", "back_pain": "0"})
        assert r.status_code == 302 and r["Location"].startswith("/accounts/login/")
    assert JournalEntry.objects.count() == 1 and stored(row).leg_pain == 5


def test_changing_and_deleting_need_the_csrf_token(client: Client) -> None:
    sign_up(client)
    row = add(leg_pain=9)
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(user())
    sent = {"leg_pain": "3", "back_pain": "2"}
    assert strict.post(f"/journal/entries/{row.pk}/", sent).status_code == 403
    assert strict.post(f"/journal/entries/{row.pk}/delete/").status_code == 403
    assert stored(row).leg_pain == 9 and JournalEntry.objects.count() == 1
    # with the token from the page, it works
    html = strict.get(f"/journal/entries/{row.pk}/").content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    assert token is not None
    sent["csrfmiddlewaretoken"] = token.group(1)
    assert strict.post(f"/journal/entries/{row.pk}/", sent).status_code == 302
    assert stored(row).leg_pain == 3


@pytest.fixture
def still_clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Empty rate-limit counters and the limiter's clock held mid-window (as in tests/web)."""
    from django.core.cache import caches

    from paintrace.web import ratelimit

    still = int(time.time()) // 3600 * 3600 + 1830.0
    monkeypatch.setattr(ratelimit, "time", SimpleNamespace(time=lambda: still))
    caches["ratelimit"].clear()
    yield
    caches["ratelimit"].clear()


def test_changes_and_deletes_count_against_the_check_in_limit(
    client: Client, settings: Any, still_clock: None
) -> None:
    sign_up(client)
    first, second = add(), add()
    settings.RATE_LIMITS = {"checkin": [(3, 60)], "write": [(100, 60)]}
    sent = {"leg_pain": "1", "back_pain": "1"}
    assert client.post(f"/journal/entries/{first.pk}/", sent).status_code == 302
    assert client.post(f"/journal/entries/{second.pk}/delete/").status_code == 302
    assert checkin(client, 2, 2).status_code == 302  # the same scope as a new check-in
    r = client.post(f"/journal/entries/{first.pk}/", {"leg_pain": "9", "back_pain": "9"})
    assert r.status_code == 429 and "Too many requests" in r.content.decode()
    assert stored(first).leg_pain == 1
    assert client.post(f"/journal/entries/{first.pk}/delete/").status_code == 429
    assert JournalEntry.objects.filter(pk=first.pk).exists()
    assert client.get("/journal/entries/").status_code == 200  # reading is not limited


def test_the_api_s_changes_and_deletes_count_against_the_check_in_limit_too(
    client: Client, settings: Any, still_clock: None
) -> None:
    sign_up(client)
    first, second = add(), add()
    settings.RATE_LIMITS = {"checkin": [(2, 60)], "write": [(100, 60)]}

    def patch(row: JournalEntry) -> int:
        body = json.dumps({"leg_pain": 4})
        return client.patch(
            f"/api/journal/entries/{row.pk}", body, content_type="application/json"
        ).status_code

    assert patch(first) == 200
    assert client.delete(f"/api/journal/entries/{second.pk}").status_code == 204
    assert patch(first) == 429
    assert client.get(f"/api/journal/entries/{first.pk}").status_code == 200  # reads are free


def test_the_api_reads_a_change_made_on_the_page_and_the_page_one_made_by_the_api(
    client: Client,
) -> None:
    sign_up(client)
    assert checkin(client, 6, 2).status_code == 302
    (item,) = client.get("/api/journal/entries").json()["items"]
    r = client.patch(
        f"/api/journal/entries/{item['id']}",
        data=json.dumps({"leg_pain": 2}),
        content_type="application/json",
    )
    assert r.status_code == 200
    assert (
        "<dt>Leg pain</dt><dd>2 out of 10</dd>" in client.get("/journal/entries/").content.decode()
    )
