"""A NUL byte in free text: PostgreSQL's text columns cannot hold one, so it must be a 422."""

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
