"""What one account may hold is bounded (paintrace.web.quotas): a full account gets a clear 422
(API) or message (pages), nothing already saved is touched, and tokens roll over."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from paintrace.web import quotas
from paintrace.web.models import ActivityScore, ApiToken, JournalEntry

from .test_journal_api import PASSWORD, Bearer, sign_up

pytestmark = pytest.mark.django_db

CHECKIN = {"leg_pain": 4, "back_pain": 2, "note": ""}


@pytest.fixture
def small(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(quotas, "MAX_CHECKINS", 3)
    monkeypatch.setattr(quotas, "MAX_RATINGS", 2)
    monkeypatch.setattr(quotas, "MAX_SAVED_ASSESSMENTS", 2)
    monkeypatch.setattr(quotas, "MAX_LIVE_SHARES", 2)
    monkeypatch.setattr(quotas, "MAX_TOKENS", 3)


def _full_message(r: Any) -> str:
    assert r.status_code == 422, r.content
    detail = r.json()["detail"][0]
    assert detail["loc"] == ["body"]
    return str(detail["msg"])


def test_checkins_stop_at_the_limit_and_nothing_is_lost(client: Client, small: None) -> None:
    alice = sign_up(client, "alice")
    for _ in range(3):
        assert alice.post("/api/journal/entries", CHECKIN).status_code == 201
    msg = _full_message(alice.post("/api/journal/entries", CHECKIN))
    assert "3 check-ins" in msg and "Export your journal" in msg
    assert JournalEntry.objects.count() == 3
    bob = sign_up(client, "bob")  # another account is not affected
    assert bob.post("/api/journal/entries", CHECKIN).status_code == 201
    # room again after deleting one
    first = alice.get("/api/journal/entries").json()["items"][0]["id"]
    assert alice.delete(f"/api/journal/entries/{first}").status_code == 204
    assert alice.post("/api/journal/entries", CHECKIN).status_code == 201


def test_an_import_that_would_overfill_adds_nothing(client: Client, small: None) -> None:
    alice = sign_up(client, "alice")
    for _ in range(2):
        alice.post("/api/journal/entries", CHECKIN)
    exported = alice.get("/api/journal/export?format=json").json()
    bob = sign_up(client, "bob")
    bob.post("/api/journal/entries", CHECKIN)
    bob.post("/api/journal/entries", CHECKIN)
    r = bob.client.post(
        "/api/journal/import", data=exported, content_type="application/json", **bob.headers
    )
    assert "check-ins" in _full_message(r)
    assert len(bob.get("/api/journal/entries").json()["items"]) == 2


def test_ratings_replace_at_the_limit_but_do_not_grow(client: Client, small: None) -> None:
    alice = sign_up(client, "alice")
    r = alice.post("/api/journal/activities", {"activity": "sitting", "score": 3})
    week = r.json()["week"]
    assert (
        alice.post("/api/journal/activities", {"activity": "walking", "score": 4}).status_code
        == 201
    )
    again = {"activity": "sitting", "score": 6, "week": week}
    assert alice.post("/api/journal/activities", again).status_code == 201  # replaces
    msg = _full_message(alice.post("/api/journal/activities", {"activity": "driving", "score": 1}))
    assert "activity ratings" in msg
    assert ActivityScore.objects.count() == 2


def test_saved_assessments_are_bounded_but_saving_again_is_fine(
    client: Client, small: None
) -> None:
    alice = sign_up(client, "alice")
    body = {"drawing": {"right.buttock-center": ["pain"]}, "findings": {}}
    ids = [
        client.post("/api/assessments", body, content_type="application/json").json()["id"]
        for _ in range(3)
    ]
    for aid in ids[:2]:
        assert alice.post("/api/journal/assessments", {"id": aid}).status_code == 201
    assert alice.post("/api/journal/assessments", {"id": ids[0]}).status_code == 201
    assert "saved assessments" in _full_message(
        alice.post("/api/journal/assessments", {"id": ids[2]})
    )
    assert len(alice.get("/api/journal/assessments").json()["items"]) == 2


def test_live_share_links_are_bounded_and_revoking_makes_room(client: Client, small: None) -> None:
    alice = sign_up(client, "alice")
    made = [alice.post("/api/journal/shares", {"days": 1}).json() for _ in range(2)]
    assert "share links" in _full_message(alice.post("/api/journal/shares", {"days": 1}))
    assert alice.delete(f"/api/journal/shares/{made[0]['id']}").status_code == 204
    assert alice.post("/api/journal/shares", {"days": 1}).status_code == 201


def test_tokens_roll_over_oldest_first(client: Client, small: None) -> None:
    sign_up(client, "alice")  # one token
    anon = Bearer(client, None)
    tokens = [
        anon.post("/api/auth/token", {"username": "alice", "password": PASSWORD}).json()["token"]
        for _ in range(4)
    ]
    user = get_user_model().objects.get(username="alice")
    assert ApiToken.objects.filter(user=user).count() == 3
    assert Bearer(client, tokens[0]).get("/api/journal/entries").status_code == 401
    for token in tokens[1:]:
        assert Bearer(client, token).get("/api/journal/entries").status_code == 200


def test_checkin_page_says_the_journal_is_full_and_still_shows_a_warning_sign(
    client: Client, small: None
) -> None:
    user = get_user_model().objects.create_user("carol", password=PASSWORD)
    client.force_login(user)
    form = {"leg_pain": "3", "back_pain": "1"}
    for _ in range(3):
        assert client.post("/journal/check-in/", form).status_code == 302
    r = client.post("/journal/check-in/", form)
    assert r.status_code == 400 and "3 check-ins" in r.content.decode()
    assert JournalEntry.objects.filter(user=user).count() == 3
    warning = {**form, "flag-saddle-numbness": "yes"}
    r = client.post("/journal/check-in/", warning, follow=True)
    page = r.content.decode()
    assert r.status_code == 200 and "This check-in was not saved" in page
    assert "saddle" in page.lower() or "emergency" in page.lower()
    assert JournalEntry.objects.filter(user=user).count() == 3
