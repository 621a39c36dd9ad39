"""A NUL byte in free text (PostgreSQL's text columns cannot hold one) or a lone surrogate
(no UTF-8 can hold one): a 422, never a server error."""

from __future__ import annotations

import pytest
from django.test import Client

from .test_journal_api import Bearer, sign_up

pytestmark = pytest.mark.django_db


@pytest.fixture
def alice(client: Client) -> Bearer:
    return sign_up(client, "alice")


@pytest.mark.parametrize(
    ("path", "body", "loc"),
    [
        ("/api/journal/activities", {"activity": "walk\x00ing", "score": 3}, "activity"),
        ("/api/journal/entries", {"leg_pain": 3, "back_pain": 2, "note": "a\x00b"}, "note"),
    ],
)
def test_a_nul_byte_in_free_text_is_refused(alice: Bearer, path: str, body: dict, loc: str) -> None:
    r = alice.post(path, body)
    assert r.status_code == 422, r.content
    assert r.json()["detail"][0]["loc"] == ["body", loc]


def test_a_nul_byte_on_the_pages_is_refused(client: Client) -> None:
    sign_up(client, "bea")
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username="bea"))
    r = client.post("/journal/activities/", {"new_activity": "walk\x00ing", "score": "3"})
    assert r.status_code == 400
    r = client.post("/journal/check-in/", {"leg_pain": 3, "back_pain": 2, "note": "a\x00b"})
    assert r.status_code == 400


def test_a_nul_byte_in_a_sign_up_is_refused() -> None:
    anon = Bearer(Client(), None)
    body = {"username": "cleo", "password": "correct horse battery staple", "email": "c\x00@x.org"}
    r = anon.post("/api/accounts", body)
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "email"]


def test_a_nul_byte_in_a_log_in_name_is_refused() -> None:
    anon = Bearer(Client(), None)
    r = anon.post("/api/auth/token", {"username": "cl\x00eo", "password": "whatever it is"})
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "username"]


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/api/journal/entries", {"leg_pain": 3, "back_pain": 2, "note": "\ud800x"}),
        ("/api/auth/token", {"username": "alice", "password": "\ud800" * 12}),
        ("/api/accounts", {"username": "dora", "password": "\ud800" * 12}),
    ],
)
def test_a_lone_surrogate_is_malformed_json_not_a_server_error(
    alice: Bearer, path: str, body: dict
) -> None:
    """json.dumps writes half of a UTF-16 pair as the escape \\ud800, which JSON allows and
    no UTF-8 text can hold."""
    r = alice.post(path, body)
    assert r.status_code == 422, r.content
    detail = r.json()["detail"][0]
    assert detail["type"] == "json_invalid" and "surrogate" in detail["msg"]
