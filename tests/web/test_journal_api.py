"""Accounts and the journal API: sign-up, tokens, check-ins, activities, saved assessments,
summary; and every journal endpoint refuses another account's data (404, as if it did not
exist)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from paintrace.journal import RESCREEN
from paintrace.web import store
from paintrace.web.models import ApiToken, JournalEntry

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"


class Bearer:
    """JSON client that authenticates with a bearer token."""

    def __init__(self, client: Client, token: str | None) -> None:
        self.client = client
        self.headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}

    def _send(self, method: str, path: str, data: Any) -> Any:
        call = getattr(self.client, method)
        if data is None:
            return call(path, **self.headers)
        return call(path, data=json.dumps(data), content_type="application/json", **self.headers)

    def get(self, path: str) -> Any:
        return self._send("get", path, None)

    def post(self, path: str, data: Any = None) -> Any:
        return self._send("post", path, data if data is not None else {})

    def patch(self, path: str, data: Any) -> Any:
        return self._send("patch", path, data)

    def delete(self, path: str) -> Any:
        return self._send("delete", path, None)


def sign_up(client: Client, username: str) -> Bearer:
    anon = Bearer(client, None)
    r = anon.post("/api/accounts", {"username": username, "password": PASSWORD})
    assert r.status_code == 201, r.content
    r = anon.post("/api/auth/token", {"username": username, "password": PASSWORD})
    assert r.status_code == 200, r.content
    return Bearer(client, r.json()["token"])


@pytest.fixture
def alice(client: Client) -> Bearer:
    return sign_up(client, "alice")


@pytest.fixture
def bob() -> Bearer:
    return sign_up(Client(), "bob")


def assessment_id(vignette: dict[str, Any]) -> str:
    body = {k: vignette[k] for k in ("drawing", "findings", "patient") if k in vignette}
    r = Client().post("/api/assessments", data=json.dumps(body), content_type="application/json")
    assert r.status_code == 201
    return str(r.json()["id"])


# ------------------------------------------------------------------------------ accounts


def test_sign_up_validates_and_refuses_a_taken_name(alice: Bearer) -> None:
    anon = Bearer(Client(), None)
    r = anon.post("/api/accounts", {"username": "ALICE", "password": PASSWORD})
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "username"]
    r = anon.post("/api/accounts", {"username": "carol", "password": "123"})
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "password"]
    r = anon.post("/api/accounts", {"username": "carol"})
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "password"]
    r = anon.post("/api/accounts", {"username": "carol", "password": PASSWORD, "x": 1})
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "x"]


def test_passwords_are_argon2_and_tokens_stored_as_hashes(alice: Bearer) -> None:
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.get(username="alice")
    assert user.password.startswith("argon2$")
    token = alice.headers["HTTP_AUTHORIZATION"].split()[1]
    digests = list(ApiToken.objects.values_list("digest", flat=True))
    assert token not in digests and len(digests) == 1 and len(digests[0]) == 64


def test_wrong_password_401_then_locked_out_429() -> None:
    client = Client()
    sign_up(client, "dora")
    anon = Bearer(client, None)
    for _ in range(4):
        r = anon.post("/api/auth/token", {"username": "dora", "password": "wrong password!"})
        assert r.status_code == 401 and r["WWW-Authenticate"].startswith("Bearer")
    r = anon.post("/api/auth/token", {"username": "dora", "password": "wrong password!"})
    assert r.status_code == 429
    r = anon.post("/api/auth/token", {"username": "dora", "password": PASSWORD})
    assert r.status_code == 429  # locked out even with the right password


def test_a_token_is_revoked_by_deleting_it(client: Client) -> None:
    dora = sign_up(client, "dora")
    other = Bearer(Client(), dora.headers["HTTP_AUTHORIZATION"].split()[1])
    kept = sign_up(Client(), "dora2")
    assert dora.get("/api/journal/entries").status_code == 200
    assert dora.delete("/api/auth/token").status_code == 204
    assert other.get("/api/journal/entries").status_code == 401  # the same token, anywhere
    gone = dora.delete("/api/auth/token")  # already gone
    assert gone.status_code == 401 and gone["WWW-Authenticate"].startswith("Bearer")
    assert Bearer(Client(), None).delete("/api/auth/token").status_code == 401
    assert kept.get("/api/journal/entries").status_code == 200  # another account's token stays


def test_journal_needs_a_login() -> None:
    anon = Bearer(Client(), None)
    assert anon.get("/api/journal/entries").status_code == 401
    assert Bearer(Client(), "pt_not-a-token").get("/api/journal/entries").status_code == 401
    r = anon.post("/api/journal/entries", {"leg_pain": 3, "back_pain": 2, "note": ""})
    assert r.status_code == 401 and "Bearer" in r["WWW-Authenticate"]


def test_the_session_works_too_and_writes_need_the_csrf_token(alice: Bearer) -> None:
    from django.contrib.auth import get_user_model

    client = Client(enforce_csrf_checks=True)
    client.force_login(get_user_model().objects.get(username="alice"))
    body = json.dumps({"leg_pain": 4, "back_pain": 1, "note": "session"})
    r = client.post("/api/journal/entries", data=body, content_type="application/json")
    assert r.status_code == 403
    client.get("/accounts/login/")  # sets the CSRF cookie
    token = client.cookies["csrftoken"].value
    r = client.post(
        "/api/journal/entries", data=body, content_type="application/json", HTTP_X_CSRFTOKEN=token
    )
    assert r.status_code == 201
    assert client.get("/api/journal/entries").json()["items"][0]["note"] == "session"


# ------------------------------------------------------------------------------ check-ins


def test_entry_create_read_patch_delete(alice: Bearer) -> None:
    r = alice.post(
        "/api/journal/entries",
        {"leg_pain": 6, "back_pain": 3, "note": "long drive", "at": "2026-11-30T08:00:00Z"},
    )
    assert r.status_code == 201, r.content
    entry = r.json()
    assert entry["leg_pain"] == 6 and entry["at"].startswith("2026-11-30T08:00")
    assert "triage" not in entry
    path = f"/api/journal/entries/{entry['id']}"
    assert r["Location"] == path
    assert alice.get(path).json() == entry
    r = alice.patch(path, {"leg_pain": 4, "minutes": 15, "felt_after": "better"})
    assert r.status_code == 200
    assert r.json()["leg_pain"] == 4 and r.json()["back_pain"] == 3
    assert r.json()["minutes"] == 15 and r.json()["note"] == "long drive"
    items = alice.get("/api/journal/entries").json()["items"]
    assert [i["id"] for i in items] == [entry["id"]] and items[0]["felt_after"] == "better"
    r = alice.patch(path, {"felt_after": None, "minutes": None})  # taken back to "not said"
    assert (r.json()["felt_after"], r.json()["minutes"], r.json()["leg_pain"]) == (None, None, 4)
    assert alice.get(path).json()["felt_after"] is None
    assert alice.delete(path).status_code == 204
    assert alice.get(path).status_code == 404
    assert alice.delete(path).status_code == 404


def test_bad_fields_are_422_naming_them(alice: Bearer) -> None:
    for body, loc in [
        ({"back_pain": 3, "note": ""}, "leg_pain"),
        ({"leg_pain": 11, "back_pain": 3}, "leg_pain"),
        ({"leg_pain": 1, "back_pain": 3, "felt_after": "meh"}, "felt_after"),
        ({"leg_pain": 1, "back_pain": 3, "massaged": ["nope"]}, "massaged.nope"),
        ({"leg_pain": 1, "back_pain": 3, "at": "2999-01-01T00:00:00Z"}, "at"),
        ({"leg_pain": 1, "back_pain": 3, "color": "red"}, "color"),
    ]:
        r = alice.post("/api/journal/entries", body)
        assert r.status_code == 422, body
        assert r.json()["detail"][0]["loc"] == ["body", *loc.split(".", 1)], r.json()
    r = alice.post("/api/journal/entries", {"leg_pain": 1, "back_pain": 1})
    r = alice.patch(f"/api/journal/entries/{r.json()['id']}", {"back_pain": -1})
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "back_pain"]


def test_a_warning_sign_escalates_the_triage_in_the_answer(alice: Bearer) -> None:
    flag = RESCREEN[0]
    r = alice.post(
        "/api/journal/entries",
        {"leg_pain": 5, "back_pain": 5, "note": "", "red_flags": {flag: True}},
    )
    assert r.status_code == 201
    body = r.json()
    assert body["warning_signs"] == [flag]
    assert body["triage"]["level"] in ("emergency", "urgent")
    assert body["plan_paused"] is True
    assert JournalEntry.objects.get(pk=body["id"]).warning is True


def test_checkins_are_stored_compactly(alice: Bearer) -> None:
    r = alice.post("/api/journal/entries", {"leg_pain": 2, "back_pain": 1, "note": ""})
    row = JournalEntry.objects.get(pk=r.json()["id"])
    assert row.sealed is None
    r = alice.post("/api/journal/entries", {"leg_pain": 2, "back_pain": 1, "note": "secret-ish"})
    row = JournalEntry.objects.get(pk=r.json()["id"])
    assert b"secret-ish" not in bytes(row.sealed)
    assert alice.get(f"/api/journal/entries/{row.pk}").json()["note"] == "secret-ish"


# ------------------------------------------------------------------------------ activities


def test_activities_up_to_three_rated_weekly(alice: Bearer) -> None:
    r = alice.post("/api/journal/activities", {"activity": "sitting", "score": 3})
    assert r.status_code == 201
    week = r.json()["week"]
    r = alice.post("/api/journal/activities", {"activity": "sitting", "score": 5, "week": week})
    assert r.status_code == 201
    for name in ("walking", "driving"):
        r = alice.post("/api/journal/activities", {"activity": name, "score": 4})
        assert r.status_code == 201
    r = alice.post("/api/journal/activities", {"activity": "gardening", "score": 4})
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "activity"]
    items = alice.get("/api/journal/activities").json()["items"]
    assert {(i["activity"], i["score"]) for i in items} == {
        ("sitting", 5),
        ("walking", 4),
        ("driving", 4),
    }


# ---------------------------------------------------------------- assessments and summary


def test_save_an_assessment_and_the_summary(alice: Bearer, vignette: dict[str, Any]) -> None:
    aid = assessment_id(vignette)
    assert store.get(aid).expires_at is not None
    r = alice.post("/api/journal/assessments", {"id": aid})
    assert r.status_code == 201
    assert store.get(aid).expires_at is None  # kept while the account keeps it
    assert alice.post("/api/journal/assessments", {"id": "x" * 22}).status_code == 404
    items = alice.get("/api/journal/assessments").json()["items"]
    assert [i["id"] for i in items] == [aid]
    for day, pain in ((1, 7), (2, 6), (3, 4)):
        body = {"leg_pain": pain, "back_pain": 2, "note": "", "at": f"2026-11-0{day}T08:00:00Z"}
        assert alice.post("/api/journal/entries", body).status_code == 201
    summary = alice.get("/api/journal/summary").json()
    assert summary["assessment"] == aid
    assert [d["leg"] for d in summary["series"]] == [7, 6, 4]
    # leg pain from 7 to a recent mean of 5.7: less than the important drop from 7 (2 points);
    # the last check-in was weeks ago, so how it is now is not known
    assert summary["status"] == "stale" and summary["target"] == 5
    assert summary["last_checkin"] == "2026-11-03" and summary["current"] == 5.67
    assert any("Check in today" in a for a in summary["advice"])
    assert {"triage", "see_professional", "advice", "sources", "target"} <= set(summary)


def test_the_summary_of_an_empty_journal(alice: Bearer) -> None:
    summary = alice.get("/api/journal/summary").json()
    assert summary["status"] == "no-data" and summary["series"] == []


# ------------------------------------------------------------------------------ deletion


def test_delete_account_removes_everything(client: Client, vignette: dict[str, Any]) -> None:
    from django.contrib.auth import get_user_model

    erin = sign_up(client, "erin")
    aid = assessment_id(vignette)
    erin.post("/api/journal/assessments", {"id": aid})
    erin.post("/api/journal/entries", {"leg_pain": 3, "back_pain": 3, "note": "x"})
    erin.post("/api/journal/activities", {"activity": "walking", "score": 3})
    assert erin.delete("/api/accounts/me").status_code == 204
    assert erin.get("/api/journal/entries").status_code == 401  # the token stops working
    assert erin.delete("/api/accounts/me").status_code == 401
    assert not get_user_model().objects.filter(username="erin").exists()
    assert store.get(aid) is None
    assert JournalEntry.objects.count() == 0 and ApiToken.objects.count() == 0
    from paintrace.web.models import AccountAssessment, ActivityScore

    assert AccountAssessment.objects.count() == 0 and ActivityScore.objects.count() == 0


# --------------------------------------------------------------- one account, not another's


@pytest.fixture
def alice_entry(alice: Bearer) -> str:
    r = alice.post("/api/journal/entries", {"leg_pain": 5, "back_pain": 4, "note": "mine"})
    return f"/api/journal/entries/{r.json()['id']}"


def test_others_cannot_read_an_entry(alice_entry: str, bob: Bearer) -> None:
    r = bob.get(alice_entry)
    assert r.status_code == 404 and "mine" not in r.content.decode()


def test_others_cannot_change_an_entry(alice: Bearer, alice_entry: str, bob: Bearer) -> None:
    assert bob.patch(alice_entry, {"leg_pain": 0}).status_code == 404
    assert alice.get(alice_entry).json()["leg_pain"] == 5


def test_others_cannot_delete_an_entry(alice: Bearer, alice_entry: str, bob: Bearer) -> None:
    assert bob.delete(alice_entry).status_code == 404
    assert alice.get(alice_entry).status_code == 200


def test_others_do_not_see_entries_in_the_list(alice_entry: str, bob: Bearer) -> None:
    assert bob.get("/api/journal/entries").json()["items"] == []
    bob.post("/api/journal/entries", {"leg_pain": 1, "back_pain": 1, "note": "bob's"})
    notes = [i["note"] for i in bob.get("/api/journal/entries").json()["items"]]
    assert notes == ["bob's"]


def test_others_do_not_see_activities(alice: Bearer, bob: Bearer) -> None:
    alice.post("/api/journal/activities", {"activity": "alice walks", "score": 3})
    assert bob.get("/api/journal/activities").json() == {"items": []}
    for name in ("a", "b", "c"):  # alice's three do not count against bob's
        r = bob.post("/api/journal/activities", {"activity": name, "score": 1})
        assert r.status_code == 201


def test_others_do_not_see_saved_assessments_or_summary(
    alice: Bearer, bob: Bearer, vignette: dict[str, Any]
) -> None:
    aid = assessment_id(vignette)
    alice.post("/api/journal/assessments", {"id": aid})
    alice.post("/api/journal/entries", {"leg_pain": 5, "back_pain": 4, "note": ""})
    assert bob.get("/api/journal/assessments").json() == {"items": []}
    summary = bob.get("/api/journal/summary").json()
    assert summary["assessment"] is None and summary["series"] == []


def test_deleting_one_account_leaves_the_other(
    alice: Bearer, alice_entry: str, bob: Bearer
) -> None:
    assert bob.delete("/api/accounts/me").status_code == 204
    assert alice.get(alice_entry).status_code == 200
